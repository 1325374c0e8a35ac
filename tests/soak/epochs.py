# The kill-9 soak's program (written for Dojo's soak, not an exam file):
# many short epochs on the sunspots windows, so a kill lands at any moment
# of a run's life (start, mid-epoch, between epochs, grading).
import csv
import numpy as np
import tensorflow as tf


def solution_model():
    values = []
    with open('/data/monthly_sunspots/Sunspots.csv') as file:
        reader = csv.reader(file)
        next(reader)
        for row in reader:
            values.append(float(row[2]))
    series = np.array(values, dtype='float32')
    windows = np.stack([series[i:i + 30] for i in range(len(series) - 31)])
    x = windows[..., None]
    y = series[30:len(series) - 1]
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(30, 1)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(16, activation='relu'),
        tf.keras.layers.Dense(1),
    ])
    model.compile(loss='mae', optimizer='adam')
    model.fit(x, y, epochs=3000, batch_size=256, verbose=0)
    return model
