# Benchmark model "embedding_gap": Embedding(10000,16) + GlobalAveragePooling1D
# + Dense(1) on random token sequences of length 120, binary labels. The
# runners replace the SAMPLES and EPOCHS lines.
import numpy as np
import tensorflow as tf

SAMPLES = 2048
EPOCHS = 3
BATCH_SIZE = 32

np.random.seed(0)
x = np.random.randint(0, 10000, size=(SAMPLES, 120))
y = np.random.randint(0, 2, size=SAMPLES).astype('float32')

model = tf.keras.Sequential([
    tf.keras.Input(shape=(120,)),
    tf.keras.layers.Embedding(10000, 16),
    tf.keras.layers.GlobalAveragePooling1D(),
    tf.keras.layers.Dense(1, activation='sigmoid'),
])
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
model.fit(x, y, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
