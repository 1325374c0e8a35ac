# task: sunspots
# expect: FileNotFoundError for a file that was never downloaded, naming the files that exist
import csv

def solution_model():
    time_step = []
    sunspots = []
    with open('sunspots.csv') as csvfile:  # <-- error
        reader = csv.reader(csvfile, delimiter=',')
        next(reader)
        for row in reader:
            sunspots.append(float(row[2]))
    return None
