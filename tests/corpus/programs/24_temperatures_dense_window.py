# task: daily_min_temperatures
# A plain dense model over 14-day windows, with numpy slicing of the series.
import csv
import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import Dense, Lambda
from tensorflow.keras.models import Sequential
from tensorflow.keras.optimizers import RMSprop


def solution_model():
    with open('/data/daily_min_temperatures/daily_min_temperatures.csv') as f:
        rows = list(csv.reader(f))[1:]
    series = np.array([float(value) for _, value in rows])
    mean, std = series.mean(), series.std()
    normalised = (series - mean) / std
    window = 14
    x = np.array([normalised[i:i + window] for i in range(len(normalised) - window)])
    y = normalised[window:]
    print('windows', x.shape, 'targets', y.shape)
    model = Sequential([
        Dense(64, activation='relu', input_shape=(window,)),
        Dense(32, activation='relu'),
        Dense(1),
        Lambda(lambda v: v * std + mean),
    ])
    model.compile(loss='mae', optimizer=RMSprop(learning_rate=1e-3))
    model.fit(x, y * std + mean, epochs=20, batch_size=32, validation_split=0.1, shuffle=True)
    return model
