# task: sunspots
# Failure classes 2 and 4 of the public files, in a program of our own: the
# plotting imports every exam notebook carries (matplotlib, IPython.display)
# and the exam's type-B starter shape, a (batch, 1) output trained on
# (batch, window, 1) targets, which Keras broadcasts.
import csv
import os
import urllib.request

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import clear_output

os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'


def plot_series(time, series, fmt='-', start=0, end=None):
    plt.plot(time[start:end], series[start:end], fmt)
    plt.xlabel('Time')
    plt.ylabel('Value')
    plt.grid(True)


def windowed_dataset(series, window_size, batch_size, shuffle_buffer):
    series = tf.expand_dims(series, axis=-1)
    ds = tf.data.Dataset.from_tensor_slices(series)
    ds = ds.window(window_size + 1, shift=1, drop_remainder=True)
    ds = ds.flat_map(lambda w: w.batch(window_size + 1))
    ds = ds.shuffle(shuffle_buffer)
    # Targets keep the time axis: (batch, window, 1), as the type-B starter.
    ds = ds.map(lambda w: (w[:-1], w[1:]))
    return ds.batch(batch_size).prefetch(1)


def solution_model():
    urllib.request.urlretrieve(
        'https://storage.googleapis.com/download.tensorflow.org/data/Sunspots.csv', 'sunspots.csv')
    time_step, sunspots = [], []
    with open('sunspots.csv') as csvfile:
        reader = csv.reader(csvfile, delimiter=',')
        next(reader)
        for row in reader:
            sunspots.append(float(row[2]))
            time_step.append(int(row[0]))
    series = np.array(sunspots)
    time = np.array(time_step)
    plt.figure(figsize=(10, 6))
    plot_series(time, series)
    plt.show()
    clear_output(wait=True)
    split_time = 2500
    train_set = windowed_dataset(series[:split_time] / 400.0, 30, 32, 1000)
    model = tf.keras.models.Sequential([
        tf.keras.layers.LSTM(8, input_shape=[30, 1]),
        tf.keras.layers.Dense(1),
        tf.keras.layers.Lambda(lambda x: x * 400.0),
    ])
    model.compile(loss=tf.keras.losses.Huber(), optimizer='adam', metrics=['mae'])
    history = model.fit(train_set, epochs=2)
    fig, ax = plt.subplots(1, 2)
    ax[0].plot(history.history['loss'])
    ax[1].plot(history.history['mae'])
    return model


if __name__ == '__main__':
    model = solution_model()
    model.save('mymodel.h5')
