# task: horses_or_humans
# One folder, split by ImageDataGenerator's validation_split into subsets.
import tensorflow as tf
from tensorflow.keras.preprocessing.image import ImageDataGenerator


def solution_model():
    datagen = ImageDataGenerator(rescale=1.0 / 255.0, horizontal_flip=True, validation_split=0.2)
    train = datagen.flow_from_directory('/data/horses_or_humans/train', target_size=(64, 64),
                                        batch_size=16, class_mode='binary', subset='training', seed=3)
    valid = datagen.flow_from_directory('/data/horses_or_humans/train', target_size=(64, 64),
                                        batch_size=16, class_mode='binary', subset='validation', seed=3)
    print(train.class_indices)
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(8, 3, activation='relu', input_shape=(64, 64, 3)),
        tf.keras.layers.MaxPooling2D(2),
        tf.keras.layers.Conv2D(16, 3, activation='relu'),
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=3e-3), loss='binary_crossentropy',
                  metrics=['accuracy'])
    model.fit(train, steps_per_epoch=len(train), validation_data=valid, validation_steps=len(valid), epochs=5)
    return model
