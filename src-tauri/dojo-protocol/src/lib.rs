//! The data that crosses the IPC boundary between the Tauri backend and the
//! Leptos UI.
//!
//! Both ends depend on this crate, so a command's arguments and results are
//! typed on both sides of `invoke`. Everything here is plain data: no
//! behaviour, no dependency beyond serde, and it compiles for wasm32.
//!
//! Invariant: the JSON shape of these types is the wire format. Tests pin the
//! shapes that the UI or stored data rely on; change them only together with
//! both ends.

use serde::{Deserialize, Serialize};

/// Names of the Tauri commands, shared so the UI cannot misspell one.
pub mod commands {
    pub const APP_INFO: &str = "app_info";
    pub const LIST_TASKS: &str = "list_tasks";
    pub const LIST_DATASETS: &str = "list_datasets";
    pub const START_DEVICE_CHECK: &str = "start_device_check";
    pub const CANCEL_JOB: &str = "cancel_job";
    pub const GET_TASK: &str = "get_task";
    pub const CHECK_CODE: &str = "check_code";
    pub const COMPLETE_CODE: &str = "complete_code";
    pub const SIGNATURE_HELP: &str = "signature_help";
    pub const HOVER_CODE: &str = "hover_code";
    pub const SAVE_DRAFT: &str = "save_draft";
    pub const START_TRAINING: &str = "start_training";
    pub const SUBMIT_RUN: &str = "submit_run";
    pub const TASK_STATS: &str = "task_stats";
    pub const LIST_ATTEMPTS: &str = "list_attempts";
    pub const HISTORY_PAGE: &str = "history_page";
    pub const ATTEMPT_DETAIL: &str = "attempt_detail";
    pub const COMPARE_ATTEMPTS: &str = "compare_attempts";
    pub const ATTACH_TRAINING: &str = "attach_training";
    pub const REPLACE_DRAFT: &str = "replace_draft";
    pub const PREVIOUS_DRAFT: &str = "previous_draft";
    pub const EXPORT_HISTORY: &str = "export_history";
    pub const IMPORT_HISTORY: &str = "import_history";
    pub const START_MOCK: &str = "start_mock";
    pub const CURRENT_MOCK: &str = "current_mock";
    pub const END_MOCK: &str = "end_mock";
    pub const MOCK_REPORT: &str = "mock_report";
    pub const LIST_MOCKS: &str = "list_mocks";
}

/// The one error shape every command returns: a stable machine-readable
/// `code` and a human-readable `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandError {
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for CommandError {}

/// The five exam categories of the TensorFlow Developer Certificate, in exam order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskCategory {
    BasicModel,
    LearningDataset,
    RealWorldImages,
    Nlp,
    TimeSeries,
}

impl TaskCategory {
    /// The category as the exam named it.
    pub fn label(self) -> &'static str {
        match self {
            TaskCategory::BasicModel => "Basic model",
            TaskCategory::LearningDataset => "Learning dataset",
            TaskCategory::RealWorldImages => "Real-world images",
            TaskCategory::Nlp => "Natural language processing",
            TaskCategory::TimeSeries => "Time series",
        }
    }
}

/// How a task's model is measured on the hidden test split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Fraction of correct predictions; higher is better.
    Accuracy,
    /// Mean absolute error in the target's unit; lower is better.
    MeanAbsoluteError,
}

impl Metric {
    pub fn label(self) -> &'static str {
        match self {
            Metric::Accuracy => "accuracy",
            Metric::MeanAbsoluteError => "MAE",
        }
    }
}

/// One practice task as the home screen lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskSummary {
    /// Stable identifier used in URLs, the CLI and the attempt history.
    pub id: String,
    /// Position in the exam, 1 to 5 (a second task of a category shares its number).
    pub exam_number: u8,
    pub title: String,
    pub category: TaskCategory,
    pub metric: Metric,
    /// Id of the bundled dataset the task trains on.
    pub dataset_id: String,
    /// One sentence saying what the model must do.
    pub summary: String,
}

/// A bundled dataset and the credit its licence asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetAttribution {
    pub id: String,
    pub title: String,
    pub creator: String,
    pub licence: String,
    pub source_url: String,
    /// The attribution text the licence asks to ship, verbatim.
    pub attribution: String,
    /// What Dojo's copy changed relative to the original, if anything.
    pub changes: String,
}

/// What the Settings page shows about the running app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    pub version: String,
    /// Human-readable compute device, e.g. "CPU (2 threads, avx2)".
    pub device: String,
    /// Which backends this build was compiled with, e.g. `["cpu", "cuda"]`.
    pub compiled_backends: Vec<String>,
    pub data_dir: String,
    pub database_path: String,
    /// What opening the history had to do to a damaged or empty file (kept
    /// aside, a fresh one started), for the user to read once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_notice: Option<String>,
}

/// Identifies a background job for cancellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JobId(pub u64);

/// Arguments of `start_device_check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCheckRequest {
    /// Number of optimisation steps to run; the engine caps it.
    pub steps: u32,
}

/// Progress of a background job, streamed over a channel in order.
///
/// A job sends exactly one `Started`, then any number of `Progress`, then
/// exactly one of `Finished`, `Cancelled` or `Failed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobEvent {
    Started {
        job_id: JobId,
        total_steps: u32,
        device: String,
    },
    Progress {
        step: u32,
        total_steps: u32,
        loss: f64,
        elapsed_ms: u64,
    },
    Finished {
        steps: u32,
        final_loss: f64,
        elapsed_ms: u64,
        /// Measured training throughput in GFLOP/s.
        gflops: f64,
    },
    Cancelled {
        step: u32,
        elapsed_ms: u64,
    },
    Failed {
        message: String,
    },
}

impl JobEvent {
    /// Whether this event ends its job's stream.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            JobEvent::Finished { .. } | JobEvent::Cancelled { .. } | JobEvent::Failed { .. }
        )
    }
}

pub mod editor;
pub mod history;
pub mod logs;
pub mod practice;
pub use editor::*;
pub use history::*;
pub use practice::*;

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{Expect, expect};

    fn check_json<T: Serialize>(value: &T, expect: Expect) {
        let json = serde_json::to_string(value).unwrap_or_else(|e| panic!("serialise: {e}"));
        expect.assert_eq(&json);
    }

    #[test]
    fn command_error_wire_shape() {
        check_json(
            &CommandError {
                code: "job_not_found".into(),
                message: "no job with id 7".into(),
            },
            expect![[r#"{"code":"job_not_found","message":"no job with id 7"}"#]],
        );
    }

    #[test]
    fn job_event_wire_shape() {
        check_json(
            &JobEvent::Progress {
                step: 3,
                total_steps: 10,
                loss: 0.5,
                elapsed_ms: 12,
            },
            expect![[
                r#"{"kind":"progress","step":3,"total_steps":10,"loss":0.5,"elapsed_ms":12}"#
            ]],
        );
        check_json(
            &JobEvent::Started {
                job_id: JobId(4),
                total_steps: 10,
                device: "CPU".into(),
            },
            expect![[r#"{"kind":"started","job_id":4,"total_steps":10,"device":"CPU"}"#]],
        );
    }

    #[test]
    fn job_events_round_trip() {
        let events = [
            JobEvent::Cancelled {
                step: 2,
                elapsed_ms: 5,
            },
            JobEvent::Failed {
                message: "boom".into(),
            },
        ];
        for event in events {
            let json = serde_json::to_string(&event).unwrap_or_default();
            let back: JobEvent =
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert_eq!(back, event);
            assert!(back.is_terminal());
        }
    }

    #[test]
    fn task_category_wire_names() {
        check_json(
            &[TaskCategory::BasicModel, TaskCategory::TimeSeries],
            expect![[r#"["basic_model","time_series"]"#]],
        );
    }
}
