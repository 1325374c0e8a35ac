# task: none
# expect: `match` is not supported in Dojo; use if/elif (the walrus works)
import tensorflow as tf

def pick_loss(kind):
    match kind:  # <-- error
        case 'binary':
            return 'binary_crossentropy'
        case _:
            return 'mse'

if (n := 3) > 2:
    print(pick_loss('binary'), n)
