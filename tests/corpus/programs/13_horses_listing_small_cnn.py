# task: horses_or_humans
# Inspecting the extracted folders with os before training a small CNN with
# dropout on the validation archive's layout.
import os
import zipfile
import urllib.request
import tensorflow as tf
from tensorflow.keras.preprocessing.image import ImageDataGenerator


def solution_model():
    urllib.request.urlretrieve('https://storage.googleapis.com/download.tensorflow.org/data/horse-or-human.zip', 'hoh.zip')
    zipfile.ZipFile('hoh.zip').extractall('hoh')
    for name in sorted(os.listdir('hoh')):
        folder = os.path.join('hoh', name)
        files = os.listdir(folder)
        print(name, len(files), files[0].endswith('.jpg'))
    generator = ImageDataGenerator(rescale=1 / 255.).flow_from_directory(
        'hoh', target_size=(96, 96), batch_size=20, class_mode='binary')
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(16, 3, activation='relu', input_shape=(96, 96, 3)),
        tf.keras.layers.MaxPooling2D(),
        tf.keras.layers.Conv2D(32, 3, activation='relu'),
        tf.keras.layers.MaxPooling2D(),
        tf.keras.layers.Dropout(0.3),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(32, activation='relu'),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    model.compile(loss='binary_crossentropy', optimizer='rmsprop', metrics=['acc'])
    model.fit(generator, epochs=8)
    return model
