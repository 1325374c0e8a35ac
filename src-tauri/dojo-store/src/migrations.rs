//! Append-only schema migrations keyed on `PRAGMA user_version`.
//!
//! Entry `i` of [`MIGRATIONS`] moves the schema from version `i` to `i + 1`.
//! Each migration runs in its own transaction together with the version bump,
//! so a crash mid-migration leaves the previous version intact.

use rusqlite::Connection;

use crate::{Error, Result};

/// The migrations, oldest first. Never edit or reorder a released entry.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: training runs and their per-epoch logs.
    "CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        task_id     TEXT    NOT NULL,
        code        TEXT    NOT NULL,
        seed        INTEGER NOT NULL,
        device      TEXT    NOT NULL,
        started_at  INTEGER NOT NULL,  -- unix milliseconds
        ended_at    INTEGER,           -- unix milliseconds, NULL while running
        status      TEXT    NOT NULL CHECK (status IN
                        ('running', 'finished', 'cancelled', 'failed', 'interrupted')),
        error       TEXT,
        metrics     TEXT              -- JSON object of final metrics
    ) STRICT;
    CREATE INDEX runs_by_task ON runs (task_id, started_at);
    CREATE TABLE run_epochs (
        run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        epoch   INTEGER NOT NULL,
        logs    TEXT    NOT NULL,     -- JSON object, Keras `logs` keys
        PRIMARY KEY (run_id, epoch)
    ) STRICT;",
    // 2: what the practice loop keeps: a run's console and its grade (computed
    // when the run ends, shown once submitted), submissions, and drafts.
    "ALTER TABLE runs ADD COLUMN console TEXT;
    ALTER TABLE runs ADD COLUMN grade TEXT;          -- JSON grade report of the run's model
    CREATE TABLE submissions (
        id            INTEGER PRIMARY KEY,
        run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        task_id       TEXT    NOT NULL,
        submitted_at  INTEGER NOT NULL,  -- unix milliseconds
        score         INTEGER NOT NULL CHECK (score BETWEEN 0 AND 5),
        metric_value  REAL    NOT NULL,
        report        TEXT    NOT NULL   -- JSON grade report
    ) STRICT;
    CREATE INDEX submissions_by_task ON submissions (task_id, score);
    CREATE TABLE drafts (
        task_id     TEXT    PRIMARY KEY,
        code        TEXT    NOT NULL,
        updated_at  INTEGER NOT NULL     -- unix milliseconds
    ) STRICT;",
    // 3: the History page and the mock exam. Mocks with a wall-clock
    // deadline; a run's Dojo version, mock, downsampled batch curve (a table of its
    // own) and
    // best submission (kept on the run so the History page can sort and
    // filter by them with an index); a fingerprint that identifies a run
    // across machines, so importing a file twice adds nothing; the draft a
    // reopened attempt replaced, kept one step back.
    "CREATE TABLE mocks (
        id          INTEGER PRIMARY KEY,
        started_at  INTEGER NOT NULL,  -- unix milliseconds
        deadline    INTEGER NOT NULL,  -- unix milliseconds: the clock runs while the app is closed
        minutes     INTEGER NOT NULL,
        seed        INTEGER NOT NULL,  -- the task draw's seed
        tasks       TEXT    NOT NULL,  -- JSON array of task ids, in exam order
        status      TEXT    NOT NULL CHECK (status IN ('running', 'finished', 'abandoned')),
        ended_at    INTEGER
    ) STRICT;
    CREATE UNIQUE INDEX one_running_mock ON mocks (status) WHERE status = 'running';
    ALTER TABLE runs ADD COLUMN dojo_version TEXT;
    ALTER TABLE runs ADD COLUMN mock_id INTEGER REFERENCES mocks (id);
    ALTER TABLE runs ADD COLUMN best_score INTEGER;  -- best submission's score, as shown
    ALTER TABLE runs ADD COLUMN best_value REAL;     -- and its metric
    ALTER TABLE runs ADD COLUMN fingerprint TEXT;
    UPDATE runs SET fingerprint = lower(hex(randomblob(16)));
    UPDATE runs SET
        best_score = (SELECT MAX(score) FROM submissions WHERE run_id = runs.id),
        best_value = (SELECT metric_value FROM submissions WHERE run_id = runs.id
                      ORDER BY score DESC, id LIMIT 1);
    ALTER TABLE submissions ADD COLUMN mock_id INTEGER REFERENCES mocks (id);
    ALTER TABLE drafts ADD COLUMN previous TEXT;     -- the code the last replacement overwrote
    -- The batch curve lives apart, so the History page's scans stay on small rows.
    CREATE TABLE run_batches (
        run_id  INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        points  TEXT    NOT NULL    -- JSON array of batch points, at most 500
    ) STRICT;
    CREATE INDEX runs_by_start ON runs (started_at, id);
    CREATE INDEX runs_by_score ON runs (best_score, best_value, started_at, id);
    CREATE INDEX runs_by_value ON runs (best_value, started_at, id);
    CREATE INDEX runs_by_mock ON runs (mock_id, task_id) WHERE mock_id IS NOT NULL;
    CREATE UNIQUE INDEX runs_by_fingerprint ON runs (fingerprint);
    CREATE INDEX submissions_by_run ON submissions (run_id);
    CREATE INDEX submissions_by_mock ON submissions (mock_id, task_id) WHERE mock_id IS NOT NULL;",
    // 4: the process a run belongs to, so a run cut off by `kill -9` is
    // told apart from one another process is still training.
    "ALTER TABLE runs ADD COLUMN owner TEXT;  -- see owner.rs; NULL before version 4
    CREATE INDEX runs_running ON runs (status) WHERE status = 'running';",
];

pub(crate) fn migrate(connection: &mut Connection) -> Result<()> {
    let known = MIGRATIONS.len() as u32;
    let found: u32 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > known {
        return Err(Error::SchemaTooNew { found, known });
    }
    for (version, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let transaction = connection.transaction()?;
        transaction.execute_batch(sql)?;
        transaction.pragma_update(None, "user_version", version as u32 + 1)?;
        transaction.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut connection = Connection::open_in_memory().unwrap();
        migrate(&mut connection).unwrap();
        migrate(&mut connection).unwrap();
        let version: u32 = connection
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
    }

    #[test]
    fn a_version_1_database_keeps_its_runs_through_migration_2() {
        let mut connection = Connection::open_in_memory().unwrap();
        let transaction = connection.transaction().unwrap();
        transaction.execute_batch(MIGRATIONS[0]).unwrap();
        transaction.pragma_update(None, "user_version", 1).unwrap();
        transaction.commit().unwrap();
        connection
            .execute(
                "INSERT INTO runs (task_id, code, seed, device, started_at, status)
                 VALUES ('sunspots', 'x = 1', 1, 'CPU', 5, 'finished')",
                [],
            )
            .unwrap();
        migrate(&mut connection).unwrap();
        let (code, grade): (String, Option<String>) = connection
            .query_row("SELECT code, grade FROM runs", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .unwrap();
        assert_eq!((code.as_str(), grade), ("x = 1", None));
    }

    /// A database as this build's predecessor left it (schema 2, written
    /// with the statements its store used): every run, epoch, submission
    /// and draft is still there after the upgrade, and the History
    /// columns are filled from what it held.
    #[test]
    fn a_version_2_database_upgrades_without_loss() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(crate::DATABASE_FILE);
        {
            let mut connection = Connection::open(&path).unwrap();
            for (version, sql) in MIGRATIONS[..2].iter().enumerate() {
                let transaction = connection.transaction().unwrap();
                transaction.execute_batch(sql).unwrap();
                transaction
                    .pragma_update(None, "user_version", version as u32 + 1)
                    .unwrap();
                transaction.commit().unwrap();
            }
            connection
                .execute_batch(
                    r#"INSERT INTO runs (task_id, code, seed, device, started_at, ended_at, status,
                           metrics, console, grade)
                       VALUES ('sunspots', 'def solution_model(): ...', 7, 'CPU', 1000, 2000,
                           'finished', '{"loss":0.5}', 'Epoch 1/1', '{"score":4,"value":12.5}'),
                              ('sunspots', 'x = 1', 8, 'CPU', 3000, NULL, 'running',
                           NULL, NULL, NULL);
                       INSERT INTO run_epochs (run_id, epoch, logs) VALUES (1, 0, '{"loss":0.5}');
                       INSERT INTO submissions (run_id, task_id, submitted_at, score, metric_value, report)
                       VALUES (1, 'sunspots', 2500, 4, 12.5, '{"score":4,"value":12.5}');
                       INSERT INTO drafts (task_id, code, updated_at) VALUES ('sunspots', 'draft', 4000);"#,
                )
                .unwrap();
        }
        let mut store = crate::Store::open_in(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap() as usize, MIGRATIONS.len());
        let run = store.run(dojo_protocol::RunId(1)).unwrap();
        assert_eq!(run.code, "def solution_model(): ...");
        assert_eq!(run.epochs, vec![(0, r#"{"loss":0.5}"#.to_owned())]);
        assert_eq!(run.console.as_deref(), Some("Epoch 1/1"));
        assert_eq!((run.best_score, run.best_value), (Some(4), Some(12.5)));
        assert_eq!(run.dojo_version, None);
        assert!(run.fingerprint.is_some());
        assert_eq!(store.submissions(None).unwrap().len(), 1);
        assert_eq!(store.draft("sunspots").unwrap().as_deref(), Some("draft"));
        // The row the old build left `running` has no owner: opening
        // closed it as interrupted.
        assert_eq!(store.mark_interrupted_runs().unwrap(), 0);
        assert_eq!(
            store.run(dojo_protocol::RunId(2)).unwrap().status,
            dojo_protocol::RunStatus::Interrupted
        );
        let page = store
            .history_page(&dojo_protocol::HistoryQuery::default())
            .unwrap();
        assert_eq!(page.total, 2);
        // Fingerprints differ, so exporting and importing keeps both runs apart.
        let file = store.export(None).unwrap();
        assert_eq!(store.import(&file).unwrap().skipped, 2);
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let mut connection = Connection::open_in_memory().unwrap();
        connection
            .pragma_update(None, "user_version", MIGRATIONS.len() as u32 + 1)
            .unwrap();
        let error = migrate(&mut connection).unwrap_err();
        assert!(matches!(error, Error::SchemaTooNew { .. }), "{error}");
    }
}
