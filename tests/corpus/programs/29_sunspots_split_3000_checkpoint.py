# task: sunspots
# Failure class 1 of the public files, in a program of our own: the exam's
# fixed `split_time = 3000` ("DO NOT CHANGE THIS CODE") on the public
# Sunspots.csv, whose 3,235 rows leave 235 months to validate on, with the
# best epoch kept by a weights-only checkpoint read back after fit.
import csv
import urllib.request

import numpy as np
import tensorflow as tf


def windowed_dataset(series, window_size, batch_size, shuffle_buffer):
    series = tf.expand_dims(series, axis=-1)
    ds = tf.data.Dataset.from_tensor_slices(series)
    ds = ds.window(window_size + 1, shift=1, drop_remainder=True)
    ds = ds.flat_map(lambda w: w.batch(window_size + 1))
    ds = ds.shuffle(shuffle_buffer)
    ds = ds.map(lambda w: (w[:-1], w[-1:]))
    return ds.batch(batch_size).prefetch(1)


def solution_model():
    url = 'https://storage.googleapis.com/download.tensorflow.org/data/Sunspots.csv'
    urllib.request.urlretrieve(url, 'sunspots.csv')
    time_step, sunspots = [], []
    with open('sunspots.csv') as csvfile:
        reader = csv.reader(csvfile, delimiter=',')
        next(reader)
        for row in reader:
            sunspots.append(float(row[2]))
            time_step.append(int(row[0]))
    series = np.array(sunspots)
    time = np.array(time_step)

    # DO NOT CHANGE THIS CODE
    split_time = 3000
    time_train, x_train = time[:split_time], series[:split_time]
    time_valid, x_valid = time[split_time:], series[split_time:]
    print('validation months:', len(x_valid))

    window_size = 30
    batch_size = 32
    shuffle_buffer_size = 1000
    tf.keras.backend.clear_session()
    tf.random.set_seed(51)
    np.random.seed(51)
    train_set = windowed_dataset(x_train, window_size, batch_size, shuffle_buffer_size)
    valid_set = windowed_dataset(x_valid, window_size, batch_size, shuffle_buffer_size)

    model = tf.keras.models.Sequential([
        tf.keras.layers.Conv1D(32, kernel_size=5, padding='causal', activation='relu',
                               input_shape=[window_size, 1]),
        tf.keras.layers.LSTM(32),
        tf.keras.layers.Dense(16, activation='relu'),
        tf.keras.layers.Dense(1),
        tf.keras.layers.Lambda(lambda x: x * 400),
    ])
    model.compile(loss=tf.keras.losses.Huber(),
                  optimizer=tf.keras.optimizers.SGD(learning_rate=1e-5, momentum=0.9),
                  metrics=['mae'])
    checkpoint = tf.keras.callbacks.ModelCheckpoint('best.ckpt', save_weights_only=True,
                                                    save_best_only=True, monitor='val_mae')
    history = model.fit(train_set, validation_data=valid_set, epochs=5, callbacks=[checkpoint])
    assert len(history.history['val_mae']) > 0
    model.load_weights('best.ckpt')
    return model


if __name__ == '__main__':
    model = solution_model()
    model.save('mymodel.h5')
