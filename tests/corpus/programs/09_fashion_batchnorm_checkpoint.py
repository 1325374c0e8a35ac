# task: fashion_mnist
# BatchNormalization, ModelCheckpoint and ReduceLROnPlateau; the best
# checkpoint is written to the scratch area and loaded back.
import os
import tensorflow as tf
from tensorflow.keras import layers, models, callbacks


def solution_model():
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.fashion_mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    model = models.Sequential([
        layers.Reshape((28, 28, 1), input_shape=(28, 28)),
        layers.Conv2D(16, 3, padding='same', activation='relu'),
        layers.BatchNormalization(),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(64, activation='relu'),
        layers.Dense(10, activation='softmax'),
    ])
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    os.makedirs('checkpoints', exist_ok=True)
    checkpoint = callbacks.ModelCheckpoint('checkpoints/best.keras', monitor='val_accuracy', save_best_only=True)
    plateau = callbacks.ReduceLROnPlateau(monitor='val_loss', factor=0.5, patience=1)
    model.fit(x_train, y_train, epochs=6, validation_data=(x_test, y_test), callbacks=[checkpoint, plateau])
    print('saved:', os.listdir('checkpoints'))
    best = tf.keras.models.load_model('checkpoints/best.keras')
    return best
