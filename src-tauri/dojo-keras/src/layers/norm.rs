//! BatchNormalization, LayerNormalization and the Normalization
//! preprocessing layer (normalising over the last axis).

use candle_core::{DType, Tensor};

use super::util::{last_known, one};
use super::{Dims, LayerKind, Weight, WeightBuilder};
use crate::config::{Args, ConfigValue};
use crate::error::{KerasError, Result, arg_err};
use crate::initializers::Initializer;

fn kv(k: &str, v: ConfigValue) -> (String, ConfigValue) {
    (k.to_string(), v)
}

fn last_axis_only(a: &mut Args) -> Result<()> {
    match a.take("axis") {
        None | Some(ConfigValue::Int(-1)) => Ok(()),
        Some(ConfigValue::List(v)) | Some(ConfigValue::Tuple(v))
            if matches!(v.as_slice(), [ConfigValue::Int(-1)]) =>
        {
            Ok(())
        }
        Some(v) => a.type_error("axis", "-1 (Dojo normalises over the last axis only)", &v),
    }
}

/// Mean and (biased) variance over every axis but the last, kept as
/// broadcastable rank-1 tensors.
fn moments_but_last(x: &Tensor) -> candle_core::Result<(Tensor, Tensor)> {
    let c = x.dim(x.rank() - 1)?;
    let flat = x.reshape(((), c))?;
    let mean = flat.mean(0)?;
    let var = flat.broadcast_sub(&mean)?.sqr()?.mean(0)?;
    Ok((mean, var))
}

/// `BatchNormalization()`: weights gamma, beta, moving_mean,
/// moving_variance (Keras order); batch statistics while training.
pub(crate) struct BatchNormalization {
    momentum: f64,
    epsilon: f64,
    center: bool,
    scale: bool,
}

impl BatchNormalization {
    pub(crate) const PARAMS: &'static [&'static str] = &[
        "axis",
        "momentum",
        "epsilon",
        "center",
        "scale",
        "beta_initializer",
        "gamma_initializer",
        "moving_mean_initializer",
        "moving_variance_initializer",
        "beta_regularizer",
        "gamma_regularizer",
        "beta_constraint",
        "gamma_constraint",
        "synchronized",
    ];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        last_axis_only(a)?;
        Ok(Box::new(Self {
            momentum: a.f64_or("momentum", 0.99)?,
            epsilon: a.f64_or("epsilon", 1e-3)?,
            center: a.bool_or("center", true)?,
            scale: a.bool_or("scale", true)?,
        }))
    }
}

impl LayerKind for BatchNormalization {
    fn class_name(&self) -> &'static str {
        "BatchNormalization"
    }
    fn build(&mut self, inputs: &[Dims], wb: &mut WeightBuilder) -> Result<()> {
        let c = last_known(one(inputs)?, "BatchNormalization")?;
        if self.scale {
            wb.add("gamma", &[c], &Initializer::Ones, true, None)?;
        }
        if self.center {
            wb.add("beta", &[c], &Initializer::Zeros, true, None)?;
        }
        wb.add("moving_mean", &[c], &Initializer::Zeros, false, None)?;
        wb.add("moving_variance", &[c], &Initializer::Ones, false, None)
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        Ok(one(inputs)?.clone())
    }
    fn call(&self, inputs: &[Tensor], w: &[Weight], training: bool) -> Result<Tensor> {
        let x = &inputs[0];
        let n = usize::from(self.scale) + usize::from(self.center);
        let (mm, mv) = (&w[n].var, &w[n + 1].var);
        let (mean, var) = if training {
            let (mean, var) = moments_but_last(x)?;
            let m = self.momentum;
            mm.set(&((mm.as_tensor() * m)? + (mean.detach() * (1.0 - m))?)?)?;
            mv.set(&((mv.as_tensor() * m)? + (var.detach() * (1.0 - m))?)?)?;
            (mean, var)
        } else {
            (mm.as_tensor().clone(), mv.as_tensor().clone())
        };
        let mut y = x
            .broadcast_sub(&mean)?
            .broadcast_div(&(var + self.epsilon)?.sqrt()?)?;
        let mut i = 0;
        if self.scale {
            y = y.broadcast_mul(w[i].var.as_tensor())?;
            i += 1;
        }
        if self.center {
            y = y.broadcast_add(w[i].var.as_tensor())?;
        }
        Ok(y)
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![
            kv("momentum", ConfigValue::Float(self.momentum)),
            kv("epsilon", ConfigValue::Float(self.epsilon)),
            kv("center", ConfigValue::Bool(self.center)),
            kv("scale", ConfigValue::Bool(self.scale)),
        ]
    }
}

/// `LayerNormalization()`: per-sample normalisation over the last axis.
pub(crate) struct LayerNormalization {
    epsilon: f64,
    center: bool,
    scale: bool,
}

impl LayerNormalization {
    pub(crate) const PARAMS: &'static [&'static str] = &[
        "axis",
        "epsilon",
        "center",
        "scale",
        "rms_scaling",
        "beta_initializer",
        "gamma_initializer",
        "beta_regularizer",
        "gamma_regularizer",
        "beta_constraint",
        "gamma_constraint",
    ];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        last_axis_only(a)?;
        Ok(Box::new(Self {
            epsilon: a.f64_or("epsilon", 1e-3)?,
            center: a.bool_or("center", true)?,
            scale: a.bool_or("scale", true)?,
        }))
    }
}

impl LayerKind for LayerNormalization {
    fn class_name(&self) -> &'static str {
        "LayerNormalization"
    }
    fn build(&mut self, inputs: &[Dims], wb: &mut WeightBuilder) -> Result<()> {
        let c = last_known(one(inputs)?, "LayerNormalization")?;
        if self.scale {
            wb.add("gamma", &[c], &Initializer::Ones, true, None)?;
        }
        if self.center {
            wb.add("beta", &[c], &Initializer::Zeros, true, None)?;
        }
        Ok(())
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        Ok(one(inputs)?.clone())
    }
    fn call(&self, inputs: &[Tensor], w: &[Weight], _training: bool) -> Result<Tensor> {
        let x = &inputs[0];
        let last = x.rank() - 1;
        let mean = x.mean_keepdim(last)?;
        let centered = x.broadcast_sub(&mean)?;
        let var = centered.sqr()?.mean_keepdim(last)?;
        let mut y = centered.broadcast_div(&(var + self.epsilon)?.sqrt()?)?;
        let mut i = 0;
        if self.scale {
            y = y.broadcast_mul(w[i].var.as_tensor())?;
            i += 1;
        }
        if self.center {
            y = y.broadcast_add(w[i].var.as_tensor())?;
        }
        Ok(y)
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![
            kv("epsilon", ConfigValue::Float(self.epsilon)),
            kv("center", ConfigValue::Bool(self.center)),
            kv("scale", ConfigValue::Bool(self.scale)),
        ]
    }
}

/// `Normalization()`: `(x - mean) / max(sqrt(variance), 1e-7)` with
/// statistics from `adapt(data)` or the `mean=`/`variance=` arguments.
/// Weights: mean, variance, count (non-trainable).
pub(crate) struct Normalization {
    mean: Option<Vec<f64>>,
    variance: Option<Vec<f64>>,
    invert: bool,
}

fn floats(v: &ConfigValue) -> Option<Vec<f64>> {
    match v {
        ConfigValue::Int(i) => Some(vec![*i as f64]),
        ConfigValue::Float(f) => Some(vec![*f]),
        _ => v
            .as_seq()?
            .iter()
            .map(|x| floats(x).filter(|f| f.len() == 1).map(|f| f[0]))
            .collect(),
    }
}

impl Normalization {
    pub(crate) const PARAMS: &'static [&'static str] = &["axis", "mean", "variance", "invert"];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        last_axis_only(a)?;
        let mut stat = |name: &str| -> Result<Option<Vec<f64>>> {
            match a.take(name) {
                None => Ok(None),
                Some(v) => match floats(&v) {
                    Some(f) => Ok(Some(f)),
                    None => a.type_error(name, "a number or a list of numbers", &v),
                },
            }
        };
        let mean = stat("mean")?;
        let variance = stat("variance")?;
        if mean.is_some() != variance.is_some() {
            return arg_err("Normalization(): when setting `mean` or `variance`, both must be set");
        }
        Ok(Box::new(Self {
            mean,
            variance,
            invert: a.bool_or("invert", false)?,
        }))
    }
}

impl LayerKind for Normalization {
    fn class_name(&self) -> &'static str {
        "Normalization"
    }
    fn build(&mut self, inputs: &[Dims], wb: &mut WeightBuilder) -> Result<()> {
        let c = last_known(one(inputs)?, "Normalization")?;
        let init = |v: &Option<Vec<f64>>, default: f64| match v {
            Some(v) if v.len() == 1 => Initializer::Constant(v[0]),
            Some(_) => Initializer::Zeros,
            None => Initializer::Constant(default),
        };
        wb.add("mean", &[c], &init(&self.mean, 0.0), false, None)?;
        wb.add("variance", &[c], &init(&self.variance, 1.0), false, None)?;
        wb.add("count", &[], &Initializer::Zeros, false, None)?;
        for (i, v) in [&self.mean, &self.variance].into_iter().enumerate() {
            if let Some(v) = v.as_ref().filter(|v| v.len() > 1) {
                if v.len() != c {
                    return Err(KerasError::Shape(format!(
                        "Normalization: expected {c} statistics for the last axis, got {}",
                        v.len()
                    )));
                }
                let var = &wb.weights[wb.weights.len() - 3 + i].var;
                var.set(&Tensor::new(v.as_slice(), var.device())?.to_dtype(var.dtype())?)?;
            }
        }
        Ok(())
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        Ok(one(inputs)?.clone())
    }
    fn call(&self, inputs: &[Tensor], w: &[Weight], _training: bool) -> Result<Tensor> {
        let x = &inputs[0].to_dtype(w[0].var.dtype())?;
        let mean = w[0].var.as_tensor();
        let std = w[1].var.as_tensor().sqrt()?.maximum(1e-7)?;
        Ok(if self.invert {
            x.broadcast_mul(&std)?.broadcast_add(mean)?
        } else {
            x.broadcast_sub(mean)?.broadcast_div(&std)?
        })
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        let list = |v: &Option<Vec<f64>>| {
            v.as_ref().map_or(ConfigValue::None, |v| {
                ConfigValue::List(v.iter().map(|f| ConfigValue::Float(*f)).collect())
            })
        };
        vec![
            kv("mean", list(&self.mean)),
            kv("variance", list(&self.variance)),
            kv("invert", ConfigValue::Bool(self.invert)),
        ]
    }
    fn adapt(&mut self, data: &Tensor, w: &[Weight]) -> Result<()> {
        let data = data.to_dtype(DType::F64)?;
        let data = if data.rank() == 1 {
            data.unsqueeze(1)?
        } else {
            data
        };
        let (mean, var) = moments_but_last(&data)?;
        let count = (data.elem_count() / data.dim(data.rank() - 1)?) as f64;
        for (weight, value) in w.iter().zip([mean, var]) {
            weight.var.set(&value.to_dtype(weight.var.dtype())?)?;
        }
        w[2].var
            .set(&Tensor::new(count, w[2].var.device())?.to_dtype(w[2].var.dtype())?)?;
        Ok(())
    }
}
