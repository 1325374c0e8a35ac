# task: sms_spam
# expect: KeyError: 'headline' when reading a JSON record that has other keys
import json

with open('/data/sms_spam/sms_spam.json') as f:
    records = json.load(f)
sentences = []
for item in records:
    sentences.append(item['headline'])  # <-- error
