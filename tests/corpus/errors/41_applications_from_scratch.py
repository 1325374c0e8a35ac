# task: horses_or_humans
# expect: a ready-made architecture with weights=None is refused where it is called, saying Dojo has the layers but not the architectures (not that weights must be downloaded)
import tensorflow as tf


def solution_model():
    base = tf.keras.applications.MobileNetV2(  # <-- error
        input_shape=(150, 150, 3), include_top=False, weights=None)
    model = tf.keras.Sequential([
        base,
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
    return model
