# task: none
# expect: TypeError: can only concatenate str (not "float") to str; use an f-string or str()
import numpy as np
import tensorflow as tf

xs = np.array([0.0, 1.0, 2.0, 3.0])
ys = np.array([1.0, 3.0, 5.0, 7.0])
model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[1])])
model.compile(optimizer='sgd', loss='mse')
loss = model.evaluate(xs, ys, verbose=0)
print('loss: ' + loss)  # <-- error
