# task: none
# expect: TypeError: Dense() got an unexpected keyword argument 'unit', with "did you mean 'units'?"
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.layers.Dense(unit=10, input_shape=[1]),  # <-- error
])
