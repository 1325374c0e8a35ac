# task: none
# expect: fit() on a model that was never compiled: call model.compile(...) first
import numpy as np
import tensorflow as tf

xs = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0])
ys = np.array([-3.0, -1.0, 1.0, 3.0, 5.0, 7.0])
model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[1])])
model.fit(xs, ys, epochs=10)  # <-- error
