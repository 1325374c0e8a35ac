# task: sunspots
# csv.DictReader on the Keras copy, min-max scaling, a bidirectional LSTM
# over windows of 24 months, MAE loss.
import csv
import numpy as np
import tensorflow as tf


def solution_model():
    values = []
    with open('/data/monthly_sunspots/Sunspots.csv') as f:
        for row in csv.DictReader(f):
            values.append(float(row['Monthly Mean Total Sunspot Number']))
    series = np.array(values)
    scale = series.max()
    series = series / scale
    window = 24
    ds = tf.data.Dataset.from_tensor_slices(series)
    ds = ds.window(window + 1, shift=1, drop_remainder=True)
    ds = ds.flat_map(lambda w: w.batch(window + 1))
    ds = ds.map(lambda w: (tf.expand_dims(w[:-1], axis=-1), w[-1:]))
    ds = ds.shuffle(500, seed=2).batch(64)
    model = tf.keras.Sequential([
        tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(32), input_shape=[window, 1]),
        tf.keras.layers.Dense(1),
    ])
    model.compile(loss='mae', optimizer='adam')
    model.fit(ds, epochs=10)
    return model
