# task: none
# expect: unknown loss 'sparse_categorical_crossentropie' with "did you mean 'sparse_categorical_crossentropy'?"
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=(28, 28)),
    tf.keras.layers.Dense(10, activation='softmax'),
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropie', metrics=['accuracy'])  # <-- error
