# task: horses_or_humans
# image_dataset_from_directory on the extracted archives, scaled inside the
# model by a Rescaling layer.
import urllib.request
import zipfile
import tensorflow as tf
from tensorflow.keras import layers


def download(url, folder):
    urllib.request.urlretrieve(url, '/tmp/archive.zip')
    with zipfile.ZipFile('/tmp/archive.zip') as archive:
        archive.extractall(folder)


def solution_model():
    download('https://storage.googleapis.com/download.tensorflow.org/data/horse-or-human.zip', '/tmp/train')
    download('https://storage.googleapis.com/download.tensorflow.org/data/validation-horse-or-human.zip', '/tmp/valid')
    train = tf.keras.utils.image_dataset_from_directory(
        '/tmp/train', image_size=(100, 100), batch_size=32, label_mode='binary', seed=7)
    valid = tf.keras.utils.image_dataset_from_directory(
        '/tmp/valid', image_size=(100, 100), batch_size=32, label_mode='binary', shuffle=False)
    print('classes:', train.class_names)
    model = tf.keras.Sequential([
        layers.Rescaling(1. / 255, input_shape=(100, 100, 3)),
        layers.Conv2D(16, 3, activation='relu'),
        layers.MaxPooling2D(),
        layers.Conv2D(32, 3, activation='relu'),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(64, activation='relu'),
        layers.Dense(1, activation='sigmoid'),
    ])
    model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
    model.fit(train, validation_data=valid, epochs=10)
    return model
