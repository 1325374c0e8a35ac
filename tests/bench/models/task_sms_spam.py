# Benchmark model "task_sms_spam": the sms_spam reference model
# (Embedding(1000,16) + GlobalAveragePooling1D + Dense(24) + Dense(1)) on
# random token sequences of length 60. The runners replace the SAMPLES and
# EPOCHS lines.
import numpy as np
import tensorflow as tf

SAMPLES = 2048
EPOCHS = 3
BATCH_SIZE = 32

np.random.seed(0)
x = np.random.randint(0, 1000, size=(SAMPLES, 60))
y = np.random.randint(0, 2, size=SAMPLES).astype('float32')

model = tf.keras.Sequential([
    tf.keras.Input(shape=(60,)),
    tf.keras.layers.Embedding(1000, 16),
    tf.keras.layers.GlobalAveragePooling1D(),
    tf.keras.layers.Dense(24, activation='relu'),
    tf.keras.layers.Dense(1, activation='sigmoid'),
])
model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
model.fit(x, y, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
