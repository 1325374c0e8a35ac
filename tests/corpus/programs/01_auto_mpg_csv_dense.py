# task: auto_mpg
# Fuel efficiency from the UCI CSV: csv.DictReader, numpy normalisation, a small DNN.
import csv
import numpy as np
import tensorflow as tf

FEATURES = ['cylinders', 'displacement', 'horsepower', 'weight', 'acceleration', 'model_year']


def load_rows(path):
    features, targets = [], []
    with open(path) as f:
        for row in csv.DictReader(f):
            if row['horsepower'] in ('', '?'):
                continue
            features.append([float(row[name]) for name in FEATURES])
            targets.append(float(row['mpg']))
    return np.array(features, dtype=np.float32), np.array(targets, dtype=np.float32)


def solution_model():
    x, y = load_rows('/data/auto_mpg/auto_mpg.csv')
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    x = (x - mean) / std
    print('cars:', len(x), 'features:', x.shape[1])
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(64, activation='relu', input_shape=(len(FEATURES),)),
        tf.keras.layers.Dense(64, activation='relu'),
        tf.keras.layers.Dense(1),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.001), loss='mae')
    model.fit(x, y, epochs=100, validation_split=0.2, verbose=0)
    return model


if __name__ == '__main__':
    model = solution_model()
    model.save('mymodel.h5')
