//! `dojo history show|compare|export|import` and `dojo mock list|report`:
//! the History page and the mock report, in a terminal.

use std::io::Write;

use anyhow::Context;
use dojo_protocol::{AttemptDetail, DiffChange, MockId, MockReport, MockState, RunId};

use crate::{HistoryAction, MockAction, format_grade, history_line, utc_minute};

pub fn run(action: HistoryAction, json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let mut store = crate::open_store()?;
    match action {
        HistoryAction::Check => {
            let check = store.check()?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&check)?)?;
            } else {
                writeln!(out, "integrity: {}", check.integrity.join("; "))?;
                for (status, count) in &check.by_status {
                    writeln!(out, "{status}: {count}")?;
                }
                let gaps: Vec<String> = check
                    .runs
                    .iter()
                    .filter(|run| !run.contiguous)
                    .map(|run| run.id.to_string())
                    .collect();
                if !gaps.is_empty() {
                    writeln!(out, "runs with a gap in their epochs: {}", gaps.join(", "))?;
                }
            }
            if check.integrity != ["ok"] {
                anyhow::bail!("the history file failed SQLite's integrity check");
            }
        }
        HistoryAction::Show { id } => {
            let detail = store.attempt_detail(RunId(id))?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&detail)?)?;
            } else {
                write!(out, "{}", show(&detail))?;
            }
        }
        HistoryAction::Compare { left, right } => {
            let comparison = store.compare_attempts(RunId(left), RunId(right))?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&comparison)?)?;
                return Ok(());
            }
            writeln!(
                out,
                "--- attempt {left} ({})",
                comparison.left.summary.task_id
            )?;
            writeln!(
                out,
                "+++ attempt {right} ({})",
                comparison.right.summary.task_id
            )?;
            for row in &comparison.diff {
                let mark = match row.change {
                    DiffChange::Same => ' ',
                    DiffChange::Removed => '-',
                    DiffChange::Added => '+',
                };
                writeln!(out, "{mark} {}", row.text)?;
            }
            writeln!(
                out,
                "\n{:<24} {:>12} {:>12} {:>12}",
                "metric", left, right, "difference"
            )?;
            let number =
                |value: Option<f64>| value.map_or_else(|| "-".to_owned(), |v| format!("{v:.4}"));
            for (name, a, b) in &comparison.metrics {
                let difference = a.zip(*b).map(|(a, b)| b - a);
                writeln!(
                    out,
                    "{name:<24} {:>12} {:>12} {:>12}",
                    number(*a),
                    number(*b),
                    number(difference)
                )?;
            }
            let score = |detail: &AttemptDetail| {
                detail
                    .summary
                    .score
                    .map_or_else(|| "-".to_owned(), |s| format!("{s}/5"))
            };
            writeln!(
                out,
                "{:<24} {:>12} {:>12}",
                "score",
                score(&comparison.left),
                score(&comparison.right)
            )?;
        }
        HistoryAction::Export { out: file, ids } => {
            let ids: Vec<RunId> = ids.into_iter().map(RunId).collect();
            let text = store.export((!ids.is_empty()).then_some(ids.as_slice()))?;
            match file {
                Some(path) => {
                    std::fs::write(&path, &text)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!(
                        "wrote {} attempts to {}",
                        text.lines().count().saturating_sub(1),
                        path.display()
                    );
                }
                None => write!(out, "{text}")?,
            }
        }
        HistoryAction::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let summary = store.import(&text)?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&summary)?)?;
            } else {
                writeln!(
                    out,
                    "imported {} attempts, skipped {} already in the history",
                    summary.imported, summary.skipped
                )?;
            }
        }
    }
    Ok(())
}

pub fn mock(action: MockAction, json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let mut store = crate::open_store()?;
    // Closes a mock whose deadline has passed.
    store.running_mock()?;
    match action {
        MockAction::Start { minutes } => {
            if !dojo_protocol::MockRequest::LENGTHS.contains(&minutes) {
                anyhow::bail!("a mock lasts 300, 120 or 60 minutes, not {minutes}");
            }
            let seed = dojo_engine::practice::fresh_seed();
            let tasks: Vec<String> = dojo_engine::mock::draw(seed)
                .iter()
                .map(|task| task.id.to_owned())
                .collect();
            let mock = store.start_mock(minutes, seed, &tasks)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&mock)?)?;
            } else {
                writeln!(out, "{}", mock_line(&mock))?;
            }
        }
        MockAction::End { id, abandon } => {
            let status = match abandon {
                true => dojo_protocol::MockStatus::Abandoned,
                false => dojo_protocol::MockStatus::Finished,
            };
            let mock = store.end_mock(MockId(id), status)?;
            writeln!(out, "{}", mock_line(&mock))?;
        }
        MockAction::List => {
            let mocks = store.mocks()?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&mocks)?)?;
            } else if mocks.is_empty() {
                writeln!(out, "no mocks yet")?;
            } else {
                for mock in &mocks {
                    writeln!(out, "{}", mock_line(mock))?;
                }
            }
        }
        MockAction::Report { id } => {
            let mock = store.mock(MockId(id))?;
            let tasks = dojo_engine::mock::task_infos(&mock.tasks);
            let report = store.mock_report(MockId(id), &tasks)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
            } else {
                write!(out, "{}", report_text(&report))?;
            }
        }
    }
    Ok(())
}

fn mock_line(mock: &MockState) -> String {
    format!(
        "{:>4}  {:<9}  started {} UTC  {} min  tasks: {}",
        mock.id.0,
        mock.status.as_str(),
        utc_minute(mock.started_at),
        mock.minutes,
        mock.tasks.join(", ")
    )
}

/// Milliseconds as `H:MM`.
fn hours_minutes(ms: i64) -> String {
    let minutes = ms.max(0) / 60_000;
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

fn report_text(report: &MockReport) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    let _ = writeln!(text, "{}", mock_line(&report.mock));
    let revealed = report.private_percent.is_some();
    let _ = writeln!(
        text,
        "\n{:<3} {:<26} {:>8} {:>8} {:>12} {:>12} {:>5} {:>5} {:>7}",
        "k", "task", "public", "private", "public value", "private val", "runs", "subs", "first"
    );
    for task in &report.tasks {
        let (public, private, public_value, private_value) = match &task.best {
            Some(best) => (
                format!("{}/5", best.public_score),
                match revealed {
                    true => format!("{}/5", best.private_score),
                    false => "hidden".to_owned(),
                },
                format!("{:.4}", best.public_value),
                match revealed {
                    true => format!("{:.4}", best.private_value),
                    false => "hidden".to_owned(),
                },
            ),
            None => ("-".into(), "-".into(), "-".into(), "-".into()),
        };
        let _ = writeln!(
            text,
            "{:<3} {:<26} {:>8} {:>8} {:>12} {:>12} {:>5} {:>5} {:>7}",
            task.category,
            task.task_id,
            public,
            private,
            public_value,
            private_value,
            task.runs,
            task.submissions,
            task.first_submission_after_ms
                .map_or_else(|| "-".to_owned(), hours_minutes)
        );
    }
    let _ = writeln!(
        text,
        "\nweighted total (task k weighs k of 15): public {:.1} %",
        report.public_percent
    );
    match (report.private_percent, report.passed) {
        (Some(private), Some(passed)) => {
            let _ = writeln!(
                text,
                "private {private:.1} %: {} (pass line {:.0} %, a folk figure, not an official one)",
                if passed { "pass" } else { "not a pass" },
                report.pass_percent
            );
        }
        _ => {
            let _ = writeln!(text, "private scores are revealed when the mock ends");
        }
    }
    text
}

/// An attempt in full, as text.
fn show(detail: &AttemptDetail) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    let summary = &detail.summary;
    let _ = writeln!(text, "{}", history_line(summary));
    let _ = writeln!(
        text,
        "device {}; seed {}; Dojo {}; started {} UTC{}{}",
        summary.device,
        detail.seed,
        detail.dojo_version.as_deref().unwrap_or("(unknown)"),
        utc_minute(summary.started_at),
        summary
            .ended_at
            .map(|ended| format!(", {:.1} s", (ended - summary.started_at) as f64 / 1000.0))
            .unwrap_or_default(),
        summary
            .mock_id
            .map(|mock| format!("; mock {mock}"))
            .unwrap_or_default()
    );
    let _ = writeln!(text, "\n--- code\n{}", detail.code.trim_end());
    if !detail.epochs.is_empty() {
        let _ = writeln!(text, "\n--- epochs");
        for (index, logs) in detail.epochs.iter().enumerate() {
            let logs: Vec<String> = logs.iter().map(|(k, v)| format!("{k} {v:.4}")).collect();
            let _ = writeln!(text, "{:>4}  {}", index + 1, logs.join(", "));
        }
    }
    if !detail.batches.is_empty() {
        let _ = writeln!(text, "({} batch points kept)", detail.batches.len());
    }
    if !detail.console.is_empty() {
        let _ = writeln!(text, "\n--- console\n{}", detail.console.trim_end());
    }
    match &detail.grade {
        Some(grade) => text.push_str(&format_grade(grade)),
        None if detail.gradable => {
            let _ = writeln!(text, "\nnot submitted yet: submit it to see its grade");
        }
        None => {
            let _ = writeln!(text, "\nno graded model");
        }
    }
    text
}
