//! One memory budget per run (issue 18): programs that allocate until
//! refused get `MemoryError`, naming what asked, never an allocation
//! failure that ends the process. This test binary counts its allocations
//! as the app and the CLI do; the budget is small so the test is quick.
//! How close the process's peak stays to the budget is measured by
//! `dojo bench memory`, not asserted here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::rc::Rc;

use dojo_engine::memory::Counting;
use dojo_engine::program::{self, Outcome, RunOptions};
use dojo_lang::Limits;

#[global_allocator]
static GLOBAL: Counting<std::alloc::System> = Counting(std::alloc::System);

/// The budget of these runs: far below this machine's memory.
const BUDGET: u64 = 256 << 20;

/// Runs `source` as a script with a 256 MiB budget; its outcome and output.
fn run(source: &str) -> (Outcome, String) {
    let printed = Rc::new(RefCell::new(String::new()));
    let sink = Rc::clone(&printed);
    let options = RunOptions {
        limits: Limits {
            max_run_bytes: BUDGET,
            max_collection_items: usize::MAX,
            max_array_bytes: u64::MAX,
            ..Limits::default()
        },
        max_epochs: Some(1),
        max_steps: Some(1),
        ..RunOptions::default()
    };
    let mut interpreter =
        program::interpreter(None, &options, move |text| sink.borrow_mut().push_str(text));
    let report = program::run(&mut interpreter, "greedy.py", source, None);
    let text = printed.borrow().clone();
    (report.outcome, text)
}

// The tests share the process-wide count: one at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn every_way_to_allocate_until_refused_ends_in_memory_error() {
    let _one = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // Each grows past 256 MiB in steps below every per-object limit.
    let programs = [
        (
            "arrays",
            "import numpy as np\nxs = []\nwhile True:\n    xs.append(np.ones((1024, 1024)))\n",
        ),
        ("list doubling", "l = [0]\nwhile True:\n    l.extend(l)\n"),
        (
            "list concatenation",
            "l = [0] * 1000\nwhile True:\n    l = l + l\n",
        ),
        ("string doubling", "s = 'x'\nwhile True:\n    s = s + s\n"),
        (
            "repeated strings",
            "kept = []\nwhile True:\n    kept.append('x' * 50_000_000)\n",
        ),
        (
            "joined strings",
            "parts = ['ab'] * 1000\nprint(len(('x' * 10_000_000).join(parts)))\n",
        ),
        (
            "replace",
            "s = 'ab' * 1000\nprint(len(s.replace('', 'y' * 1_000_000)))\n",
        ),
        ("zfill", "print(len('1'.zfill(2 ** 40)))\n"),
        ("format width", "print(len(f'{1:{2 ** 40}}'))\n"),
        (
            "twelve models",
            "import tensorflow as tf\nmodels = []\nfor i in range(12):\n    models.append(tf.keras.Sequential([tf.keras.Input(shape=(4000,)), tf.keras.layers.Dense(4000)]))\n",
        ),
        (
            "huge activations",
            "import numpy as np\nimport tensorflow as tf\nm = tf.keras.Sequential([tf.keras.Input(shape=(512, 512, 3)), tf.keras.layers.Conv2D(256, 3, padding='same'), tf.keras.layers.Flatten(), tf.keras.layers.Dense(1)])\n",
        ),
        (
            "activations at predict",
            "import numpy as np\nimport tensorflow as tf\nm = tf.keras.Sequential([tf.keras.Input(shape=(64, 64, 3)), tf.keras.layers.Conv2D(64, 3, padding='same'), tf.keras.layers.GlobalAveragePooling2D(), tf.keras.layers.Dense(1)])\nm.predict(np.zeros((256, 64, 64, 3), dtype='float32'), batch_size=256, verbose=0)\n",
        ),
        (
            "resized images",
            "import numpy as np\nimport tensorflow as tf\nprint(tf.image.resize(np.zeros((2, 2, 3)), [20000, 20000]).shape)\n",
        ),
        (
            "json indent",
            "import json\nprint(len(json.dumps([[[1]]], indent=2 ** 40)))\n",
        ),
    ];
    let mut wrong = Vec::new();
    for (name, source) in programs {
        match run(source) {
            (Outcome::Failed(error), _) if error.kind == "MemoryError" => {
                if !error.message.contains("budget") && !error.message.contains("exceed") {
                    wrong.push(format!("{name}: {}", error.message));
                }
            }
            (other, printed) => wrong.push(format!("{name}: {other:?} {printed}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// After a `MemoryError` the program goes on: what it frees is free again.
#[test]
fn a_refused_allocation_leaves_the_run_usable() {
    let _one = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let source = "import numpy as np\nxs = []\ntry:\n    while True:\n        xs.append(np.ones((1024, 1024)))\nexcept MemoryError as error:\n    print('refused after', len(xs), 'arrays:', 'budget' in str(error))\nxs = None\nys = [np.ones((1024, 1024)) for _ in range(10)]\nprint('then', len(ys))\n";
    let (outcome, printed) = run(source);
    assert!(
        matches!(outcome, Outcome::Finished { .. }),
        "{outcome:?}\n{printed}"
    );
    // 8 MiB arrays in a 256 MiB budget: about 30 before the refusal.
    let refused_after: usize = printed
        .split_whitespace()
        .nth(2)
        .and_then(|count| count.parse().ok())
        .unwrap();
    assert!((20..=32).contains(&refused_after), "{printed}");
    assert!(printed.contains("True\nthen 10"), "{printed}");
}
