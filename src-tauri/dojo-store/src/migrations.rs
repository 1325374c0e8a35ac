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
    fn a_newer_schema_is_refused() {
        let mut connection = Connection::open_in_memory().unwrap();
        connection
            .pragma_update(None, "user_version", MIGRATIONS.len() as u32 + 1)
            .unwrap();
        let error = migrate(&mut connection).unwrap_err();
        assert!(matches!(error, Error::SchemaTooNew { .. }), "{error}");
    }
}
