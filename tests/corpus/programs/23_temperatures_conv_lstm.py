# task: daily_min_temperatures
# Jason Brownlee's temperatures CSV: windowed, Conv1D + LSTM, EarlyStopping
# on the validation MAE.
import csv
import urllib.request
import numpy as np
import tensorflow as tf


def windowed(series, window, batch, shuffle=True):
    series = tf.expand_dims(series, axis=-1)
    ds = tf.data.Dataset.from_tensor_slices(series)
    ds = ds.window(window + 1, shift=1, drop_remainder=True)
    ds = ds.flat_map(lambda w: w.batch(window + 1))
    if shuffle:
        ds = ds.shuffle(1000)
    ds = ds.map(lambda w: (w[:-1], w[-1]))
    return ds.batch(batch).prefetch(1)


def solution_model():
    url = 'https://raw.githubusercontent.com/jbrownlee/Datasets/master/daily-min-temperatures.csv'
    urllib.request.urlretrieve(url, 'temperatures.csv')
    temperatures = []
    with open('temperatures.csv') as f:
        reader = csv.reader(f)
        next(reader)
        for date, temp in reader:
            temperatures.append(float(temp))
    series = np.array(temperatures, dtype=np.float32)
    split = 2500
    train = windowed(series[:split], 30, 32)
    valid = windowed(series[split:], 30, 32, shuffle=False)
    model = tf.keras.Sequential([
        tf.keras.layers.Conv1D(32, 5, padding='causal', activation='relu', input_shape=[30, 1]),
        tf.keras.layers.LSTM(32),
        tf.keras.layers.Dense(16, activation='relu'),
        tf.keras.layers.Dense(1),
    ])
    model.compile(loss=tf.keras.losses.Huber(), optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  metrics=['mae'])
    stop = tf.keras.callbacks.EarlyStopping(monitor='val_mae', patience=5, restore_best_weights=True)
    model.fit(train, validation_data=valid, epochs=50, callbacks=[stop])
    return model
