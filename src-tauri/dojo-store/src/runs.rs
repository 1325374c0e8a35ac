//! Training runs: one row per run, one row per finished epoch.
//!
//! A run is written `running` when it starts, gets a row per epoch as the
//! epochs end, and is closed exactly once with its final status. Ids,
//! statuses and a run's end are the protocol's types; logs, metrics and the
//! grade are stored as JSON text.

use std::time::{SystemTime, UNIX_EPOCH};

use dojo_protocol::{MockId, RunEnd, RunId, RunStatus};
use rusqlite::{OptionalExtension, Row, params};

use crate::{Error, Result, Store};

/// What is known when a run starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRun {
    pub task_id: String,
    pub code: String,
    /// The seed the run's session starts from (see `dojo_tf::RunOptions`).
    pub seed: u64,
    pub device: String,
    /// The Dojo version that runs it.
    pub dojo_version: String,
    /// The mock the run belongs to (started while the mock ran, on one of its tasks).
    pub mock_id: Option<MockId>,
}

/// A stored run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    pub id: RunId,
    pub task_id: String,
    pub code: String,
    pub seed: u64,
    pub device: String,
    pub started_at_ms: i64,
    pub ended_at_ms: Option<i64>,
    pub status: RunStatus,
    pub error: Option<String>,
    pub metrics_json: Option<String>,
    /// What the program printed (bounded by the caller).
    pub console: Option<String>,
    /// The grade report (JSON) of the model the run produced, if it could be graded.
    pub grade_json: Option<String>,
    /// `(epoch, logs JSON)` in epoch order.
    pub epochs: Vec<(u32, String)>,
    pub dojo_version: Option<String>,
    pub mock_id: Option<MockId>,
    /// The downsampled batch curve, a JSON array of `BatchPoint`s.
    pub batches_json: Option<String>,
    /// The best submission's score and metric, as shown when submitted.
    pub best_score: Option<u8>,
    pub best_value: Option<f64>,
    /// Identifies the run across machines (export and import).
    pub fingerprint: Option<String>,
}

/// The system clock in unix milliseconds.
pub(crate) fn system_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as i64)
        .unwrap_or(0)
}

/// The columns [`read_run`] reads, in its order.
pub(crate) const RUN_COLUMNS: &str = "id, task_id, code, seed, device, started_at, ended_at, status, \
     error, metrics, console, grade, dojo_version, mock_id, \
     (SELECT points FROM run_batches WHERE run_id = runs.id), best_score, best_value, fingerprint";

impl Store {
    /// Records the start of a run. A run of a task of the mock in
    /// progress belongs to that mock unless `run.mock_id` names one.
    pub fn start_run(&mut self, run: &NewRun) -> Result<RunId> {
        let mock = match run.mock_id {
            Some(mock) => Some(mock),
            None => self.mock_for_task(&run.task_id)?,
        };
        self.connection.execute(
            "INSERT INTO runs (task_id, code, seed, device, started_at, status, dojo_version,
                 mock_id, fingerprint, owner)
             VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6, ?7, lower(hex(randomblob(16))), ?8)",
            // SQLite integers are signed: the seed's 64 bits are kept as they are.
            params![
                run.task_id,
                run.code,
                run.seed as i64,
                run.device,
                self.now_ms(),
                run.dojo_version,
                mock.map(|mock| mock.0),
                crate::owner::this_process()
            ],
        )?;
        Ok(RunId(self.connection.last_insert_rowid()))
    }

    /// Records the logs of one finished epoch. Recording an epoch again
    /// replaces it (a resumed run may repeat its last epoch).
    pub fn record_epoch(&mut self, run: RunId, epoch: u32, logs_json: &str) -> Result<()> {
        let changed = self.connection.execute(
            "INSERT INTO run_epochs (run_id, epoch, logs) VALUES (?1, ?2, ?3)
             ON CONFLICT (run_id, epoch) DO UPDATE SET logs = excluded.logs",
            params![run.0, epoch, logs_json],
        );
        match changed {
            Err(rusqlite::Error::SqliteFailure(failure, _))
                if failure.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(Error::RunNotFound(run.0))
            }
            other => other.map(drop).map_err(Error::from),
        }
    }

    /// Closes a running run with its final status. Closing a run twice is an
    /// error, so a late `Cancelled` cannot overwrite a `Finished`; a run
    /// marked `interrupted` while its process still lived (an older build
    /// marked every running row at start) is closed as it ended. Empty
    /// logs and console are stored as NULL.
    pub fn finish_run(&mut self, run: RunId, end: &RunEnd) -> Result<()> {
        let metrics = match end.final_logs.is_empty() {
            true => None,
            false => Some(encode(&end.final_logs, "final metrics")?),
        };
        let grade = end
            .grade
            .as_ref()
            .map(|grade| encode(grade, "grade report"))
            .transpose()?;
        let console = Some(end.console.as_str()).filter(|console| !console.is_empty());
        let batches = match end.batches.is_empty() {
            true => None,
            false => Some(encode(&end.batches, "batch curve")?),
        };
        let now = self.now_ms();
        let transaction = self.connection.transaction()?;
        let changed = transaction.execute(
            "UPDATE runs SET status = ?2, error = ?3, metrics = ?4, ended_at = ?5,
                 console = ?6, grade = ?7
             WHERE id = ?1 AND status IN ('running', 'interrupted')",
            params![
                run.0,
                end.status.as_str(),
                end.error,
                metrics,
                now,
                console,
                grade
            ],
        )?;
        if changed == 0 {
            return Err(Error::RunNotFound(run.0));
        }
        if let Some(batches) = batches {
            transaction.execute(
                "INSERT INTO run_batches (run_id, points) VALUES (?1, ?2)",
                params![run.0, batches],
            )?;
        }
        transaction.commit()?;
        Ok(())
    }

    /// Marks `interrupted` every `running` run whose process is gone (see
    /// [`crate::owner`]); runs another live process is training are left
    /// alone. Every open does this, so a `dojo run` killed with `kill -9`
    /// is closed by the next app start or command. Returns how many were
    /// marked.
    pub fn mark_interrupted_runs(&mut self) -> Result<usize> {
        let running: Vec<(i64, Option<String>)> = self
            .connection
            .prepare("SELECT id, owner FROM runs WHERE status = 'running'")?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let now = self.now_ms();
        let mut marked = 0;
        for (id, owner) in running {
            // Rows from before version 4 have no owner: their process
            // started under an older build and is gone.
            if owner.as_deref().is_some_and(crate::owner::is_alive) {
                continue;
            }
            marked += self.connection.execute(
                "UPDATE runs SET status = 'interrupted', ended_at = ?2,
                     error = 'Dojo stopped while this run was training (the process ended without closing it)'
                 WHERE id = ?1 AND status = 'running'",
                params![id, now],
            )?;
        }
        Ok(marked)
    }

    /// One run with its epochs.
    pub fn run(&self, id: RunId) -> Result<RunRecord> {
        let mut record = self
            .connection
            .query_row(
                &format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?1"),
                params![id.0],
                read_run,
            )
            .optional()?
            .ok_or(Error::RunNotFound(id.0))??;
        let mut statement = self
            .connection
            .prepare("SELECT epoch, logs FROM run_epochs WHERE run_id = ?1 ORDER BY epoch")?;
        record.epochs = statement
            .query_map(params![id.0], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(record)
    }

    /// Runs, newest first, optionally of one task; epochs are not loaded.
    pub fn list_runs(&self, task_id: Option<&str>) -> Result<Vec<RunRecord>> {
        let mut statement = self.connection.prepare(&format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE ?1 IS NULL OR task_id = ?1
             ORDER BY started_at DESC, id DESC"
        ))?;
        let rows = statement.query_map(params![task_id], read_run)?;
        let mut runs = Vec::new();
        for row in rows {
            match row? {
                Ok(run) => runs.push(run),
                Err(Error::Corrupt(problem)) => self.skip_row(problem),
                Err(other) => return Err(other),
            }
        }
        Ok(runs)
    }
}

/// Keras logs stored as JSON text; a `null` (how JSON writes a NaN loss)
/// reads back as NaN.
pub(crate) fn parse_logs(json: &str) -> serde_json::Result<dojo_protocol::Logs> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let logs = dojo_protocol::logs::deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(logs)
}

/// `value` as JSON text for a column.
pub(crate) fn encode(value: &impl serde::Serialize, what: &str) -> Result<String> {
    serde_json::to_string(value).map_err(|error| Error::Corrupt(format!("{what}: {error}")))
}

/// Reads one `runs` row. The outer result is SQLite's, the inner one says
/// whether the stored values make sense.
pub(crate) fn read_run(row: &Row<'_>) -> rusqlite::Result<Result<RunRecord>> {
    let id: i64 = row.get(0)?;
    match read_fields(row) {
        Ok(Ok(record)) => Ok(Ok(record)),
        Ok(Err(Error::Corrupt(problem))) => Ok(Err(Error::Corrupt(format!("run {id}: {problem}")))),
        Ok(Err(other)) => Ok(Err(other)),
        // A value of the wrong type in one row (an older build or a
        // damaged file): that row is unreadable, the others are not.
        Err(
            error @ (rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
            | rusqlite::Error::Utf8Error(..)),
        ) => Ok(Err(Error::Corrupt(format!("run {id}: {error}")))),
        Err(other) => Err(other),
    }
}

fn read_fields(row: &Row<'_>) -> rusqlite::Result<Result<RunRecord>> {
    let status: String = row.get(7)?;
    let Some(status) = RunStatus::parse(&status) else {
        return Ok(Err(Error::Corrupt(format!(
            "unknown run status {status:?}"
        ))));
    };
    let seed: i64 = row.get(3)?;
    Ok(Ok(RunRecord {
        id: RunId(row.get(0)?),
        task_id: row.get(1)?,
        code: row.get(2)?,
        seed: seed as u64,
        device: row.get(4)?,
        started_at_ms: row.get(5)?,
        ended_at_ms: row.get(6)?,
        status,
        error: row.get(8)?,
        metrics_json: row.get(9)?,
        console: row.get(10)?,
        grade_json: row.get(11)?,
        epochs: Vec::new(),
        dojo_version: row.get(12)?,
        mock_id: row.get::<_, Option<i64>>(13)?.map(MockId),
        batches_json: row.get(14)?,
        best_score: row.get(15)?,
        best_value: row.get(16)?,
        fingerprint: row.get(17)?,
    }))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample_run() -> NewRun {
        NewRun {
            task_id: "fashion_mnist".into(),
            code: "def solution_model():\n    return model\n".into(),
            seed: 42,
            device: "CPU".into(),
            dojo_version: "0.1.0".into(),
            mock_id: None,
        }
    }

    /// Stores `json` as a run's grade as it is, valid or not (what an older
    /// build or a damaged file could hold).
    pub(crate) fn set_grade_json(store: &Store, run: RunId, json: &str) {
        store
            .connection
            .execute(
                "UPDATE runs SET grade = ?2 WHERE id = ?1",
                params![run.0, json],
            )
            .unwrap();
    }

    /// Makes `run` look like a run of a process that has ended.
    pub(crate) fn mark_owner_gone(store: &Store, run: RunId) {
        store
            .connection
            .execute(
                "UPDATE runs SET owner = 'linux:4194303:1' WHERE id = ?1",
                params![run.0],
            )
            .unwrap();
    }

    pub(crate) fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        (dir, store)
    }

    #[test]
    fn a_run_keeps_its_code_epochs_and_metrics() {
        let (_dir, mut store) = store();
        let id = store.start_run(&sample_run()).unwrap();
        store.record_epoch(id, 0, r#"{"loss":1.0}"#).unwrap();
        store.record_epoch(id, 1, r#"{"loss":0.5}"#).unwrap();
        store
            .finish_run(
                id,
                &RunEnd {
                    final_logs: [("accuracy".to_owned(), 0.9)].into(),
                    console: "Epoch 1/2".to_owned(),
                    ..RunEnd::status(RunStatus::Finished)
                },
            )
            .unwrap();
        set_grade_json(&store, id, r#"{"score":4}"#);

        let run = store.run(id).unwrap();
        assert_eq!(run.code, sample_run().code);
        assert_eq!(run.status, RunStatus::Finished);
        assert_eq!(run.metrics_json.as_deref(), Some(r#"{"accuracy":0.9}"#));
        assert_eq!(run.console.as_deref(), Some("Epoch 1/2"));
        assert_eq!(run.grade_json.as_deref(), Some(r#"{"score":4}"#));
        assert_eq!(
            run.epochs,
            vec![(0, r#"{"loss":1.0}"#.into()), (1, r#"{"loss":0.5}"#.into())]
        );
        assert!(run.ended_at_ms.unwrap() >= run.started_at_ms);
    }

    #[test]
    fn a_diverged_run_stays_readable() {
        let (_dir, mut store) = store();
        let id = store.start_run(&sample_run()).unwrap();
        store.record_epoch(id, 0, r#"{"loss":null}"#).unwrap();
        store
            .finish_run(
                id,
                &RunEnd {
                    final_logs: [("loss".to_owned(), f64::NAN)].into(),
                    ..RunEnd::status(RunStatus::Finished)
                },
            )
            .unwrap();
        let detail = store.attempt_detail(id).unwrap();
        assert!(detail.epochs[0]["loss"].is_nan());
        assert!(detail.summary.final_logs["loss"].is_nan());
    }

    #[test]
    fn a_run_is_closed_once() {
        let (_dir, mut store) = store();
        let id = store.start_run(&sample_run()).unwrap();
        store
            .finish_run(id, &RunEnd::status(RunStatus::Finished))
            .unwrap();
        let error = store
            .finish_run(id, &RunEnd::status(RunStatus::Cancelled))
            .unwrap_err();
        assert!(matches!(error, Error::RunNotFound(_)));
        assert_eq!(store.run(id).unwrap().status, RunStatus::Finished);
    }

    #[test]
    fn epochs_of_a_missing_run_are_refused() {
        let (_dir, mut store) = store();
        let error = store.record_epoch(RunId(99), 0, "{}").unwrap_err();
        assert!(matches!(error, Error::RunNotFound(99)), "{error}");
    }

    #[test]
    fn running_runs_become_interrupted_and_others_stay() {
        let (dir, mut store) = store();
        let finished = store.start_run(&sample_run()).unwrap();
        store
            .finish_run(finished, &RunEnd::status(RunStatus::Finished))
            .unwrap();
        let killed = store.start_run(&sample_run()).unwrap();
        store.record_epoch(killed, 0, r#"{"loss":2.0}"#).unwrap();

        // Its process is gone (as after `kill -9`); the next start of the app.
        mark_owner_gone(&store, killed);
        let alive = store.start_run(&sample_run()).unwrap();
        drop(store);
        let mut store = Store::open_in(dir.path()).unwrap();
        assert_eq!(
            store.run(killed).unwrap().status,
            RunStatus::Interrupted,
            "opening the store closes runs of dead processes"
        );
        assert_eq!(store.mark_interrupted_runs().unwrap(), 0);
        assert_eq!(
            store.run(alive).unwrap().status,
            RunStatus::Running,
            "a run of a live process (this one) keeps running"
        );
        store
            .finish_run(alive, &RunEnd::status(RunStatus::Finished))
            .unwrap();
        let killed = store.run(killed).unwrap();
        assert_eq!(killed.status, RunStatus::Interrupted);
        assert_eq!(
            killed.epochs.len(),
            1,
            "epochs stored before the kill are kept"
        );
        assert_eq!(store.run(finished).unwrap().status, RunStatus::Finished);
    }

    /// An older build marked every running row `interrupted` at start,
    /// even one a live `dojo run` was still writing: that run's end is
    /// recorded, not refused.
    #[test]
    fn a_run_marked_interrupted_while_alive_can_still_end() {
        let (_dir, mut store) = store();
        let id = store.start_run(&sample_run()).unwrap();
        store
            .connection
            .execute(
                "UPDATE runs SET status = 'interrupted' WHERE id = ?1",
                params![id.0],
            )
            .unwrap();
        store.record_epoch(id, 0, r#"{"loss":1.0}"#).unwrap();
        store
            .finish_run(id, &RunEnd::status(RunStatus::Finished))
            .unwrap();
        assert_eq!(store.run(id).unwrap().status, RunStatus::Finished);
        assert!(
            store
                .finish_run(id, &RunEnd::status(RunStatus::Cancelled))
                .is_err(),
            "a finished run stays finished"
        );
    }

    #[test]
    fn listing_filters_by_task_newest_first() {
        let (_dir, mut store) = store();
        let first = store.start_run(&sample_run()).unwrap();
        let other = store
            .start_run(&NewRun {
                task_id: "sunspots".into(),
                ..sample_run()
            })
            .unwrap();
        let second = store.start_run(&sample_run()).unwrap();
        let ids: Vec<RunId> = store
            .list_runs(Some("fashion_mnist"))
            .unwrap()
            .iter()
            .map(|run| run.id)
            .collect();
        assert_eq!(ids, vec![second, first]);
        assert_eq!(store.list_runs(None).unwrap().len(), 3);
        assert!(
            store
                .list_runs(None)
                .unwrap()
                .iter()
                .any(|run| run.id == other)
        );
    }

    #[test]
    fn a_corrupt_status_is_an_error_not_a_panic() {
        let (_dir, mut store) = store();
        let id = store.start_run(&sample_run()).unwrap();
        // Simulate a value written by something else: bypass the CHECK constraint.
        store
            .connection
            .execute_batch("PRAGMA ignore_check_constraints = ON")
            .unwrap();
        store
            .connection
            .execute("UPDATE runs SET status = 'exploded' WHERE id = ?1", [id.0])
            .unwrap();
        let error = store.run(id).unwrap_err();
        assert!(error.to_string().contains("exploded"), "{error}");
    }
}
