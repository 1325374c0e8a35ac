# task: none
# expect: decorators such as @tf.function are not supported; call the function directly
import tensorflow as tf

@tf.function  # <-- error
def scale(x):
    return x / 255.0

def solution_model():
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[1])])
    return model
