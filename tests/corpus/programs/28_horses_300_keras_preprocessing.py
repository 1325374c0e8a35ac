# task: horses_or_humans
# Failure classes 1 and 2, in a program of our own: the exam's 300x300
# input (the grader feeds the model's declared size) and the standalone
# keras_preprocessing import of early TF 2 files, with a Dicoding mirror URL.
import os
import urllib.request
import zipfile

import tensorflow as tf
from keras_preprocessing.image import ImageDataGenerator


def solution_model():
    url = 'https://github.com/dicodingacademy/assets/releases/download/release-horse-or-human/horse-or-human.zip'
    urllib.request.urlretrieve(url, 'horse-or-human.zip')
    with zipfile.ZipFile('horse-or-human.zip', 'r') as archive:
        archive.extractall('data/horse-or-human')
    train_datagen = ImageDataGenerator(rescale=1 / 255)
    train_generator = train_datagen.flow_from_directory(
        'data/horse-or-human', target_size=(300, 300), batch_size=16, class_mode='binary')
    model = tf.keras.models.Sequential([
        tf.keras.layers.Conv2D(8, (3, 3), activation='relu', input_shape=(300, 300, 3)),
        tf.keras.layers.MaxPooling2D(4, 4),
        tf.keras.layers.Conv2D(16, (3, 3), activation='relu'),
        tf.keras.layers.MaxPooling2D(4, 4),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(32, activation='relu'),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    model.compile(loss='binary_crossentropy', optimizer='rmsprop', metrics=['accuracy'])
    model.fit_generator(train_generator, epochs=1)
    return model


if __name__ == '__main__':
    model = solution_model()
    model.save('mymodel.h5')
