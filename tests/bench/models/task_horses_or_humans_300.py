# Benchmark model "task_horses_or_humans_300": the horses_or_humans reference
# model (four Conv2D/MaxPool blocks, Dense(128), Dense(1)) on random 300x300x3
# images. The runners replace the SAMPLES and EPOCHS lines.
import numpy as np
import tensorflow as tf

SAMPLES = 128
EPOCHS = 3
BATCH_SIZE = 32

np.random.seed(0)
x = np.random.rand(SAMPLES, 300, 300, 3).astype('float32')
y = np.random.randint(0, 2, size=SAMPLES).astype('float32')

model = tf.keras.Sequential([
    tf.keras.Input(shape=(300, 300, 3)),
    tf.keras.layers.Conv2D(16, (3, 3), activation='relu'),
    tf.keras.layers.MaxPooling2D(2, 2),
    tf.keras.layers.Conv2D(32, (3, 3), activation='relu'),
    tf.keras.layers.MaxPooling2D(2, 2),
    tf.keras.layers.Conv2D(64, (3, 3), activation='relu'),
    tf.keras.layers.MaxPooling2D(2, 2),
    tf.keras.layers.Conv2D(64, (3, 3), activation='relu'),
    tf.keras.layers.MaxPooling2D(2, 2),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(128, activation='relu'),
    tf.keras.layers.Dense(1, activation='sigmoid'),
])
model.compile(loss='binary_crossentropy', optimizer=tf.keras.optimizers.Adam(learning_rate=0.001),
              metrics=['accuracy'])
model.fit(x, y, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
