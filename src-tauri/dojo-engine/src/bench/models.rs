//! The training benchmark: fixed Keras programs trained in Dojo.
//!
//! Each benchmark model is a Python program in `tests/bench/models/<name>.py`
//! (embedded here at compile time), so TensorFlow runs literally the same
//! code (`tests/bench/bench_tf.py`). A program builds seeded synthetic data,
//! compiles its model and calls `model.fit(...)` once. Its top-level lines
//! `SAMPLES = <n>`, `EPOCHS = <n>` and `BATCH_SIZE = <n>` are the settings:
//! the runners replace the first two to change the workload (Dojo's
//! interpreter has no `os.environ`).
//!
//! Invariants: every embedded program has exactly one line of each setting
//! (checked by a test); epoch times come from the training events, so
//! program start-up and data building are never timed.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

use crate::device::ComputeDevice;
use crate::program::{self, Outcome, RunOptions};
use crate::{Error, Result};
use dojo_tf::{TrainingContext, TrainingEvent};

/// One benchmark program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BenchModel {
    /// The file stem under `tests/bench/models/`.
    pub name: &'static str,
    /// The program's source, with its default settings.
    pub source: &'static str,
}

macro_rules! bench_model {
    ($name:literal) => {
        BenchModel {
            name: $name,
            source: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../tests/bench/models/",
                $name,
                ".py"
            )),
        }
    };
}

/// The five fixed models, then one per task (its reference model on
/// synthetic data of the task's input shape), in exam order; horses twice,
/// at the 128x128 of earlier results and at the exam's 300x300.
pub const MODELS: &[BenchModel] = &[
    bench_model!("dense"),
    bench_model!("cnn"),
    bench_model!("embedding_gap"),
    bench_model!("bilstm"),
    bench_model!("conv1d_lstm"),
    bench_model!("task_auto_mpg"),
    bench_model!("task_fashion_mnist"),
    bench_model!("task_horses_or_humans"),
    bench_model!("task_horses_or_humans_300"),
    bench_model!("task_sms_spam"),
    bench_model!("task_sunspots"),
    bench_model!("task_daily_min_temperatures"),
];

/// The benchmark model called `name`.
pub fn find(name: &str) -> Result<&'static BenchModel> {
    MODELS
        .iter()
        .find(|model| model.name == name)
        .ok_or_else(|| {
            let known: Vec<&str> = MODELS.iter().map(|model| model.name).collect();
            Error::Bench(format!(
                "no benchmark model {name:?}; known: {}",
                known.join(", ")
            ))
        })
}

/// Overrides of a program's default workload; `None` keeps its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settings {
    pub samples: Option<usize>,
    pub epochs: Option<usize>,
}

/// The value of the top-level line `NAME = <integer>` in `source`.
pub fn setting(source: &str, name: &str) -> Option<usize> {
    source.lines().find_map(|line| {
        let value = line.strip_prefix(name)?.strip_prefix(" = ")?;
        value.trim().parse().ok()
    })
}

/// `model`'s source with `settings` applied to its `SAMPLES` and `EPOCHS`
/// lines; an error if the program lacks a line it must have.
pub fn source_with(model: &BenchModel, settings: Settings) -> Result<String> {
    for name in ["SAMPLES", "EPOCHS", "BATCH_SIZE"] {
        if setting(model.source, name).is_none() {
            return Err(Error::Bench(format!(
                "{}.py has no top-level `{name} = <integer>` line",
                model.name
            )));
        }
    }
    let replace = |line: &str, name: &str, value: Option<usize>| match value {
        Some(value) if setting(line, name).is_some() => Some(format!("{name} = {value}")),
        _ => None,
    };
    let mut source = String::with_capacity(model.source.len());
    for line in model.source.lines() {
        let line = replace(line, "SAMPLES", settings.samples)
            .or_else(|| replace(line, "EPOCHS", settings.epochs))
            .unwrap_or_else(|| line.to_owned());
        source.push_str(&line);
        source.push('\n');
    }
    Ok(source)
}

/// One training run of one model.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelRun {
    pub model: String,
    pub samples: usize,
    pub epochs: usize,
    pub batch_size: usize,
    /// Wall time of each epoch, from `fit`'s start to each epoch's end event.
    pub epoch_seconds: Vec<f64>,
    /// The process's peak resident memory (Linux `VmHWM`), `None` elsewhere.
    pub peak_rss_bytes: Option<u64>,
}

impl ModelRun {
    /// The mean epoch time, without the first (warm-up) epoch when there
    /// are several.
    pub fn timed_epoch_seconds(&self) -> f64 {
        let timed = match self.epoch_seconds.as_slice() {
            [_, rest @ ..] if !rest.is_empty() => rest,
            all => all,
        };
        timed.iter().sum::<f64>() / timed.len().max(1) as f64
    }
}

/// Trains `model` once in this process on `device` (in a fresh
/// interpreter, without task data) and reports its epoch times and this
/// process's peak memory.
pub fn run(model: &BenchModel, settings: Settings, device: &ComputeDevice) -> Result<ModelRun> {
    let source = source_with(model, settings)?;
    let marks: Rc<RefCell<Vec<Instant>>> = Rc::default();
    let sink = Rc::clone(&marks);
    let options = RunOptions {
        device: device.device().clone(),
        ..RunOptions::default()
    };
    let context = TrainingContext::new(
        options,
        || false,
        move |event| match event {
            TrainingEvent::FitStarted { .. } => *sink.borrow_mut() = vec![Instant::now()],
            TrainingEvent::EpochEnd { .. } => sink.borrow_mut().push(Instant::now()),
            _ => {}
        },
    );
    let mut interpreter = program::interpreter_with(None, context, |_| {});
    let report = program::run(
        &mut interpreter,
        &format!("{}.py", model.name),
        &source,
        None,
    );
    match report.outcome {
        Outcome::Finished { .. } => {}
        Outcome::Failed(error) => return Err(Error::Bench(error.report)),
        Outcome::Invalid(errors) => {
            return Err(Error::Bench(
                errors.into_iter().map(|error| error.report).collect(),
            ));
        }
    }
    let epoch_seconds: Vec<f64> = marks
        .borrow()
        .windows(2)
        .map(|pair| (pair[1] - pair[0]).as_secs_f64())
        .collect();
    if epoch_seconds.is_empty() {
        return Err(Error::Bench(format!(
            "{}.py finished without training an epoch",
            model.name
        )));
    }
    Ok(ModelRun {
        model: model.name.to_owned(),
        samples: setting(&source, "SAMPLES").unwrap_or_default(),
        epochs: epoch_seconds.len(),
        batch_size: setting(&source, "BATCH_SIZE").unwrap_or_default(),
        epoch_seconds,
        peak_rss_bytes: peak_rss_bytes(),
    })
}

/// This process's peak resident set size (`VmHWM` in `/proc/self/status`);
/// `None` where that file does not exist (not Linux).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_hwm(&status)
}

fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// Several runs of one model, summarised by medians.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ModelSummary {
    pub model: String,
    pub samples: usize,
    pub epochs: usize,
    pub batch_size: usize,
    /// The median over runs of [`ModelRun::timed_epoch_seconds`].
    pub epoch_seconds: f64,
    /// `samples / epoch_seconds`.
    pub samples_per_second: f64,
    /// The largest peak over runs.
    pub peak_rss_bytes: Option<u64>,
    pub runs: Vec<ModelRun>,
}

/// Summarises runs of one model; `None` without runs.
pub fn summarize(runs: Vec<ModelRun>) -> Option<ModelSummary> {
    let first = runs.first()?;
    let times: Vec<f64> = runs.iter().map(ModelRun::timed_epoch_seconds).collect();
    let epoch_seconds = super::median(&times);
    Some(ModelSummary {
        model: first.model.clone(),
        samples: first.samples,
        epochs: first.epochs,
        batch_size: first.batch_size,
        epoch_seconds,
        samples_per_second: first.samples as f64 / epoch_seconds,
        peak_rss_bytes: runs.iter().filter_map(|run| run.peak_rss_bytes).max(),
        runs,
    })
}

/// The JSON document `dojo bench models` writes; `tests/bench/bench_tf.py`
/// writes the same shape with `runner: "tensorflow"`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ModelsReport {
    pub runner: String,
    pub version: String,
    /// What trained, as `dojo info` describes it (`DOJO_DEVICE` picks it).
    pub device: String,
    pub models: Vec<ModelSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_program_has_its_settings_and_they_can_be_overridden() {
        let settings = Settings {
            samples: Some(7),
            epochs: Some(2),
        };
        for model in MODELS {
            let source = source_with(model, settings).unwrap();
            assert_eq!(setting(&source, "SAMPLES"), Some(7), "{}", model.name);
            assert_eq!(setting(&source, "EPOCHS"), Some(2), "{}", model.name);
            assert_eq!(
                setting(&source, "BATCH_SIZE"),
                setting(model.source, "BATCH_SIZE"),
                "{}",
                model.name
            );
            assert!(source.contains("model.fit("), "{}", model.name);
        }
        let unchanged = source_with(&MODELS[0], Settings::default()).unwrap();
        assert_eq!(unchanged.trim_end(), MODELS[0].source.trim_end());
    }

    #[test]
    fn a_program_without_settings_is_refused() {
        let model = BenchModel {
            name: "bare",
            source: "SAMPLES = 3\nEPOCHS = 1\n",
        };
        let error = source_with(&model, Settings::default()).unwrap_err();
        assert!(error.to_string().contains("BATCH_SIZE"), "{error}");
        assert!(find("nope").unwrap_err().to_string().contains("dense"));
    }

    #[test]
    fn the_first_epoch_is_warm_up_only_when_there_are_several() {
        let run = |epoch_seconds: Vec<f64>| ModelRun {
            model: "m".to_owned(),
            samples: 10,
            epochs: epoch_seconds.len(),
            batch_size: 2,
            epoch_seconds,
            peak_rss_bytes: None,
        };
        assert!((run(vec![5.0]).timed_epoch_seconds() - 5.0).abs() < 1e-12);
        assert!((run(vec![5.0, 1.0, 2.0]).timed_epoch_seconds() - 1.5).abs() < 1e-12);
        let summary = summarize(vec![
            run(vec![9.0, 2.0]),
            run(vec![9.0, 1.0]),
            run(vec![9.0, 4.0]),
        ])
        .unwrap();
        assert!((summary.epoch_seconds - 2.0).abs() < 1e-12);
        assert!((summary.samples_per_second - 5.0).abs() < 1e-12);
        assert!(summarize(Vec::new()).is_none());
    }

    #[test]
    fn vm_hwm_is_read_in_bytes() {
        let status = "Name:\tdojo\nVmPeak:\t  200 kB\nVmHWM:\t    1234 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(1234 * 1024));
        assert_eq!(parse_vm_hwm("Name:\tdojo\n"), None);
        if cfg!(target_os = "linux") {
            assert!(peak_rss_bytes().is_some_and(|bytes| bytes > 0));
        }
    }

    #[test]
    fn the_dense_model_trains_and_reports_each_epoch() {
        let settings = Settings {
            samples: Some(16),
            epochs: Some(2),
        };
        let run = run(find("dense").unwrap(), settings, &ComputeDevice::cpu()).unwrap();
        assert_eq!(run.model, "dense");
        assert_eq!((run.samples, run.epochs, run.batch_size), (16, 2, 32));
        assert_eq!(run.epoch_seconds.len(), 2);
        assert!(run.epoch_seconds.iter().all(|&seconds| seconds > 0.0));
    }
}
