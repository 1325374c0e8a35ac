//! Losses by Keras name or class, with Keras's formulas: probabilities are
//! clipped to [1e-7, 1 - 1e-7], `from_logits` uses the stable forms, and the
//! batch reduction is the mean over samples ("sum_over_batch_size").

use candle_core::{DType, Tensor};

use crate::activations::{Activation, log_softmax_last, softplus};
use crate::config::{Args, ConfigValue};
use crate::error::{KerasError, Result, not_available};

/// Keras's `backend.epsilon()`.
pub const EPSILON: f64 = 1e-7;

/// A loss function.
#[derive(Clone, Debug, PartialEq)]
pub enum Loss {
    MeanSquaredError,
    MeanAbsoluteError,
    Huber {
        delta: f64,
    },
    BinaryCrossentropy {
        from_logits: bool,
        label_smoothing: f64,
    },
    CategoricalCrossentropy {
        from_logits: bool,
        label_smoothing: f64,
    },
    SparseCategoricalCrossentropy {
        from_logits: bool,
    },
}

/// Accepted names: Keras's function names, short aliases and class names.
pub const LOSS_NAMES: &[&str] = &[
    "mean_squared_error",
    "mse",
    "MeanSquaredError",
    "mean_absolute_error",
    "mae",
    "MeanAbsoluteError",
    "huber",
    "Huber",
    "binary_crossentropy",
    "BinaryCrossentropy",
    "categorical_crossentropy",
    "CategoricalCrossentropy",
    "sparse_categorical_crossentropy",
    "SparseCategoricalCrossentropy",
];

/// `keras.losses.<name>(*positional, **keywords)`; a plain string name
/// (`loss="mse"`) is `build(name, vec![], vec![])`.
pub fn build(
    name: &str,
    positional: Vec<ConfigValue>,
    keywords: Vec<(String, ConfigValue)>,
) -> Result<Loss> {
    const BASE: &[&str] = &["reduction", "name", "dtype"];
    let class = match name {
        "mean_squared_error" | "mse" | "MeanSquaredError" => "MeanSquaredError",
        "mean_absolute_error" | "mae" | "MeanAbsoluteError" => "MeanAbsoluteError",
        "huber" | "Huber" | "huber_loss" => "Huber",
        "binary_crossentropy" | "BinaryCrossentropy" => "BinaryCrossentropy",
        "categorical_crossentropy" | "CategoricalCrossentropy" => "CategoricalCrossentropy",
        "sparse_categorical_crossentropy" | "SparseCategoricalCrossentropy" => {
            "SparseCategoricalCrossentropy"
        }
        other => return Err(not_available("losses", other, LOSS_NAMES)),
    };
    let params: &[&str] = match class {
        "Huber" => &["delta"],
        "BinaryCrossentropy" | "CategoricalCrossentropy" => {
            &["from_logits", "label_smoothing", "axis"]
        }
        "SparseCategoricalCrossentropy" => &["from_logits", "ignore_class", "axis"],
        _ => &[],
    };
    let mut a = Args::parse(class, params, BASE, positional, keywords)?;
    let reduction = a.choice(
        "reduction",
        "sum_over_batch_size",
        &["sum_over_batch_size", "auto"],
    )?;
    let _ = reduction;
    Ok(match class {
        "MeanSquaredError" => Loss::MeanSquaredError,
        "MeanAbsoluteError" => Loss::MeanAbsoluteError,
        "Huber" => Loss::Huber {
            delta: a.f64_or("delta", 1.0)?,
        },
        "BinaryCrossentropy" => Loss::BinaryCrossentropy {
            from_logits: a.bool_or("from_logits", false)?,
            label_smoothing: a.f64_or("label_smoothing", 0.0)?,
        },
        "CategoricalCrossentropy" => Loss::CategoricalCrossentropy {
            from_logits: a.bool_or("from_logits", false)?,
            label_smoothing: a.f64_or("label_smoothing", 0.0)?,
        },
        _ => Loss::SparseCategoricalCrossentropy {
            from_logits: a.bool_or("from_logits", false)?,
        },
    })
}

/// `y_true` squeezed or expanded to the rank of `y_pred` when they differ
/// by a trailing 1, as Keras's `squeeze_or_expand_to_same_rank`.
fn same_rank(y_true: &Tensor, y_pred: &Tensor) -> Result<Tensor> {
    let (rt, rp) = (y_true.rank(), y_pred.rank());
    Ok(if rt + 1 == rp && y_pred.dim(rp - 1)? == 1 {
        y_true.unsqueeze(rt)?
    } else if rp + 1 == rt && y_true.dim(rt - 1)? == 1 {
        y_true.squeeze(rt - 1)?
    } else {
        y_true.clone()
    })
}

/// Makes `y_true` the shape of `y_pred` (see [`same_rank`]); any other
/// difference is a [`KerasError::TargetShape`]. For losses and metrics
/// that compare class scores, where Keras does not broadcast either.
pub(crate) fn align(y_true: &Tensor, y_pred: &Tensor) -> Result<Tensor> {
    let y = same_rank(y_true, y_pred)?;
    if y.dims() != y_pred.dims() {
        return Err(KerasError::TargetShape {
            target: y_true.dims().to_vec(),
            output: y_pred.dims().to_vec(),
        });
    }
    Ok(y.to_dtype(y_pred.dtype())?)
}

/// `y_pred - y_true` as Keras's regression losses and metrics compute it:
/// ranks made the same ([`same_rank`]), then broadcast. So a model with
/// output `(batch, 1)` trained on targets `(batch, 30, 1)` (the exam's
/// sunspots starter does) compares each prediction with all 30 targets,
/// as TensorFlow does.
pub(crate) fn difference(y_true: &Tensor, y_pred: &Tensor) -> Result<Tensor> {
    let y = same_rank(y_true, y_pred)?.to_dtype(y_pred.dtype())?;
    if y.dims() == y_pred.dims() {
        return Ok((y_pred - y)?);
    }
    let refuse = || KerasError::TargetShape {
        target: y_true.dims().to_vec(),
        output: y_pred.dims().to_vec(),
    };
    // The batch axis must agree; the others broadcast where one side is 1.
    if y.rank() != y_pred.rank() || y.dim(0)? != y_pred.dim(0)? {
        return Err(refuse());
    }
    let shape: Option<Vec<usize>> = y
        .dims()
        .iter()
        .zip(y_pred.dims())
        .map(|(&a, &b)| match (a, b) {
            _ if a == b => Some(a),
            (1, b) => Some(b),
            (a, 1) => Some(a),
            _ => None,
        })
        .collect();
    let shape = shape.ok_or_else(refuse)?;
    Ok(y_pred
        .broadcast_as(shape.as_slice())?
        .sub(&y.broadcast_as(shape.as_slice())?)?)
}

/// One-hot rows for integer labels (any shape) with `classes` columns.
pub(crate) fn one_hot(labels: &Tensor, classes: usize, like: &Tensor) -> Result<Tensor> {
    let ids = labels
        .flatten_all()?
        .to_dtype(DType::F64)?
        .to_vec1::<f64>()?;
    let mut v = vec![0f64; ids.len() * classes];
    for (i, id) in ids.iter().enumerate() {
        if *id < 0.0 || *id >= classes as f64 || id.fract() != 0.0 {
            return Err(KerasError::Argument(format!(
                "Received a label value of {id} which is outside the valid range of [0, {classes}). Check the labels of a sparse categorical loss or metric: they must be integer class ids."
            )));
        }
        v[i * classes + *id as usize] = 1.0;
    }
    Ok(Tensor::from_vec(v, (ids.len(), classes), like.device())?.to_dtype(like.dtype())?)
}

impl Loss {
    /// Keras's name of the loss function (as `loss.name`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::MeanSquaredError => "mean_squared_error",
            Self::MeanAbsoluteError => "mean_absolute_error",
            Self::Huber { .. } => "huber_loss",
            Self::BinaryCrossentropy { .. } => "binary_crossentropy",
            Self::CategoricalCrossentropy { .. } => "categorical_crossentropy",
            Self::SparseCategoricalCrossentropy { .. } => "sparse_categorical_crossentropy",
        }
    }

    /// The per-sample losses, shape `[batch]`.
    pub fn per_sample(&self, y_true: &Tensor, y_pred: &Tensor) -> Result<Tensor> {
        let last = y_pred.rank().saturating_sub(1);
        let mean_rest = |t: Tensor| -> Result<Tensor> {
            let b = t.dim(0)?;
            Ok(t.reshape((b, ()))?.mean(1)?)
        };
        Ok(match self {
            Self::MeanSquaredError => mean_rest(difference(y_true, y_pred)?.sqr()?)?,
            Self::MeanAbsoluteError => mean_rest(difference(y_true, y_pred)?.abs()?)?,
            Self::Huber { delta } => {
                let err = difference(y_true, y_pred)?.abs()?;
                let small = err.minimum(*delta)?;
                // 0.5 q^2 + delta (|e| - q) with q = min(|e|, delta).
                mean_rest(((small.sqr()? * 0.5)? + ((err - &small)? * *delta)?)?)?
            }
            Self::BinaryCrossentropy {
                from_logits,
                label_smoothing,
            } => {
                let mut y = align(y_true, y_pred)?;
                if *label_smoothing > 0.0 {
                    y = y.affine(1.0 - label_smoothing, 0.5 * label_smoothing)?;
                }
                let l = if *from_logits {
                    // relu(x) - x y + log(1 + exp(-|x|))
                    (softplus(y_pred)? - (y_pred * &y)?)?
                } else {
                    let p = y_pred.clamp(EPSILON, 1.0 - EPSILON)?;
                    let one_minus = p.affine(-1.0, 1.0)?;
                    ((&y * p.log()?)? + (y.affine(-1.0, 1.0)? * one_minus.log()?)?)?.neg()?
                };
                mean_rest(l)?
            }
            Self::CategoricalCrossentropy {
                from_logits,
                label_smoothing,
            } => {
                let mut y = align(y_true, y_pred)?;
                if *label_smoothing > 0.0 {
                    let k = y_pred.dim(last)? as f64;
                    y = y.affine(1.0 - label_smoothing, label_smoothing / k)?;
                }
                let logp = self.log_probs(y_pred, *from_logits)?;
                let l = (y * logp)?.sum(last)?.neg()?;
                mean_rest(l)?
            }
            Self::SparseCategoricalCrossentropy { from_logits } => {
                let classes = y_pred.dim(last)?;
                let logp = self.log_probs(y_pred, *from_logits)?;
                let flat = logp.reshape(((), classes))?;
                let y = one_hot(y_true, classes, &flat)?;
                if y.dim(0)? != flat.dim(0)? {
                    return Err(KerasError::Shape(format!(
                        "sparse labels of shape {:?} do not match predictions of shape {:?}",
                        y_true.dims(),
                        y_pred.dims()
                    )));
                }
                let l = (y * flat)?.sum(1)?.neg()?;
                mean_rest(l.reshape((y_pred.dim(0)?, ()))?)?
            }
        })
    }

    fn log_probs(&self, y_pred: &Tensor, from_logits: bool) -> Result<Tensor> {
        if from_logits {
            return Ok(log_softmax_last(y_pred)?);
        }
        let last = y_pred.rank() - 1;
        let p = y_pred.broadcast_div(&y_pred.sum_keepdim(last)?)?;
        Ok(p.clamp(EPSILON, 1.0 - EPSILON)?.log()?)
    }

    /// The batch loss: the mean of the per-sample losses.
    pub fn compute(&self, y_true: &Tensor, y_pred: &Tensor) -> Result<Tensor> {
        Ok(self.per_sample(y_true, y_pred)?.mean_all()?)
    }

    /// [`Loss::compute`] of a model whose output ends with a sigmoid or a
    /// softmax, given the values before it. Keras 3's TensorFlow backend
    /// computes the crossentropies from those logits (`_get_logits` in
    /// `keras/src/backend/tensorflow/nn.py`): a saturated output keeps its
    /// true loss and a non-zero gradient, where the clipped probabilities
    /// would give 16.1 and none. Checked with TF 2.21 (`Dense(1, "sigmoid")`
    /// with logit 50 and label 0 evaluates to 50.0, not 16.1; the script is
    /// beside the test `crossentropy_of_a_saturated_sigmoid_uses_its_logits`).
    pub fn compute_with_logits(
        &self,
        y_true: &Tensor,
        y_pred: &Tensor,
        logits: Option<&Logits>,
    ) -> Result<Tensor> {
        let Some(logits) = logits else {
            return self.compute(y_true, y_pred);
        };
        let from_logits = match (self, logits.activation) {
            (
                Self::BinaryCrossentropy {
                    from_logits: false,
                    label_smoothing,
                },
                Activation::Sigmoid,
            ) => Self::BinaryCrossentropy {
                from_logits: true,
                label_smoothing: *label_smoothing,
            },
            (
                Self::CategoricalCrossentropy {
                    from_logits: false,
                    label_smoothing,
                },
                Activation::Softmax,
            ) => Self::CategoricalCrossentropy {
                from_logits: true,
                label_smoothing: *label_smoothing,
            },
            (Self::SparseCategoricalCrossentropy { from_logits: false }, Activation::Softmax) => {
                Self::SparseCategoricalCrossentropy { from_logits: true }
            }
            _ => return self.compute(y_true, y_pred),
        };
        from_logits.compute(y_true, &logits.tensor)
    }
}

/// A model output's values before its final sigmoid or softmax.
#[derive(Clone, Debug)]
pub struct Logits {
    pub tensor: Tensor,
    pub activation: Activation,
}

impl Logits {
    pub(crate) fn new(tensor: Tensor, activation: Activation) -> Logits {
        Logits { tensor, activation }
    }

    /// `Some` where `activation` is one whose logits Keras keeps.
    pub(crate) fn ends_with(activation: Activation) -> Option<()> {
        matches!(activation, Activation::Sigmoid | Activation::Softmax).then_some(())
    }

    /// The model output: the activation applied to the logits.
    pub fn output(&self) -> Result<Tensor> {
        self.activation.apply(&self.tensor)
    }
}
