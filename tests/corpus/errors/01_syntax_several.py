# task: none
# expect: every syntax error is listed at once (missing colon, unclosed bracket, stray `=`), each at its line
import tensorflow as tf

def solution_model()  # <-- error
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(1, input_shape=[1]),
    ])
    learning_rate = = 0.01  # <-- error
    model.compile(optimizer='sgd', loss='mse'  # <-- error
    return model
