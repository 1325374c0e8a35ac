"""Runs one exam-style program under real TensorFlow, on a `dojo data` folder.

Usage (with the TensorFlow venv's Python):

    /root/tfvenv/bin/python tests/tf_compare/run_tf.py PROGRAM.py --data DIR \
        [--max-epochs N] [--metric NAME]

DIR is what `dojo data TASK --out DIR` wrote: the task's visible files under
DIR/data/... and DIR/urls.json, which maps each public URL to the file's
virtual path. The program sees the same bytes it sees in Dojo:

- `urllib.request.urlretrieve` / `urlopen` serve URLs from urls.json and
  refuse every other URL (nothing touches the network);
- `tf.keras.datasets.fashion_mnist.load_data()` reads the exported IDX files;
- the working directory is a fresh temporary folder.

The program is imported as a module named `solution` (not `__main__`), its
`solution_model()` (else its one `solution_*()` function) is called, and one JSON object is printed on the last line
of stdout: the final epoch's validation metric, the epochs run and the wall
time (data loading, model building and training; not TensorFlow's import).
`--max-epochs` caps every `fit`, like `dojo run --max-epochs`.
"""

import argparse
import importlib.util
import io
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.request


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("program", help="a .py file defining solution_model()")
    parser.add_argument("--data", required=True, help="a `dojo data` folder")
    parser.add_argument("--max-epochs", type=int, default=None)
    parser.add_argument(
        "--metric",
        default=None,
        help="validation log key to report (default: val_accuracy, else val_mae, else val_loss)",
    )
    return parser.parse_args()


class Response(io.BytesIO):
    """What `urlopen` returns: a readable, closable, context-managed body."""

    def __init__(self, url, data):
        super().__init__(data)
        self.url = url
        self.status = 200

    def geturl(self):
        return self.url

    def getcode(self):
        return self.status

    def info(self):
        return {}


def install_url_shim(data_dir):
    with open(os.path.join(data_dir, "urls.json"), encoding="utf-8") as handle:
        table = json.load(handle)

    def local_path(url):
        url = url.full_url if hasattr(url, "full_url") else str(url)
        key = url.split("://", 1)[-1]
        for known, path in table.items():
            if known.split("://", 1)[-1] == key:
                return os.path.join(data_dir, path.lstrip("/"))
        raise urllib.error.URLError(f"offline comparison: no local copy of {url}")

    def urlretrieve(url, filename=None, reporthook=None, data=None):
        source = local_path(url)
        if filename is None:
            handle, filename = tempfile.mkstemp()
            os.close(handle)
        shutil.copyfile(source, filename)
        return filename, {}

    def urlopen(url, *args, **kwargs):
        with open(local_path(url), "rb") as handle:
            return Response(str(getattr(url, "full_url", url)), handle.read())

    urllib.request.urlretrieve = urlretrieve
    urllib.request.urlopen = urlopen
    return local_path


def install_fashion_mnist_shim(local_path):
    """Keras's loader calls its own `get_file`; answer it from the export."""
    from keras.src.datasets import fashion_mnist

    def get_file(fname=None, origin=None, **kwargs):
        return local_path(origin)

    fashion_mnist.get_file = get_file


def install_fit_recorder(max_epochs):
    """Records every fit's history; caps its epochs like Dojo's --max-epochs."""
    import tensorflow as tf

    histories = []
    original_fit = tf.keras.Model.fit

    def fit(self, *args, **kwargs):
        if max_epochs is not None:
            if len(args) >= 4:
                args = list(args)
                args[3] = min(args[3], max_epochs)
            else:
                kwargs["epochs"] = min(kwargs.get("epochs", 1), max_epochs)
        history = original_fit(self, *args, **kwargs)
        histories.append(history.history)
        return history

    tf.keras.Model.fit = fit
    return histories


def pick_metric(history, wanted):
    if wanted is not None:
        return wanted if wanted in history else None
    for name in ("val_accuracy", "val_acc", "val_mae", "val_mean_absolute_error"):
        if name in history:
            return name
    return "val_loss" if "val_loss" in history else None


def solution_function(module):
    """`solution_model`, else the module's one `solution_*` function, as Dojo picks it.

    Dicoding-style simulation files name theirs `solution_A5`, `solution_B2`, ...
    """
    if callable(getattr(module, "solution_model", None)):
        return module.solution_model
    named = [
        value
        for name, value in vars(module).items()
        if name.startswith("solution_") and callable(value)
        and getattr(value, "__module__", None) == module.__name__
    ]
    if len(named) != 1:
        sys.exit(f"{module.__file__}: expected solution_model() or one solution_*() function")
    return named[0]


def main():
    args = parse_args()
    program = os.path.abspath(args.program)
    data_dir = os.path.abspath(args.data)
    local_path = install_url_shim(data_dir)
    import tensorflow as tf  # noqa: F401  (imported before the clock starts)

    install_fashion_mnist_shim(local_path)
    histories = install_fit_recorder(args.max_epochs)

    workdir = tempfile.mkdtemp(prefix="tf_compare_")
    os.chdir(workdir)
    started = time.perf_counter()
    spec = importlib.util.spec_from_file_location("solution", program)
    module = importlib.util.module_from_spec(spec)
    sys.modules["solution"] = module
    spec.loader.exec_module(module)
    solution_function(module)()
    seconds = time.perf_counter() - started
    shutil.rmtree(workdir, ignore_errors=True)

    result = {"seconds": round(seconds, 1), "epochs": 0, "metric": None, "value": None}
    if histories:
        history = histories[-1]
        result["epochs"] = len(history.get("loss", []))
        name = pick_metric(history, args.metric)
        if name is not None:
            result["metric"] = name
            result["value"] = float(history[name][-1])
        result["history"] = {key: [float(v) for v in values] for key, values in history.items()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
