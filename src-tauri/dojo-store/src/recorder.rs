//! Recording a practice run as it happens: its row when it starts, one row
//! per epoch as each ends, and its end (status, console, grade) in one
//! write. The app and the command line both record through
//! [`RunRecorder`], so a run is kept the same way whichever started it.
//!
//! A refused write (a full disk, say) is returned to the caller, who tells
//! the user and lets training go on: the record is lost, never the run.

use std::sync::{Arc, Mutex, PoisonError};

use dojo_protocol::{BatchPoint, RunEnd, RunId, TrainingEvent};

use crate::{NewRun, Result, Store};

/// Something that lends the store for one write: the store itself (the
/// command line) or the app's store behind its mutex.
pub trait StoreAccess {
    fn with_store<T>(&mut self, write: impl FnOnce(&mut Store) -> Result<T>) -> Result<T>;
}

impl StoreAccess for Store {
    fn with_store<T>(&mut self, write: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        write(self)
    }
}

impl StoreAccess for Arc<Mutex<Store>> {
    fn with_store<T>(&mut self, write: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        // Every write is one transaction, so a store whose holder panicked
        // is still consistent.
        let mut store = self.lock().unwrap_or_else(PoisonError::into_inner);
        write(&mut store)
    }
}

/// Writes one run's progress to the store.
pub struct RunRecorder<S> {
    store: S,
    run: RunId,
    /// Epochs recorded so far, over every `fit` of the program.
    epochs: u32,
    batches: BatchCurve,
}

/// A run's batch curve, kept to at most [`BatchPoint::MAX_POINTS`] points:
/// when full, every other point goes and from then on only every second
/// (then fourth, ...) batch event is kept, so the curve stays evenly
/// spread over the whole run.
#[derive(Debug, Default)]
pub struct BatchCurve {
    points: Vec<BatchPoint>,
    /// Keep one batch event in `stride`.
    stride: u64,
    seen: u64,
    /// Batches of the epochs that ended, over every `fit`.
    steps_before: u64,
    /// The last batch index of the current epoch.
    last_batch: Option<u32>,
}

impl BatchCurve {
    pub fn record(&mut self, event: &TrainingEvent) {
        match event {
            TrainingEvent::Batch {
                fit,
                epoch,
                batch,
                logs,
                ..
            } => {
                self.last_batch = Some(*batch);
                let stride = self.stride.max(1);
                self.seen += 1;
                if !(self.seen - 1).is_multiple_of(stride) {
                    return;
                }
                self.points.push(BatchPoint {
                    step: self.steps_before + u64::from(*batch),
                    fit: *fit,
                    epoch: *epoch,
                    logs: logs.clone(),
                });
                if self.points.len() >= BatchPoint::MAX_POINTS {
                    let mut index = 0;
                    self.points.retain(|_| {
                        index += 1;
                        index % 2 == 1
                    });
                    self.stride = stride * 2;
                }
            }
            TrainingEvent::Epoch { .. } => {
                if let Some(last) = self.last_batch.take() {
                    self.steps_before += u64::from(last) + 1;
                }
            }
            _ => {}
        }
    }

    pub fn points(&self) -> &[BatchPoint] {
        &self.points
    }
}

impl<S: StoreAccess> RunRecorder<S> {
    /// Records the start of `run` and returns its recorder.
    pub fn start(mut store: S, run: &NewRun) -> Result<RunRecorder<S>> {
        let id = store.with_store(|store| store.start_run(run))?;
        Ok(RunRecorder {
            store,
            run: id,
            epochs: 0,
            batches: BatchCurve::default(),
        })
    }

    pub fn run_id(&self) -> RunId {
        self.run
    }

    /// Records what `event` changes in the history: an epoch's logs.
    pub fn record_event(&mut self, event: &TrainingEvent) -> Result<()> {
        self.batches.record(event);
        let TrainingEvent::Epoch { logs, .. } = event else {
            return Ok(());
        };
        let json = serde_json::to_string(logs).unwrap_or_else(|_| "{}".to_owned());
        let epoch = self.epochs;
        self.epochs += 1;
        let run = self.run;
        self.store
            .with_store(|store| store.record_epoch(run, epoch, &json))
    }

    /// Closes the run with its end and its batch curve.
    pub fn finish(&mut self, end: &RunEnd) -> Result<()> {
        let run = self.run;
        let end = RunEnd {
            batches: self.batches.points().to_vec(),
            ..end.clone()
        };
        self.store.with_store(|store| store.finish_run(run, &end))
    }

    /// The store, for writes that follow the run's (the command line
    /// submits a graded run).
    pub fn store(&mut self) -> &mut S {
        &mut self.store
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RunStatus;
    use crate::runs::tests::{sample_run, store};

    fn epoch(loss: f64) -> TrainingEvent {
        TrainingEvent::Epoch {
            fit: 1,
            epoch: 0,
            epochs: 1,
            logs: [("loss".to_owned(), loss)].into(),
            elapsed_ms: 0,
            sent_at_ms: 0,
            learning_rate_sweep: false,
        }
    }

    fn batch(epoch: u32, batch: u32) -> TrainingEvent {
        TrainingEvent::Batch {
            fit: 1,
            epoch,
            epochs: 10,
            batch,
            batches: Some(300),
            logs: [("loss".to_owned(), f64::from(batch))].into(),
            elapsed_ms: 0,
        }
    }

    #[test]
    fn the_batch_curve_stays_bounded_and_spans_the_whole_run() {
        let mut curve = BatchCurve::default();
        for epoch in 0..10 {
            for index in 0..300 {
                curve.record(&batch(epoch, index));
            }
            curve.record(&epoch_event(epoch));
        }
        let points = curve.points();
        assert!(points.len() <= BatchPoint::MAX_POINTS, "{}", points.len());
        assert!(
            points.len() > BatchPoint::MAX_POINTS / 4,
            "{}",
            points.len()
        );
        assert_eq!(points[0].step, 0);
        // Steps count over epochs and rise evenly to near the run's 3,000 batches.
        assert!(points.windows(2).all(|pair| pair[0].step < pair[1].step));
        let last = points.last().unwrap();
        assert_eq!(last.epoch, 9);
        assert!(last.step >= 2_900, "{}", last.step);
        let gaps: std::collections::BTreeSet<u64> = points
            .windows(2)
            .map(|pair| pair[1].step - pair[0].step)
            .collect();
        assert_eq!(gaps.len(), 1, "one spacing: {gaps:?}");
    }

    fn epoch_event(epoch: u32) -> TrainingEvent {
        TrainingEvent::Epoch {
            fit: 1,
            epoch,
            epochs: 10,
            logs: Default::default(),
            elapsed_ms: 0,
            sent_at_ms: 0,
            learning_rate_sweep: false,
        }
    }

    #[test]
    fn a_recorded_run_keeps_its_epochs_over_every_fit_and_its_end() {
        let (_dir, store) = store();
        let shared = Arc::new(Mutex::new(store));
        let mut recorder = RunRecorder::start(Arc::clone(&shared), &sample_run()).unwrap();
        recorder.record_event(&epoch(2.0)).unwrap();
        recorder
            .record_event(&TrainingEvent::Output { text: "x".into() })
            .unwrap();
        // A second `fit` numbers its epochs from 0 again; the run does not.
        recorder.record_event(&epoch(1.0)).unwrap();
        recorder
            .finish(&RunEnd {
                console: "done".into(),
                ..RunEnd::status(RunStatus::Finished)
            })
            .unwrap();
        let run = shared.lock().unwrap().run(recorder.run_id()).unwrap();
        assert_eq!(run.status, RunStatus::Finished);
        assert_eq!(run.seed, sample_run().seed);
        assert_eq!(
            run.epochs,
            vec![(0, r#"{"loss":2.0}"#.into()), (1, r#"{"loss":1.0}"#.into())]
        );
        assert_eq!(run.console.as_deref(), Some("done"));
        // A run is closed once, whoever records it.
        assert!(
            recorder
                .finish(&RunEnd::status(RunStatus::Cancelled))
                .is_err()
        );
    }
}
