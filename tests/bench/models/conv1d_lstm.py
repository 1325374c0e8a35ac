# Benchmark model "conv1d_lstm": Conv1D(32,5,causal) + LSTM(64) + Dense(1) on
# random windows of 30 steps, a regression target. The runners replace the
# SAMPLES and EPOCHS lines.
import numpy as np
import tensorflow as tf

SAMPLES = 1024
EPOCHS = 3
BATCH_SIZE = 32

np.random.seed(0)
x = np.random.rand(SAMPLES, 30, 1).astype('float32')
y = np.random.rand(SAMPLES, 1).astype('float32')

model = tf.keras.Sequential([
    tf.keras.Input(shape=(30, 1)),
    tf.keras.layers.Conv1D(32, 5, padding='causal', activation='relu'),
    tf.keras.layers.LSTM(64),
    tf.keras.layers.Dense(1),
])
model.compile(optimizer='adam', loss='mse', metrics=['mae'])
model.fit(x, y, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
