# task: fashion_mnist
# Two convolutions and poolings before the dense head; images reshaped to
# NHWC with one channel.
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers


def solution_model():
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.fashion_mnist.load_data()
    x_train = x_train.reshape(-1, 28, 28, 1).astype('float32') / 255.0
    x_test = np.expand_dims(x_test, axis=-1).astype(np.float32) / 255.0
    print(x_train.shape, x_test.shape, y_train.dtype)
    model = tf.keras.Sequential([
        layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)),
        layers.MaxPooling2D(2, 2),
        layers.Conv2D(64, (3, 3), activation='relu'),
        layers.MaxPooling2D(2, 2),
        layers.Flatten(),
        layers.Dense(128, activation='relu'),
        layers.Dense(10, activation='softmax'),
    ])
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    model.summary()
    model.fit(x_train, y_train, epochs=5, batch_size=64, validation_data=(x_test, y_test))
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print('test accuracy above chance:', accuracy > 0.1)
    return model
