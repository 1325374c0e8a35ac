# task: sunspots
# expect: FileNotFoundError: the real file system is out of reach
with open('/etc/passwd') as f:  # <-- error
    print(f.read())
