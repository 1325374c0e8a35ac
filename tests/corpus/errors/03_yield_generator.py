# task: sunspots
# expect: generator functions (`yield`) are not supported; build a list or use tf.data.Dataset
import tensorflow as tf

def windows(series, size):
    for i in range(len(series) - size):
        yield series[i:i + size], series[i + size]  # <-- error

def solution_model():
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[30])])
    return model
