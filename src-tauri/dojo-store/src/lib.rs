//! Dojo's persistent store: one SQLite file in the user's data directory.
//!
//! - **Location:** [`data_dir`] resolves `DOJO_DATA_DIR` or the OS user data
//!   directory (`~/.local/share/dojo` on Linux); the database is
//!   [`DATABASE_FILE`] inside it. Tests always pass a temporary directory.
//! - **Migrations** are append-only and keyed on `PRAGMA user_version`: the
//!   n-th entry of [`migrations::MIGRATIONS`] brings a database from version
//!   n to n+1. A released migration is never edited; a change is a new entry.
//!   A database newer than this build is refused rather than damaged.
//! - **PRAGMAs** (`journal_mode=WAL`, `foreign_keys=ON`, `busy_timeout`) are
//!   set on every open, outside migrations, because they are per connection
//!   (WAL is persistent but harmless to repeat).
//! - **Locking:** the store owns its connection; callers share it behind a
//!   mutex. WAL lets a second process (the CLI) read while the app writes.
//! - **Durability:** every multi-row write is one transaction, so a killed
//!   process leaves either all of a write or none of it. Runs that were still
//!   `running` when the process died are marked `interrupted` by
//!   [`Store::mark_interrupted_runs`] at the next start.

mod error;
mod history;
mod migrations;
mod mocks;
mod practice;
mod recorder;
mod runs;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use dojo_protocol::{RunEnd, RunId, RunStatus};
pub use error::{Error, Result};
pub use history::{EXPORT_FORMAT, diff_lines};
pub use mocks::PASS_PERCENT;
pub use practice::{SubmissionRecord, TaskRecord, public_view};
pub use recorder::{RunRecorder, StoreAccess};
pub use runs::{NewRun, RunRecord};

/// File name of the database inside the data directory.
pub const DATABASE_FILE: &str = "dojo.sqlite3";

/// Environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "DOJO_DATA_DIR";

/// The directory holding Dojo's user data: `$DOJO_DATA_DIR` if set and not
/// empty, else `<OS data dir>/dojo`.
pub fn data_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|dir| !dir.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir()
        .map(|base| base.join("dojo"))
        .ok_or(Error::NoDataDir)
}

/// The open database.
pub struct Store {
    connection: Connection,
    path: PathBuf,
    /// Added to the system clock: a test moves the clock forward this way
    /// (see [`Store::set_clock_offset_ms`]).
    clock_offset_ms: i64,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir` and migrates it
    /// to the current schema.
    pub fn open_in(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|source| Error::CreateDataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join(DATABASE_FILE);
        let connection = Connection::open(&path).map_err(|source| Error::Open {
            path: path.clone(),
            source,
        })?;
        let mut store = Store {
            connection,
            path,
            clock_offset_ms: 0,
        };
        store.configure()?;
        migrations::migrate(&mut store.connection)?;
        Ok(store)
    }

    /// Opens the database in [`data_dir`].
    pub fn open_default() -> Result<Store> {
        Store::open_in(&data_dir()?)
    }

    /// The store's clock, unix milliseconds: every time it writes (a run's
    /// start, a submission, a mock's deadline) comes from here.
    pub fn now_ms(&self) -> i64 {
        runs::system_now_ms().saturating_add(self.clock_offset_ms)
    }

    /// Moves the store's clock `offset_ms` ahead of the system clock. For
    /// tests of the mock's deadline across restarts: the app sets it only
    /// in debug builds, from `DOJO_TEST_CLOCK_OFFSET_MS`.
    pub fn set_clock_offset_ms(&mut self, offset_ms: i64) {
        self.clock_offset_ms = offset_ms;
    }

    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .connection
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    fn configure(&mut self) -> Result<()> {
        // `journal_mode` answers with the mode in force; a read-only medium may refuse WAL.
        let mode: String =
            self.connection
                .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::NoWal { mode });
        }
        self.connection.pragma_update(None, "foreign_keys", "ON")?;
        self.connection
            .busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_creates_the_directory_and_migrates() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a").join("b");
        let store = Store::open_in(&nested).unwrap();
        assert_eq!(store.path(), nested.join(DATABASE_FILE));
        assert!(store.path().exists());
        assert_eq!(
            store.schema_version().unwrap() as usize,
            migrations::MIGRATIONS.len()
        );
    }

    #[test]
    fn pragmas_are_set() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let mode: String = store
            .connection
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let foreign_keys: i64 = store
            .connection
            .pragma_query_value(None, "foreign_keys", |row| row.get(0))
            .unwrap();
        assert_eq!(foreign_keys, 1);
    }

    #[test]
    fn reopening_keeps_data_and_version() {
        let dir = tempfile::tempdir().unwrap();
        let id = {
            let mut store = Store::open_in(dir.path()).unwrap();
            store.start_run(&runs::tests::sample_run()).unwrap()
        };
        let store = Store::open_in(dir.path()).unwrap();
        assert_eq!(
            store.schema_version().unwrap() as usize,
            migrations::MIGRATIONS.len()
        );
        assert_eq!(store.run(id).unwrap().task_id, "fashion_mnist");
    }

    #[test]
    fn a_file_that_is_not_a_database_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(DATABASE_FILE),
            b"this is not sqlite at all, honest",
        )
        .unwrap();
        let error = Store::open_in(dir.path()).err().unwrap();
        assert!(
            error.to_string().contains("not a database") || error.to_string().contains("database"),
            "{error}"
        );
    }
}
