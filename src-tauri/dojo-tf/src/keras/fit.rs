//! `compile`, `fit`, `evaluate` and `predict`, and the [`FitHost`] that
//! feeds datasets and generators to the trainer and runs Python callbacks.

use std::collections::VecDeque;
use std::rc::Rc;

use crate::tensorflow::epoch_elements;
use candle_core::Tensor;
use dojo_keras::callbacks::Callback;
use dojo_keras::training::{Data, FitHost, FitOptions, Logs, TrainControl, Validation};
use dojo_keras::{KerasError, losses, metrics, optimizers};
use dojo_lang::error::{Result, type_error, value_error};
use dojo_lang::interp::NativeObject;
use dojo_lang::syntax::Span;
use dojo_lang::value::Dict;
use dojo_lang::{Args, Exception, Interpreter, Value};

use super::convert::{array_value, data_tensor_of, keras_error, tensor_of};
use super::objects::{
    PyCallback, PyHistory, PyLoss, PyLrScheduler, PyMetric, PyModel, PyOptimizer, write_file,
};
use super::{TrainingContext, TrainingEvent};

fn logs_value(logs: &Logs) -> Value {
    let mut dict = Dict::new();
    for (key, value) in logs {
        let _ = dict.insert(Value::str(key), Value::Float(*value));
    }
    Value::dict(dict)
}

/// `model.compile(optimizer="rmsprop", loss=None, metrics=None)`.
pub fn compile(
    model: &PyModel,
    _this: &Rc<dyn NativeObject>,
    interpreter: &mut Interpreter,
    args: Args,
) -> Result<Value> {
    args.check(
        "compile",
        3,
        &[
            "optimizer",
            "loss",
            "metrics",
            "loss_weights",
            "weighted_metrics",
            "run_eagerly",
            "steps_per_execution",
            "jit_compile",
        ],
    )?;
    let _ = interpreter;
    let optimizer = match args.get(0, "optimizer") {
        None => optimizers::build("rmsprop", vec![], vec![]).map_err(keras_error)?,
        Some(Value::Str(name)) => optimizers::build(&name, vec![], vec![]).map_err(keras_error)?,
        Some(Value::Native(native)) if native.as_any().is::<PyOptimizer>() => native
            .as_any()
            .downcast_ref::<PyOptimizer>()
            .map(|o| o.0.borrow().clone())
            .ok_or_else(|| type_error("optimizer"))?,
        Some(other) => {
            return Err(type_error(format!(
                "compile(optimizer=...) takes a name such as 'adam' or an optimizer such as tf.keras.optimizers.Adam(), not {}",
                other.type_name()
            )));
        }
    };
    let loss = match args.get(1, "loss") {
        Some(Value::Str(name)) => losses::build(&name, vec![], vec![]).map_err(keras_error)?,
        Some(Value::Native(native)) if native.as_any().is::<PyLoss>() => native
            .as_any()
            .downcast_ref::<PyLoss>()
            .map(|l| l.0.clone())
            .ok_or_else(|| type_error("loss"))?,
        None | Some(Value::None) => {
            return Err(value_error(
                "compile() needs a loss, e.g. loss='mse' or loss='sparse_categorical_crossentropy'",
            ));
        }
        Some(other) => {
            return Err(type_error(format!(
                "compile(loss=...) takes a loss name or a tf.keras.losses object, not {}",
                other.type_name()
            ))
            .with_help("custom Python loss functions are not supported in Dojo"));
        }
    };
    let mut metric_list = Vec::new();
    let given = match args.get(2, "metrics") {
        None | Some(Value::None) => Vec::new(),
        Some(Value::List(items)) => items.borrow().clone(),
        Some(Value::Tuple(items)) => items.to_vec(),
        Some(single) => vec![single],
    };
    for metric in given {
        metric_list.push(match &metric {
            Value::Str(name) => metrics::build(name, vec![], vec![]).map_err(keras_error)?,
            Value::Native(native) if native.as_any().is::<PyMetric>() => native
                .as_any()
                .downcast_ref::<PyMetric>()
                .map(|m| m.0.clone())
                .ok_or_else(|| type_error("metric"))?,
            other => {
                return Err(type_error(format!(
                    "metrics take names such as 'accuracy' or 'mae', not {}",
                    other.type_name()
                )));
            }
        });
    }
    let mut model = model
        .model
        .try_borrow_mut()
        .map_err(|_| type_error("cannot compile a model while it trains"))?;
    model.compile(optimizer, loss, metric_list);
    Ok(Value::None)
}

/// The data a `fit`/`evaluate` argument stands for.
enum Source {
    Arrays(Tensor, Option<Tensor>),
    /// A dataset or generator, iterated once per epoch.
    Stream(Value),
}

fn is_stream(value: &Value) -> bool {
    matches!(value, Value::Native(native) if {
        let name = native.type_name();
        name.contains("Dataset") || name.contains("Iterator") || name.contains("Generator")
    })
}

fn source(interpreter: &Interpreter, x: &Value, y: Option<&Value>) -> Result<Source> {
    if is_stream(x) {
        if y.is_some_and(|y| !matches!(y, Value::None)) {
            return Err(value_error(
                "`y` must not be given when `x` is a dataset or generator (it yields (x, y) pairs)",
            ));
        }
        return Ok(Source::Stream(x.clone()));
    }
    let x = data_tensor_of(interpreter, x, "x")?;
    let y = match y {
        None | Some(Value::None) => None,
        Some(y) => Some(data_tensor_of(interpreter, y, "y")?),
    };
    Ok(Source::Arrays(x, y))
}

/// Feeds stream batches and runs Python callbacks during `fit`.
struct Host<'a> {
    interpreter: &'a mut Interpreter,
    context: Rc<TrainingContext>,
    model: &'a PyModel,
    train: Option<Value>,
    validation: Option<Value>,
    pending: VecDeque<Value>,
    pending_validation: VecDeque<Value>,
    steps_limit: Option<usize>,
    validation_limit: Option<usize>,
    python_callbacks: Vec<Value>,
    schedulers: Vec<(Value, bool)>,
    epochs: usize,
    epoch: usize,
    batches_per_epoch: Option<usize>,
    /// The Python error a callback raised, kept whole for the traceback.
    raised: Option<Box<Exception>>,
}

impl Host<'_> {
    fn fail(&mut self, error: Box<Exception>) -> KerasError {
        let message = format!("{}: {}", error.kind, error.message);
        self.raised = Some(error);
        KerasError::Host(message)
    }

    fn batch(&mut self, element: Value) -> dojo_keras::Result<(Tensor, Tensor)> {
        let parts = match &element {
            Value::Tuple(items) if items.len() >= 2 => items.to_vec(),
            Value::List(items) if items.borrow().len() >= 2 => items.borrow().clone(),
            other => {
                let error = value_error(format!(
                    "a dataset given to fit() must yield (x, y) pairs; it yielded a {}",
                    other.type_name()
                ));
                return Err(self.fail(error));
            }
        };
        let x = tensor_of(self.interpreter, &parts[0], "a batch's x");
        let y = tensor_of(self.interpreter, &parts[1], "a batch's y");
        match (x, y) {
            (Ok(x), Ok(y)) => Ok((x, y)),
            (Err(error), _) | (_, Err(error)) => Err(self.fail(error)),
        }
    }

    fn fill(&mut self, validation: bool) -> dojo_keras::Result<()> {
        let (value, limit) = if validation {
            (self.validation.clone(), self.validation_limit)
        } else {
            (self.train.clone(), self.steps_limit)
        };
        let Some(value) = value else { return Ok(()) };
        match epoch_elements(self.interpreter, &value, limit) {
            Ok(Some(elements)) => {
                if !validation {
                    self.batches_per_epoch = Some(elements.len());
                }
                let queue = if validation {
                    &mut self.pending_validation
                } else {
                    &mut self.pending
                };
                *queue = elements.into();
                Ok(())
            }
            Ok(None) => Err(self.fail(type_error("fit() cannot iterate this object"))),
            Err(error) => Err(self.fail(error)),
        }
    }

    fn call_hook(
        &mut self,
        callback: &Value,
        hook: &str,
        args: Vec<Value>,
    ) -> dojo_keras::Result<()> {
        let method = match self
            .interpreter
            .get_attribute(callback, hook, Span::default())
        {
            Ok(method) => method,
            Err(error) => return Err(self.fail(error)),
        };
        match self.interpreter.call(&method, Args::new(args)) {
            Ok(_) => Ok(()),
            Err(error) => Err(self.fail(error)),
        }
    }

    fn python_hooks(&mut self, hook: &str, args: Vec<Value>) -> dojo_keras::Result<()> {
        for callback in self.python_callbacks.clone() {
            self.call_hook(&callback, hook, args.clone())?;
        }
        Ok(())
    }
}

impl FitHost for Host<'_> {
    fn begin_epoch(&mut self, epoch: usize) -> dojo_keras::Result<()> {
        self.epoch = epoch;
        self.fill(false)
    }

    fn next_train_batch(&mut self) -> dojo_keras::Result<Option<(Tensor, Tensor)>> {
        match self.pending.pop_front() {
            Some(element) => self.batch(element).map(Some),
            None => Ok(None),
        }
    }

    fn begin_validation(&mut self) -> dojo_keras::Result<()> {
        self.fill(true)
    }

    fn next_validation_batch(&mut self) -> dojo_keras::Result<Option<(Tensor, Tensor)>> {
        match self.pending_validation.pop_front() {
            Some(element) => self.batch(element).map(Some),
            None => Ok(None),
        }
    }

    fn on_train_begin(&mut self, _control: &mut TrainControl) -> dojo_keras::Result<()> {
        self.model.stop_training.set(false);
        self.context.emit(TrainingEvent::FitStarted {
            epochs: self.epochs,
        });
        self.python_hooks("on_train_begin", vec![Value::dict(Dict::new())])
    }

    fn on_epoch_begin(
        &mut self,
        epoch: usize,
        control: &mut TrainControl,
    ) -> dojo_keras::Result<()> {
        // Array fits never call `begin_epoch` (it pulls a dataset's
        // batches); the batch events need the epoch either way.
        self.epoch = epoch;
        if control.steps_per_epoch.is_some() {
            self.batches_per_epoch = control.steps_per_epoch;
        }
        for (schedule, verbose) in self.schedulers.clone() {
            // Keras calls schedule(epoch, lr) and, on a TypeError, schedule(epoch).
            let mut result = self.interpreter.call(
                &schedule,
                Args::new(vec![
                    Value::Int(epoch as i64),
                    Value::Float(control.learning_rate),
                ]),
            );
            if matches!(&result, Err(error) if error.kind == "TypeError") {
                result = self
                    .interpreter
                    .call(&schedule, Args::new(vec![Value::Int(epoch as i64)]));
            }
            let rate = match result {
                Ok(Value::Float(rate)) => rate,
                Ok(Value::Int(rate)) => rate as f64,
                Ok(Value::Native(native)) => native.to_str().parse().unwrap_or(f64::NAN),
                Ok(other) => {
                    let error = type_error(format!(
                        "a LearningRateScheduler's schedule must return a number, not {}",
                        other.type_name()
                    ));
                    return Err(self.fail(error));
                }
                Err(error) => return Err(self.fail(error)),
            };
            if !rate.is_finite() || rate < 0.0 {
                return Err(self.fail(value_error(format!(
                    "the learning rate schedule returned {rate} for epoch {epoch}"
                ))));
            }
            control.learning_rate = rate;
            if verbose {
                self.interpreter.print(&format!(
                    "\nEpoch {}: LearningRateScheduler setting learning rate to {rate}.\n",
                    epoch + 1
                ));
            }
        }
        self.python_hooks(
            "on_epoch_begin",
            vec![Value::Int(epoch as i64), Value::dict(Dict::new())],
        )
    }

    fn on_train_batch_end(&mut self, batch: usize, logs: &Logs) -> dojo_keras::Result<()> {
        self.context.emit(TrainingEvent::BatchEnd {
            epoch: self.epoch,
            epochs: self.epochs,
            batch,
            batches: self.batches_per_epoch,
            logs: logs.clone(),
        });
        if self.python_callbacks.is_empty() {
            return Ok(());
        }
        self.python_hooks(
            "on_train_batch_end",
            vec![Value::Int(batch as i64), logs_value(logs)],
        )?;
        self.python_hooks(
            "on_batch_end",
            vec![Value::Int(batch as i64), logs_value(logs)],
        )
    }

    fn on_epoch_end(
        &mut self,
        epoch: usize,
        logs: &Logs,
        control: &mut TrainControl,
    ) -> dojo_keras::Result<()> {
        self.context.emit(TrainingEvent::EpochEnd {
            epoch,
            epochs: self.epochs,
            logs: logs.clone(),
        });
        self.python_hooks(
            "on_epoch_end",
            vec![Value::Int(epoch as i64), logs_value(logs)],
        )?;
        if self.model.stop_training.get() {
            control.stop_training = true;
        }
        Ok(())
    }

    fn on_train_end(&mut self, logs: &Logs) -> dojo_keras::Result<()> {
        self.python_hooks("on_train_end", vec![logs_value(logs)])
    }

    fn print(&mut self, line: &str) {
        self.interpreter.print(&format!("{line}\n"));
    }

    fn save_checkpoint(
        &mut self,
        filepath: &str,
        epoch: usize,
        logs: &Logs,
        bytes: Vec<u8>,
    ) -> dojo_keras::Result<()> {
        let path = format_checkpoint_path(filepath, epoch + 1, logs);
        write_file(self.interpreter, &path, bytes).map_err(|error| self.fail(error))
    }

    fn should_stop(&self) -> bool {
        self.context.is_cancelled()
    }
}

/// Formats `model_{epoch:02d}-{val_loss:.2f}.keras` the way Keras does.
fn format_checkpoint_path(template: &str, epoch: usize, logs: &Logs) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let field = &rest[open + 1..open + close];
        let (name, spec) = field.split_once(':').unwrap_or((field, ""));
        let value = if name == "epoch" {
            Some(epoch as f64)
        } else {
            logs.get(name).copied()
        };
        match value {
            Some(value) if spec.ends_with('d') => {
                let width: usize = spec
                    .trim_end_matches('d')
                    .trim_start_matches('0')
                    .parse()
                    .unwrap_or(0);
                out.push_str(&format!("{:0width$}", value as i64));
            }
            Some(value) if spec.starts_with('.') && spec.ends_with('f') => {
                let precision: usize = spec[1..spec.len() - 1].parse().unwrap_or(6);
                out.push_str(&format!("{value:.precision$}"));
            }
            Some(value) => out.push_str(&value.to_string()),
            None => out.push_str(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

fn usize_arg(args: &Args, position: usize, name: &str) -> Result<Option<usize>> {
    match args.get(position, name) {
        None | Some(Value::None) => Ok(None),
        Some(Value::Int(n)) if n > 0 => Ok(Some(n as usize)),
        Some(other) => Err(type_error(format!(
            "{name} must be a positive int, not {}",
            other.repr()
        ))),
    }
}

/// `model.fit(...)`.
pub fn fit(
    model: &PyModel,
    this: &Rc<dyn NativeObject>,
    interpreter: &mut Interpreter,
    args: Args,
) -> Result<Value> {
    args.check(
        "fit",
        3,
        &[
            "x",
            "y",
            "batch_size",
            "epochs",
            "verbose",
            "callbacks",
            "validation_split",
            "validation_data",
            "shuffle",
            "class_weight",
            "sample_weight",
            "initial_epoch",
            "steps_per_epoch",
            "validation_steps",
            "validation_batch_size",
            "validation_freq",
            "workers",
            "use_multiprocessing",
            "max_queue_size",
        ],
    )?;
    let context = model.context.upgrade().ok_or_else(|| {
        dojo_lang::Exception::new(
            "RuntimeError",
            "this model's run has ended; it can no longer be trained",
        )
    })?;
    let x = args.get(0, "x").ok_or_else(|| {
        type_error("fit() needs training data: fit(x, y, ...) or fit(dataset, ...)")
    })?;
    let y = args.get(1, "y");
    let train = source(interpreter, &x, y.as_ref())?;
    let requested_epochs = usize_arg(&args, 3, "epochs")?.unwrap_or(1);
    let max_epochs = interpreter.limits.max_epochs;
    if requested_epochs as u64 > max_epochs {
        return Err(Exception::new(
            "LimitExceeded",
            format!("fit(epochs={requested_epochs}) exceeds Dojo's limit of {max_epochs} epochs"),
        ));
    }
    let epochs = match context.options.max_epochs {
        Some(cap) => requested_epochs.min(cap as usize),
        None => requested_epochs,
    };
    let mut options = FitOptions {
        epochs,
        batch_size: usize_arg(&args, 2, "batch_size")?,
        shuffle: args.keyword("shuffle").is_none_or(|s| s.truthy()),
        steps_per_epoch: usize_arg(&args, 99, "steps_per_epoch")?,
        validation_steps: usize_arg(&args, 99, "validation_steps")?,
        initial_epoch: usize_arg(&args, 99, "initial_epoch")?.unwrap_or(0),
        verbose: match args.keyword("verbose") {
            Some(Value::Int(v)) => v.clamp(0, 2) as u8,
            Some(Value::Bool(b)) => u8::from(b),
            _ => 1,
        },
        ..FitOptions::default()
    };
    if let Some(cap) = context.options.max_steps.map(|cap| cap as usize) {
        options.steps_per_epoch = Some(options.steps_per_epoch.map_or(cap, |s| s.min(cap)));
        options.validation_steps = Some(options.validation_steps.map_or(cap, |s| s.min(cap)));
    }
    let mut python_callbacks = Vec::new();
    let mut schedulers = Vec::new();
    let callbacks = match args.keyword("callbacks") {
        None | Some(Value::None) => Vec::new(),
        Some(Value::List(items)) => items.borrow().clone(),
        Some(Value::Tuple(items)) => items.to_vec(),
        // Keras 3 flattens `callbacks` (`tree.flatten`), so one callback
        // passed alone works as a list of one (checked with TF 2.21).
        Some(one) => vec![one],
    };
    for callback in callbacks {
        match &callback {
            Value::Instance(instance) => {
                instance
                    .attributes
                    .borrow_mut()
                    .insert("model".to_owned(), Value::Native(Rc::clone(this)));
                python_callbacks.push(callback.clone());
            }
            Value::Native(native) => {
                let any = native.as_any();
                if let Some(builtin) = any.downcast_ref::<PyCallback>() {
                    if matches!(builtin.0, Callback::ReduceLROnPlateau(_)) {
                        options.log_learning_rate = true;
                    }
                    options.callbacks.push(builtin.0.clone());
                } else if let Some(scheduler) = any.downcast_ref::<PyLrScheduler>() {
                    options.log_learning_rate = true;
                    schedulers.push((scheduler.schedule.clone(), scheduler.verbose));
                } else {
                    return Err(type_error(format!(
                        "{} is not a callback",
                        native.type_name()
                    )));
                }
            }
            other => {
                return Err(type_error(format!(
                    "{} is not a callback",
                    other.type_name()
                )));
            }
        }
    }
    let mut validation_stream = None;
    if let Some(split) = args.keyword("validation_split") {
        let fraction = match split {
            Value::Float(f) => f,
            Value::Int(i) => i as f64,
            other => {
                return Err(type_error(format!(
                    "validation_split must be a float, not {}",
                    other.repr()
                )));
            }
        };
        if fraction > 0.0 {
            options.validation = Validation::Split(fraction);
        }
    }
    if let Some(validation) = args
        .keyword("validation_data")
        .filter(|v| !matches!(v, Value::None))
    {
        if is_stream(&validation) {
            options.validation = Validation::Host;
            validation_stream = Some(validation);
        } else {
            let parts = match &validation {
                Value::Tuple(items) => items.to_vec(),
                Value::List(items) => items.borrow().clone(),
                other => {
                    return Err(type_error(format!(
                        "validation_data must be a dataset or a tuple (x_val, y_val), not {}",
                        other.type_name()
                    )));
                }
            };
            if parts.len() < 2 {
                return Err(value_error("validation_data must be (x_val, y_val)"));
            }
            options.validation = Validation::Arrays {
                x: data_tensor_of(interpreter, &parts[0], "validation x")?,
                y: data_tensor_of(interpreter, &parts[1], "validation y")?,
            };
        }
    }
    let (data, train_stream) = match train {
        Source::Arrays(x, Some(y)) => (Data::Arrays { x, y }, None),
        Source::Arrays(_, None) => {
            return Err(value_error(
                "fit() got x without y; pass fit(x, y, ...) or a dataset of (x, y) pairs",
            ));
        }
        Source::Stream(value) => (Data::Host, Some(value)),
    };
    if context.options.dry_run {
        interpreter.print(&format!(
            "Dry run: training skipped ({epochs} epoch{} requested).\n",
            if epochs == 1 { "" } else { "s" }
        ));
        let history = history_value(&dojo_keras::History::default(), epochs);
        *model.history.borrow_mut() = Some(history.clone());
        context.record_model(this);
        return Ok(history);
    }
    {
        let keras_model = model
            .model
            .try_borrow()
            .map_err(|_| type_error("fit() called while the model is already training"))?;
        if keras_model.built() {
            let count = keras_model.count_params().map_err(keras_error)?;
            dojo_keras::session::check_params(Some(count), "this model")
                .map_err(|error| Exception::new("LimitExceeded", error.to_string()))?;
        }
    }
    let steps_limit = options.steps_per_epoch;
    let validation_limit = options.validation_steps;
    let mut host = Host {
        interpreter,
        context: Rc::clone(&context),
        model,
        train: train_stream,
        validation: validation_stream,
        pending: VecDeque::new(),
        pending_validation: VecDeque::new(),
        steps_limit,
        validation_limit,
        python_callbacks,
        schedulers,
        epochs,
        epoch: 0,
        batches_per_epoch: None,
        raised: None,
    };
    let result = {
        let mut keras_model = model
            .model
            .try_borrow_mut()
            .map_err(|_| type_error("fit() called while the model is already training"))?;
        keras_model.fit(data, options, &mut host)
    };
    let raised = host.raised.take();
    context.record_model(this);
    let history = match result {
        Ok(history) => history,
        Err(error) => {
            if let Some(raised) = raised {
                return Err(raised);
            }
            return Err(keras_error(error));
        }
    };
    context.emit(TrainingEvent::FitFinished {
        epochs_run: history.epoch.len(),
    });
    let value = history_value(&history, epochs);
    *model.history.borrow_mut() = Some(value.clone());
    Ok(value)
}

fn history_value(history: &dojo_keras::History, epochs: usize) -> Value {
    let mut dict = Dict::new();
    for (key, values) in &history.history {
        let _ = dict.insert(
            Value::str(key),
            Value::list(values.iter().map(|v| Value::Float(*v)).collect()),
        );
    }
    let mut params = Dict::new();
    let _ = params.insert(Value::str("epochs"), Value::Int(epochs as i64));
    Value::Native(Rc::new(PyHistory {
        history: Value::dict(dict),
        epoch: Value::list(
            history
                .epoch
                .iter()
                .map(|e| Value::Int(*e as i64))
                .collect(),
        ),
        params: Value::dict(params),
    }))
}

/// `model.evaluate(x, y)`: the loss, or `[loss, *metrics]`.
pub fn evaluate(
    model: &PyModel,
    _this: &Rc<dyn NativeObject>,
    interpreter: &mut Interpreter,
    args: Args,
) -> Result<Value> {
    let x = args.required(0, "x", "evaluate")?;
    let y = args.get(1, "y");
    let batch_size = usize_arg(&args, 2, "batch_size")?;
    let logs = match source(interpreter, &x, y.as_ref())? {
        Source::Arrays(x, Some(y)) => {
            let mut keras_model = model
                .model
                .try_borrow_mut()
                .map_err(|_| type_error("evaluate() called while the model trains"))?;
            keras_model
                .evaluate(&x, &y, batch_size)
                .map_err(keras_error)?
        }
        Source::Arrays(_, None) => return Err(value_error("evaluate() got x without y")),
        Source::Stream(value) => {
            let elements = epoch_elements(interpreter, &value, usize_arg(&args, 99, "steps")?)?
                .ok_or_else(|| type_error("evaluate() cannot iterate this object"))?;
            let mut batches = Vec::new();
            for element in elements {
                let Value::Tuple(parts) = &element else {
                    return Err(value_error("the dataset must yield (x, y) pairs"));
                };
                if parts.len() < 2 {
                    return Err(value_error("the dataset must yield (x, y) pairs"));
                }
                batches.push((
                    tensor_of(interpreter, &parts[0], "x")?,
                    tensor_of(interpreter, &parts[1], "y")?,
                ));
            }
            let mut keras_model = model
                .model
                .try_borrow_mut()
                .map_err(|_| type_error("evaluate() called while the model trains"))?;
            let mut host = Batches(batches.into());
            keras_model
                .evaluate_batches(&mut host, None)
                .map_err(keras_error)?
        }
    };
    let loss = logs.get("loss").copied().unwrap_or(f64::NAN);
    let others: Vec<Value> = logs
        .iter()
        .filter(|(key, _)| key.as_str() != "loss")
        .map(|(_, value)| Value::Float(*value))
        .collect();
    if others.is_empty() {
        return Ok(Value::Float(loss));
    }
    let mut all = vec![Value::Float(loss)];
    all.extend(others);
    Ok(Value::list(all))
}

/// Batches already pulled from a dataset, served as a validation stream.
struct Batches(VecDeque<(Tensor, Tensor)>);

impl FitHost for Batches {
    fn next_validation_batch(&mut self) -> dojo_keras::Result<Option<(Tensor, Tensor)>> {
        Ok(self.0.pop_front())
    }
}

/// `model.predict(x)`.
pub fn predict(
    model: &PyModel,
    _this: &Rc<dyn NativeObject>,
    interpreter: &mut Interpreter,
    args: Args,
) -> Result<Value> {
    let x = args.required(0, "x", "predict")?;
    let batch_size = usize_arg(&args, 1, "batch_size")?;
    let mut keras_model = model
        .model
        .try_borrow_mut()
        .map_err(|_| type_error("predict() called while the model trains"))?;
    if is_stream(&x) {
        drop(keras_model);
        let elements = epoch_elements(interpreter, &x, None)?
            .ok_or_else(|| type_error("predict() cannot iterate this object"))?;
        let mut outputs = Vec::new();
        let keras_model = model
            .model
            .try_borrow()
            .map_err(|_| type_error("predict() called while the model trains"))?;
        for element in elements {
            let batch = match &element {
                Value::Tuple(parts) if !parts.is_empty() => parts[0].clone(),
                other => other.clone(),
            };
            let x = tensor_of(interpreter, &batch, "x")?;
            outputs.push(keras_model.forward(&x, false).map_err(keras_error)?);
        }
        let joined = Tensor::cat(&outputs, 0).map_err(super::convert::candle)?;
        return Ok(array_value(joined));
    }
    let x = tensor_of(interpreter, &x, "x")?;
    Ok(array_value(
        keras_model.predict(&x, batch_size).map_err(keras_error)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoint_paths_are_formatted_like_keras() {
        let mut logs = Logs::new();
        logs.insert("val_loss".into(), 0.123456);
        assert_eq!(
            format_checkpoint_path("model_{epoch:02d}-{val_loss:.2f}.keras", 3, &logs),
            "model_03-0.12.keras"
        );
        assert_eq!(format_checkpoint_path("best.keras", 3, &logs), "best.keras");
        assert_eq!(
            format_checkpoint_path("m_{missing}.h5", 1, &logs),
            "m_{missing}.h5"
        );
    }

    /// Batch events of an array fit carry the epoch they belong to (the
    /// live chart places batch points by it); they once all said epoch 0.
    #[test]
    fn batch_events_of_an_array_fit_carry_their_epoch() {
        use crate::keras::{TrainingContext, TrainingEvent};
        use crate::{RunOptions, interpreter};
        use dojo_lang::SourceFile;
        use std::cell::RefCell;

        let seen: Rc<RefCell<Vec<(usize, usize)>>> = Rc::default();
        let sink = Rc::clone(&seen);
        let context = TrainingContext::new(
            RunOptions::default(),
            || false,
            move |event| {
                if let TrainingEvent::BatchEnd { epoch, batch, .. } = event {
                    sink.borrow_mut().push((epoch, batch));
                }
            },
        );
        let source = "import numpy as np
import tensorflow as tf
x = np.ones((8, 2))
y = np.zeros((8,))
model = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1)])
model.compile(optimizer='sgd', loss='mse')
model.fit(x, y, epochs=3, batch_size=4, verbose=0)
";
        let mut interpreter = interpreter(context, |_| {});
        let parsed = dojo_lang::parse(source);
        let ran = interpreter.run(&parsed.module);
        assert!(
            ran.is_ok(),
            "{}",
            ran.err()
                .map(|error| error.render(&SourceFile::new("fit.py", source)))
                .unwrap_or_default()
        );
        assert_eq!(
            *seen.borrow(),
            vec![(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)]
        );
    }
}
