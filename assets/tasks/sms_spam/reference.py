# Reference solution: SMS spam, binary text classification (accuracy).
# Validation: the last 20% of the messages in the archive's order, fixed.
import urllib.request
import zipfile

import numpy as np
import tensorflow as tf
from tensorflow.keras.preprocessing.sequence import pad_sequences
from tensorflow.keras.preprocessing.text import Tokenizer


def solution_model():
    url = 'https://archive.ics.uci.edu/ml/machine-learning-databases/00228/smsspamcollection.zip'
    urllib.request.urlretrieve(url, 'smsspamcollection.zip')
    with zipfile.ZipFile('smsspamcollection.zip', 'r') as archive:
        archive.extractall('sms')

    sentences = []
    labels = []
    with open('sms/SMSSpamCollection', encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line:
                continue
            label, text = line.split('\t', 1)
            sentences.append(text)
            labels.append(1 if label == 'spam' else 0)

    vocab_size = 1000
    embedding_dim = 16
    max_length = 60
    training_size = int(len(sentences) * 0.8)

    training_sentences = sentences[:training_size]
    validation_sentences = sentences[training_size:]
    training_labels = np.array(labels[:training_size], dtype='float32')
    validation_labels = np.array(labels[training_size:], dtype='float32')

    # The grader's contract: the tokenizer is fit on every message, in order.
    tokenizer = Tokenizer(num_words=vocab_size, oov_token='<OOV>')
    tokenizer.fit_on_texts(sentences)
    training_padded = pad_sequences(tokenizer.texts_to_sequences(training_sentences),
                                    maxlen=max_length, padding='post', truncating='post')
    validation_padded = pad_sequences(tokenizer.texts_to_sequences(validation_sentences),
                                      maxlen=max_length, padding='post', truncating='post')

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(max_length,)),
        tf.keras.layers.Embedding(vocab_size, embedding_dim),
        tf.keras.layers.GlobalAveragePooling1D(),
        tf.keras.layers.Dense(24, activation='relu'),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
    model.fit(training_padded, training_labels, epochs=20, batch_size=32,
              validation_data=(validation_padded, validation_labels), verbose=2)
    return model


if __name__ == '__main__':
    model = solution_model()
    model.save('mymodel.h5')
