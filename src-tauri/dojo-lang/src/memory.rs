//! One memory budget per run.
//!
//! Every per-object limit can be met by many objects just under it, so the
//! run as a whole has a budget too: the bytes the process holds beyond
//! what it held when the run began. The binaries (the app, the CLI, the
//! test harnesses that check it) install a counting allocator as their
//! global allocator, which keeps the count; code that is about to allocate
//! a size the program chose (an array, a repeated list or string, a padded
//! format, an image, a model's weights or a batch's activations) asks
//! [`ensure_room`] first, and going over is a `MemoryError` that names what
//! asked, the size, and what the run already holds. Allocations no one
//! asked about still count, so the next request sees them.
//!
//! Without the counting allocator (a library user's binary, most test
//! binaries) nothing is counted and the budget bounds each request alone.
//!
//! The budget is process-wide state: the app and the CLI run one program
//! at a time, and [`begin_run`] starts each run's count from what the
//! process holds then. The allocator itself (unsafe code, which this crate
//! has none of) is `dojo_engine::memory::Counting`; it reports
//! here through [`grew`] and [`shrank`].

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Exception, Result};

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Bytes held when the current run began.
static BASELINE: AtomicUsize = AtomicUsize::new(0);
/// The current run's budget in bytes; `usize::MAX` until a run sets one.
static BUDGET: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Counts `bytes` more held by the process. Called by the binaries'
/// counting allocator (`dojo_engine::memory::Counting`) on every
/// allocation; it never allocates.
pub fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

/// Counts `bytes` fewer held by the process (a deallocation).
pub fn shrank(bytes: usize) {
    LIVE.fetch_sub(bytes, Ordering::Relaxed);
}

/// Whether this process counts its allocations (it installed the
/// counting allocator).
pub fn is_counting() -> bool {
    LIVE.load(Ordering::Relaxed) > 0
}

/// Bytes the process holds now, and the most it held.
pub fn held() -> (usize, usize) {
    (LIVE.load(Ordering::Relaxed), PEAK.load(Ordering::Relaxed))
}

/// The budget a run gets unless told otherwise: `DOJO_MEMORY_BUDGET_MB`
/// if set, else 60 % of the machine's memory (8 GiB where it cannot be read).
pub fn default_budget() -> usize {
    if let Some(megabytes) = std::env::var("DOJO_MEMORY_BUDGET_MB")
        .ok()
        .and_then(|value| value.trim().parse::<usize>().ok())
    {
        return megabytes.saturating_mul(1 << 20);
    }
    machine_memory().map_or(8 << 30, |total| total / 10 * 6)
}

/// `MemTotal` of `/proc/meminfo`, in bytes.
fn machine_memory() -> Option<usize> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|line| line.starts_with("MemTotal:"))?;
    let kilobytes: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    kilobytes.checked_mul(1024)
}

/// Starts a run's count: from now on the run may hold `budget` bytes more
/// than the process holds now. Returns the budget.
pub fn begin_run(budget: usize) -> usize {
    BASELINE.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
    BUDGET.store(budget, Ordering::Relaxed);
    budget
}

/// What the current run holds beyond its baseline, and its budget.
pub fn run_usage() -> (usize, usize) {
    let live = LIVE.load(Ordering::Relaxed);
    (
        live.saturating_sub(BASELINE.load(Ordering::Relaxed)),
        BUDGET.load(Ordering::Relaxed),
    )
}

/// The size in words: `1.5 GiB`, `12.0 MiB`, `512 bytes`.
pub fn size_text(bytes: u128) -> String {
    let units = [
        (1u128 << 40, "TiB"),
        (1 << 30, "GiB"),
        (1 << 20, "MiB"),
        (1 << 10, "KiB"),
    ];
    for (unit, name) in units {
        if bytes >= unit {
            return format!("{:.1} {name}", bytes as f64 / unit as f64);
        }
    }
    format!("{bytes} bytes")
}

/// Asks for `bytes` more for `what` (e.g. "an array of shape (10, 10)"):
/// a `MemoryError` if the run would go over its budget.
pub fn ensure_room(bytes: u128, what: impl FnOnce() -> String) -> Result<()> {
    // Without the count, the budget still bounds any one request.
    let (used, budget) = if is_counting() {
        run_usage()
    } else {
        (0, BUDGET.load(Ordering::Relaxed))
    };
    if (used as u128).saturating_add(bytes) <= budget as u128 {
        return Ok(());
    }
    Err(Exception::new(
        "MemoryError",
        format!(
            "{} needs {}, but this run already holds {} of its {} memory budget",
            what(),
            size_text(bytes),
            size_text(used as u128),
            size_text(budget as u128),
        ),
    )
    .with_help(
        "free what you no longer need (`del` big arrays and models, `tf.keras.backend.clear_session()`), use smaller batches or images, or raise the budget with DOJO_MEMORY_BUDGET_MB",
    ))
}
