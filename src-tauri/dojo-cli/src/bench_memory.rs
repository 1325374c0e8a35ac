//! `dojo bench memory`: how close a run that allocates until refused
//! stays to its memory budget (issue 18). Each greedy program runs in this
//! process, which counts its allocations as the app does; the figures are
//! the budget, what the run held at its peak by that count, and the
//! process's peak resident set (`VmHWM`) against what it was before.

use std::time::Instant;

use dojo_engine::program::{self, Outcome, RunOptions};
use dojo_lang::Limits;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct MemoryCase {
    pub name: &'static str,
    /// `MemoryError`, or what the program ended with instead.
    pub outcome: String,
    pub budget_mib: f64,
    /// The count's peak above the run's baseline.
    pub peak_held_mib: f64,
    /// Peak resident set growth of the process during the case.
    pub peak_rss_growth_mib: f64,
    pub seconds: f64,
}

const PROGRAMS: &[(&str, &str)] = &[
    (
        "arrays",
        "import numpy as np\nxs = []\nwhile True:\n    xs.append(np.ones((1024, 1024)))\n",
    ),
    ("list doubling", "l = [0]\nwhile True:\n    l.extend(l)\n"),
    ("string doubling", "s = 'x'\nwhile True:\n    s = s + s\n"),
    (
        "models",
        "import tensorflow as tf\nmodels = []\nwhile True:\n    models.append(tf.keras.Sequential([tf.keras.Input(shape=(4000,)), tf.keras.layers.Dense(4000)]))\n",
    ),
];

/// `VmHWM` (peak resident set) of this process, in bytes; 0 off Linux.
fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kilobytes| kilobytes * 1024)
}

/// Resets `VmHWM` to the current resident set (Linux: `clear_refs` 5).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / f64::from(1 << 20)
}

/// Runs each greedy program with a budget of `budget_mib`.
pub fn run(budget_mib: u64) -> anyhow::Result<Vec<MemoryCase>> {
    anyhow::ensure!(
        dojo_lang::memory::is_counting(),
        "this binary does not count its allocations"
    );
    let mut cases = Vec::new();
    for (name, source) in PROGRAMS {
        reset_peak_rss();
        let rss_before = peak_rss();
        let options = RunOptions {
            limits: Limits {
                max_run_bytes: budget_mib << 20,
                max_collection_items: usize::MAX,
                max_array_bytes: u64::MAX,
                max_model_params: u64::MAX,
                ..Limits::default()
            },
            ..RunOptions::default()
        };
        let started = Instant::now();
        let mut interpreter = program::interpreter(None, &options, |_| {});
        let report = program::run(&mut interpreter, "greedy.py", source, None);
        let (held, peak) = dojo_lang::memory::held();
        let (used, _) = dojo_lang::memory::run_usage();
        let baseline = held.saturating_sub(used);
        let outcome = match report.outcome {
            Outcome::Failed(error) => error.kind,
            other => format!("{other:?}"),
        };
        drop(interpreter);
        cases.push(MemoryCase {
            name,
            outcome,
            budget_mib: budget_mib as f64,
            peak_held_mib: mib(peak.saturating_sub(baseline) as u64),
            peak_rss_growth_mib: mib(peak_rss().saturating_sub(rss_before)),
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    Ok(cases)
}
