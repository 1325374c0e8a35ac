//! The practice loop's plumbing between the engine's training job and the
//! store: a run is recorded before it starts, each epoch as it ends, and its
//! end (status, console, grade) in one write.

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use dojo_engine::practice::{JobUpdate, TrainingJob};
use dojo_protocol::{JobId, TrainingEvent, TrainingRequest};
use dojo_store::{NewRun, RunEnd, RunId, RunStatus, Store};

use crate::error::CommandError;
use crate::state::{AppState, lock};

/// Starts a training run for `request`; its events go to `send`.
pub fn start_training(
    state: &AppState,
    request: TrainingRequest,
    send: impl Fn(TrainingEvent) + Send + 'static,
) -> Result<JobId, CommandError> {
    if let Some(job) = state.running_training() {
        return Err(CommandError::Busy(job));
    }
    let task = dojo_engine::tasks::task(&request.task_id)?;
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |time| time.subsec_nanos() as u64 ^ time.as_secs());
    let run = state.store().start_run(&NewRun {
        task_id: task.id.to_owned(),
        code: request.code.clone(),
        seed: seed as i64,
        device: state.device.description().to_owned(),
    })?;
    let store = state.shared_store();
    let mut recorder = Recorder {
        store,
        run,
        epochs: 0,
    };
    let job = TrainingJob {
        task,
        code: request.code,
        run_id: dojo_protocol::RunId(run.0),
        seed,
        max_epochs: request.max_epochs,
        max_steps: request.max_steps,
        device: state.device.clone(),
    };
    let job = state.runner.start(job, move |update: JobUpdate| {
        // Progress reaches the window before the store's write (an epoch's
        // chart point must not wait for SQLite); a run's end only after it,
        // so the attempt list the window reloads then already holds the run.
        let ends = update.end.is_some();
        if !ends {
            send(update.event.clone());
        }
        if let Some(note) = recorder.record(&update) {
            send(TrainingEvent::Output { text: note });
        }
        if ends {
            send(update.event);
        }
    });
    let job = match job {
        Ok(job) => job,
        Err(error) => {
            let text = error.to_string();
            let _ = state.store().finish_run(
                run,
                &RunEnd {
                    error: Some(&text),
                    ..RunEnd::status(RunStatus::Failed)
                },
            );
            return Err(error.into());
        }
    };
    state.set_training(job);
    Ok(job)
}

/// Writes a run's progress to the store from the job's thread.
struct Recorder {
    store: Arc<Mutex<Store>>,
    run: RunId,
    /// Epochs recorded so far, over every `fit` of the program.
    epochs: u32,
}

impl Recorder {
    /// Records what `update` changes; returns a note for the console when
    /// the store refused the write (a full disk, say): training goes on.
    fn record(&mut self, update: &JobUpdate) -> Option<String> {
        let written = match (&update.event, &update.end) {
            (TrainingEvent::Epoch { logs, .. }, _) => {
                let json = serde_json::to_string(logs).unwrap_or_else(|_| "{}".to_owned());
                self.epochs += 1;
                lock(&self.store).record_epoch(self.run, self.epochs - 1, &json)
            }
            (_, Some(end)) => {
                let metrics = serde_json::to_string(&end.final_logs).ok();
                let grade = end
                    .grade
                    .as_ref()
                    .and_then(|grade| serde_json::to_string(grade).ok());
                lock(&self.store).finish_run(
                    self.run,
                    &RunEnd {
                        status: end.status.into(),
                        error: end.error.as_deref(),
                        metrics_json: metrics.as_deref(),
                        console: Some(&end.console),
                        grade_json: grade.as_deref(),
                    },
                )
            }
            _ => Ok(()),
        };
        written
            .err()
            .map(|error| format!("\n[Dojo] this run could not be saved: {error}\n"))
    }
}

/// Every task with whether a higher metric is better, for the store's stats.
pub fn task_directions() -> Vec<(&'static str, bool)> {
    dojo_engine::tasks::TASKS
        .iter()
        .map(|task| (task.id, task.metric == dojo_protocol::Metric::Accuracy))
        .collect()
}
