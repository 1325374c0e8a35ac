//! Programs written to crash or exhaust the process (issue 18's classes):
//! integers at the edge of 64 bits in every place a count or an index comes
//! from user code, cyclic and deeply nested values, and allocations far
//! past the machine's memory. Each must end in a Python exception (or run
//! to its end), never in a panic, an abort or an allocation failure.
//!
//! Tests build in the dev profile, where integer overflow panics: a
//! computation that wraps silently in release is caught here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use dojo_engine::program::{self, Outcome, RunOptions};
use dojo_engine::taskdata::task_data;
use dojo_engine::tasks::task;

/// Runs `source` as a script with the sunspots data; the outcome and what
/// it printed.
fn run(source: &str) -> (Outcome, String) {
    let task = task("sunspots").unwrap();
    let (data, _) = task_data(task).unwrap();
    let printed = Rc::new(RefCell::new(String::new()));
    let sink = Rc::clone(&printed);
    let mut interpreter = program::interpreter(Some(&data), &RunOptions::default(), move |text| {
        sink.borrow_mut().push_str(text)
    });
    let report = program::run(&mut interpreter, "attack.py", source, None);
    let text = printed.borrow().clone();
    (report.outcome, text)
}

/// Runs every snippet after `prelude`, each on its own interpreter, and
/// fails listing every snippet that panicked or ended in an exception
/// other than `allowed`.
fn each_raises(prelude: &str, snippets: &[&str], allowed: &[&str]) {
    let (outcome, printed) = run(&format!("{prelude}\nprint(BIG, MIN, HUGE)\n"));
    assert!(
        matches!(outcome, Outcome::Finished { .. })
            && printed == "9223372036854775807 -9223372036854775808 4611686018427387904\n",
        "the prelude must run: {outcome:?} {printed}"
    );
    let mut wrong = Vec::new();
    for snippet in snippets {
        let source = format!("{prelude}\n{snippet}\n");
        match catch_unwind(AssertUnwindSafe(|| run(&source))) {
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                wrong.push(format!("{snippet}: PANIC {message}"));
            }
            Ok((Outcome::Failed(error), _)) => {
                if !allowed.iter().any(|name| error.kind == *name) {
                    wrong.push(format!("{snippet}: {}: {}", error.kind, error.message));
                }
            }
            Ok((other, printed)) => wrong.push(format!(
                "{snippet}: expected an exception, got {other:?} {printed}"
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The prelude of every snippet; it must run cleanly (checked below).
const BIG: &str = "import numpy as np\nimport tensorflow as tf\nBIG = 2**62 - 1 + 2**62\nMIN = -BIG - 1\nHUGE = 2**62";

/// Counts, steps and sizes at the edge of 64 bits: CPython raises
/// `OverflowError`, `ValueError` or `MemoryError` for these (or computes
/// an exact answer Dojo's 64-bit integers cannot hold).
#[test]
fn extreme_integers_in_counts_and_indices_raise_python_exceptions() {
    each_raises(
        BIG,
        &[
            "MIN // -1",
            "MIN % -1 + (MIN // -1)",
            "divmod(MIN, -1)",
            "abs(MIN)",
            "-MIN",
            "MIN - 1",
            "BIG + 1",
            "1 << 64",
            "1 << -1",
            "BIG * BIG",
            "pow(2, 64)",
            "[1, 2, 3][::MIN][HUGE]",
            "[1, 2, 3][MIN:BIG:HUGE][5]",
            "'abc'[::MIN][9]",
            "(1, 2)[MIN::BIG][4]",
            "list(range(MIN, BIG))",
            "len(range(MIN, BIG))",
            "range(MIN, BIG, HUGE)[7]",
            "range(0, 10, BIG)[MIN]",
            "[1][BIG]",
            "[1][MIN]",
            // The reshape hint multiplies the trailing axes (fuzz finding).
            "np.zeros(6).reshape(3, BIG, BIG)",
            "'a'[MIN]",
            "[0] * HUGE",
            "(0,) * BIG",
            "'ab' * HUGE",
            "[1, 2][BIG:MIN:-1][3]",
            "np.arange(24).reshape(HUGE, 4)",
            "np.arange(24).reshape(-1, BIG)",
            "np.zeros((2**32, 2**32))",
            "np.zeros((2**32, 2**32, 0)).reshape(HUGE, HUGE)",
            "np.ones(HUGE)",
            "np.arange(MIN, BIG, 1)",
            "np.arange(0, 1, 1e-300)",
            "np.linspace(0, 1, HUGE)",
            "np.eye(2**32)",
            "np.random.rand(2**32, 2**32)",
            "np.tile(np.ones(2), HUGE)",
            "np.repeat(np.ones(2), HUGE)",
            "np.arange(5)[::MIN][9]",
            "np.arange(5)[MIN:BIG:HUGE][9]",
            "np.arange(5)[BIG]",
            "np.full((HUGE, HUGE), 1.0)",
            // Found by the `generated` fuzz target: an empty array whose
            // other axes' strides do not fit in 64 bits.
            "np.full((0, 2**40, 2**40), 1.0)",
            "np.zeros(0).reshape(0, 2**40, 2**40)",
            "tf.zeros([0, 2**40, 2**40])",
            "np.expand_dims(np.ones(3), BIG)",
            "np.ones((2, 3)).sum(axis=MIN)",
            "int(tf.data.Dataset.range(MIN, BIG).cardinality()) // 0",
            "list(tf.data.Dataset.range(0, 10, BIG).as_numpy_iterator())[5]",
            // Found by the `generated` fuzz target: the third item's offset,
            // 2 * 2**62, does not fit in 64 bits although the item does.
            "list(tf.data.Dataset.range(MIN, BIG, 2**62))[9]",
            "list(tf.data.Dataset.range(10).window(BIG, shift=BIG))[3]",
            "list(tf.data.Dataset.range(10).window(3, shift=1, stride=BIG).flat_map(lambda w: w.batch(3)))[10]",
            "list(tf.data.Dataset.range(10).window(HUGE, shift=1, stride=HUGE, drop_remainder=True))[0]",
            "list(tf.data.Dataset.range(10).batch(BIG))[1]",
            "list(tf.data.Dataset.range(10).take(MIN).skip(BIG))[0]",
            "list(tf.data.Dataset.range(10).shuffle(BIG).repeat(BIG).take(3))[4]",
            "tf.one_hot([1], HUGE)",
            "tf.zeros([2**32, 2**32])",
            "tf.reshape(tf.range(6), [HUGE, -1])",
            "tf.keras.preprocessing.sequence.pad_sequences([[1, 2]], maxlen=HUGE)",
            "tf.keras.preprocessing.sequence.pad_sequences([[1, 2]], maxlen=MIN)",
            "tf.image.resize(np.zeros((2, 2, 3)), [2**31, 2**31])",
            "tf.keras.layers.Dense(HUGE)(np.ones((1, 2)))",
            "tf.keras.layers.Embedding(HUGE, HUGE)(np.zeros((1, 2)))",
            "tf.keras.Sequential([tf.keras.Input(shape=(BIG,)), tf.keras.layers.Dense(1)])",
            "tf.keras.Sequential([tf.keras.Input(shape=(HUGE, HUGE)), tf.keras.layers.Flatten()])",
            "'x'.zfill(HUGE)",
            "'x'.center(HUGE)",
            "'x'.ljust(HUGE, '-')",
            "f'{1:{HUGE}}'",
            "'{:>{}}'.format(1, HUGE)",
            "'%*d' % (HUGE, 1)",
            "chr(BIG)",
            "int('9' * 40)",
            "int(1e300)",
            "int(float('inf'))",
            "round(1e300)",
            "hex(BIG + 1)",
            "sum([BIG, BIG])",
        ],
        &[
            "OverflowError",
            "ValueError",
            "MemoryError",
            "IndexError",
            "TypeError",
            "AxisError",
            "ZeroDivisionError",
            "InvalidArgumentError",
            "ResourceExhaustedError",
            // Dojo's own refusals: a host limit, or an API it does not have.
            "LimitExceeded",
            "NotSupportedInDojo",
            "AttributeError",
            "NameError",
        ],
    );
}

/// A model is checked against the parameter limit when it is built, not
/// only in `fit`: every weight under the limit, the sum over it.
#[test]
fn a_model_over_the_parameter_limit_is_refused_when_built() {
    let task = task("sunspots").unwrap();
    let (data, _) = task_data(task).unwrap();
    let options = RunOptions {
        limits: dojo_lang::Limits {
            max_model_params: 1000,
            ..dojo_lang::Limits::default()
        },
        ..RunOptions::default()
    };
    for build in [
        "m = tf.keras.Sequential([tf.keras.Input(shape=(10,)), tf.keras.layers.Dense(30), tf.keras.layers.Dense(30), tf.keras.layers.Dense(1)])",
        "m = tf.keras.Sequential()\nm.add(tf.keras.Input(shape=(10,)))\nm.add(tf.keras.layers.Dense(30))\nm.add(tf.keras.layers.Dense(30))",
        "i = tf.keras.Input(shape=(10,))\nm = tf.keras.Model(i, tf.keras.layers.Dense(30)(tf.keras.layers.Dense(30)(i)))",
    ] {
        let mut interpreter = program::interpreter(Some(&data), &options, |_| {});
        let source = format!("import tensorflow as tf\n{build}\nprint(m.count_params())\n");
        let report = program::run(&mut interpreter, "big.py", &source, None);
        match report.outcome {
            Outcome::Failed(error) => assert!(
                error.kind == "LimitExceeded" && error.message.contains("this model"),
                "{build}: {error:?}"
            ),
            other => panic!("{build}: built a model over the limit: {other:?}"),
        }
    }
}

/// `os.makedirs` of a path longer than `PATH_MAX` is refused at once (it
/// stored every prefix of the path: memory grew with the square of its depth).
#[test]
fn deep_paths_are_refused_like_the_os_does() {
    let (outcome, _) = run("import os\nos.makedirs('d/' * 200_000)\n");
    match outcome {
        Outcome::Failed(error) => {
            assert_eq!(error.kind, "OSError", "{error:?}");
            assert!(error.message.contains("File name too long"), "{error:?}");
        }
        other => panic!("{other:?}"),
    }
    let (outcome, printed) = run(
        "import os\nos.makedirs('d/' * 100, exist_ok=True)\nprint(os.path.isdir('d/' * 100))\n",
    );
    assert!(matches!(outcome, Outcome::Finished { .. }), "{outcome:?}");
    assert_eq!(printed, "True\n");
}
