//! compile / fit / evaluate / predict.
//!
//! Data come either as tensors (`x`, `y`) that Rust batches and shuffles, or
//! batch by batch from the host ([`FitHost`]) for `tf.data` datasets and
//! generators. The host also receives every callback event, with one
//! `&mut` borrow, so a Python binding can run Python callbacks and feed
//! batches from the same object.

use std::collections::BTreeMap;
use std::time::Instant;

use candle_core::{DType, Tensor};

use crate::callbacks::Callback;
use crate::error::{KerasError, Result};
use crate::losses::Loss;
use crate::metrics::Metric;
use crate::model::Model;
use crate::optimizers::Optimizer;
use crate::session;

/// Values reported to callbacks: `loss`, metrics, `val_*`, `learning_rate`.
/// Sorted by key, which is also Keras 3's display order.
pub type Logs = BTreeMap<String, f64>;

/// What callbacks may change during training.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainControl {
    /// Set to stop after the current epoch (`model.stop_training = True`).
    pub stop_training: bool,
    /// The optimizer's learning rate; changes apply from the next batch.
    pub learning_rate: f64,
    /// Training batches per epoch, when known before the epoch runs (arrays,
    /// or `steps_per_epoch`); read-only for hosts.
    pub steps_per_epoch: Option<usize>,
}

/// The host side of training: batches for host-supplied data, Python
/// callbacks, output and cancellation. Every method has a default that does
/// nothing, so array-only training can use [`NoHost`].
pub trait FitHost {
    /// Restarts the training data for a new epoch (re-iterate a dataset).
    fn begin_epoch(&mut self, _epoch: usize) -> Result<()> {
        Ok(())
    }
    /// The next training batch `(x, y)`, or `None` at the end of the data.
    fn next_train_batch(&mut self) -> Result<Option<(Tensor, Tensor)>> {
        Ok(None)
    }
    /// Restarts the validation data.
    fn begin_validation(&mut self) -> Result<()> {
        Ok(())
    }
    /// The next validation batch, or `None` at the end.
    fn next_validation_batch(&mut self) -> Result<Option<(Tensor, Tensor)>> {
        Ok(None)
    }
    fn on_train_begin(&mut self, _control: &mut TrainControl) -> Result<()> {
        Ok(())
    }
    /// A `LearningRateScheduler` sets `control.learning_rate` here.
    fn on_epoch_begin(&mut self, _epoch: usize, _control: &mut TrainControl) -> Result<()> {
        Ok(())
    }
    fn on_train_batch_end(&mut self, _batch: usize, _logs: &Logs) -> Result<()> {
        Ok(())
    }
    fn on_epoch_end(
        &mut self,
        _epoch: usize,
        _logs: &Logs,
        _control: &mut TrainControl,
    ) -> Result<()> {
        Ok(())
    }
    fn on_train_end(&mut self, _logs: &Logs) -> Result<()> {
        Ok(())
    }
    /// A line of Keras's verbose output ("Epoch 1/5", the epoch summary).
    fn print(&mut self, _line: &str) {}
    /// `ModelCheckpoint`: `filepath` is the user's template (e.g.
    /// "model_{epoch:02d}.keras"; the host formats it with `epoch + 1` and
    /// `logs`), `bytes` the output of [`Model::save_to_bytes`] or
    /// [`Model::save_weights_to_bytes`].
    fn save_checkpoint(
        &mut self,
        _filepath: &str,
        _epoch: usize,
        _logs: &Logs,
        _bytes: Vec<u8>,
    ) -> Result<()> {
        Ok(())
    }
    /// Checked before every batch; true cancels training with
    /// [`KerasError::Cancelled`].
    fn should_stop(&self) -> bool {
        false
    }
}

/// A host that supplies nothing and ignores every event.
pub struct NoHost;

impl FitHost for NoHost {}

/// Where batches come from.
#[derive(Clone, Debug)]
pub enum Data {
    /// Whole arrays, batched (and shuffled) by Rust.
    Arrays { x: Tensor, y: Tensor },
    /// Batches from [`FitHost::next_train_batch`] /
    /// [`FitHost::next_validation_batch`].
    Host,
}

/// Where validation data come from.
#[derive(Clone, Debug, Default)]
pub enum Validation {
    #[default]
    None,
    Arrays {
        x: Tensor,
        y: Tensor,
    },
    /// `validation_split`: the last fraction of the arrays, taken before
    /// shuffling, as Keras does.
    Split(f64),
    Host,
}

/// `fit`'s keyword arguments.
#[derive(Clone, Debug)]
pub struct FitOptions {
    pub epochs: usize,
    /// Defaults to 32.
    pub batch_size: Option<usize>,
    pub shuffle: bool,
    pub validation: Validation,
    pub steps_per_epoch: Option<usize>,
    pub validation_steps: Option<usize>,
    /// 0 silent, 1 progress-bar lines, 2 one line per epoch.
    pub verbose: u8,
    pub initial_epoch: usize,
    pub callbacks: Vec<Callback>,
    /// Log `learning_rate` each epoch (the binding sets this when a
    /// `LearningRateScheduler` is present; `ReduceLROnPlateau` implies it).
    pub log_learning_rate: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            epochs: 1,
            batch_size: None,
            shuffle: true,
            validation: Validation::None,
            steps_per_epoch: None,
            validation_steps: None,
            verbose: 1,
            initial_epoch: 0,
            callbacks: Vec::new(),
            log_learning_rate: false,
        }
    }
}

/// `model.fit`'s return value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// One list per log key, one value per epoch.
    pub history: BTreeMap<String, Vec<f64>>,
    /// The epochs run (0-based).
    pub epoch: Vec<usize>,
}

/// The state `compile` sets.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub optimizer: Optimizer,
    pub loss: Loss,
    pub metrics: Vec<Metric>,
}

const DEFAULT_BATCH: usize = 32;

/// Keras's progress-bar number format.
fn fmt_value(v: f64) -> String {
    if v.abs() > 1e-3 || v == 0.0 || !v.is_finite() {
        return format!("{v:.4}");
    }
    // Python's "{:.4e}": two-digit exponent with a sign.
    let s = format!("{v:.4e}");
    match s.split_once('e') {
        Some((m, e)) => {
            let (sign, digits) = e.strip_prefix('-').map_or(("+", e), |d| ("-", d));
            format!("{m}e{sign}{digits:0>2}")
        }
        None => s,
    }
}

fn format_logs(logs: &Logs) -> String {
    logs.iter()
        .map(|(k, v)| format!("{k}: {}", fmt_value(*v)))
        .collect::<Vec<_>>()
        .join(" - ")
}

/// Batches of arrays in a fixed order, float64 ones converted to Keras's
/// float type batch by batch.
struct ArrayBatches<'a> {
    x: &'a Tensor,
    y: &'a Tensor,
    order: Option<Tensor>,
    batch: usize,
    pos: usize,
    n: usize,
}

impl ArrayBatches<'_> {
    fn next(&mut self) -> Result<Option<(Tensor, Tensor)>> {
        if self.pos >= self.n {
            return Ok(None);
        }
        let len = self.batch.min(self.n - self.pos);
        let out = match &self.order {
            Some(o) => {
                let idx = o.narrow(0, self.pos, len)?;
                (self.x.index_select(&idx, 0)?, self.y.index_select(&idx, 0)?)
            }
            None => (
                self.x.narrow(0, self.pos, len)?,
                self.y.narrow(0, self.pos, len)?,
            ),
        };
        self.pos += len;
        // float64 arrays stay float64 until drawn (the engine keeps a
        // program's `x / 255.0` as it is rather than copying all of it):
        // each batch goes to Keras's float type here.
        let floatx = session::floatx();
        let to_floatx = |t: Tensor| -> Result<Tensor> {
            Ok(if t.dtype() == DType::F64 {
                t.to_dtype(floatx)?
            } else {
                t
            })
        };
        Ok(Some((to_floatx(out.0)?, to_floatx(out.1)?)))
    }
}

fn permutation(n: usize, device: &candle_core::Device) -> Result<Tensor> {
    let p: Vec<u32> = session::with_rng(|r| r.permutation(n))
        .into_iter()
        .map(|i| i as u32)
        .collect();
    Ok(Tensor::from_vec(p, n, device)?)
}

fn check_lengths(x: &Tensor, y: &Tensor) -> Result<usize> {
    let (nx, ny) = (x.dim(0)?, y.dim(0)?);
    if nx != ny {
        return Err(KerasError::Shape(format!(
            "Data cardinality is ambiguous: x sizes: {nx}, y sizes: {ny}. Make sure all arrays contain the same number of samples."
        )));
    }
    Ok(nx)
}

fn batch_dims(t: &Tensor) -> crate::layers::Dims {
    let mut d: crate::layers::Dims = t.dims().iter().map(|v| Some(*v)).collect();
    if let Some(b) = d.first_mut() {
        *b = None;
    }
    d
}

impl Model {
    /// `model.compile(optimizer, loss, metrics)`.
    pub fn compile(&mut self, optimizer: Optimizer, loss: Loss, metrics: Vec<Metric>) {
        self.compiled = Some(Compiled {
            optimizer,
            loss,
            metrics,
        });
    }

    /// The compiled optimizer, loss and metrics.
    pub fn compiled(&self) -> Option<&Compiled> {
        self.compiled.as_ref()
    }

    fn take_compiled(&mut self, what: &str) -> Result<Compiled> {
        self.compiled.take().ok_or_else(|| {
            KerasError::State(format!(
                "You must call `compile()` before calling `{what}()`."
            ))
        })
    }

    /// One optimisation step; returns the batch loss.
    fn train_step(
        &self,
        c: &mut Compiled,
        x: &Tensor,
        y: &Tensor,
        epoch: usize,
        batch: usize,
    ) -> Result<f64> {
        let (pred, logits) = self.forward_with_logits(x, true, true)?;
        let mut loss = c.loss.compute_with_logits(y, &pred, logits.as_ref())?;
        if let Some(r) = self.regularization()? {
            loss = (loss + r.to_dtype(pred.dtype())?)?;
        }
        let value = loss.to_dtype(DType::F64)?.to_scalar::<f64>()?;
        if !value.is_finite() {
            return Err(KerasError::NonFinite(format!(
                "Training stopped: the loss became {} at epoch {}, batch {}. Try a lower learning rate, normalise the inputs, or check the labels.",
                if value.is_nan() { "NaN" } else { "infinite" },
                epoch + 1,
                batch + 1
            )));
        }
        let vars = self.trainable_vars();
        let grads = loss.backward()?;
        let g: Vec<Option<Tensor>> = vars
            .iter()
            .map(|v| grads.get(v.as_tensor()).cloned())
            .collect();
        c.optimizer.apply(&vars, &g)?;
        for m in &mut c.metrics {
            m.update(y, &pred)?;
        }
        Ok(value)
    }

    /// `model.fit(...)`. Errors leave the model compiled.
    pub fn fit(
        &mut self,
        data: Data,
        options: FitOptions,
        host: &mut dyn FitHost,
    ) -> Result<History> {
        let mut compiled = self.take_compiled("fit")?;
        let result = self.fit_inner(&mut compiled, data, options, host);
        self.compiled = Some(compiled);
        result
    }

    fn fit_inner(
        &mut self,
        c: &mut Compiled,
        data: Data,
        mut opt: FitOptions,
        host: &mut dyn FitHost,
    ) -> Result<History> {
        let batch_size = opt.batch_size.unwrap_or(DEFAULT_BATCH).max(1);
        // Split arrays into training and validation parts.
        let (train, val) = match (&data, &opt.validation) {
            (Data::Arrays { x, y }, Validation::Split(frac)) => {
                if !(0.0..1.0).contains(frac) {
                    return Err(KerasError::Argument(format!(
                        "validation_split must be in [0, 1), got {frac}"
                    )));
                }
                let n = check_lengths(x, y)?;
                let split = (n as f64 * (1.0 - frac)) as usize;
                let tr = (x.narrow(0, 0, split)?, y.narrow(0, 0, split)?);
                let va = (
                    x.narrow(0, split, n - split)?,
                    y.narrow(0, split, n - split)?,
                );
                (Some(tr), Some(va))
            }
            (Data::Host, Validation::Split(_)) => {
                return Err(KerasError::Argument(
                    "`validation_split` is only supported for Tensors or NumPy arrays, not for datasets or generators".into(),
                ));
            }
            (Data::Arrays { x, y }, v) => {
                check_lengths(x, y)?;
                let va = match v {
                    Validation::Arrays { x, y } => {
                        check_lengths(x, y)?;
                        Some((x.clone(), y.clone()))
                    }
                    _ => None,
                };
                (Some((x.clone(), y.clone())), va)
            }
            (Data::Host, Validation::Arrays { x, y }) => (None, Some((x.clone(), y.clone()))),
            (Data::Host, _) => (None, None),
        };
        let host_validation = matches!(opt.validation, Validation::Host);
        if let Some((x, _)) = &train
            && !self.built()
        {
            self.build(batch_dims(x))?;
        }
        let mut control = TrainControl {
            stop_training: false,
            learning_rate: c.optimizer.learning_rate,
            steps_per_epoch: None,
        };
        let log_lr = opt.log_learning_rate
            || opt
                .callbacks
                .iter()
                .any(|cb| matches!(cb, Callback::ReduceLROnPlateau(_)));
        for cb in &mut opt.callbacks {
            cb.reset();
        }
        let mut history = History::default();
        host.on_train_begin(&mut control)?;
        c.optimizer.learning_rate = control.learning_rate;
        let mut last_logs = Logs::new();
        let mut steps_known: Option<usize> = train
            .as_ref()
            .map(|(x, _)| x.dim(0).map(|n| n.div_ceil(batch_size)))
            .transpose()?;
        if let Some(s) = opt.steps_per_epoch {
            steps_known = Some(steps_known.map_or(s, |k| k.min(s)));
        }
        control.steps_per_epoch = steps_known;
        for epoch in opt.initial_epoch..opt.epochs {
            let started = Instant::now();
            host.on_epoch_begin(epoch, &mut control)?;
            c.optimizer.learning_rate = control.learning_rate;
            if opt.verbose > 0 {
                host.print(&format!("Epoch {}/{}", epoch + 1, opt.epochs));
            }
            for m in &mut c.metrics {
                m.reset();
            }
            let (mut loss_sum, mut seen) = (0.0, 0usize);
            let mut arrays = match &train {
                Some((x, y)) => {
                    let n = x.dim(0)?;
                    let order = if opt.shuffle {
                        Some(permutation(n, x.device())?)
                    } else {
                        None
                    };
                    Some(ArrayBatches {
                        x,
                        y,
                        order,
                        batch: batch_size,
                        pos: 0,
                        n,
                    })
                }
                None => {
                    host.begin_epoch(epoch)?;
                    None
                }
            };
            let mut batch = 0usize;
            let mut logs = Logs::new();
            loop {
                if opt.steps_per_epoch.is_some_and(|s| batch >= s) {
                    break;
                }
                if host.should_stop() {
                    return Err(KerasError::Cancelled);
                }
                let next = match &mut arrays {
                    Some(a) => a.next()?,
                    None => host.next_train_batch()?,
                };
                let Some((x, y)) = next else { break };
                if !self.built() {
                    self.build(batch_dims(&x))?;
                }
                let n = x.dim(0)?;
                let loss = self.train_step(c, &x, &y, epoch, batch)?;
                loss_sum += loss * n as f64;
                seen += n;
                logs = Logs::new();
                logs.insert("loss".into(), loss_sum / seen as f64);
                for m in &c.metrics {
                    logs.insert(m.name.clone(), m.result());
                }
                host.on_train_batch_end(batch, &logs)?;
                batch += 1;
            }
            if batch == 0 {
                return Err(KerasError::Argument(
                    "The training data produced no batches: the dataset or generator is empty (or exhausted; use .repeat() with steps_per_epoch)".into(),
                ));
            }
            // Validation.
            let val_logs = if let Some((vx, vy)) = &val {
                Some(self.evaluate_arrays(c, vx, vy, batch_size, None)?)
            } else if host_validation {
                host.begin_validation()?;
                Some(self.evaluate_host(c, host, opt.validation_steps)?)
            } else {
                None
            };
            if let Some(v) = val_logs {
                for (k, val) in v {
                    logs.insert(format!("val_{k}"), val);
                }
            }
            if log_lr {
                logs.insert("learning_rate".into(), c.optimizer.learning_rate);
            }
            // Built-in callbacks.
            for cb in &mut opt.callbacks {
                let weights = || self.get_weights();
                let act = cb.on_epoch_end(epoch, &logs, c.optimizer.learning_rate, &weights)?;
                if act.stop {
                    control.stop_training = true;
                }
                if let Some(w) = act.restore_weights {
                    self.set_weights(&w)?;
                }
                if let Some(lr) = act.new_learning_rate {
                    c.optimizer.learning_rate = lr;
                    control.learning_rate = lr;
                }
                if let Some((path, weights_only)) = act.checkpoint {
                    let bytes = if weights_only {
                        self.save_weights_to_bytes()?
                    } else {
                        self.save_to_bytes()?
                    };
                    host.save_checkpoint(&path, epoch, &logs, bytes)?;
                }
            }
            control.learning_rate = c.optimizer.learning_rate;
            host.on_epoch_end(epoch, &logs, &mut control)?;
            c.optimizer.learning_rate = control.learning_rate;
            if opt.verbose > 0 {
                let secs = started.elapsed().as_secs_f64();
                let steps = steps_known.unwrap_or(batch);
                let per_step = secs * 1000.0 / batch as f64;
                let timing = if per_step >= 1000.0 {
                    format!("{}s/step", (per_step / 1000.0).round())
                } else if per_step >= 1.0 {
                    format!("{}ms/step", per_step.round())
                } else {
                    format!("{}us/step", (per_step * 1000.0).round())
                };
                let line = if opt.verbose == 1 {
                    format!(
                        "{batch}/{steps} ━━━━━━━━━━━━━━━━━━━━ {}s {timing} - {}",
                        secs.round(),
                        format_logs(&logs)
                    )
                } else {
                    format!(
                        "{batch}/{steps} - {}s - {timing} - {}",
                        secs.round(),
                        format_logs(&logs)
                    )
                };
                host.print(&line);
            }
            for (k, v) in &logs {
                history.history.entry(k.clone()).or_default().push(*v);
            }
            history.epoch.push(epoch);
            last_logs = logs;
            if control.stop_training {
                break;
            }
        }
        host.on_train_end(&last_logs)?;
        Ok(history)
    }

    fn evaluate_arrays(
        &self,
        c: &mut Compiled,
        x: &Tensor,
        y: &Tensor,
        batch_size: usize,
        steps: Option<usize>,
    ) -> Result<Logs> {
        let n = check_lengths(x, y)?;
        let mut it = ArrayBatches {
            x,
            y,
            order: None,
            batch: batch_size,
            pos: 0,
            n,
        };
        let mut next = || it.next();
        self.evaluate_loop(c, &mut next, steps)
    }

    fn evaluate_host(
        &self,
        c: &mut Compiled,
        host: &mut dyn FitHost,
        steps: Option<usize>,
    ) -> Result<Logs> {
        let mut next = || {
            if host.should_stop() {
                return Err(KerasError::Cancelled);
            }
            host.next_validation_batch()
        };
        self.evaluate_loop(c, &mut next, steps)
    }

    fn evaluate_loop(
        &self,
        c: &mut Compiled,
        next: &mut dyn FnMut() -> Result<Option<(Tensor, Tensor)>>,
        steps: Option<usize>,
    ) -> Result<Logs> {
        let mut metrics = c.metrics.clone();
        for m in &mut metrics {
            m.reset();
        }
        let (mut loss_sum, mut seen, mut batch) = (0.0, 0usize, 0usize);
        while steps.is_none_or(|s| batch < s) {
            let Some((x, y)) = next()? else { break };
            let (pred, logits) = self.forward_with_logits(&x, false, true)?;
            let mut loss = c.loss.compute_with_logits(&y, &pred, logits.as_ref())?;
            if let Some(r) = self.regularization()? {
                loss = (loss + r.to_dtype(pred.dtype())?)?;
            }
            let n = x.dim(0)?;
            loss_sum += loss.to_dtype(DType::F64)?.to_scalar::<f64>()? * n as f64;
            seen += n;
            for m in &mut metrics {
                m.update(&y, &pred)?;
            }
            batch += 1;
        }
        if seen == 0 {
            return Err(KerasError::Argument(
                "the evaluation data produced no batches: the validation (or evaluate) data is empty; a series split at a fixed `split_time` leaves no validation windows when the series is not longer than `split_time` plus the window (print `len(series)` to check)".into(),
            ));
        }
        let mut logs = Logs::new();
        logs.insert("loss".into(), loss_sum / seen as f64);
        for m in &metrics {
            logs.insert(m.name.clone(), m.result());
        }
        // Keep the resolved metric kinds (e.g. which accuracy).
        c.metrics = metrics
            .into_iter()
            .map(|mut m| {
                m.reset();
                m
            })
            .collect();
        Ok(logs)
    }

    /// `model.evaluate(x, y, batch_size)`: the loss and metrics.
    pub fn evaluate(&mut self, x: &Tensor, y: &Tensor, batch_size: Option<usize>) -> Result<Logs> {
        let mut c = self.take_compiled("evaluate")?;
        if !self.built() {
            self.build(batch_dims(x))?;
        }
        let r = self.evaluate_arrays(
            &mut c,
            x,
            y,
            batch_size.unwrap_or(DEFAULT_BATCH).max(1),
            None,
        );
        self.compiled = Some(c);
        r
    }

    /// `model.evaluate(dataset, steps=...)` with batches from the host's
    /// validation stream.
    pub fn evaluate_batches(
        &mut self,
        host: &mut dyn FitHost,
        steps: Option<usize>,
    ) -> Result<Logs> {
        let mut c = self.take_compiled("evaluate")?;
        let r = host
            .begin_validation()
            .and_then(|()| self.evaluate_host(&mut c, host, steps));
        self.compiled = Some(c);
        r
    }

    /// `model.predict(x, batch_size)`.
    pub fn predict(&mut self, x: &Tensor, batch_size: Option<usize>) -> Result<Tensor> {
        if !self.built() {
            self.build(batch_dims(x))?;
        }
        let n = x.dim(0)?;
        let b = batch_size.unwrap_or(DEFAULT_BATCH).max(1);
        let mut outs = Vec::with_capacity(n.div_ceil(b));
        let mut pos = 0;
        while pos < n {
            let len = b.min(n - pos);
            outs.push(self.forward(&x.narrow(0, pos, len)?, false)?.detach());
            pos += len;
        }
        if outs.is_empty() {
            return Err(KerasError::Argument("predict() got an empty input".into()));
        }
        Ok(Tensor::cat(&outs, 0)?)
    }
}
