# task: none
# expect: ZeroDivisionError when normalising by a zero range
import numpy as np

values = [5.0, 5.0, 5.0]
low = min(values)
high = max(values)
scaled = [(v - low) / (high - low) for v in values]  # <-- error
