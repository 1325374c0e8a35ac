# task: fashion_mnist
# Failure class 3, in a program of our own: the exam's checkpoint pattern
# (ModelCheckpoint(save_weights_only=True), then load_weights of the best
# epoch), set_floatx, tf.one_hot labels, and a practice set's entry name
# (`solution_B2`, Dicoding's layout) instead of solution_model.
import tensorflow as tf


def solution_B2():
    tf.keras.backend.set_floatx('float32')
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.fashion_mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    y_train = tf.one_hot(y_train, 10)
    y_test = tf.one_hot(y_test, 10)
    model = tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(64, activation='relu'),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    model.compile(optimizer=tf.optimizers.Adam(0.001), loss='categorical_crossentropy',
                  metrics=['accuracy'])
    checkpoint = tf.keras.callbacks.ModelCheckpoint(
        'best.weights.h5', monitor='val_accuracy', save_best_only=True, save_weights_only=True)
    with tf.device('/CPU:0'):
        model.fit(x_train, y_train, epochs=2, validation_data=(x_test, y_test),
                  callbacks=[checkpoint])
    model.load_weights('best.weights.h5')
    return model


if __name__ == '__main__':
    model = solution_B2()
    model.save('model_B2.h5')
