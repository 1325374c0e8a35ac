# task: sms_spam
# expect: pad_sequences got strings: convert the texts with tokenizer.texts_to_sequences first
import tensorflow as tf
from tensorflow.keras.preprocessing.text import Tokenizer
from tensorflow.keras.preprocessing.sequence import pad_sequences

sentences = ['free entry in a weekly competition', 'see you at lunch']
tokenizer = Tokenizer(num_words=100, oov_token='<OOV>')
tokenizer.fit_on_texts(sentences)
padded = pad_sequences(sentences, maxlen=10, padding='post')  # <-- error
