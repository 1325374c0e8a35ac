# task: none
# expect: training diverges to a NaN loss with learning_rate=1e10; the user is told the loss became NaN and why
import numpy as np
import tensorflow as tf

xs = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0])
ys = np.array([-3.0, -1.0, 1.0, 3.0, 5.0, 7.0])
model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[1])])
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=1e10), loss='mse')
history = model.fit(xs, ys, epochs=3, verbose=0)
loss = history.history['loss'][-1]
assert loss == loss, f'the loss is {loss}'  # <-- error
