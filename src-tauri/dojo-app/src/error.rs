//! The one error shape every command returns.
//!
//! It serialises as `dojo_protocol::CommandError`, `{"code", "message"}`,
//! which the UI deserialises; a test pins the codes.

use serde::{Serialize, Serializer};

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Engine(#[from] dojo_engine::Error),
    #[error(transparent)]
    Store(#[from] dojo_store::Error),
    #[error("a training run is already in progress (job {}); stop it before starting another", .0.0)]
    Busy(dojo_protocol::JobId),
    #[error("a mock lasts 300, 120 or 60 minutes, not {0}")]
    MockLength(u32),
    #[error("cannot write the export file {path}: {source}")]
    Export {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot read the history file {path}: {source}")]
    Import {
        path: String,
        source: std::io::Error,
    },
}

impl CommandError {
    /// A stable, machine-readable name for the error.
    pub fn code(&self) -> &'static str {
        use dojo_engine::Error as E;
        use dojo_store::Error as S;
        match self {
            CommandError::Engine(error) => match error {
                E::UnknownTask { .. } => "unknown_task",
                E::JobNotFound(_) => "job_not_found",
                E::DeviceUnavailable { .. } => "device_unavailable",
                E::Spawn(_) => "spawn_failed",
                E::AssetsMissing { .. } | E::AssetRead { .. } => "assets_unavailable",
                E::Dataset { .. } => "dataset_malformed",
                E::TaskFile { .. } => "task_file_invalid",
                E::Grading(_) => "grading_failed",
                E::Bench(_) => "bench_failed",
                E::Candle(_) => "tensor_error",
            },
            CommandError::Busy(_) => "training_in_progress",
            CommandError::MockLength(_) => "invalid_request",
            CommandError::Export { .. } | CommandError::Import { .. } => "file_error",
            CommandError::Store(error) => match error {
                S::NoDataDir | S::CreateDataDir { .. } => "data_dir_unavailable",
                S::SchemaTooNew { .. } => "database_too_new",
                S::RunNotFound(_) => "run_not_found",
                S::NotGradable(_) => "not_gradable",
                S::MockRunning(_) => "mock_running",
                S::MockNotRunning(_) | S::MockNotFound(_) => "mock_not_found",
                S::Import { .. } => "import_invalid",
                S::Open { .. }
                | S::NoWal { .. }
                | S::SetAside { .. }
                | S::Corrupt(_)
                | S::Sqlite(_) => "database_error",
            },
        }
    }

    pub fn to_protocol(&self) -> dojo_protocol::CommandError {
        dojo_protocol::CommandError {
            code: self.code().to_owned(),
            message: self.to_string(),
        }
    }
}

impl Serialize for CommandError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_protocol().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dojo_protocol::JobId;

    #[test]
    fn serialises_as_code_and_message() {
        let error = CommandError::from(dojo_engine::Error::JobNotFound(JobId(3)));
        assert_eq!(
            serde_json::to_string(&error).unwrap(),
            r#"{"code":"job_not_found","message":"no running job with id 3"}"#
        );
        let error = CommandError::from(dojo_store::Error::SchemaTooNew { found: 9, known: 1 });
        let json: dojo_protocol::CommandError =
            serde_json::from_value(serde_json::to_value(&error).unwrap()).unwrap();
        assert_eq!(json.code, "database_too_new");
        assert!(json.message.contains("update Dojo"), "{}", json.message);
    }
}
