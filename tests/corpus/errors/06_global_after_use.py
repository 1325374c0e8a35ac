# task: none
# expect: SyntaxError: name 'best_loss' is used prior to its global declaration
best_loss = 1.0

def record(loss):
    if loss < best_loss:
        global best_loss  # <-- error
        best_loss = loss

record(0.5)
print(best_loss)
