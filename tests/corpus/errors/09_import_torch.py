# task: none
# expect: torch is not available; the exam uses TensorFlow (import tensorflow as tf)
import torch  # <-- error
import torch.nn as nn

def solution_model():
    return nn.Sequential(nn.Linear(1, 1))
