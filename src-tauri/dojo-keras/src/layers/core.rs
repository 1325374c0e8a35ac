//! Core layers: InputLayer, Dense, Flatten, Reshape, dropout and noise,
//! Activation, Lambda, Rescaling, Embedding.

use candle_core::{DType, Tensor};

use super::util::{last_known, one};
use super::{Dims, LayerKind, Weight, WeightBuilder};
use crate::activations::Activation;
use crate::config::{Args, ConfigValue, LambdaExpr, shape_value};
use crate::error::{KerasError, Result, arg_err, shape_err};
use crate::initializers::Initializer;
use crate::losses::Logits;
use crate::regularizers::Regularizer;
use crate::session;

fn kv(k: &str, v: ConfigValue) -> (String, ConfigValue) {
    (k.to_string(), v)
}

fn init_value(i: &Initializer) -> ConfigValue {
    ConfigValue::Initializer(i.clone())
}

fn reg_value(r: &Option<Regularizer>) -> ConfigValue {
    r.clone()
        .map_or(ConfigValue::None, ConfigValue::Regularizer)
}

/// A Keras input: its shape (batch axis first).
pub(crate) struct InputLayer {
    shape: Dims,
}

impl InputLayer {
    pub(crate) const PARAMS: &'static [&'static str] =
        &["shape", "batch_shape", "sparse", "tensor", "optional"];

    pub(crate) fn from_args(args: &mut Args) -> Result<Box<dyn LayerKind>> {
        let shape = if let Some(b) = args.opt_shape("batch_shape")? {
            b
        } else {
            let s = match args.opt_shape("shape")? {
                Some(s) => s,
                None => match args.opt_shape("input_shape")? {
                    Some(s) => s,
                    None => {
                        return arg_err(format!("{}() requires a `shape` argument", args.func()));
                    }
                },
            };
            let mut d = vec![args.opt_usize("batch_size")?];
            d.extend(s);
            d
        };
        Ok(Box::new(Self { shape }))
    }
}

impl LayerKind for InputLayer {
    fn class_name(&self) -> &'static str {
        "InputLayer"
    }
    fn output_shape(&self, _inputs: &[Dims]) -> Result<Dims> {
        Ok(self.shape.clone())
    }
    fn call(&self, inputs: &[Tensor], _w: &[Weight], _training: bool) -> Result<Tensor> {
        match inputs {
            [x] => Ok(x.clone()),
            _ => shape_err("an InputLayer takes one tensor"),
        }
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![kv("batch_shape", shape_value(&self.shape))]
    }
    fn input_shape(&self) -> Option<Dims> {
        Some(self.shape.clone())
    }
}

/// `Dense(units)`: `activation(x @ kernel + bias)` on the last axis.
pub(crate) struct Dense {
    units: usize,
    activation: Activation,
    use_bias: bool,
    kernel_initializer: Initializer,
    bias_initializer: Initializer,
    kernel_regularizer: Option<Regularizer>,
    bias_regularizer: Option<Regularizer>,
}

impl Dense {
    pub(crate) const PARAMS: &'static [&'static str] = &[
        "units",
        "activation",
        "use_bias",
        "kernel_initializer",
        "bias_initializer",
        "kernel_regularizer",
        "bias_regularizer",
        "activity_regularizer",
        "kernel_constraint",
        "bias_constraint",
    ];

    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        Ok(Box::new(Self {
            units: a.usize_req("units")?,
            activation: a.activation("activation")?,
            use_bias: a.bool_or("use_bias", true)?,
            kernel_initializer: a.initializer("kernel_initializer", Initializer::GlorotUniform)?,
            bias_initializer: a.initializer("bias_initializer", Initializer::Zeros)?,
            kernel_regularizer: a.regularizer("kernel_regularizer")?,
            bias_regularizer: a.regularizer("bias_regularizer")?,
        }))
    }
}

/// `x @ w` over the last axis of an input of any rank >= 2.
pub(crate) fn matmul_last(x: &Tensor, w: &Tensor) -> candle_core::Result<Tensor> {
    if x.rank() == 2 {
        return x.matmul(w);
    }
    let dims = x.dims();
    let last = dims[dims.len() - 1];
    let lead: usize = dims[..dims.len() - 1].iter().product();
    let y = x.reshape((lead, last))?.matmul(w)?;
    let mut out = dims[..dims.len() - 1].to_vec();
    out.push(w.dim(1)?);
    y.reshape(out)
}

/// `activation(x @ kernel + bias)` with the fused CPU kernels
/// ([`crate::ops::linear`], [`crate::ops::bias_activation`]), or `None`
/// where they do not apply (another device or dtype, another activation).
pub(crate) fn fused_dense(
    x: &Tensor,
    kernel: &Tensor,
    bias: Option<&Tensor>,
    activation: Activation,
) -> Result<Option<Tensor>> {
    let Some(act) = activation.pointwise() else {
        return Ok(None);
    };
    if !crate::ops::has_custom_op(x) || kernel.dtype() != x.dtype() || x.rank() < 2 {
        return Ok(None);
    }
    let dims = x.dims();
    let last = dims[dims.len() - 1];
    let lead: usize = dims[..dims.len() - 1].iter().product();
    let y = crate::ops::linear(&x.reshape((lead, last))?, kernel)?;
    let y = crate::ops::bias_activation(&y, bias, act)?;
    let mut out = dims[..dims.len() - 1].to_vec();
    out.push(kernel.dim(1)?);
    Ok(Some(y.reshape(out)?))
}

impl Dense {
    /// `x @ kernel + bias`.
    fn pre_activation(&self, inputs: &[Tensor], w: &[Weight]) -> Result<Tensor> {
        let bias = self.use_bias.then(|| w[1].var.as_tensor());
        if let Some(y) = fused_dense(&inputs[0], w[0].var.as_tensor(), bias, Activation::Linear)? {
            return Ok(y);
        }
        let mut y = matmul_last(&inputs[0], w[0].var.as_tensor())?;
        if let Some(bias) = bias {
            y = y.broadcast_add(bias)?;
        }
        Ok(y)
    }
}

impl LayerKind for Dense {
    fn class_name(&self) -> &'static str {
        "Dense"
    }
    fn build(&mut self, inputs: &[Dims], wb: &mut WeightBuilder) -> Result<()> {
        let n = last_known(one(inputs)?, "Dense")?;
        wb.add(
            "kernel",
            &[n, self.units],
            &self.kernel_initializer,
            true,
            self.kernel_regularizer.clone(),
        )?;
        if self.use_bias {
            wb.add(
                "bias",
                &[self.units],
                &self.bias_initializer,
                true,
                self.bias_regularizer.clone(),
            )?;
        }
        Ok(())
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        let d = one(inputs)?;
        if d.len() < 2 {
            return shape_err(format!(
                "Dense expects an input of rank >= 2, got {}",
                super::format_dims(d)
            ));
        }
        last_known(d, "Dense")?;
        let mut out = d.clone();
        if let Some(l) = out.last_mut() {
            *l = Some(self.units);
        }
        Ok(out)
    }
    fn call(&self, inputs: &[Tensor], w: &[Weight], _training: bool) -> Result<Tensor> {
        let bias = self.use_bias.then(|| w[1].var.as_tensor());
        if let Some(y) = fused_dense(&inputs[0], w[0].var.as_tensor(), bias, self.activation)? {
            return Ok(y);
        }
        self.activation.apply(&self.pre_activation(inputs, w)?)
    }
    fn call_logits(
        &self,
        inputs: &[Tensor],
        w: &[Weight],
        _training: bool,
    ) -> Option<Result<Logits>> {
        Logits::ends_with(self.activation)?;
        Some(
            self.pre_activation(inputs, w)
                .map(|tensor| Logits::new(tensor, self.activation)),
        )
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![
            kv("units", ConfigValue::Int(self.units as i64)),
            kv(
                "activation",
                ConfigValue::Str(self.activation.name().into()),
            ),
            kv("use_bias", ConfigValue::Bool(self.use_bias)),
            kv("kernel_initializer", init_value(&self.kernel_initializer)),
            kv("bias_initializer", init_value(&self.bias_initializer)),
            kv("kernel_regularizer", reg_value(&self.kernel_regularizer)),
            kv("bias_regularizer", reg_value(&self.bias_regularizer)),
        ]
    }
}

/// `Flatten()`: all axes after the batch axis into one.
pub(crate) struct Flatten;

impl Flatten {
    pub(crate) const PARAMS: &'static [&'static str] = &["data_format"];
    pub(crate) fn from_args(_a: &mut Args) -> Result<Box<dyn LayerKind>> {
        Ok(Box::new(Self))
    }
}

impl LayerKind for Flatten {
    fn class_name(&self) -> &'static str {
        "Flatten"
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        let d = one(inputs)?;
        let mut n = Some(1usize);
        for x in &d[1..] {
            n = match (n, x) {
                (Some(acc), Some(x)) => Some(acc.checked_mul(*x).ok_or_else(|| {
                    KerasError::Shape(format!(
                        "Flatten of {} would have more values per example than Dojo can count",
                        super::format_dims(d)
                    ))
                })?),
                _ => None,
            };
        }
        Ok(vec![d[0], n])
    }
    fn call(&self, inputs: &[Tensor], _w: &[Weight], _training: bool) -> Result<Tensor> {
        Ok(inputs[0].flatten_from(1)?)
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        Vec::new()
    }
}

/// `Reshape(target_shape)`; one entry may be -1.
pub(crate) struct Reshape {
    target: Vec<i64>,
}

impl Reshape {
    pub(crate) const PARAMS: &'static [&'static str] = &["target_shape"];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        let v = match a.take("target_shape") {
            Some(v) => v,
            None => return a.required("target_shape"),
        };
        let target: Option<Vec<i64>> = v
            .as_seq()
            .map(|s| {
                s.iter()
                    .map(|x| {
                        if let ConfigValue::Int(i) = x {
                            Some(*i)
                        } else {
                            None
                        }
                    })
                    .collect()
            })
            .unwrap_or(None);
        match target {
            Some(t)
                if t.iter().filter(|x| **x == -1).count() <= 1
                    && t.iter().all(|x| *x == -1 || *x > 0) =>
            {
                Ok(Box::new(Self { target: t }))
            }
            _ => a.type_error(
                "target_shape",
                "a tuple of positive ints (one may be -1)",
                &v,
            ),
        }
    }

    fn resolve(&self, d: &Dims) -> Result<Vec<usize>> {
        let too_big = || {
            KerasError::Shape(format!(
                "cannot reshape {} to {:?}: the sizes overflow",
                super::format_dims(d),
                self.target
            ))
        };
        let mut total = Some(1usize);
        for x in &d[1..] {
            total = match (total, x) {
                (Some(acc), Some(x)) => Some(acc.checked_mul(*x).ok_or_else(too_big)?),
                _ => None,
            };
        }
        let known = self
            .target
            .iter()
            .filter(|x| **x > 0)
            .try_fold(1usize, |acc, x| acc.checked_mul(*x as usize))
            .ok_or_else(too_big)?;
        let mut out = Vec::new();
        for &t in &self.target {
            if t > 0 {
                out.push(t as usize);
            } else {
                match total {
                    Some(total) if known > 0 && total % known == 0 => out.push(total / known),
                    _ => {
                        return shape_err(format!(
                            "cannot reshape {} to {:?}",
                            super::format_dims(d),
                            self.target
                        ));
                    }
                }
            }
        }
        if let Some(total) = total
            && out.iter().try_fold(1usize, |acc, x| acc.checked_mul(*x)) != Some(total)
        {
            return shape_err(format!(
                "total size of new array must be unchanged, input_shape = {}, output_shape = {:?}",
                super::format_dims(&d[1..]),
                self.target
            ));
        }
        Ok(out)
    }
}

impl LayerKind for Reshape {
    fn class_name(&self) -> &'static str {
        "Reshape"
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        let d = one(inputs)?;
        let mut out = vec![d[0]];
        out.extend(self.resolve(d)?.into_iter().map(Some));
        Ok(out)
    }
    fn call(&self, inputs: &[Tensor], _w: &[Weight], _training: bool) -> Result<Tensor> {
        let x = &inputs[0];
        let d: Dims = x.dims().iter().map(|v| Some(*v)).collect();
        let mut shape = vec![x.dim(0)?];
        shape.extend(self.resolve(&d)?);
        Ok(x.reshape(shape)?)
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![kv(
            "target_shape",
            ConfigValue::Tuple(self.target.iter().map(|i| ConfigValue::Int(*i)).collect()),
        )]
    }
}

/// A tensor of `dims` with entries 1/(1-rate) kept with probability 1-rate.
fn dropout_mask(dims: &[usize], rate: f64, like: &Tensor) -> Result<Tensor> {
    let n: usize = dims.iter().product();
    let keep = 1.0 - rate;
    let v: Vec<f64> = session::with_rng(|r| {
        (0..n)
            .map(|_| if r.uniform() < keep { 1.0 / keep } else { 0.0 })
            .collect()
    });
    Ok(Tensor::from_vec(v, dims, like.device())?.to_dtype(like.dtype())?)
}

fn rate_arg(a: &mut Args) -> Result<f64> {
    let rate = match a.opt_f64("rate")? {
        Some(r) => r,
        None => return a.required("rate"),
    };
    if !(0.0..1.0).contains(&rate) {
        return arg_err(format!(
            "Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={rate}"
        ));
    }
    Ok(rate)
}

/// `Dropout(rate)`: inverted dropout while training, identity otherwise.
/// `SpatialDropout1D/2D` drop whole channels.
pub(crate) struct Dropout {
    rate: f64,
    class: &'static str,
}

pub(crate) struct SpatialDropout1D;
pub(crate) struct SpatialDropout2D;

impl Dropout {
    pub(crate) const PARAMS: &'static [&'static str] = &["rate", "noise_shape", "seed"];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        Ok(Box::new(Self {
            rate: rate_arg(a)?,
            class: "Dropout",
        }))
    }
}

impl SpatialDropout1D {
    pub(crate) const PARAMS: &'static [&'static str] = &["rate", "seed"];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        Ok(Box::new(Dropout {
            rate: rate_arg(a)?,
            class: "SpatialDropout1D",
        }))
    }
}

impl SpatialDropout2D {
    pub(crate) const PARAMS: &'static [&'static str] = &["rate", "data_format", "seed"];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        Ok(Box::new(Dropout {
            rate: rate_arg(a)?,
            class: "SpatialDropout2D",
        }))
    }
}

impl LayerKind for Dropout {
    fn class_name(&self) -> &'static str {
        self.class
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        Ok(one(inputs)?.clone())
    }
    fn call(&self, inputs: &[Tensor], _w: &[Weight], training: bool) -> Result<Tensor> {
        let x = &inputs[0];
        if !training || self.rate == 0.0 {
            return Ok(x.clone());
        }
        let dims = x.dims();
        let mask_dims: Vec<usize> = if self.class == "Dropout" {
            dims.to_vec()
        } else {
            // Spatial: one draw per (sample, channel).
            dims.iter()
                .enumerate()
                .map(|(i, d)| if i == 0 || i == dims.len() - 1 { *d } else { 1 })
                .collect()
        };
        let mask = dropout_mask(&mask_dims, self.rate, x)?;
        Ok(x.broadcast_mul(&mask)?)
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![kv("rate", ConfigValue::Float(self.rate))]
    }
}

/// `GaussianNoise(stddev)`: adds N(0, stddev²) noise while training.
pub(crate) struct GaussianNoise {
    stddev: f64,
}

impl GaussianNoise {
    pub(crate) const PARAMS: &'static [&'static str] = &["stddev", "seed"];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        let stddev = match a.opt_f64("stddev")? {
            Some(s) => s,
            None => return a.required("stddev"),
        };
        Ok(Box::new(Self { stddev }))
    }
}

impl LayerKind for GaussianNoise {
    fn class_name(&self) -> &'static str {
        "GaussianNoise"
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        Ok(one(inputs)?.clone())
    }
    fn call(&self, inputs: &[Tensor], _w: &[Weight], training: bool) -> Result<Tensor> {
        let x = &inputs[0];
        if !training {
            return Ok(x.clone());
        }
        let n = x.elem_count();
        let v: Vec<f64> = session::with_rng(|r| (0..n).map(|_| r.normal() * self.stddev).collect());
        let noise = Tensor::from_vec(v, x.dims(), x.device())?.to_dtype(x.dtype())?;
        Ok((x + noise)?)
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![kv("stddev", ConfigValue::Float(self.stddev))]
    }
}

/// `Activation(name)`.
pub(crate) struct ActivationLayer {
    activation: Activation,
}

impl ActivationLayer {
    pub(crate) const PARAMS: &'static [&'static str] = &["activation"];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        if a.take_peek_none("activation") {
            return a.required("activation");
        }
        Ok(Box::new(Self {
            activation: a.activation("activation")?,
        }))
    }
}

impl LayerKind for ActivationLayer {
    fn class_name(&self) -> &'static str {
        "Activation"
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        Ok(one(inputs)?.clone())
    }
    fn call(&self, inputs: &[Tensor], _w: &[Weight], _training: bool) -> Result<Tensor> {
        self.activation.apply(&inputs[0])
    }
    fn call_logits(
        &self,
        inputs: &[Tensor],
        _w: &[Weight],
        _training: bool,
    ) -> Option<Result<Logits>> {
        Logits::ends_with(self.activation)?;
        Some(Ok(Logits::new(inputs[0].clone(), self.activation)))
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![kv(
            "activation",
            ConfigValue::Str(self.activation.name().into()),
        )]
    }
}

/// `Rescaling(scale, offset=0.0)`: `x * scale + offset`.
pub(crate) struct Rescaling {
    scale: f64,
    offset: f64,
}

impl Rescaling {
    pub(crate) const PARAMS: &'static [&'static str] = &["scale", "offset"];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        let scale = match a.opt_f64("scale")? {
            Some(s) => s,
            None => return a.required("scale"),
        };
        Ok(Box::new(Self {
            scale,
            offset: a.f64_or("offset", 0.0)?,
        }))
    }
}

impl LayerKind for Rescaling {
    fn class_name(&self) -> &'static str {
        "Rescaling"
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        Ok(one(inputs)?.clone())
    }
    fn call(&self, inputs: &[Tensor], _w: &[Weight], _training: bool) -> Result<Tensor> {
        Ok(inputs[0].affine(self.scale, self.offset)?)
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![
            kv("scale", ConfigValue::Float(self.scale)),
            kv("offset", ConfigValue::Float(self.offset)),
        ]
    }
}

/// `Embedding(input_dim, output_dim)`: integer ids to vectors.
pub(crate) struct Embedding {
    input_dim: usize,
    output_dim: usize,
    initializer: Initializer,
    regularizer: Option<Regularizer>,
}

impl Embedding {
    pub(crate) const PARAMS: &'static [&'static str] = &[
        "input_dim",
        "output_dim",
        "embeddings_initializer",
        "embeddings_regularizer",
        "embeddings_constraint",
        "mask_zero",
        "weights",
        "lora_rank",
    ];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        // `input_length` is accepted and ignored, as in Keras 3.
        let _ = a.take("input_length");
        Ok(Box::new(Self {
            input_dim: a.usize_req("input_dim")?,
            output_dim: a.usize_req("output_dim")?,
            initializer: a.initializer(
                "embeddings_initializer",
                Initializer::RandomUniform {
                    minval: -0.05,
                    maxval: 0.05,
                },
            )?,
            regularizer: a.regularizer("embeddings_regularizer")?,
        }))
    }
}

impl LayerKind for Embedding {
    fn class_name(&self) -> &'static str {
        "Embedding"
    }
    fn build(&mut self, _inputs: &[Dims], wb: &mut WeightBuilder) -> Result<()> {
        wb.add(
            "embeddings",
            &[self.input_dim, self.output_dim],
            &self.initializer,
            true,
            self.regularizer.clone(),
        )
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        let mut d = one(inputs)?.clone();
        d.push(Some(self.output_dim));
        Ok(d)
    }
    fn call(&self, inputs: &[Tensor], w: &[Weight], _training: bool) -> Result<Tensor> {
        let x = &inputs[0];
        let ids = x.flatten_all()?.to_dtype(DType::F64)?.to_vec1::<f64>()?;
        if let Some(bad) = ids
            .iter()
            .find(|v| **v < 0.0 || **v >= self.input_dim as f64)
        {
            return Err(KerasError::Argument(format!(
                "indices[{bad}] is not in [0, {}): an Embedding's input_dim must exceed the largest index",
                self.input_dim
            )));
        }
        let idx: Vec<u32> = ids.iter().map(|v| *v as u32).collect();
        let idx = Tensor::from_vec(idx, x.elem_count(), x.device())?;
        let rows = w[0].var.as_tensor().index_select(&idx, 0)?;
        let mut shape = x.dims().to_vec();
        shape.push(self.output_dim);
        Ok(rows.reshape(shape)?)
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![
            kv("input_dim", ConfigValue::Int(self.input_dim as i64)),
            kv("output_dim", ConfigValue::Int(self.output_dim as i64)),
            kv("embeddings_initializer", init_value(&self.initializer)),
            kv("embeddings_regularizer", reg_value(&self.regularizer)),
        ]
    }
}

/// `Lambda(function)` over a traced [`LambdaExpr`].
pub(crate) struct Lambda {
    expr: LambdaExpr,
}

impl Lambda {
    pub(crate) const PARAMS: &'static [&'static str] =
        &["function", "output_shape", "mask", "arguments"];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        match a.take("function") {
            Some(ConfigValue::Lambda(expr)) => Ok(Box::new(Self { expr })),
            Some(v) => a.type_error("function", "a traceable lambda", &v),
            None => a.required("function"),
        }
    }
}

/// An intermediate value of a lambda: a scalar constant or a tensor.
enum Val {
    Scalar(f64),
    T(Tensor),
}

fn norm_axis(axis: i64, rank: usize) -> Result<usize> {
    let a = if axis < 0 { axis + rank as i64 } else { axis };
    if a < 0 || a as usize >= rank {
        return shape_err(format!(
            "axis {axis} is out of bounds for a tensor of rank {rank}"
        ));
    }
    Ok(a as usize)
}

fn slice_bounds(len: usize, start: Option<i64>, stop: Option<i64>) -> (usize, usize) {
    let fix = |v: i64| -> usize {
        let v = if v < 0 { v + len as i64 } else { v };
        v.clamp(0, len as i64) as usize
    };
    let s = start.map_or(0, fix);
    let e = stop.map_or(len, fix);
    (s, e.max(s))
}

fn eval(e: &LambdaExpr, x: &Tensor) -> Result<Val> {
    use LambdaExpr as L;
    let bin = |a: &LambdaExpr,
               b: &LambdaExpr,
               op: fn(f64, f64) -> f64,
               top: fn(&Tensor, &Tensor) -> candle_core::Result<Tensor>|
     -> Result<Val> {
        Ok(match (eval(a, x)?, eval(b, x)?) {
            (Val::Scalar(p), Val::Scalar(q)) => Val::Scalar(op(p, q)),
            (Val::T(t), Val::Scalar(q)) => {
                let q = Tensor::new(q, t.device())?.to_dtype(t.dtype())?;
                Val::T(top(&t, &q.broadcast_as(t.shape())?)?)
            }
            (Val::Scalar(p), Val::T(t)) => {
                let p = Tensor::new(p, t.device())?.to_dtype(t.dtype())?;
                Val::T(top(&p.broadcast_as(t.shape())?, &t)?)
            }
            (Val::T(p), Val::T(q)) => {
                let shape = p.shape().broadcast_shape_binary_op(q.shape(), "lambda")?;
                Val::T(top(&p.broadcast_as(&shape)?, &q.broadcast_as(&shape)?)?)
            }
        })
    };
    let tensor = |v: Val| -> Result<Tensor> {
        match v {
            Val::T(t) => Ok(t),
            Val::Scalar(s) => Ok(Tensor::new(s, x.device())?.to_dtype(x.dtype())?),
        }
    };
    Ok(match e {
        L::Input => Val::T(x.clone()),
        L::Const(c) => Val::Scalar(*c),
        L::Add(a, b) => bin(a, b, |p, q| p + q, |p, q| p + q)?,
        L::Sub(a, b) => bin(a, b, |p, q| p - q, |p, q| p - q)?,
        L::Mul(a, b) => bin(a, b, |p, q| p * q, |p, q| p * q)?,
        L::Div(a, b) => bin(a, b, |p, q| p / q, |p, q| p / q)?,
        L::Pow(a, b) => match (eval(a, x)?, eval(b, x)?) {
            (Val::Scalar(p), Val::Scalar(q)) => Val::Scalar(p.powf(q)),
            (Val::T(t), Val::Scalar(q)) => Val::T(if q == 2.0 { t.sqr()? } else { t.powf(q)? }),
            (p, q) => {
                // p ** q = exp(q * log p) for tensor exponents.
                let (p, q) = (tensor(p)?, tensor(q)?);
                let shape = p.shape().broadcast_shape_binary_op(q.shape(), "pow")?;
                Val::T((p.broadcast_as(&shape)?.log()? * q.broadcast_as(&shape)?)?.exp()?)
            }
        },
        L::Neg(a) => match eval(a, x)? {
            Val::Scalar(s) => Val::Scalar(-s),
            Val::T(t) => Val::T(t.neg()?),
        },
        L::Unary(name, a) => {
            let t = tensor(eval(a, x)?)?;
            Val::T(match name.as_str() {
                "abs" => t.abs()?,
                "exp" => t.exp()?,
                "log" => t.log()?,
                "sqrt" => t.sqrt()?,
                "square" => t.sqr()?,
                "tanh" => t.tanh()?,
                "sigmoid" => crate::activations::sigmoid(&t)?,
                "relu" => t.relu()?,
                other => {
                    return arg_err(format!(
                        "Lambda: the function '{other}' is not supported in Dojo"
                    ));
                }
            })
        }
        L::ExpandDims(a, axis) => {
            let t = tensor(eval(a, x)?)?;
            let ax = norm_axis(*axis, t.rank() + 1)?;
            Val::T(t.unsqueeze(ax)?)
        }
        L::Reshape(a, shape) => {
            let t = tensor(eval(a, x)?)?;
            let batch = t.dim(0)?;
            let mut dims: Vec<Option<usize>> = t.dims().iter().map(|d| Some(*d)).collect();
            dims[0] = Some(batch);
            let out = reshape_dims(&dims, shape)?;
            let out: Vec<usize> = out.into_iter().map(|d| d.unwrap_or(batch)).collect();
            Val::T(t.reshape(out)?)
        }
        L::Slice {
            expr,
            axis,
            start,
            stop,
        } => {
            let t = tensor(eval(expr, x)?)?;
            let ax = norm_axis(*axis, t.rank())?;
            let (s, e) = slice_bounds(t.dim(ax)?, *start, *stop);
            Val::T(t.narrow(ax, s, e - s)?)
        }
        L::Take { expr, axis, index } => {
            let t = tensor(eval(expr, x)?)?;
            let ax = norm_axis(*axis, t.rank())?;
            let len = t.dim(ax)? as i64;
            let i = if *index < 0 { index + len } else { *index };
            if i < 0 || i >= len {
                return shape_err(format!(
                    "index {index} is out of bounds for axis {axis} with size {len}"
                ));
            }
            Val::T(t.narrow(ax, i as usize, 1)?.squeeze(ax)?)
        }
    })
}

fn reshape_dims(d: &[Option<usize>], target: &[i64]) -> Result<Dims> {
    // The batch axis may be given as -1 or as the batch size.
    let total = d[1..].iter().try_fold(1usize, |acc, x| x.map(|x| acc * x));
    let rest = &target[1.min(target.len())..];
    let known: usize = rest
        .iter()
        .filter(|x| **x > 0)
        .map(|x| *x as usize)
        .product();
    let mut out = vec![d[0]];
    for &t in rest {
        if t > 0 {
            out.push(Some(t as usize));
        } else {
            out.push(
                total
                    .filter(|t| known > 0 && t % known == 0)
                    .map(|t| t / known),
            );
        }
    }
    Ok(out)
}

fn shape_of(e: &LambdaExpr, d: &Dims) -> Result<Option<Dims>> {
    use LambdaExpr as L;
    let bshape = |a: Option<Dims>, b: Option<Dims>| -> Result<Option<Dims>> {
        Ok(match (a, b) {
            (None, x) | (x, None) => x,
            (Some(a), Some(b)) => {
                let r = a.len().max(b.len());
                let mut out = Vec::with_capacity(r);
                for i in 0..r {
                    let pa = if i + a.len() >= r {
                        a[i + a.len() - r]
                    } else {
                        Some(1)
                    };
                    let pb = if i + b.len() >= r {
                        b[i + b.len() - r]
                    } else {
                        Some(1)
                    };
                    out.push(match (pa, pb) {
                        (Some(1), q) => q,
                        (p, Some(1)) => p,
                        (Some(p), Some(q)) if p != q => {
                            return shape_err(format!(
                                "incompatible shapes {} and {}",
                                super::format_dims(&a),
                                super::format_dims(&b)
                            ));
                        }
                        (p, q) => p.or(q),
                    });
                }
                Some(out)
            }
        })
    };
    Ok(match e {
        L::Input => Some(d.clone()),
        L::Const(_) => None,
        L::Add(a, b) | L::Sub(a, b) | L::Mul(a, b) | L::Div(a, b) | L::Pow(a, b) => {
            bshape(shape_of(a, d)?, shape_of(b, d)?)?
        }
        L::Neg(a) | L::Unary(_, a) => shape_of(a, d)?,
        L::ExpandDims(a, axis) => shape_of(a, d)?
            .map(|mut s| -> Result<Dims> {
                let ax = norm_axis(*axis, s.len() + 1)?;
                s.insert(ax, Some(1));
                Ok(s)
            })
            .transpose()?,
        L::Reshape(a, shape) => shape_of(a, d)?
            .map(|s| reshape_dims(&s, shape))
            .transpose()?,
        L::Slice {
            expr,
            axis,
            start,
            stop,
        } => shape_of(expr, d)?
            .map(|mut s| -> Result<Dims> {
                let ax = norm_axis(*axis, s.len())?;
                s[ax] = s[ax].map(|len| {
                    let (a, b) = slice_bounds(len, *start, *stop);
                    b - a
                });
                Ok(s)
            })
            .transpose()?,
        L::Take { expr, axis, .. } => shape_of(expr, d)?
            .map(|mut s| -> Result<Dims> {
                let ax = norm_axis(*axis, s.len())?;
                s.remove(ax);
                Ok(s)
            })
            .transpose()?,
    })
}

impl LayerKind for Lambda {
    fn class_name(&self) -> &'static str {
        "Lambda"
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        let d = one(inputs)?;
        // A constant-only lambda broadcasts to the input's shape.
        Ok(shape_of(&self.expr, d)?.unwrap_or_else(|| d.clone()))
    }
    fn call(&self, inputs: &[Tensor], _w: &[Weight], _training: bool) -> Result<Tensor> {
        let x = &inputs[0];
        match eval(&self.expr, x)? {
            Val::T(t) => Ok(t),
            Val::Scalar(s) => Ok(x.ones_like()?.affine(0.0, s)?),
        }
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![kv("function", ConfigValue::Lambda(self.expr.clone()))]
    }
}
