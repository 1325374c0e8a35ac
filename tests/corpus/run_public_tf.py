"""Runs one public exam-style file, unmodified, under real TensorFlow.

Usage (with the TensorFlow venv's Python; nothing here is part of CI):

    nice -n 19 env TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 \
        OMP_NUM_THREADS=1 CUDA_VISIBLE_DEVICES= \
        /root/tfvenv/bin/python tests/corpus/run_public_tf.py FILE.py --data DIR

DIR is what `dojo data TASK --out DIR` wrote (DIR/urls.json and DIR/data/...).
The question is the one `run_public.sh` asks of Dojo: does the file, as
published, get as far as a trained model? So, mirroring Dojo:

- the file is imported as module `solution` (its `if __name__ == '__main__':`
  block does not run), then `solution_model()` is called, or else the one
  top-level `solution_*` function without parameters (`solution_A5()`, ...);
- the working directory is a fresh temporary folder, and so is KERAS_HOME
  (the cache `get_file` writes to);
- URLs are served from urls.json and nothing else, through
  `urllib.request.urlretrieve`/`urlopen` (shims of tests/tf_compare/run_tf.py)
  and through Keras's own `get_file` (`tf.keras.utils.get_file`): the real
  `get_file` runs, with only its download step answered from the export, so
  caching, `extract=True` and the returned path are exactly Keras's;
  `tf.keras.datasets.fashion_mnist.load_data()` reads the exported IDX files;
  every other socket connection is refused; `tfds.load` of horses_or_humans
  and fashion_mnist is served from the export (as Dojo serves it; the real
  tfds would download the full datasets and check their checksums);
- matplotlib uses the Agg backend and `plt.show()` returns at once;
- training is capped: every `Model.fit` (and `fit_generator`, where Keras
  still has it) runs 1 epoch; on a dataset, generator or Sequence,
  `steps_per_epoch=min(given, 3)` and `validation_steps=min(given, 3)` (3
  when not given; a non-int count such as `527/30` is passed on unchanged,
  since Keras 3 rejects it);
  on NumPy arrays (or tensors), x/y are sliced to 3 * batch_size rows and
  array validation data to 3 * validation batch size rows.

The last line of stdout is one JSON object:
{"outcome": "trained"|"error", "error": "Type: message (FILE line N: source)",
 "seconds": ..., "fits": N}. "trained" means at least one fit completed and
the entry point returned a Keras model.
"""

import argparse
import importlib.util
import inspect
import json
import operator
import os
import shutil
import socket
import sys
import tempfile
import time
import traceback

os.environ.setdefault("MPLBACKEND", "Agg")

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tf_compare"))
import run_tf  # noqa: E402  (the urlretrieve/urlopen and fashion_mnist shims)

STEPS = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("program", help="a public .py file")
    parser.add_argument("--data", required=True, help="a `dojo data TASK --out DIR` folder")
    return parser.parse_args()


def refuse_network():
    """Only the export answers: any real connection fails as offline."""

    def connect(self, address, *args, **kwargs):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise OSError(f"offline run: no network connection to {address}")
        return original_connect(self, address, *args, **kwargs)

    original_connect = socket.socket.connect
    socket.socket.connect = connect
    original_create = socket.create_connection

    def create_connection(address, *args, **kwargs):
        raise OSError(f"offline run: no network connection to {address}")

    socket.create_connection = create_connection
    del original_create
    original_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host in (None, "localhost", "127.0.0.1", "::1"):
            return original_getaddrinfo(host, *args, **kwargs)
        raise socket.gaierror(f"offline run: no name resolution for {host}")

    socket.getaddrinfo = getaddrinfo


def install_get_file_shim(local_path):
    """Keras's real `get_file`, with its download step served from the export."""
    from keras.src.utils import file_utils

    def urlretrieve(url, filename, reporthook=None, data=None):
        shutil.copyfile(local_path(url), filename)

    file_utils.urlretrieve = urlretrieve


def install_tfds_shim(data_dir):
    """`tfds.load` of the two bundled datasets, from the export (as Dojo does).

    Real tfds downloads from the network (refused here) and checks checksums
    that the export's reduced files would not match; this serves
    horses_or_humans (train = train/, test = validation/, 'horses' = 0,
    'humans' = 1) and fashion_mnist (the IDX files) with tfds's element
    layout: {'image': uint8 HxWxC, 'label': int64}. Splits: names, `+`,
    `[a:b]` with percents or counts, lists; as_supervised, batch_size
    (-1: whole split as tensors), with_info (splits' num_examples, label
    names). Anything else raises like an unknown dataset.
    """
    try:
        import tensorflow_datasets as tfds
    except Exception:  # noqa: BLE001
        return
    import gzip
    import re
    from types import SimpleNamespace

    import numpy as np
    import tensorflow as tf

    def horses(split):
        folder = {"train": "train", "test": "validation"}[split]
        root = os.path.join(data_dir, "data", "horses_or_humans", folder)
        paths, labels = [], []
        for label, name in enumerate(("horses", "humans")):
            for entry in sorted(os.listdir(os.path.join(root, name))):
                paths.append(os.path.join(root, name, entry))
                labels.append(label)
        images = np.stack(
            [tf.io.decode_image(tf.io.read_file(p), channels=3, expand_animations=False).numpy() for p in paths]
        )
        return images, np.array(labels, dtype=np.int64)

    def fashion(split):
        prefix = {"train": "train", "test": "t10k"}[split]
        root = os.path.join(data_dir, "data", "fashion_mnist")
        with gzip.open(os.path.join(root, f"{prefix}-labels-idx1-ubyte.gz")) as h:
            labels = np.frombuffer(h.read(), np.uint8, offset=8).astype(np.int64)
        with gzip.open(os.path.join(root, f"{prefix}-images-idx3-ubyte.gz")) as h:
            images = np.frombuffer(h.read(), np.uint8, offset=16).reshape(len(labels), 28, 28, 1)
        return images, labels

    loaders = {
        "horses_or_humans": (horses, ["horses", "humans"]),
        "fashion_mnist": (
            fashion,
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        ),
    }
    cache = {}

    def split_arrays(name, split):
        parts = []
        for piece in str(split).split("+"):
            match = re.fullmatch(r"\s*(\w+)\s*(?:\[\s*([-\d]*%?)\s*:\s*([-\d]*%?)\s*\])?\s*", piece)
            if not match:
                raise ValueError(f"unknown split {split!r}")
            base, start, stop = match.groups()
            key = (name, base)
            if key not in cache:
                cache[key] = loaders[name][0](base)
            images, labels = cache[key]
            count = len(labels)

            def bound(text, default):
                if not text:
                    return default
                if text.endswith("%"):
                    return int(round(count * int(text[:-1]) / 100))
                return int(text)

            lo, hi = bound(start, 0), bound(stop, count)
            parts.append((images[lo:hi], labels[lo:hi]))
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def load(name, split=None, batch_size=None, as_supervised=False, with_info=False, **kwargs):
        base = str(name).split("/")[0].split(":")[0]
        if base not in loaders:
            raise tfds.core.registered.DatasetNotFoundError(f"offline run: dataset {name!r} is not served")

        def one(split_name):
            images, labels = split_arrays(base, split_name)
            if batch_size == -1:
                return (tf.constant(images), tf.constant(labels)) if as_supervised else {
                    "image": tf.constant(images), "label": tf.constant(labels)}
            if as_supervised:
                ds = tf.data.Dataset.from_tensor_slices((images, labels))
            else:
                ds = tf.data.Dataset.from_tensor_slices({"image": images, "label": labels})
            return ds.batch(batch_size) if batch_size else ds

        if split is None:
            result = {s: one(s) for s in ("train", "test")}
        elif isinstance(split, (list, tuple)):
            result = [one(s) for s in split]
        else:
            result = one(split)
        if not with_info:
            return result
        names = loaders[base][1]
        info = SimpleNamespace(
            name=base,
            splits={s: SimpleNamespace(name=s, num_examples=len(split_arrays(base, s)[1])) for s in ("train", "test")},
            features={"label": SimpleNamespace(num_classes=len(names), names=names, int2str=names.__getitem__)},
        )
        return result, info

    tfds.load = load


def install_plt_show_shim():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception:  # noqa: BLE001  (no matplotlib: nothing to patch)
        return
    plt.show = lambda *args, **kwargs: None


def is_array_like(value):
    import numpy as np
    import tensorflow as tf

    if isinstance(value, (np.ndarray, tf.Tensor)):
        return True
    if type(value).__module__.startswith("pandas"):
        return hasattr(value, "iloc")
    if isinstance(value, (list, tuple)) and value and all(is_array_like(v) for v in value):
        return True
    if isinstance(value, dict) and value and all(is_array_like(v) for v in value.values()):
        return True
    return False


def head(value, rows):
    if value is None:
        return None
    if isinstance(value, (list, tuple)) and not hasattr(value, "shape"):
        if value and all(is_array_like(v) for v in value):
            return type(value)(head(v, rows) for v in value)
        return value[:rows]
    if isinstance(value, dict):
        return {k: head(v, rows) for k, v in value.items()}
    if hasattr(value, "iloc"):
        return value.iloc[:rows]
    return value[:rows]


def cap_steps_argument(arguments, key, notes):
    """Caps `arguments[key]` (a steps count) and notes the cap."""
    given = arguments.get(key)
    arguments[key] = capped_steps(given)
    notes.append(f"{key}={arguments[key]!r}" + ("" if given is None else f" (given {given!r})"))


def capped_steps(given):
    """3 steps, or fewer if the file asks fewer. A step count that is not an
    int (`steps_per_epoch=527/30`) is passed on as given: Keras 3 rejects it
    (`range()` of a float), and capping it would hide that."""
    if given is None:
        return STEPS
    try:
        count = operator.index(given)  # int, numpy integers
    except TypeError:
        return given
    return given if count <= STEPS else STEPS


FITS = {"started": 0, "completed": 0, "capped": []}


def cap_fit(name, original):
    signature = inspect.signature(original)

    def fit(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        arguments = bound.arguments
        # `fit(**kwargs)`-style signatures keep extra keywords in one dict.
        extra = {}
        for param in signature.parameters.values():
            if param.kind is inspect.Parameter.VAR_KEYWORD and param.name in arguments:
                extra = arguments.pop(param.name)
        arguments.update(extra)
        x = arguments.get("x", arguments.get("generator"))
        notes = []
        arguments["epochs"] = 1
        if arguments.get("initial_epoch"):
            arguments["initial_epoch"] = 0
        if x is not None and is_array_like(x):
            batch = arguments.get("batch_size") or 32
            rows = STEPS * int(batch)
            for key in ("x", "y", "sample_weight"):
                if arguments.get(key) is not None:
                    arguments[key] = head(arguments[key], rows)
            arguments.pop("steps_per_epoch", None)
            notes.append(f"x[:{rows}]")
        else:
            cap_steps_argument(arguments, "steps_per_epoch", notes)
        validation = arguments.get("validation_data")
        if validation is not None:
            if isinstance(validation, (tuple, list)) and all(
                v is None or is_array_like(v) for v in validation
            ):
                batch = arguments.get("validation_batch_size") or arguments.get("batch_size") or 32
                rows = STEPS * int(batch)
                arguments["validation_data"] = type(validation)(head(v, rows) for v in validation)
                arguments.pop("validation_steps", None)
                notes.append(f"validation[:{rows}]")
            else:
                cap_steps_argument(arguments, "validation_steps", notes)
        FITS["started"] += 1
        FITS["capped"].append(f"{name}: epochs=1, " + ", ".join(notes))
        print(f"[run_public_tf] {FITS['capped'][-1]}", flush=True)
        target = arguments.pop("self")
        history = original(target, **arguments)
        FITS["completed"] += 1
        return history

    return fit


def install_fit_cap():
    import tensorflow as tf

    model = tf.keras.Model
    model.fit = cap_fit("fit", model.fit)
    if hasattr(model, "fit_generator"):
        model.fit_generator = cap_fit("fit_generator", model.fit_generator)


def entry_point(module):
    if callable(getattr(module, "solution_model", None)):
        return "solution_model"
    found = []
    for name, value in vars(module).items():
        if name.startswith("solution_") and inspect.isfunction(value):
            if value.__module__ != module.__name__:
                continue
            params = [
                p
                for p in inspect.signature(value).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
            ]
            if not params:
                found.append(name)
    return found[0] if len(found) == 1 else None


def describe_error(error, program):
    message = f"{type(error).__name__}: {error}".strip()
    message = " ".join(message.split())
    if len(message) > 400:
        message = message[:400] + "..."
    frames = traceback.extract_tb(error.__traceback__)
    inside = [f for f in frames if os.path.abspath(f.filename) == program]
    if inside:
        frame = inside[-1]
        message += f" (line {frame.lineno}: {(frame.line or '').strip()})"
    return message


def main():
    args = parse_args()
    program = os.path.abspath(args.program)
    data_dir = os.path.abspath(args.data)
    workdir = tempfile.mkdtemp(prefix="run_public_tf_")
    os.environ["KERAS_HOME"] = os.path.join(workdir, ".keras")
    local_path = run_tf.install_url_shim(data_dir)
    refuse_network()
    import tensorflow as tf

    run_tf.install_fashion_mnist_shim(local_path)
    install_get_file_shim(local_path)
    install_tfds_shim(data_dir)
    install_plt_show_shim()
    install_fit_cap()

    os.chdir(workdir)
    result = {"outcome": "error", "error": None}
    started = time.perf_counter()
    try:
        spec = importlib.util.spec_from_file_location("solution", program)
        module = importlib.util.module_from_spec(spec)
        sys.modules["solution"] = module
        spec.loader.exec_module(module)
        name = entry_point(module)
        if name is None:
            raise NameError("no solution_model() and no single solution_*() function")
        print(f"[run_public_tf] calling {name}()", flush=True)
        returned = getattr(module, name)()
        if not isinstance(returned, tf.keras.Model):
            raise TypeError(f"{name}() returned {type(returned).__name__}, not a Keras model")
        if FITS["completed"] == 0:
            raise RuntimeError(f"{name}() returned a model without calling fit")
        result["outcome"] = "trained"
    except BaseException as error:  # noqa: BLE001  (SystemExit too: report it)
        traceback.print_exc()
        result["error"] = describe_error(error, program)
    result["seconds"] = round(time.perf_counter() - started, 1)
    os.chdir(tempfile.gettempdir())
    shutil.rmtree(workdir, ignore_errors=True)
    result["fits"] = FITS["completed"]
    result["capped"] = FITS["capped"]
    sys.stdout.flush()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
