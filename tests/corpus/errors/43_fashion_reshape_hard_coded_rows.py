# task: fashion_mnist
# expect: numpy's reshape error, with help saying how many rows the array holds (Dojo's test set has 5,000 images) and that reshape(-1, 28, 28, 1) counts them
import tensorflow as tf


def solution_model():
    fashion_mnist = tf.keras.datasets.fashion_mnist
    (training_images, training_labels), (test_images, test_labels) = fashion_mnist.load_data()
    training_images = training_images.reshape(60000, 28, 28, 1) / 255.0
    test_images = test_images.reshape(10000, 28, 28, 1) / 255.0  # <-- error
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(16, (3, 3), activation='relu', input_shape=(28, 28, 1)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    model.fit(training_images, training_labels, epochs=1,
              validation_data=(test_images, test_labels))
    return model
