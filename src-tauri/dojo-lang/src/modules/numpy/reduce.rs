//! Reductions (`sum`, `mean`, `std`, `max`, `argmax`, …) over all items or
//! along axes, and sorting (`sort`, `argsort`, `unique`).
//!
//! A reduction moves its axes last and flattens them, so every kind of
//! reduction works on the last axis of a `[kept…, reduced]` view.

use candle_core::{D, Device, Tensor};

use super::CandleResult;
use super::convert::{self, numeric};
use super::ops::{float_tensor, int_tensor};
use crate::error::{Exception, Result, type_error, value_error};
use crate::ndarray::{DType, NdArray, Storage};
use crate::value::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reduction {
    Sum,
    Prod,
    Mean,
    Var,
    Std,
    Max,
    Min,
    ArgMax,
    ArgMin,
    Any,
    All,
}

impl Reduction {
    /// The method's name (`a.max()`).
    pub fn method_name(self) -> &'static str {
        match self {
            Reduction::Max => "max",
            Reduction::Min => "min",
            other => other.name(),
        }
    }

    /// The name numpy's errors use (`maximum` for `max`).
    fn name(self) -> &'static str {
        match self {
            Reduction::Sum => "sum",
            Reduction::Prod => "prod",
            Reduction::Mean => "mean",
            Reduction::Var => "var",
            Reduction::Std => "std",
            Reduction::Max => "maximum",
            Reduction::Min => "minimum",
            Reduction::ArgMax => "argmax",
            Reduction::ArgMin => "argmin",
            Reduction::Any => "any",
            Reduction::All => "all",
        }
    }
}

/// An `axis` argument resolved against `ndim` (negative from the end).
pub(crate) fn normalize_axis(axis: i64, ndim: usize) -> Result<usize> {
    let resolved = if axis < 0 { axis + ndim as i64 } else { axis };
    if resolved < 0 || resolved >= ndim.max(1) as i64 || (ndim == 0 && axis != 0 && axis != -1) {
        return Err(Exception::new(
            "AxisError",
            format!("axis {axis} is out of bounds for array of dimension {ndim}"),
        ));
    }
    Ok(resolved as usize)
}

/// The axes an `axis=` argument names: `None` for all.
pub(crate) fn axes(axis: Option<&Value>, ndim: usize) -> Result<Option<Vec<usize>>> {
    match axis {
        None | Some(Value::None) => Ok(None),
        Some(Value::Int(axis)) => Ok(Some(vec![normalize_axis(*axis, ndim)?])),
        Some(Value::Tuple(items)) => {
            let mut axes = Vec::new();
            for item in items.iter() {
                let Value::Int(axis) = item else {
                    return Err(type_error("axis must be an integer or a tuple of integers"));
                };
                let axis = normalize_axis(*axis, ndim)?;
                if axes.contains(&axis) {
                    return Err(value_error("duplicate value in 'axis'"));
                }
                axes.push(axis);
            }
            Ok(Some(axes))
        }
        Some(other) => Err(type_error(format!(
            "axis must be an integer or a tuple of integers, not {}",
            other.type_name()
        ))),
    }
}

/// `array.<reduction>(axis, keepdims, ddof)`: a Python scalar without
/// axes left, else an array.
pub(crate) fn reduce(
    array: &NdArray,
    reduction: Reduction,
    axis: Option<&Value>,
    keepdims: bool,
    ddof: i64,
    max_bytes: u64,
) -> Result<Value> {
    let tensor = numeric(array)?;
    let ndim = array.ndim();
    let reduced_axes = axes(axis, ndim)?;
    let arg = matches!(reduction, Reduction::ArgMax | Reduction::ArgMin);
    if arg && reduced_axes.as_ref().is_some_and(|axes| axes.len() > 1) {
        return Err(type_error(
            "'tuple' object cannot be interpreted as an integer",
        ));
    }
    let reduced: Vec<usize> = reduced_axes.clone().unwrap_or_else(|| (0..ndim).collect());
    let kept: Vec<usize> = (0..ndim).filter(|axis| !reduced.contains(axis)).collect();
    let shape = array.shape();
    let kept_shape: Vec<usize> = kept.iter().map(|&axis| shape[axis]).collect();
    let count: usize = reduced.iter().map(|&axis| shape[axis]).product();
    let mut order = kept.clone();
    order.extend(&reduced);
    let mut view_shape = kept_shape.clone();
    view_shape.push(count);
    let view = if ndim == 0 {
        tensor.reshape(1).np()?
    } else {
        tensor
            .permute(order)
            .np()?
            .reshape(view_shape.as_slice())
            .np()?
    };
    if count == 0
        && matches!(
            reduction,
            Reduction::Max | Reduction::Min | Reduction::ArgMax | Reduction::ArgMin
        )
    {
        return Err(value_error(format!(
            "zero-size array to reduction operation {} which has no identity",
            reduction.name()
        )));
    }
    let dtype = array.dtype();
    let (result, result_dtype) = match reduction {
        Reduction::Max | Reduction::Min => {
            let result = if dtype.is_float() {
                // numpy propagates NaN; candle's max skips it.
                let values = view.to_dtype(candle_core::DType::F64).np()?;
                let extreme = if reduction == Reduction::Max {
                    values.max_keepdim(D::Minus1).np()?
                } else {
                    values.min_keepdim(D::Minus1).np()?
                };
                let nan = values
                    .ne(&values)
                    .np()?
                    .to_dtype(candle_core::DType::F64)
                    .np()?
                    .max_keepdim(D::Minus1)
                    .np()?;
                let nan_value = Tensor::full(f64::NAN, extreme.dims(), &Device::Cpu).np()?;
                let flagged = nan.ne(&nan.zeros_like().np()?).np()?;
                flagged
                    .where_cond(&nan_value, &extreme)
                    .np()?
                    .to_dtype(view.dtype())
                    .np()?
            } else if reduction == Reduction::Max {
                view.max_keepdim(D::Minus1).np()?
            } else {
                view.min_keepdim(D::Minus1).np()?
            };
            (result, dtype)
        }
        Reduction::ArgMax | Reduction::ArgMin => {
            let result = if reduction == Reduction::ArgMax {
                view.argmax_keepdim(D::Minus1).np()?
            } else {
                view.argmin_keepdim(D::Minus1).np()?
            };
            (result.to_dtype(candle_core::DType::I64).np()?, DType::Int64)
        }
        Reduction::Any | Reduction::All => {
            let zero = view.zeros_like().np()?;
            let flags = view.ne(&zero).np()?;
            let result = if count == 0 {
                let value = u8::from(reduction == Reduction::All);
                Tensor::full(value, kept_shape.as_slice(), &Device::Cpu)
                    .np()?
                    .unsqueeze(D::Minus1)
                    .np()?
            } else if reduction == Reduction::Any {
                flags.max_keepdim(D::Minus1).np()?
            } else {
                flags.min_keepdim(D::Minus1).np()?
            };
            (result, DType::Bool)
        }
        Reduction::Sum | Reduction::Prod if !dtype.is_float() => {
            let values = view
                .to_dtype(candle_core::DType::I64)
                .np()?
                .flatten_all()
                .np()?
                .to_vec1::<i64>()
                .np()?;
            let totals: Vec<i64> = values
                .chunks(count.max(1))
                .map(|row| {
                    if reduction == Reduction::Sum {
                        row.iter().fold(0i64, |a, b| a.wrapping_add(*b))
                    } else {
                        row.iter().fold(1i64, |a, b| a.wrapping_mul(*b))
                    }
                })
                .collect();
            let totals = if count == 0 {
                vec![i64::from(reduction == Reduction::Prod); kept_shape.iter().product()]
            } else {
                totals
            };
            let mut shape = kept_shape.clone();
            shape.push(1);
            (int_tensor(totals, &shape, DType::Int64)?, DType::Int64)
        }
        _ => {
            let result_dtype = if dtype == DType::Float32 {
                DType::Float32
            } else {
                DType::Float64
            };
            let values = view
                .to_dtype(candle_core::DType::F64)
                .np()?
                .flatten_all()
                .np()?
                .to_vec1::<f64>()
                .np()?;
            let rows: Vec<f64> = if count == 0 {
                let empty = match reduction {
                    Reduction::Sum => 0.0,
                    Reduction::Prod => 1.0,
                    _ => f64::NAN,
                };
                vec![empty; kept_shape.iter().product()]
            } else {
                values
                    .chunks(count)
                    .map(|row| float_reduction(row, reduction, ddof))
                    .collect()
            };
            let mut shape = kept_shape.clone();
            shape.push(1);
            (float_tensor(rows, &shape, result_dtype)?, result_dtype)
        }
    };
    // `result` is `[kept…, 1]`; put the reduced axes back as 1s for keepdims.
    let final_shape: Vec<usize> = if keepdims {
        (0..ndim)
            .map(|axis| {
                if reduced.contains(&axis) {
                    1
                } else {
                    shape[axis]
                }
            })
            .collect()
    } else {
        kept_shape
    };
    let result = result.reshape(final_shape.as_slice()).np()?;
    let result = NdArray::from_tensor(result, result_dtype);
    if result.ndim() == 0 {
        return convert::item(&result);
    }
    Ok(result.into_value_limited(max_bytes))
}

/// A float reduction of one row, accumulated in `f64` (pairwise-level accuracy).
fn float_reduction(row: &[f64], reduction: Reduction, ddof: i64) -> f64 {
    let n = row.len() as f64;
    match reduction {
        Reduction::Sum => row.iter().sum(),
        Reduction::Prod => row.iter().product(),
        Reduction::Mean => row.iter().sum::<f64>() / n,
        Reduction::Var | Reduction::Std => {
            let mean = row.iter().sum::<f64>() / n;
            let squares: f64 = row.iter().map(|x| (x - mean) * (x - mean)).sum();
            let variance = squares / (n - ddof as f64);
            if reduction == Reduction::Std {
                variance.sqrt()
            } else {
                variance
            }
        }
        _ => f64::NAN,
    }
}

/// Orders two floats as numpy sorts them: NaN last.
fn float_order(a: &f64, b: &f64) -> std::cmp::Ordering {
    a.partial_cmp(b)
        .unwrap_or_else(|| a.is_nan().cmp(&b.is_nan()))
}

/// Sorted copy (`indices == false`) or sorting permutation (`argsort`)
/// along `axis` (`None`: the flattened array). Stable.
pub(crate) fn sort(array: &NdArray, axis: Option<&Value>, indices: bool) -> Result<NdArray> {
    let flat;
    let (array, axis) = match axis {
        Some(Value::None) => {
            flat = super::shape::reshape(array, &[array.len()])?;
            (&flat, 0)
        }
        Some(axis) => {
            let Value::Int(axis) = axis else {
                return Err(type_error("axis must be an integer or None"));
            };
            (array, normalize_axis(*axis, array.ndim())?)
        }
        None => (array, array.ndim().saturating_sub(1)),
    };
    if array.ndim() == 0 {
        return Err(Exception::new(
            "AxisError",
            "axis -1 is out of bounds for array of dimension 0",
        ));
    }
    let last = array.ndim() - 1;
    let moved = super::shape::swap_axes(array, axis, last)?;
    let length = moved.shape()[last];
    let order_of = |keys: &dyn Fn(usize, usize) -> std::cmp::Ordering, n: usize| {
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|a, b| keys(*a, *b));
        order
    };
    let sorted = match moved.storage() {
        Storage::Strings { items, .. } => {
            let mut out_items = Vec::with_capacity(items.len());
            let mut out_indices = Vec::with_capacity(items.len());
            for row in items.chunks(length.max(1)) {
                let order = order_of(&|a, b| row[a].cmp(&row[b]), row.len());
                for i in order {
                    out_indices.push(i as i64);
                    out_items.push(row[i].clone());
                }
            }
            if indices {
                let tensor = Tensor::from_vec(out_indices, moved.shape(), &Device::Cpu).np()?;
                NdArray::from_tensor(tensor, DType::Int64)
            } else {
                NdArray::from_strings(moved.shape(), out_items)
            }
        }
        Storage::Numeric(_) if moved.dtype().is_float() => {
            let values = convert::f64_items(&moved)?;
            let mut out_values = Vec::with_capacity(values.len());
            let mut out_indices = Vec::with_capacity(values.len());
            for row in values.chunks(length.max(1)) {
                let order = order_of(&|a, b| float_order(&row[a], &row[b]), row.len());
                for i in order {
                    out_indices.push(i as i64);
                    out_values.push(row[i]);
                }
            }
            if indices {
                NdArray::from_tensor(
                    int_tensor(out_indices, moved.shape(), DType::Int64)?,
                    DType::Int64,
                )
            } else {
                NdArray::from_tensor(
                    float_tensor(out_values, moved.shape(), moved.dtype())?,
                    moved.dtype(),
                )
            }
        }
        Storage::Numeric(_) => {
            let values = convert::i64_items(&moved)?;
            let mut out_values = Vec::with_capacity(values.len());
            let mut out_indices = Vec::with_capacity(values.len());
            for row in values.chunks(length.max(1)) {
                let order = order_of(&|a, b| row[a].cmp(&row[b]), row.len());
                for i in order {
                    out_indices.push(i as i64);
                    out_values.push(row[i]);
                }
            }
            if indices {
                NdArray::from_tensor(
                    int_tensor(out_indices, moved.shape(), DType::Int64)?,
                    DType::Int64,
                )
            } else {
                NdArray::from_tensor(
                    int_tensor(out_values, moved.shape(), moved.dtype())?,
                    moved.dtype(),
                )
            }
        }
    };
    super::shape::swap_axes(&sorted, axis, last)
}

/// `np.unique(a, return_counts=…)`: sorted distinct items of the flattened array.
pub(crate) fn unique(array: &NdArray, counts: bool) -> Result<(NdArray, Option<NdArray>)> {
    let flat = super::shape::reshape(array, &[array.len()])?;
    let sorted = sort(&flat, None, false)?;
    let values = convert::element_values(&sorted)?;
    let mut keep = Vec::new();
    let mut tally: Vec<i64> = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let repeat = i > 0
            && {
                let previous = &values[i - 1];
                crate::builtins::equals(previous, value)?
                    || matches!((previous, value), (Value::Float(a), Value::Float(b)) if a.is_nan() && b.is_nan())
            };
        if repeat {
            if let Some(last) = tally.last_mut() {
                *last += 1;
            }
        } else {
            keep.push(i as i64);
            tally.push(1);
        }
    }
    let picked = match sorted.storage() {
        Storage::Strings { items, .. } => NdArray::from_strings(
            &[keep.len()],
            keep.iter()
                .filter_map(|&i| items.get(i as usize).cloned())
                .collect(),
        ),
        Storage::Numeric(tensor) => {
            let count = keep.len();
            let positions = Tensor::from_vec(keep, count, &Device::Cpu).np()?;
            let picked = if count == 0 {
                tensor.clone()
            } else {
                tensor.contiguous().np()?.index_select(&positions, 0).np()?
            };
            NdArray::from_tensor(picked, sorted.dtype())
        }
    };
    let counts = if counts {
        let length = tally.len();
        Some(NdArray::from_tensor(
            Tensor::from_vec(tally, length, &Device::Cpu).np()?,
            DType::Int64,
        ))
    } else {
        None
    };
    Ok((picked, counts))
}
