//! Runs the real `dojo` binary as a user would.

// Test helpers outside `#[test]` functions may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn dojo(args: &[&str]) -> (bool, String, String) {
    let data_dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_dojo"))
        .args(args)
        .env("DOJO_DATA_DIR", data_dir.path())
        .env("DOJO_DEVICE", "cpu")
        .output()
        .unwrap();
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
    let output = Command::new(env!("CARGO_BIN_EXE_dojo"))
        .args(["info"])
        .env("DOJO_DEVICE", "tpu")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("use cpu, cuda or metal"), "{stderr}");
}
