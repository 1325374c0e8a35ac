# task: sms_spam
# Inspecting the tokenizer's vocabulary, then a GRU classifier with dropout.
import zipfile
import urllib.request
import numpy as np
import tensorflow as tf
from tensorflow.keras.preprocessing.text import Tokenizer
from tensorflow.keras.preprocessing.sequence import pad_sequences


def solution_model():
    urllib.request.urlretrieve('https://archive.ics.uci.edu/static/public/228/sms+spam+collection.zip', 'data.zip')
    archive = zipfile.ZipFile('data.zip')
    text = archive.read('SMSSpamCollection').decode('utf-8')
    pairs = [line.split('\t') for line in text.splitlines() if line]
    messages = [message for _, message in pairs]
    labels = np.array([int(label == 'spam') for label, _ in pairs])
    tokenizer = Tokenizer(oov_token='<OOV>')
    tokenizer.fit_on_texts(messages)
    word_index = tokenizer.word_index
    print('oov index', word_index['<OOV>'], 'first words', list(word_index.keys())[1:4])
    sequences = pad_sequences(tokenizer.texts_to_sequences(messages), maxlen=30, padding='post')
    vocab = len(word_index) + 1
    model = tf.keras.Sequential([
        tf.keras.layers.Embedding(vocab, 16),
        tf.keras.layers.GRU(24),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])
    model.fit(sequences, labels, validation_split=0.2, epochs=4, batch_size=32)
    return model
