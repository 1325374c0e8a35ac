# Benchmark model "task_fashion_mnist": the fashion_mnist reference model
# (Conv2D(32,3)-MaxPool-Dense(128)-Dense(10)) on random 28x28x1 images. The
# runners replace the SAMPLES and EPOCHS lines.
import numpy as np
import tensorflow as tf

SAMPLES = 1024
EPOCHS = 3
BATCH_SIZE = 128

np.random.seed(0)
x = np.random.rand(SAMPLES, 28, 28, 1).astype('float32')
y = np.random.randint(0, 10, size=SAMPLES)

model = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28, 1)),
    tf.keras.layers.Conv2D(32, (3, 3), activation='relu'),
    tf.keras.layers.MaxPooling2D(2, 2),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(128, activation='relu'),
    tf.keras.layers.Dense(10, activation='softmax'),
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(x, y, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
