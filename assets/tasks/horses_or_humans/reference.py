# Reference solution: horses or humans, binary classification at the exam's 300x300
# colour renders (accuracy). Validation: the course's validation archive.
# The training images are augmented (rotation, shifts, zoom, flips), as the course's
# second horses notebook does: the hidden renders are figures the model never saw, and
# without augmentation the same network's grade moved from 0.80 to 0.88 between seeds
# (CALIBRATION.md).
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

    train_datagen = ImageDataGenerator(
        rescale=1 / 255, rotation_range=20, width_shift_range=0.1, height_shift_range=0.1,
        zoom_range=0.1, horizontal_flip=True, fill_mode='nearest')
    validation_datagen = ImageDataGenerator(rescale=1 / 255)
    train_generator = train_datagen.flow_from_directory(
        'horse-or-human/', target_size=(300, 300), batch_size=32, class_mode='binary')
    validation_generator = validation_datagen.flow_from_directory(
        'validation-horse-or-human/', target_size=(300, 300), batch_size=32,
        class_mode='binary', shuffle=False)

    model = tf.keras.models.Sequential([
        tf.keras.layers.Conv2D(16, (3, 3), activation='relu', input_shape=(300, 300, 3)),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Conv2D(32, (3, 3), activation='relu'),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Conv2D(64, (3, 3), activation='relu'),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Conv2D(64, (3, 3), activation='relu'),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    model.compile(loss='binary_crossentropy',
                  optimizer=tf.keras.optimizers.Adam(learning_rate=0.001),
                  metrics=['accuracy'])
    model.fit(train_generator, epochs=10, validation_data=validation_generator, verbose=2)
    return model


if __name__ == '__main__':
    model = solution_model()
    model.save('mymodel.h5')
