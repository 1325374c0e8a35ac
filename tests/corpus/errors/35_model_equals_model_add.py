# task: none
# expect: AttributeError: 'NoneType' object has no attribute 'compile' (model.add returns None)
import tensorflow as tf

model = tf.keras.Sequential()
model = model.add(tf.keras.layers.Dense(1, input_shape=[1]))
model.compile(optimizer='sgd', loss='mse')  # <-- error
