# Reference solution: Auto MPG, regression of fuel economy (MAE in mpg).
# Validation: every fifth car of the visible data, fixed. The model takes
# raw features (the grader's contract): a Normalization layer adapted on the
# training cars standardises them inside the model.
import urllib.request

import numpy as np
import tensorflow as tf


def load_cars(path):
    """UCI layout: 8 whitespace-separated numbers, a tab, the quoted name;
    horsepower is '?' when unknown (those cars are skipped)."""
    rows = []
    with open(path) as f:
        for line in f:
            fields = line.split('\t')[0].split()
            if len(fields) != 8 or '?' in fields:
                continue
            rows.append([float(value) for value in fields])
    return np.array(rows, dtype='float32')


def solution_model():
    url = 'http://archive.ics.uci.edu/ml/machine-learning-databases/auto-mpg/auto-mpg.data'
    urllib.request.urlretrieve(url, 'auto-mpg.data')
    data = load_cars('auto-mpg.data')

    mpg = data[:, 0]
    numeric = data[:, 1:7]            # cylinders .. model year
    origin = data[:, 7].astype('int32')
    one_hot = np.eye(3, dtype='float32')[origin - 1]   # USA, Europe, Japan
    features = np.concatenate([numeric, one_hot], axis=1)

    index = np.arange(len(features))
    validation = index % 5 == 0
    x_train, y_train = features[~validation], mpg[~validation]
    x_valid, y_valid = features[validation], mpg[validation]

    # The grader feeds RAW features: the model normalises them itself.
    normalizer = tf.keras.layers.Normalization(axis=-1)
    normalizer.adapt(x_train)

    model = tf.keras.models.Sequential([
        tf.keras.Input(shape=(x_train.shape[1],)),
        normalizer,
        tf.keras.layers.Dense(64, activation='relu'),
        tf.keras.layers.Dense(64, activation='relu'),
        tf.keras.layers.Dense(1),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.001),
                  loss='mae', metrics=['mae'])
    model.fit(x_train, y_train, epochs=150, batch_size=32,
              validation_data=(x_valid, y_valid), verbose=2)
    return model


if __name__ == '__main__':
    model = solution_model()
    model.save('mymodel.h5')
