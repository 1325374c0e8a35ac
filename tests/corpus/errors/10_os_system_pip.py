# task: none
# expect: os.system is not available in Dojo (no processes); everything needed is already installed
import os
os.system('pip install tensorflow-datasets')  # <-- error
import tensorflow as tf
