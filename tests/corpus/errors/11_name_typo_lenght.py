# task: none
# expect: NameError for `max_lenght` with "did you mean 'max_length'?"
import tensorflow as tf

vocab_size = 1000
embedding_dim = 16
max_length = 120

def solution_model():
    model = tf.keras.Sequential([
        tf.keras.layers.Embedding(vocab_size, embedding_dim, input_length=max_lenght),  # <-- error
        tf.keras.layers.GlobalAveragePooling1D(),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    return model

solution_model()
