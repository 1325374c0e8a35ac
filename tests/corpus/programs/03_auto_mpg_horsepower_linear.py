# task: auto_mpg
# One feature, one neuron: linear regression of mpg on horsepower, with
# hand-written min-max scaling and a plain SGD optimizer.
import csv
import numpy as np
import tensorflow as tf


def solution_model():
    horsepower, mpg = [], []
    with open('/data/auto_mpg/auto_mpg.csv') as f:
        reader = csv.reader(f)
        header = next(reader)
        hp_column = header.index('horsepower')
        for row in reader:
            try:
                hp = float(row[hp_column])
            except ValueError:
                continue
            horsepower.append(hp)
            mpg.append(float(row[0]))
    x = np.array(horsepower)
    lo, hi = x.min(), x.max()
    x = ((x - lo) / (hi - lo)).reshape(-1, 1)
    y = np.array(mpg)
    model = tf.keras.Sequential([tf.keras.layers.Dense(units=1, input_shape=[1])])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), loss='mse', metrics=['mae'])
    model.fit(x, y, epochs=50, batch_size=16, verbose=0)
    print('weights:', [w.shape for w in model.get_weights()])
    return model
