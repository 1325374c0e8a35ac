//! Shape manipulation: reshape, transpose, squeeze, concatenation and
//! stacking. Numeric arrays stay tensors throughout; string arrays move
//! their items through a tensor of positions.

use std::rc::Rc;

use candle_core::{Device, Tensor};

use super::convert;
use super::reduce::normalize_axis;
use super::{CandleResult, check_bytes};
use crate::error::{Result, type_error, value_error};
use crate::ndarray::{DType, NdArray, Storage};
use crate::value::Value;

/// Applies a shape-only tensor operation to any array (strings included).
fn map_layout(array: &NdArray, operation: impl Fn(&Tensor) -> Result<Tensor>) -> Result<NdArray> {
    match array.storage() {
        Storage::Numeric(tensor) => Ok(NdArray::from_tensor(operation(tensor)?, array.dtype())),
        Storage::Strings { items, .. } => {
            let positions = Tensor::arange(0i64, array.len() as i64, &Device::Cpu)
                .np()?
                .reshape(array.shape())
                .np()?;
            let moved = operation(&positions)?;
            let order = moved.flatten_all().np()?.to_vec1::<i64>().np()?;
            let picked: Vec<Rc<str>> = order
                .into_iter()
                .filter_map(|i| items.get(i as usize).cloned())
                .collect();
            Ok(NdArray::from_strings(moved.dims(), picked))
        }
    }
}

/// The shape a `reshape` argument asks for, with one `-1` resolved.
pub(crate) fn resolve_shape(requested: &[i64], size: usize) -> Result<Vec<usize>> {
    let unknown: Vec<usize> = (0..requested.len())
        .filter(|&i| requested[i] == -1)
        .collect();
    if unknown.len() > 1 {
        return Err(value_error("can only specify one unknown dimension"));
    }
    if requested.iter().any(|&d| d < -1) {
        return Err(value_error("negative dimensions not allowed"));
    }
    // A product past `usize` matches no array's size.
    let known: usize = requested
        .iter()
        .filter(|&&d| d >= 0)
        .try_fold(1usize, |total, &d| total.checked_mul(d as usize))
        .unwrap_or(usize::MAX);
    // numpy's own spelling: `(4,)`, `(4,2)`, and `(4,newaxis)` for a -1.
    let text = || {
        let parts: Vec<String> = requested
            .iter()
            .map(|&d| {
                if d == -1 {
                    "newaxis".to_owned()
                } else {
                    d.to_string()
                }
            })
            .collect();
        match parts.as_slice() {
            [one] => format!("({one},)"),
            _ => format!("({})", parts.join(",")),
        }
    };
    let mut shape: Vec<usize> = requested.iter().map(|&d| d.max(0) as usize).collect();
    if let Some(&at) = unknown.first() {
        if known == 0 || !size.is_multiple_of(known) {
            return Err(value_error(format!(
                "cannot reshape array of size {size} into shape {}",
                text()
            )));
        }
        shape[at] = size / known;
    } else if known != size {
        let error = value_error(format!(
            "cannot reshape array of size {size} into shape {}",
            text()
        ));
        // A hard-coded count of rows (`reshape(10000, 28, 28, 1)`) where
        // the rest of the shape fits: numpy can count the rows itself.
        let rest = shape
            .iter()
            .skip(1)
            .try_fold(1usize, |product, &d| product.checked_mul(d));
        if let Some(rest) = rest
            && shape.len() > 1
            && rest > 0
            && size > 0
            && size.is_multiple_of(rest)
        {
            let mut fixed = vec!["-1".to_owned()];
            fixed.extend(shape.iter().skip(1).map(usize::to_string));
            return Err(error.with_help(format!(
                "the array holds {} rows of that shape, not {}: `reshape({})` lets numpy count them",
                size / rest,
                shape[0],
                fixed.join(", ")
            )));
        }
        return Err(error);
    }
    Ok(shape)
}

/// The integers of a shape argument: an int, a tuple/list, or varargs.
pub(crate) fn shape_argument(values: &[Value]) -> Result<Vec<i64>> {
    let integer = |value: &Value| match value {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(i64::from(*b)),
        other => {
            if let Some(array) = NdArray::from_value(other)
                && array.dtype().is_integer()
                && array.len() == 1
            {
                return Ok(convert::i64_items(&array)?.first().copied().unwrap_or(0));
            }
            Err(type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                other.type_name()
            )))
        }
    };
    match values {
        [Value::Tuple(items)] => items.iter().map(integer).collect(),
        [Value::List(items)] => items.borrow().iter().map(integer).collect(),
        items => items.iter().map(integer).collect(),
    }
}

/// A shape for creating arrays: non-negative integers.
pub(crate) fn new_shape(values: &[Value]) -> Result<Vec<usize>> {
    shape_argument(values)?
        .into_iter()
        .map(|d| usize::try_from(d).map_err(|_| value_error("negative dimensions are not allowed")))
        .collect()
}

pub(crate) fn reshape(array: &NdArray, shape: &[usize]) -> Result<NdArray> {
    if crate::ndarray::checked_elements(shape) != Some(array.len()) {
        return Err(value_error(format!(
            "cannot reshape array of size {} into shape {}",
            array.len(),
            convert::compact_shape_text(shape)
        )));
    }
    map_layout(array, |tensor| tensor.reshape(shape).np())
}

/// Swaps two axes (a view for numeric arrays).
pub(crate) fn swap_axes(array: &NdArray, a: usize, b: usize) -> Result<NdArray> {
    if a == b {
        return Ok(array.clone());
    }
    map_layout(array, |tensor| tensor.transpose(a, b).np())
}

/// `np.transpose(a, axes)` / `a.T`: reversed axes by default.
pub(crate) fn transpose(array: &NdArray, axes: Option<Vec<i64>>) -> Result<NdArray> {
    let ndim = array.ndim();
    let order: Vec<usize> = match axes {
        None => (0..ndim).rev().collect(),
        Some(axes) => {
            if axes.len() != ndim {
                return Err(value_error("axes don't match array"));
            }
            let order = axes
                .into_iter()
                .map(|axis| normalize_axis(axis, ndim))
                .collect::<Result<Vec<usize>>>()?;
            let mut seen = order.clone();
            seen.sort_unstable();
            seen.dedup();
            if seen.len() != ndim {
                return Err(value_error("repeated axis in transpose"));
            }
            order
        }
    };
    if ndim < 2 {
        return Ok(array.clone());
    }
    map_layout(array, |tensor| tensor.permute(order.clone()).np())
}

pub(crate) fn expand_dims(array: &NdArray, axis: i64) -> Result<NdArray> {
    let axis = normalize_axis(axis, array.ndim() + 1)?;
    map_layout(array, |tensor| tensor.unsqueeze(axis).np())
}

pub(crate) fn squeeze(array: &NdArray, axis: Option<i64>) -> Result<NdArray> {
    let shape = array.shape().to_vec();
    let new_shape: Vec<usize> = match axis {
        None => shape.iter().copied().filter(|&d| d != 1).collect(),
        Some(axis) => {
            let axis = normalize_axis(axis, array.ndim())?;
            if shape[axis] != 1 {
                return Err(value_error(
                    "cannot select an axis to squeeze out which has size not equal to one",
                ));
            }
            shape
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != axis)
                .map(|(_, &d)| d)
                .collect()
        }
    };
    reshape(array, &new_shape)
}

/// Arrays converted to one dtype, for joining.
fn common(arrays: &[NdArray], max_bytes: u64) -> Result<(Vec<NdArray>, DType)> {
    let Some(first) = arrays.first() else {
        return Err(value_error("need at least one array to concatenate"));
    };
    let mut dtype = first.dtype();
    for array in arrays {
        dtype = if dtype == DType::Str || array.dtype() == DType::Str {
            DType::Str
        } else {
            super::ops::promote(dtype, array.dtype())?
        };
    }
    let cast = arrays
        .iter()
        .map(|array| convert::cast(array, dtype, max_bytes))
        .collect::<Result<Vec<_>>>()?;
    Ok((cast, dtype))
}

fn join(
    arrays: &[NdArray],
    dtype: DType,
    axis: usize,
    shape: &[usize],
    max_bytes: u64,
) -> Result<NdArray> {
    check_bytes(shape, dtype, max_bytes)?;
    if dtype == DType::Str {
        let mut items = Vec::new();
        // Strings join along axis 0 of their flattened rows.
        let moved = arrays
            .iter()
            .map(|array| swap_axes(array, 0, axis))
            .collect::<Result<Vec<_>>>()?;
        for array in &moved {
            items.extend(
                convert::element_values(array)?
                    .into_iter()
                    .map(|v| Rc::from(v.to_str())),
            );
        }
        let mut moved_shape = shape.to_vec();
        moved_shape.swap(0, axis);
        let joined = NdArray::from_strings(&moved_shape, items);
        return swap_axes(&joined, 0, axis);
    }
    let tensors = arrays
        .iter()
        .map(convert::numeric)
        .collect::<Result<Vec<_>>>()?;
    let joined = Tensor::cat(&tensors, axis).np()?;
    Ok(NdArray::from_tensor(joined, dtype))
}

/// `np.concatenate(arrays, axis)`; `axis=None` flattens first.
pub(crate) fn concatenate(
    arrays: &[NdArray],
    axis: Option<i64>,
    max_bytes: u64,
) -> Result<NdArray> {
    let (arrays, dtype) = common(arrays, max_bytes)?;
    let arrays = match axis {
        None => arrays
            .iter()
            .map(|array| reshape(array, &[array.len()]))
            .collect::<Result<Vec<_>>>()?,
        Some(_) => arrays,
    };
    let first = &arrays[0];
    if first.ndim() == 0 {
        return Err(value_error(
            "zero-dimensional arrays cannot be concatenated",
        ));
    }
    let axis = normalize_axis(axis.unwrap_or(0), first.ndim())?;
    let mut shape = first.shape().to_vec();
    shape[axis] = 0;
    for (index, array) in arrays.iter().enumerate() {
        if array.ndim() != first.ndim() {
            return Err(value_error(format!(
                "all the input array dimensions except for the concatenation axis must match \
                 exactly, but along dimension 0, the array at index 0 has {} dimension(s) and \
                 the array at index {index} has {} dimension(s)",
                first.ndim(),
                array.ndim()
            )));
        }
        for (d, (&a, &b)) in first.shape().iter().zip(array.shape()).enumerate() {
            if d != axis && a != b {
                return Err(value_error(format!(
                    "all the input array dimensions except for the concatenation axis must match \
                     exactly, but along dimension {d}, the array at index 0 has size {a} and the \
                     array at index {index} has size {b}"
                )));
            }
        }
        shape[axis] += array.shape()[axis];
    }
    join(&arrays, dtype, axis, &shape, max_bytes)
}

/// `np.stack(arrays, axis)`: a new axis.
pub(crate) fn stack(arrays: &[NdArray], axis: i64, max_bytes: u64) -> Result<NdArray> {
    let (arrays, _) = common(arrays, max_bytes)?;
    let first = arrays[0].shape().to_vec();
    if arrays.iter().any(|array| array.shape() != first.as_slice()) {
        return Err(value_error("all input arrays must have the same shape"));
    }
    let axis = normalize_axis(axis, first.len() + 1)?;
    let expanded = arrays
        .iter()
        .map(|array| map_layout(array, |tensor| tensor.unsqueeze(axis).np()))
        .collect::<Result<Vec<_>>>()?;
    concatenate(&expanded, Some(axis as i64), max_bytes)
}

/// `np.vstack`: 1-D arrays become rows.
pub(crate) fn vstack(arrays: &[NdArray], max_bytes: u64) -> Result<NdArray> {
    let rows = arrays
        .iter()
        .map(|array| match array.ndim() {
            0 => reshape(array, &[1, 1]),
            1 => reshape(array, &[1, array.len()]),
            _ => Ok(array.clone()),
        })
        .collect::<Result<Vec<_>>>()?;
    concatenate(&rows, Some(0), max_bytes)
}

/// `np.hstack`: 1-D arrays join end to end, others along axis 1.
pub(crate) fn hstack(arrays: &[NdArray], max_bytes: u64) -> Result<NdArray> {
    let arrays = arrays
        .iter()
        .map(|array| {
            if array.ndim() == 0 {
                reshape(array, &[1])
            } else {
                Ok(array.clone())
            }
        })
        .collect::<Result<Vec<_>>>()?;
    let axis = if arrays.first().is_some_and(|array| array.ndim() == 1) {
        0
    } else {
        1
    };
    concatenate(&arrays, Some(axis), max_bytes)
}

/// A contiguous copy with the same shape (`copy`, `flatten`).
pub(crate) fn contiguous(array: &NdArray) -> Result<NdArray> {
    match array.storage() {
        Storage::Numeric(tensor) => Ok(NdArray::from_tensor(tensor.copy().np()?, array.dtype())),
        Storage::Strings { .. } => Ok(array.clone()),
    }
}
