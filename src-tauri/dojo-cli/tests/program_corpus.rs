//! Every exam-style program in `tests/corpus/programs` runs end to end
//! through the real `dojo run --task … --json`, with training capped so CI
//! stays quick: data loading, preprocessing, model building, `fit` with
//! its callbacks, and the returned model's summary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/programs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "py"))
        .collect();
    files.sort();
    files
}

/// The task a program names on its first line: `# task: <id>`.
fn task_of(source: &str) -> String {
    source
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("# task: "))
        .expect("the first line names the task")
        .trim()
        .to_owned()
}

#[test]
fn the_corpus_covers_every_task_with_at_least_25_programs() {
    let files = corpus();
    assert!(files.len() >= 25, "{} programs", files.len());
    for task in dojo_engine::tasks::TASKS {
        let count = files
            .iter()
            .filter(|file| task_of(&std::fs::read_to_string(file).unwrap()) == task.id)
            .count();
        assert!(count >= 3, "{} has {count} programs", task.id);
    }
}

/// Each task's reference solution (`assets/tasks/<id>/reference.py`), with
/// the task its folder names.
fn references() -> Vec<(PathBuf, String)> {
    dojo_engine::tasks::TASKS
        .iter()
        .map(|task| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../assets/tasks")
                .join(task.id)
                .join("reference.py");
            (path, task.id.to_owned())
        })
        .collect()
}

#[test]
fn every_corpus_program_runs_end_to_end() {
    check_programs(
        corpus()
            .into_iter()
            .map(|file| {
                let task = task_of(&std::fs::read_to_string(&file).unwrap());
                (file, task)
            })
            .collect(),
    );
}

#[test]
fn every_task_has_a_reference_solution_that_runs() {
    let references = references();
    for (path, _) in &references {
        assert!(path.is_file(), "{} is missing", path.display());
    }
    check_programs(references);
}

fn check_programs(programs: Vec<(PathBuf, String)>) {
    let mut failures = Vec::new();
    for (file, task) in programs {
        let data_dir = tempfile::tempdir().unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_dojo"))
            .args(["run", file.to_str().unwrap(), "--task", &task])
            .args(["--max-epochs", "1", "--max-steps", "2", "--json"])
            .arg("--figures")
            .arg(data_dir.path().join("figures"))
            .env("DOJO_DATA_DIR", data_dir.path())
            .env("DOJO_DEVICE", "cpu")
            .env_remove("RUST_BACKTRACE")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let events: Vec<serde_json::Value> = stdout
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
            .collect();
        let finished = events.iter().find(|event| event["kind"] == "finished");
        let summary = finished
            .and_then(|event| event["model"].as_str())
            .unwrap_or_default();
        // Every program trains at least one epoch, reported as a structured
        // event with its loss whatever the program's `verbose`.
        let trained = events.iter().any(|event| {
            event["kind"] == "epoch" && event["epoch"] == 1 && event["logs"]["loss"].is_number()
        });
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if !output.status.success()
            || !summary.contains("Total params:")
            || !trained
            || stderr.contains("panicked")
        {
            failures.push(format!("{name}:\n{stdout}\n{stderr}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
