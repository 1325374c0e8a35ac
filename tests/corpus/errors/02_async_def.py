# task: none
# expect: `async def` and `await` are not supported in Dojo; write a plain `def`
import tensorflow as tf

async def load_data():  # <-- error
    return [1.0, 2.0, 3.0]

def solution_model():
    data = await load_data()  # <-- error
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[1])])
    return model
