# task: none
# expect: UnboundLocalError: a function assigns `epochs_seen` without `global`, so reading it first fails
import tensorflow as tf

epochs_seen = 0

def count_epoch():
    epochs_seen += 1  # <-- error
    return epochs_seen

def solution_model():
    count_epoch()
    return tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[1])])

solution_model()
