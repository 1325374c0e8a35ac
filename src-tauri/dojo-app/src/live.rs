//! The training run in progress, kept so a page can leave and come back:
//! its events so far and the channel of the page that follows it now.
//! Leaving the workspace no longer orphans a run; opening its task again
//! attaches a new channel and replays what happened meanwhile.

use std::sync::{Arc, Mutex};

use dojo_protocol::{JobId, LiveTraining, RunId, TrainingEvent};

use crate::state::lock;

/// Batch events kept for a page that attaches late (the newest ones; every
/// other event is kept).
const KEPT_BATCHES: usize = 300;

type Sink = Box<dyn Fn(TrainingEvent) + Send>;

struct LiveRun {
    info: LiveTraining,
    sink: Option<Sink>,
    batches: usize,
}

/// Shared between the commands and the run's thread.
#[derive(Clone, Default)]
pub struct Live(Arc<Mutex<Option<LiveRun>>>);

impl Live {
    /// A run begins: it streams to `sink` until another page attaches.
    pub fn begin(&self, run_id: RunId, task_id: &str, sink: Sink) {
        *lock(&self.0) = Some(LiveRun {
            info: LiveTraining {
                job_id: JobId(0),
                run_id,
                task_id: task_id.to_owned(),
                events: Vec::new(),
            },
            sink: Some(sink),
            batches: 0,
        });
    }

    /// The run's job id, once the runner gave it one.
    pub fn set_job(&self, run_id: RunId, job_id: JobId) {
        if let Some(live) = lock(&self.0)
            .as_mut()
            .filter(|live| live.info.run_id == run_id)
        {
            live.info.job_id = job_id;
        }
    }

    /// Keeps `event` of run `run_id` and sends it to the attached page. A
    /// terminal event ends the live run.
    pub fn send(&self, run_id: RunId, event: TrainingEvent) {
        let mut guard = lock(&self.0);
        let Some(live) = guard.as_mut().filter(|live| live.info.run_id == run_id) else {
            return;
        };
        if matches!(event, TrainingEvent::Batch { .. }) {
            live.batches += 1;
            if live.batches > KEPT_BATCHES {
                if let Some(oldest) = live
                    .info
                    .events
                    .iter()
                    .position(|event| matches!(event, TrainingEvent::Batch { .. }))
                {
                    live.info.events.remove(oldest);
                }
                live.batches -= 1;
            }
        }
        let terminal = event.is_terminal();
        if !terminal {
            live.info.events.push(event.clone());
        }
        if let Some(sink) = &live.sink {
            sink(event);
        }
        if terminal {
            *guard = None;
        }
    }

    /// The run in progress, if any, with its events so far; from now on its
    /// events go to `sink` (the previous page's channel stops).
    pub fn attach(&self, sink: Sink) -> Option<LiveTraining> {
        let mut guard = lock(&self.0);
        let live = guard.as_mut()?;
        live.sink = Some(sink);
        Some(live.info.clone())
    }

    /// The run in progress without its events, for the header.
    pub fn current(&self) -> Option<(JobId, RunId, String)> {
        lock(&self.0).as_ref().map(|live| {
            (
                live.info.job_id,
                live.info.run_id,
                live.info.task_id.clone(),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn output(text: &str) -> TrainingEvent {
        TrainingEvent::Output { text: text.into() }
    }

    #[test]
    fn a_page_that_attaches_late_gets_the_past_and_then_the_stream() {
        let live = Live::default();
        let (first, first_events) = mpsc::channel();
        live.begin(
            RunId(1),
            "sunspots",
            Box::new(move |event| drop(first.send(event))),
        );
        live.send(RunId(1), output("a"));
        // The user leaves the workspace and comes back: a new page attaches.
        let (second, second_events) = mpsc::channel();
        let snapshot = live
            .attach(Box::new(move |event| drop(second.send(event))))
            .unwrap();
        assert_eq!(snapshot.events, vec![output("a")]);
        live.send(RunId(1), output("b"));
        live.send(RunId(2), output("another run's event is ignored"));
        assert_eq!(
            first_events.try_iter().collect::<Vec<_>>(),
            vec![output("a")]
        );
        assert_eq!(
            second_events.try_iter().collect::<Vec<_>>(),
            vec![output("b")]
        );
        live.send(
            RunId(1),
            TrainingEvent::Cancelled {
                run_id: RunId(1),
                elapsed_ms: 0,
                hints: Vec::new(),
                gradable: false,
            },
        );
        assert!(second_events.try_recv().is_ok(), "the end reaches the page");
        assert!(live.attach(Box::new(|_| {})).is_none(), "the run is over");
    }
}
