# task: auto_mpg
# expect: the task calls solution_model(), which the program does not define (it defines `solution`)
import tensorflow as tf

def solution():
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[9])])
    model.compile(optimizer='adam', loss='mae')
    return model
