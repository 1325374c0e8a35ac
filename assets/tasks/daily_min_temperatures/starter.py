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


def solution_model():
    url = 'https://raw.githubusercontent.com/jbrownlee/Datasets/master/daily-min-temperatures.csv'
    urllib.request.urlretrieve(url, 'daily-min-temperatures.csv')

    values = []
    with open('daily-min-temperatures.csv') as csvfile:
        reader = csv.reader(csvfile, delimiter=',')
        next(reader)
        for row in reader:
            values.append(float(row[1]))
    series = np.array(values, dtype='float32')

    window_size = 30   # the grader's window: keep it
    batch_size = 32
    train_set = windowed_dataset(series, window_size, batch_size, shuffle_buffer=1000)

    # YOUR CODE HERE: one dense unit, trained for one epoch, is a start.
    model = tf.keras.models.Sequential([
        tf.keras.layers.Flatten(input_shape=[window_size, 1]),
        tf.keras.layers.Dense(1),
    ])
    model.compile(loss='mae', optimizer=tf.keras.optimizers.SGD(learning_rate=1e-6))
    model.fit(train_set, epochs=1)
    return model


if __name__ == '__main__':
    model = solution_model()
    model.save('mymodel.h5')
