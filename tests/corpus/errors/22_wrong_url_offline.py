# task: sunspots
# expect: Dojo works offline: the URL is not bundled; the help lists the URLs that are
import urllib.request

url = 'https://storage.googleapis.com/download.tensorflow.org/data/Sunspots-v2.csv'
urllib.request.urlretrieve(url, 'sunspots.csv')  # <-- error

def solution_model():
    return None
