//! Mock exams: a wall-clock deadline, the runs and submissions made for it,
//! and its report.
//!
//! The deadline is stored, never a counter, so the clock keeps running
//! while the app is closed. A mock whose deadline has passed is closed the
//! next time the store looks at it ([`Store::running_mock`]), with the
//! deadline as its end: a submission after it counts for practice only.

use dojo_protocol::{
    HalfScores, Metric, MockId, MockReport, MockState, MockStatus, MockTaskInfo, MockTaskResult,
    RunId, TimelinePoint,
};
use rusqlite::{OptionalExtension, Row, params};

use crate::practice::read_submission;
use crate::{Error, Result, Store};

/// The folk pass line of the exam, in percent: not an official figure.
pub const PASS_PERCENT: f64 = 90.0;

const MOCK_COLUMNS: &str = "id, status, started_at, deadline, ended_at, minutes, seed, tasks";

impl Store {
    /// Starts a mock of `minutes` on `tasks` (drawn with `seed`). Only one
    /// mock runs at a time.
    pub fn start_mock(&mut self, minutes: u32, seed: u64, tasks: &[String]) -> Result<MockState> {
        if let Some(running) = self.running_mock()? {
            return Err(Error::MockRunning(running.id.0));
        }
        let now = self.now_ms();
        let deadline = now.saturating_add(i64::from(minutes) * 60_000);
        let tasks_json = crate::runs::encode(&tasks, "mock tasks")?;
        self.connection.execute(
            "INSERT INTO mocks (started_at, deadline, minutes, seed, tasks, status)
             VALUES (?1, ?2, ?3, ?4, ?5, 'running')",
            params![now, deadline, minutes, seed as i64, tasks_json],
        )?;
        self.mock(MockId(self.connection.last_insert_rowid()))
    }

    /// The mock in progress, if any. One whose deadline has passed is
    /// closed first (ended at its deadline) and is no longer in progress.
    pub fn running_mock(&mut self) -> Result<Option<MockState>> {
        let now = self.now_ms();
        self.connection.execute(
            "UPDATE mocks SET status = 'finished', ended_at = deadline
             WHERE status = 'running' AND deadline <= ?1",
            params![now],
        )?;
        let id: Option<i64> = self
            .connection
            .query_row("SELECT id FROM mocks WHERE status = 'running'", [], |row| {
                row.get(0)
            })
            .optional()?;
        id.map(|id| self.mock(MockId(id))).transpose()
    }

    /// The running mock a new run of `task_id` belongs to, if the task is one of its.
    pub fn mock_for_task(&mut self, task_id: &str) -> Result<Option<MockId>> {
        Ok(self
            .running_mock()?
            .filter(|mock| mock.tasks.iter().any(|task| task == task_id))
            .map(|mock| mock.id))
    }

    /// Ends a running mock now: `finished` (its report counts) or
    /// `abandoned`. Ending a mock that is not running is an error.
    pub fn end_mock(&mut self, id: MockId, status: MockStatus) -> Result<MockState> {
        let now = self.now_ms();
        let changed = self.connection.execute(
            "UPDATE mocks SET status = ?2, ended_at = MIN(?3, deadline)
             WHERE id = ?1 AND status = 'running'",
            params![id.0, status.as_str(), now],
        )?;
        if changed == 0 {
            return Err(Error::MockNotRunning(id.0));
        }
        self.mock(id)
    }

    pub fn mock(&self, id: MockId) -> Result<MockState> {
        self.connection
            .query_row(
                &format!("SELECT {MOCK_COLUMNS} FROM mocks WHERE id = ?1"),
                params![id.0],
                |row| read_mock(row, self.now_ms()),
            )
            .optional()?
            .ok_or(Error::MockNotFound(id.0))?
    }

    /// Every mock, newest first.
    pub fn mocks(&self) -> Result<Vec<MockState>> {
        let mut statement = self.connection.prepare(&format!(
            "SELECT {MOCK_COLUMNS} FROM mocks ORDER BY started_at DESC, id DESC"
        ))?;
        let now = self.now_ms();
        let rows = statement.query_map([], |row| read_mock(row, now))?;
        let mut mocks = Vec::new();
        for row in rows {
            mocks.push(row??);
        }
        Ok(mocks)
    }

    /// The report of mock `id`, scored as the exam scored: per task the best
    /// submission within the mock (by the public half's score, the one the
    /// candidate saw, then by its metric), task k weighing k. While the mock
    /// runs the private half stays hidden.
    pub fn mock_report(&self, id: MockId, tasks: &[MockTaskInfo]) -> Result<MockReport> {
        let mock = self.mock(id)?;
        let revealed = mock.status != MockStatus::Running;
        let mut submissions = self.connection.prepare(
            "SELECT id, run_id, task_id, submitted_at, score, metric_value, report, mock_id
             FROM submissions WHERE mock_id = ?1 ORDER BY submitted_at, id",
        )?;
        let submissions = submissions
            .query_map(params![id.0], read_submission)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut results = Vec::with_capacity(tasks.len());
        let mut timeline = Vec::new();
        for task in tasks {
            let runs: u32 = self.connection.query_row(
                "SELECT COUNT(*) FROM runs WHERE mock_id = ?1 AND task_id = ?2",
                params![id.0, task.task_id],
                |row| row.get(0),
            )?;
            let mut best: Option<(RunId, HalfScores)> = None;
            let mut count = 0;
            let mut first = None;
            for submission in submissions.iter().filter(|s| s.task_id == task.task_id) {
                count += 1;
                let after = submission.submitted_at_ms - mock.started_at;
                first.get_or_insert(after);
                let report: dojo_protocol::GradeReport =
                    serde_json::from_str(&submission.report_json).map_err(|error| {
                        Error::Corrupt(format!("grade of submission {}: {error}", submission.id))
                    })?;
                // A grade stored before the halves existed counts whole on both.
                let halves = report.halves.unwrap_or(HalfScores {
                    public_value: report.value,
                    public_score: report.score,
                    private_value: report.value,
                    private_score: report.score,
                });
                timeline.push(TimelinePoint {
                    task_id: task.task_id.clone(),
                    after_ms: after,
                    public_score: halves.public_score,
                });
                let better = match &best {
                    None => true,
                    Some((_, current)) => {
                        let value_better = match task.metric {
                            Metric::Accuracy => halves.public_value > current.public_value,
                            Metric::MeanAbsoluteError => halves.public_value < current.public_value,
                        };
                        halves.public_score > current.public_score
                            || (halves.public_score == current.public_score && value_better)
                    }
                };
                if better {
                    best = Some((submission.run_id, halves));
                }
            }
            let best = best.map(|(run, halves)| {
                let shown = match revealed {
                    true => halves,
                    // Hidden until the end: zeros, with `private_percent` absent.
                    false => HalfScores {
                        private_value: 0.0,
                        private_score: 0,
                        ..halves
                    },
                };
                (run, shown)
            });
            results.push(MockTaskResult {
                task_id: task.task_id.clone(),
                title: task.title.clone(),
                category: task.category,
                metric: task.metric,
                best_run: best.map(|(run, _)| run),
                best: best.map(|(_, halves)| halves),
                runs,
                submissions: count,
                first_submission_after_ms: first,
            });
        }
        let weighted = |score: &dyn Fn(&HalfScores) -> u8| {
            let on_offer: f64 = results.iter().map(|r| f64::from(r.category) * 5.0).sum();
            let earned: f64 = results
                .iter()
                .map(|r| f64::from(r.category) * f64::from(r.best.as_ref().map_or(0, score)))
                .sum();
            100.0 * earned / on_offer.max(1.0)
        };
        let public_percent = weighted(&|halves| halves.public_score);
        let private_percent = revealed.then(|| weighted(&|halves| halves.private_score));
        Ok(MockReport {
            passed: private_percent.map(|percent| percent >= PASS_PERCENT),
            mock,
            tasks: results,
            timeline,
            public_percent,
            private_percent,
            pass_percent: PASS_PERCENT,
        })
    }
}

fn read_mock(row: &Row<'_>, now: i64) -> rusqlite::Result<Result<MockState>> {
    let status: String = row.get(1)?;
    let Some(status) = MockStatus::parse(&status) else {
        return Ok(Err(Error::Corrupt(format!(
            "unknown mock status {status:?}"
        ))));
    };
    let tasks: String = row.get(7)?;
    let tasks: Vec<String> = match serde_json::from_str(&tasks) {
        Ok(tasks) => tasks,
        Err(error) => return Ok(Err(Error::Corrupt(format!("tasks of a mock: {error}")))),
    };
    let seed: i64 = row.get(6)?;
    Ok(Ok(MockState {
        id: MockId(row.get(0)?),
        status,
        started_at: row.get(2)?,
        deadline: row.get(3)?,
        ended_at: row.get(4)?,
        minutes: row.get(5)?,
        seed: seed as u64,
        tasks,
        now,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runs::tests::{sample_run, set_grade_json, store};
    use crate::{NewRun, RunEnd, RunStatus};
    use dojo_protocol::{GradeReport, Thresholds};

    fn tasks() -> Vec<MockTaskInfo> {
        vec![
            MockTaskInfo {
                task_id: "fashion_mnist".into(),
                title: "Fashion".into(),
                category: 2,
                metric: Metric::Accuracy,
            },
            MockTaskInfo {
                task_id: "sunspots".into(),
                title: "Sunspots".into(),
                category: 5,
                metric: Metric::MeanAbsoluteError,
            },
        ]
    }

    fn grade(task: &str, public: (f64, u8), private: (f64, u8)) -> String {
        let metric = match task {
            "sunspots" => Metric::MeanAbsoluteError,
            _ => Metric::Accuracy,
        };
        serde_json::to_string(&GradeReport {
            task_id: task.into(),
            metric,
            value: (public.0 + private.0) / 2.0,
            score: public.1.min(private.1),
            thresholds: Thresholds {
                metric,
                levels: [0.0; 4],
            },
            samples: 100,
            classes: Vec::new(),
            confusion: Vec::new(),
            notes: Vec::new(),
            halves: Some(HalfScores {
                public_value: public.0,
                public_score: public.1,
                private_value: private.0,
                private_score: private.1,
            }),
        })
        .unwrap()
    }

    /// A finished run of the mock with `grade`.
    fn mock_run(store: &mut Store, mock: MockId, task: &str, grade: &str) -> RunId {
        let run = store
            .start_run(&NewRun {
                task_id: task.into(),
                mock_id: Some(mock),
                ..sample_run()
            })
            .unwrap();
        store
            .finish_run(run, &RunEnd::status(RunStatus::Finished))
            .unwrap();
        set_grade_json(store, run, grade);
        run
    }

    #[test]
    fn the_deadline_is_wall_clock_time_and_survives_reopening() {
        let (dir, mut store) = store();
        let mock = store.start_mock(60, 7, &["fashion_mnist".into()]).unwrap();
        assert_eq!(mock.deadline - mock.started_at, 60 * 60_000);
        assert!(store.start_mock(60, 8, &[]).is_err(), "one mock at a time");
        drop(store);

        // The app was closed for 59 minutes: the mock still runs.
        let mut store = Store::open_in(dir.path()).unwrap();
        store.set_clock_offset_ms(59 * 60_000);
        let running = store.running_mock().unwrap().unwrap();
        assert_eq!(running.id, mock.id);
        assert!(running.deadline - running.now <= 60_000);
        // Two more minutes: it ended at its deadline.
        store.set_clock_offset_ms(61 * 60_000);
        assert_eq!(store.running_mock().unwrap(), None);
        let ended = store.mock(mock.id).unwrap();
        assert_eq!(ended.status, MockStatus::Finished);
        assert_eq!(ended.ended_at, Some(mock.deadline));
    }

    #[test]
    fn the_best_submission_within_the_mock_counts_and_private_scores_wait_for_the_end() {
        let (_dir, mut store) = store();
        let ids: Vec<String> = tasks().iter().map(|t| t.task_id.clone()).collect();
        // Trained before the mock: submitting it during the mock is practice.
        let practice = store.start_run(&sample_run()).unwrap();
        store
            .finish_run(practice, &RunEnd::status(RunStatus::Finished))
            .unwrap();
        set_grade_json(
            &store,
            practice,
            &grade("fashion_mnist", (0.99, 5), (0.99, 5)),
        );
        let mock = store.start_mock(120, 1, &ids).unwrap().id;
        let weak = mock_run(
            &mut store,
            mock,
            "fashion_mnist",
            &grade("fashion_mnist", (0.80, 3), (0.78, 3)),
        );
        let strong = mock_run(
            &mut store,
            mock,
            "fashion_mnist",
            &grade("fashion_mnist", (0.91, 5), (0.87, 4)),
        );
        // A run started during the mock on one of its tasks is the mock's.
        let joined = store.start_run(&sample_run()).unwrap();
        assert_eq!(store.run(joined).unwrap().mock_id, Some(mock));

        let shown = store.submit(weak).unwrap();
        assert_eq!(shown.mock_id, Some(mock));
        assert_eq!(
            (shown.report.score, shown.report.value),
            (3, 0.80),
            "the public half is shown"
        );
        store.submit(strong).unwrap();
        store.submit(weak).unwrap(); // a later, weaker submission does not replace the best
        assert_eq!(store.submit(practice).unwrap().mock_id, None);

        let during = store.mock_report(mock, &tasks()).unwrap();
        let fashion = &during.tasks[0];
        assert_eq!(fashion.best_run, Some(strong));
        assert_eq!((fashion.runs, fashion.submissions), (3, 3));
        assert_eq!(fashion.best.unwrap().public_score, 5);
        assert_eq!(
            fashion.best.unwrap().private_score,
            0,
            "hidden while the mock runs"
        );
        assert_eq!(during.private_percent, None);
        assert_eq!(during.tasks[1].best, None);
        // 2 × 5 of (2 + 5) × 5 points.
        assert!((during.public_percent - 100.0 * 10.0 / 35.0).abs() < 1e-9);

        store.end_mock(mock, MockStatus::Finished).unwrap();
        let after = store.mock_report(mock, &tasks()).unwrap();
        assert_eq!(after.tasks[0].best.unwrap().private_score, 4);
        assert!((after.private_percent.unwrap() - 100.0 * 8.0 / 35.0).abs() < 1e-9);
        assert_eq!(after.passed, Some(false));
        assert_eq!(after.timeline.len(), 3);
        assert!(after.tasks[0].first_submission_after_ms.unwrap() >= 0);
        // After the end, a submission of a mock run is practice.
        assert_eq!(store.submit(strong).unwrap().mock_id, None);
        assert_eq!(
            store.mock_report(mock, &tasks()).unwrap().tasks[0].submissions,
            3
        );
    }

    #[test]
    fn an_abandoned_mock_cannot_be_ended_again() {
        let (_dir, mut store) = store();
        let mock = store.start_mock(60, 1, &[]).unwrap().id;
        let ended = store.end_mock(mock, MockStatus::Abandoned).unwrap();
        assert_eq!(ended.status, MockStatus::Abandoned);
        assert!(matches!(
            store.end_mock(mock, MockStatus::Finished),
            Err(Error::MockNotRunning(_))
        ));
        assert_eq!(store.mocks().unwrap().len(), 1);
    }
}
