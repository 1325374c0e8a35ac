//! A practice run: one user program trained on a task's visible data on a
//! background thread, streamed as [`TrainingEvent`]s, and graded on the
//! hidden split when it ends.
//!
//! Invariants:
//! - The program sees only the task's visible files; the hidden split stays
//!   in this job and reaches only [`grading::grade`].
//! - The grade is computed when the run ends (a stopped run is graded on the
//!   model it trained so far) and travels in [`RunEnd`], never in a
//!   [`TrainingEvent`]: the workspace learns the score only by submitting.
//! - Output and batch events are rate-limited; epoch and terminal events
//!   are always sent, in order, after any output printed before them.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use dojo_lang::Value;
use dojo_protocol::{
    CodeDiagnostic, GradeReport, Logs, RunId, RunStatus, TrainingEvent as WireEvent,
};

use crate::device::ComputeDevice;
use crate::grading;
use crate::jobs::{Emitter, Job, JobContext, StreamEvent, Throttle};
use crate::program::{self, Outcome, ProgramError, RunOptions};
use crate::python::{TrainingContext, TrainingEvent};
use crate::taskdata;
use crate::tasks::Task;

/// How often batch and output events may be sent.
const EVENT_INTERVAL: Duration = Duration::from_millis(50);

/// The most console text a run keeps for the history (the stream itself is
/// not cut).
const CONSOLE_LIMIT: usize = 256 * 1024;

/// One training run of a user program for a task.
pub struct TrainingJob {
    pub task: &'static Task,
    pub code: String,
    pub run_id: RunId,
    /// Seeds Keras's initialisers and shuffles unless the program seeds them.
    pub seed: u64,
    pub max_epochs: Option<u32>,
    pub max_steps: Option<u32>,
    pub device: ComputeDevice,
}

/// What a training job streams: the event for the workspace and, with the
/// terminal event, what the store keeps about the run's end.
#[derive(Debug, Clone, PartialEq)]
pub struct JobUpdate {
    pub event: WireEvent,
    pub end: Option<RunEnd>,
}

/// How a run ended, for the store.
#[derive(Debug, Clone, PartialEq)]
pub struct RunEnd {
    pub status: RunStatus,
    pub error: Option<String>,
    /// The last epoch's logs.
    pub final_logs: Logs,
    /// What the program printed (bounded).
    pub console: String,
    /// The grade of the run's model, if it produced one.
    pub grade: Option<GradeReport>,
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
                };
                self.send(event);
            }
            TrainingEvent::FitFinished { .. } => self.flush(),
        }
    }
}

impl Job for TrainingJob {
    type Event = JobUpdate;

    fn run(self: Box<Self>, context: JobContext<JobUpdate>) {
        let started = Instant::now();
        let emitter = context.emitter();
        emitter.emit(JobUpdate {
            event: WireEvent::Started {
                job_id: context.job_id,
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
        let ended = self.train(&context, &stream);
        let mut stream = stream.borrow_mut();
        stream.flush();
        let elapsed_ms = stream.elapsed_ms();
        let hints = crate::curves::curve_hints(&stream.epochs);
        let gradable = ended.grade.is_some();
        let event = match (&ended.status, &ended.error) {
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
                .error
                .map(|error| format!("{}: {}", error.kind, error.message)),
            final_logs: stream.epochs.last().cloned().unwrap_or_default(),
            console: std::mem::take(&mut stream.console),
            grade: ended.grade,
        };
        drop(stream);
        emitter.emit(JobUpdate {
            event,
            end: Some(end),
        });
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
    error: Option<ProgramError>,
    grade: Option<GradeReport>,
}

impl Ended {
    fn failed(error: ProgramError) -> Ended {
        Ended {
            status: RunStatus::Failed,
            error: Some(error),
            grade: None,
        }
    }
}

impl TrainingJob {
    fn train(&self, context: &JobContext<JobUpdate>, stream: &Rc<RefCell<Stream>>) -> Ended {
        let (data, hidden) = match taskdata::task_data(self.task) {
            Ok(split) => split,
            Err(error) => {
                return Ended::failed(internal(format!("cannot prepare the data: {error}")));
            }
        };
        dojo_keras::session::clear_session();
        dojo_keras::session::set_random_seed(self.seed);
        dojo_keras::session::set_device(self.device.device().clone());
        let options = RunOptions {
            max_epochs: self.max_epochs,
            max_steps: self.max_steps,
            ..RunOptions::default()
        };
        let cancel = context.cancel.clone();
        let events = Rc::clone(stream);
        let training = TrainingContext::new(
            options.max_epochs,
            options.max_steps,
            false,
            move || cancel.is_cancelled(),
            move |event| {
                if let Ok(mut stream) = events.try_borrow_mut() {
                    stream.training(event);
                }
            },
        );
        let output = Rc::clone(stream);
        let mut interpreter =
            program::interpreter_with(Some(&data), &options, Rc::clone(&training), move |text| {
                if let Ok(mut stream) = output.try_borrow_mut() {
                    stream.output(text);
                }
            });
        let report = program::run(&mut interpreter, "solution.py", &self.code, Some(self.task));
        let cancelled = context.cancel.is_cancelled();
        let model: Option<Value> = match (&report.outcome, cancelled) {
            (Outcome::Finished { .. }, _) => report.model.clone().or_else(|| training.last_model()),
            // A stopped run is graded on what it trained so far.
            (Outcome::Failed(_), true) => training.last_model(),
            _ => None,
        };
        let status =
            match (&report.outcome, cancelled) {
                (Outcome::Finished { .. }, _) => RunStatus::Finished,
                (Outcome::Failed(_), true) => RunStatus::Cancelled,
                (Outcome::Failed(error), false) => return Ended::failed(error.clone()),
                (Outcome::Invalid(errors), _) => {
                    return Ended::failed(errors.first().cloned().unwrap_or_else(|| {
                        internal("the program could not be parsed".to_owned())
                    }));
                }
            };
        let grade = model.map(|model| grading::grade(&model, self.task, &hidden));
        let grade = match grade {
            Some(Ok(report)) => Some(report),
            Some(Err(error)) => Some(ungradable(self.task, &error)),
            None => None,
        };
        Ended {
            status,
            error: None,
            grade,
        }
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
        notes: vec![format!(
            "the grader could not evaluate this model: {reason}"
        )],
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
