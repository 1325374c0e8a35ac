# task: fashion_mnist
# A tf.data input pipeline: from_tensor_slices, map to scale, shuffle, batch.
import tensorflow as tf


def scale(image, label):
    return tf.cast(image, tf.float32) / 255.0, label


def solution_model():
    (x_train, y_train), (x_valid, y_valid) = tf.keras.datasets.fashion_mnist.load_data()
    train = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    train = train.map(scale).shuffle(10000, seed=1).batch(128).prefetch(tf.data.AUTOTUNE)
    valid = tf.data.Dataset.from_tensor_slices((x_valid, y_valid)).map(scale).batch(256)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(256, activation='relu'),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(),
                  metrics=['accuracy'])
    model.fit(train, validation_data=valid, epochs=8)
    return model
