//! Metrics reported by fit/evaluate. `"accuracy"` is resolved to binary,
//! categorical or sparse categorical accuracy from the shapes of the first
//! batch, as Keras does.

use candle_core::{DType, Tensor};

use crate::config::{Args, ConfigValue};
use crate::error::{Result, not_available};
use crate::losses::{Loss, align, difference};

/// What a metric computes.
#[derive(Clone, Debug, PartialEq)]
pub enum MetricKind {
    /// `"accuracy"`/`"acc"`: resolved on first use.
    Accuracy,
    BinaryAccuracy {
        threshold: f64,
    },
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    MeanAbsoluteError,
    MeanSquaredError,
    RootMeanSquaredError,
    /// A loss used as a metric (e.g. `metrics=["binary_crossentropy"]`).
    LossMetric(Loss),
}

/// A metric with its log key and running mean.
#[derive(Clone, Debug)]
pub struct Metric {
    /// The key in logs and history (`accuracy`, `acc`, `mae`, ...).
    pub name: String,
    pub kind: MetricKind,
    total: f64,
    count: f64,
}

/// Accepted metric names.
pub const METRIC_NAMES: &[&str] = &[
    "accuracy",
    "acc",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "mae",
    "mean_absolute_error",
    "mse",
    "mean_squared_error",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "MeanAbsoluteError",
    "MeanSquaredError",
    "RootMeanSquaredError",
];

/// `keras.metrics.<name>(...)` or a string in `metrics=[...]`.
pub fn build(
    name: &str,
    positional: Vec<ConfigValue>,
    keywords: Vec<(String, ConfigValue)>,
) -> Result<Metric> {
    let (kind, default_name) = match name {
        "accuracy" | "acc" => (MetricKind::Accuracy, name),
        "binary_accuracy" | "BinaryAccuracy" => (
            MetricKind::BinaryAccuracy { threshold: 0.5 },
            "binary_accuracy",
        ),
        "categorical_accuracy" | "CategoricalAccuracy" => {
            (MetricKind::CategoricalAccuracy, "categorical_accuracy")
        }
        "sparse_categorical_accuracy" | "SparseCategoricalAccuracy" => (
            MetricKind::SparseCategoricalAccuracy,
            "sparse_categorical_accuracy",
        ),
        "mae" => (MetricKind::MeanAbsoluteError, "mae"),
        "mean_absolute_error" | "MeanAbsoluteError" => {
            (MetricKind::MeanAbsoluteError, "mean_absolute_error")
        }
        "mse" => (MetricKind::MeanSquaredError, "mse"),
        "mean_squared_error" | "MeanSquaredError" => {
            (MetricKind::MeanSquaredError, "mean_squared_error")
        }
        "RootMeanSquaredError" | "root_mean_squared_error" => {
            (MetricKind::RootMeanSquaredError, "root_mean_squared_error")
        }
        other => match crate::losses::build(other, Vec::new(), Vec::new()) {
            Ok(loss) => (MetricKind::LossMetric(loss.clone()), loss.name()),
            Err(_) => return Err(not_available("metrics", other, METRIC_NAMES)),
        },
    };
    let params: &[&str] = if matches!(kind, MetricKind::BinaryAccuracy { .. }) {
        &["name", "dtype", "threshold"]
    } else {
        &["name", "dtype"]
    };
    let mut a = Args::parse(name, params, &[], positional, keywords)?;
    let metric_name = a
        .opt_str("name")?
        .unwrap_or_else(|| default_name.to_string());
    let kind = match kind {
        MetricKind::BinaryAccuracy { .. } => MetricKind::BinaryAccuracy {
            threshold: a.f64_or("threshold", 0.5)?,
        },
        k => k,
    };
    Ok(Metric {
        name: metric_name,
        kind,
        total: 0.0,
        count: 0.0,
    })
}

impl Metric {
    pub fn reset(&mut self) {
        self.total = 0.0;
        self.count = 0.0;
    }

    /// The running value (mean over samples seen since the last reset).
    pub fn result(&self) -> f64 {
        let mean = if self.count > 0.0 {
            self.total / self.count
        } else {
            0.0
        };
        if self.kind == MetricKind::RootMeanSquaredError {
            mean.sqrt()
        } else {
            mean
        }
    }

    /// Resolves `"accuracy"` from the first batch's shapes.
    fn resolve(&mut self, y_true: &Tensor, y_pred: &Tensor) {
        if self.kind != MetricKind::Accuracy {
            return;
        }
        let last = y_pred.dims().last().copied().unwrap_or(1);
        let sparse =
            y_true.rank() < y_pred.rank() || (y_true.dims().last() == Some(&1) && last > 1);
        self.kind = if last == 1 {
            MetricKind::BinaryAccuracy { threshold: 0.5 }
        } else if sparse {
            MetricKind::SparseCategoricalAccuracy
        } else {
            MetricKind::CategoricalAccuracy
        };
    }

    /// Adds one batch.
    pub fn update(&mut self, y_true: &Tensor, y_pred: &Tensor) -> Result<()> {
        self.resolve(y_true, y_pred);
        let y_pred = &y_pred.detach().to_dtype(DType::F64)?;
        let y_true = &y_true.to_dtype(DType::F64)?;
        let batch = y_pred.dim(0)? as f64;
        let per_sample = |t: Tensor| -> Result<f64> {
            let b = t.dim(0)?;
            Ok(t.reshape((b, ()))?.mean(1)?.sum_all()?.to_scalar::<f64>()?)
        };
        let last = y_pred.rank() - 1;
        let sum = match &self.kind {
            MetricKind::Accuracy => 0.0,
            MetricKind::BinaryAccuracy { threshold } => {
                let y = align(y_true, y_pred)?;
                let pred = y_pred.gt(*threshold)?.to_dtype(DType::F64)?;
                per_sample(pred.eq(&y)?.to_dtype(DType::F64)?)?
            }
            MetricKind::CategoricalAccuracy => {
                let p = y_pred.argmax(last)?;
                let t = align(y_true, y_pred)?.argmax(last)?;
                p.eq(&t)?
                    .to_dtype(DType::F64)?
                    .sum_all()?
                    .to_scalar::<f64>()?
            }
            MetricKind::SparseCategoricalAccuracy => {
                let p = y_pred.argmax(last)?.to_dtype(DType::F64)?.flatten_all()?;
                let t = y_true.flatten_all()?;
                if p.dims() != t.dims() {
                    return Err(crate::error::KerasError::Shape(format!(
                        "sparse labels of shape {:?} do not match predictions of shape {:?}",
                        y_true.dims(),
                        y_pred.dims()
                    )));
                }
                p.eq(&t)?
                    .to_dtype(DType::F64)?
                    .sum_all()?
                    .to_scalar::<f64>()?
            }
            MetricKind::MeanAbsoluteError => per_sample(difference(y_true, y_pred)?.abs()?)?,
            MetricKind::MeanSquaredError | MetricKind::RootMeanSquaredError => {
                per_sample(difference(y_true, y_pred)?.sqr()?)?
            }
            MetricKind::LossMetric(loss) => loss
                .per_sample(y_true, y_pred)?
                .sum_all()?
                .to_scalar::<f64>()?,
        };
        self.total += sum;
        self.count += batch;
        Ok(())
    }
}
