# task: fashion_mnist
# expect: FileNotFoundError: the hidden test split is not on Dojo's file system
def solution_model():
    with open('/data/fashion_mnist/hidden/t10k-labels.csv') as f:  # <-- error
        labels = f.read()
    return None
