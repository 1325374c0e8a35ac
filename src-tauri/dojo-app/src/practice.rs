//! The practice loop's plumbing between the engine's practice run and the
//! store: the run goes through the shared [`RunRecorder`] (its row before
//! it starts, each epoch as it ends, its end in one write) while its events
//! go to the window.

use dojo_engine::practice::{JobUpdate, PracticeRun};
use dojo_protocol::{JobId, RunEnd, RunStatus, TrainingEvent, TrainingRequest};
use dojo_store::{NewRun, RunRecorder};

use crate::error::CommandError;
use crate::state::AppState;

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
    let seed = request
        .seed
        .unwrap_or_else(dojo_engine::practice::fresh_seed);
    let mut recorder = RunRecorder::start(
        state.shared_store(),
        &NewRun {
            task_id: task.id.to_owned(),
            code: request.code.clone(),
            seed,
            device: state.device.description().to_owned(),
            dojo_version: dojo_engine::VERSION.to_owned(),
            // The store puts a run of a mock task in the mock in progress.
            mock_id: None,
        },
    )?;
    let run = recorder.run_id();
    // The run streams through the live record, so a page that leaves and
    // comes back can attach to it again.
    let live = state.live.clone();
    live.begin(run, task.id, Box::new(send));
    let send = {
        let live = live.clone();
        move |event: TrainingEvent| live.send(run, event)
    };
    let job = PracticeRun {
        task: Some(task),
        code: request.code,
        file_name: "solution.py".to_owned(),
        run_id: run,
        seed,
        max_epochs: request.max_epochs,
        max_steps: request.max_steps,
        dry_run: false,
        device: state.device.clone(),
    };
    let job = state.runner.start(job, move |update: JobUpdate| {
        // Progress reaches the window before the store's write (an epoch's
        // chart point must not wait for SQLite); a run's end only after it,
        // so the attempt list the window reloads then already holds the run.
        let written = match &update.end {
            None => {
                send(update.event.clone());
                recorder.record_event(&update.event)
            }
            Some(end) => recorder.finish(end),
        };
        if let Err(error) = written {
            send(TrainingEvent::Output {
                text: format!("\n[Dojo] this run could not be saved: {error}\n"),
            });
        }
        if update.end.is_some() {
            send(update.event);
        }
    });
    let job = match job {
        Ok(job) => job,
        Err(error) => {
            live.send(
                run,
                TrainingEvent::Cancelled {
                    run_id: run,
                    elapsed_ms: 0,
                    hints: Vec::new(),
                    gradable: false,
                },
            );
            let _ = state.store().finish_run(
                run,
                &RunEnd {
                    error: Some(error.to_string()),
                    ..RunEnd::status(RunStatus::Failed)
                },
            );
            return Err(error.into());
        }
    };
    live.set_job(run, job);
    state.set_training(job);
    Ok(job)
}

/// Every task with whether a higher metric is better, for the store's stats.
pub fn task_directions() -> Vec<(&'static str, bool)> {
    dojo_engine::tasks::TASKS
        .iter()
        .map(|task| (task.id, task.metric == dojo_protocol::Metric::Accuracy))
        .collect()
}
