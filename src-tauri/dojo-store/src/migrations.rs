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
