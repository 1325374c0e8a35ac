"""Trains the benchmark programs in tests/bench/models/ under real TensorFlow.

The TensorFlow side of `dojo bench models`: same programs, same settings
(the `SAMPLES = ` and `EPOCHS = ` lines are replaced the same way), same JSON
report (with "runner": "tensorflow"). Each run trains in a child process of
its own, so the peak memory (ru_maxrss, TensorFlow's import included) is that
model's. Epoch times come from a Keras callback added to every `fit`: from
the start of training to each epoch's end, the first epoch discarded as
warm-up when there are several.

Run by hand with tensorflow-cpu (never in CI, never in the product):

    /root/tfvenv/bin/python tests/bench/bench_tf.py [--runs N] [--samples N]
        [--epochs N] [--only NAME] [--out FILE] [--json]
"""

import argparse
import glob
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time

MODELS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'models')


def model_names():
    return sorted(os.path.splitext(os.path.basename(path))[0]
                  for path in glob.glob(os.path.join(MODELS_DIR, '*.py')))


def setting(source, name):
    match = re.search(r'^%s = (\d+)\s*$' % name, source, re.MULTILINE)
    if match is None:
        raise SystemExit('the program has no top-level `%s = <integer>` line' % name)
    return int(match.group(1))


def source_with(name, samples, epochs):
    with open(os.path.join(MODELS_DIR, name + '.py')) as f:
        source = f.read()
    for key, value in (('SAMPLES', samples), ('EPOCHS', epochs)):
        setting(source, key)
        if value is not None:
            source = re.sub(r'^%s = \d+\s*$' % key, '%s = %d' % (key, value), source,
                            flags=re.MULTILINE)
    return source


def child(name, samples, epochs):
    """One run of one model in this process; prints one JSON line."""
    import keras

    marks = []

    class EpochTimer(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            marks[:] = [time.perf_counter()]

        def on_epoch_end(self, epoch, logs=None):
            marks.append(time.perf_counter())

    fit = keras.Model.fit

    def timed_fit(self, *args, **kwargs):
        kwargs['callbacks'] = list(kwargs.get('callbacks') or []) + [EpochTimer()]
        return fit(self, *args, **kwargs)

    keras.Model.fit = timed_fit
    source = source_with(name, samples, epochs)
    path = os.path.join(MODELS_DIR, name + '.py')
    exec(compile(source, path, 'exec'), {'__name__': '__main__', '__file__': path})
    epoch_seconds = [b - a for a, b in zip(marks, marks[1:])]
    if not epoch_seconds:
        raise SystemExit('%s.py finished without training an epoch' % name)
    print(json.dumps({
        'model': name,
        'samples': setting(source, 'SAMPLES'),
        'epochs': len(epoch_seconds),
        'batch_size': setting(source, 'BATCH_SIZE'),
        'epoch_seconds': epoch_seconds,
        # Linux reports kilobytes.
        'peak_rss_bytes': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }))


def timed_epoch_seconds(run):
    times = run['epoch_seconds']
    timed = times[1:] if len(times) > 1 else times
    return sum(timed) / len(timed)


def summarize(runs):
    first = runs[0]
    epoch_seconds = statistics.median_high([timed_epoch_seconds(run) for run in runs])
    return {
        'model': first['model'],
        'samples': first['samples'],
        'epochs': first['epochs'],
        'batch_size': first['batch_size'],
        'epoch_seconds': epoch_seconds,
        'samples_per_second': first['samples'] / epoch_seconds,
        'peak_rss_bytes': max(run['peak_rss_bytes'] for run in runs),
        'runs': runs,
    }


def spawn(name, samples, epochs):
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
    command = [sys.executable, os.path.abspath(__file__), '--child', '--only', name]
    if samples is not None:
        command += ['--samples', str(samples)]
    if epochs is not None:
        command += ['--epochs', str(epochs)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit('benchmark model %s failed:\n%s' % (name, done.stderr))
    return json.loads(done.stdout.strip().splitlines()[-1])


def tensorflow_version():
    """The installed TensorFlow's version, without the slow import."""
    from importlib import metadata
    for distribution in ('tensorflow-cpu', 'tensorflow'):
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            pass
    return 'unknown'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--samples', type=int)
    parser.add_argument('--epochs', type=int)
    parser.add_argument('--only')
    parser.add_argument('--out')
    parser.add_argument('--json', action='store_true', help='print the JSON report')
    parser.add_argument('--child', action='store_true', help=argparse.SUPPRESS)
    args = parser.parse_args()
    names = model_names()
    if args.only is not None and args.only not in names:
        raise SystemExit('no benchmark model %r; known: %s' % (args.only, ', '.join(names)))
    if args.child:
        child(args.only, args.samples, args.epochs)
        return
    chosen = [args.only] if args.only else names
    runs = {name: [] for name in chosen}
    for round_ in range(max(args.runs, 1)):
        for name in chosen:
            print('bench_tf: %s (run %d/%d)' % (name, round_ + 1, max(args.runs, 1)),
                  file=sys.stderr)
            runs[name].append(spawn(name, args.samples, args.epochs))
    report = {
        'runner': 'tensorflow',
        'version': tensorflow_version(),
        'models': [summarize(runs[name]) for name in chosen],
    }
    text = json.dumps(report, indent=2)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(text)
    if args.json:
        print(text)
    else:
        print('%-28s %7s %6s %5s %10s %10s %9s' % (
            'model', 'samples', 'epochs', 'batch', 'epoch s', 'samples/s', 'peak MiB'))
        for m in report['models']:
            print('%-28s %7d %6d %5d %10.3f %10.0f %9.0f' % (
                m['model'], m['samples'], m['epochs'], m['batch_size'], m['epoch_seconds'],
                m['samples_per_second'], m['peak_rss_bytes'] / 1048576))


if __name__ == '__main__':
    main()
