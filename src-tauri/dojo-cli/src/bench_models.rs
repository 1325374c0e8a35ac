//! `dojo bench models`: trains each benchmark program in a child process of
//! its own (so each model's peak memory is its own) and reports medians.
//!
//! The parent re-runs this executable as `dojo bench models --child --only
//! NAME ...`; the child trains that one model once in-process and prints one
//! [`ModelRun`] as JSON on stdout. Runs are interleaved: run 1 of every
//! model, then run 2, and so on. Each child trains on the device
//! `DOJO_DEVICE` selects (`auto`: CUDA or Metal when compiled in and
//! present, else the CPU), as `dojo run` does.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};
use dojo_engine::bench::models::{self, ModelRun, ModelSummary, ModelsReport, Settings};
use dojo_engine::device::ComputeDevice;

/// What to run.
pub struct Request<'a> {
    pub runs: usize,
    pub settings: Settings,
    pub only: Option<&'a str>,
}

/// The child's side: one run of `name`, printed as one JSON line.
pub fn child(name: &str, settings: Settings) -> anyhow::Result<String> {
    let run = models::run(models::find(name)?, settings, &ComputeDevice::select()?)?;
    Ok(serde_json::to_string(&run)?)
}

/// Runs every requested model `runs` times, each run in a fresh child process.
pub fn run(request: &Request) -> anyhow::Result<ModelsReport> {
    // The children select the same device from the same environment.
    let device = ComputeDevice::select()?.description().to_owned();
    let chosen = match request.only {
        Some(name) => vec![models::find(name)?],
        None => models::MODELS.iter().collect(),
    };
    let exe = std::env::current_exe().context("cannot find the dojo executable")?;
    let mut runs: Vec<Vec<ModelRun>> = vec![Vec::new(); chosen.len()];
    for round in 0..request.runs.max(1) {
        for (model, done) in chosen.iter().zip(&mut runs) {
            eprintln!(
                "bench: {} (run {}/{})",
                model.name,
                round + 1,
                request.runs.max(1)
            );
            done.push(spawn_child(&exe, model.name, request.settings)?);
        }
    }
    Ok(ModelsReport {
        runner: "dojo".to_owned(),
        version: dojo_engine::VERSION.to_owned(),
        device,
        models: runs.into_iter().filter_map(models::summarize).collect(),
    })
}

fn spawn_child(exe: &Path, name: &str, settings: Settings) -> anyhow::Result<ModelRun> {
    let mut command = Command::new(exe);
    command.args(["bench", "models", "--child", "--only", name]);
    if let Some(samples) = settings.samples {
        command.args(["--samples", &samples.to_string()]);
    }
    if let Some(epochs) = settings.epochs {
        command.args(["--epochs", &epochs.to_string()]);
    }
    let output = command
        .output()
        .with_context(|| format!("cannot start {}", exe.display()))?;
    if !output.status.success() {
        bail!(
            "benchmark model {name} failed:\n{}",
            String::from_utf8_lossy(&output.stderr).trim_end()
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line)
        .with_context(|| format!("benchmark model {name} printed no result: {stdout:?}"))
}

/// The report as a text table, one model a line.
pub fn table(report: &ModelsReport) -> String {
    let mut text = format!("device: {}\n", report.device);
    text += &format!(
        "{:<28} {:>7} {:>6} {:>5} {:>10} {:>10} {:>9}\n",
        "model", "samples", "epochs", "batch", "epoch s", "samples/s", "peak MiB"
    );
    for ModelSummary {
        model,
        samples,
        epochs,
        batch_size,
        epoch_seconds,
        samples_per_second,
        peak_rss_bytes,
        ..
    } in &report.models
    {
        let peak = peak_rss_bytes.map_or_else(
            || "-".to_owned(),
            |bytes| format!("{:.0}", bytes as f64 / (1024.0 * 1024.0)),
        );
        text.push_str(&format!(
            "{model:<28} {samples:>7} {epochs:>6} {batch_size:>5} {epoch_seconds:>10.3} {samples_per_second:>10.0} {peak:>9}\n"
        ));
    }
    text
}
