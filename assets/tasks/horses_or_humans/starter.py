import urllib.request
import zipfile

import tensorflow as tf
from tensorflow.keras.preprocessing.image import ImageDataGenerator


def download(url, folder):
    archive = url.split('/')[-1]
    urllib.request.urlretrieve(url, archive)
    with zipfile.ZipFile(archive, 'r') as z:
        z.extractall(folder)


def solution_model():
    download('https://storage.googleapis.com/download.tensorflow.org/data/horse-or-human.zip',
             'horse-or-human/')
    download('https://storage.googleapis.com/download.tensorflow.org/data/validation-horse-or-human.zip',
             'validation-horse-or-human/')

    train_datagen = ImageDataGenerator(rescale=1 / 255)
    validation_datagen = ImageDataGenerator(rescale=1 / 255)
    train_generator = train_datagen.flow_from_directory(
        'horse-or-human/', target_size=(128, 128), batch_size=32, class_mode='binary')
    validation_generator = validation_datagen.flow_from_directory(
        'validation-horse-or-human/', target_size=(128, 128), batch_size=32,
        class_mode='binary')

    # YOUR CODE HERE: a network without convolutions is only a start.
    model = tf.keras.models.Sequential([
        tf.keras.layers.MaxPooling2D(8, 8, input_shape=(128, 128, 3)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    model.compile(loss='binary_crossentropy', optimizer='sgd', metrics=['accuracy'])
    model.fit(train_generator, epochs=1, validation_data=validation_generator)
    return model


if __name__ == '__main__':
    model = solution_model()
    model.save('mymodel.h5')
