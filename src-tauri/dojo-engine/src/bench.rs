//! Benchmarks (never tests): `dojo bench` runs them and prints medians.
//!
//! `interpreter`: the interpreter's own overhead on the exam's data code —
//! reading the sunspots CSV row by row into a list and an array, then
//! windowing it with `tf.data` (window, flat_map, map, shuffle, batch) and
//! iterating one epoch of batches. No training.
//!
//! [`models`]: training the fixed benchmark programs (`dojo bench models`).

pub mod models;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

use crate::program::{self, Outcome, RunOptions};
use crate::taskdata::task_data;
use crate::tasks::task;
use crate::{Error, Result};

/// Reads the CSV row by row, as exam code does.
pub const CSV_PROGRAM: &str = r#"
import csv
import numpy as np
sunspots = []
with open('/data/monthly_sunspots/Sunspots.csv') as csvfile:
    reader = csv.reader(csvfile, delimiter=',')
    next(reader)
    for row in reader:
        sunspots.append(float(row[2]))
series = np.array(sunspots)
"#;

/// The CSV program, then the certificate's windowing over the series and
/// one full pass over the batches.
pub const WINDOW_PROGRAM: &str = r#"
import tensorflow as tf
ds = tf.data.Dataset.from_tensor_slices(series)
ds = ds.window(31, shift=1, drop_remainder=True)
ds = ds.flat_map(lambda w: w.batch(31))
ds = ds.shuffle(1000).map(lambda w: (w[:-1], w[-1]))
ds = ds.batch(32).prefetch(1)
batches = 0
for x, y in ds:
    batches += 1
print(batches)
"#;

/// Medians (and all samples) in milliseconds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InterpreterBench {
    pub runs: usize,
    pub csv_rows: usize,
    pub batches: usize,
    pub csv_ms: Vec<f64>,
    pub csv_and_window_ms: Vec<f64>,
    pub csv_median_ms: f64,
    pub csv_and_window_median_ms: f64,
}

fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Runs `source` against the sunspots task's data; returns the elapsed
/// milliseconds (interpreter creation excluded) and what it printed.
fn time_program(source: &str) -> Result<(f64, String)> {
    let (data, _) = task_data(task("sunspots")?)?;
    let printed = Rc::new(RefCell::new(String::new()));
    let sink = Rc::clone(&printed);
    let mut interpreter = program::interpreter(Some(&data), &RunOptions::default(), move |text| {
        sink.borrow_mut().push_str(text)
    });
    let start = Instant::now();
    let report = program::run(&mut interpreter, "bench.py", source, None);
    let elapsed = start.elapsed().as_secs_f64() * 1000.0;
    match report.outcome {
        Outcome::Finished { .. } => Ok((elapsed, printed.borrow().clone())),
        Outcome::Failed(error) => Err(Error::Bench(error.report)),
        Outcome::Invalid(errors) => Err(Error::Bench(
            errors.into_iter().map(|error| error.report).collect(),
        )),
    }
}

/// The interpreter benchmark, `runs` times each.
pub fn interpreter(runs: usize) -> Result<InterpreterBench> {
    let runs = runs.max(1);
    let mut csv_ms = Vec::new();
    let mut both_ms = Vec::new();
    let mut batches = 0;
    let combined = format!("{CSV_PROGRAM}{WINDOW_PROGRAM}");
    for _ in 0..runs {
        csv_ms.push(time_program(CSV_PROGRAM)?.0);
        let (elapsed, printed) = time_program(&combined)?;
        both_ms.push(elapsed);
        batches = printed.trim().parse().unwrap_or(0);
    }
    let (data, _) = task_data(task("sunspots")?)?;
    let csv_rows = data
        .file("/data/monthly_sunspots/Sunspots.csv")
        .map_or(0, |file| {
            file.bytes.iter().filter(|&&b| b == b'\n').count() - 1
        });
    Ok(InterpreterBench {
        runs,
        csv_rows,
        batches,
        csv_median_ms: median(&csv_ms),
        csv_and_window_median_ms: median(&both_ms),
        csv_ms,
        csv_and_window_ms: both_ms,
    })
}
