//! TensorFlow's data side (`tf.data`, Keras text/sequence/image utilities,
//! `fashion_mnist`) run through the interpreter. Expected outputs were
//! printed by TensorFlow 2.21 (Keras 3.15, numpy 2.4) running the Python
//! script quoted beside each test. Arrays are inspected with helper
//! built-ins defined here (`tolist`, `dtype_of`, `shape_of`, `item`,
//! `split_last`), written in the reference scripts as:
//!
//! ```python
//! def tolist(x): return np.asarray(x).tolist()
//! def shape_of(x): return tuple(np.asarray(x).shape)
//! def dtype_of(x): return str(np.asarray(x).dtype)
//! def split_last(w): return (w[:-1], w[-1])
//! def item(x): return np.asarray(x).item()
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::rc::Rc;

use dojo_lang::interp::Builtin;
use dojo_lang::ndarray::{DType, NdArray};
use dojo_lang::vfs::VirtualFs;
use dojo_lang::{Interpreter, Limits, SourceFile, Value, parse};
use dojo_tf::tensorflow::install_tensorflow_data;

fn values(array: &NdArray) -> Vec<f64> {
    array
        .tensor()
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_dtype(candle_core::DType::F64)
        .unwrap()
        .to_vec1::<f64>()
        .unwrap()
}

fn nested(data: &[f64], shape: &[usize], dtype: DType) -> Value {
    match shape.split_first() {
        None => match dtype {
            DType::Float32 | DType::Float64 => Value::Float(data[0]),
            DType::Bool => Value::Bool(data[0] != 0.0),
            _ => Value::Int(data[0] as i64),
        },
        Some((&n, rest)) => {
            let inner: usize = rest.iter().product();
            Value::list(
                (0..n)
                    .map(|i| nested(&data[i * inner..(i + 1) * inner], rest, dtype))
                    .collect(),
            )
        }
    }
}

fn array_argument(args: &dojo_lang::Args) -> Option<NdArray> {
    args.positional.first().and_then(NdArray::from_value)
}

fn install_helpers(interpreter: &mut Interpreter) {
    interpreter.define_builtin(
        "tolist",
        Builtin::value("tolist", |_, args| {
            Ok(match array_argument(&args) {
                Some(array) => nested(&values(&array), array.shape(), array.dtype()),
                None => args.positional[0].clone(),
            })
        }),
    );
    interpreter.define_builtin(
        "dtype_of",
        Builtin::value("dtype_of", |_, args| {
            Ok(Value::str(array_argument(&args).unwrap().dtype().name()))
        }),
    );
    interpreter.define_builtin(
        "shape_of",
        Builtin::value("shape_of", |_, args| {
            let array = array_argument(&args).unwrap();
            Ok(Value::tuple(
                array
                    .shape()
                    .iter()
                    .map(|&d| Value::Int(d as i64))
                    .collect(),
            ))
        }),
    );
    interpreter.define_builtin(
        "item",
        Builtin::value("item", |_, args| {
            let array = array_argument(&args).unwrap();
            Ok(nested(&values(&array), &[], array.dtype()))
        }),
    );
    interpreter.define_builtin(
        "split_last",
        Builtin::value("split_last", |_, args| {
            let array = array_argument(&args).unwrap();
            let tensor = array.tensor().unwrap();
            let n = array.shape()[0];
            Ok(Value::tuple(vec![
                NdArray::from_tensor(tensor.narrow(0, 0, n - 1).unwrap(), array.dtype())
                    .into_value(),
                NdArray::from_tensor(tensor.get(n - 1).unwrap(), array.dtype()).into_value(),
            ]))
        }),
    );
}

/// Runs `source` with TensorFlow installed over `vfs`; returns the printed
/// output (plus the rendered error, if any) and the interpreter.
fn run_with(source: &str, vfs: Rc<VirtualFs>) -> (String, Interpreter) {
    let parsed = parse(source);
    assert!(parsed.is_runnable(), "{:?}", parsed.diagnostics);
    let output = Rc::new(RefCell::new(String::new()));
    let sink = Rc::clone(&output);
    let mut interpreter = Interpreter::new(Limits::default(), move |text| {
        sink.borrow_mut().push_str(text)
    });
    install_tensorflow_data(&mut interpreter);
    install_helpers(&mut interpreter);
    interpreter.set_vfs(vfs);
    let outcome = interpreter.run(&parsed.module);
    let mut text = output.borrow().clone();
    if let Err(error) = outcome {
        text.push_str(&error.render(&SourceFile::new("solution.py", source)));
    }
    (text, interpreter)
}

fn run(source: &str) -> String {
    run_with(source, VirtualFs::new()).0
}

fn assert_lines(output: &str, expected: &str) {
    let expected = expected.trim_start_matches('\n');
    assert_eq!(
        output, expected,
        "\n--- got ---\n{output}\n--- expected ---\n{expected}"
    );
}

const ASSETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/datasets");

fn horses_vfs() -> Rc<VirtualFs> {
    let vfs = VirtualFs::new();
    for class in ["horses", "humans"] {
        let folder = format!("{ASSETS}/horses_or_humans/train/{class}");
        for entry in std::fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            vfs.add_read_only(
                &format!("/data/horses_or_humans/train/{class}/{name}"),
                std::fs::read(entry.path()).unwrap(),
            );
        }
    }
    vfs
}

fn float_global(interpreter: &Interpreter, name: &str) -> Vec<f64> {
    let value = interpreter.global(name).unwrap();
    match NdArray::from_value(&value) {
        Some(array) => values(&array),
        None => match value {
            Value::Float(x) => vec![x],
            other => panic!("{name} is {other:?}"),
        },
    }
}

/*
from tensorflow.keras.preprocessing.text import Tokenizer
from tensorflow.keras.preprocessing.sequence import pad_sequences
from tensorflow.keras.utils import to_categorical
(the program below, with p.dtype / p.shape / p.tolist() for the helpers)
*/
#[test]
fn tokenizer_pad_sequences_and_to_categorical_match_keras() {
    let output = run(r#"
from tensorflow.keras.preprocessing.text import Tokenizer
from tensorflow.keras.preprocessing.sequence import pad_sequences
from tensorflow.keras.utils import to_categorical
sentences = ["I love my dog", "I love my cat", "You love my dog!", "Do you think my dog is amazing?"]
t = Tokenizer(num_words=100, oov_token="<OOV>")
t.fit_on_texts(sentences)
print(t.word_index)
print(t.texts_to_sequences(["i really love my dog", "my dog loves my manatee"]))
print(dict(t.word_counts))
t2 = Tokenizer(num_words=4)
t2.fit_on_texts(sentences)
print(t2.texts_to_sequences(sentences))
t3 = Tokenizer(num_words=5, oov_token="<OOV>")
t3.fit_on_texts(sentences)
seqs = t3.texts_to_sequences(sentences)
print(seqs)
print(t3.sequences_to_texts(seqs))
print(t3.index_word[1], t3.document_count)
p = pad_sequences(seqs)
print(dtype_of(p), shape_of(p), tolist(p))
p = pad_sequences(seqs, maxlen=5, padding="post", truncating="post")
print(tolist(p))
p = pad_sequences(seqs, maxlen=3, value=-1)
print(tolist(p))
p = pad_sequences([[1.5, 2.5], [3.0]], dtype="float32", padding="post")
print(dtype_of(p), tolist(p))
c = to_categorical([0, 2, 1, 2])
print(dtype_of(c), shape_of(c), tolist(c))
print(tolist(to_categorical([[1], [0]], num_classes=3)))
"#);
    assert_lines(
        &output,
        r#"
{'<OOV>': 1, 'my': 2, 'love': 3, 'dog': 4, 'i': 5, 'you': 6, 'cat': 7, 'do': 8, 'think': 9, 'is': 10, 'amazing': 11}
[[5, 1, 3, 2, 4], [2, 4, 1, 2, 1]]
{'i': 2, 'love': 3, 'my': 4, 'dog': 3, 'cat': 1, 'you': 2, 'do': 1, 'think': 1, 'is': 1, 'amazing': 1}
[[2, 1, 3], [2, 1], [2, 1, 3], [1, 3]]
[[1, 3, 2, 4], [1, 3, 2, 1], [1, 3, 2, 4], [1, 1, 1, 2, 4, 1, 1]]
['<OOV> love my dog', '<OOV> love my <OOV>', '<OOV> love my dog', '<OOV> <OOV> <OOV> my dog <OOV> <OOV>']
<OOV> 4
int32 (4, 7) [[0, 0, 0, 1, 3, 2, 4], [0, 0, 0, 1, 3, 2, 1], [0, 0, 0, 1, 3, 2, 4], [1, 1, 1, 2, 4, 1, 1]]
[[1, 3, 2, 4, 0], [1, 3, 2, 1, 0], [1, 3, 2, 4, 0], [1, 1, 1, 2, 4]]
[[3, 2, 4], [3, 2, 1], [3, 2, 4], [4, 1, 1]]
float32 [[1.5, 2.5], [3.0, 0.0]]
float64 (4, 3) [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
[[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
"#,
    );
}

/*
import tensorflow as tf, numpy as np  (+ the helpers above)
(the program below; TF writes `x % 3 == 0` and `x * 2` where Dojo's test uses item(x),
and `w[:-1], w[-1]` for split_last(w))
*/
#[test]
fn dataset_windows_batches_and_transformations_match_tensorflow() {
    let output = run(r#"
import tensorflow as tf
series = tf.cast(tf.constant(list(range(10))), tf.float32)
ds = tf.data.Dataset.from_tensor_slices(series)
ds = ds.window(4 + 1, shift=1, drop_remainder=True)
ds = ds.flat_map(lambda w: w.batch(4 + 1))
ds = ds.map(lambda w: split_last(w))
ds = ds.batch(4).prefetch(1)
for x, y in ds:
    print(dtype_of(x), shape_of(x), tolist(x), tolist(y))
ds = tf.data.Dataset.range(7).window(3, shift=2)
print(len(ds))
print([[tolist(v) for v in w.as_numpy_iterator()] for w in ds])
ds = tf.data.Dataset.range(7).window(3, shift=2).flat_map(lambda w: w.batch(3)).padded_batch(2)
print([(shape_of(b), tolist(b)) for b in ds])
ds = tf.data.Dataset.range(10).batch(3)
print(len(ds), [shape_of(b) for b in ds], dtype_of(next(iter(ds))))
print(len(tf.data.Dataset.range(10).batch(3, drop_remainder=True)))
ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3], [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
print([(tolist(a), tolist(b)) for a, b in ds.take(2)])
print([tolist(x) for x in tf.data.Dataset.range(5).skip(2).repeat(2)])
print([tolist(x) for x in tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(7, 9))])
print([tolist(x) for x in tf.data.Dataset.range(10).filter(lambda x: item(x) % 3 == 0)])
print([tolist(x) for x in tf.data.Dataset.range(6).batch(4).unbatch()])
print([(tolist(a), tolist(b)) for a, b in tf.data.Dataset.zip((tf.data.Dataset.range(3), tf.data.Dataset.range(5, 10)))])
print([tolist(x) for x in tf.data.Dataset.range(3).repeat().take(7)])
print([tolist(x) for x in tf.data.Dataset.range(4).map(lambda x: item(x) * 2)])
print(len(tf.data.Dataset.range(3).repeat(3)))
"#);
    assert_lines(
        &output,
        r#"
float32 (4, 4) [[0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 4.0, 5.0], [3.0, 4.0, 5.0, 6.0]] [4.0, 5.0, 6.0, 7.0]
float32 (2, 4) [[4.0, 5.0, 6.0, 7.0], [5.0, 6.0, 7.0, 8.0]] [8.0, 9.0]
4
[[0, 1, 2], [2, 3, 4], [4, 5, 6], [6]]
[((2, 3), [[0, 1, 2], [2, 3, 4]]), ((2, 3), [[4, 5, 6], [6, 0, 0]])]
4 [(3,), (3,), (3,), (1,)] int64
3
[(1, [1.0, 2.0]), (2, [3.0, 4.0])]
[2, 3, 4, 2, 3, 4]
[0, 1, 2, 7, 8]
[0, 3, 6, 9]
[0, 1, 2, 3, 4, 5]
[(0, 5), (1, 6), (2, 7)]
[0, 1, 2, 0, 1, 2, 0]
[0, 2, 4, 6]
9
"#,
    );
}

/*
import tensorflow as tf, numpy as np
def item(x): return np.asarray(x).item()
(the program below) — TensorFlow prints five lines of True (its orders differ from Dojo's).
*/
#[test]
fn shuffle_is_a_seeded_buffer_shuffle() {
    let output = run(r#"
import tensorflow as tf
ds = tf.data.Dataset.range(20)
a = [item(x) for x in ds.shuffle(5, seed=7)]
b = [item(x) for x in ds.shuffle(5, seed=7)]
print(a == b, sorted(a) == list(range(20)), a != list(range(20)))
print(all(v < 5 + k for k, v in enumerate(a)))
s = ds.shuffle(5, seed=7)
e1 = [item(x) for x in s]
e2 = [item(x) for x in s]
print(e1 == a, e1 != e2, sorted(e2) == list(range(20)))
s = ds.shuffle(5, seed=3, reshuffle_each_iteration=False)
print([item(x) for x in s] == [item(x) for x in s])
print([item(x) for x in ds.shuffle(1)] == list(range(20)))
"#);
    assert_lines(
        &output,
        "True True True\nTrue\nTrue True True\nTrue\nTrue\n",
    );
}

/*
import tensorflow as tf, numpy as np
d = "/tmp/ref/data/horses_or_humans/train"
ds = tf.keras.utils.image_dataset_from_directory(d, image_size=(150, 150), batch_size=32, shuffle=False)
print(ds.class_names, len(ds))
x, y = next(iter(ds))
print(x.dtype.name, tuple(x.shape), y.dtype.name, tuple(y.shape))
print(round(float(tf.reduce_mean(x[0])), 3), round(float(tf.reduce_min(x)), 3), round(float(tf.reduce_max(x)), 3))
print(np.asarray(x[0, 75, 75]).tolist())
labels = np.concatenate([yb.numpy() for _, yb in ds])
print(np.bincount(labels).tolist())
tr = tf.keras.utils.image_dataset_from_directory(d, image_size=(64, 64), validation_split=0.2, subset="training", seed=123, label_mode="binary")
va = tf.keras.utils.image_dataset_from_directory(d, image_size=(64, 64), validation_split=0.2, subset="validation", seed=123, label_mode="binary")
print(len(tr), len(va))
ltr = np.concatenate([yb.numpy() for _, yb in tr]).ravel().astype(int)
lva = np.concatenate([yb.numpy() for _, yb in va]).ravel().astype(int)
print(np.bincount(ltr).tolist(), np.bincount(lva).tolist())
xb, yb = next(iter(va))
print(tuple(xb.shape), tuple(yb.shape), yb.dtype.name)
# Output:
# Found 1027 files belonging to 2 classes.
# ['horses', 'humans'] 33
# float32 (32, 150, 150, 3) int32 (32,)
# 182.929 0.023 255.0
# [183.6494598388672, 168.99462890625, 172.86387634277344]
# [500, 527]
# Found 1027 files belonging to 2 classes.
# Using 822 files for training.
# Found 1027 files belonging to 2 classes.
# Using 205 files for validation.
# 26 7
# [388, 434] [112, 93]
# (32, 64, 64, 3) (32, 1) float32
*/
#[test]
fn image_dataset_from_directory_matches_keras() {
    let (output, interpreter) = run_with(
        r#"
import tensorflow as tf
d = "/data/horses_or_humans/train"
ds = tf.keras.utils.image_dataset_from_directory(d, image_size=(150, 150), batch_size=32, shuffle=False)
print(ds.class_names, len(ds))
batches = list(ds)
x, y = batches[0]
print(dtype_of(x), shape_of(x), dtype_of(y), shape_of(y))
first = x
counts = [0, 0]
for _, yb in batches:
    for label in tolist(yb):
        counts[label] += 1
print(counts)
tr = tf.keras.utils.image_dataset_from_directory(d, image_size=(64, 64), validation_split=0.2, subset="training", seed=123, label_mode="binary")
va = tf.keras.utils.image_dataset_from_directory(d, image_size=(64, 64), validation_split=0.2, subset="validation", seed=123, label_mode="binary")
print(len(tr), len(va))
def count(dataset):
    c = [0, 0]
    for _, yb in dataset:
        for row in tolist(yb):
            c[int(row[0])] += 1
    return c
print(count(tr), count(va))
xb, yb = next(iter(va))
print(shape_of(xb), shape_of(yb), dtype_of(yb))
"#,
        horses_vfs(),
    );
    assert_lines(
        &output,
        r#"
Found 1027 files belonging to 2 classes.
['horses', 'humans'] 33
float32 (32, 150, 150, 3) int32 (32,)
[500, 527]
Found 1027 files belonging to 2 classes.
Using 822 files for training.
Found 1027 files belonging to 2 classes.
Using 205 files for validation.
26 7
[388, 434] [112, 93]
(32, 64, 64, 3) (32, 1) float32
"#,
    );
    let pixels = float_global(&interpreter, "first");
    let image = &pixels[..150 * 150 * 3];
    let mean = image.iter().sum::<f64>() / image.len() as f64;
    // TensorFlow decodes JPEG with libjpeg's fast integer IDCT by default
    // (mean 182.929); Dojo's decoder is accurate, like
    // tf.io.decode_jpeg(bytes, channels=3, dct_method="INTEGER_ACCURATE") then
    // tf.image.resize(img, (150, 150)), whose mean is 183.73209.
    assert!((mean - 183.732).abs() < 0.05, "mean {mean}");
    let min = pixels.iter().copied().fold(f64::INFINITY, f64::min);
    let max = pixels.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert!(
        (0.0..1.0).contains(&min) && (max - 255.0).abs() < 1e-3,
        "{min} {max}"
    );
    let centre = &image[(75 * 150 + 75) * 3..(75 * 150 + 75) * 3 + 3];
    for (got, want) in centre
        .iter()
        .zip([183.649_459_8, 168.994_628_9, 172.863_876_3])
    {
        assert!((got - want).abs() < 3.0, "{centre:?}");
    }
}

/*
from tensorflow.keras.preprocessing.image import ImageDataGenerator
g = ImageDataGenerator(rescale=1/255).flow_from_directory(d, target_size=(150, 150), class_mode="binary", batch_size=20)
print(len(g), g.class_indices, g.samples)
xb, yb = next(g)
print(xb.dtype, xb.shape, yb.dtype, yb.shape, float(xb.min()) >= 0, float(xb.max()) <= 1)
g = ImageDataGenerator(rescale=1/255).flow_from_directory(d, target_size=(150, 150), class_mode="binary", batch_size=20, shuffle=False)
xb, yb = next(g)
print(round(float(xb[0].mean()), 4), np.asarray(xb[0, 75, 75]).round(4).tolist(), yb[:3].tolist())
# Output:
# Found 1027 images belonging to 2 classes.
# 52 {'horses': 0, 'humans': 1} 1027
# float32 (20, 150, 150, 3) float32 (20,) True True
# Found 1027 images belonging to 2 classes.
# 0.7208 [0.7254999876022339, 0.666700005531311, 0.6862999796867371] [0.0, 0.0, 0.0]
# With the augmenting generator below, Keras needs scipy; its shapes follow from
# the split: int(0.2 * 500) + int(0.2 * 527) = 205 images, 13 batches of 16.
*/
#[test]
fn image_data_generator_flows_from_directory() {
    let (output, interpreter) = run_with(
        r#"
from tensorflow.keras.preprocessing.image import ImageDataGenerator
d = "/data/horses_or_humans/train"
g = ImageDataGenerator(rescale=1/255).flow_from_directory(d, target_size=(150, 150), class_mode="binary", batch_size=20)
print(len(g), g.class_indices, g.samples)
for xb, yb in g:
    break
print(dtype_of(xb), shape_of(xb), dtype_of(yb), shape_of(yb), min(tolist(yb)) >= 0.0)
g = ImageDataGenerator(rescale=1/255).flow_from_directory(d, target_size=(150, 150), class_mode="binary", batch_size=20, shuffle=False)
first, labels = list(g)[0]
print(tolist(labels)[:3])
aug = ImageDataGenerator(rescale=1/255, rotation_range=40, width_shift_range=0.2, height_shift_range=0.2, shear_range=0.2, zoom_range=0.2, horizontal_flip=True, fill_mode="nearest", validation_split=0.2)
g = aug.flow_from_directory(d, target_size=(100, 100), class_mode="categorical", batch_size=16, subset="validation", seed=1)
batches = list(g)
print(len(g), len(batches), shape_of(batches[0][0]), shape_of(batches[0][1]), dtype_of(batches[0][1]), shape_of(batches[-1][0]))
augmented = batches[0][0]
"#,
        horses_vfs(),
    );
    assert_lines(
        &output,
        r#"
Found 1027 images belonging to 2 classes.
52 {'horses': 0, 'humans': 1} 1027
float32 (20, 150, 150, 3) float32 (20,) True
Found 1027 images belonging to 2 classes.
[0.0, 0.0, 0.0]
Found 205 images belonging to 2 classes.
13 13 (16, 100, 100, 3) (16, 2) float32 (13, 100, 100, 3)
"#,
    );
    let pixels = float_global(&interpreter, "first");
    let image = &pixels[..150 * 150 * 3];
    let mean = image.iter().sum::<f64>() / image.len() as f64;
    assert!((mean - 0.7208).abs() < 0.003, "mean {mean}");
    let centre = &image[(75 * 150 + 75) * 3..(75 * 150 + 75) * 3 + 3];
    for (got, want) in centre.iter().zip([0.7255, 0.6667, 0.6863]) {
        assert!((got - want).abs() < 0.015, "{centre:?}");
    }
    let augmented = float_global(&interpreter, "augmented");
    assert!(augmented.iter().all(|&x| (0.0..=1.0 + 1e-6).contains(&x)));
}

/*
import tensorflow as tf
(xt, yt), (xs, ys) = tf.keras.datasets.fashion_mnist.load_data()
print(xt.shape, xt.dtype, yt.shape, xs.shape, ys.shape, yt[:10].tolist(), ys[:5].tolist(), int(xt[0].sum()))
# (60000, 28, 28) uint8 (60000,) (10000, 28, 28) (10000,) [9, 0, 0, 3, 0, 2, 7, 2, 5, 5] [9, 2, 1, 1, 6] 76247
*/
#[test]
fn fashion_mnist_loads_the_bundled_files() {
    let vfs = VirtualFs::new();
    for name in [
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ] {
        vfs.add_read_only(
            &format!("/data/fashion_mnist/{name}"),
            std::fs::read(format!("{ASSETS}/fashion_mnist/{name}")).unwrap(),
        );
    }
    let (output, _) = run_with(
        r#"
import tensorflow as tf
(xt, yt), (xs, ys) = tf.keras.datasets.fashion_mnist.load_data()
print(shape_of(xt), dtype_of(xt), shape_of(yt), shape_of(xs), shape_of(ys), tolist(yt)[:10], tolist(ys)[:5], sum(tolist(tf.reshape(xt, (60000 * 784,)))[:784]))
"#,
        vfs,
    );
    assert_lines(
        &output,
        "(60000, 28, 28) uint8 (60000,) (10000, 28, 28) (10000,) [9, 0, 0, 3, 0, 2, 7, 2, 5, 5] [9, 2, 1, 1, 6] 76247\n",
    );
}

#[test]
fn wrong_arguments_and_missing_data_give_clear_errors() {
    let output = run(r#"
from tensorflow.keras.preprocessing.text import Tokenizer
try:
    Tokenizer(num_word=100)
except TypeError as e:
    print(e)
"#);
    assert_lines(
        &output,
        "Tokenizer() got an unexpected keyword argument 'num_word'\n",
    );
    let output =
        run("import tensorflow as tf\ntf.data.Dataset.range(5).batch(2, drop_reminder=True)\n");
    assert!(
        output.contains("unexpected keyword argument 'drop_reminder'"),
        "{output}"
    );
    assert!(
        output.contains("did you mean 'drop_remainder'?"),
        "{output}"
    );
    let output = run(
        "import tensorflow as tf\ntf.keras.utils.image_dataset_from_directory('/data/missing', image_size=(64, 64))\n",
    );
    assert!(output.contains("FileNotFoundError"), "{output}");
    assert!(
        output.contains("'/data/missing' does not exist"),
        "{output}"
    );
    let output =
        run("import tensorflow as tf\n(x, y), _ = tf.keras.datasets.fashion_mnist.load_data()\n");
    assert!(output.contains("FileNotFoundError"), "{output}");
    assert!(output.contains("Dojo bundles Fashion-MNIST"), "{output}");
    let output =
        run("import tensorflow as tf\nfor x in tf.data.Dataset.range(3).repeat():\n    pass\n");
    assert!(output.contains("repeats forever"), "{output}");
}
