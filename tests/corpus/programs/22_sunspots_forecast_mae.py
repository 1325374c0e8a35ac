# task: sunspots
# Train on the start of the series, forecast the rest window by window with
# predict, and measure the validation MAE with numpy.
import csv
import numpy as np
import tensorflow as tf


def model_forecast(model, series, window_size):
    ds = tf.data.Dataset.from_tensor_slices(series)
    ds = ds.window(window_size, shift=1, drop_remainder=True)
    ds = ds.flat_map(lambda w: w.batch(window_size))
    ds = ds.batch(32).prefetch(1)
    return model.predict(ds)


def solution_model():
    series = []
    with open('/data/monthly_sunspots/monthly_sunspots.csv') as f:
        reader = csv.reader(f)
        next(reader)
        series = [float(value) for _, value in reader]
    series = np.array(series, dtype='float32')
    split_time = 2200
    window_size = 30
    train = series[:split_time]
    ds = tf.data.Dataset.from_tensor_slices(train).window(window_size + 1, shift=1, drop_remainder=True)
    ds = ds.flat_map(lambda w: w.batch(window_size + 1)).map(lambda w: (w[:-1], w[-1]))
    ds = ds.shuffle(1000).batch(32)
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(32, activation='relu', input_shape=[window_size]),
        tf.keras.layers.Dense(16, activation='relu'),
        tf.keras.layers.Dense(1),
    ])
    model.compile(loss=tf.keras.losses.Huber(), optimizer=tf.keras.optimizers.Adam(1e-3), metrics=['mae'])
    model.fit(ds, epochs=30, verbose=0)
    forecast = model_forecast(model, series[split_time - window_size:-1], window_size)
    forecast = forecast[:, 0]
    actual = series[split_time:]
    mae = np.mean(np.abs(forecast - actual))
    print('forecast', forecast.shape, 'actual', actual.shape, 'mae finite:', mae == mae)
    return model
