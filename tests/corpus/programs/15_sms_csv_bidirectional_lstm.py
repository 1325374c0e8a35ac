# task: sms_spam
# The CSV copy through csv.reader, shuffled with numpy, a bidirectional LSTM.
import csv
import numpy as np
import tensorflow as tf
from tensorflow.keras.preprocessing.text import Tokenizer
from tensorflow.keras.preprocessing.sequence import pad_sequences


def solution_model():
    texts, labels = [], []
    with open('/data/sms_spam/sms_spam.csv', newline='') as f:
        reader = csv.reader(f)
        next(reader)
        for text, label in reader:
            texts.append(text.lower())
            labels.append(float(label == 'spam'))
    order = np.random.permutation(len(texts))
    texts = [texts[i] for i in order]
    labels = np.array(labels)[order]
    split = int(0.85 * len(texts))
    tokenizer = Tokenizer(num_words=2000, oov_token='<OOV>')
    tokenizer.fit_on_texts(texts[:split])
    sequences = pad_sequences(tokenizer.texts_to_sequences(texts), maxlen=40)
    model = tf.keras.Sequential([
        tf.keras.layers.Embedding(2000, 32),
        tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(16)),
        tf.keras.layers.Dense(16, activation='relu'),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    model.compile(loss='binary_crossentropy', optimizer=tf.keras.optimizers.Adam(1e-3), metrics=['accuracy'])
    model.fit(sequences[:split], labels[:split], validation_data=(sequences[split:], labels[split:]),
              epochs=5, batch_size=64)
    return model
