# task: none
# expect: AttributeError: numpy has no attribute 'arry', with "did you mean 'array'?"
import numpy as np

xs = np.arry([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0], dtype=float)  # <-- error
ys = np.array([-3.0, -1.0, 1.0, 3.0, 5.0, 7.0], dtype=float)
