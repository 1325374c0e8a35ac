# Benchmark model "task_auto_mpg": the auto_mpg reference model (Normalization
# + Dense 64-64-1, MAE) on random 9-feature rows. The runners replace the
# SAMPLES and EPOCHS lines.
import numpy as np
import tensorflow as tf

SAMPLES = 2048
EPOCHS = 3
BATCH_SIZE = 32

np.random.seed(0)
x = (np.random.rand(SAMPLES, 9) * 100.0).astype('float32')
y = (np.random.rand(SAMPLES) * 40.0).astype('float32')

normalizer = tf.keras.layers.Normalization(axis=-1)
normalizer.adapt(x)
model = tf.keras.Sequential([
    tf.keras.Input(shape=(9,)),
    normalizer,
    tf.keras.layers.Dense(64, activation='relu'),
    tf.keras.layers.Dense(64, activation='relu'),
    tf.keras.layers.Dense(1),
])
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.001), loss='mae', metrics=['mae'])
model.fit(x, y, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
