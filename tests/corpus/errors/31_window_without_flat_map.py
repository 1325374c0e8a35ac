# task: sunspots
# expect: a dataset of windows (nested datasets) cannot be batched/fed to the model; flat_map each window to a batch first
import numpy as np
import tensorflow as tf

def solution_model():
    series = np.arange(100, dtype=np.float32)
    dataset = tf.data.Dataset.from_tensor_slices(series)
    dataset = dataset.window(31, shift=1, drop_remainder=True)
    dataset = dataset.map(lambda w: (w[:-1], w[-1:]))  # <-- error
    dataset = dataset.batch(32)
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[30])])
    model.compile(optimizer='adam', loss='mae')
    model.fit(dataset, epochs=1)
    return model
