//! The error corpus: bad exam-style programs under `tests/corpus/errors/`,
//! each run through the real `dojo` binary (text and `--json`), with what
//! the user sees snapshotted beside it as `NN_name.expected`.
//!
//! Each program starts with `# task: <task id>` (or `none`) and
//! `# expect: <what the user should be told>`; every line that should be
//! reported carries a trailing `# <-- error`. For every program the run
//! must fail, never panic, report exactly the marked lines, and print the
//! same reports in text and JSON. `UPDATE_EXPECT=1 cargo test -p dojo-cli
//! --test error_corpus` rewrites the snapshots.

// Test helpers outside `#[test]` functions may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const MARK: &str = "# <-- error";

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/errors")
}

/// A corpus program and what its header says.
struct Program {
    path: PathBuf,
    name: String,
    task: Option<String>,
    /// 1-based lines marked `# <-- error`.
    marked: BTreeSet<u64>,
}

fn programs() -> Vec<Program> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "py"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let source = std::fs::read_to_string(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let mut lines = source.lines();
            let task = lines
                .next()
                .and_then(|line| line.strip_prefix("# task: "))
                .unwrap_or_else(|| panic!("{name}: the first line must be `# task: <id>`"))
                .trim();
            assert!(
                lines
                    .next()
                    .is_some_and(|line| line.starts_with("# expect: ")),
                "{name}: the second line must be `# expect: ...`"
            );
            let marked = source
                .lines()
                .enumerate()
                .filter(|(_, line)| line.trim_end().ends_with(MARK))
                .map(|(index, _)| index as u64 + 1)
                .collect();
            Program {
                path,
                name,
                task: (task != "none").then(|| task.to_owned()),
                marked,
            }
        })
        .collect()
}

/// What one run of the binary printed.
struct Output {
    success: bool,
    stdout: String,
    stderr: String,
}

fn dojo(program: &Program, json: bool) -> Output {
    let data_dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_dojo"));
    command
        .arg("run")
        .arg(&program.name)
        .args(["--max-epochs", "1", "--max-steps", "3"])
        // Figures the programs draw go to the temporary folder, not the corpus.
        .arg("--figures")
        .arg(data_dir.path().join("figures"))
        .current_dir(corpus_dir())
        .env("DOJO_DATA_DIR", data_dir.path())
        .env("DOJO_DEVICE", "cpu")
        .env_remove("RUST_BACKTRACE");
    if let Some(task) = &program.task {
        command.args(["--task", task]);
    }
    if json {
        command.arg("--json");
    }
    let output = command.output().unwrap();
    Output {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Keras-style progress lines carry losses and timings that vary from run
/// to run: every number in them becomes `#`.
fn deterministic(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.contains("loss") || line.contains("ms/step") {
                mask_numbers(line)
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn mask_numbers(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            while chars
                .peek()
                .is_some_and(|next| next.is_ascii_alphanumeric() || matches!(next, '.' | '-' | '+'))
            {
                chars.next();
            }
            out.push('#');
        } else {
            out.push(c);
        }
    }
    out
}

/// Runs one program both ways; returns its snapshot text and every
/// broken expectation.
fn check(program: &Program) -> (String, Vec<String>) {
    let name = &program.name;
    let mut problems = Vec::new();
    let text = dojo(program, false);
    let json = dojo(program, true);
    for (mode, output) in [("text", &text), ("json", &json)] {
        let all = format!("{}{}", output.stdout, output.stderr);
        if output.success {
            problems.push(format!("{name} ({mode}) succeeded:\n{all}"));
        }
        for word in ["panicked", "RUST_BACKTRACE"] {
            if all.contains(word) {
                problems.push(format!("{name} ({mode}) panicked:\n{all}"));
            }
        }
    }
    let events: Vec<serde_json::Value> = json
        .stdout
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("{name}: bad JSON line {line:?}: {error}"))
        })
        .collect();
    let errors: Vec<&serde_json::Value> = events
        .iter()
        .filter(|event| event["kind"] == "error")
        .collect();
    if errors.is_empty() {
        problems.push(format!("{name}: no error event in\n{}", json.stdout));
    }

    // Text mode prints each JSON error's report, in order.
    let reports: String = errors
        .iter()
        .map(|error| {
            format!(
                "{}\n\n",
                error["report"].as_str().unwrap_or_default().trim_end()
            )
        })
        .collect();
    if text.stderr != reports {
        problems.push(format!(
            "{name}: text and JSON reports differ:\n{}\n---\n{reports}",
            text.stderr
        ));
    }

    if !program.marked.is_empty() {
        let reported: BTreeSet<u64> = errors
            .iter()
            .filter_map(|error| error["line"].as_u64())
            .collect();
        if reported != program.marked {
            problems.push(format!(
                "{name}: reported lines {reported:?}, marked `{MARK}` {:?}:\n{}",
                program.marked, text.stderr
            ));
        }
    }

    let mut command = format!("$ dojo run {name} --max-epochs 1 --max-steps 3");
    if let Some(task) = &program.task {
        command.push_str(&format!(" --task {task}"));
    }
    let mut snapshot = format!("{command}\n");
    if !text.stdout.is_empty() {
        snapshot.push_str(&format!(
            "--- stdout\n{}\n",
            deterministic(text.stdout.trim_end())
        ));
    }
    snapshot.push_str(&format!("--- stderr\n{}\n", text.stderr.trim_end()));
    snapshot.push_str("--- json errors (report as above)\n");
    for error in errors {
        let mut error = error.clone();
        if let Some(object) = error.as_object_mut() {
            object.remove("report");
        }
        snapshot.push_str(&format!("{error}\n"));
    }
    (snapshot, problems)
}

#[test]
fn every_bad_program_fails_clearly_at_its_line() {
    let programs = programs();
    assert!(programs.len() >= 30, "only {} programs", programs.len());
    // Two runs per program; spread them over a few threads.
    let workers = 4;
    let results: Vec<(PathBuf, String, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                let programs = &programs;
                scope.spawn(move || {
                    programs
                        .iter()
                        .skip(worker)
                        .step_by(workers)
                        .map(|program| {
                            let (snapshot, problems) = check(program);
                            (program.path.with_extension("expected"), snapshot, problems)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap())
            .collect()
    });
    let mut problems = Vec::new();
    for (path, snapshot, program_problems) in results {
        problems.extend(program_problems);
        expect_test::expect_file![path].assert_eq(&snapshot);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
