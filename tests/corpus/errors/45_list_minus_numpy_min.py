# task: daily_min_temperatures
# expect: normalising a Python list with numpy's min (which NumPy allows, since its scalar turns the list into an array) stops at that line with a help that says to make the list an array first
import csv
import urllib.request

import numpy as np
import tensorflow as tf


def solution_model():
    url = 'https://raw.githubusercontent.com/jbrownlee/Datasets/master/daily-min-temperatures.csv'
    urllib.request.urlretrieve(url, 'temperatures.csv')
    temperatures = []
    with open('temperatures.csv') as file:
        reader = csv.reader(file)
        next(reader)
        for row in reader:
            temperatures.append(float(row[1]))
    lowest = np.min(temperatures)
    highest = np.max(temperatures)
    temperatures -= lowest  # <-- error
    temperatures /= highest
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(30,))])
    model.compile(loss='mae', optimizer='adam')
    return model
