//! The attempt history and the mock exam's wire types: a page of past runs,
//! one run in full, two runs compared, and a mock's state and report.

use serde::{Deserialize, Serialize};

use crate::{AttemptSummary, GradeReport, Logs, Metric, RunId, RunStatus, Submission};

/// Identifies a stored mock exam.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MockId(pub i64);

impl std::fmt::Display for MockId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What the History page lists: filters, an order and a page.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HistoryQuery {
    pub task_id: Option<String>,
    pub status: Option<RunStatus>,
    /// Only runs whose best submission scored at least this.
    pub min_score: Option<u8>,
    /// Only runs of this mock.
    pub mock_id: Option<MockId>,
    pub sort: HistorySort,
    /// Oldest, lowest or shortest first instead of the default order.
    pub ascending: bool,
    /// Rows per page; the store caps it at [`HistoryQuery::MAX_LIMIT`].
    pub limit: u32,
    pub offset: u32,
}

impl HistoryQuery {
    pub const MAX_LIMIT: u32 = 200;
    pub const DEFAULT_LIMIT: u32 = 50;
}

/// The order of the History page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistorySort {
    /// By start time, newest first.
    #[default]
    Started,
    /// By best submitted score, highest first (unsubmitted runs last).
    Score,
    /// By the best submission's metric value, largest first.
    Metric,
    /// By training time, longest first.
    Duration,
}

/// One page of the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub rows: Vec<AttemptSummary>,
    /// How many runs match the filters, over every page.
    pub total: u64,
    /// Rows of this page that could not be read (a damaged value), each
    /// with why; the page shows the others.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
}

/// One point of a run's batch curve, downsampled to at most
/// [`BatchPoint::MAX_POINTS`] per run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchPoint {
    /// Batches trained before this one over the whole run (every `fit`).
    pub step: u64,
    pub fit: u32,
    pub epoch: u32,
    #[serde(deserialize_with = "crate::logs::deserialize")]
    pub logs: Logs,
}

impl BatchPoint {
    pub const MAX_POINTS: usize = 500;
}

/// Everything kept about one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptDetail {
    pub summary: AttemptSummary,
    pub code: String,
    pub seed: u64,
    /// The Dojo version that ran it (absent for runs older than the field).
    pub dojo_version: Option<String>,
    pub console: String,
    /// Epoch logs in order, over every `fit`.
    #[serde(deserialize_with = "crate::logs::deserialize_list")]
    pub epochs: Vec<Logs>,
    pub batches: Vec<BatchPoint>,
    /// The grade of the run's model, shown once the run was submitted; while
    /// the mock it belongs to is on, the public half's view of it.
    pub grade: Option<GradeReport>,
    /// The run has a grade that can be submitted.
    pub gradable: bool,
    pub submissions: Vec<Submission>,
}

/// How a line of two compared programs differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffChange {
    Same,
    /// Only on the left (removed).
    Removed,
    /// Only on the right (added).
    Added,
}

/// One row of a side-by-side diff: a line of the left program, of the
/// right one, or of both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffRow {
    pub change: DiffChange,
    /// 1-based line numbers.
    pub left_line: Option<u32>,
    pub right_line: Option<u32>,
    pub text: String,
}

/// Two runs side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptComparison {
    pub left: AttemptDetail,
    pub right: AttemptDetail,
    pub diff: Vec<DiffRow>,
    /// Final-epoch metrics of both, by name: `(name, left, right)`.
    pub metrics: Vec<(String, Option<f64>, Option<f64>)>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportSummary {
    pub imported: u32,
    /// Runs already in the history (same fingerprint), left as they were.
    pub skipped: u32,
}

/// Arguments of `start_mock`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MockRequest {
    /// 300 (the exam's five hours), 120 or 60.
    pub minutes: u32,
}

impl MockRequest {
    pub const LENGTHS: [u32; 3] = [300, 120, 60];
}

/// Where a mock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MockStatus {
    Running,
    /// The deadline passed or the candidate ended it early.
    Finished,
    /// Given up: no report counts it.
    Abandoned,
}

impl MockStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MockStatus::Running => "running",
            MockStatus::Finished => "finished",
            MockStatus::Abandoned => "abandoned",
        }
    }

    pub fn parse(text: &str) -> Option<MockStatus> {
        [
            MockStatus::Running,
            MockStatus::Finished,
            MockStatus::Abandoned,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

/// A mock exam.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MockState {
    pub id: MockId,
    pub status: MockStatus,
    /// Unix milliseconds.
    pub started_at: i64,
    /// The wall-clock end, unix milliseconds: the clock keeps running while
    /// the app is closed.
    pub deadline: i64,
    pub ended_at: Option<i64>,
    pub minutes: u32,
    /// The seed the task draw used.
    pub seed: u64,
    /// One task per exam category, in exam order.
    pub tasks: Vec<String>,
    /// The clock the app goes by, so the window counts down from the same
    /// "now" (unix milliseconds).
    pub now: i64,
}

/// A score on the two halves of a hidden split.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HalfScores {
    pub public_value: f64,
    pub public_score: u8,
    pub private_value: f64,
    pub private_score: u8,
}

/// What a mock's report needs to know about one of its tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MockTaskInfo {
    pub task_id: String,
    pub title: String,
    /// The exam category's number, 1 to 5: the task's weight.
    pub category: u8,
    pub metric: Metric,
}

/// One task of a mock's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MockTaskResult {
    pub task_id: String,
    pub title: String,
    /// 1 to 5: the weight of the task in the total.
    pub category: u8,
    pub metric: Metric,
    /// The best submission within the mock, by its public score.
    pub best_run: Option<RunId>,
    pub best: Option<HalfScores>,
    pub runs: u32,
    pub submissions: u32,
    /// Milliseconds from the mock's start to the task's first submission.
    pub first_submission_after_ms: Option<i64>,
}

/// A submission on the mock's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelinePoint {
    pub task_id: String,
    /// Milliseconds after the mock's start.
    pub after_ms: i64,
    pub public_score: u8,
}

/// A mock's report. While the mock runs it holds only public scores
/// (`private_*` are hidden); at the end both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MockReport {
    pub mock: MockState,
    pub tasks: Vec<MockTaskResult>,
    pub timeline: Vec<TimelinePoint>,
    /// The weighted total, task k weighing k out of 15, as a percentage of
    /// the 75 points (15 × 5) on offer.
    pub public_percent: f64,
    pub private_percent: Option<f64>,
    /// The folk pass line, 90 %: not an official figure.
    pub pass_percent: f64,
    /// Passed on the private half; `None` while the mock runs.
    pub passed: Option<bool>,
}

/// The training run in progress, for a page that opens while it runs: its
/// events so far (every one but the oldest batch events), then the stream
/// continues on the channel the page attached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveTraining {
    /// `JobId(0)` for the moment between the run's start and the runner
    /// naming its job; the `Started` event carries it too.
    pub job_id: crate::JobId,
    pub run_id: RunId,
    pub task_id: String,
    pub events: Vec<crate::TrainingEvent>,
}

/// Where an exported history was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedFile {
    pub path: String,
    pub runs: u32,
}
