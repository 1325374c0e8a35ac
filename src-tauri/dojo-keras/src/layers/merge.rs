//! Merge layers for functional branches: Concatenate and Add.

use candle_core::Tensor;

use super::{Dims, LayerKind, Weight, format_dims};
use crate::config::{Args, ConfigValue};
use crate::error::{Result, shape_err};

/// `Concatenate(axis=-1)`.
pub(crate) struct Concatenate {
    axis: i64,
}

impl Concatenate {
    pub(crate) const PARAMS: &'static [&'static str] = &["axis"];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        Ok(Box::new(Self {
            axis: a.opt_i64("axis")?.unwrap_or(-1),
        }))
    }

    fn axis(&self, rank: usize) -> Result<usize> {
        let a = if self.axis < 0 {
            self.axis + rank as i64
        } else {
            self.axis
        };
        if a <= 0 || a as usize >= rank {
            return shape_err(format!(
                "Concatenate: invalid axis {} for inputs of rank {rank}",
                self.axis
            ));
        }
        Ok(a as usize)
    }
}

impl LayerKind for Concatenate {
    fn class_name(&self) -> &'static str {
        "Concatenate"
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        let Some(first) = inputs.first() else {
            return shape_err("Concatenate needs at least 2 inputs");
        };
        if inputs.len() < 2 {
            return shape_err(
                "A `Concatenate` layer should be called on a list of at least 2 inputs",
            );
        }
        let ax = self.axis(first.len())?;
        let mut out = first.clone();
        for d in &inputs[1..] {
            let same = d.len() == first.len()
                && d.iter()
                    .zip(first)
                    .enumerate()
                    .all(|(i, (p, q))| i == ax || i == 0 || p == q || p.is_none() || q.is_none());
            if !same {
                return shape_err(format!(
                    "A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape={}",
                    inputs
                        .iter()
                        .map(|d| format_dims(d))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            out[ax] = match (out[ax], d[ax]) {
                (Some(p), Some(q)) => Some(p + q),
                _ => None,
            };
        }
        Ok(out)
    }
    fn call(&self, inputs: &[Tensor], _w: &[Weight], _training: bool) -> Result<Tensor> {
        let ax = self.axis(inputs[0].rank())?;
        Ok(Tensor::cat(inputs, ax)?)
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![("axis".to_string(), ConfigValue::Int(self.axis))]
    }
}

/// `Add()`: element-wise sum of equally shaped inputs.
pub(crate) struct AddLayer;

impl AddLayer {
    pub(crate) const PARAMS: &'static [&'static str] = &[];
    pub(crate) fn from_args(_a: &mut Args) -> Result<Box<dyn LayerKind>> {
        Ok(Box::new(Self))
    }
}

impl LayerKind for AddLayer {
    fn class_name(&self) -> &'static str {
        "Add"
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        if inputs.len() < 2 {
            return shape_err("A merge layer should be called on a list of at least 2 inputs");
        }
        if inputs.iter().any(|d| d != &inputs[0]) {
            return shape_err(format!(
                "Inputs to Add must have the same shape, got {}",
                inputs
                    .iter()
                    .map(|d| format_dims(d))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Ok(inputs[0].clone())
    }
    fn call(&self, inputs: &[Tensor], _w: &[Weight], _training: bool) -> Result<Tensor> {
        let mut acc = inputs[0].clone();
        for t in &inputs[1..] {
            acc = (acc + t)?;
        }
        Ok(acc)
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        Vec::new()
    }
}
