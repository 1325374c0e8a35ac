# Reference solution: monthly sunspots, one-step forecast (MAE, raw units).
# Validation: the months after split_time (1957-2018, the public file's end;
# predicting last month's value scores MAE 19.0 there), windowed without
# shuffling.
import csv
import urllib.request

import numpy as np
import tensorflow as tf


def windowed_dataset(series, window_size, batch_size, shuffle_buffer=None):
    series = tf.expand_dims(series, axis=-1)
    ds = tf.data.Dataset.from_tensor_slices(series)
    ds = ds.window(window_size + 1, shift=1, drop_remainder=True)
    ds = ds.flat_map(lambda w: w.batch(window_size + 1))
    if shuffle_buffer:
        ds = ds.shuffle(shuffle_buffer)
    ds = ds.map(lambda w: (w[:-1], w[-1:]))
    return ds.batch(batch_size).prefetch(1)


def solution_model():
    url = 'https://storage.googleapis.com/download.tensorflow.org/data/Sunspots.csv'
    urllib.request.urlretrieve(url, 'sunspots.csv')

    sunspots = []
    with open('sunspots.csv') as csvfile:
        reader = csv.reader(csvfile, delimiter=',')
        next(reader)
        for row in reader:
            sunspots.append(float(row[2]))
    series = np.array(sunspots, dtype='float32')

    split_time = 2500
    window_size = 30
    batch_size = 32
    x_train = series[:split_time]
    x_valid = series[split_time - window_size:]

    train_set = windowed_dataset(x_train, window_size, batch_size, shuffle_buffer=1000)
    valid_set = windowed_dataset(x_valid, window_size, batch_size)

    model = tf.keras.models.Sequential([
        tf.keras.layers.Lambda(lambda x: x / 100.0, input_shape=[window_size, 1]),
        tf.keras.layers.Conv1D(filters=32, kernel_size=5, strides=1, padding='causal',
                               activation='relu'),
        tf.keras.layers.LSTM(32),
        tf.keras.layers.Dense(16, activation='relu'),
        tf.keras.layers.Dense(1),
        tf.keras.layers.Lambda(lambda x: x * 100.0),
    ])
    model.compile(loss=tf.keras.losses.Huber(),
                  optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  metrics=['mae'])
    model.fit(train_set, epochs=25, validation_data=valid_set, verbose=2)
    return model


if __name__ == '__main__':
    model = solution_model()
    model.save('mymodel.h5')
