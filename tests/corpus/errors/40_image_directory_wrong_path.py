# task: horses_or_humans
# expect: the training directory does not exist (the zip was never extracted); the message names the path
import tensorflow as tf
from tensorflow.keras.preprocessing.image import ImageDataGenerator

def solution_model():
    train_datagen = ImageDataGenerator(rescale=1 / 255)
    train_generator = train_datagen.flow_from_directory(  # <-- error
        'tmp/horse-or-human/',
        target_size=(300, 300),
        batch_size=128,
        class_mode='binary')
    return None
