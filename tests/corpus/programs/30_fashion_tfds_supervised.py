# task: fashion_mnist
# Failure class 2 of the public files, in a program of our own: the data
# comes from tensorflow_datasets (split slicing, as_supervised, with_info),
# and a learning-rate schedule drives the optimizer.
import tensorflow as tf
import tensorflow_datasets as tfds


def solution_model():
    (train, valid), info = tfds.load('fashion_mnist', split=['train[:90%]', 'train[90%:]'],
                                     as_supervised=True, with_info=True)
    classes = info.features['label'].num_classes
    print(info.splits['train'].num_examples, 'training examples,', classes, 'classes')

    def scale(image, label):
        return tf.cast(image, tf.float32) / 255.0, label

    train = train.map(scale).shuffle(1024).batch(128)
    valid = valid.map(scale).batch(128)
    schedule = tf.keras.optimizers.schedules.ExponentialDecay(
        1e-3, decay_steps=400, decay_rate=0.9)
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(32, 3, activation='relu', input_shape=(28, 28, 1)),
        tf.keras.layers.MaxPooling2D(),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dense(classes, activation='softmax'),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=schedule),
                  loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    model.fit(train, validation_data=valid, epochs=3,
              callbacks=tf.keras.callbacks.EarlyStopping(monitor='val_accuracy', patience=2))
    return model


if __name__ == '__main__':
    model = solution_model()
    model.save('mymodel.h5')
