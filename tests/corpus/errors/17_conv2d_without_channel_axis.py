# task: fashion_mnist
# expect: Conv2D needs 4-D input (batch, height, width, channels); input_shape=(28, 28) lacks the channel axis (reported at the Sequential line: layers do not record where they were created)
import tensorflow as tf

def solution_model():
    (x_train, y_train), _ = tf.keras.datasets.fashion_mnist.load_data()
    x_train = x_train / 255.0
    model = tf.keras.Sequential([  # <-- error
        tf.keras.layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28)),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    model.fit(x_train, y_train, epochs=5)
    return model
