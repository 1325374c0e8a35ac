# task: sms_spam
# The JSON copy, loaded like the course's sarcasm.json, with a Conv1D text model.
import json
import numpy as np
import tensorflow as tf
from tensorflow.keras.preprocessing.text import Tokenizer
from tensorflow.keras.preprocessing.sequence import pad_sequences


def solution_model():
    with open('/data/sms_spam/sms_spam.json', 'r') as f:
        datastore = json.load(f)
    sentences = []
    labels = []
    for item in datastore:
        sentences.append(item['message'])
        labels.append(1 if item['label'] == 'spam' else 0)
    print('messages:', len(sentences), 'spam share:', round(sum(labels) / len(labels), 2))
    tokenizer = Tokenizer(num_words=5000, oov_token='<OOV>')
    tokenizer.fit_on_texts(sentences)
    padded = pad_sequences(tokenizer.texts_to_sequences(sentences), maxlen=50, padding='post', truncating='post')
    labels = np.array(labels)
    model = tf.keras.Sequential([
        tf.keras.layers.Embedding(5000, 32, input_length=50),
        tf.keras.layers.Conv1D(64, 5, activation='relu'),
        tf.keras.layers.GlobalMaxPooling1D(),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
    model.fit(padded, labels, epochs=5, validation_split=0.2)
    return model
