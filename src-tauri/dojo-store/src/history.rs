//! The History page's reads (a filtered, sorted page of runs; one run in
//! full; two runs compared) and moving a history between machines
//! (export to JSON lines, import that skips runs already present).
//!
//! Paging is LIMIT/OFFSET over indexed columns and the page's rows skip
//! the large columns (code, console, grade, batch curve), so the first page
//! stays fast with tens of thousands of runs (`dojo bench history`).

use std::collections::BTreeSet;

use dojo_protocol::{
    AttemptComparison, AttemptDetail, BatchPoint, DiffChange, DiffRow, GradeReport, HistoryPage,
    HistoryQuery, HistorySort, ImportSummary, MockStatus, RunId, RunStatus, Submission,
};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::practice::{public_view, read_submission, summary};
use crate::runs::{encode, read_run};
use crate::{Error, Result, Store};

/// The first line of an exported history names its format.
pub const EXPORT_FORMAT: &str = "dojo-history/1";

/// [`RUN_COLUMNS`] without the large ones, for listing.
const LIST_COLUMNS: &str = "id, task_id, '', seed, device, started_at, ended_at, status, error, \
     metrics, NULL, NULL, dojo_version, mock_id, NULL, best_score, best_value, fingerprint";

impl Store {
    /// One page of runs matching `query`, and how many match in all.
    pub fn history_page(&self, query: &HistoryQuery) -> Result<HistoryPage> {
        let filter = "(?1 IS NULL OR task_id = ?1) AND (?2 IS NULL OR status = ?2)
             AND (?3 IS NULL OR best_score >= ?3) AND (?4 IS NULL OR mock_id = ?4)";
        let (descending, ascending) = match query.ascending {
            false => ("DESC", "ASC"),
            true => ("ASC", "DESC"),
        };
        let order = match query.sort {
            HistorySort::Started => format!("started_at {descending}, id {descending}"),
            // SQLite sorts NULL lowest: highest first puts unscored runs
            // last and walks the index backwards.
            HistorySort::Score if !query.ascending => {
                "best_score DESC, best_value DESC, started_at DESC, id DESC".to_owned()
            }
            HistorySort::Score => {
                "best_score ASC NULLS LAST, best_value ASC, started_at DESC, id DESC".to_owned()
            }
            HistorySort::Metric if !query.ascending => {
                "best_value DESC, started_at DESC, id DESC".to_owned()
            }
            HistorySort::Metric => "best_value ASC NULLS LAST, started_at DESC, id DESC".to_owned(),
            HistorySort::Duration => format!(
                "ended_at IS NULL, (ended_at - started_at) {descending}, started_at {ascending}, id DESC"
            ),
        };
        let limit = match query.limit {
            0 => HistoryQuery::DEFAULT_LIMIT,
            limit => limit.min(HistoryQuery::MAX_LIMIT),
        };
        let filters = params![
            query.task_id,
            query.status.map(RunStatus::as_str),
            query.min_score,
            query.mock_id.map(|mock| mock.0),
        ];
        let total: u64 = self.connection.query_row(
            &format!("SELECT COUNT(*) FROM runs WHERE {filter}"),
            filters,
            |row| row.get(0),
        )?;
        let mut statement = self.connection.prepare(&format!(
            "SELECT {LIST_COLUMNS} FROM runs WHERE {filter} ORDER BY {order} LIMIT ?5 OFFSET ?6"
        ))?;
        let rows = statement.query_map(
            params![
                query.task_id,
                query.status.map(RunStatus::as_str),
                query.min_score,
                query.mock_id.map(|mock| mock.0),
                limit,
                query.offset
            ],
            read_run,
        )?;
        let mut page = Vec::new();
        let mut skipped = Vec::new();
        for row in rows {
            // A row that cannot be read is reported, and the page goes on.
            match row?.and_then(|run| summary(&run)) {
                Ok(attempt) => page.push(attempt),
                Err(Error::Corrupt(problem)) => skipped.push(problem),
                Err(other) => return Err(other),
            }
        }
        Ok(HistoryPage {
            rows: page,
            total,
            skipped,
        })
    }

    /// Everything kept about one run. Its grade shows once it was
    /// submitted, as the public half's while its mock runs.
    pub fn attempt_detail(&mut self, id: RunId) -> Result<AttemptDetail> {
        let running_mock = self.running_mock()?.map(|mock| mock.id);
        let record = self.run(id)?;
        let in_running_mock = record.mock_id.is_some() && record.mock_id == running_mock;
        let grade: Option<GradeReport> = record
            .grade_json
            .as_deref()
            .map(|json| {
                serde_json::from_str(json)
                    .map_err(|error| Error::Corrupt(format!("grade of run {id}: {error}")))
            })
            .transpose()?;
        let mut statement = self.connection.prepare(
            "SELECT id, run_id, task_id, submitted_at, score, metric_value, report, mock_id
             FROM submissions WHERE run_id = ?1 ORDER BY submitted_at, id",
        )?;
        let submissions = statement
            .query_map(params![id.0], read_submission)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let hide = |report: GradeReport| match in_running_mock {
            true => public_view(&report),
            false => report,
        };
        let mut shown = Vec::with_capacity(submissions.len());
        for submission in &submissions {
            let report: GradeReport =
                serde_json::from_str(&submission.report_json).map_err(|error| {
                    Error::Corrupt(format!("grade of submission {}: {error}", submission.id))
                })?;
            shown.push(Submission {
                id: submission.id,
                run_id: id,
                task_id: submission.task_id.clone(),
                submitted_at: submission.submitted_at_ms,
                report: hide(report),
                mock_id: submission.mock_id,
            });
        }
        let epochs = record
            .epochs
            .iter()
            .map(|(epoch, json)| {
                crate::runs::parse_logs(json).map_err(|error| {
                    Error::Corrupt(format!("logs of epoch {epoch} of run {id}: {error}"))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let batches: Vec<BatchPoint> = match &record.batches_json {
            Some(json) => serde_json::from_str(json)
                .map_err(|error| Error::Corrupt(format!("batch curve of run {id}: {error}")))?,
            None => Vec::new(),
        };
        Ok(AttemptDetail {
            summary: summary(&record)?,
            code: record.code.clone(),
            seed: record.seed,
            dojo_version: record.dojo_version.clone(),
            console: record.console.clone().unwrap_or_default(),
            epochs,
            batches,
            gradable: grade.is_some(),
            grade: grade.filter(|_| !submissions.is_empty()).map(hide),
            submissions: shown,
        })
    }

    /// Two runs side by side: their code's line diff and final metrics.
    pub fn compare_attempts(&mut self, left: RunId, right: RunId) -> Result<AttemptComparison> {
        let left = self.attempt_detail(left)?;
        let right = self.attempt_detail(right)?;
        let diff = diff_lines(&left.code, &right.code);
        let names: BTreeSet<&String> = left
            .summary
            .final_logs
            .keys()
            .chain(right.summary.final_logs.keys())
            .collect();
        let metrics = names
            .into_iter()
            .map(|name| {
                (
                    name.clone(),
                    left.summary.final_logs.get(name).copied(),
                    right.summary.final_logs.get(name).copied(),
                )
            })
            .collect();
        Ok(AttemptComparison {
            left,
            right,
            diff,
            metrics,
        })
    }

    /// The runs `ids` (every run when `None`), oldest first, as JSON lines:
    /// a header naming [`EXPORT_FORMAT`], then one line per run with its
    /// code, epochs, batch curve, console, grade and submissions.
    pub fn export(&self, ids: Option<&[RunId]>) -> Result<String> {
        let ids: Vec<RunId> = match ids {
            Some(ids) => ids.to_vec(),
            None => {
                let mut statement = self
                    .connection
                    .prepare("SELECT id FROM runs ORDER BY started_at, id")?;
                statement
                    .query_map([], |row| Ok(RunId(row.get(0)?)))?
                    .collect::<rusqlite::Result<_>>()?
            }
        };
        let mut out = encode(
            &Header {
                format: EXPORT_FORMAT.to_owned(),
                runs: ids.len(),
            },
            "export header",
        )?;
        out.push('\n');
        let mut submissions = self.connection.prepare(
            "SELECT id, run_id, task_id, submitted_at, score, metric_value, report, mock_id
             FROM submissions WHERE run_id = ?1 ORDER BY submitted_at, id",
        )?;
        for id in ids {
            let run = self.run(id)?;
            let json = |text: &str, what: &str| {
                serde_json::from_str::<serde_json::Value>(text)
                    .map_err(|error| Error::Corrupt(format!("{what} of run {id}: {error}")))
            };
            let exported = ExportedRun {
                fingerprint: run
                    .fingerprint
                    .clone()
                    .unwrap_or_else(|| format!("run-{}-{}", run.started_at_ms, run.id)),
                task_id: run.task_id.clone(),
                code: run.code.clone(),
                seed: run.seed,
                device: run.device.clone(),
                dojo_version: run.dojo_version.clone(),
                started_at: run.started_at_ms,
                ended_at: run.ended_at_ms,
                status: run.status,
                error: run.error.clone(),
                metrics: run
                    .metrics_json
                    .as_deref()
                    .map(|m| json(m, "metrics"))
                    .transpose()?,
                console: run.console.clone(),
                grade: run
                    .grade_json
                    .as_deref()
                    .map(|g| json(g, "grade"))
                    .transpose()?,
                batches: run
                    .batches_json
                    .as_deref()
                    .map(|b| json(b, "batches"))
                    .transpose()?,
                epochs: run
                    .epochs
                    .iter()
                    .map(|(_, logs)| json(logs, "epoch logs"))
                    .collect::<Result<_>>()?,
                submissions: submissions
                    .query_map(params![id.0], read_submission)?
                    .map(|row| {
                        let row = row?;
                        Ok(ExportedSubmission {
                            submitted_at: row.submitted_at_ms,
                            score: row.score,
                            metric_value: row.metric_value,
                            report: json(&row.report_json, "submission")?,
                        })
                    })
                    .collect::<Result<_>>()?,
            };
            out.push_str(&encode(&exported, "exported run")?);
            out.push('\n');
        }
        Ok(out)
    }

    /// Adds the runs of an exported history. A run already here (same
    /// fingerprint) is skipped, so importing a file twice adds nothing;
    /// the whole import is one transaction, so a bad line adds nothing.
    /// Imported runs belong to no mock.
    pub fn import(&mut self, text: &str) -> Result<ImportSummary> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty());
        let header: Header = match lines.next() {
            Some((_, line)) => serde_json::from_str(line).map_err(|_| Error::Import {
                line: 1,
                message: format!("not a Dojo history file (expected a {EXPORT_FORMAT} header)"),
            })?,
            None => {
                return Err(Error::Import {
                    line: 1,
                    message: "the file is empty".to_owned(),
                });
            }
        };
        if header.format != EXPORT_FORMAT {
            return Err(Error::Import {
                line: 1,
                message: format!(
                    "format {:?} is not one this Dojo reads ({EXPORT_FORMAT})",
                    header.format
                ),
            });
        }
        let mut summary = ImportSummary::default();
        let transaction = self.connection.transaction()?;
        for (index, line) in lines {
            let bad = |message: String| Error::Import {
                line: index + 1,
                message,
            };
            let run: ExportedRun =
                serde_json::from_str(line).map_err(|error| bad(error.to_string()))?;
            let present: Option<i64> = transaction
                .query_row(
                    "SELECT id FROM runs WHERE fingerprint = ?1",
                    params![run.fingerprint],
                    |row| row.get(0),
                )
                .optional()?;
            if present.is_some() {
                summary.skipped += 1;
                continue;
            }
            let text = |value: &Option<serde_json::Value>| value.as_ref().map(|v| v.to_string());
            let status = match run.status {
                RunStatus::Running => RunStatus::Interrupted,
                status => status,
            };
            let best = run
                .submissions
                .iter()
                .max_by_key(|submission| submission.score)
                .map(|submission| (submission.score, submission.metric_value));
            transaction.execute(
                "INSERT INTO runs (task_id, code, seed, device, started_at, ended_at, status, error,
                     metrics, console, grade, dojo_version, best_score, best_value, fingerprint)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                params![
                    run.task_id,
                    run.code,
                    run.seed as i64,
                    run.device,
                    run.started_at,
                    run.ended_at,
                    status.as_str(),
                    run.error,
                    text(&run.metrics),
                    run.console,
                    text(&run.grade),
                    run.dojo_version,
                    best.map(|(score, _)| score),
                    best.map(|(_, value)| value),
                    run.fingerprint,
                ],
            )?;
            let id = transaction.last_insert_rowid();
            if let Some(points) = text(&run.batches) {
                transaction.execute(
                    "INSERT INTO run_batches (run_id, points) VALUES (?1, ?2)",
                    params![id, points],
                )?;
            }
            for (epoch, logs) in run.epochs.iter().enumerate() {
                transaction.execute(
                    "INSERT INTO run_epochs (run_id, epoch, logs) VALUES (?1, ?2, ?3)",
                    params![id, epoch as i64, logs.to_string()],
                )?;
            }
            for submission in &run.submissions {
                if submission.score > 5 {
                    return Err(bad(format!(
                        "a score of {} is not 0 to 5",
                        submission.score
                    )));
                }
                transaction.execute(
                    "INSERT INTO submissions
                         (run_id, task_id, submitted_at, score, metric_value, report)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        id,
                        run.task_id,
                        submission.submitted_at,
                        submission.score,
                        submission.metric_value,
                        submission.report.to_string()
                    ],
                )?;
            }
            summary.imported += 1;
        }
        transaction.commit()?;
        Ok(summary)
    }

    /// Whether a mock is finished, for callers that reveal its grades.
    pub fn mock_is_over(&self, id: dojo_protocol::MockId) -> Result<bool> {
        Ok(self.mock(id)?.status != MockStatus::Running)
    }
}

/// A side-by-side line diff of two programs.
pub fn diff_lines(left: &str, right: &str) -> Vec<DiffRow> {
    let diff = similar::TextDiff::from_lines(left, right);
    diff.iter_all_changes()
        .map(|change| DiffRow {
            change: match change.tag() {
                similar::ChangeTag::Equal => DiffChange::Same,
                similar::ChangeTag::Delete => DiffChange::Removed,
                similar::ChangeTag::Insert => DiffChange::Added,
            },
            left_line: change.old_index().map(|index| index as u32 + 1),
            right_line: change.new_index().map(|index| index as u32 + 1),
            text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
        })
        .collect()
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    runs: usize,
}

#[derive(Serialize, Deserialize)]
struct ExportedRun {
    fingerprint: String,
    task_id: String,
    code: String,
    seed: u64,
    device: String,
    dojo_version: Option<String>,
    started_at: i64,
    ended_at: Option<i64>,
    status: RunStatus,
    error: Option<String>,
    metrics: Option<serde_json::Value>,
    console: Option<String>,
    grade: Option<serde_json::Value>,
    batches: Option<serde_json::Value>,
    epochs: Vec<serde_json::Value>,
    submissions: Vec<ExportedSubmission>,
}

#[derive(Serialize, Deserialize)]
struct ExportedSubmission {
    submitted_at: i64,
    score: u8,
    metric_value: f64,
    report: serde_json::Value,
}

/// What [`Store::check`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreCheck {
    /// `PRAGMA integrity_check`'s answer: `["ok"]` for a sound file.
    pub integrity: Vec<String>,
    /// How many runs are in each status.
    pub by_status: std::collections::BTreeMap<String, u64>,
    /// Every run, by id.
    pub runs: Vec<CheckedRun>,
}

/// One run as [`Store::check`] found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedRun {
    pub id: i64,
    pub status: String,
    pub seed: i64,
    /// How many epochs are stored.
    pub epochs: u32,
    /// Whether the stored epochs are 0..n without a gap.
    pub contiguous: bool,
}

impl Store {
    /// A full check of the history file (`integrity_check`, slower than
    /// the `quick_check` every open runs) and of the runs' bookkeeping:
    /// for the kill-9 soak and `dojo history check`.
    pub fn check(&self) -> Result<StoreCheck> {
        let integrity = self
            .connection
            .prepare("PRAGMA integrity_check")?
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut by_status = std::collections::BTreeMap::new();
        let mut runs = Vec::new();
        let mut statement = self.connection.prepare(
            "SELECT runs.id, runs.status, runs.seed, COUNT(run_epochs.epoch), MAX(run_epochs.epoch)
             FROM runs LEFT JOIN run_epochs ON run_epochs.run_id = runs.id
             GROUP BY runs.id ORDER BY runs.id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, u32>(3)?,
                row.get::<_, Option<u32>>(4)?,
            ))
        })?;
        for row in rows {
            let (id, status, seed, epochs, last) = row?;
            *by_status.entry(status.clone()).or_insert(0) += 1;
            runs.push(CheckedRun {
                id,
                status,
                seed,
                epochs,
                contiguous: last.map_or(epochs == 0, |last| last + 1 == epochs),
            });
        }
        Ok(StoreCheck {
            integrity,
            by_status,
            runs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runs::tests::{sample_run, set_grade_json, store};
    use crate::{NewRun, RunEnd};

    fn finished(store: &mut Store, task: &str, code: &str, loss: f64) -> RunId {
        let run = store
            .start_run(&NewRun {
                task_id: task.into(),
                code: code.into(),
                ..sample_run()
            })
            .unwrap();
        store
            .record_epoch(run, 0, &format!(r#"{{"loss":{loss}}}"#))
            .unwrap();
        store
            .finish_run(
                run,
                &RunEnd {
                    final_logs: [("loss".to_owned(), loss)].into(),
                    batches: vec![BatchPoint {
                        step: 0,
                        fit: 1,
                        epoch: 0,
                        logs: [("loss".to_owned(), loss * 2.0)].into(),
                    }],
                    ..RunEnd::status(RunStatus::Finished)
                },
            )
            .unwrap();
        set_grade_json(store, run, &report(task, 4, 0.5));
        run
    }

    fn report(task: &str, score: u8, value: f64) -> String {
        serde_json::to_string(&GradeReport {
            task_id: task.into(),
            metric: dojo_protocol::Metric::Accuracy,
            value,
            score,
            thresholds: dojo_protocol::Thresholds {
                metric: dojo_protocol::Metric::Accuracy,
                levels: [0.0; 4],
            },
            samples: 10,
            classes: Vec::new(),
            confusion: Vec::new(),
            notes: Vec::new(),
            halves: None,
        })
        .unwrap()
    }

    #[test]
    fn a_page_filters_sorts_and_counts() {
        let (_dir, mut store) = store();
        let a = finished(&mut store, "fashion_mnist", "a", 1.0);
        let b = finished(&mut store, "fashion_mnist", "b", 2.0);
        let c = finished(&mut store, "sunspots", "c", 3.0);
        store.submit_run(a, 3, 0.8).unwrap();
        store.submit_run(b, 5, 0.9).unwrap();
        store.submit_run(c, 4, 20.0).unwrap();
        let failed = store.start_run(&sample_run()).unwrap();
        store
            .finish_run(failed, &RunEnd::status(RunStatus::Failed))
            .unwrap();

        let ids = |query: HistoryQuery| -> Vec<RunId> {
            store
                .history_page(&query)
                .unwrap()
                .rows
                .iter()
                .map(|row| row.run_id)
                .collect()
        };
        assert_eq!(ids(HistoryQuery::default()), vec![failed, c, b, a]);
        let by_score = HistoryQuery {
            sort: HistorySort::Score,
            ..HistoryQuery::default()
        };
        assert_eq!(
            ids(by_score.clone()),
            vec![b, c, a, failed],
            "unscored last"
        );
        assert_eq!(
            ids(HistoryQuery {
                task_id: Some("fashion_mnist".into()),
                min_score: Some(4),
                ..by_score
            }),
            vec![b]
        );
        assert_eq!(
            ids(HistoryQuery {
                status: Some(RunStatus::Failed),
                ..HistoryQuery::default()
            }),
            vec![failed]
        );
        let page = store
            .history_page(&HistoryQuery {
                limit: 2,
                offset: 2,
                ..HistoryQuery::default()
            })
            .unwrap();
        assert_eq!(page.total, 4);
        assert_eq!(
            page.rows.iter().map(|row| row.run_id).collect::<Vec<_>>(),
            vec![b, a]
        );
        assert_eq!(page.rows[0].score, Some(5));
        assert_eq!(page.rows[0].metric_value, Some(0.9));
    }

    #[test]
    fn the_detail_holds_code_curves_and_the_submitted_grade() {
        let (_dir, mut store) = store();
        let run = finished(&mut store, "fashion_mnist", "x = 1\n", 0.5);
        set_grade_json(&store, run, &report("fashion_mnist", 5, 0.9));
        let before = store.attempt_detail(run).unwrap();
        assert_eq!(before.code, "x = 1\n");
        assert_eq!(before.epochs[0]["loss"], 0.5);
        assert_eq!(before.batches[0].logs["loss"], 1.0);
        assert!(before.gradable);
        assert_eq!(before.grade, None, "the grade shows once submitted");
        assert_eq!(before.dojo_version.as_deref(), Some("0.1.0"));
        store.submit(run).unwrap();
        let after = store.attempt_detail(run).unwrap();
        assert_eq!(after.grade.map(|g| g.score), Some(5));
        assert_eq!(after.submissions.len(), 1);
    }

    #[test]
    fn comparing_diffs_the_code_line_by_line() {
        let (_dir, mut store) = store();
        let left = finished(&mut store, "sunspots", "a = 1\nb = 2\nc = 3\n", 1.0);
        let right = finished(&mut store, "sunspots", "a = 1\nb = 20\nc = 3\nd = 4\n", 2.0);
        let comparison = store.compare_attempts(left, right).unwrap();
        let changes: Vec<(DiffChange, Option<u32>, Option<u32>, &str)> = comparison
            .diff
            .iter()
            .map(|row| (row.change, row.left_line, row.right_line, row.text.as_str()))
            .collect();
        assert_eq!(
            changes,
            vec![
                (DiffChange::Same, Some(1), Some(1), "a = 1"),
                (DiffChange::Removed, Some(2), None, "b = 2"),
                (DiffChange::Added, None, Some(2), "b = 20"),
                (DiffChange::Same, Some(3), Some(3), "c = 3"),
                (DiffChange::Added, None, Some(4), "d = 4"),
            ]
        );
        assert_eq!(
            comparison.metrics,
            vec![("loss".to_owned(), Some(1.0), Some(2.0))]
        );
    }

    #[test]
    fn export_then_import_twice_adds_each_run_once() {
        let (_dir, mut source) = store();
        let run = finished(&mut source, "fashion_mnist", "model = 1\n", 0.25);
        source.submit_run(run, 4, 0.85).unwrap();
        finished(&mut source, "sunspots", "y = 2\n", 9.0);
        let file = source.export(None).unwrap();
        assert!(file.starts_with(&format!(r#"{{"format":"{EXPORT_FORMAT}""#)));

        let (_other, mut target) = store();
        let first = target.import(&file).unwrap();
        assert_eq!((first.imported, first.skipped), (2, 0));
        let again = target.import(&file).unwrap();
        assert_eq!((again.imported, again.skipped), (0, 2));
        let page = target.history_page(&HistoryQuery::default()).unwrap();
        assert_eq!(page.total, 2);
        let imported = page
            .rows
            .iter()
            .find(|row| row.task_id == "fashion_mnist")
            .unwrap();
        assert_eq!(imported.score, Some(4));
        let detail = target.attempt_detail(imported.run_id).unwrap();
        assert_eq!(detail.code, "model = 1\n");
        assert_eq!(detail.epochs[0]["loss"], 0.25);
        assert_eq!(detail.batches.len(), 1);
        // Re-importing into the source adds nothing either.
        assert_eq!(source.import(&file).unwrap().imported, 0);
    }

    #[test]
    fn a_bad_import_names_the_line_and_adds_nothing() {
        let (_dir, mut store) = store();
        assert!(matches!(
            store.import("hello"),
            Err(Error::Import { line: 1, .. })
        ));
        let (_source_dir, mut source) = crate::runs::tests::store();
        finished(&mut source, "sunspots", "a\n", 1.0);
        let mut file = source.export(None).unwrap();
        file.push_str("{\"not\": \"a run\"}\n");
        let error = store.import(&file).unwrap_err();
        assert!(matches!(error, Error::Import { line: 3, .. }), "{error}");
        assert_eq!(
            store.history_page(&HistoryQuery::default()).unwrap().total,
            0
        );
    }
}
