# task: none
# expect: training diverges (learning_rate=1e30): the loss becomes NaN/inf and fit stops, naming the epoch and batch
import numpy as np
import tensorflow as tf

xs = np.linspace(-1.0, 4.0, 128)
ys = 2.0 * xs - 1.0
model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[1])])
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=1e30), loss='mse')
history = model.fit(xs, ys, epochs=3, verbose=0)  # <-- error
print(history.history['loss'])
