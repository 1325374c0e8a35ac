# task: horses_or_humans
# expect: transfer learning from ImageNet weights is refused at the call: the weights are not bundled and Dojo is offline
import tensorflow as tf
from tensorflow.keras.applications import InceptionV3


def solution_model():
    pre_trained_model = InceptionV3(input_shape=(150, 150, 3),  # <-- error
                                    include_top=False,
                                    weights='imagenet')
    for layer in pre_trained_model.layers:
        layer.trainable = False
    return pre_trained_model
