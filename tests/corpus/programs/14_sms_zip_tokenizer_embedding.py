# task: sms_spam
# The UCI archive: download, read the tab-separated lines from the zip,
# Tokenizer with an OOV token, pad_sequences, Embedding + pooling.
import urllib.request
import zipfile
import numpy as np
import tensorflow as tf
from tensorflow.keras.preprocessing.text import Tokenizer
from tensorflow.keras.preprocessing.sequence import pad_sequences


def solution_model():
    url = 'https://archive.ics.uci.edu/ml/machine-learning-databases/00228/smsspamcollection.zip'
    urllib.request.urlretrieve(url, 'sms.zip')
    with zipfile.ZipFile('sms.zip') as archive:
        archive.extractall('sms')
    sentences, labels = [], []
    with open('sms/SMSSpamCollection', encoding='utf-8') as f:
        for line in f:
            label, text = line.rstrip('\n').split('\t', 1)
            sentences.append(text)
            labels.append(1 if label == 'spam' else 0)
    vocab_size = 1000
    embedding_dim = 16
    max_length = 60
    trunc_type = 'post'
    padding_type = 'post'
    oov_tok = '<OOV>'
    training_size = int(len(sentences) * 0.8)
    training_sentences = sentences[:training_size]
    testing_sentences = sentences[training_size:]
    training_labels = np.array(labels[:training_size])
    testing_labels = np.array(labels[training_size:])
    tokenizer = Tokenizer(num_words=vocab_size, oov_token=oov_tok)
    tokenizer.fit_on_texts(training_sentences)
    training_padded = pad_sequences(tokenizer.texts_to_sequences(training_sentences), maxlen=max_length,
                                    padding=padding_type, truncating=trunc_type)
    testing_padded = pad_sequences(tokenizer.texts_to_sequences(testing_sentences), maxlen=max_length,
                                   padding=padding_type, truncating=trunc_type)
    print('vocabulary', len(tokenizer.word_index), 'padded', training_padded.shape)
    model = tf.keras.Sequential([
        tf.keras.layers.Embedding(vocab_size, embedding_dim, input_length=max_length),
        tf.keras.layers.GlobalAveragePooling1D(),
        tf.keras.layers.Dense(24, activation='relu'),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
    model.fit(training_padded, training_labels, epochs=10,
              validation_data=(testing_padded, testing_labels), verbose=2)
    return model


if __name__ == '__main__':
    model = solution_model()
    model.save("mymodel.h5")
