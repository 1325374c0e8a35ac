# task: daily_min_temperatures
# A GRU with a user callback that prints the learning curve and stops once
# the MAE is good enough.
import csv
import numpy as np
import tensorflow as tf


class Progress(tf.keras.callbacks.Callback):
    def __init__(self, target):
        super().__init__()
        self.target = target
        self.seen = []

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.seen.append(logs['mae'])
        print(f"epoch {epoch + 1}: mae {logs['mae']:.3f}")
        if logs['mae'] < self.target:
            self.model.stop_training = True


def solution_model():
    series = []
    with open('/data/daily_min_temperatures/daily-min-temperatures.csv') as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            series.append(float(row[1]))
    series = np.array(series, dtype='float32')
    ds = tf.data.Dataset.from_tensor_slices(series)
    ds = ds.window(21, shift=1, drop_remainder=True).flat_map(lambda w: w.batch(21))
    ds = ds.map(lambda w: (tf.expand_dims(w[:-1], -1), w[-1])).shuffle(800).batch(32)
    model = tf.keras.Sequential([
        tf.keras.layers.GRU(32, input_shape=[20, 1]),
        tf.keras.layers.Dense(1),
    ])
    model.compile(loss='huber', optimizer='adam', metrics=['mae'])
    progress = Progress(target=1.5)
    model.fit(ds, epochs=15, callbacks=[progress], verbose=0)
    print('epochs seen:', len(progress.seen))
    return model
