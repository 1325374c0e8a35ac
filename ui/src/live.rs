//! The training run in progress as the header's indicator shows it (task,
//! epoch, the job to stop), folded from the same `TrainingEvent`s the
//! workspace folds into its [`RunState`](crate::training::RunState),
//! independent of any view.
//!
//! Who receives the events is decided in
//! [`components::live_run`](crate::components::live_run); this module only
//! reads them.

use dojo_protocol::{JobId, LiveTraining, RunId, TrainingEvent};

use crate::training::Position;

/// A run that has not ended.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveRun {
    pub task_id: String,
    /// Known once the backend answered (the `Started` event, or the
    /// attached run's record).
    pub job_id: Option<JobId>,
    pub run_id: Option<RunId>,
    pub position: Option<Position>,
}

impl LiveRun {
    /// A run of `task_id` just asked for.
    pub fn starting(task_id: &str) -> LiveRun {
        LiveRun {
            task_id: task_id.to_owned(),
            job_id: None,
            run_id: None,
            position: None,
        }
    }

    /// The attached run, with its events so far folded in; `None` if those
    /// events already hold its end.
    pub fn attached(live: &LiveTraining) -> Option<LiveRun> {
        let mut run = LiveRun {
            task_id: live.task_id.clone(),
            // The backend names the job once its runner gave it an id.
            job_id: (live.job_id != JobId(0)).then_some(live.job_id),
            run_id: Some(live.run_id),
            position: None,
        };
        for event in &live.events {
            if !run.apply(event) {
                return None;
            }
        }
        Some(run)
    }

    /// Folds one event in; returns whether the run is still going (false
    /// after its terminal event).
    pub fn apply(&mut self, event: &TrainingEvent) -> bool {
        if let TrainingEvent::Started { job_id, run_id, .. } = event {
            self.job_id = Some(*job_id);
            self.run_id = Some(*run_id);
        }
        if let Some(position) = Position::after(self.position, event) {
            self.position = Some(position);
        }
        !event.is_terminal()
    }

    /// What the header says of the run's progress: `epoch 2/10`, or
    /// `starting` before the first `fit`.
    pub fn progress_label(&self) -> String {
        self.position
            .map_or_else(|| "starting".to_owned(), |position| position.epoch_label())
    }
}

#[cfg(test)]
mod tests {
    use dojo_protocol::Logs;

    use super::*;

    fn epoch(epoch: u32, epochs: u32) -> TrainingEvent {
        TrainingEvent::Epoch {
            fit: 0,
            epoch,
            epochs,
            logs: Logs::new(),
            elapsed_ms: 0,
            sent_at_ms: 0,
            learning_rate_sweep: false,
        }
    }

    fn live(job_id: u64, events: Vec<TrainingEvent>) -> LiveTraining {
        LiveTraining {
            job_id: JobId(job_id),
            run_id: RunId(9),
            task_id: "sunspots".into(),
            events,
        }
    }

    #[test]
    fn an_attached_run_replays_its_events_into_the_epoch() {
        let Some(run) = LiveRun::attached(&live(
            4,
            vec![
                TrainingEvent::FitStarted { fit: 0, epochs: 10 },
                epoch(0, 10),
            ],
        )) else {
            panic!("the run has not ended");
        };
        assert_eq!(run.job_id, Some(JobId(4)));
        assert_eq!(run.progress_label(), "epoch 2/10");
    }

    #[test]
    fn the_job_comes_from_the_started_event_when_the_record_has_none_yet() {
        let started = TrainingEvent::Started {
            job_id: JobId(7),
            run_id: RunId(9),
            device: "CPU".into(),
        };
        let Some(run) = LiveRun::attached(&live(0, vec![started])) else {
            panic!("the run has not ended");
        };
        assert_eq!(run.job_id, Some(JobId(7)));
        assert_eq!(run.progress_label(), "starting");
    }

    #[test]
    fn the_last_epoch_stays_in_range_and_the_end_ends_the_run() {
        let mut run = LiveRun::starting("fashion");
        assert!(run.apply(&epoch(2, 3)));
        assert_eq!(run.progress_label(), "epoch 3/3");
        let ended = TrainingEvent::Cancelled {
            run_id: RunId(1),
            elapsed_ms: 0,
            hints: Vec::new(),
            gradable: false,
        };
        assert!(!run.apply(&ended));
        assert!(LiveRun::attached(&live(1, vec![ended])).is_none());
    }
}
