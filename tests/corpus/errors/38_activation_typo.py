# task: none
# expect: unknown activation 'rellu' with "did you mean 'relu'?"
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.layers.Dense(64, activation='rellu', input_shape=[4]),  # <-- error
    tf.keras.layers.Dense(1),
])
