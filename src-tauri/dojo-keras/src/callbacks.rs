//! Callbacks implemented in Rust. Python callbacks (including
//! `LearningRateScheduler`, whose schedule is a Python callable) run in the
//! host through [`crate::training::FitHost`].

use candle_core::Tensor;

use crate::config::{Args, ConfigValue};
use crate::error::{Result, not_available};
use crate::training::Logs;

/// A built-in callback.
#[derive(Clone, Debug)]
pub enum Callback {
    EarlyStopping(EarlyStopping),
    ReduceLROnPlateau(ReduceLROnPlateau),
    ModelCheckpoint(ModelCheckpoint),
}

/// Callback names `build` accepts.
pub const CALLBACK_NAMES: &[&str] = &["EarlyStopping", "ReduceLROnPlateau", "ModelCheckpoint"];

/// `min` or `max`, chosen from the monitored name for `mode="auto"` as
/// Keras does (`*acc`, `*accuracy`, `*auc` are maximised).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Min,
    Max,
}

fn mode_arg(a: &mut Args, monitor: &str) -> Result<Mode> {
    Ok(
        match a.choice("mode", "auto", &["auto", "min", "max"])?.as_str() {
            "min" => Mode::Min,
            "max" => Mode::Max,
            _ if monitor.ends_with("acc")
                || monitor.ends_with("accuracy")
                || monitor.ends_with("auc") =>
            {
                Mode::Max
            }
            _ => Mode::Min,
        },
    )
}

impl Mode {
    fn initial(self) -> f64 {
        match self {
            Self::Min => f64::INFINITY,
            Self::Max => f64::NEG_INFINITY,
        }
    }

    /// Whether `current` beats `best` by more than `min_delta`.
    fn better(self, current: f64, best: f64, min_delta: f64) -> bool {
        match self {
            Self::Min => current + min_delta < best,
            Self::Max => current - min_delta > best,
        }
    }
}

/// `EarlyStopping(monitor="val_loss", min_delta=0, patience=0, mode="auto",
/// baseline=None, restore_best_weights=False, start_from_epoch=0)`.
#[derive(Clone, Debug)]
pub struct EarlyStopping {
    pub monitor: String,
    pub min_delta: f64,
    pub patience: usize,
    pub mode: Mode,
    pub baseline: Option<f64>,
    pub restore_best_weights: bool,
    pub start_from_epoch: usize,
    wait: usize,
    best: f64,
    best_weights: Option<Vec<Tensor>>,
    /// The epoch (0-based) at which training was stopped, if it was.
    pub stopped_epoch: Option<usize>,
}

/// `ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=10,
/// mode="auto", min_delta=1e-4, cooldown=0, min_lr=0)`.
#[derive(Clone, Debug)]
pub struct ReduceLROnPlateau {
    pub monitor: String,
    pub factor: f64,
    pub patience: usize,
    pub mode: Mode,
    pub min_delta: f64,
    pub cooldown: usize,
    pub min_lr: f64,
    wait: usize,
    cooldown_counter: usize,
    best: f64,
}

/// `ModelCheckpoint(filepath, monitor="val_loss", save_best_only=False,
/// save_weights_only=False, mode="auto")`: gives the host the model's bytes
/// (see [`crate::training::FitHost::save_checkpoint`]); the host formats
/// `filepath` and writes the file.
#[derive(Clone, Debug)]
pub struct ModelCheckpoint {
    pub filepath: String,
    pub monitor: String,
    pub save_best_only: bool,
    pub save_weights_only: bool,
    pub mode: Mode,
    best: f64,
}

/// `keras.callbacks.<name>(...)`.
pub fn build(
    name: &str,
    positional: Vec<ConfigValue>,
    keywords: Vec<(String, ConfigValue)>,
) -> Result<Callback> {
    match name {
        "EarlyStopping" => {
            let mut a = Args::parse(
                name,
                &[
                    "monitor",
                    "min_delta",
                    "patience",
                    "verbose",
                    "mode",
                    "baseline",
                    "restore_best_weights",
                    "start_from_epoch",
                ],
                &[],
                positional,
                keywords,
            )?;
            let monitor = a.opt_str("monitor")?.unwrap_or_else(|| "val_loss".into());
            let mode = mode_arg(&mut a, &monitor)?;
            Ok(Callback::EarlyStopping(EarlyStopping {
                min_delta: a.f64_or("min_delta", 0.0)?.abs(),
                patience: a.opt_i64("patience")?.unwrap_or(0).max(0) as usize,
                baseline: a.opt_f64("baseline")?,
                restore_best_weights: a.bool_or("restore_best_weights", false)?,
                start_from_epoch: a.opt_i64("start_from_epoch")?.unwrap_or(0).max(0) as usize,
                best: mode.initial(),
                mode,
                monitor,
                wait: 0,
                best_weights: None,
                stopped_epoch: None,
            }))
        }
        "ReduceLROnPlateau" => {
            let mut a = Args::parse(
                name,
                &[
                    "monitor",
                    "factor",
                    "patience",
                    "verbose",
                    "mode",
                    "min_delta",
                    "cooldown",
                    "min_lr",
                ],
                &["epsilon"],
                positional,
                keywords,
            )?;
            let monitor = a.opt_str("monitor")?.unwrap_or_else(|| "val_loss".into());
            let mode = mode_arg(&mut a, &monitor)?;
            let factor = a.f64_or("factor", 0.1)?;
            if factor >= 1.0 {
                return Err(crate::error::KerasError::Argument(
                    "ReduceLROnPlateau does not support a factor >= 1.0".into(),
                ));
            }
            Ok(Callback::ReduceLROnPlateau(ReduceLROnPlateau {
                factor,
                patience: a.opt_i64("patience")?.unwrap_or(10).max(0) as usize,
                min_delta: a.f64_or("min_delta", 1e-4)?,
                cooldown: a.opt_i64("cooldown")?.unwrap_or(0).max(0) as usize,
                min_lr: a.f64_or("min_lr", 0.0)?,
                best: mode.initial(),
                mode,
                monitor,
                wait: 0,
                cooldown_counter: 0,
            }))
        }
        "ModelCheckpoint" => {
            let mut a = Args::parse(
                name,
                &[
                    "filepath",
                    "monitor",
                    "verbose",
                    "save_best_only",
                    "save_weights_only",
                    "mode",
                    "save_freq",
                    "initial_value_threshold",
                ],
                &[],
                positional,
                keywords,
            )?;
            let Some(filepath) = a.opt_str("filepath")? else {
                return a.required("filepath");
            };
            let monitor = a.opt_str("monitor")?.unwrap_or_else(|| "val_loss".into());
            let mode = mode_arg(&mut a, &monitor)?;
            Ok(Callback::ModelCheckpoint(ModelCheckpoint {
                filepath,
                save_best_only: a.bool_or("save_best_only", false)?,
                save_weights_only: a.bool_or("save_weights_only", false)?,
                best: mode.initial(),
                mode,
                monitor,
            }))
        }
        other => Err(not_available("callbacks", other, CALLBACK_NAMES)),
    }
}

/// What a built-in callback asks of the training loop after an epoch.
#[derive(Default)]
pub(crate) struct Actions {
    pub stop: bool,
    pub new_learning_rate: Option<f64>,
    pub restore_weights: Option<Vec<Tensor>>,
    pub checkpoint: Option<(String, bool)>,
}

impl Callback {
    pub(crate) fn reset(&mut self) {
        match self {
            Self::EarlyStopping(e) => {
                e.wait = 0;
                e.best = e.mode.initial();
                e.best_weights = None;
                e.stopped_epoch = None;
            }
            Self::ReduceLROnPlateau(r) => {
                r.wait = 0;
                r.cooldown_counter = 0;
                r.best = r.mode.initial();
            }
            Self::ModelCheckpoint(m) => m.best = m.mode.initial(),
        }
    }

    /// Runs at the end of each epoch. `weights` gives the model's current
    /// weights when asked for.
    pub(crate) fn on_epoch_end(
        &mut self,
        epoch: usize,
        logs: &Logs,
        learning_rate: f64,
        weights: &dyn Fn() -> Result<Vec<Tensor>>,
    ) -> Result<Actions> {
        let mut act = Actions::default();
        match self {
            Self::EarlyStopping(e) => {
                let Some(&current) = logs.get(&e.monitor) else {
                    return Ok(act);
                };
                if epoch < e.start_from_epoch {
                    return Ok(act);
                }
                if e.restore_best_weights && e.best_weights.is_none() {
                    e.best_weights = Some(weights()?);
                }
                e.wait += 1;
                if e.mode.better(current, e.best, e.min_delta) {
                    e.best = current;
                    if e.restore_best_weights {
                        e.best_weights = Some(weights()?);
                    }
                    if e.baseline
                        .is_none_or(|b| e.mode.better(current, b, e.min_delta))
                    {
                        e.wait = 0;
                    }
                    return Ok(act);
                }
                if e.wait >= e.patience && epoch > 0 {
                    e.stopped_epoch = Some(epoch);
                    act.stop = true;
                    if e.restore_best_weights {
                        act.restore_weights = e.best_weights.clone();
                    }
                }
            }
            Self::ReduceLROnPlateau(r) => {
                let Some(&current) = logs.get(&r.monitor) else {
                    return Ok(act);
                };
                if r.cooldown_counter > 0 {
                    r.cooldown_counter -= 1;
                    r.wait = 0;
                }
                if r.mode.better(current, r.best, r.min_delta) {
                    r.best = current;
                    r.wait = 0;
                } else if r.cooldown_counter == 0 {
                    r.wait += 1;
                    if r.wait >= r.patience && (learning_rate as f32) > (r.min_lr as f32) {
                        act.new_learning_rate = Some((learning_rate * r.factor).max(r.min_lr));
                        r.cooldown_counter = r.cooldown;
                        r.wait = 0;
                    }
                }
            }
            Self::ModelCheckpoint(m) => {
                if !m.save_best_only {
                    act.checkpoint = Some((m.filepath.clone(), m.save_weights_only));
                } else if let Some(&current) = logs.get(&m.monitor)
                    && m.mode.better(current, m.best, 0.0)
                {
                    m.best = current;
                    act.checkpoint = Some((m.filepath.clone(), m.save_weights_only));
                }
            }
        }
        Ok(act)
    }
}
