# task: sunspots
# The certificate's time-series shape: normalised series, windowed tf.data,
# causal Conv1D + LSTMs + Dense, output scaled back by a Lambda layer.
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
    ds = ds.map(lambda w: (w[:-1], w[1:]))
    return ds.batch(batch_size).prefetch(1)


def solution_model():
    url = 'https://storage.googleapis.com/download.tensorflow.org/data/Sunspots.csv'
    urllib.request.urlretrieve(url, 'sunspots.csv')
    time_step = []
    sunspots = []
    with open('sunspots.csv') as csvfile:
        reader = csv.reader(csvfile, delimiter=',')
        next(reader)
        for row in reader:
            sunspots.append(float(row[2]))
            time_step.append(int(row[0]))
    series = np.array(sunspots)
    min = np.min(series)
    max = np.max(series)
    series -= min
    series /= max
    time = np.array(time_step)
    split_time = 2500
    time_train = time[:split_time]
    x_train = series[:split_time]
    window_size = 30
    batch_size = 32
    shuffle_buffer_size = 1000
    train_set = windowed_dataset(x_train, window_size, batch_size, shuffle_buffer_size)
    model = tf.keras.models.Sequential([
        tf.keras.layers.Conv1D(filters=32, kernel_size=5, strides=1, padding="causal",
                               activation="relu", input_shape=[None, 1]),
        tf.keras.layers.LSTM(64, return_sequences=True),
        tf.keras.layers.LSTM(64, return_sequences=True),
        tf.keras.layers.Dense(30, activation="relu"),
        tf.keras.layers.Dense(10, activation="relu"),
        tf.keras.layers.Dense(1),
        tf.keras.layers.Lambda(lambda x: x * 400)
    ])
    model.compile(loss=tf.keras.losses.Huber(),
                  optimizer=tf.keras.optimizers.SGD(learning_rate=1e-5, momentum=0.9),
                  metrics=["mae"])
    model.fit(train_set, epochs=20)
    return model


if __name__ == '__main__':
    model = solution_model()
    model.save("mymodel.h5")
