//! Runs the real `dojo` binary as a user would.

// Test helpers outside `#[test]` functions may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn dojo(args: &[&str]) -> (bool, String, String) {
    dojo_on("cpu", args)
}

/// Runs `dojo args` with its history in `data_dir` on `device`.
fn dojo_in(data_dir: &std::path::Path, device: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dojo"))
        .args(args)
        .env("DOJO_DATA_DIR", data_dir)
        .env("DOJO_DEVICE", device)
        .output()
        .unwrap()
}

/// [`dojo`] with `DOJO_DEVICE` set to `device`.
fn dojo_on(device: &str, args: &[&str]) -> (bool, String, String) {
    let data_dir = tempfile::tempdir().unwrap();
    let output = dojo_in(data_dir.path(), device, args);
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn version_prints_the_package_version() {
    let (ok, stdout, _) = dojo(&["--version"]);
    assert!(ok);
    assert_eq!(stdout.trim(), format!("dojo {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn tasks_lists_every_registered_task() {
    let (ok, stdout, _) = dojo(&["tasks"]);
    assert!(ok);
    for task in dojo_engine::tasks::TASKS {
        assert!(
            stdout.contains(task.id),
            "{} missing from:\n{stdout}",
            task.id
        );
    }
    let (ok, json, _) = dojo(&["tasks", "--json"]);
    assert!(ok);
    let parsed: Vec<dojo_protocol::TaskSummary> = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed, dojo_engine::tasks::summaries());
}

#[test]
fn info_reports_the_overridden_data_dir() {
    let data_dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_dojo"))
        .args(["info", "--json"])
        .env("DOJO_DATA_DIR", data_dir.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    let info: dojo_protocol::AppInfo = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(info.data_dir, data_dir.path().display().to_string());
    assert!(info.device.starts_with("CPU"), "{}", info.device);
}

#[test]
fn device_check_streams_json_lines_and_finishes() {
    let (ok, stdout, stderr) = dojo(&["device-check", "--steps", "50", "--json"]);
    assert!(ok, "{stderr}");
    let events: Vec<dojo_protocol::JobEvent> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(matches!(
        events.first(),
        Some(dojo_protocol::JobEvent::Started { .. })
    ));
    assert!(matches!(
        events.last(),
        Some(dojo_protocol::JobEvent::Finished { steps: 50, .. })
    ));
}

#[test]
fn an_unknown_device_fails_with_a_clear_message() {
    let (ok, _, stderr) = dojo_on("tpu", &["info"]);
    assert!(!ok);
    assert!(stderr.contains("use cpu, cuda or metal"), "{stderr}");
}

#[test]
fn check_reports_every_problem_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("solution.py");
    std::fs::write(
        &bad,
        "import tensorflow as tf\n\ndef solution_model(:\n    return model\n\nasync def later():\n    pass\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_dojo"))
        .arg("check")
        .arg(&bad)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    assert!(stdout.contains("File \"solution.py\", line 3"), "{stdout}");
    assert!(
        stdout.contains("`async def` is not supported in Dojo"),
        "{stdout}"
    );
    assert!(stdout.contains("problems found"), "{stdout}");

    let good = dir.path().join("good.py");
    std::fs::write(&good, "def solution_model():\n    return None\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_dojo"))
        .args(["check", "--json"])
        .arg(&good)
        .output()
        .unwrap();
    assert!(output.status.success());
    let diagnostics: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(diagnostics.is_empty());
}

#[test]
fn check_of_a_missing_file_says_so() {
    let output = Command::new(env!("CARGO_BIN_EXE_dojo"))
        .args(["check", "/nonexistent/solution.py"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot read /nonexistent/solution.py"),
        "{stderr}"
    );
}

#[test]
fn run_streams_output_and_reports_errors_with_a_traceback() {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("solution.py");
    std::fs::write(
        &program,
        "def solution_model():\n    print('building', 3 * 7)\n    return undefined_model\n\nsolution_model()\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_dojo"))
        .arg("run")
        .arg(&program)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert_eq!(stdout, "building 21\n");
    assert!(
        stderr.contains("File \"solution.py\", line 3, column 12, in solution_model"),
        "{stderr}"
    );
    assert!(
        stderr.contains("NameError: name 'undefined_model' is not defined"),
        "{stderr}"
    );

    let output = Command::new(env!("CARGO_BIN_EXE_dojo"))
        .args(["run", "--json"])
        .arg(&program)
        .output()
        .unwrap();
    let events: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(events[0]["kind"], "stdout");
    assert_eq!(events[0]["text"], "building 21\n");
    assert_eq!(events[1]["kind"], "error");
    assert_eq!(events[1]["exception"], "NameError");
    assert_eq!(events[1]["line"], 3);
}

#[test]
fn run_refuses_a_program_with_syntax_errors_before_running_any_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("solution.py");
    std::fs::write(&program, "print('never printed')\nx = = 1\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_dojo"))
        .arg("run")
        .arg(&program)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("SyntaxError: Expected an expression"),
        "{stderr}"
    );
}

#[test]
fn task_shows_the_statement_contract_and_thresholds() {
    let (ok, stdout, stderr) = dojo(&["task", "sms_spam"]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("SMS spam"), "{stdout}");
    assert!(stdout.contains("Grader's input contract:"), "{stdout}");
    assert!(stdout.contains("num_words=1000"), "{stdout}");
    assert!(stdout.contains("5: >= "), "{stdout}");
    let (ok, json, _) = dojo(&["task", "sunspots", "--json"]);
    assert!(ok);
    let detail: dojo_protocol::TaskDetail = serde_json::from_str(&json).unwrap();
    assert_eq!(detail.summary.id, "sunspots");
    assert!(detail.starter.contains("def solution_model():"));
    let (ok, _, stderr) = dojo(&["task", "mnist"]);
    assert!(!ok);
    assert!(stderr.contains("known tasks"), "{stderr}");
}

#[test]
fn run_with_a_task_prints_the_grade() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("solution.py");
    std::fs::write(
        &file,
        "import tensorflow as tf\n\ndef solution_model():\n    return tf.keras.Sequential([tf.keras.Input(shape=(30, 1)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(1)])\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let (ok, stdout, stderr) = dojo(&["run", path, "--task", "sunspots"]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("grade: MAE "), "{stdout}");
    assert!(stdout.contains("on 83 hidden examples: score "), "{stdout}");
    assert!(stdout.contains("thresholds: 2: <= "), "{stdout}");
    let (ok, stdout, _) = dojo(&["run", path, "--task", "sunspots", "--json"]);
    assert!(ok);
    let last: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["kind"], "grade");
    let report: dojo_protocol::GradeReport =
        serde_json::from_value(last["report"].clone()).unwrap();
    assert_eq!((report.task_id.as_str(), report.samples), ("sunspots", 83));
    assert!((1..=5).contains(&report.score));
    // A model the contract cannot feed: the program ran, the grade explains.
    let (ok, stdout, _) = dojo(&["run", path, "--task", "fashion_mnist"]);
    assert!(ok);
    assert!(stdout.contains("not graded (score 0/5)"), "{stdout}");
    assert!(stdout.contains("(None, 28, 28, 1)"), "{stdout}");
}

#[test]
fn task_runs_are_recorded_and_listed_by_history() {
    let data_dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = dojo_in(data_dir.path(), "cpu", args);
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let (ok, stdout) = run(&["history"]);
    assert!(ok);
    assert_eq!(stdout.trim(), "no attempts yet");

    let dir = tempfile::tempdir().unwrap();
    let graded = dir.path().join("graded.py");
    std::fs::write(
        &graded,
        "import numpy as np\nimport tensorflow as tf\n\ndef solution_model():\n    x = np.random.rand(64, 30, 1).astype('float32')\n    model = tf.keras.Sequential([tf.keras.Input(shape=(30, 1)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(1)])\n    model.compile(loss='mae', optimizer='adam')\n    model.fit(x, x[:, -1, 0], epochs=2, verbose=0)\n    return model\n",
    )
    .unwrap();
    let broken = dir.path().join("broken.py");
    std::fs::write(&broken, "def solution_model():\n    return modle\n").unwrap();
    let (ok, stdout) = run(&["run", graded.to_str().unwrap(), "--task", "sunspots"]);
    assert!(ok, "{stdout}");
    assert!(stdout.contains("recorded as attempt 1"), "{stdout}");
    let (ok, _) = run(&["run", broken.to_str().unwrap(), "--task", "sunspots"]);
    assert!(!ok);

    let (ok, stdout) = run(&["history"]);
    assert!(ok);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[1].contains("failed") && lines[1].contains("NameError"),
        "{stdout}"
    );
    assert!(
        lines[2].contains("finished") && lines[2].contains("/5"),
        "{stdout}"
    );
    assert!(
        lines[2].contains("loss"),
        "the final epoch's logs: {stdout}"
    );

    let (ok, stdout) = run(&["history", "--task", "sunspots", "--json"]);
    assert!(ok);
    let attempts: Vec<dojo_protocol::AttemptSummary> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(attempts.len(), 2);
    assert!(
        attempts[1]
            .score
            .is_some_and(|score| (1..=5).contains(&score))
    );
    assert_eq!(
        attempts[1].final_logs.len(),
        1,
        "{:?}",
        attempts[1].final_logs
    );
    let (ok, stdout) = run(&["history", "--task", "fashion_mnist", "--json"]);
    assert!(ok);
    assert_eq!(stdout.trim(), "[]");
}

#[test]
fn bench_models_reports_one_model_as_json_without_asserting_timing() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("bench.json");
    let (ok, stdout, stderr) = dojo(&[
        "bench",
        "models",
        "--only",
        "dense",
        "--samples",
        "32",
        "--epochs",
        "2",
        "--runs",
        "2",
        "--json",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(report, written);
    assert_eq!(report["runner"], "dojo");
    // DOJO_DEVICE=cpu (see `dojo`): the report names what trained.
    let device = report["device"].as_str().unwrap();
    assert!(device.starts_with("CPU ("), "{device}");
    let models = report["models"].as_array().unwrap();
    assert_eq!(models.len(), 1);
    let dense = &models[0];
    assert_eq!(dense["model"], "dense");
    assert_eq!(dense["samples"], 32);
    assert_eq!(dense["epochs"], 2);
    assert_eq!(dense["batch_size"], 32);
    assert!(dense["epoch_seconds"].as_f64().unwrap() > 0.0);
    assert!(dense["samples_per_second"].as_f64().unwrap() > 0.0);
    if cfg!(target_os = "linux") {
        assert!(dense["peak_rss_bytes"].as_u64().unwrap() > 0);
    }
    let runs = dense["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    for run in runs {
        assert_eq!(run["epoch_seconds"].as_array().unwrap().len(), 2);
    }
}

/// The bench trains where `DOJO_DEVICE` says, and a device it cannot use
/// stops it with the reason before any model runs.
#[test]
fn bench_models_refuses_a_device_it_cannot_use() {
    let (ok, _, stderr) = dojo_on(
        "tpu",
        &["bench", "models", "--only", "dense", "--runs", "1"],
    );
    assert!(!ok);
    assert!(stderr.contains("use cpu, cuda or metal"), "{stderr}");
    assert!(!stderr.contains("bench: dense"), "{stderr}");
}

#[test]
fn bench_refuses_an_unknown_model_and_model_options_for_the_interpreter() {
    let (ok, _, stderr) = dojo(&["bench", "models", "--only", "nope", "--runs", "1"]);
    assert!(!ok);
    assert!(stderr.contains("no benchmark model \"nope\""), "{stderr}");
    let (ok, _, stderr) = dojo(&["bench", "interpreter", "--only", "dense"]);
    assert!(!ok);
    assert!(stderr.contains("apply to `bench models`"), "{stderr}");
}

/// `dojo run --task` is the app's practice run: with the same seed it
/// trains the same epochs and gets the same grade report as the app's
/// background job, records the seed and the device it trained on, and
/// submits that report.
#[test]
fn run_is_the_apps_practice_run_with_the_same_seed_device_and_grade() {
    use dojo_engine::device::ComputeDevice;
    use dojo_engine::jobs::JobRunner;
    use dojo_engine::practice::{JobUpdate, PracticeRun};
    use dojo_protocol::{GradeReport, Logs, RunId, TrainingEvent};

    let program = "import numpy as np
import tensorflow as tf

def solution_model():
    x = np.linspace(0.0, 1.0, 30 * 64).reshape(64, 30, 1)
    model = tf.keras.Sequential([tf.keras.Input(shape=(30, 1)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(4), tf.keras.layers.Dense(1)])
    model.compile(loss='mae', optimizer='adam')
    model.fit(x, x[:, -1, 0], epochs=2, batch_size=16, verbose=0)
    return model
";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("solution.py");
    std::fs::write(&file, program).unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| {
        let output = dojo_in(data_dir.path(), "cpu", args);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let path = file.to_str().unwrap();
    let events: Vec<serde_json::Value> =
        cli(&["run", path, "--task", "sunspots", "--seed", "7", "--json"])
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
    let cli_epochs: Vec<Logs> = events
        .iter()
        .filter(|event| event["kind"] == "epoch")
        .map(|event| serde_json::from_value(event["logs"].clone()).unwrap())
        .collect();
    let cli_grade: GradeReport = events
        .iter()
        .find(|event| event["kind"] == "grade")
        .map(|event| serde_json::from_value(event["report"].clone()).unwrap())
        .unwrap();

    // The app's path: the same run as a background job.
    let (sender, receiver) = std::sync::mpsc::channel();
    let device = ComputeDevice::cpu();
    let run = PracticeRun {
        task: Some(dojo_engine::tasks::task("sunspots").unwrap()),
        code: program.to_owned(),
        file_name: "solution.py".to_owned(),
        run_id: RunId(1),
        seed: 7,
        max_epochs: None,
        max_steps: None,
        dry_run: false,
        device: device.clone(),
    };
    JobRunner::new()
        .start(run, move |update: JobUpdate| {
            let _ = sender.send(update);
        })
        .unwrap();
    let mut app_epochs = Vec::new();
    let mut app_end = None;
    while let Ok(update) = receiver.recv_timeout(std::time::Duration::from_secs(120)) {
        if let TrainingEvent::Epoch { logs, .. } = update.event {
            app_epochs.push(logs);
        }
        app_end = app_end.or(update.end);
    }
    assert_eq!(cli_epochs.len(), 2);
    assert_eq!(cli_epochs, app_epochs);
    assert_eq!(Some(cli_grade), app_end.unwrap().grade);

    let store = dojo_store::Store::open_in(data_dir.path()).unwrap();
    let runs = store.list_runs(Some("sunspots")).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].seed, 7);
    assert_eq!(runs[0].device, device.description());
    assert_eq!(store.submissions(Some("sunspots")).unwrap().len(), 1);
}

/// `dojo history show|compare|export|import`, and a re-run of a stored
/// attempt with its stored seed reproducing its epoch logs exactly.
#[test]
fn history_shows_compares_reruns_and_moves_attempts_between_machines() {
    let data_dir = tempfile::tempdir().unwrap();
    let run = |dir: &std::path::Path, args: &[&str]| {
        let output = dojo_in(dir, "cpu", args);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{args:?}: {stdout}\n{stderr}");
        stdout
    };
    let files = tempfile::tempdir().unwrap();
    let program = |units: u32| {
        format!(
            "import numpy as np\nimport tensorflow as tf\n\ndef solution_model():\n    x = (np.arange(64 * 30) % 97).reshape(64, 30, 1).astype('float32')\n    model = tf.keras.Sequential([tf.keras.Input(shape=(30, 1)), tf.keras.layers.Flatten(), tf.keras.layers.Dense({units}), tf.keras.layers.Dense(1)])\n    model.compile(loss='mae', optimizer='adam')\n    model.fit(x, x[:, -1, 0], epochs=3, batch_size=16, verbose=0)\n    return model\n"
        )
    };
    let first = files.path().join("first.py");
    let second = files.path().join("second.py");
    std::fs::write(&first, program(4)).unwrap();
    std::fs::write(&second, program(8)).unwrap();
    let first = first.to_str().unwrap();
    run(data_dir.path(), &["run", first, "--task", "sunspots"]);
    run(
        data_dir.path(),
        &["run", second.to_str().unwrap(), "--task", "sunspots"],
    );

    let show = |id: &str| -> dojo_protocol::AttemptDetail {
        serde_json::from_str(&run(data_dir.path(), &["history", "show", id, "--json"])).unwrap()
    };
    let stored = show("1");
    assert_eq!(stored.epochs.len(), 3);
    assert!(!stored.batches.is_empty(), "the batch curve is kept");
    assert_eq!(
        stored.dojo_version.as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    let text = run(data_dir.path(), &["history", "show", "1"]);
    assert!(
        text.contains("Dense(4)") && text.contains(&format!("seed {}", stored.seed)),
        "{text}"
    );

    // Re-run attempt 1 with its stored seed: the same epoch logs, to the bit.
    run(
        data_dir.path(),
        &[
            "run",
            first,
            "--task",
            "sunspots",
            "--seed",
            &stored.seed.to_string(),
        ],
    );
    let rerun = show("3");
    assert_eq!(rerun.seed, stored.seed);
    assert_eq!(rerun.epochs, stored.epochs);

    let compare = run(data_dir.path(), &["history", "compare", "1", "2"]);
    assert!(
        compare.contains("- ") && compare.contains("Dense(4)"),
        "{compare}"
    );
    assert!(
        compare.contains("+ ") && compare.contains("Dense(8)"),
        "{compare}"
    );
    assert!(compare.contains("loss"), "{compare}");

    let file = files.path().join("history.jsonl");
    run(
        data_dir.path(),
        &["history", "export", "--out", file.to_str().unwrap()],
    );
    let other = tempfile::tempdir().unwrap();
    let file = file.to_str().unwrap();
    let imported = run(other.path(), &["history", "import", file]);
    assert!(
        imported.contains("imported 3 attempts, skipped 0"),
        "{imported}"
    );
    let again = run(other.path(), &["history", "import", file]);
    assert!(again.contains("imported 0 attempts, skipped 3"), "{again}");
    let moved: Vec<dojo_protocol::AttemptSummary> =
        serde_json::from_str(&run(other.path(), &["history", "--json"])).unwrap();
    assert_eq!(moved.len(), 3);

    let missing = dojo_in(data_dir.path(), "cpu", &["history", "show", "99"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no run with id 99"));
    let mocks = run(data_dir.path(), &["mock", "list"]);
    assert_eq!(mocks.trim(), "no mocks yet");
}

/// A mock from the command line: a run of one of its tasks counts for it
/// and shows only the public half's score; the report reveals the private
/// half once the mock ends.
#[test]
fn a_mock_counts_its_runs_and_reveals_private_scores_at_the_end() {
    let data_dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = dojo_in(data_dir.path(), "cpu", args);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{args:?}: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    };
    let mock: dojo_protocol::MockState =
        serde_json::from_str(&run(&["mock", "start", "--minutes", "60", "--json"])).unwrap();
    assert_eq!(mock.tasks.len(), 5);
    assert_eq!(mock.deadline - mock.started_at, 60 * 60_000);
    let series = mock.tasks[4].clone();
    assert!(
        series == "sunspots" || series == "daily_min_temperatures",
        "{series}"
    );

    let files = tempfile::tempdir().unwrap();
    let program = files.path().join("series.py");
    std::fs::write(
        &program,
        "import numpy as np\nimport tensorflow as tf\n\ndef solution_model():\n    x = (np.arange(64 * 30) % 31).reshape(64, 30, 1).astype('float32')\n    model = tf.keras.Sequential([tf.keras.Input(shape=(30, 1)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(1)])\n    model.compile(loss='mae', optimizer='adam')\n    model.fit(x, x[:, -1, 0], epochs=2, verbose=0)\n    return model\n",
    )
    .unwrap();
    let output = run(&["run", program.to_str().unwrap(), "--task", &series]);
    assert!(
        output.contains(&format!("submitted to mock {}", mock.id)),
        "{output}"
    );

    let during = run(&["mock", "report", &mock.id.to_string()]);
    assert!(during.contains("hidden"), "{during}");
    assert!(during.contains("revealed when the mock ends"), "{during}");
    let id = mock.id.to_string();
    run(&["mock", "end", &id]);
    let report: dojo_protocol::MockReport =
        serde_json::from_str(&run(&["mock", "report", &id, "--json"])).unwrap();
    let task = report
        .tasks
        .iter()
        .find(|task| task.task_id == series)
        .unwrap();
    assert_eq!((task.runs, task.submissions), (1, 1));
    let best = task.best.unwrap();
    assert!(
        best.private_value.is_finite() && best.private_score >= 1,
        "{best:?}"
    );
    assert!(task.first_submission_after_ms.is_some());
    assert!(report.private_percent.is_some() && report.passed.is_some());
    let text = run(&["mock", "report", &id]);
    assert!(text.contains("folk figure"), "{text}");
}

/// `dojo run` writes each figure a program shows or saves as a PNG in
/// `--figures DIR`: the `savefig` name (as `.png`), else `figure-N.png`,
/// and says where.
#[test]
fn run_writes_shown_and_saved_figures_as_png_files() {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("plots.py");
    std::fs::write(
        &program,
        "import matplotlib.pyplot as plt\n\
         plt.plot([1, 2, 3], [3, 1, 2], label='loss')\nplt.legend()\nplt.savefig('out/loss.jpg')\n\
         plt.figure()\nplt.bar(['a', 'b'], [1, 2])\nplt.show()\n",
    )
    .unwrap();
    let figures = dir.path().join("figures");
    let (ok, stdout, stderr) = dojo(&[
        "run",
        program.to_str().unwrap(),
        "--figures",
        figures.to_str().unwrap(),
    ]);
    assert!(ok, "{stdout}\n{stderr}");
    for name in ["loss.png", "figure-2.png"] {
        let path = figures.join(name);
        let bytes =
            std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}\n{stdout}", path.display()));
        assert!(
            bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{name} is not a PNG"
        );
        assert!(
            stdout.contains(&format!("saved as {}", path.display())),
            "{stdout}"
        );
    }
    assert!(
        stdout.contains("[figure 1]") && stdout.contains("[figure 2]"),
        "{stdout}"
    );
}
