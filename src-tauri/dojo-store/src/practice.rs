//! Submissions, drafts and the per-task record the home screen shows.
//!
//! A submission copies the grade a run stored when it ended, so it stays as
//! graded even if grading changes later. Drafts are the editor's unsaved
//! code, one per task, overwritten on every save.

use dojo_protocol::{AttemptSummary, GradeReport, Logs, MockId, Submission, TaskStats};
use rusqlite::{OptionalExtension, params};

use crate::{Error, Result, RunId, Store};

/// A stored submission.
#[derive(Debug, Clone, PartialEq)]
pub struct SubmissionRecord {
    pub id: i64,
    pub run_id: RunId,
    pub task_id: String,
    pub submitted_at_ms: i64,
    pub score: u8,
    pub metric_value: f64,
    pub report_json: String,
    pub mock_id: Option<MockId>,
}

/// The grade as a candidate sees it during a mock: the public half's
/// metric and score, without the per-class breakdown (which would tell
/// about the private half).
pub fn public_view(report: &GradeReport) -> GradeReport {
    let Some(halves) = report.halves else {
        return report.clone();
    };
    let mut notes = report.notes.clone();
    notes.push(format!(
        "during the mock you see the public half of the hidden split ({} examples); the private half's score is revealed in the mock's report",
        report.samples.div_ceil(2)
    ));
    GradeReport {
        value: halves.public_value,
        score: halves.public_score,
        samples: report.samples.div_ceil(2),
        classes: Vec::new(),
        confusion: Vec::new(),
        notes,
        halves: None,
        ..report.clone()
    }
}

/// One task's attempts and best submission.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRecord {
    pub task_id: String,
    /// Runs started, whatever their end.
    pub attempts: u32,
    pub submissions: u32,
    pub best_score: Option<u8>,
    /// The metric of the best submission: highest score, then best value.
    pub best_value: Option<f64>,
}

impl Store {
    /// Submits a run's graded model: records a submission carrying the grade
    /// the run stored when it ended. `score` and `metric_value` are the
    /// grade's, given by the caller, which knows the report's shape.
    pub fn submit_run(
        &mut self,
        run: RunId,
        score: u8,
        metric_value: f64,
    ) -> Result<SubmissionRecord> {
        self.insert_submission(run, score, metric_value, None)
    }

    fn insert_submission(
        &mut self,
        run: RunId,
        score: u8,
        metric_value: f64,
        mock: Option<MockId>,
    ) -> Result<SubmissionRecord> {
        let submitted_at_ms = self.now_ms();
        let transaction = self.connection.transaction()?;
        let found: Option<(String, Option<String>)> = transaction
            .query_row(
                "SELECT task_id, grade FROM runs WHERE id = ?1",
                params![run.0],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let (task_id, grade) = found.ok_or(Error::RunNotFound(run.0))?;
        let report_json = grade.ok_or(Error::NotGradable(run.0))?;
        transaction.execute(
            "INSERT INTO submissions
                 (run_id, task_id, submitted_at, score, metric_value, report, mock_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                run.0,
                task_id,
                submitted_at_ms,
                score,
                metric_value,
                report_json,
                mock.map(|mock| mock.0)
            ],
        )?;
        let id = transaction.last_insert_rowid();
        // A run's grade is fixed, so every submission of it shows the same
        // score; the best one is kept on the run for the History page.
        transaction.execute(
            "UPDATE runs SET best_score = ?2, best_value = ?3
             WHERE id = ?1 AND (best_score IS NULL OR best_score <= ?2)",
            params![run.0, score, metric_value],
        )?;
        transaction.commit()?;
        Ok(SubmissionRecord {
            id,
            run_id: run,
            task_id,
            submitted_at_ms,
            score,
            metric_value,
            report_json,
            mock_id: mock,
        })
    }

    /// Submits a run's stored grade report (see [`Store::submit_run`]).
    /// A run of the mock in progress counts for the mock and shows only its
    /// public half's score; after the deadline it is a practice submission.
    pub fn submit(&mut self, run: RunId) -> Result<Submission> {
        let grade = self.run_grade(run)?.ok_or(Error::NotGradable(run.0))?;
        let report: GradeReport = serde_json::from_str(&grade)
            .map_err(|error| Error::Corrupt(format!("grade of run {run}: {error}")))?;
        let mock = self.run_mock(run)?;
        let mock = match mock {
            Some(mock) => self.running_mock()?.filter(|running| running.id == mock),
            None => None,
        };
        let shown = match mock {
            Some(_) => public_view(&report),
            None => report,
        };
        let record =
            self.insert_submission(run, shown.score, shown.value, mock.map(|mock| mock.id))?;
        Ok(Submission {
            id: record.id,
            run_id: run,
            task_id: record.task_id,
            submitted_at: record.submitted_at_ms,
            report: shown,
            mock_id: record.mock_id,
        })
    }

    fn run_mock(&self, run: RunId) -> Result<Option<MockId>> {
        let mock: Option<Option<i64>> = self
            .connection
            .query_row(
                "SELECT mock_id FROM runs WHERE id = ?1",
                params![run.0],
                |row| row.get(0),
            )
            .optional()?;
        Ok(mock.ok_or(Error::RunNotFound(run.0))?.map(MockId))
    }

    /// [`Store::task_records`] as the home screen's wire type.
    pub fn task_stats(&self, tasks: &[(&str, bool)]) -> Result<Vec<TaskStats>> {
        Ok(self
            .task_records(tasks)?
            .into_iter()
            .map(|record| TaskStats {
                task_id: record.task_id,
                attempts: record.attempts,
                submissions: record.submissions,
                best_score: record.best_score,
                best_value: record.best_value,
            })
            .collect())
    }

    /// Runs, newest first, optionally of one task, with each run's best
    /// submitted score.
    pub fn attempts(&self, task_id: Option<&str>) -> Result<Vec<AttemptSummary>> {
        let mut attempts = Vec::new();
        for run in self.list_runs(task_id)? {
            match summary(&run) {
                Ok(attempt) => attempts.push(attempt),
                Err(Error::Corrupt(problem)) => self.skip_row(problem),
                Err(other) => return Err(other),
            }
        }
        Ok(attempts)
    }

    /// Saves `code` as a task's draft and keeps the draft it replaces one
    /// step back ([`Store::previous_draft`]): reopening a past attempt over
    /// the editor's text loses nothing.
    pub fn replace_draft(&mut self, task_id: &str, code: &str) -> Result<()> {
        self.connection.execute(
            "INSERT INTO drafts (task_id, code, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (task_id) DO UPDATE SET previous = drafts.code,
                 code = excluded.code, updated_at = excluded.updated_at",
            params![task_id, code, self.now_ms()],
        )?;
        Ok(())
    }

    /// The draft the last [`Store::replace_draft`] replaced.
    pub fn previous_draft(&self, task_id: &str) -> Result<Option<String>> {
        Ok(self
            .connection
            .query_row(
                "SELECT previous FROM drafts WHERE task_id = ?1",
                params![task_id],
                |row| row.get(0),
            )
            .optional()?
            .flatten())
    }

    /// The grade report a run stored when it ended, if any.
    pub fn run_grade(&self, run: RunId) -> Result<Option<String>> {
        self.connection
            .query_row(
                "SELECT grade FROM runs WHERE id = ?1",
                params![run.0],
                |row| row.get(0),
            )
            .optional()?
            .ok_or(Error::RunNotFound(run.0))
    }

    /// Submissions, newest first, optionally of one task.
    pub fn submissions(&self, task_id: Option<&str>) -> Result<Vec<SubmissionRecord>> {
        let mut statement = self.connection.prepare(
            "SELECT id, run_id, task_id, submitted_at, score, metric_value, report, mock_id
             FROM submissions WHERE ?1 IS NULL OR task_id = ?1
             ORDER BY submitted_at DESC, id DESC",
        )?;
        let rows = statement.query_map(params![task_id], read_submission)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The record of each task in `tasks`, given as `(task_id,
    /// higher_is_better)` so the best value can be chosen among equal scores.
    pub fn task_records(&self, tasks: &[(&str, bool)]) -> Result<Vec<TaskRecord>> {
        let mut records = Vec::with_capacity(tasks.len());
        for &(task_id, higher_is_better) in tasks {
            let attempts: u32 = self.connection.query_row(
                "SELECT COUNT(*) FROM runs WHERE task_id = ?1",
                params![task_id],
                |row| row.get(0),
            )?;
            let submissions: u32 = self.connection.query_row(
                "SELECT COUNT(*) FROM submissions WHERE task_id = ?1",
                params![task_id],
                |row| row.get(0),
            )?;
            let order = if higher_is_better { "DESC" } else { "ASC" };
            let best: Option<(u8, f64)> = self
                .connection
                .query_row(
                    &format!(
                        "SELECT score, metric_value FROM submissions WHERE task_id = ?1
                         ORDER BY score DESC, metric_value {order} LIMIT 1"
                    ),
                    params![task_id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            records.push(TaskRecord {
                task_id: task_id.to_owned(),
                attempts,
                submissions,
                best_score: best.map(|(score, _)| score),
                best_value: best.map(|(_, value)| value),
            });
        }
        Ok(records)
    }

    /// Saves the editor's code for a task, replacing the previous draft.
    pub fn save_draft(&mut self, task_id: &str, code: &str) -> Result<()> {
        self.connection.execute(
            "INSERT INTO drafts (task_id, code, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (task_id) DO UPDATE SET code = excluded.code, updated_at = excluded.updated_at",
            params![task_id, code, self.now_ms()],
        )?;
        Ok(())
    }

    /// The saved draft of a task.
    pub fn draft(&self, task_id: &str) -> Result<Option<String>> {
        Ok(self
            .connection
            .query_row(
                "SELECT code FROM drafts WHERE task_id = ?1",
                params![task_id],
                |row| row.get(0),
            )
            .optional()?)
    }
}

/// Reads a `submissions` row selected as `id, run_id, task_id,
/// submitted_at, score, metric_value, report, mock_id`.
pub(crate) fn read_submission(row: &rusqlite::Row<'_>) -> rusqlite::Result<SubmissionRecord> {
    Ok(SubmissionRecord {
        id: row.get(0)?,
        run_id: RunId(row.get(1)?),
        task_id: row.get(2)?,
        submitted_at_ms: row.get(3)?,
        score: row.get(4)?,
        metric_value: row.get(5)?,
        report_json: row.get(6)?,
        mock_id: row.get::<_, Option<i64>>(7)?.map(MockId),
    })
}

/// A stored run as a list shows it.
pub(crate) fn summary(run: &crate::RunRecord) -> Result<AttemptSummary> {
    let final_logs: Logs = match &run.metrics_json {
        Some(json) => crate::runs::parse_logs(json)
            .map_err(|error| Error::Corrupt(format!("metrics of run {}: {error}", run.id)))?,
        None => Logs::new(),
    };
    Ok(AttemptSummary {
        run_id: run.id,
        task_id: run.task_id.clone(),
        status: run.status,
        device: run.device.clone(),
        started_at: run.started_at_ms,
        ended_at: run.ended_at_ms,
        error: run.error.clone(),
        final_logs,
        score: run.best_score,
        metric_value: run.best_value,
        mock_id: run.mock_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runs::tests::{sample_run, set_grade_json, store};
    use crate::{RunEnd, RunStatus};

    fn graded_run(store: &mut Store, grade: Option<&str>) -> RunId {
        let id = store.start_run(&sample_run()).unwrap();
        store
            .finish_run(id, &RunEnd::status(RunStatus::Finished))
            .unwrap();
        if let Some(grade) = grade {
            set_grade_json(store, id, grade);
        }
        id
    }

    #[test]
    fn a_submission_copies_the_runs_grade() {
        let (_dir, mut store) = store();
        let run = graded_run(&mut store, Some(r#"{"score":3}"#));
        let submission = store.submit_run(run, 3, 0.87).unwrap();
        assert_eq!(submission.report_json, r#"{"score":3}"#);
        assert_eq!(submission.task_id, "fashion_mnist");
        assert_eq!(
            store.submissions(Some("fashion_mnist")).unwrap(),
            vec![submission]
        );
        assert!(store.submissions(Some("sunspots")).unwrap().is_empty());
    }

    #[test]
    fn a_run_without_a_grade_cannot_be_submitted() {
        let (_dir, mut store) = store();
        let run = graded_run(&mut store, None);
        assert!(matches!(
            store.submit_run(run, 0, 0.0),
            Err(Error::NotGradable(_))
        ));
        assert!(matches!(
            store.submit_run(RunId(404), 0, 0.0),
            Err(Error::RunNotFound(404))
        ));
        assert!(store.submissions(None).unwrap().is_empty());
    }

    #[test]
    fn task_records_count_attempts_and_pick_the_best_submission() {
        let (_dir, mut store) = store();
        let first = graded_run(&mut store, Some("{}"));
        let second = graded_run(&mut store, Some("{}"));
        let third = graded_run(&mut store, Some("{}"));
        store.start_run(&sample_run()).unwrap(); // still running: an attempt, no submission
        store.submit_run(first, 4, 0.88).unwrap();
        store.submit_run(second, 4, 0.90).unwrap();
        store.submit_run(third, 2, 0.95).unwrap(); // a lower score never wins on value

        let records = store
            .task_records(&[("fashion_mnist", true), ("sunspots", false)])
            .unwrap();
        assert_eq!(records[0].attempts, 4);
        assert_eq!(records[0].submissions, 3);
        assert_eq!(records[0].best_score, Some(4));
        assert_eq!(records[0].best_value, Some(0.90));
        assert_eq!(
            records[1],
            TaskRecord {
                task_id: "sunspots".into(),
                attempts: 0,
                submissions: 0,
                best_score: None,
                best_value: None,
            }
        );
        // Lower is better: the smaller error wins among equal scores.
        let lower = store.task_records(&[("fashion_mnist", false)]).unwrap();
        assert_eq!(lower[0].best_value, Some(0.88));
    }

    fn report(score: u8, value: f64) -> String {
        serde_json::to_string(&GradeReport {
            task_id: "fashion_mnist".into(),
            metric: dojo_protocol::Metric::Accuracy,
            value,
            score,
            thresholds: dojo_protocol::Thresholds {
                metric: dojo_protocol::Metric::Accuracy,
                levels: [0.6, 0.7, 0.8, 0.88],
            },
            samples: 5000,
            classes: Vec::new(),
            confusion: Vec::new(),
            notes: Vec::new(),
            halves: None,
        })
        .unwrap()
    }

    #[test]
    fn submit_reads_the_stored_report_and_attempts_show_the_score() {
        let (_dir, mut store) = store();
        let graded = graded_run(&mut store, Some(&report(4, 0.85)));
        let failed = store.start_run(&sample_run()).unwrap();
        store
            .finish_run(
                failed,
                &RunEnd {
                    error: Some("NameError: name 'x' is not defined".to_owned()),
                    ..RunEnd::status(RunStatus::Failed)
                },
            )
            .unwrap();
        let submission = store.submit(graded).unwrap();
        assert_eq!(
            (submission.report.score, submission.report.value),
            (4, 0.85)
        );
        assert!(matches!(store.submit(failed), Err(Error::NotGradable(_))));

        let attempts = store.attempts(Some("fashion_mnist")).unwrap();
        assert_eq!(attempts.len(), 2);
        assert_eq!(attempts[0].status, dojo_protocol::RunStatus::Failed);
        assert_eq!(attempts[0].score, None);
        assert!(
            attempts[0]
                .error
                .as_deref()
                .unwrap_or("")
                .contains("NameError")
        );
        assert_eq!(attempts[1].score, Some(4));
        let stats = store.task_stats(&[("fashion_mnist", true)]).unwrap();
        assert_eq!((stats[0].attempts, stats[0].best_score), (2, Some(4)));
    }

    #[test]
    fn a_corrupt_grade_is_an_error_not_a_panic() {
        let (_dir, mut store) = store();
        let run = graded_run(&mut store, Some("{not json"));
        assert!(matches!(store.submit(run), Err(Error::Corrupt(_))));
    }

    #[test]
    fn drafts_are_replaced_and_survive_reopening() {
        let (dir, mut store) = store();
        assert_eq!(store.draft("sunspots").unwrap(), None);
        store.save_draft("sunspots", "x = 1").unwrap();
        store.save_draft("sunspots", "x = 2").unwrap();
        drop(store);
        let store = Store::open_in(dir.path()).unwrap();
        assert_eq!(store.draft("sunspots").unwrap().as_deref(), Some("x = 2"));
    }
}
