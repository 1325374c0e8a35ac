# task: fashion_mnist
# expect: MNIST's loader exists but is not bundled: refused where load_data() is called, naming Fashion-MNIST as the bundled dataset of the same shape
import tensorflow as tf
from tensorflow.keras.datasets import mnist


def solution_model():
    (x_train, y_train), (x_test, y_test) = mnist.load_data()  # <-- error
    x_train = x_train / 255.0
    model = tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    model.compile(loss='sparse_categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
    model.fit(x_train, y_train, epochs=1)
    return model
