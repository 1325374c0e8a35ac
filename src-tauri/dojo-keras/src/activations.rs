//! Activation functions by Keras name.

use candle_core::Tensor;

use crate::error::{Result, not_available};

/// A Keras activation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Linear,
    Relu,
    Sigmoid,
    Tanh,
    Softmax,
    Elu,
    Selu,
    Gelu,
    Swish,
    LeakyRelu,
    Softplus,
    Relu6,
}

/// Names accepted by `activation=`.
pub const ACTIVATION_NAMES: &[&str] = &[
    "linear",
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "elu",
    "selu",
    "gelu",
    "swish",
    "silu",
    "leaky_relu",
    "softplus",
    "relu6",
];

impl Activation {
    pub fn from_name(name: &str) -> Result<Self> {
        Ok(match name {
            "linear" | "None" => Self::Linear,
            "relu" => Self::Relu,
            "sigmoid" => Self::Sigmoid,
            "tanh" => Self::Tanh,
            "softmax" => Self::Softmax,
            "elu" => Self::Elu,
            "selu" => Self::Selu,
            "gelu" => Self::Gelu,
            "swish" | "silu" => Self::Swish,
            "leaky_relu" => Self::LeakyRelu,
            "softplus" => Self::Softplus,
            "relu6" => Self::Relu6,
            other => {
                return Err(not_available("activations", other, ACTIVATION_NAMES));
            }
        })
    }

    /// The Keras name (used in configs).
    pub fn name(self) -> &'static str {
        match self {
            Self::Linear => "linear",
            Self::Relu => "relu",
            Self::Sigmoid => "sigmoid",
            Self::Tanh => "tanh",
            Self::Softmax => "softmax",
            Self::Elu => "elu",
            Self::Selu => "selu",
            Self::Gelu => "gelu",
            Self::Swish => "swish",
            Self::LeakyRelu => "leaky_relu",
            Self::Softplus => "softplus",
            Self::Relu6 => "relu6",
        }
    }

    /// Applies the activation; softmax is over the last axis.
    /// The fused CPU kernel for this activation, when there is one (see
    /// [`crate::ops::bias_activation`]).
    pub(crate) fn pointwise(self) -> Option<crate::ops::Pointwise> {
        use crate::ops::Pointwise;
        match self {
            Self::Linear => Some(Pointwise::Linear),
            Self::Relu => Some(Pointwise::Relu),
            Self::Sigmoid => Some(Pointwise::Sigmoid),
            Self::Tanh => Some(Pointwise::Tanh),
            _ => None,
        }
    }

    pub fn apply(self, x: &Tensor) -> Result<Tensor> {
        Ok(match self {
            Self::Linear => x.clone(),
            Self::Relu => x.relu()?,
            Self::Sigmoid => sigmoid(x)?,
            Self::Tanh => x.tanh()?,
            Self::Softmax => softmax_last(x)?,
            Self::Elu => elu(x, 1.0)?,
            Self::Selu => (elu(x, 1.673_263_242_354_377_3)? * 1.050_700_987_355_480_5)?,
            // Keras's gelu defaults to approximate=False (the erf form).
            Self::Gelu => x.gelu_erf()?,
            Self::Swish => (x * sigmoid(x)?)?,
            // Keras's leaky_relu default negative_slope is 0.2.
            Self::LeakyRelu => x.maximum(&(x * 0.2)?)?,
            Self::Softplus => softplus(x)?,
            Self::Relu6 => x.relu()?.minimum(6.0)?,
        })
    }
}

/// 1 / (1 + exp(-x)), differentiable.
pub(crate) fn sigmoid(x: &Tensor) -> candle_core::Result<Tensor> {
    (x.neg()?.exp()? + 1.0)?.recip()
}

/// Numerically stable softmax over the last axis.
pub(crate) fn softmax_last(x: &Tensor) -> candle_core::Result<Tensor> {
    let last = x.rank() - 1;
    let max = x.max_keepdim(last)?.detach();
    let e = x.broadcast_sub(&max)?.exp()?;
    e.broadcast_div(&e.sum_keepdim(last)?)
}

/// Log-softmax over the last axis.
pub(crate) fn log_softmax_last(x: &Tensor) -> candle_core::Result<Tensor> {
    let last = x.rank() - 1;
    let max = x.max_keepdim(last)?.detach();
    let shifted = x.broadcast_sub(&max)?;
    shifted.broadcast_sub(&shifted.exp()?.sum_keepdim(last)?.log()?)
}

/// log(1 + exp(x)) computed stably as relu(x) + log(1 + exp(-|x|)).
pub(crate) fn softplus(x: &Tensor) -> candle_core::Result<Tensor> {
    x.relu()? + (x.abs()?.neg()?.exp()? + 1.0)?.log()?
}

fn elu(x: &Tensor, alpha: f64) -> candle_core::Result<Tensor> {
    // relu(x) + alpha * (exp(min(x, 0)) - 1), differentiable everywhere.
    x.relu()? + ((x.minimum(0.0)?.exp()? - 1.0)? * alpha)?
}
