# task: auto_mpg
# expect: solution_model() returned None instead of a model (the `return model` is missing)
import tensorflow as tf

def solution_model():  # <-- error
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[9])])
    model.compile(optimizer='adam', loss='mae')
