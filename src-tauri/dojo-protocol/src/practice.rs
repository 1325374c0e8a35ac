//! The practice loop's wire types: a task's page, training runs streamed to
//! the workspace, grading reports, and stored attempts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{JobId, Metric, TaskSummary};

/// Everything the workspace shows about one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskDetail {
    pub summary: TaskSummary,
    /// The statement in the exam's voice; paragraphs separated by blank lines,
    /// `code` in backticks.
    pub statement: String,
    /// The grader's input contract, one rule per item.
    pub contract: Vec<ContractItem>,
    /// The starter file in the `solution_model()` shape.
    pub starter: String,
    pub thresholds: Thresholds,
    /// A look at the visible data.
    pub preview: DatasetPreview,
    /// The user's unsaved code for this task, if any (restored on open).
    pub draft: Option<String>,
}

/// One rule of the grader's input contract, e.g. `input` / `(None, 28, 28, 1)
/// float32, pixels scaled to [0, 1]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractItem {
    pub name: String,
    pub value: String,
}

/// How a metric value maps to a score. `levels[i]` is the value a model must
/// reach (at least for accuracy, at most for MAE) to score `i + 2`; any valid
/// model scores at least 1, and 0 means nothing valid was submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    pub metric: Metric,
    pub levels: [f64; 4],
}

/// A sample of the visible data for the task page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DatasetPreview {
    /// Labelled images as `data:image/png;base64,...` URLs.
    Images { items: Vec<LabelledImage> },
    /// Labelled texts.
    Texts { items: Vec<LabelledText> },
    /// A numeric series (e.g. monthly sunspots) with its unit.
    Series {
        name: String,
        unit: String,
        /// Label of the first point, e.g. `1749-01`.
        start: String,
        values: Vec<f32>,
    },
    /// The first rows of a table.
    Table {
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelledImage {
    pub label: String,
    pub data_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelledText {
    pub label: String,
    pub text: String,
}

/// A problem in user code located at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeDiagnostic {
    /// `SyntaxError`, `TypeError`, `NotSupportedInDojo`, ...
    pub kind: String,
    pub message: String,
    pub help: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// Where the problem ends (exclusive), when known; same line as `line`
    /// when the span is on one line.
    pub end_line: Option<u32>,
    pub end_column: Option<u32>,
}

/// Arguments of `start_training`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingRequest {
    pub task_id: String,
    pub code: String,
    /// Caps every `fit` to this many epochs (quick tries, tests).
    pub max_epochs: Option<u32>,
    /// Caps every epoch to this many batches (quick tries, tests).
    pub max_steps: Option<u32>,
    /// The session's seed (a re-run passes the stored one); a fresh seed
    /// when absent.
    #[serde(default)]
    pub seed: Option<u64>,
}

/// Identifies a stored training run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RunId(pub i64);

/// Keras `logs`: metric name to value, e.g. `loss`, `val_accuracy`,
/// `learning_rate`.
pub type Logs = BTreeMap<String, f64>;

/// What a training run streams to the workspace, in order: one `Started`,
/// then any of `Output`, `FitStarted`, `Batch`, `Epoch`, then exactly one of
/// `Finished`, `Cancelled` or `Failed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TrainingEvent {
    Started {
        job_id: JobId,
        run_id: RunId,
        device: String,
    },
    /// Text the program printed: `print`, `summary()`, Keras epoch lines.
    Output { text: String },
    /// A figure the program showed or saved (`plt.show()`,
    /// `plt.savefig(...)`), drawn by the engine as a PNG image.
    Figure(FigureImage),
    /// A `fit` call began (a program may call `fit` more than once);
    /// `fit` counts from 1 over the run.
    FitStarted { fit: u32, epochs: u32 },
    /// A training batch ended (rate-limited: not every batch is sent).
    Batch {
        fit: u32,
        /// 0-based.
        epoch: u32,
        epochs: u32,
        /// 0-based.
        batch: u32,
        /// Known for arrays, and for datasets after their first epoch.
        batches: Option<u32>,
        #[serde(deserialize_with = "crate::logs::deserialize")]
        logs: Logs,
        elapsed_ms: u64,
    },
    /// An epoch ended; `logs` holds the epoch's averages and `val_*` keys.
    Epoch {
        fit: u32,
        /// 0-based.
        epoch: u32,
        epochs: u32,
        #[serde(deserialize_with = "crate::logs::deserialize")]
        logs: Logs,
        elapsed_ms: u64,
        /// Wall-clock time the event was sent (unix milliseconds), so the
        /// workspace can measure how long an epoch takes to reach its chart.
        sent_at_ms: i64,
        /// The epochs so far are a learning-rate sweep (the engine's rule):
        /// the workspace shows the loss by learning rate.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        learning_rate_sweep: bool,
    },
    Finished {
        run_id: RunId,
        elapsed_ms: u64,
        /// Advice read from the curves.
        hints: Vec<Hint>,
        /// Whether a model can be submitted for grading.
        gradable: bool,
    },
    Cancelled {
        run_id: RunId,
        elapsed_ms: u64,
        hints: Vec<Hint>,
        /// A stopped run can still be submitted with the model it trained.
        gradable: bool,
    },
    Failed {
        run_id: Option<RunId>,
        error: CodeDiagnostic,
        /// The full Python-style report (traceback or caret frame).
        report: String,
    },
}

/// One drawn figure of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureImage {
    /// matplotlib's figure number, from 1 in a run.
    pub number: u32,
    /// The figure's `suptitle`, else its first axes' title.
    pub title: Option<String>,
    /// The name `savefig` was given (its last path component), if saved.
    pub file_name: Option<String>,
    pub width: u32,
    pub height: u32,
    /// The PNG file, base64-encoded (standard alphabet, padded).
    pub png_base64: String,
}

impl FigureImage {
    /// The image as a `data:` URL an `<img>` shows.
    pub fn data_url(&self) -> String {
        format!("data:image/png;base64,{}", self.png_base64)
    }

    /// How the console names it: `figure 2 "loss"`.
    pub fn caption(&self) -> String {
        match &self.title {
            Some(title) => format!("figure {} \"{title}\"", self.number),
            None => format!("figure {}", self.number),
        }
    }
}

impl TrainingEvent {
    /// Whether this event ends its run's stream.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            TrainingEvent::Finished { .. }
                | TrainingEvent::Cancelled { .. }
                | TrainingEvent::Failed { .. }
        )
    }
}

/// Advice read from training curves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hint {
    pub kind: HintKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HintKind {
    Overfitting,
    Divergence,
    LearningRateTooHigh,
    LearningRateTooLow,
    Plateau,
    /// The learning-rate sweep suggests a value.
    LearningRateSweep,
}

/// The grader's verdict on one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeReport {
    pub task_id: String,
    pub metric: Metric,
    /// The metric on the hidden test split.
    pub value: f64,
    /// 0 to 5.
    pub score: u8,
    pub thresholds: Thresholds,
    /// Number of hidden examples the model was scored on.
    pub samples: u32,
    /// Per-class accuracy, for classification tasks.
    pub classes: Vec<ClassResult>,
    /// `confusion[true][predicted]` counts, for classification tasks.
    pub confusion: Vec<Vec<u32>>,
    /// Contract mismatches and other things the grader noticed, in plain words.
    pub notes: Vec<String>,
    /// The metric on the public and private halves of the hidden split
    /// (a mock shows the public half until it ends). Absent in grades
    /// stored before the halves were computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub halves: Option<crate::HalfScores>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassResult {
    pub label: String,
    pub correct: u32,
    pub total: u32,
}

/// Arguments of `submit_run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitRequest {
    pub run_id: RunId,
}

/// A graded submission as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub id: i64,
    pub run_id: RunId,
    pub task_id: String,
    /// Unix milliseconds.
    pub submitted_at: i64,
    /// The grade as the candidate may see it now: during a mock, the public
    /// half's score only.
    pub report: GradeReport,
    /// The mock the submission counts for.
    #[serde(default)]
    pub mock_id: Option<crate::MockId>,
}

/// A task's record on the home screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskStats {
    pub task_id: String,
    /// Training runs started, whatever their end.
    pub attempts: u32,
    pub submissions: u32,
    pub best_score: Option<u8>,
    /// The metric of the best submission.
    pub best_value: Option<f64>,
}

/// How a stored run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    #[default]
    Running,
    Finished,
    Cancelled,
    Failed,
    Interrupted,
}

impl RunStatus {
    /// The status as the store and the wire spell it (`"finished"`).
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Finished => "finished",
            RunStatus::Cancelled => "cancelled",
            RunStatus::Failed => "failed",
            RunStatus::Interrupted => "interrupted",
        }
    }

    /// The status `as_str` spells `text`, if any.
    pub fn parse(text: &str) -> Option<RunStatus> {
        [
            RunStatus::Running,
            RunStatus::Finished,
            RunStatus::Cancelled,
            RunStatus::Failed,
            RunStatus::Interrupted,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

impl std::fmt::Display for RunId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// How a run ended: what the store keeps about its end, written once.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunEnd {
    pub status: RunStatus,
    /// `Kind: message` of the error that stopped the program.
    pub error: Option<String>,
    /// The last epoch's logs.
    pub final_logs: Logs,
    /// What the program printed (bounded by the run).
    pub console: String,
    /// The grade of the run's model, if it produced one.
    pub grade: Option<GradeReport>,
    /// The run's batch curve, downsampled (filled in by the recorder).
    pub batches: Vec<crate::BatchPoint>,
}

impl RunEnd {
    /// An end with only a status.
    pub fn status(status: RunStatus) -> RunEnd {
        RunEnd {
            status,
            ..RunEnd::default()
        }
    }
}

/// One stored run as a list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptSummary {
    pub run_id: RunId,
    pub task_id: String,
    pub status: RunStatus,
    pub device: String,
    /// Unix milliseconds.
    pub started_at: i64,
    pub ended_at: Option<i64>,
    /// The error of a failed run.
    pub error: Option<String>,
    /// The final epoch's logs.
    #[serde(deserialize_with = "crate::logs::deserialize")]
    pub final_logs: Logs,
    /// The best score among this run's submissions.
    pub score: Option<u8>,
    /// The metric of the best submission.
    #[serde(default)]
    pub metric_value: Option<f64>,
    /// The mock the run belonged to.
    #[serde(default)]
    pub mock_id: Option<crate::MockId>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn training_event_wire_shapes() {
        let epoch = TrainingEvent::Epoch {
            fit: 0,
            epoch: 1,
            epochs: 5,
            logs: Logs::from([("loss".to_owned(), 0.5), ("val_loss".to_owned(), 0.75)]),
            elapsed_ms: 1200,
            learning_rate_sweep: false,
            sent_at_ms: 1_795_759_200_000,
        };
        expect![[r#"{"kind":"epoch","fit":0,"epoch":1,"epochs":5,"logs":{"loss":0.5,"val_loss":0.75},"elapsed_ms":1200,"sent_at_ms":1795759200000}"#]]
            .assert_eq(&serde_json::to_string(&epoch).unwrap_or_default());
        let failed = TrainingEvent::Failed {
            run_id: Some(RunId(3)),
            error: CodeDiagnostic {
                kind: "NameError".into(),
                message: "name 'x' is not defined".into(),
                help: None,
                line: Some(4),
                column: Some(5),
                end_line: Some(4),
                end_column: Some(6),
            },
            report: String::new(),
        };
        let json = serde_json::to_string(&failed).unwrap_or_default();
        expect![[r#"{"kind":"failed","run_id":3,"error":{"kind":"NameError","message":"name 'x' is not defined","help":null,"line":4,"column":5,"end_line":4,"end_column":6},"report":""}"#]]
            .assert_eq(&json);
        let back: TrainingEvent = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert!(back.is_terminal());
        assert!(!epoch.is_terminal());
    }

    #[test]
    fn preview_and_status_wire_names() {
        let preview = DatasetPreview::Texts {
            items: vec![LabelledText {
                label: "spam".into(),
                text: "WIN".into(),
            }],
        };
        expect![[r#"{"kind":"texts","items":[{"label":"spam","text":"WIN"}]}"#]]
            .assert_eq(&serde_json::to_string(&preview).unwrap_or_default());
        expect![[r#"["finished","interrupted"]"#]].assert_eq(
            &serde_json::to_string(&[RunStatus::Finished, RunStatus::Interrupted])
                .unwrap_or_default(),
        );
    }
}
