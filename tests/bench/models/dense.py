# Benchmark model "dense": Dense 784-128-10 on random 784-feature vectors,
# ten classes. The runners replace the SAMPLES and EPOCHS lines.
import numpy as np
import tensorflow as tf

SAMPLES = 2048
EPOCHS = 3
BATCH_SIZE = 32

np.random.seed(0)
x = np.random.rand(SAMPLES, 784).astype('float32')
y = np.random.randint(0, 10, size=SAMPLES)

model = tf.keras.Sequential([
    tf.keras.Input(shape=(784,)),
    tf.keras.layers.Dense(128, activation='relu'),
    tf.keras.layers.Dense(10, activation='softmax'),
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(x, y, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
