# task: auto_mpg
# expect: IndexError: list index out of range when a CSV row has fewer columns than read
import csv

features = []
with open('/data/auto_mpg/auto_mpg.csv') as f:
    reader = csv.reader(f)
    header = next(reader)
    for row in reader:
        features.append(float(row[len(header)]))  # <-- error
