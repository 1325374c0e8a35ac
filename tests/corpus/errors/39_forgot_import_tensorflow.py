# task: none
# expect: NameError: name 'tf' is not defined, with a hint to `import tensorflow as tf`
import numpy as np

model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[1])])  # <-- error
