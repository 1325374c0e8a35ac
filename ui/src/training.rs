//! The state of one training run as the workspace shows it, folded from the
//! run's `TrainingEvent`s, independent of any view.

use dojo_protocol::{CodeDiagnostic, FigureImage, Hint, JobId, RunId, TrainingEvent};

use crate::countdown::clock;
use crate::curves::Curves;

/// The console keeps at most this many bytes (the oldest lines go first).
const CONSOLE_LIMIT: usize = 200_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunPhase {
    Idle,
    /// Asked for; the backend has not answered yet.
    Starting,
    Running,
    Finished,
    Cancelled,
    Failed,
}

impl RunPhase {
    /// The word the status line shows (and the end-to-end tests read).
    pub fn label(self) -> &'static str {
        match self {
            RunPhase::Idle => "idle",
            RunPhase::Starting | RunPhase::Running => "running",
            RunPhase::Finished => "finished",
            RunPhase::Cancelled => "cancelled",
            RunPhase::Failed => "failed",
        }
    }
}

/// Where the current `fit` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 0-based index of the `fit` call.
    pub fit: u32,
    /// 0-based epoch.
    pub epoch: u32,
    pub epochs: u32,
    /// 0-based batch within the epoch, once one has ended.
    pub batch: Option<u32>,
    pub batches: Option<u32>,
}

impl Position {
    /// Where a run is after `event`, given where it was: `None` for events
    /// that do not move it. The one reading of positions, shared by the
    /// workspace's run and the header's live-run indicator.
    pub fn after(previous: Option<Position>, event: &TrainingEvent) -> Option<Position> {
        match *event {
            TrainingEvent::FitStarted { fit, epochs } => Some(Position {
                fit,
                epoch: 0,
                epochs,
                batch: None,
                batches: None,
            }),
            TrainingEvent::Batch {
                fit,
                epoch,
                epochs,
                batch,
                batches,
                ..
            } => Some(Position {
                fit,
                epoch,
                epochs,
                batch: Some(batch),
                batches,
            }),
            // The epoch is over: the next starts at its beginning.
            TrainingEvent::Epoch {
                fit, epoch, epochs, ..
            } => Some(Position {
                fit,
                epoch: epoch + 1,
                epochs,
                batch: None,
                batches: previous.and_then(|position| position.batches),
            }),
            _ => None,
        }
    }

    /// `epoch 2/10`: the epoch under way (the last one once all ended).
    pub fn epoch_label(&self) -> String {
        format!(
            "epoch {}/{}",
            (self.epoch + 1).min(self.epochs.max(1)),
            self.epochs
        )
    }

    /// Fraction of the fit done, 0 to 1. Within an epoch of unknown length
    /// only whole epochs count.
    pub fn fraction(&self) -> f64 {
        if self.epochs == 0 {
            return 0.0;
        }
        let within = match (self.batch, self.batches) {
            (Some(batch), Some(batches)) if batches > 0 => {
                f64::from(batch + 1) / f64::from(batches)
            }
            _ => 0.0,
        };
        ((f64::from(self.epoch) + within) / f64::from(self.epochs)).clamp(0.0, 1.0)
    }
}

/// Everything the workspace shows about a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunState {
    pub phase: RunPhase,
    pub job_id: Option<JobId>,
    pub run_id: Option<RunId>,
    pub device: String,
    /// Whether the ended run's model can be submitted.
    pub gradable: bool,
    /// Printed output and reports, in order.
    pub console: String,
    /// The figures the program showed or saved (`plt.show()`), in order.
    pub figures: Vec<FigureImage>,
    pub position: Option<Position>,
    /// Milliseconds since the run started, as of the latest event.
    pub elapsed_ms: u64,
    /// `(fraction, elapsed_ms)` at the current fit's first progress event:
    /// the ETA extrapolates from there.
    anchor: Option<(f64, u64)>,
    pub curves: Curves,
    /// Bumped whenever `curves` changes, so charts redraw only on new data.
    pub curves_revision: u64,
    pub hints: Vec<Hint>,
    /// The failed run's error, located in the code when possible.
    pub error: Option<CodeDiagnostic>,
    /// When the backend sent the latest epoch (unix ms), to measure how
    /// long an epoch takes to reach the chart.
    pub last_epoch_sent_at_ms: Option<i64>,
    /// When that epoch's event reached the UI (unix ms, set by the event
    /// handler, which has a clock): splits the delay into delivery and
    /// drawing.
    pub last_epoch_received_at_ms: Option<i64>,
}

impl Default for RunState {
    fn default() -> RunState {
        RunState {
            phase: RunPhase::Idle,
            job_id: None,
            run_id: None,
            device: String::new(),
            gradable: false,
            console: String::new(),
            figures: Vec::new(),
            position: None,
            elapsed_ms: 0,
            anchor: None,
            curves: Curves::default(),
            curves_revision: 0,
            hints: Vec::new(),
            error: None,
            last_epoch_sent_at_ms: None,
            last_epoch_received_at_ms: None,
        }
    }
}

impl RunState {
    /// The state right after the user asked for a run.
    pub fn starting() -> RunState {
        RunState {
            phase: RunPhase::Starting,
            ..RunState::default()
        }
    }

    pub fn is_active(&self) -> bool {
        matches!(self.phase, RunPhase::Starting | RunPhase::Running)
    }

    /// The run to submit, once the run has ended with a gradable model.
    pub fn gradable_run(&self) -> Option<RunId> {
        matches!(self.phase, RunPhase::Finished | RunPhase::Cancelled)
            .then_some(self.run_id)
            .flatten()
            .filter(|_| self.gradable)
    }

    /// Fraction of the current fit done, 0 to 1 (1 once finished).
    pub fn fraction(&self) -> f64 {
        match self.phase {
            RunPhase::Finished => 1.0,
            _ => self.position.map_or(0.0, |position| position.fraction()),
        }
    }

    /// Estimated milliseconds left in the current fit, extrapolated from the
    /// rate since the fit's first progress event.
    pub fn eta_ms(&self) -> Option<u64> {
        if self.phase != RunPhase::Running {
            return None;
        }
        let (fraction0, elapsed0) = self.anchor?;
        let fraction = self.fraction();
        let done = fraction - fraction0;
        let spent = self.elapsed_ms.checked_sub(elapsed0)?;
        if done <= 0.0 || spent == 0 {
            return None;
        }
        let left = spent as f64 * (1.0 - fraction) / done;
        Some(left.round() as u64)
    }

    /// One line for the progress bar: where the run is and what is left.
    pub fn progress_text(&self) -> String {
        let seconds = self.elapsed_ms as f64 / 1000.0;
        match self.phase {
            RunPhase::Idle => String::new(),
            RunPhase::Starting => "starting…".to_owned(),
            RunPhase::Running => {
                let Some(position) = self.position else {
                    return format!("running on {}", self.device);
                };
                let mut parts = Vec::new();
                // Fits count from 1; a program's only fit is not numbered.
                if position.fit > 1 {
                    parts.push(format!("fit {}", position.fit));
                }
                parts.push(position.epoch_label());
                if let Some(batch) = position.batch {
                    parts.push(match position.batches {
                        Some(batches) => format!("batch {}/{batches}", batch + 1),
                        None => format!("batch {}", batch + 1),
                    });
                }
                if let Some(eta) = self.eta_ms() {
                    parts.push(format!("ETA {}", clock(eta)));
                }
                parts.join(" · ")
            }
            RunPhase::Finished => format!("finished in {seconds:.1} s"),
            RunPhase::Cancelled => format!("stopped after {seconds:.1} s"),
            RunPhase::Failed => "failed".to_owned(),
        }
    }

    fn print(&mut self, text: &str) {
        self.console.push_str(text);
        if self.console.len() > CONSOLE_LIMIT {
            let mut cut = self.console.len() - CONSOLE_LIMIT;
            // A byte offset inside a character cannot be sliced at.
            while !self.console.is_char_boundary(cut) {
                cut += 1;
            }
            let cut = self.console[cut..]
                .find('\n')
                .map_or(self.console.len(), |at| cut + at + 1);
            self.console.drain(..cut);
        }
    }

    /// Prints `text` on a line of its own.
    fn print_line(&mut self, text: &str) {
        if !self.console.is_empty() && !self.console.ends_with('\n') {
            self.print("\n");
        }
        self.print(text);
        self.print("\n");
    }

    fn progressed(&mut self, position: Position, elapsed_ms: u64) {
        self.position = Some(position);
        self.elapsed_ms = elapsed_ms;
        if self.anchor.is_none() {
            self.anchor = Some((position.fraction(), elapsed_ms));
        }
    }

    /// Folds one event in. Events after the terminal one are ignored.
    pub fn apply(&mut self, event: TrainingEvent) {
        if !self.is_active() {
            return;
        }
        match event {
            TrainingEvent::Started {
                job_id,
                run_id,
                device,
            } => {
                self.phase = RunPhase::Running;
                self.job_id = Some(job_id);
                self.run_id = Some(run_id);
                self.print_line(&format!("Run {} on {device}", run_id.0));
                self.device = device;
            }
            TrainingEvent::Output { text } => self.print(&text),
            TrainingEvent::Figure(figure) => self.figures.push(figure),
            TrainingEvent::FitStarted { .. } => {
                self.position = Position::after(self.position, &event);
                self.anchor = None;
                self.curves.fit_started();
            }
            TrainingEvent::Batch {
                epoch,
                batch,
                batches,
                ref logs,
                elapsed_ms,
                ..
            } => {
                if let Some(position) = Position::after(self.position, &event) {
                    self.progressed(position, elapsed_ms);
                }
                self.curves.batch(epoch, batch, batches, logs);
                self.curves_revision += 1;
            }
            TrainingEvent::Epoch {
                epoch,
                ref logs,
                elapsed_ms,
                sent_at_ms,
                learning_rate_sweep,
                ..
            } => {
                self.last_epoch_sent_at_ms = Some(sent_at_ms);
                if let Some(position) = Position::after(self.position, &event) {
                    self.progressed(position, elapsed_ms);
                }
                self.curves.epoch(epoch, logs);
                self.curves.set_learning_rate_sweep(learning_rate_sweep);
                self.curves_revision += 1;
            }
            TrainingEvent::Finished {
                run_id,
                elapsed_ms,
                hints,
                gradable,
            } => {
                self.phase = RunPhase::Finished;
                self.ended(run_id, elapsed_ms, hints, gradable);
                self.print_line(&format!("Finished in {:.1} s.", elapsed_ms as f64 / 1000.0));
            }
            TrainingEvent::Cancelled {
                run_id,
                elapsed_ms,
                hints,
                gradable,
            } => {
                self.phase = RunPhase::Cancelled;
                self.ended(run_id, elapsed_ms, hints, gradable);
                self.print_line(&format!(
                    "Stopped after {:.1} s.",
                    elapsed_ms as f64 / 1000.0
                ));
            }
            TrainingEvent::Failed {
                run_id,
                error,
                report,
            } => {
                self.phase = RunPhase::Failed;
                self.run_id = run_id.or(self.run_id);
                self.gradable = false;
                if report.is_empty() {
                    self.print_line(&format!("{}: {}", error.kind, error.message));
                } else {
                    self.print_line(report.trim_end());
                }
                self.error = Some(error);
            }
        }
    }

    fn ended(&mut self, run_id: RunId, elapsed_ms: u64, hints: Vec<Hint>, gradable: bool) {
        self.run_id = Some(run_id);
        self.elapsed_ms = elapsed_ms;
        self.hints = hints;
        self.gradable = gradable;
    }

    /// Records an error from starting the run (the backend never ran it).
    pub fn fail(&mut self, message: &str) {
        self.phase = RunPhase::Failed;
        self.print_line(&format!("Could not start: {message}"));
    }
}

/// A piece of the console: printed text, or a traceback line that names
/// a place in the user's code (`  File "solution.py", line 5, column 9, in f`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsolePiece {
    Text(String),
    Frame {
        text: String,
        line: u32,
        column: u32,
    },
}

/// The console cut into printed text and traceback lines that can jump to
/// the code, in order; the pieces joined give the console back.
pub fn console_pieces(console: &str) -> Vec<ConsolePiece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    for line in console.split_inclusive('\n') {
        match frame_location(line) {
            Some((line_number, column)) => {
                if !text.is_empty() {
                    pieces.push(ConsolePiece::Text(std::mem::take(&mut text)));
                }
                pieces.push(ConsolePiece::Frame {
                    text: line.to_owned(),
                    line: line_number,
                    column,
                });
            }
            None => text.push_str(line),
        }
    }
    if !text.is_empty() {
        pieces.push(ConsolePiece::Text(text));
    }
    pieces
}

/// The line and column of a traceback frame as `dojo_lang` prints it.
fn frame_location(line: &str) -> Option<(u32, u32)> {
    let rest = line.trim_start().strip_prefix("File \"")?;
    let (_, rest) = rest.split_once("\", line ")?;
    let (number, rest) = rest.split_once(", column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((number.parse().ok()?, column.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use dojo_protocol::{HintKind, Logs};

    use super::*;

    fn started() -> RunState {
        let mut state = RunState::starting();
        state.apply(TrainingEvent::Started {
            job_id: JobId(7),
            run_id: RunId(3),
            device: "CPU".into(),
        });
        state
    }

    fn batch(
        epoch: u32,
        epochs: u32,
        batch: u32,
        batches: Option<u32>,
        elapsed_ms: u64,
    ) -> TrainingEvent {
        TrainingEvent::Batch {
            fit: 0,
            epoch,
            epochs,
            batch,
            batches,
            logs: Logs::from([("loss".to_owned(), 0.5)]),
            elapsed_ms,
        }
    }

    #[test]
    fn progress_and_eta_follow_the_batches() {
        let mut state = started();
        assert_eq!(state.phase.label(), "running");
        state.apply(TrainingEvent::FitStarted { fit: 0, epochs: 2 });
        state.apply(batch(0, 2, 0, Some(10), 1_000));
        // 1 of 20 batches done; no rate yet.
        assert!((state.fraction() - 0.05).abs() < 1e-12);
        assert_eq!(state.eta_ms(), None);
        state.apply(batch(0, 2, 4, Some(10), 3_000));
        // 4 more batches in 2 s: 15 left take 7.5 s.
        assert!((state.fraction() - 0.25).abs() < 1e-12);
        assert_eq!(state.eta_ms(), Some(7_500));
        assert_eq!(state.progress_text(), "epoch 1/2 · batch 5/10 · ETA 00:07");
        assert_eq!(state.curves_revision, 2);
    }

    #[test]
    fn epochs_of_unknown_length_count_whole_epochs() {
        let mut state = started();
        state.apply(TrainingEvent::FitStarted { fit: 0, epochs: 4 });
        state.apply(batch(0, 4, 30, None, 500));
        assert_eq!(state.fraction(), 0.0);
        assert_eq!(state.progress_text(), "epoch 1/4 · batch 31");
        state.apply(TrainingEvent::Epoch {
            fit: 0,
            epoch: 0,
            epochs: 4,
            logs: Logs::from([("loss".to_owned(), 0.4)]),
            elapsed_ms: 1_500,
            sent_at_ms: 7,
            learning_rate_sweep: false,
        });
        assert_eq!(state.last_epoch_sent_at_ms, Some(7));
        assert!((state.fraction() - 0.25).abs() < 1e-12);
        // A quarter in 1 s since the anchor (0 done at 500 ms): three quarters take 3 s.
        assert_eq!(state.eta_ms(), Some(3_000));
        assert_eq!(state.progress_text(), "epoch 2/4 · ETA 00:03");
    }

    #[test]
    fn output_and_the_end_go_to_the_console() {
        let mut state = started();
        state.apply(TrainingEvent::Output {
            text: "Epoch 1/2\n".into(),
        });
        state.apply(TrainingEvent::Output {
            text: "no newline".into(),
        });
        let hint = Hint {
            kind: HintKind::Overfitting,
            message: "val_loss rises".into(),
        };
        state.apply(TrainingEvent::Finished {
            run_id: RunId(3),
            elapsed_ms: 2_500,
            hints: vec![hint.clone()],
            gradable: true,
        });
        assert_eq!(
            state.console,
            "Run 3 on CPU\nEpoch 1/2\nno newline\nFinished in 2.5 s.\n"
        );
        assert_eq!(state.phase.label(), "finished");
        assert_eq!(state.fraction(), 1.0);
        assert_eq!(state.hints, vec![hint]);
        assert_eq!(state.gradable_run(), Some(RunId(3)));
        // Nothing changes after the end.
        let ended = state.clone();
        state.apply(TrainingEvent::Output {
            text: "late".into(),
        });
        assert_eq!(state, ended);
    }

    #[test]
    fn a_failure_keeps_its_error_and_report() {
        let mut state = started();
        let error = CodeDiagnostic {
            kind: "NameError".into(),
            message: "name 'x' is not defined".into(),
            help: None,
            line: Some(4),
            column: Some(5),
            end_line: None,
            end_column: None,
        };
        state.apply(TrainingEvent::Failed {
            run_id: Some(RunId(3)),
            error: error.clone(),
            report:
                "Traceback (most recent call last):\n  line 4\nNameError: name 'x' is not defined\n"
                    .into(),
        });
        assert_eq!(state.phase.label(), "failed");
        assert_eq!(state.error, Some(error));
        assert!(
            state
                .console
                .ends_with("NameError: name 'x' is not defined\n")
        );
        assert_eq!(state.gradable_run(), None);
    }

    #[test]
    fn a_stopped_run_may_be_gradable_and_a_start_error_is_shown() {
        let mut state = started();
        state.apply(TrainingEvent::Cancelled {
            run_id: RunId(3),
            elapsed_ms: 100,
            hints: Vec::new(),
            gradable: false,
        });
        assert_eq!(state.phase.label(), "cancelled");
        assert_eq!(state.gradable_run(), None);
        let mut refused = RunState::starting();
        refused.fail("busy");
        assert_eq!(refused.phase, RunPhase::Failed);
        assert_eq!(refused.console, "Could not start: busy\n");
    }

    #[test]
    fn the_console_drops_its_oldest_lines_past_the_limit() {
        let mut state = started();
        let line = format!("{}\n", "x".repeat(999));
        for _ in 0..250 {
            state.apply(TrainingEvent::Output { text: line.clone() });
        }
        assert!(state.console.len() <= CONSOLE_LIMIT);
        assert!(state.console.starts_with('x'));
    }

    #[test]
    fn the_console_limit_cuts_non_ascii_output_between_characters() {
        let mut state = RunState::default();
        for _ in 0..(CONSOLE_LIMIT / 3 + 10) {
            state.print("é€");
        }
        assert!(state.console.len() <= CONSOLE_LIMIT);
    }

    #[test]
    fn traceback_frames_are_cut_out_of_the_console_with_their_place() {
        // As `dojo_lang::Exception::render` prints a traceback.
        let console = "Epoch 1/1\nTraceback (most recent call last):\n  File \"solution.py\", line 9, column 5, in <module>\n    solution_model()\n  File \"solution.py\", line 5, column 15, in solution_model\n    model.fit(windows, epochs=1)\nNameError: name 'windows' is not defined\n";
        let pieces = console_pieces(console);
        let frames: Vec<(u32, u32)> = pieces
            .iter()
            .filter_map(|piece| match piece {
                ConsolePiece::Frame { line, column, .. } => Some((*line, *column)),
                ConsolePiece::Text(_) => None,
            })
            .collect();
        assert_eq!(frames, vec![(9, 5), (5, 15)]);
        let joined: String = pieces
            .iter()
            .map(|piece| match piece {
                ConsolePiece::Text(text) | ConsolePiece::Frame { text, .. } => text.as_str(),
            })
            .collect();
        assert_eq!(joined, console);
        // Printed text that merely mentions a file is not a frame.
        assert_eq!(
            console_pieces("File \"x\", line two\n"),
            vec![ConsolePiece::Text("File \"x\", line two\n".to_owned())]
        );
    }
}
