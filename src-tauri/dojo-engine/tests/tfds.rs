//! `tensorflow_datasets.load` over the bundled datasets, as exam files call
//! it. The element structure (`{'image': uint8 (28, 28, 1), 'label':
//! int64}`, `as_supervised` tuples, `with_info`, `batch_size=-1`) and the
//! split syntax are tfds 4.x's (catalog pages of `fashion_mnist` and
//! `horses_or_humans`; "Splits and slicing" guide: percent boundaries are
//! rounded to the closest example).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::rc::Rc;

use dojo_engine::program::{self, Outcome, RunOptions};
use dojo_engine::taskdata::task_data;
use dojo_engine::tasks::task;

fn run(task_id: &str, source: &str) -> (Outcome, String) {
    let (data, _) = task_data(task(task_id).unwrap()).unwrap();
    let printed = Rc::new(RefCell::new(String::new()));
    let sink = Rc::clone(&printed);
    let mut interpreter = program::interpreter(Some(&data), &RunOptions::default(), move |text| {
        sink.borrow_mut().push_str(text)
    });
    let report = program::run(&mut interpreter, "tfds.py", source, None);
    let text = printed.borrow().clone();
    (report.outcome, text)
}

fn printed(task_id: &str, source: &str) -> String {
    let (outcome, text) = run(task_id, source);
    if let Outcome::Failed(error) = outcome {
        panic!("{}\n{text}", error.report);
    }
    text
}

#[test]
fn fashion_mnist_splits_slices_and_info() {
    let out = printed(
        "fashion_mnist",
        "import tensorflow as tf
import tensorflow_datasets as tfds
(train, valid), info = tfds.load('fashion_mnist', split=['train[:80%]', 'train[80%:]'], as_supervised=True, with_info=True)
print(len(train), len(valid), info.features['label'].num_classes, info.features['label'].names[9])
print(info.splits['train'].num_examples, info.splits['test'].num_examples)
image, label = next(iter(train))
print(image.shape, image.dtype, label.dtype)
both = tfds.load('fashion_mnist', split='train[:10]+test[-5:]')
print(len(both), sorted(next(iter(both)).keys()))
whole = tfds.load('fashion_mnist', split='test', batch_size=-1)
print(whole['image'].shape, whole['label'].shape)
batches = tfds.load('fashion_mnist:3.0.1', split=tfds.Split.TRAIN, batch_size=1000)
print(len(batches), next(iter(batches))['image'].shape)
",
    );
    assert_eq!(
        out,
        "48000 12000 10 Ankle boot\n60000 5000\n(28, 28, 1) uint8 int64\n15 ['image', 'label']\n(5000, 28, 28, 1) (5000,)\n60 (1000, 28, 28, 1)\n",
    );
}

#[test]
fn a_model_trains_on_a_tfds_pipeline() {
    let out = printed(
        "fashion_mnist",
        "import tensorflow as tf
import tensorflow_datasets as tfds
train = tfds.load('fashion_mnist', split='train[:256]', as_supervised=True)
train = train.map(lambda x, y: (tf.cast(x, tf.float32) / 255.0, y)).batch(64)
model = tf.keras.Sequential([tf.keras.Input(shape=(28, 28, 1)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(10, activation='softmax')])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
history = model.fit(train, epochs=2, verbose=0)
print(len(history.history['loss']), history.history['loss'][1] < history.history['loss'][0])
",
    );
    assert_eq!(out, "2 True\n");
}

#[test]
fn horses_or_humans_serves_the_two_visible_folders() {
    let out = printed(
        "horses_or_humans",
        "import os
import tensorflow_datasets as tfds
ds, info = tfds.load('horses_or_humans', split='train', with_info=True, as_supervised=True)
folders = {f: sum(len(os.listdir(f'/data/horses_or_humans/{f}/{c}')) for c in ['horses', 'humans']) for f in ['train', 'validation']}
print(len(ds) == folders['train'], info.splits['test'].num_examples == folders['validation'])
image, label = next(iter(ds))
print(image.shape, image.dtype, int(label), info.features['label'].names)
",
    );
    assert_eq!(
        out,
        "True True\n(300, 300, 3) uint8 0 ['horses', 'humans']\n"
    );
}

#[test]
fn what_is_not_bundled_is_named() {
    for (source, expected) in [
        ("tfds.load('mnist')", "'mnist' is not bundled with Dojo"),
        (
            "tfds.load('fashion_mnist', split='validation')",
            "Unknown split 'validation'",
        ),
        (
            "tfds.load('fashion_mnist', split='train[:80')",
            "Unrecognized split format",
        ),
        (
            "tfds.builder('imdb_reviews')",
            "tensorflow_datasets.builder() is not in Dojo",
        ),
    ] {
        let (outcome, _) = run(
            "fashion_mnist",
            &format!("import tensorflow_datasets as tfds\n{source}\n"),
        );
        let Outcome::Failed(error) = outcome else {
            panic!("{source} ran")
        };
        assert!(
            error.message.contains(expected),
            "{source}: {}",
            error.message
        );
        assert_eq!(error.line, Some(2), "{source}");
    }
}
