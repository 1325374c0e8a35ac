# task: auto_mpg
# The TensorFlow tutorial's loading: download auto-mpg.data, parse whitespace
# columns, drop unknown horsepower, one-hot the origin, Normalization layer.
import urllib.request
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers


def solution_model():
    url = 'http://archive.ics.uci.edu/ml/machine-learning-databases/auto-mpg/auto-mpg.data'
    urllib.request.urlretrieve(url, 'auto-mpg.data')
    rows = []
    with open('auto-mpg.data') as f:
        for line in f:
            values = line.split('\t')[0].split()
            if len(values) < 8 or '?' in values:
                continue
            numbers = [float(v) for v in values]
            origin = int(numbers[7])
            one_hot = [1.0 if origin == k else 0.0 for k in (1, 2, 3)]
            rows.append(numbers[:7] + one_hot)
    data = np.array(rows, dtype='float32')
    np.random.seed(0)
    np.random.shuffle(data)
    labels = data[:, 0]
    features = data[:, 1:]
    split = int(len(data) * 0.8)
    normalizer = layers.Normalization(axis=-1)
    normalizer.adapt(features[:split])
    model = tf.keras.Sequential([
        normalizer,
        layers.Dense(64, activation='relu'),
        layers.Dense(64, activation='relu'),
        layers.Dense(1),
    ])
    model.compile(loss='mean_absolute_error', optimizer=tf.keras.optimizers.Adam(learning_rate=0.001))
    history = model.fit(features[:split], labels[:split],
                        validation_data=(features[split:], labels[split:]),
                        epochs=100, verbose=0)
    print('final val_loss', round(history.history['val_loss'][-1], 2) >= 0)
    return model
