//! The store's error type.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot find the user data directory; set DOJO_DATA_DIR")]
    NoDataDir,
    #[error("cannot create the data directory {path}: {source}")]
    CreateDataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the database could not switch to WAL journaling (it reports {mode:?})")]
    NoWal { mode: String },
    #[error(
        "the database is at schema version {found}, newer than this build of Dojo knows ({known}); update Dojo"
    )]
    SchemaTooNew { found: u32, known: u32 },
    #[error("no run with id {0}")]
    RunNotFound(i64),
    #[error("run {0} has no graded model to submit: it failed before a model was built")]
    NotGradable(i64),
    #[error("mock {0} is still running: end it or wait for its deadline first")]
    MockRunning(i64),
    #[error("mock {0} is not running")]
    MockNotRunning(i64),
    #[error("no mock with id {0}")]
    MockNotFound(i64),
    #[error("line {line} of the history file: {message}")]
    Import { line: usize, message: String },
    #[error("cannot keep the damaged database {path} aside: {source}")]
    SetAside {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}
