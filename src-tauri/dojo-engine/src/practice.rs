//! A practice run: one user program trained on a task's visible data,
//! streamed as [`TrainingEvent`]s, and graded on the hidden split when it
//! ends. [`PracticeRun::run`] is the only code that prepares a run's data,
//! begins its session (seed, device), runs the program, grades and reports:
//! the app runs it as a background [`Job`], the command line calls it on its
//! own thread.
//!
//! Invariants:
//! - The program sees only the task's visible files; the hidden split stays
//!   in this run and reaches only [`grading::grade`].
//! - The grade is computed when the run ends (a stopped run is graded on the
//!   model it trained so far; a model the grader cannot feed scores 0 with a
//!   note) and travels in [`RunEnd`], never in a [`TrainingEvent`]: the
//!   workspace learns the score only by submitting.
//! - Output and batch events are rate-limited; epoch and terminal events
//!   are always sent, in order, after any output printed before them.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use dojo_lang::Value;
use dojo_protocol::{
    CodeDiagnostic, GradeReport, JobId, Logs, RunEnd, RunId, RunStatus, TrainingEvent as WireEvent,
};
use dojo_tf::{TrainingContext, TrainingEvent};

use crate::device::ComputeDevice;
use crate::grading;
use crate::jobs::{CancelToken, Emitter, Job, JobContext, StreamEvent, Throttle};
use crate::program::{self, Outcome, ProgramError, RunOptions};
use crate::taskdata;
use crate::tasks::Task;

/// How often batch and output events may be sent.
const EVENT_INTERVAL: Duration = Duration::from_millis(50);

/// The most console text a run keeps for the history (the stream itself is
/// not cut).
const CONSOLE_LIMIT: usize = 256 * 1024;

/// One practice run of a user program: against a task's data and graded
/// when there is a task, as a plain script otherwise.
#[derive(Debug, Clone)]
pub struct PracticeRun {
    /// The task whose data the program sees and whose grader scores it.
    pub task: Option<&'static Task>,
    pub code: String,
    /// The program's file name in tracebacks.
    pub file_name: String,
    /// The stored run this is (the `Started` event names it).
    pub run_id: RunId,
    /// Seeds Keras's initialisers and shuffles unless the program seeds them.
    pub seed: u64,
    pub max_epochs: Option<u32>,
    pub max_steps: Option<u32>,
    /// Builds and compiles the model but skips training and grading.
    pub dry_run: bool,
    pub device: ComputeDevice,
}

/// What a training job streams: the event for the workspace and, with the
/// terminal event, what the store keeps about the run's end.
#[derive(Debug, Clone, PartialEq)]
pub struct JobUpdate {
    pub event: WireEvent,
    pub end: Option<RunEnd>,
}

/// What a finished [`PracticeRun::run`] returns besides its events.
#[derive(Debug, Clone, PartialEq)]
pub struct PracticeOutcome {
    /// What the store keeps (also sent with the terminal event).
    pub end: RunEnd,
    /// Every problem that stopped the program: all of its syntax errors, or
    /// the exception it raised.
    pub errors: Vec<ProgramError>,
    /// The returned model's `summary()` (or repr), if it finished.
    pub model_summary: Option<String>,
    /// The interpreter's step count.
    pub steps: u64,
}

/// A seed for a run that was given none: different for every run, and
/// stored with it so a re-run can reproduce it.
pub fn fresh_seed() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    // A seed a user can type back in: below 2^53, so JSON keeps it exact.
    (u64::from(now.subsec_nanos()) ^ now.as_secs().rotate_left(20)) & ((1 << 53) - 1)
}

impl StreamEvent for JobUpdate {
    fn is_terminal(&self) -> bool {
        self.event.is_terminal()
    }

    fn internal_failure(message: String) -> Self {
        JobUpdate {
            event: WireEvent::Failed {
                run_id: None,
                error: CodeDiagnostic {
                    kind: "InternalError".to_owned(),
                    message: message.clone(),
                    help: Some("this is a bug in Dojo, not in your code; please report it".into()),
                    line: None,
                    column: None,
                    end_line: None,
                    end_column: None,
                },
                report: message.clone(),
            },
            end: Some(RunEnd {
                status: RunStatus::Failed,
                error: Some(message),
                final_logs: Logs::new(),
                console: String::new(),
                grade: None,
                batches: Vec::new(),
            }),
        }
    }
}

/// The run's stream state, shared by the interpreter's output and training
/// callbacks on the job's thread.
struct Stream {
    emitter: Emitter<JobUpdate>,
    started: Instant,
    throttle: Throttle,
    pending: String,
    console: String,
    fit: u32,
    epochs: Vec<Logs>,
}

impl Stream {
    fn send(&mut self, event: WireEvent) {
        self.emitter.emit(JobUpdate { event, end: None });
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            let text = std::mem::take(&mut self.pending);
            self.send(WireEvent::Output { text });
        }
    }

    fn output(&mut self, text: &str) {
        if self.console.len() < CONSOLE_LIMIT {
            let room = CONSOLE_LIMIT - self.console.len();
            let mut cut = text.len().min(room);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            self.console.push_str(&text[..cut]);
        }
        self.pending.push_str(text);
        if self.throttle.ready(Instant::now()) {
            self.flush();
        }
    }

    /// Draws a figure the program showed or saved and sends it, after the
    /// text printed before it; the console names it on a line of its own.
    fn figure(&mut self, figure: &dojo_lang::figure::Figure) {
        let title = figure
            .title
            .clone()
            .or_else(|| figure.axes.iter().find_map(|axes| axes.title.clone()));
        match crate::figures::render(figure) {
            Ok(drawn) => {
                use base64::Engine as _;
                let image = dojo_protocol::FigureImage {
                    number: figure.number,
                    title,
                    file_name: figure.file_name.clone(),
                    width: drawn.width,
                    height: drawn.height,
                    png_base64: base64::engine::general_purpose::STANDARD.encode(&drawn.png),
                };
                self.output(&format!("[{}]\n", image.caption()));
                self.flush();
                self.send(WireEvent::Figure(image));
            }
            Err(error) => self.output(&format!(
                "[Dojo] figure {} could not be drawn: {error}\n",
                figure.number
            )),
        }
    }

    fn elapsed_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    fn training(&mut self, event: TrainingEvent) {
        match event {
            TrainingEvent::FitStarted { epochs } => {
                self.flush();
                self.fit += 1;
                let event = WireEvent::FitStarted {
                    fit: self.fit,
                    epochs: epochs as u32,
                };
                self.send(event);
            }
            TrainingEvent::BatchEnd {
                epoch,
                epochs,
                batch,
                batches,
                logs,
            } => {
                let last = batches.is_some_and(|batches| batch + 1 == batches);
                if last || self.throttle.ready(Instant::now()) {
                    self.flush();
                    let event = WireEvent::Batch {
                        fit: self.fit,
                        epoch: epoch as u32,
                        epochs: epochs as u32,
                        batch: batch as u32,
                        batches: batches.map(|batches| batches as u32),
                        logs,
                        elapsed_ms: self.elapsed_ms(),
                    };
                    self.send(event);
                }
            }
            TrainingEvent::EpochEnd {
                epoch,
                epochs,
                logs,
            } => {
                self.flush();
                self.epochs.push(logs.clone());
                let event = WireEvent::Epoch {
                    fit: self.fit,
                    epoch: epoch as u32,
                    epochs: epochs as u32,
                    logs,
                    elapsed_ms: self.elapsed_ms(),
                    sent_at_ms: unix_ms(),
                    learning_rate_sweep: crate::curves::is_learning_rate_sweep(&self.epochs),
                };
                self.send(event);
            }
            TrainingEvent::FitFinished { .. } => self.flush(),
        }
    }
}

impl Job for PracticeRun {
    type Event = JobUpdate;

    fn run(self: Box<Self>, context: JobContext<JobUpdate>) {
        PracticeRun::run(&self, context.job_id, &context.cancel, context.emitter());
    }
}

impl PracticeRun {
    /// Runs the program on this thread until it ends: `emitter` gets the
    /// `Started` event, the output, batches and epochs, then exactly one
    /// terminal event carrying the [`RunEnd`]; the same end is returned
    /// with what the command line prints. `cancel` stops it within a batch.
    pub fn run(
        &self,
        job_id: JobId,
        cancel: &CancelToken,
        emitter: Emitter<JobUpdate>,
    ) -> PracticeOutcome {
        let started = Instant::now();
        emitter.emit(JobUpdate {
            event: WireEvent::Started {
                job_id,
                run_id: self.run_id,
                device: self.device.description().to_owned(),
            },
            end: None,
        });
        let stream = Rc::new(RefCell::new(Stream {
            emitter: emitter.clone(),
            started,
            throttle: Throttle::new(EVENT_INTERVAL),
            pending: String::new(),
            console: String::new(),
            fit: 0,
            epochs: Vec::new(),
        }));
        let ended = self.train(cancel, &stream);
        let mut stream = stream.borrow_mut();
        stream.flush();
        let elapsed_ms = stream.elapsed_ms();
        let hints = crate::curves::curve_hints(&stream.epochs);
        let gradable = ended.grade.is_some();
        let event = match (&ended.status, ended.errors.first()) {
            (_, Some(error)) => WireEvent::Failed {
                run_id: Some(self.run_id),
                error: diagnostic(error),
                report: error.report.clone(),
            },
            (RunStatus::Cancelled, None) => WireEvent::Cancelled {
                run_id: self.run_id,
                elapsed_ms,
                hints,
                gradable,
            },
            _ => WireEvent::Finished {
                run_id: self.run_id,
                elapsed_ms,
                hints,
                gradable,
            },
        };
        let end = RunEnd {
            status: ended.status,
            error: ended
                .errors
                .first()
                .map(|error| format!("{}: {}", error.kind, error.message)),
            final_logs: stream.epochs.last().cloned().unwrap_or_default(),
            console: std::mem::take(&mut stream.console),
            grade: ended.grade,
            // The recorder keeps the batch curve as the events pass.
            batches: Vec::new(),
        };
        drop(stream);
        emitter.emit(JobUpdate {
            event,
            end: Some(end.clone()),
        });
        PracticeOutcome {
            end,
            errors: ended.errors,
            model_summary: ended.model_summary,
            steps: ended.steps,
        }
    }
}

fn unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64)
}

/// How the program ended, before it is reported.
struct Ended {
    status: RunStatus,
    errors: Vec<ProgramError>,
    grade: Option<GradeReport>,
    model_summary: Option<String>,
    steps: u64,
}

impl Ended {
    fn failed(errors: Vec<ProgramError>, steps: u64) -> Ended {
        Ended {
            status: RunStatus::Failed,
            errors,
            grade: None,
            model_summary: None,
            steps,
        }
    }
}

impl PracticeRun {
    fn options(&self) -> RunOptions {
        RunOptions {
            max_epochs: self.max_epochs,
            max_steps: self.max_steps,
            dry_run: self.dry_run,
            seed: self.seed,
            device: self.device.device().clone(),
            ..RunOptions::default()
        }
    }

    fn train(&self, cancel: &CancelToken, stream: &Rc<RefCell<Stream>>) -> Ended {
        let (data, hidden) = match self.task.map(taskdata::task_data).transpose() {
            Ok(Some((data, hidden))) => (Some(data), Some(hidden)),
            Ok(None) => (None, None),
            Err(error) => {
                let error = internal(format!("cannot prepare the data: {error}"));
                return Ended::failed(vec![error], 0);
            }
        };
        let cancelled = cancel.clone();
        let events = Rc::clone(stream);
        let training = TrainingContext::new(
            self.options(),
            move || cancelled.is_cancelled(),
            move |event| {
                if let Ok(mut stream) = events.try_borrow_mut() {
                    stream.training(event);
                }
            },
        );
        let output = Rc::clone(stream);
        let mut interpreter =
            program::interpreter_with(data.as_ref(), Rc::clone(&training), move |text| {
                if let Ok(mut stream) = output.try_borrow_mut() {
                    stream.output(text);
                }
            });
        let figures = Rc::clone(stream);
        interpreter.set_figure_sink(move |figure| {
            if let Ok(mut stream) = figures.try_borrow_mut() {
                stream.figure(&figure);
            }
        });
        let report = program::run(&mut interpreter, &self.file_name, &self.code, self.task);
        let cancelled = cancel.is_cancelled();
        let model: Option<Value> = match (&report.outcome, cancelled) {
            (Outcome::Finished { .. }, _) => report.model.clone().or_else(|| training.last_model()),
            // A stopped run is graded on what it trained so far.
            (Outcome::Failed(_), true) => training.last_model(),
            _ => None,
        };
        let (status, model_summary) = match (report.outcome, cancelled) {
            (Outcome::Finished { model_summary }, _) => (RunStatus::Finished, model_summary),
            (Outcome::Failed(_), true) => (RunStatus::Cancelled, None),
            (Outcome::Failed(error), false) => return Ended::failed(vec![error], report.steps),
            (Outcome::Invalid(errors), _) if errors.is_empty() => {
                let error = internal("the program could not be parsed".to_owned());
                return Ended::failed(vec![error], report.steps);
            }
            (Outcome::Invalid(errors), _) => return Ended::failed(errors, report.steps),
        };
        let grade = match (self.task, &hidden, model, self.dry_run) {
            (Some(task), Some(hidden), Some(model), false) => {
                Some(match grading::grade(&model, task, hidden) {
                    Ok(report) => report,
                    Err(error) => ungradable(task, &error),
                })
            }
            _ => None,
        };
        Ended {
            status,
            errors: Vec::new(),
            grade,
            model_summary,
            steps: report.steps,
        }
    }
}

/// How the note of a model the grader could not evaluate begins.
const UNGRADABLE_NOTE: &str = "the grader could not evaluate this model: ";

/// Why the grader could not evaluate the model `report` scores 0, if that
/// is what it records (it graded no example).
pub fn ungradable_reason(report: &GradeReport) -> Option<&str> {
    match (report.score, report.samples) {
        (0, 0) => report
            .notes
            .iter()
            .find_map(|note| note.strip_prefix(UNGRADABLE_NOTE)),
        _ => None,
    }
}

/// The report of a model the grader could not run through the contract:
/// it scores 0 (nothing valid was submitted) and the note says why.
fn ungradable(task: &Task, error: &crate::Error) -> GradeReport {
    let thresholds = grading::thresholds(task).unwrap_or(dojo_protocol::Thresholds {
        metric: task.metric,
        levels: [0.0; 4],
    });
    let reason = match error {
        crate::Error::Grading(reason) => reason.clone(),
        other => other.to_string(),
    };
    GradeReport {
        task_id: task.id.to_owned(),
        metric: task.metric,
        value: 0.0,
        score: 0,
        thresholds,
        samples: 0,
        classes: Vec::new(),
        confusion: Vec::new(),
        notes: vec![format!("{UNGRADABLE_NOTE}{reason}")],
        halves: Some(dojo_protocol::HalfScores {
            public_value: 0.0,
            public_score: 0,
            private_value: 0.0,
            private_score: 0,
        }),
    }
}

fn internal(message: String) -> ProgramError {
    ProgramError {
        kind: "InternalError".to_owned(),
        report: message.clone(),
        message,
        help: None,
        line: None,
        column: None,
    }
}

fn diagnostic(error: &ProgramError) -> CodeDiagnostic {
    CodeDiagnostic {
        kind: error.kind.clone(),
        message: error.message.clone(),
        help: error.help.clone(),
        line: error.line.map(|line| line as u32),
        column: error.column.map(|column| column as u32),
        end_line: None,
        end_column: None,
    }
}

/// Problems the parser finds in `source` (syntax errors, constructs Dojo
/// does not support), located for the editor; nothing is run.
pub fn check_code(source: &str) -> Vec<CodeDiagnostic> {
    let parsed = dojo_lang::parse(source);
    let file = dojo_lang::SourceFile::new("solution.py", source);
    parsed
        .diagnostics
        .iter()
        .map(|found| {
            let start = file.line_column(found.span.start);
            let end = file.line_column(found.span.end.max(found.span.start));
            CodeDiagnostic {
                kind: found.kind.label().to_owned(),
                message: found.message.clone(),
                help: found.help.clone(),
                line: Some(start.line as u32),
                column: Some(start.column as u32),
                end_line: Some(end.line as u32),
                end_column: Some(end.column as u32),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;
    use crate::jobs::JobRunner;

    /// An exam-shaped program that does not seed anything itself and calls
    /// `clear_session()` first, as exam files do.
    const UNSEEDED: &str = "import numpy as np
import tensorflow as tf

def solution_model():
    tf.keras.backend.clear_session()
    x = np.linspace(0.0, 1.0, 30 * 64).reshape(64, 30, 1)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(30, 1)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(8, activation='relu'),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(1),
    ])
    model.compile(loss='mae', optimizer='adam')
    model.fit(x, x[:, -1, 0], epochs=3, batch_size=16, verbose=0)
    return model
";

    /// The epoch logs of `code` run as the app runs it (a background job
    /// through the runner) with `seed`, and the run's end.
    fn app_run(code: &str, seed: u64) -> (Vec<Logs>, RunEnd) {
        let run = PracticeRun {
            task: Some(crate::tasks::task("sunspots").unwrap()),
            code: code.to_owned(),
            file_name: "solution.py".to_owned(),
            run_id: RunId(1),
            seed,
            max_epochs: None,
            max_steps: None,
            dry_run: false,
            device: ComputeDevice::cpu(),
        };
        let (sender, receiver) = mpsc::channel();
        JobRunner::new()
            .start(run, move |update: JobUpdate| {
                let _ = sender.send(update);
            })
            .unwrap();
        let mut epochs = Vec::new();
        let mut end = None;
        // The stream ends when the job lets go of its sink: a run that kept
        // it (a reference cycle through the model or the program's globals)
        // would leak everything it made, and this would time out.
        loop {
            match receiver.recv_timeout(std::time::Duration::from_secs(120)) {
                Ok(update) => {
                    if let WireEvent::Epoch { logs, .. } = update.event {
                        epochs.push(logs);
                    }
                    end = end.or(update.end);
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    panic!("the run kept its event sink after it ended: {end:?}")
                }
            }
        }
        (epochs, end.unwrap())
    }

    #[test]
    fn the_seed_of_a_run_is_the_seed_it_trains_with() {
        let (first, end) = app_run(UNSEEDED, 11);
        assert_eq!(end.status, RunStatus::Finished, "{end:?}");
        assert_eq!(first.len(), 3);
        let (again, _) = app_run(UNSEEDED, 11);
        let (other, _) = app_run(UNSEEDED, 12);
        assert_eq!(first, again, "the same seed reproduces the epoch logs");
        assert_ne!(first, other, "another seed trains differently");
    }

    #[test]
    fn a_program_that_seeds_itself_is_not_reseeded() {
        let seeded = UNSEEDED.replace(
            "    tf.keras.backend.clear_session()\n",
            "    tf.keras.backend.clear_session()\n    tf.random.set_seed(51)\n",
        );
        let (first, _) = app_run(&seeded, 11);
        let (other, _) = app_run(&seeded, 12);
        assert_eq!(first, other);
    }

    #[test]
    fn a_model_the_grader_cannot_feed_scores_zero_with_the_reason() {
        let flat = "import tensorflow as tf
def solution_model():
    return tf.keras.Sequential([tf.keras.Input(shape=(1000,)), tf.keras.layers.Dense(1)])
";
        let (_, end) = app_run(flat, 1);
        let grade = end.grade.unwrap();
        assert_eq!(grade.score, 0);
        assert!(ungradable_reason(&grade).is_some(), "{grade:?}");
    }

    /// Practice sets in the exam's layout that name the entry
    /// `solution_A5()` (Dicoding's) run unmodified: the lone `solution_*`
    /// function is called and the console says so; two candidates are
    /// ambiguous and stay an error.
    #[test]
    fn a_lone_solution_function_is_the_entry_point() {
        let renamed = UNSEEDED.replace("def solution_model():", "def solution_A5():");
        let (epochs, end) = app_run(&renamed, 3);
        assert_eq!(epochs.len(), 3, "{end:?}");
        assert!(end.grade.is_some_and(|grade| grade.score >= 1));
        assert!(
            end.console.contains("calling solution_A5()"),
            "{}",
            end.console
        );

        let two = format!("{renamed}\ndef solution_B1():\n    return None\n");
        let (_, end) = app_run(&two, 3);
        assert_eq!(end.status, RunStatus::Failed);
        assert!(
            end.error
                .as_deref()
                .unwrap_or("")
                .contains("does not define it"),
            "{:?}",
            end.error
        );
    }
    /// Stop ends a program anywhere, not only inside `fit`, and no `except`
    /// swallows it: this one catches everything around `fit` and then
    /// loops for ever.
    #[test]
    fn stop_ends_a_loop_outside_fit_and_cannot_be_caught() {
        let code = "import numpy as np
import tensorflow as tf

def solution_model():
    x = np.zeros((64, 30, 1))
    model = tf.keras.Sequential([tf.keras.Input(shape=(30, 1)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(1)])
    model.compile(loss='mae', optimizer='adam')
    while True:
        try:
            model.fit(x, x[:, -1, 0], epochs=1000, verbose=0)
        except BaseException:
            pass
        try:
            while True:
                pass
        except:
            pass
";
        let run = PracticeRun {
            task: Some(crate::tasks::task("sunspots").unwrap()),
            code: code.to_owned(),
            file_name: "solution.py".to_owned(),
            run_id: RunId(1),
            seed: 1,
            max_epochs: None,
            max_steps: None,
            dry_run: false,
            device: ComputeDevice::cpu(),
        };
        let (sender, receiver) = mpsc::channel();
        let runner = JobRunner::new();
        let id = runner
            .start(run, move |update: JobUpdate| {
                let _ = sender.send(update);
            })
            .unwrap();
        // Stop once training has begun, then again after it has been caught.
        let mut end = None;
        let mut cancelled_at = None;
        while end.is_none() {
            match receiver.recv_timeout(std::time::Duration::from_secs(60)) {
                Ok(update) => {
                    if matches!(update.event, WireEvent::Epoch { .. }) && cancelled_at.is_none() {
                        runner.cancel(id).unwrap();
                        cancelled_at = Some(std::time::Instant::now());
                    }
                    end = update.end;
                }
                Err(error) => panic!("the stopped run did not end: {error:?}"),
            }
        }
        let end = end.unwrap();
        assert_eq!(end.status, RunStatus::Cancelled, "{end:?}");
        assert!(cancelled_at.is_some());
    }
}
