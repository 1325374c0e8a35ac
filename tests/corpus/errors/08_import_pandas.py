# task: auto_mpg
# expect: pandas imports, and its first use says pandas is not available in Dojo; read the CSV with the csv module or numpy
import tensorflow as tf
import pandas as pd

def solution_model():
    df = pd.read_csv('auto_mpg.csv')  # <-- error
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[9])])
    return model
