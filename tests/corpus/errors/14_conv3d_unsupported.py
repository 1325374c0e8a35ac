# task: none
# expect: Conv3D is not available in Dojo; the message lists the layers that are
import tensorflow as tf
from tensorflow.keras import layers

model = tf.keras.Sequential([
    layers.Conv3D(16, 3, activation='relu', input_shape=(8, 28, 28, 1)),  # <-- error
    layers.Flatten(),
    layers.Dense(10, activation='softmax'),
])
