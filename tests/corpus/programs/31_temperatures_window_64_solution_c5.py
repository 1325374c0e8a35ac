# task: daily_min_temperatures
# Failure classes 1 and 3 of the public files, in a program of our own in
# the shape of Dicoding's practice sets: the entry point is solution_C5(),
# the window is fixed at 64 (the grader feeds the window the model
# declares), the series is scaled by its maximum inside the model, and the
# training split is fixed.
import csv
import urllib.request

import numpy as np
import tensorflow as tf


def windowed_dataset(series, window_size, batch_size, shuffle_buffer):
    series = tf.expand_dims(series, axis=-1)
    ds = tf.data.Dataset.from_tensor_slices(series)
    ds = ds.window(window_size + 1, shift=1, drop_remainder=True)
    ds = ds.flat_map(lambda w: w.batch(window_size + 1))
    ds = ds.shuffle(shuffle_buffer)
    ds = ds.map(lambda w: (w[:-1], w[-1:]))
    return ds.batch(batch_size).prefetch(1)


def solution_C5():
    data_url = 'https://raw.githubusercontent.com/jbrownlee/Datasets/master/daily-min-temperatures.csv'
    urllib.request.urlretrieve(data_url, 'daily-min-temperatures.csv')
    temperatures = []
    with open('daily-min-temperatures.csv') as csvfile:
        reader = csv.reader(csvfile, delimiter=',')
        next(reader)
        for row in reader:
            temperatures.append(float(row[1]))
    series = np.array(temperatures)
    peak = float(np.max(series))

    split_time = 2500
    x_train = series[:split_time]
    x_valid = series[split_time:]
    window_size = 64
    train_set = windowed_dataset(x_train, window_size, 256, 1000)
    valid_set = windowed_dataset(x_valid, window_size, 256, 1000)

    model = tf.keras.models.Sequential([
        tf.keras.layers.Lambda(lambda x: x / peak, input_shape=[window_size, 1]),
        tf.keras.layers.Conv1D(32, kernel_size=5, padding='causal', activation='relu'),
        tf.keras.layers.LSTM(32),
        tf.keras.layers.Dense(16, activation='relu'),
        tf.keras.layers.Dense(1),
        tf.keras.layers.Lambda(lambda x: x * peak),
    ])
    model.compile(loss=tf.keras.losses.Huber(),
                  optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3), metrics=['mae'])
    model.fit(train_set, validation_data=valid_set, epochs=5)
    return model


if __name__ == '__main__':
    model = solution_C5()
    model.save('model_C5.h5')
