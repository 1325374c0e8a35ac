# task: fashion_mnist
# One-hot labels with to_categorical and categorical cross-entropy on logits.
import numpy as np
import tensorflow as tf
from tensorflow.keras.utils import to_categorical


def solution_model():
    (x, y), (x_val, y_val) = tf.keras.datasets.fashion_mnist.load_data()
    x = x.astype('float32') / 255.0
    x_val = x_val.astype('float32') / 255.0
    y = to_categorical(y, num_classes=10)
    y_val = to_categorical(y_val, 10)
    print('labels', y.shape, 'first row sums to', y[0].sum())
    model = tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=[28, 28]),
        tf.keras.layers.Dense(300, activation='relu'),
        tf.keras.layers.Dense(100, activation='relu'),
        tf.keras.layers.Dense(10),
    ])
    model.compile(loss=tf.keras.losses.CategoricalCrossentropy(from_logits=True),
                  optimizer=tf.keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
                  metrics=['accuracy'])
    model.fit(x, y, batch_size=64, epochs=10, validation_data=(x_val, y_val))
    return model
