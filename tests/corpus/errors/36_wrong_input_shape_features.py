# task: none
# expect: the model expects 10 features but the data has 3 (input_shape does not match x)
import numpy as np
import tensorflow as tf

x = np.ones((8, 3), dtype=np.float32)
y = np.ones((8, 1), dtype=np.float32)
model = tf.keras.Sequential([
    tf.keras.layers.Dense(16, activation='relu', input_shape=[10]),
    tf.keras.layers.Dense(1),
])
model.compile(optimizer='adam', loss='mse')
model.fit(x, y, epochs=1)  # <-- error
