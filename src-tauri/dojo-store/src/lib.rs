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
//!   `running` when their process died are marked `interrupted` by
//!   [`Store::mark_interrupted_runs`] on the next open (each run records its
//!   process, so another live process's run is left alone).
//! - **Damage:** every open runs `PRAGMA quick_check`. A zero-length or
//!   damaged file is renamed aside (never overwritten), a fresh database is
//!   started and [`Store::notice`] says what happened and where the old
//!   file is. A row that cannot be decoded is skipped by the listings and
//!   reported ([`Store::take_skipped_rows`]), never hiding the others.

mod error;
mod history;
mod migrations;
mod mocks;
mod owner;
mod practice;
mod recorder;
mod runs;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use dojo_protocol::{RunEnd, RunId, RunStatus};
pub use error::{Error, Result};
pub use history::{CheckedRun, EXPORT_FORMAT, StoreCheck, diff_lines};
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
    /// What opening had to do to a damaged or empty file, for the user.
    notice: Option<String>,
    /// Rows the listings skipped since last asked, with why.
    skipped: std::cell::RefCell<Vec<String>>,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir` and migrates it
    /// to the current schema.
    ///
    /// A zero-length file (which SQLite would silently treat as a new,
    /// empty database) or one that fails `quick_check` or is not a
    /// database is renamed aside, with its journal files, and a fresh
    /// database is started; [`Store::notice`] then tells the user.
    pub fn open_in(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|source| Error::CreateDataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join(DATABASE_FILE);
        let mut notice = None;
        if std::fs::metadata(&path).is_ok_and(|meta| meta.len() == 0) {
            let kept = set_aside(&path, "empty")?;
            notice = Some(format!(
                "The history file {} was empty (0 bytes), so Dojo started a new history. The empty file was kept as {}.",
                path.display(),
                kept.display()
            ));
        }
        let mut store = match Store::open_checked(&path) {
            Ok(store) => store,
            Err(Opening::Failed(error)) => return Err(error),
            Err(Opening::Damaged(problem)) => {
                let kept = set_aside(&path, "damaged")?;
                notice = Some(format!(
                    "The history file {} is damaged ({problem}), so Dojo started a new history. The damaged file was kept, unchanged, as {}: SQLite's `.recover` command may get your attempts back from it.",
                    path.display(),
                    kept.display()
                ));
                Store::open_checked(&path).map_err(|failure| match failure {
                    Opening::Failed(error) => error,
                    Opening::Damaged(problem) => Error::Corrupt(format!(
                        "a fresh database at {} is damaged: {problem}",
                        path.display()
                    )),
                })?
            }
        };
        store.notice = notice;
        migrations::migrate(&mut store.connection)?;
        store.mark_interrupted_runs()?;
        Ok(store)
    }

    /// Opens and configures `path` and checks its pages. Only a file that
    /// SQLite finds damaged or not a database is [`Opening::Damaged`]; any
    /// other failure (permissions, a locked or read-only file) is an error
    /// and leaves the file where it is.
    fn open_checked(path: &Path) -> std::result::Result<Store, Opening> {
        let connection = Connection::open(path).map_err(|source| {
            opening(source, |source| Error::Open {
                path: path.to_owned(),
                source,
            })
        })?;
        let mut store = Store {
            connection,
            path: path.to_owned(),
            clock_offset_ms: 0,
            notice: None,
            skipped: Default::default(),
        };
        store.configure().map_err(|error| match error {
            Error::Sqlite(error) => opening(error, Error::Sqlite),
            other => Opening::Failed(other),
        })?;
        let verdict: Vec<String> = store
            .connection
            .prepare("PRAGMA quick_check")
            .and_then(|mut statement| {
                statement
                    .query_map([], |row| row.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
            .map_err(|error| opening(error, Error::Sqlite))?;
        if verdict != ["ok"] {
            return Err(Opening::Damaged(verdict.join("; ")));
        }
        Ok(store)
    }

    /// What opening did to a damaged or empty history file, if anything:
    /// shown to the user once, at start.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// The rows the listings skipped since the last call, each with why
    /// it could not be read; the listings show every other row.
    pub fn take_skipped_rows(&self) -> Vec<String> {
        std::mem::take(&mut *self.skipped.borrow_mut())
    }

    pub(crate) fn skip_row(&self, problem: String) {
        self.skipped.borrow_mut().push(problem);
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

/// Why a database file could not be opened.
enum Opening {
    /// SQLite says the file is damaged or is not a database.
    Damaged(String),
    Failed(Error),
}

/// Sorts an SQLite error: damage, or an error `other` makes.
fn opening(error: rusqlite::Error, other: impl FnOnce(rusqlite::Error) -> Error) -> Opening {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
            Opening::Damaged(error.to_string())
        }
        _ => Opening::Failed(other(error)),
    }
}

/// Renames `path` (and its `-wal` and `-shm` files) to
/// `<name>.<what>-<unix ms>`, so nothing of it is lost; returns the new path.
fn set_aside(path: &Path, what: &str) -> Result<PathBuf> {
    let stamp = runs::system_now_ms();
    let aside = |path: &Path| {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".{what}-{stamp}"));
        PathBuf::from(name)
    };
    let kept = aside(path);
    let rename = |from: &Path, to: &Path| {
        std::fs::rename(from, to).map_err(|source| Error::SetAside {
            path: from.to_owned(),
            source,
        })
    };
    rename(path, &kept)?;
    for suffix in ["-wal", "-shm"] {
        let mut journal = path.as_os_str().to_owned();
        journal.push(suffix);
        let journal = PathBuf::from(journal);
        if journal.exists() {
            rename(&journal, &aside(&journal))?;
        }
    }
    Ok(kept)
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

    /// Not an error any more, nor a silent loss: the file is kept aside
    /// and the user told (tests/damage.rs has the other cases).
    #[test]
    fn a_file_that_is_not_a_database_is_kept_aside_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(DATABASE_FILE),
            b"this is not sqlite at all, honest",
        )
        .unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let notice = store.notice().unwrap();
        assert!(notice.contains("not a database"), "{notice}");
    }
}
