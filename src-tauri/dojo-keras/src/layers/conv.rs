//! Convolution and pooling layers (channels-last, as Keras's default).

use candle_core::Tensor;

use super::backend::{self, Padding, out_size};
use super::util::{last_known, one, rank};
use super::{Dims, LayerKind, PoolSpec, Weight, WeightBuilder};
use crate::activations::Activation;
use crate::config::{Args, ConfigValue, ints_value};
use crate::error::{Result, arg_err, shape_err};
use crate::initializers::Initializer;
use crate::regularizers::Regularizer;

fn kv(k: &str, v: ConfigValue) -> (String, ConfigValue) {
    (k.to_string(), v)
}

fn padding_arg(a: &mut Args, allow_causal: bool) -> Result<Padding> {
    let choices: &[&str] = if allow_causal {
        &["valid", "same", "causal"]
    } else {
        &["valid", "same"]
    };
    Ok(match a.choice("padding", "valid", choices)?.as_str() {
        "same" => Padding::Same,
        "causal" => Padding::Causal,
        _ => Padding::Valid,
    })
}

fn padding_name(p: Padding) -> &'static str {
    match p {
        Padding::Valid => "valid",
        Padding::Same => "same",
        Padding::Causal => "causal",
    }
}

fn channels_last(a: &mut Args) -> Result<()> {
    match a.opt_str("data_format")?.as_deref() {
        None | Some("channels_last") => Ok(()),
        Some(other) => arg_err(format!(
            "{}(): data_format='{other}' is not supported in Dojo; use 'channels_last'",
            a.func()
        )),
    }
}

/// `Conv1D` / `Conv2D` with `rank` spatial axes.
pub(crate) struct Conv {
    rank: usize,
    filters: usize,
    kernel: Vec<usize>,
    strides: Vec<usize>,
    padding: Padding,
    dilation: Vec<usize>,
    activation: Activation,
    use_bias: bool,
    kernel_initializer: Initializer,
    bias_initializer: Initializer,
    kernel_regularizer: Option<Regularizer>,
    bias_regularizer: Option<Regularizer>,
}

pub(crate) struct Conv1D;
pub(crate) struct Conv2D;

const CONV_PARAMS: &[&str] = &[
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "data_format",
    "dilation_rate",
    "groups",
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

impl Conv {
    fn from_args(a: &mut Args, rank: usize) -> Result<Box<dyn LayerKind>> {
        channels_last(a)?;
        if a.opt_usize("groups")?.is_some_and(|g| g != 1) {
            return arg_err(format!(
                "{}(): groups other than 1 are not supported in Dojo",
                a.func()
            ));
        }
        let conv = Self {
            rank,
            filters: a.usize_req("filters")?,
            kernel: a.ints_or("kernel_size", rank, None)?,
            strides: a.ints_or("strides", rank, Some(1))?,
            padding: padding_arg(a, rank == 1)?,
            dilation: a.ints_or("dilation_rate", rank, Some(1))?,
            activation: a.activation("activation")?,
            use_bias: a.bool_or("use_bias", true)?,
            kernel_initializer: a.initializer("kernel_initializer", Initializer::GlorotUniform)?,
            bias_initializer: a.initializer("bias_initializer", Initializer::Zeros)?,
            kernel_regularizer: a.regularizer("kernel_regularizer")?,
            bias_regularizer: a.regularizer("bias_regularizer")?,
        };
        if conv.strides.iter().any(|s| *s > 1) && conv.dilation.iter().any(|d| *d > 1) {
            return arg_err(format!(
                "{}(): strides > 1 together with dilation_rate > 1 is not supported (as in Keras)",
                a.func()
            ));
        }
        Ok(Box::new(conv))
    }
}

impl Conv1D {
    pub(crate) const PARAMS: &'static [&'static str] = CONV_PARAMS;
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        Conv::from_args(a, 1)
    }
}

impl Conv2D {
    pub(crate) const PARAMS: &'static [&'static str] = CONV_PARAMS;
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        Conv::from_args(a, 2)
    }
}

impl LayerKind for Conv {
    fn class_name(&self) -> &'static str {
        if self.rank == 1 { "Conv1D" } else { "Conv2D" }
    }
    fn build(&mut self, inputs: &[Dims], wb: &mut WeightBuilder) -> Result<()> {
        let c = last_known(one(inputs)?, self.class_name())?;
        let mut shape = self.kernel.clone();
        shape.extend([c, self.filters]);
        wb.add(
            "kernel",
            &shape,
            &self.kernel_initializer,
            true,
            self.kernel_regularizer.clone(),
        )?;
        if self.use_bias {
            wb.add(
                "bias",
                &[self.filters],
                &self.bias_initializer,
                true,
                self.bias_regularizer.clone(),
            )?;
        }
        Ok(())
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        let d = one(inputs)?;
        rank(d, self.rank + 2, self.class_name())?;
        last_known(d, self.class_name())?;
        let mut out = vec![d[0]];
        for i in 0..self.rank {
            let o = d[i + 1].map(|n| {
                out_size(
                    n,
                    self.kernel[i],
                    self.strides[i],
                    self.dilation[i],
                    self.padding,
                )
            });
            if o == Some(0) {
                return shape_err(format!(
                    "the input of {} is too small for its kernel: input {}, kernel_size {:?}",
                    self.class_name(),
                    super::format_dims(d),
                    self.kernel
                ));
            }
            out.push(o);
        }
        out.push(Some(self.filters));
        Ok(out)
    }
    fn call_max_pooled(
        &self,
        inputs: &[Tensor],
        w: &[Weight],
        pool: PoolSpec,
    ) -> Option<Result<Tensor>> {
        let (x, k) = (inputs.first()?, w.first()?.var.as_tensor());
        let act = self.activation.pointwise()?;
        if self.rank != 2 || !crate::ops::has_custom_op(x) || k.dtype() != x.dtype() {
            return None;
        }
        let pooled = || -> Result<Tensor> {
            let bias = match w.get(1) {
                Some(b) if self.use_bias => b.var.as_tensor().clone(),
                _ => Tensor::zeros(self.filters, x.dtype(), x.device())?,
            };
            Ok(crate::ops::conv2d_bias_activation_max_pool(
                x,
                k,
                &bias,
                act,
                (self.strides[0], self.strides[1]),
                self.padding,
                (self.dilation[0], self.dilation[1]),
                pool,
            )?)
        };
        Some(pooled())
    }
    fn call(&self, inputs: &[Tensor], w: &[Weight], _training: bool) -> Result<Tensor> {
        let x = &inputs[0];
        let k = w[0].var.as_tensor();
        if let Some(act) = self.activation.pointwise()
            && crate::ops::has_custom_op(x)
            && k.dtype() == x.dtype()
        {
            let bias = if self.use_bias {
                w[1].var.as_tensor().clone()
            } else {
                Tensor::zeros(self.filters, x.dtype(), x.device())?
            };
            return Ok(if self.rank == 1 {
                crate::ops::conv1d_bias_activation(
                    x,
                    k,
                    &bias,
                    act,
                    self.strides[0],
                    self.padding,
                    self.dilation[0],
                )?
            } else {
                crate::ops::conv2d_bias_activation(
                    x,
                    k,
                    &bias,
                    act,
                    (self.strides[0], self.strides[1]),
                    self.padding,
                    (self.dilation[0], self.dilation[1]),
                )?
            });
        }
        let mut y = if self.rank == 1 {
            backend::conv1d(x, k, self.strides[0], self.padding, self.dilation[0])?
        } else {
            backend::conv2d(
                x,
                k,
                (self.strides[0], self.strides[1]),
                self.padding,
                (self.dilation[0], self.dilation[1]),
            )?
        };
        if self.use_bias {
            y = y.broadcast_add(w[1].var.as_tensor())?;
        }
        self.activation.apply(&y)
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![
            kv("filters", ConfigValue::Int(self.filters as i64)),
            kv("kernel_size", ints_value(&self.kernel)),
            kv("strides", ints_value(&self.strides)),
            kv(
                "padding",
                ConfigValue::Str(padding_name(self.padding).into()),
            ),
            kv("dilation_rate", ints_value(&self.dilation)),
            kv(
                "activation",
                ConfigValue::Str(self.activation.name().into()),
            ),
            kv("use_bias", ConfigValue::Bool(self.use_bias)),
            kv(
                "kernel_initializer",
                ConfigValue::Initializer(self.kernel_initializer.clone()),
            ),
            kv(
                "bias_initializer",
                ConfigValue::Initializer(self.bias_initializer.clone()),
            ),
            kv(
                "kernel_regularizer",
                self.kernel_regularizer
                    .clone()
                    .map_or(ConfigValue::None, ConfigValue::Regularizer),
            ),
            kv(
                "bias_regularizer",
                self.bias_regularizer
                    .clone()
                    .map_or(ConfigValue::None, ConfigValue::Regularizer),
            ),
        ]
    }
}

/// Max/average pooling with `rank` spatial axes.
pub(crate) struct Pool {
    rank: usize,
    max: bool,
    pool: Vec<usize>,
    strides: Vec<usize>,
    padding: Padding,
}

pub(crate) struct MaxPooling1D;
pub(crate) struct MaxPooling2D;
pub(crate) struct AveragePooling1D;
pub(crate) struct AveragePooling2D;

const POOL_PARAMS: &[&str] = &["pool_size", "strides", "padding", "data_format"];

impl Pool {
    fn from_args(a: &mut Args, rank: usize, max: bool) -> Result<Box<dyn LayerKind>> {
        channels_last(a)?;
        // Keras 3: max pooling defaults to 2; average pooling requires it.
        let pool = a.ints_or("pool_size", rank, if max { Some(2) } else { None })?;
        let strides = if a.take_peek_none("strides") {
            pool.clone()
        } else {
            a.ints_or("strides", rank, None)?
        };
        Ok(Box::new(Self {
            rank,
            max,
            pool,
            strides,
            padding: padding_arg(a, false)?,
        }))
    }
}

macro_rules! pool_ctor {
    ($ty:ident, $rank:expr, $max:expr) => {
        impl $ty {
            pub(crate) const PARAMS: &'static [&'static str] = POOL_PARAMS;
            pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
                Pool::from_args(a, $rank, $max)
            }
        }
    };
}
pool_ctor!(MaxPooling1D, 1, true);
pool_ctor!(MaxPooling2D, 2, true);
pool_ctor!(AveragePooling1D, 1, false);
pool_ctor!(AveragePooling2D, 2, false);

impl LayerKind for Pool {
    fn class_name(&self) -> &'static str {
        match (self.rank, self.max) {
            (1, true) => "MaxPooling1D",
            (_, true) => "MaxPooling2D",
            (1, false) => "AveragePooling1D",
            (_, false) => "AveragePooling2D",
        }
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        let d = one(inputs)?;
        rank(d, self.rank + 2, self.class_name())?;
        let mut out = vec![d[0]];
        for i in 0..self.rank {
            let o = d[i + 1].map(|n| out_size(n, self.pool[i], self.strides[i], 1, self.padding));
            if o == Some(0) {
                return shape_err(format!(
                    "Computed output size would be negative: the input {} of {} is smaller than pool_size {:?}",
                    super::format_dims(d),
                    self.class_name(),
                    self.pool
                ));
            }
            out.push(o);
        }
        out.push(d[self.rank + 1]);
        Ok(out)
    }
    fn max_pool_2d(&self) -> Option<PoolSpec> {
        (self.rank == 2 && self.max).then(|| {
            (
                (self.pool[0], self.pool[1]),
                (self.strides[0], self.strides[1]),
                self.padding,
            )
        })
    }
    fn call(&self, inputs: &[Tensor], _w: &[Weight], _training: bool) -> Result<Tensor> {
        let x = &inputs[0];
        Ok(match (self.rank, self.max) {
            (1, true) => backend::max_pool1d(x, self.pool[0], self.strides[0], self.padding)?,
            (1, false) => backend::avg_pool1d(x, self.pool[0], self.strides[0], self.padding)?,
            (_, true) => backend::max_pool2d(
                x,
                (self.pool[0], self.pool[1]),
                (self.strides[0], self.strides[1]),
                self.padding,
            )?,
            (_, false) => backend::avg_pool2d(
                x,
                (self.pool[0], self.pool[1]),
                (self.strides[0], self.strides[1]),
                self.padding,
            )?,
        })
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![
            kv("pool_size", ints_value(&self.pool)),
            kv("strides", ints_value(&self.strides)),
            kv(
                "padding",
                ConfigValue::Str(padding_name(self.padding).into()),
            ),
        ]
    }
}

/// Global average/max pooling over all spatial axes.
pub(crate) struct GlobalPool {
    rank: usize,
    max: bool,
    keepdims: bool,
}

pub(crate) struct GlobalAveragePooling1D;
pub(crate) struct GlobalAveragePooling2D;
pub(crate) struct GlobalMaxPooling1D;
pub(crate) struct GlobalMaxPooling2D;

macro_rules! global_ctor {
    ($ty:ident, $rank:expr, $max:expr) => {
        impl $ty {
            pub(crate) const PARAMS: &'static [&'static str] = &["data_format", "keepdims"];
            pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
                channels_last(a)?;
                Ok(Box::new(GlobalPool {
                    rank: $rank,
                    max: $max,
                    keepdims: a.bool_or("keepdims", false)?,
                }))
            }
        }
    };
}
global_ctor!(GlobalAveragePooling1D, 1, false);
global_ctor!(GlobalAveragePooling2D, 2, false);
global_ctor!(GlobalMaxPooling1D, 1, true);
global_ctor!(GlobalMaxPooling2D, 2, true);

impl LayerKind for GlobalPool {
    fn class_name(&self) -> &'static str {
        match (self.rank, self.max) {
            (1, false) => "GlobalAveragePooling1D",
            (_, false) => "GlobalAveragePooling2D",
            (1, true) => "GlobalMaxPooling1D",
            (_, true) => "GlobalMaxPooling2D",
        }
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        let d = one(inputs)?;
        rank(d, self.rank + 2, self.class_name())?;
        let c = d[self.rank + 1];
        if self.keepdims {
            let mut out = vec![d[0]];
            out.extend(std::iter::repeat_n(Some(1), self.rank));
            out.push(c);
            Ok(out)
        } else {
            Ok(vec![d[0], c])
        }
    }
    fn call(&self, inputs: &[Tensor], _w: &[Weight], _training: bool) -> Result<Tensor> {
        let x = &inputs[0];
        let y = if self.max {
            backend::global_max(x)?
        } else {
            backend::global_mean(x)?
        };
        if self.keepdims {
            let mut shape = vec![y.dim(0)?];
            shape.extend(std::iter::repeat_n(1, self.rank));
            shape.push(y.dim(1)?);
            Ok(y.reshape(shape)?)
        } else {
            Ok(y)
        }
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![kv("keepdims", ConfigValue::Bool(self.keepdims))]
    }
}
