# task: auto_mpg
# The functional API with EarlyStopping restoring the best weights.
import csv
import numpy as np
import tensorflow as tf

COLUMNS = ['cylinders', 'displacement', 'horsepower', 'weight', 'acceleration', 'model_year', 'origin']


def solution_model():
    tf.random.set_seed(42)
    table = []
    with open('/data/auto_mpg/auto_mpg.csv') as f:
        for row in csv.DictReader(f):
            if not row['horsepower'] or row['horsepower'] == '?':
                continue
            table.append([float(row['mpg'])] + [float(row[c]) for c in COLUMNS])
    table = np.array(table)
    y = table[:, 0]
    x = table[:, 1:]
    x = (x - np.mean(x, axis=0)) / np.std(x, axis=0)
    inputs = tf.keras.Input(shape=(len(COLUMNS),))
    hidden = tf.keras.layers.Dense(32, activation='relu')(inputs)
    hidden = tf.keras.layers.Dense(16, activation='relu')(hidden)
    outputs = tf.keras.layers.Dense(1)(hidden)
    model = tf.keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer='adam', loss='mse', metrics=['mae'])
    stop = tf.keras.callbacks.EarlyStopping(monitor='val_mae', patience=10, restore_best_weights=True)
    model.fit(x, y, validation_split=0.2, epochs=200, callbacks=[stop], verbose=0)
    return model
