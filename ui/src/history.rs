//! What the History page shows of stored runs, independent of any view:
//! durations and metrics as text, the two runs picked for comparison, the
//! backend's diff laid out side by side, and metric differences.
//!
//! The backend filters, orders and pages the runs and computes the diff;
//! nothing here decides anything about a run.

use dojo_protocol::{AttemptSummary, DiffChange, DiffRow, Logs, RunId};

/// The key Keras logs the learning rate under; not a result worth a column.
const LEARNING_RATE: &str = "learning_rate";

/// How long a run took, or has taken so far: `42 s`, `4 min 05 s`,
/// `1 h 02 min`.
pub fn duration_text(ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    match (seconds / 3600, seconds / 60 % 60, seconds % 60) {
        (0, 0, seconds) => format!("{seconds} s"),
        (0, minutes, seconds) => format!("{minutes} min {seconds:02} s"),
        (hours, minutes, _) => format!("{hours} h {minutes:02} min"),
    }
}

/// A run's training time, once it has ended.
pub fn run_duration_ms(summary: &AttemptSummary) -> Option<i64> {
    summary.ended_at.map(|ended| ended - summary.started_at)
}

/// A metric value with four decimals (large values keep fewer).
pub fn value_text(value: f64) -> String {
    if value.abs() >= 1000.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.4}")
    }
}

/// A difference with its sign: `+0.0123`, `-1.5000`.
pub fn delta_text(value: f64) -> String {
    if value >= 0.0 {
        format!("+{}", value_text(value))
    } else {
        value_text(value)
    }
}

/// `B − A` of two values, when both exist.
pub fn delta(left: Option<f64>, right: Option<f64>) -> Option<f64> {
    Some(right? - left?)
}

/// A run's final logs in one line: `loss 0.3120 · val_loss 0.3541`.
pub fn metrics_text(logs: &Logs) -> String {
    logs.iter()
        .filter(|(key, _)| key.as_str() != LEARNING_RATE)
        .map(|(key, value)| format!("{key} {}", value_text(*value)))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Picks or unpicks `run` for comparison; at most two stay picked, the
/// oldest pick giving way.
pub fn toggle_pick(picks: &mut Vec<RunId>, run: RunId) {
    if let Some(at) = picks.iter().position(|picked| *picked == run) {
        picks.remove(at);
        return;
    }
    picks.push(run);
    if picks.len() > 2 {
        picks.remove(0);
    }
}

/// The two picked runs as A and B, the older run (the lower id) first, so
/// `B − A` reads as what changed since.
pub fn compared_pair(picks: &[RunId]) -> Option<(RunId, RunId)> {
    match picks {
        [first, second] => Some(((*first).min(*second), (*first).max(*second))),
        _ => None,
    }
}

/// `51–100 of 123 runs`.
pub fn page_label(offset: u32, rows: usize, total: u64) -> String {
    let runs = if total == 1 { "run" } else { "runs" };
    if rows == 0 {
        return format!("{total} {runs}");
    }
    let last = u64::from(offset) + rows as u64;
    format!("{}–{last} of {total} {runs}", u64::from(offset) + 1)
}

/// One side of a side-by-side row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    pub line: Option<u32>,
    pub text: String,
    pub change: DiffChange,
}

/// A row of the side-by-side table: a line on the left, on the right, or
/// the same line on both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideBySide {
    pub left: Option<Side>,
    pub right: Option<Side>,
}

/// Lays the backend's diff rows out side by side: unchanged lines on both
/// sides, and each stretch of changes with its removed lines on the left
/// next to its added lines on the right.
pub fn side_by_side(rows: &[DiffRow]) -> Vec<SideBySide> {
    let mut laid = Vec::new();
    let mut removed = Vec::new();
    let mut added = Vec::new();
    let flush = |laid: &mut Vec<SideBySide>, removed: &mut Vec<Side>, added: &mut Vec<Side>| {
        let height = removed.len().max(added.len());
        let mut removed = removed.drain(..);
        let mut added = added.drain(..);
        for _ in 0..height {
            laid.push(SideBySide {
                left: removed.next(),
                right: added.next(),
            });
        }
    };
    for row in rows {
        match row.change {
            DiffChange::Same => {
                flush(&mut laid, &mut removed, &mut added);
                let side = |line| Side {
                    line,
                    text: row.text.clone(),
                    change: DiffChange::Same,
                };
                laid.push(SideBySide {
                    left: Some(side(row.left_line)),
                    right: Some(side(row.right_line)),
                });
            }
            DiffChange::Removed => removed.push(Side {
                line: row.left_line,
                text: row.text.clone(),
                change: DiffChange::Removed,
            }),
            DiffChange::Added => added.push(Side {
                line: row.right_line,
                text: row.text.clone(),
                change: DiffChange::Added,
            }),
        }
    }
    flush(&mut laid, &mut removed, &mut added);
    laid
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(change: DiffChange, left: Option<u32>, right: Option<u32>, text: &str) -> DiffRow {
        DiffRow {
            change,
            left_line: left,
            right_line: right,
            text: text.into(),
        }
    }

    #[test]
    fn durations_and_values_read_plainly() {
        assert_eq!(duration_text(42_900), "42 s");
        assert_eq!(duration_text(245_000), "4 min 05 s");
        assert_eq!(duration_text(3_725_000), "1 h 02 min");
        assert_eq!(delta_text(0.5), "+0.5000");
        assert_eq!(delta_text(-0.25), "-0.2500");
        assert_eq!(delta(Some(1.0), Some(0.75)), Some(-0.25));
        assert_eq!(delta(None, Some(0.75)), None);
        let logs = Logs::from([
            ("loss".to_owned(), 0.312),
            ("learning_rate".to_owned(), 0.001),
            ("accuracy".to_owned(), 0.9),
        ]);
        assert_eq!(metrics_text(&logs), "accuracy 0.9000 · loss 0.3120");
        assert_eq!(page_label(50, 50, 123), "51–100 of 123 runs");
        assert_eq!(page_label(0, 0, 0), "0 runs");
        assert_eq!(page_label(0, 1, 1), "1–1 of 1 run");
    }

    #[test]
    fn at_most_two_runs_stay_picked_the_older_one_first() {
        let mut picks = Vec::new();
        toggle_pick(&mut picks, RunId(9));
        assert_eq!(compared_pair(&picks), None);
        toggle_pick(&mut picks, RunId(4));
        assert_eq!(compared_pair(&picks), Some((RunId(4), RunId(9))));
        toggle_pick(&mut picks, RunId(7));
        assert_eq!(picks, vec![RunId(4), RunId(7)]);
        toggle_pick(&mut picks, RunId(4));
        assert_eq!(picks, vec![RunId(7)]);
    }

    #[test]
    fn changed_lines_sit_next_to_each_other() {
        let rows = [
            row(
                DiffChange::Same,
                Some(1),
                Some(1),
                "import tensorflow as tf",
            ),
            row(DiffChange::Removed, Some(2), None, "epochs = 5"),
            row(DiffChange::Removed, Some(3), None, "lr = 0.1"),
            row(DiffChange::Added, None, Some(2), "epochs = 10"),
            row(DiffChange::Same, Some(4), Some(3), "model.fit()"),
            row(DiffChange::Added, None, Some(4), "print('done')"),
        ];
        let laid = side_by_side(&rows);
        let shape: Vec<(Option<u32>, Option<u32>)> = laid
            .iter()
            .map(|row| {
                (
                    row.left.as_ref().and_then(|side| side.line),
                    row.right.as_ref().and_then(|side| side.line),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                (Some(1), Some(1)),
                (Some(2), Some(2)),
                (Some(3), None),
                (Some(4), Some(3)),
                (None, Some(4)),
            ]
        );
        assert_eq!(
            laid[1].right.as_ref().map(|side| side.change),
            Some(DiffChange::Added)
        );
        assert!(laid[2].right.is_none());
    }
}
