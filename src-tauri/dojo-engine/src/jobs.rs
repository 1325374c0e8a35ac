//! Background jobs that stream typed progress events and can be cancelled.
//!
//! This is the mechanism training uses: a [`JobRunner`] starts work on its
//! own thread, hands it a [`CancelToken`] and an event sink, and keeps the
//! token by [`JobId`] so a later call can cancel it. The sink is any
//! `FnMut(JobEvent)`: the app forwards events over a Tauri channel, the CLI
//! prints them, tests collect them in a `Vec`.
//!
//! Guarantees, whatever the job does: the sink sees exactly one terminal
//! event (`Finished`, `Cancelled` or `Failed`) and nothing after it; a job
//! that panics reports `Failed` instead of taking the app down; a job is
//! forgotten by the runner once it has ended.

use std::cell::RefCell;
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use candle_core::{DType, Tensor};
use candle_nn::{Module, Optimizer, VarBuilder, VarMap};
use dojo_protocol::{JobEvent, JobId};

use crate::device::ComputeDevice;
use crate::{Error, Result};

/// A shared flag a job polls to learn it should stop.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// An event a job streams: the runner must know which events end a stream
/// and how to report a job that ended without one.
pub trait StreamEvent: Send + 'static {
    /// Whether this event ends its job's stream.
    fn is_terminal(&self) -> bool;
    /// The terminal event reporting an internal failure.
    fn internal_failure(message: String) -> Self;
}

impl StreamEvent for JobEvent {
    fn is_terminal(&self) -> bool {
        JobEvent::is_terminal(self)
    }

    fn internal_failure(message: String) -> Self {
        JobEvent::Failed { message }
    }
}

/// Where a job's events go.
pub trait EventSink<E>: Send + 'static {
    fn send(&mut self, event: E);
}

impl<E, F: FnMut(E) + Send + 'static> EventSink<E> for F {
    fn send(&mut self, event: E) {
        self(event)
    }
}

/// Wraps a sink so that nothing reaches it after a terminal event.
struct GuardedSink<S> {
    inner: S,
    ended: bool,
}

impl<S> GuardedSink<S> {
    fn send<E: StreamEvent>(&mut self, event: E)
    where
        S: EventSink<E>,
    {
        if self.ended {
            return;
        }
        self.ended = event.is_terminal();
        self.inner.send(event);
    }
}

/// What a running job may do: learn its id, poll for cancellation and
/// report progress.
pub struct JobContext<E = JobEvent> {
    pub job_id: JobId,
    pub cancel: CancelToken,
    emitter: Emitter<E>,
}

impl<E> JobContext<E> {
    pub fn emit(&mut self, event: E) {
        self.emitter.emit(event)
    }

    /// A handle that emits this job's events, for code on the job's thread
    /// that must own its callback (e.g. the interpreter's training sink).
    pub fn emitter(&self) -> Emitter<E> {
        self.emitter.clone()
    }
}

/// Emits a job's events from its own thread; clones share the sink.
pub struct Emitter<E>(Rc<dyn Fn(E)>);

impl<E> Clone for Emitter<E> {
    fn clone(&self) -> Self {
        Emitter(Rc::clone(&self.0))
    }
}

impl<E> Emitter<E> {
    /// An emitter that hands each event to `emit`, for code that runs a
    /// job's work on its own thread (the command line's blocking run).
    pub fn new(emit: impl Fn(E) + 'static) -> Emitter<E> {
        Emitter(Rc::new(emit))
    }

    pub fn emit(&self, event: E) {
        (self.0)(event)
    }
}

/// A unit of background work. `run` reports its own start, progress and
/// terminal event; if it returns without a terminal event (or panics), the
/// runner sends [`StreamEvent::internal_failure`].
pub trait Job: Send + 'static {
    type Event: StreamEvent;
    fn run(self: Box<Self>, context: JobContext<Self::Event>);
}

/// Starts jobs on their own threads and cancels them by id.
#[derive(Debug, Clone, Default)]
pub struct JobRunner {
    inner: Arc<RunnerInner>,
}

#[derive(Debug, Default)]
struct RunnerInner {
    next_id: AtomicU64,
    running: Mutex<HashMap<JobId, CancelToken>>,
}

impl RunnerInner {
    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<JobId, CancelToken>> {
        // The map stays consistent even if a holder panicked: every update is one insert or remove.
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl JobRunner {
    pub fn new() -> JobRunner {
        JobRunner::default()
    }

    /// Starts `job` on a new thread; its events go to `sink`.
    pub fn start<J: Job>(&self, job: J, sink: impl EventSink<J::Event>) -> Result<JobId> {
        self.start_with_id(|_| job, sink)
    }

    /// Like [`JobRunner::start`], for a job that needs its own id to be built
    /// (e.g. to put it in its first event).
    pub fn start_with_id<J: Job>(
        &self,
        build: impl FnOnce(JobId) -> J,
        sink: impl EventSink<J::Event>,
    ) -> Result<JobId> {
        let job_id = JobId(self.inner.next_id.fetch_add(1, Ordering::Relaxed) + 1);
        let cancel = CancelToken::default();
        self.inner.running().insert(job_id, cancel.clone());
        let inner = Arc::clone(&self.inner);
        let job: Box<J> = Box::new(build(job_id));
        let spawned = std::thread::Builder::new()
            .name(format!("dojo-job-{}", job_id.0))
            // Deeply nested user code recurses in the interpreter: give it room.
            .stack_size(64 * 1024 * 1024)
            .spawn(move || {
                crate::device::enter_background();
                let sink = Rc::new(RefCell::new(GuardedSink {
                    inner: sink,
                    ended: false,
                }));
                let shared = Rc::clone(&sink);
                let emitter = Emitter(Rc::new(move |event: J::Event| {
                    // A sink that emits into its own job would re-enter; drop such events.
                    if let Ok(mut sink) = shared.try_borrow_mut() {
                        sink.send(event);
                    }
                }));
                let context = JobContext {
                    job_id,
                    cancel: cancel.clone(),
                    emitter,
                };
                let outcome = catch_unwind(AssertUnwindSafe(|| job.run(context)));
                let mut sink = sink.borrow_mut();
                if !sink.ended {
                    let message = match outcome {
                        Ok(()) => "the job ended without reporting a result".to_owned(),
                        Err(panic) => format!("internal error: {}", panic_message(panic.as_ref())),
                    };
                    sink.send(J::Event::internal_failure(message));
                }
                inner.running().remove(&job_id);
            });
        if let Err(error) = spawned {
            self.inner.running().remove(&job_id);
            return Err(Error::Spawn(error));
        }
        Ok(job_id)
    }

    /// Asks a running job to stop; it ends with its cancelled event at its next check.
    pub fn cancel(&self, job_id: JobId) -> Result<()> {
        match self.inner.running().get(&job_id) {
            Some(token) => {
                token.cancel();
                Ok(())
            }
            None => Err(Error::JobNotFound(job_id)),
        }
    }

    /// Ids of the jobs that have not ended yet.
    pub fn running_jobs(&self) -> Vec<JobId> {
        let mut ids: Vec<JobId> = self.inner.running().keys().copied().collect();
        ids.sort();
        ids
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "a background job panicked".to_owned()
    }
}

/// Lets through at most one progress event per `interval`, so a fast job
/// cannot flood the UI; the caller always sends the last step itself.
#[derive(Debug)]
pub struct Throttle {
    interval: Duration,
    last: Option<Instant>,
}

impl Throttle {
    pub fn new(interval: Duration) -> Throttle {
        Throttle {
            interval,
            last: None,
        }
    }

    /// Whether an event may be sent at `now`; if so, `now` starts the next interval.
    pub fn ready(&mut self, now: Instant) -> bool {
        match self.last {
            Some(last) if now.duration_since(last) < self.interval => false,
            _ => {
                self.last = Some(now);
                true
            }
        }
    }
}

/// The most steps a device check may run.
pub const MAX_DEVICE_CHECK_STEPS: u32 = 1_000_000;

/// The smallest gap between two progress events of one job.
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(50);

/// Trains a small multi-layer perceptron on a fixed synthetic regression
/// problem and reports the loss and the device's measured throughput: a
/// real training loop on the selected device, without any user code.
#[derive(Debug, Clone)]
pub struct DeviceCheck {
    pub steps: u32,
    pub device: ComputeDevice,
}

const CHECK_BATCH: usize = 128;
const CHECK_INPUTS: usize = 64;
const CHECK_HIDDEN: usize = 256;
const CHECK_BATCHES: usize = 8;

impl DeviceCheck {
    /// Number of trainable parameters of the check's model.
    pub fn parameter_count() -> usize {
        CHECK_INPUTS * CHECK_HIDDEN
            + CHECK_HIDDEN
            + CHECK_HIDDEN * CHECK_HIDDEN
            + CHECK_HIDDEN
            + CHECK_HIDDEN
            + 1
    }

    /// Floating-point operations of one training step: about 2 per
    /// parameter and sample forward, 4 backward.
    pub fn flops_per_step() -> f64 {
        6.0 * CHECK_BATCH as f64 * DeviceCheck::parameter_count() as f64
    }

    fn train(&self, context: &mut JobContext) -> Result<JobEvent> {
        let device = self.device.device();
        let steps = self.steps.clamp(1, MAX_DEVICE_CHECK_STEPS);
        context.emit(JobEvent::Started {
            job_id: context.job_id,
            total_steps: steps,
            device: self.device.description().to_owned(),
        });

        let (inputs, targets) = synthetic_batches(device)?;
        let variables = VarMap::new();
        let builder = VarBuilder::from_varmap(&variables, DType::F32, device);
        let model = candle_nn::seq()
            .add(candle_nn::linear(
                CHECK_INPUTS,
                CHECK_HIDDEN,
                builder.pp("hidden_1"),
            )?)
            .add(candle_nn::Activation::Relu)
            .add(candle_nn::linear(
                CHECK_HIDDEN,
                CHECK_HIDDEN,
                builder.pp("hidden_2"),
            )?)
            .add(candle_nn::Activation::Relu)
            .add(candle_nn::linear(CHECK_HIDDEN, 1, builder.pp("output"))?);
        let mut optimizer = candle_nn::AdamW::new(
            variables.all_vars(),
            candle_nn::ParamsAdamW {
                lr: 1e-3,
                weight_decay: 0.0,
                eps: 1e-7,
                ..Default::default()
            },
        )?;

        let started = Instant::now();
        let mut throttle = Throttle::new(PROGRESS_INTERVAL);
        let mut loss_value = f64::NAN;
        for step in 1..=steps {
            if context.cancel.is_cancelled() {
                return Ok(JobEvent::Cancelled {
                    step: step - 1,
                    elapsed_ms: elapsed_ms(started),
                });
            }
            let batch = (step as usize - 1) % CHECK_BATCHES;
            let prediction = model.forward(&inputs[batch])?;
            let loss = candle_nn::loss::mse(&prediction, &targets[batch])?;
            optimizer.backward_step(&loss)?;
            if step == steps || throttle.ready(Instant::now()) {
                loss_value = f64::from(loss.to_scalar::<f32>()?);
                context.emit(JobEvent::Progress {
                    step,
                    total_steps: steps,
                    loss: loss_value,
                    elapsed_ms: elapsed_ms(started),
                });
            }
        }
        let seconds = started.elapsed().as_secs_f64().max(1e-9);
        Ok(JobEvent::Finished {
            steps,
            final_loss: loss_value,
            elapsed_ms: elapsed_ms(started),
            gflops: DeviceCheck::flops_per_step() * f64::from(steps) / seconds / 1e9,
        })
    }
}

impl Job for DeviceCheck {
    type Event = JobEvent;

    fn run(self: Box<Self>, mut context: JobContext) {
        let end = self
            .train(&mut context)
            .unwrap_or_else(|error| JobEvent::Failed {
                message: error.to_string(),
            });
        context.emit(end);
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Fixed inputs in [-1, 1) from a linear congruential generator, and the
/// smooth target `mean(sin(3x))`, so every check trains on the same problem.
fn synthetic_batches(device: &candle_core::Device) -> Result<(Vec<Tensor>, Vec<Tensor>)> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    };
    let mut inputs = Vec::with_capacity(CHECK_BATCHES);
    let mut targets = Vec::with_capacity(CHECK_BATCHES);
    for _ in 0..CHECK_BATCHES {
        let values: Vec<f32> = (0..CHECK_BATCH * CHECK_INPUTS).map(|_| next()).collect();
        let target: Vec<f32> = values
            .chunks(CHECK_INPUTS)
            .map(|row| row.iter().map(|x| (3.0 * x).sin()).sum::<f32>() / CHECK_INPUTS as f32)
            .collect();
        inputs.push(Tensor::from_vec(
            values,
            (CHECK_BATCH, CHECK_INPUTS),
            device,
        )?);
        targets.push(Tensor::from_vec(target, (CHECK_BATCH, 1), device)?);
    }
    Ok((inputs, targets))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn collect(
        runner: &JobRunner,
        job: impl Job<Event = JobEvent>,
    ) -> (JobId, mpsc::Receiver<JobEvent>) {
        let (sender, receiver) = mpsc::channel();
        let id = runner
            .start(job, move |event| {
                let _ = sender.send(event);
            })
            .unwrap();
        (id, receiver)
    }

    fn device_check(steps: u32) -> DeviceCheck {
        DeviceCheck {
            steps,
            device: ComputeDevice::cpu(),
        }
    }

    #[test]
    fn a_device_check_trains_and_reports_in_order() {
        let runner = JobRunner::new();
        let (id, events) = collect(&runner, device_check(300));
        let events: Vec<JobEvent> = events.iter().collect();

        assert!(
            matches!(events.first(), Some(JobEvent::Started { job_id, total_steps: 300, .. }) if *job_id == id)
        );
        let progress: Vec<(u32, f64)> = events
            .iter()
            .filter_map(|event| match event {
                JobEvent::Progress { step, loss, .. } => Some((*step, *loss)),
                _ => None,
            })
            .collect();
        assert!(
            progress.windows(2).all(|pair| pair[0].0 < pair[1].0),
            "steps rise"
        );
        assert_eq!(
            progress.last().map(|last| last.0),
            Some(300),
            "the last step is always sent"
        );
        let Some(JobEvent::Finished {
            steps,
            final_loss,
            gflops,
            ..
        }) = events.last()
        else {
            panic!("expected Finished last, got {events:?}");
        };
        assert_eq!(*steps, 300);
        assert!(*gflops > 0.0);
        // The first loss is taken before any update; 300 Adam steps must reduce it.
        let first_loss = progress.first().map(|first| first.1).unwrap();
        assert!(
            *final_loss < first_loss,
            "loss {first_loss} -> {final_loss}"
        );
        assert_eq!(events.iter().filter(|event| event.is_terminal()).count(), 1);
        assert!(runner.running_jobs().is_empty());
    }

    #[test]
    fn cancelling_stops_a_long_job_promptly() {
        let runner = JobRunner::new();
        let (id, events) = collect(&runner, device_check(MAX_DEVICE_CHECK_STEPS));
        assert!(matches!(events.recv().unwrap(), JobEvent::Started { .. }));
        assert!(matches!(events.recv().unwrap(), JobEvent::Progress { .. }));
        runner.cancel(id).unwrap();
        let rest: Vec<JobEvent> = events.iter().collect();
        let Some(JobEvent::Cancelled { step, .. }) = rest.last() else {
            panic!("expected Cancelled last, got {rest:?}");
        };
        assert!(*step < MAX_DEVICE_CHECK_STEPS);
        assert!(runner.cancel(id).is_err(), "an ended job is forgotten");
    }

    #[test]
    fn cancelling_an_unknown_job_is_an_error() {
        let error = JobRunner::new().cancel(JobId(42)).unwrap_err();
        assert_eq!(error.to_string(), "no running job with id 42");
    }

    struct Panics;
    impl Job for Panics {
        type Event = JobEvent;

        fn run(self: Box<Self>, _context: JobContext) {
            panic!("kaboom");
        }
    }

    struct SaysTooMuch;
    impl Job for SaysTooMuch {
        type Event = JobEvent;

        fn run(self: Box<Self>, mut context: JobContext) {
            context.emit(JobEvent::Failed {
                message: "first".into(),
            });
            context.emit(JobEvent::Failed {
                message: "second".into(),
            });
        }
    }

    struct SaysNothing;
    impl Job for SaysNothing {
        type Event = JobEvent;

        fn run(self: Box<Self>, _context: JobContext) {}
    }

    #[test]
    fn a_panicking_job_fails_instead_of_crashing() {
        let (_, events) = collect(&JobRunner::new(), Panics);
        let events: Vec<JobEvent> = events.iter().collect();
        assert_eq!(
            events,
            vec![JobEvent::Failed {
                message: "internal error: kaboom".into()
            }]
        );
    }

    #[test]
    fn exactly_one_terminal_event_reaches_the_sink() {
        let (_, events) = collect(&JobRunner::new(), SaysTooMuch);
        let events: Vec<JobEvent> = events.iter().collect();
        assert_eq!(
            events,
            vec![JobEvent::Failed {
                message: "first".into()
            }]
        );
        let (_, events) = collect(&JobRunner::new(), SaysNothing);
        assert!(matches!(
            events.iter().collect::<Vec<_>>().as_slice(),
            [JobEvent::Failed { .. }]
        ));
    }

    #[test]
    fn throttle_bounds_the_event_rate() {
        let start = Instant::now();
        let mut throttle = Throttle::new(Duration::from_millis(50));
        assert!(throttle.ready(start));
        assert!(!throttle.ready(start + Duration::from_millis(49)));
        assert!(throttle.ready(start + Duration::from_millis(50)));
        assert!(!throttle.ready(start + Duration::from_millis(60)));
        assert!(throttle.ready(start + Duration::from_millis(200)));
    }

    #[test]
    fn device_check_flops_follow_its_parameter_count() {
        // 64*256+256 + 256*256+256 + 256+1 parameters.
        assert_eq!(DeviceCheck::parameter_count(), 82_689);
        assert_eq!(DeviceCheck::flops_per_step(), 6.0 * 128.0 * 82_689.0);
    }
}
