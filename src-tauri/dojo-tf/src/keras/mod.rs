//! Keras for user programs: binds [`dojo_keras`] to the interpreter and
//! assembles the `tensorflow` / `keras` module tree from it and from this
//! crate's data side (`tf.data`, preprocessing, datasets).
//!
//! Invariants:
//! - Objects are thin: every decision about layers, shapes and training is
//!   `dojo_keras`'s; this module converts values and reports errors as
//!   Python exceptions at the user's line.
//! - `fit` honours the run's [`TrainingContext`]: its epoch cap, dry run,
//!   cancellation, and the sink that streams [`TrainingEvent`]s.

mod convert;
mod fit;
mod hints;
mod modules;
mod objects;

use std::cell::RefCell;
use std::rc::Rc;

use dojo_keras::training::Logs;
use dojo_lang::Value;
use dojo_lang::interp::NativeObject;

pub(crate) use modules::install;
pub use objects::PyModel;

use crate::RunOptions;

/// What training reports while a program runs.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainingEvent {
    FitStarted {
        epochs: usize,
    },
    /// After each training batch (`batch` is 0-based; `batches` is known for
    /// arrays and for datasets after their first epoch).
    BatchEnd {
        epoch: usize,
        epochs: usize,
        batch: usize,
        batches: Option<usize>,
        logs: Logs,
    },
    EpochEnd {
        epoch: usize,
        epochs: usize,
        logs: Logs,
    },
    FitFinished {
        epochs_run: usize,
    },
}

/// The run's settings and channels, shared by every model of a program.
pub struct TrainingContext {
    /// The session's seed and device, the limits and the training caps.
    pub options: RunOptions,
    cancelled: Box<dyn Fn() -> bool>,
    sink: RefCell<Box<dyn FnMut(TrainingEvent)>>,
    /// The model most recently trained (or dry-run), for grading when
    /// `solution_model()` returns something else.
    last_model: RefCell<Option<Rc<dyn NativeObject>>>,
}

impl TrainingContext {
    pub fn new(
        options: RunOptions,
        cancelled: impl Fn() -> bool + 'static,
        sink: impl FnMut(TrainingEvent) + 'static,
    ) -> Rc<TrainingContext> {
        Rc::new(TrainingContext {
            options,
            cancelled: Box::new(cancelled),
            sink: RefCell::new(Box::new(sink)),
            last_model: RefCell::new(None),
        })
    }

    /// A context that follows `options` and ignores events.
    pub fn quiet(options: RunOptions) -> Rc<TrainingContext> {
        TrainingContext::new(options, || false, |_| {})
    }

    pub fn is_cancelled(&self) -> bool {
        (self.cancelled)()
    }

    pub fn emit(&self, event: TrainingEvent) {
        if let Ok(mut sink) = self.sink.try_borrow_mut() {
            sink(event);
        }
    }

    fn record_model(&self, model: &Rc<dyn NativeObject>) {
        *self.last_model.borrow_mut() = Some(Rc::clone(model));
    }

    /// The model `fit` last ran on, as a value.
    pub fn last_model(&self) -> Option<Value> {
        self.last_model.borrow().clone().map(Value::Native)
    }
}

/// The Keras summary of `value` if it is a model.
pub fn model_summary(value: &Value) -> Option<String> {
    PyModel::of(value).and_then(|model| model.summary_text().ok())
}
