# task: none
# expect: ValueError: shapes (6, 1) and (5,) cannot be broadcast together
import numpy as np

xs = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0]).reshape(-1, 1)
ys = np.array([-3.0, -1.0, 1.0, 3.0, 5.0])
errors = xs - ys.reshape(1, -1)[:, :4] + np.zeros((6, 5))  # <-- error
