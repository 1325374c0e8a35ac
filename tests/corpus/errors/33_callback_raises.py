# task: none
# expect: KeyError 'acc' raised inside the user's callback; the traceback shows the callback line (the key is 'accuracy')
import numpy as np
import tensorflow as tf

class StopAtAccuracy(tf.keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if logs['acc'] > 0.95:  # <-- error
            self.model.stop_training = True

xs = np.array([[0.0], [1.0], [2.0], [3.0]])
ys = np.array([0, 0, 1, 1])
model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation='sigmoid', input_shape=[1])])
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
model.fit(xs, ys, epochs=3, verbose=0, callbacks=[StopAtAccuracy()])
