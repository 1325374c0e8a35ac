//! TensorFlow for user programs: the whole `tensorflow` / `keras` module
//! tree that exam code imports, on Dojo's interpreter ([`dojo_lang`]) and
//! Keras on candle ([`dojo_keras`]).
//!
//! - The data side: `tf.data` ([`dataset`]), the preprocessing modules
//!   ([`text`], [`image`], `sequence`), `keras.datasets` ([`datasets`]), a
//!   few tensor functions and the dtypes ([`tensorflow`]), and the
//!   conversions from Python values to arrays they share ([`arrays`]).
//! - The models: layers, models, optimizers, losses, metrics, callbacks and
//!   `fit`, bound to the interpreter ([`keras`]).
//!
//! Invariants:
//! - A run's session (seed, device, parameter limit) is applied in one
//!   place, [`interpreter`], from the run's [`RunOptions`]; user code can
//!   reset it (`clear_session`, `tf.random.set_seed`) but never change the
//!   host's device or limits.
//! - Each module name is registered once: every spelling of a function
//!   (`tf.keras.backend.clear_session`, `from tensorflow.keras.backend import
//!   clear_session`) reaches the same code.

pub(crate) mod arrays;
pub mod dataset;
pub mod datasets;
pub mod image;
pub mod keras;
pub mod tensorflow;
pub mod text;
mod tfds;

use std::rc::Rc;

use dojo_lang::{Interpreter, Limits};

pub use keras::{PyModel, TrainingContext, TrainingEvent, model_summary};

/// How a program is run: the session the host decides (seed, device), the
/// interpreter's limits and the caps on training.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub limits: Limits,
    /// Caps every `fit` to this many epochs (CI and quick checks).
    pub max_epochs: Option<u32>,
    /// Caps every epoch to this many batches (CI and quick checks).
    pub max_steps: Option<u32>,
    /// Skips training: `fit` returns at once and the model is summarised.
    pub dry_run: bool,
    /// Seeds Keras's initialisers, dropout and shuffles unless the program
    /// seeds them itself; `clear_session()` returns to it.
    pub seed: u64,
    /// Where new weights live and training runs.
    pub device: candle_core::Device,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            limits: Limits::default(),
            max_epochs: None,
            max_steps: None,
            dry_run: false,
            seed: dojo_keras::session::DEFAULT_SEED,
            device: candle_core::Device::Cpu,
        }
    }
}

/// A fresh interpreter for one run: the standard modules, the whole
/// `tensorflow` / `keras` tree, and the Keras session begun with the run's
/// seed, device and parameter limit. Training reports to `context`.
pub fn interpreter(
    context: Rc<TrainingContext>,
    output: impl FnMut(&str) + 'static,
) -> Interpreter {
    let options = &context.options;
    let mut interpreter = Interpreter::new(options.limits, output);
    dojo_keras::session::begin(dojo_keras::session::SessionConfig {
        seed: options.seed,
        device: options.device.clone(),
        max_params: usize::try_from(options.limits.max_model_params).unwrap_or(usize::MAX),
        memory: Some(keras_room),
    });
    // The run's memory budget counts from what the process holds now.
    dojo_lang::memory::begin_run(
        usize::try_from(options.limits.max_run_bytes).unwrap_or(usize::MAX),
    );
    // Stop is honoured between any two steps of the program, not only in `fit`.
    let stop = Rc::clone(&context);
    interpreter.set_interrupt(move || stop.is_cancelled());
    // `Interpreter::new` installed the standard modules.
    keras::install(&mut interpreter, context);
    interpreter
}

/// An interpreter with the standard modules and the whole `tensorflow` /
/// `keras` tree, for looking names up (the editor's completions): it begins
/// no Keras session and no memory count, so it leaves a run on another
/// thread alone. Never run a program in it; use [`interpreter`].
pub fn module_tree() -> Interpreter {
    let options = RunOptions {
        dry_run: true,
        ..RunOptions::default()
    };
    let mut interpreter = Interpreter::new(options.limits, |_| {});
    keras::install(&mut interpreter, TrainingContext::quiet(options));
    interpreter
}

/// The Keras session's memory check: the run's budget.
fn keras_room(bytes: u128, what: &str) -> Result<(), String> {
    dojo_lang::memory::ensure_room(bytes, || what.to_owned()).map_err(|error| error.message)
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    /// What `source` prints, run in a run's interpreter with `options`.
    fn printed(source: &str, options: RunOptions) -> String {
        let out = Rc::new(RefCell::new(String::new()));
        let sink = Rc::clone(&out);
        let mut interpreter = interpreter(TrainingContext::quiet(options), move |text| {
            sink.borrow_mut().push_str(text)
        });
        let parsed = dojo_lang::parse(source);
        let ran = interpreter.run(&parsed.module);
        let file = dojo_lang::SourceFile::new("test.py", source);
        assert!(
            ran.is_ok(),
            "{}",
            ran.err().map(|e| e.render(&file)).unwrap_or_default()
        );
        out.take()
    }

    /// Everyday TensorFlow 2 spellings that public exam files use run as
    /// TensorFlow runs them. Expected lines are TF 2.21.0's output for the
    /// same statements (`/tmp/tfvenv/bin/python`, `pip install
    /// tensorflow-cpu`), printed through `.numpy()` where TF prints a tensor;
    /// one callback passed without a list is a list of one (Keras 3
    /// flattens `callbacks`); `tensorflow_datasets` imports, and `load` of a dataset Dojo does not
    /// bundle is refused (the bundled ones: `tests/tfds.rs` in dojo-engine).
    /// `keras.optimizers.schedules` as an optimizer's `learning_rate`. The
    /// expected lines are TF 2.21.0's output for the same program (run with
    /// `/root/tfvenv/bin/python`, `pip install tensorflow-cpu==2.21.*`),
    /// including the weight after four SGD steps on the exponential decay.
    #[test]
    fn learning_rate_schedules_follow_the_step_count() {
        let source = "import numpy as np
import tensorflow as tf
S = tf.keras.optimizers.schedules
e = S.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
es = S.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
i = S.InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5)
p = S.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
c = S.CosineDecay(0.1, 100, alpha=0.1)
for s in [0, 5, 10, 25]:
    print(s, round(float(e(s)), 6), round(float(es(s)), 6), round(float(i(s)), 6))
print([round(float(p(s)), 6) for s in [0, 10, 11, 20, 21]])
print([round(float(c(s)), 6) for s in [0, 50, 100, 150]])
m = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1, kernel_initializer='zeros', bias_initializer='zeros')])
m.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=e), loss='mse')
m.fit(np.ones((4, 1)), np.ones((4,)), batch_size=1, epochs=1, verbose=0, shuffle=False)
print(round(float(m.get_weights()[0][0][0]), 6))
";
        let out = printed(source, RunOptions::default());
        assert_eq!(
            out,
            "0 0.1 0.1 0.1\n5 0.070711 0.1 0.08\n10 0.05 0.05 0.066667\n25 0.017678 0.025 0.044444\n[1.0, 1.0, 0.5, 0.5, 0.1]\n[0.1, 0.055, 0.01, 0.01]\n0.417261\n",
            "{out}"
        );
    }

    /// Spellings of older TF 2 files that TF 2.21 refuses (checked there:
    /// `SGD(lr=0.1)` raises "Argument(s) not recognized: {'lr': 0.1}", and
    /// `ModelCheckpoint('w.ckpt', save_weights_only=True)` raises "the
    /// filepath provided must end in `.weights.h5`"): Dojo runs them and
    /// says so once each, and says nothing for the current spellings.
    #[test]
    fn spellings_tf_2_21_refuses_run_with_a_note() {
        let out = printed(
            "import tensorflow as tf
opt = tf.keras.optimizers.SGD(lr=0.1)
print(opt.learning_rate)
tf.keras.callbacks.ModelCheckpoint('w.ckpt', save_weights_only=True)
tf.keras.optimizers.SGD(learning_rate=0.1)
tf.keras.callbacks.ModelCheckpoint('w.weights.h5', save_weights_only=True)
tf.keras.callbacks.ModelCheckpoint('best.keras', monitor='val_loss')
",
            RunOptions::default(),
        );
        assert_eq!(
            out,
            "[Dojo] SGD(lr=...) is the old TensorFlow 2 spelling: TensorFlow 2.21 refuses it (\"Argument(s) not recognized\"); write learning_rate=...\n0.1\n[Dojo] ModelCheckpoint('w.ckpt'): Dojo saves there, but TensorFlow 2.21 refuses this path (with save_weights_only=True, the filepath must end in `.weights.h5`)\n",
            "{out}"
        );
    }

    /// `tf.data.Dataset.batch(ds, 2)` is `ds.batch(2)`, as in TensorFlow
    /// (TF 2.21 prints `3` and raises a TypeError for the second call).
    #[test]
    fn dataset_methods_can_be_called_on_the_class() {
        let out = printed(
            "import tensorflow as tf
ds = tf.data.Dataset.range(5)
print(len(list(tf.data.Dataset.batch(ds, 2))))
try:
    tf.data.Dataset.batch(2)
except TypeError as error:
    print('TypeError')
",
            RunOptions::default(),
        );
        assert_eq!(out, "3\nTypeError\n", "{out}");
    }

    #[test]
    fn everyday_tensorflow_spellings_of_exam_files_run() {
        let source = "import os
os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'
import numpy as np
import tensorflow as tf
print(tf.one_hot([0, 2, 5], 3))
print(tf.one_hot(np.array([[1], [0]]), 2).shape)
tf.keras.backend.set_floatx('float32')
print(tf.keras.backend.floatx(), tf.optimizers.Adam(0.01).learning_rate)
with tf.device('/CPU:0'):
    m = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1)])
m.compile(loss='mse', optimizer='sgd')
m.save_weights('w.weights.h5')
w = m.get_weights()[0].copy()
m.fit(np.ones((8, 2)), np.full((8,), 3.0), epochs=3, verbose=0,
      callbacks=tf.keras.callbacks.EarlyStopping(monitor='loss', patience=5))
m.load_weights('w.weights.h5')
print(bool((m.get_weights()[0] == w).all()), os.environ['TF_CPP_MIN_LOG_LEVEL'])
import tensorflow_datasets as tfds
from keras_preprocessing.sequence import pad_sequences
from keras_preprocessing.image import ImageDataGenerator
print(pad_sequences([[1, 2]], maxlen=4))
try:
    tfds.load('mnist', split='train')
except Exception as error:
    print('tfds.load refused offline')
from keras.datasets import mnist, fashion_mnist
from keras.preprocessing.text import Tokenizer
from keras.utils import to_categorical
try:
    mnist.load_data()
except Exception as error:
    print('mnist refused offline')
";
        let out = printed(source, RunOptions::default());
        assert_eq!(
            out,
            "[[1. 0. 0.]\n [0. 0. 1.]\n [0. 0. 0.]]\n(2, 1, 2)\nfloat32 0.01\nTrue 3\n[[0 0 1 2]]\ntfds.load refused offline\nmnist refused offline\n",
            "{out}"
        );
    }

    /// Keras 2's `*_generator` methods, which Keras 3 removed (TF 2.21:
    /// "'Sequential' object has no attribute 'evaluate_generator'"), are the
    /// aliases TF 2.1–2.15 had: the same result as `fit`/`evaluate`/`predict`
    /// on the same data, with one line saying so.
    #[test]
    fn keras_2_generator_methods_are_their_tf_2_aliases() {
        let source = "import numpy as np
import tensorflow as tf
x = np.arange(16, dtype='float32').reshape(8, 2) / 10
y = x.sum(axis=1)
m = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1, kernel_initializer='ones')])
m.compile(loss='mse', optimizer='sgd')
h = m.fit_generator(tf.data.Dataset.from_tensor_slices((x, y)).batch(4), epochs=1, verbose=0)
print(len(h.history['loss']))
print(m.evaluate_generator(x, y, verbose=0) == m.evaluate(x, y, verbose=0))
print(bool((m.predict_generator(x, verbose=0) == m.predict(x, verbose=0)).all()))
";
        let out = printed(source, RunOptions::default());
        assert_eq!(
            out,
            "[Dojo] fit_generator() is fit() in TensorFlow 2: training with fit()\n1\n[Dojo] evaluate_generator() is evaluate() in TensorFlow 2: evaluating with evaluate()\nTrue\n[Dojo] predict_generator() is predict() in TensorFlow 2: predicting with predict()\nTrue\n",
            "{out}"
        );
    }

    /// Resizing an empty image, or to an empty size, is a ValueError (as
    /// TensorFlow's InvalidArgumentError), never a crash of the process.
    #[test]
    fn resizing_empty_images_is_an_error_not_a_crash() {
        let out = printed(
            "import numpy as np
import tensorflow as tf
for shape, size in [((0, 0, 3), (4, 4)), ((4, 4, 3), (0, 4)), ((2, 0, 5, 3), (2, 2))]:
    try:
        tf.image.resize(np.zeros(shape), size)
    except ValueError as error:
        print(str(error).split(':')[1].strip().split(' (')[0])
",
            RunOptions::default(),
        );
        assert_eq!(
            out, "the images are empty\n`size` must be positive\nthe images are empty\n",
            "{out}"
        );
    }

    #[test]
    fn every_spelling_of_clear_session_resets_keras() {
        let source = "import tensorflow as tf
import keras
from tensorflow.keras.backend import clear_session
from tensorflow.keras import backend
print(tf.keras.layers.Dense(1).name, tf.keras.layers.Dense(1).name)
clear_session()
print(tf.keras.layers.Dense(1).name)
tf.keras.layers.Dense(1)
tf.keras.backend.clear_session()
print(tf.keras.layers.Dense(1).name)
tf.keras.layers.Dense(1)
backend.clear_session()
print(tf.keras.layers.Dense(1).name)
tf.keras.layers.Dense(1)
keras.backend.clear_session()
print(tf.keras.layers.Dense(1).name)
";
        assert_eq!(
            printed(source, RunOptions::default()),
            "dense dense_1\ndense\ndense\ndense\ndense\n"
        );
    }

    #[test]
    fn clear_session_returns_to_the_runs_seed() {
        // The first kernel weight after `clear_session()`, under two run seeds.
        let source = "import tensorflow as tf
def first_weight():
    tf.keras.backend.clear_session()
    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
    return float(model.layers[0].get_weights()[0][0][0])
a = first_weight()
b = first_weight()
print(a == b)
print(a)
";
        let seeded = |seed| {
            printed(
                source,
                RunOptions {
                    seed,
                    ..RunOptions::default()
                },
            )
        };
        let (first, again, other) = (seeded(5), seeded(5), seeded(6));
        assert!(first.starts_with("True\n"), "{first}");
        assert_eq!(first, again);
        assert_ne!(first, other);
    }
}
