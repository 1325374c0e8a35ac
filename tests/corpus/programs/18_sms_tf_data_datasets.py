# task: sms_spam
# Padded sequences fed through tf.data with shuffle and batch, an
# EarlyStopping on validation accuracy.
import csv
import numpy as np
import tensorflow as tf
from tensorflow.keras.preprocessing.text import Tokenizer
from tensorflow.keras.preprocessing.sequence import pad_sequences


def solution_model():
    rows = list(csv.DictReader(open('/data/sms_spam/sms_spam.csv')))
    texts = [row['text'] for row in rows]
    labels = np.array([1 if row['label'] == 'spam' else 0 for row in rows], dtype='int64')
    tokenizer = Tokenizer(num_words=3000, oov_token='<OOV>')
    tokenizer.fit_on_texts(texts)
    x = pad_sequences(tokenizer.texts_to_sequences(texts), maxlen=48)
    cut = len(x) * 4 // 5
    train = tf.data.Dataset.from_tensor_slices((x[:cut], labels[:cut])).shuffle(1024, seed=5).batch(64)
    valid = tf.data.Dataset.from_tensor_slices((x[cut:], labels[cut:])).batch(128)
    model = tf.keras.Sequential([
        tf.keras.layers.Embedding(3000, 24),
        tf.keras.layers.GlobalAveragePooling1D(),
        tf.keras.layers.Dense(16, activation='relu'),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    model.compile(loss=tf.keras.losses.BinaryCrossentropy(), optimizer='adam',
                  metrics=[tf.keras.metrics.BinaryAccuracy()])
    early = tf.keras.callbacks.EarlyStopping(monitor='val_binary_accuracy', patience=3, mode='max')
    model.fit(train, validation_data=valid, epochs=20, callbacks=[early])
    return model
