# task: none
# expect: AttributeError: tf.keras.layers has no attribute 'Desne', with "did you mean 'Dense'?"
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=(28, 28)),
    tf.keras.layers.Desne(128, activation='relu'),  # <-- error
    tf.keras.layers.Dense(10, activation='softmax'),
])
