//! The engine's error type.

use dojo_protocol::JobId;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no task with id {id:?}; known tasks: {known}")]
    UnknownTask { id: String, known: String },
    #[error("no running job with id {}", .0.0)]
    JobNotFound(JobId),
    #[error("the compute device {device} is not available: {reason}")]
    DeviceUnavailable { device: String, reason: String },
    #[error("cannot start a background thread: {0}")]
    Spawn(std::io::Error),
    #[error("the bundled datasets were not found; looked in: {searched}")]
    AssetsMissing { searched: String },
    #[error("cannot read {path}: {source}")]
    AssetRead {
        path: String,
        source: std::io::Error,
    },
    #[error("the bundled dataset {dataset} is malformed: {message}")]
    Dataset { dataset: String, message: String },
    #[error("the task file {task}/{file} is malformed: {message}")]
    TaskFile {
        task: String,
        file: String,
        message: String,
    },
    /// The submitted model cannot be run through the task's input contract;
    /// the message says why in the user's terms.
    #[error("{0}")]
    Grading(String),
    #[error("the benchmark program failed:\n{0}")]
    Bench(String),
    #[error("tensor error: {0}")]
    Candle(#[from] candle_core::Error),
}
