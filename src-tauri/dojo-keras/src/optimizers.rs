//! Optimizers with Keras 3's update rules and defaults.

use candle_core::{Tensor, Var};

use crate::config::{Args, ConfigValue};
use crate::error::{KerasError, Result, not_available};
use crate::ops::gemm::each_chunk_at;

/// The update rule and its hyper-parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum OptimizerKind {
    Sgd {
        momentum: f64,
        nesterov: bool,
    },
    Adam {
        beta_1: f64,
        beta_2: f64,
        epsilon: f64,
    },
    AdamW {
        beta_1: f64,
        beta_2: f64,
        epsilon: f64,
        weight_decay: f64,
    },
    RmsProp {
        rho: f64,
        momentum: f64,
        epsilon: f64,
        centered: bool,
    },
    Adagrad {
        initial_accumulator_value: f64,
        epsilon: f64,
    },
}

/// An optimizer with its per-variable slots.
#[derive(Clone, Debug)]
pub struct Optimizer {
    pub kind: OptimizerKind,
    /// The current learning rate (callbacks may change it).
    pub learning_rate: f64,
    pub clipnorm: Option<f64>,
    pub clipvalue: Option<f64>,
    /// Steps taken (`optimizer.iterations`).
    pub iterations: u64,
    /// Set when `learning_rate` was a schedule: the rate of each step.
    pub schedule: Option<Schedule>,
    slots: Vec<Vec<Tensor>>,
}

/// `keras.optimizers.schedules`: a learning rate computed from the step
/// count (`optimizer.iterations` before the step), Keras 3's formulas.
#[derive(Clone, Debug, PartialEq)]
pub enum Schedule {
    /// `initial * decay_rate ** (step / decay_steps)`.
    ExponentialDecay {
        initial_learning_rate: f64,
        decay_steps: f64,
        decay_rate: f64,
        staircase: bool,
    },
    /// `initial / (1 + decay_rate * step / decay_steps)`.
    InverseTimeDecay {
        initial_learning_rate: f64,
        decay_steps: f64,
        decay_rate: f64,
        staircase: bool,
    },
    /// `values[i]` while `step <= boundaries[i]`, the last value after.
    PiecewiseConstantDecay {
        boundaries: Vec<f64>,
        values: Vec<f64>,
    },
    /// Cosine from `initial` to `initial * alpha` over `decay_steps`.
    CosineDecay {
        initial_learning_rate: f64,
        decay_steps: f64,
        alpha: f64,
    },
}

/// The schedules `keras.optimizers.schedules` offers in Dojo.
pub const SCHEDULE_NAMES: &[&str] = &[
    "ExponentialDecay",
    "InverseTimeDecay",
    "PiecewiseConstantDecay",
    "CosineDecay",
];

impl Schedule {
    /// The learning rate of the step taken after `step` steps.
    pub fn at(&self, step: u64) -> f64 {
        let step = step as f64;
        let progress = |decay_steps: f64, staircase: bool| {
            let p = step / decay_steps;
            if staircase { p.floor() } else { p }
        };
        match self {
            Schedule::ExponentialDecay {
                initial_learning_rate,
                decay_steps,
                decay_rate,
                staircase,
            } => initial_learning_rate * decay_rate.powf(progress(*decay_steps, *staircase)),
            Schedule::InverseTimeDecay {
                initial_learning_rate,
                decay_steps,
                decay_rate,
                staircase,
            } => initial_learning_rate / (1.0 + decay_rate * progress(*decay_steps, *staircase)),
            Schedule::PiecewiseConstantDecay { boundaries, values } => {
                let index = boundaries.iter().take_while(|b| step > **b).count();
                values[index.min(values.len() - 1)]
            }
            Schedule::CosineDecay {
                initial_learning_rate,
                decay_steps,
                alpha,
            } => {
                let completed = step.min(*decay_steps) / decay_steps;
                let cosine = 0.5 * (1.0 + (std::f64::consts::PI * completed).cos());
                initial_learning_rate * ((1.0 - alpha) * cosine + alpha)
            }
        }
    }
}

/// `keras.optimizers.schedules.<name>(...)`.
pub fn build_schedule(
    name: &str,
    positional: Vec<ConfigValue>,
    keywords: Vec<(String, ConfigValue)>,
) -> Result<Schedule> {
    let positive = |a: &Args, what: &str, value: f64| -> Result<f64> {
        if value > 0.0 && value.is_finite() {
            Ok(value)
        } else {
            Err(KerasError::Argument(format!(
                "{}(): {what} must be positive, got {value}",
                a.func()
            )))
        }
    };
    let numbers = |a: &Args, what: &str, value: Option<ConfigValue>| -> Result<Vec<f64>> {
        let items = match &value {
            Some(ConfigValue::List(items) | ConfigValue::Tuple(items)) => items,
            Some(other) => return a.type_error(what, "a list of numbers", other),
            None => {
                return Err(KerasError::Argument(format!(
                    "{}() missing required argument '{what}'",
                    a.func()
                )));
            }
        };
        items
            .iter()
            .map(|item| match item {
                ConfigValue::Int(i) => Ok(*i as f64),
                ConfigValue::Float(f) => Ok(*f),
                other => a.type_error(what, "a list of numbers", other),
            })
            .collect()
    };
    let required = |a: &mut Args, what: &str| -> Result<f64> {
        a.opt_f64(what)?.ok_or_else(|| {
            KerasError::Argument(format!("{}() missing required argument '{what}'", a.func()))
        })
    };
    match name {
        "ExponentialDecay" | "InverseTimeDecay" => {
            let mut a = Args::parse(
                name,
                &[
                    "initial_learning_rate",
                    "decay_steps",
                    "decay_rate",
                    "staircase",
                ],
                &["name"],
                positional,
                keywords,
            )?;
            let initial_learning_rate = required(&mut a, "initial_learning_rate")?;
            let decay_steps = required(&mut a, "decay_steps")?;
            let decay_steps = positive(&a, "decay_steps", decay_steps)?;
            let decay_rate = required(&mut a, "decay_rate")?;
            let staircase = a.bool_or("staircase", false)?;
            Ok(if name == "ExponentialDecay" {
                Schedule::ExponentialDecay {
                    initial_learning_rate,
                    decay_steps,
                    decay_rate,
                    staircase,
                }
            } else {
                Schedule::InverseTimeDecay {
                    initial_learning_rate,
                    decay_steps,
                    decay_rate,
                    staircase,
                }
            })
        }
        "PiecewiseConstantDecay" => {
            let mut a = Args::parse(
                name,
                &["boundaries", "values"],
                &["name"],
                positional,
                keywords,
            )?;
            let boundaries = a.take("boundaries");
            let boundaries = numbers(&a, "boundaries", boundaries)?;
            let values = a.take("values");
            let values = numbers(&a, "values", values)?;
            if values.len() != boundaries.len() + 1 {
                return Err(KerasError::Argument(format!(
                    "PiecewiseConstantDecay(): the length of boundaries should be 1 less than the length of values, got {} boundaries and {} values",
                    boundaries.len(),
                    values.len()
                )));
            }
            Ok(Schedule::PiecewiseConstantDecay { boundaries, values })
        }
        "CosineDecay" => {
            let mut a = Args::parse(
                name,
                &["initial_learning_rate", "decay_steps", "alpha"],
                &["name", "warmup_target", "warmup_steps"],
                positional,
                keywords,
            )?;
            let initial_learning_rate = required(&mut a, "initial_learning_rate")?;
            let decay_steps = required(&mut a, "decay_steps")?;
            let decay_steps = positive(&a, "decay_steps", decay_steps)?;
            let alpha = a.f64_or("alpha", 0.0)?;
            if a.opt_f64("warmup_target")?.is_some() {
                return Err(KerasError::Argument(
                    "CosineDecay(): warmup_target is not supported in Dojo".to_owned(),
                ));
            }
            Ok(Schedule::CosineDecay {
                initial_learning_rate,
                decay_steps,
                alpha,
            })
        }
        other => Err(not_available("optimizers.schedules", other, SCHEDULE_NAMES)),
    }
}

/// Accepted names (class names and Keras's lower-case strings).
pub const OPTIMIZER_NAMES: &[&str] = &[
    "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "sgd", "adam", "adamw", "rmsprop", "adagrad",
];

/// `keras.optimizers.<name>(...)` or `optimizer="adam"`. Accepts
/// `learning_rate` and the legacy `lr`.
pub fn build(
    name: &str,
    positional: Vec<ConfigValue>,
    keywords: Vec<(String, ConfigValue)>,
) -> Result<Optimizer> {
    const BASE: &[&str] = &[
        "lr",
        "weight_decay",
        "clipnorm",
        "clipvalue",
        "global_clipnorm",
        "use_ema",
        "ema_momentum",
        "ema_overwrite_frequency",
        "loss_scale_factor",
        "gradient_accumulation_steps",
        "name",
        "decay",
        "jit_compile",
    ];
    let class = match name {
        "SGD" | "sgd" => "SGD",
        "Adam" | "adam" => "Adam",
        "AdamW" | "adamw" => "AdamW",
        "RMSprop" | "rmsprop" | "RMSProp" => "RMSprop",
        "Adagrad" | "adagrad" => "Adagrad",
        other => {
            return Err(not_available(
                "optimizers",
                other,
                &["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"],
            ));
        }
    };
    let params: &[&str] = match class {
        "SGD" => &["learning_rate", "momentum", "nesterov"],
        "Adam" | "AdamW" => &["learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad"],
        "RMSprop" => &["learning_rate", "rho", "momentum", "epsilon", "centered"],
        _ => &["learning_rate", "initial_accumulator_value", "epsilon"],
    };
    let mut a = Args::parse(class, params, BASE, positional, keywords)?;
    let default_lr = if class == "SGD" { 0.01 } else { 0.001 };
    let (learning_rate, schedule) = match a.take("learning_rate") {
        Some(ConfigValue::Schedule(schedule)) => (Some(schedule.at(0)), Some(schedule)),
        Some(ConfigValue::Int(i)) => (Some(i as f64), None),
        Some(ConfigValue::Float(f)) => (Some(f), None),
        Some(other) => {
            return a.type_error(
                "learning_rate",
                "a number or a keras.optimizers.schedules schedule",
                &other,
            );
        }
        None => (None, None),
    };
    let lr = match (learning_rate, a.opt_f64("lr")?) {
        (Some(lr), _) | (None, Some(lr)) => lr,
        (None, None) => default_lr,
    };
    if a.bool_or("amsgrad", false)? {
        return Err(KerasError::Argument(format!(
            "{class}(): amsgrad=True is not supported in Dojo"
        )));
    }
    let weight_decay = a.opt_f64("weight_decay")?;
    let kind = match class {
        "SGD" => OptimizerKind::Sgd {
            momentum: a.f64_or("momentum", 0.0)?,
            nesterov: a.bool_or("nesterov", false)?,
        },
        "Adam" => OptimizerKind::Adam {
            beta_1: a.f64_or("beta_1", 0.9)?,
            beta_2: a.f64_or("beta_2", 0.999)?,
            epsilon: a.f64_or("epsilon", 1e-7)?,
        },
        "AdamW" => OptimizerKind::AdamW {
            beta_1: a.f64_or("beta_1", 0.9)?,
            beta_2: a.f64_or("beta_2", 0.999)?,
            epsilon: a.f64_or("epsilon", 1e-7)?,
            weight_decay: weight_decay.unwrap_or(0.004),
        },
        "RMSprop" => OptimizerKind::RmsProp {
            rho: a.f64_or("rho", 0.9)?,
            momentum: a.f64_or("momentum", 0.0)?,
            epsilon: a.f64_or("epsilon", 1e-7)?,
            centered: a.bool_or("centered", false)?,
        },
        _ => OptimizerKind::Adagrad {
            initial_accumulator_value: a.f64_or("initial_accumulator_value", 0.1)?,
            epsilon: a.f64_or("epsilon", 1e-7)?,
        },
    };
    if class != "AdamW" && weight_decay.is_some_and(|w| w != 0.0) {
        return Err(KerasError::Argument(format!(
            "{class}(): weight_decay is only supported by AdamW in Dojo"
        )));
    }
    Ok(Optimizer {
        kind,
        learning_rate: lr,
        clipnorm: a.opt_f64("clipnorm")?,
        clipvalue: a.opt_f64("clipvalue")?,
        iterations: 0,
        schedule,
        slots: Vec::new(),
    })
}

impl Optimizer {
    /// Keras's class name.
    pub fn class_name(&self) -> &'static str {
        match self.kind {
            OptimizerKind::Sgd { .. } => "SGD",
            OptimizerKind::Adam { .. } => "Adam",
            OptimizerKind::AdamW { .. } => "AdamW",
            OptimizerKind::RmsProp { .. } => "RMSprop",
            OptimizerKind::Adagrad { .. } => "Adagrad",
        }
    }

    /// Applies one step to `vars` with `grads` (same order, every call).
    /// A variable without a gradient is skipped.
    pub fn apply(&mut self, vars: &[Var], grads: &[Option<Tensor>]) -> Result<()> {
        if self.slots.len() != vars.len() {
            self.slots = vars
                .iter()
                .map(|v| self.init_slots(v.as_tensor()))
                .collect::<Result<_>>()?;
        }
        if let Some(schedule) = &self.schedule {
            self.learning_rate = schedule.at(self.iterations);
        }
        self.iterations += 1;
        let t = self.iterations as i32;
        let lr = self.learning_rate;
        for ((var, grad), slots) in vars.iter().zip(grads).zip(self.slots.iter_mut()) {
            let Some(g) = grad else { continue };
            // Gradients carry the step's autograd graph (they are computed
            // from its activations); detached, the slots built from them
            // never chain one step's graph to the next.
            let mut g = g.to_dtype(var.dtype())?.detach();
            if let Some(c) = self.clipvalue {
                g = g.clamp(-c, c)?;
            }
            if let Some(c) = self.clipnorm {
                let norm = g
                    .sqr()?
                    .sum_all()?
                    .sqrt()?
                    .to_dtype(candle_core::DType::F64)?
                    .to_scalar::<f64>()?;
                if norm > c {
                    g = (g * (c / norm))?;
                }
            }
            let w = var.as_tensor();
            let new_w = match self.kind {
                OptimizerKind::Sgd { momentum, nesterov } => {
                    if momentum == 0.0 {
                        (w - (g * lr)?)?
                    } else {
                        let m = ((&slots[0] * momentum)? - (&g * lr)?)?;
                        let step = if nesterov {
                            ((&m * momentum)? - (g * lr)?)?
                        } else {
                            m.clone()
                        };
                        slots[0] = m;
                        (w + step)?
                    }
                }
                OptimizerKind::Adam {
                    beta_1,
                    beta_2,
                    epsilon,
                }
                | OptimizerKind::AdamW {
                    beta_1,
                    beta_2,
                    epsilon,
                    ..
                } if w.device().is_cpu() && w.dtype() == candle_core::DType::F32 => {
                    let decay = match self.kind {
                        OptimizerKind::AdamW { weight_decay, .. } => weight_decay * lr,
                        _ => 0.0,
                    };
                    let alpha = lr * (1.0 - beta_2.powi(t)).sqrt() / (1.0 - beta_1.powi(t));
                    adam_step_cpu(w, &g, slots, [beta_1, beta_2, epsilon, alpha, decay])?;
                    continue;
                }
                OptimizerKind::Adam {
                    beta_1,
                    beta_2,
                    epsilon,
                }
                | OptimizerKind::AdamW {
                    beta_1,
                    beta_2,
                    epsilon,
                    ..
                } => {
                    let w = if let OptimizerKind::AdamW { weight_decay, .. } = self.kind {
                        (w - (w * (weight_decay * lr))?)?
                    } else {
                        w.clone()
                    };
                    let alpha = lr * (1.0 - beta_2.powi(t)).sqrt() / (1.0 - beta_1.powi(t));
                    let m = (&slots[0] + ((&g - &slots[0])? * (1.0 - beta_1))?)?;
                    let v = (&slots[1] + ((g.sqr()? - &slots[1])? * (1.0 - beta_2))?)?;
                    let upd = ((&m * alpha)? / (v.sqrt()? + epsilon)?)?;
                    slots[0] = m;
                    slots[1] = v;
                    (w - upd)?
                }
                OptimizerKind::RmsProp {
                    rho,
                    momentum,
                    epsilon,
                    centered,
                } => {
                    let vel = ((&slots[0] * rho)? + (g.sqr()? * (1.0 - rho))?)?;
                    let denom = if centered {
                        let avg = ((&slots[2] * rho)? + (&g * (1.0 - rho))?)?;
                        let d = ((&vel - avg.sqr()?)? + epsilon)?;
                        slots[2] = avg;
                        d
                    } else {
                        (&vel + epsilon)?
                    };
                    slots[0] = vel;
                    let inc = ((g * lr)? / denom.sqrt()?)?;
                    if momentum > 0.0 {
                        let m = ((&slots[1] * momentum)? + inc)?;
                        slots[1] = m.clone();
                        (w - m)?
                    } else {
                        (w - inc)?
                    }
                }
                OptimizerKind::Adagrad { epsilon, .. } => {
                    let acc = (&slots[0] + g.sqr()?)?;
                    let upd = ((g * lr)? / (&acc + epsilon)?.sqrt()?)?;
                    slots[0] = acc;
                    (w - upd)?
                }
            };
            var.set(&new_w.detach())?;
        }
        Ok(())
    }

    fn init_slots(&self, w: &Tensor) -> Result<Vec<Tensor>> {
        let z = w.zeros_like()?;
        Ok(match self.kind {
            OptimizerKind::Sgd { .. } => vec![z],
            // Two allocations: the fused CPU step updates each in place.
            OptimizerKind::Adam { .. } | OptimizerKind::AdamW { .. } => vec![w.zeros_like()?, z],
            OptimizerKind::RmsProp { .. } => vec![z.clone(), z.clone(), z],
            OptimizerKind::Adagrad {
                initial_accumulator_value,
                ..
            } => vec![(z + initial_accumulator_value)?],
        })
    }
}

/// One Adam (or AdamW, `decay = weight_decay * lr`) step on the CPU, in
/// place: one pass over the weights, their gradient and the two moment
/// slots as plain `f32` slices, with no allocation or copy, instead of a
/// dozen candle ops per variable. The same arithmetic as the tensor path
/// below, in the same order. `params` is `[beta_1, beta_2, epsilon, alpha,
/// decay]`. The slots must not share storage with each other or with `w`
/// (see [`Optimizer::init_slots`]); candle rejects aliased in-place
/// operands.
fn adam_step_cpu(w: &Tensor, g: &Tensor, slots: &mut [Tensor], params: [f64; 5]) -> Result<()> {
    let [m, v] = slots else {
        return Err(candle_core::Error::Msg("Adam keeps two slots per variable".into()).into());
    };
    let (m, v) = (&*m, &*v);
    let g = g.contiguous()?;
    m.inplace_op2(
        &g,
        &Moment {
            keep: params[0] as f32,
            square: false,
        },
    )?;
    v.inplace_op2(
        &g,
        &Moment {
            keep: params[1] as f32,
            square: true,
        },
    )?;
    w.inplace_op3(
        m,
        v,
        &AdamUpdate {
            epsilon: params[2] as f32,
            alpha: params[3] as f32,
            decay: params[4] as f32,
        },
    )?;
    Ok(())
}

/// Elements per piece of a fused step's pass; a large variable's pieces go
/// to the pool's threads (see [`each_chunk_at`]), a small one's stay on
/// the training thread.
const STEP_CHUNK: usize = 1 << 14;

/// `slot += (g - slot) * (1 - keep)`, with `g` squared for `square`.
struct Moment {
    keep: f32,
    square: bool,
}

impl candle_core::InplaceOp2 for Moment {
    fn name(&self) -> &'static str {
        "dojo-adam-moment"
    }

    fn cpu_fwd(
        &self,
        slot: &mut candle_core::CpuStorage,
        slot_layout: &candle_core::Layout,
        g: &candle_core::CpuStorage,
        g_layout: &candle_core::Layout,
    ) -> candle_core::Result<()> {
        let g = f32_slice(g, g_layout)?;
        let slot = f32_slice_mut(slot, slot_layout)?;
        if slot.len() != g.len() {
            candle_core::bail!("a slot of {} for a gradient of {}", slot.len(), g.len());
        }
        let (rate, square) = (1.0 - self.keep, self.square);
        each_chunk_at(slot, STEP_CHUNK, |at, slot| {
            let g = &g[at..at + slot.len()];
            if square {
                for (s, &g) in slot.iter_mut().zip(g) {
                    *s += (g * g - *s) * rate;
                }
            } else {
                for (s, &g) in slot.iter_mut().zip(g) {
                    *s += (g - *s) * rate;
                }
            }
        });
        Ok(())
    }
}

/// `w = (w - w * decay) - m * alpha / (sqrt(v) + epsilon)`.
#[derive(Clone, Copy)]
struct AdamUpdate {
    epsilon: f32,
    alpha: f32,
    decay: f32,
}

impl candle_core::InplaceOp3 for AdamUpdate {
    fn name(&self) -> &'static str {
        "dojo-adam-update"
    }

    fn cpu_fwd(
        &self,
        w: &mut candle_core::CpuStorage,
        w_layout: &candle_core::Layout,
        m: &candle_core::CpuStorage,
        m_layout: &candle_core::Layout,
        v: &candle_core::CpuStorage,
        v_layout: &candle_core::Layout,
    ) -> candle_core::Result<()> {
        let (m, v) = (f32_slice(m, m_layout)?, f32_slice(v, v_layout)?);
        let w = f32_slice_mut(w, w_layout)?;
        if w.len() != m.len() || w.len() != v.len() {
            candle_core::bail!(
                "Adam slots of {} and {} for {} weights",
                m.len(),
                v.len(),
                w.len()
            );
        }
        let AdamUpdate {
            epsilon,
            alpha,
            decay,
        } = *self;
        each_chunk_at(w, STEP_CHUNK, |at, w| {
            let (m, v) = (&m[at..at + w.len()], &v[at..at + w.len()]);
            for ((w, &m), &v) in w.iter_mut().zip(m).zip(v) {
                let w0 = *w - *w * decay;
                *w = w0 - (m * alpha) / (v.sqrt() + epsilon);
            }
        });
        Ok(())
    }
}

fn f32_slice<'a>(
    storage: &'a candle_core::CpuStorage,
    layout: &candle_core::Layout,
) -> candle_core::Result<&'a [f32]> {
    let (Some((start, end)), candle_core::CpuStorage::F32(data)) =
        (layout.contiguous_offsets(), storage)
    else {
        candle_core::bail!("the fused Adam step takes contiguous f32 tensors");
    };
    data.get(start..end)
        .ok_or_else(|| candle_core::Error::Msg("layout outside its storage".into()))
}

fn f32_slice_mut<'a>(
    storage: &'a mut candle_core::CpuStorage,
    layout: &candle_core::Layout,
) -> candle_core::Result<&'a mut [f32]> {
    let (Some((start, end)), candle_core::CpuStorage::F32(data)) =
        (layout.contiguous_offsets(), storage)
    else {
        candle_core::bail!("the fused Adam step takes contiguous f32 tensors");
    };
    data.get_mut(start..end)
        .ok_or_else(|| candle_core::Error::Msg("layout outside its storage".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fused CPU step (f32) and the op-by-op tensor path (taken for f64
    /// here, for other devices in use) compute the same Adam and AdamW.
    #[test]
    fn the_fused_cpu_adam_matches_the_tensor_path() {
        // Six chosen values, then enough more (not a whole number of
        // `STEP_CHUNK` pieces) that the fused passes split over threads.
        let mut start = vec![0.5f64, -0.3, 0.8, 1.5, -2.0, 0.01];
        start.extend((6..4 * STEP_CHUNK + 7).map(|i| (i as f64 * 0.37).sin() * 2.0));
        for (name, keywords) in [
            ("Adam", vec![]),
            (
                "AdamW",
                vec![("weight_decay".into(), ConfigValue::Float(0.1))],
            ),
        ] {
            let mut fused = build(name, vec![], keywords.clone()).unwrap();
            let mut reference = build(name, vec![], keywords).unwrap();
            let device = candle_core::Device::Cpu;
            let start_f32: Vec<f32> = start.iter().map(|&x| x as f32).collect();
            let fast = Var::new(start_f32.as_slice(), &device).unwrap();
            let slow = Var::new(start.as_slice(), &device).unwrap();
            for step in 0..3 {
                let scale = 1.0 + step as f64;
                let fast_grad = ((fast.as_tensor().sqr().unwrap() * scale).unwrap() - 0.2).unwrap();
                let slow_grad = ((slow.as_tensor().sqr().unwrap() * scale).unwrap() - 0.2).unwrap();
                fused
                    .apply(std::slice::from_ref(&fast), &[Some(fast_grad)])
                    .unwrap();
                reference
                    .apply(std::slice::from_ref(&slow), &[Some(slow_grad)])
                    .unwrap();
            }
            let fast: Vec<f32> = fast.as_tensor().to_vec1().unwrap();
            let slow: Vec<f64> = slow.as_tensor().to_vec1().unwrap();
            for (a, b) in fast.iter().zip(&slow) {
                assert!((f64::from(*a) - b).abs() < 1e-5, "{name}: {a} vs {b}");
            }
            assert!(
                (slow[0] - start[0]).abs() > 1e-4,
                "{name} did not move the weights"
            );
        }
    }

    /// A gradient computed from the variable carries an autograd graph, as
    /// `backward()`'s gradients do. The optimizer's slots must not keep it:
    /// otherwise every step's graph (and its activations) stays alive.
    #[test]
    fn slots_never_keep_the_gradients_graph() {
        let cases: [(&str, Vec<(String, ConfigValue)>); 5] = [
            ("SGD", vec![("momentum".into(), ConfigValue::Float(0.9))]),
            ("Adam", vec![]),
            ("AdamW", vec![]),
            (
                "RMSprop",
                vec![
                    ("momentum".into(), ConfigValue::Float(0.9)),
                    ("centered".into(), ConfigValue::Bool(true)),
                ],
            ),
            ("Adagrad", vec![]),
        ];
        for (name, keywords) in cases {
            let mut optimizer = build(name, vec![], keywords).unwrap();
            let var = Var::new(&[0.5f32, -0.3, 0.8], &candle_core::Device::Cpu).unwrap();
            for _ in 0..2 {
                let grad = (var.as_tensor() * 2.0).unwrap();
                assert!(grad.track_op());
                optimizer
                    .apply(std::slice::from_ref(&var), &[Some(grad)])
                    .unwrap();
                for slot in optimizer.slots.iter().flatten() {
                    assert!(!slot.track_op(), "{name} keeps the gradient's graph");
                }
            }
        }
    }
}
