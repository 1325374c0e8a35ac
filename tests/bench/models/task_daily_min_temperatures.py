# Benchmark model "task_daily_min_temperatures": the daily_min_temperatures
# reference model (Conv1D(32,5,causal), LSTM(32) x2, Dense(16), Dense(1);
# Huber loss) on random windows of 30 steps. The runners replace the SAMPLES
# and EPOCHS lines.
import numpy as np
import tensorflow as tf

SAMPLES = 1024
EPOCHS = 3
BATCH_SIZE = 32

np.random.seed(0)
x = (np.random.rand(SAMPLES, 30, 1) * 25.0).astype('float32')
y = (np.random.rand(SAMPLES, 1) * 25.0).astype('float32')

model = tf.keras.Sequential([
    tf.keras.Input(shape=(30, 1)),
    tf.keras.layers.Conv1D(filters=32, kernel_size=5, strides=1, padding='causal', activation='relu'),
    tf.keras.layers.LSTM(32, return_sequences=True),
    tf.keras.layers.LSTM(32),
    tf.keras.layers.Dense(16, activation='relu'),
    tf.keras.layers.Dense(1),
])
model.compile(loss=tf.keras.losses.Huber(), optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
              metrics=['mae'])
model.fit(x, y, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
