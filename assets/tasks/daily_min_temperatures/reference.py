# Reference solution: daily minimum temperatures in Melbourne, one-step
# forecast (MAE in degrees C). Validation: the days after split_time,
# windowed without shuffling.
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
    url = 'https://raw.githubusercontent.com/jbrownlee/Datasets/master/daily-min-temperatures.csv'
    urllib.request.urlretrieve(url, 'daily-min-temperatures.csv')

    temperatures = []
    with open('daily-min-temperatures.csv') as csvfile:
        reader = csv.reader(csvfile, delimiter=',')
        next(reader)
        for row in reader:
            temperatures.append(float(row[1]))
    series = np.array(temperatures, dtype='float32')

    split_time = 2500
    window_size = 30
    batch_size = 32
    x_train = series[:split_time]
    x_valid = series[split_time - window_size:]

    train_set = windowed_dataset(x_train, window_size, batch_size, shuffle_buffer=1000)
    valid_set = windowed_dataset(x_valid, window_size, batch_size)

    model = tf.keras.models.Sequential([
        tf.keras.layers.Conv1D(filters=32, kernel_size=5, strides=1, padding='causal',
                               activation='relu', input_shape=[window_size, 1]),
        tf.keras.layers.LSTM(32, return_sequences=True),
        tf.keras.layers.LSTM(32),
        tf.keras.layers.Dense(16, activation='relu'),
        tf.keras.layers.Dense(1),
    ])
    model.compile(loss=tf.keras.losses.Huber(),
                  optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  metrics=['mae'])
    model.fit(train_set, epochs=20, validation_data=valid_set, verbose=2)
    return model


if __name__ == '__main__':
    model = solution_model()
    model.save('mymodel.h5')
