//! The state of a streamed job as the UI shows it, independent of any view.

use dojo_protocol::{JobEvent, JobId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Idle,
    Starting,
    Running,
    Finished,
    Cancelled,
    Failed,
}

/// Everything a progress view needs, folded from the job's events.
#[derive(Debug, Clone, PartialEq)]
pub struct JobProgress {
    pub phase: Phase,
    pub job_id: Option<JobId>,
    pub device: String,
    pub step: u32,
    pub total_steps: u32,
    pub loss: Option<f64>,
    pub elapsed_ms: u64,
    pub message: String,
}

impl Default for JobProgress {
    fn default() -> JobProgress {
        JobProgress {
            phase: Phase::Idle,
            job_id: None,
            device: String::new(),
            step: 0,
            total_steps: 0,
            loss: None,
            elapsed_ms: 0,
            message: String::new(),
        }
    }
}

impl JobProgress {
    /// The state right after the user asked for a job, before the backend answers.
    pub fn starting() -> JobProgress {
        JobProgress {
            phase: Phase::Starting,
            message: "starting…".to_owned(),
            ..JobProgress::default()
        }
    }

    pub fn is_active(&self) -> bool {
        matches!(self.phase, Phase::Starting | Phase::Running)
    }

    /// Fraction done, 0 to 1.
    pub fn fraction(&self) -> f64 {
        if self.total_steps == 0 {
            0.0
        } else {
            (f64::from(self.step) / f64::from(self.total_steps)).clamp(0.0, 1.0)
        }
    }

    /// Folds one event in. Events after the terminal one are ignored.
    pub fn apply(&mut self, event: JobEvent) {
        if !self.is_active() {
            return;
        }
        match event {
            JobEvent::Started {
                job_id,
                total_steps,
                device,
            } => {
                self.phase = Phase::Running;
                self.job_id = Some(job_id);
                self.total_steps = total_steps;
                self.message = format!("training on {device}");
                self.device = device;
            }
            JobEvent::Progress {
                step,
                total_steps,
                loss,
                elapsed_ms,
            } => {
                self.phase = Phase::Running;
                self.step = step;
                self.total_steps = total_steps;
                self.loss = Some(loss);
                self.elapsed_ms = elapsed_ms;
                self.message = format!("step {step} of {total_steps}, loss {loss:.5}");
            }
            JobEvent::Finished {
                steps,
                final_loss,
                elapsed_ms,
                gflops,
            } => {
                self.phase = Phase::Finished;
                self.step = steps;
                self.loss = Some(final_loss);
                self.elapsed_ms = elapsed_ms;
                self.message = format!(
                    "finished {steps} steps in {:.1} s: final loss {final_loss:.5}, {gflops:.1} GFLOP/s",
                    elapsed_ms as f64 / 1000.0
                );
            }
            JobEvent::Cancelled { step, elapsed_ms } => {
                self.phase = Phase::Cancelled;
                self.step = step;
                self.elapsed_ms = elapsed_ms;
                self.message = format!("cancelled after {step} steps");
            }
            JobEvent::Failed { message } => {
                self.phase = Phase::Failed;
                self.message = format!("failed: {message}");
            }
        }
    }

    /// Records an error from starting the job (the backend never ran it).
    pub fn fail(&mut self, message: &str) {
        self.phase = Phase::Failed;
        self.message = format!("failed: {message}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn started() -> JobProgress {
        let mut progress = JobProgress::starting();
        progress.apply(JobEvent::Started {
            job_id: JobId(1),
            total_steps: 200,
            device: "CPU".into(),
        });
        progress
    }

    #[test]
    fn progress_rises_with_steps() {
        let mut progress = started();
        assert_eq!(progress.phase, Phase::Running);
        assert_eq!(progress.fraction(), 0.0);
        progress.apply(JobEvent::Progress {
            step: 50,
            total_steps: 200,
            loss: 0.25,
            elapsed_ms: 10,
        });
        assert_eq!(progress.fraction(), 0.25);
        assert_eq!(progress.message, "step 50 of 200, loss 0.25000");
    }

    #[test]
    fn nothing_changes_after_the_end() {
        let mut progress = started();
        progress.apply(JobEvent::Cancelled {
            step: 7,
            elapsed_ms: 3,
        });
        let ended = progress.clone();
        progress.apply(JobEvent::Progress {
            step: 8,
            total_steps: 200,
            loss: 0.1,
            elapsed_ms: 4,
        });
        assert_eq!(progress, ended);
        assert_eq!(progress.phase, Phase::Cancelled);
        assert!(!progress.is_active());
    }

    #[test]
    fn an_idle_view_ignores_stray_events() {
        let mut progress = JobProgress::default();
        progress.apply(JobEvent::Failed {
            message: "late".into(),
        });
        assert_eq!(progress.phase, Phase::Idle);
    }

    #[test]
    fn fraction_is_clamped_and_safe_without_total() {
        let mut progress = JobProgress::starting();
        assert_eq!(progress.fraction(), 0.0);
        progress.total_steps = 10;
        progress.step = 20;
        assert_eq!(progress.fraction(), 1.0);
    }
}
