# task: sunspots
# The course's learning-rate sweep: a dense window model trained while a
# LearningRateScheduler raises the rate 1e-8 * 10**(epoch / 20).
import csv
import numpy as np
import tensorflow as tf


def windowed_dataset(series, window_size, batch_size, shuffle_buffer):
    dataset = tf.data.Dataset.from_tensor_slices(series)
    dataset = dataset.window(window_size + 1, shift=1, drop_remainder=True)
    dataset = dataset.flat_map(lambda window: window.batch(window_size + 1))
    dataset = dataset.shuffle(shuffle_buffer).map(lambda window: (window[:-1], window[-1]))
    return dataset.batch(batch_size).prefetch(1)


def solution_model():
    series = []
    with open('/data/monthly_sunspots/Sunspots.csv') as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            series.append(float(row[2]))
    series = np.array(series, dtype=np.float32)
    dataset = windowed_dataset(series[:2500], 20, 32, 1000)
    model = tf.keras.models.Sequential([
        tf.keras.layers.Dense(10, input_shape=[20], activation="relu"),
        tf.keras.layers.Dense(10, activation="relu"),
        tf.keras.layers.Dense(1)
    ])
    lr_schedule = tf.keras.callbacks.LearningRateScheduler(lambda epoch: 1e-8 * 10 ** (epoch / 20))
    optimizer = tf.keras.optimizers.SGD(learning_rate=1e-8, momentum=0.9)
    model.compile(loss="mse", optimizer=optimizer)
    history = model.fit(dataset, epochs=100, callbacks=[lr_schedule], verbose=0)
    rates = history.history['learning_rate']
    losses = history.history['loss']
    print('swept', len(rates), 'rates from', rates[0], 'loss finite:', all(l == l for l in losses))
    return model
