//! `a[index]` and `a[index] = value`: integers, slices, `None`/`np.newaxis`,
//! `...`, boolean masks and one integer array (fancy indexing) per index.
//!
//! Reading applies each index item to the tensor in turn (narrow for
//! slices, `index_select` for steps, masks and integer arrays), so big
//! arrays are never boxed. Writing indexes a tensor of flat positions the
//! same way and stores the value at the positions picked.

use std::rc::Rc;

use candle_core::{Device, Tensor};

use super::convert::{self, compact_shape_text};
use super::ops::broadcast_shape;
use super::{CandleResult, check_bytes};
use crate::error::{Exception, Result};
use crate::interp::slice_bounds;
use crate::ndarray::{DType, NdArray, Storage};
use crate::value::{SliceValue, Value};

/// One item of an index tuple.
enum Item {
    Int(i64),
    Slice(Rc<SliceValue>),
    NewAxis,
    Ellipsis,
    /// Integer positions with the shape of the index array.
    Positions(Vec<i64>, Vec<usize>),
    Mask(NdArray),
}

fn index_error(message: impl Into<String>) -> Box<Exception> {
    Exception::new("IndexError", message)
}

fn invalid_index() -> Box<Exception> {
    index_error(
        "only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or \
         boolean arrays are valid indices",
    )
}

fn parse_item(value: &Value, max_bytes: u64) -> Result<Item> {
    Ok(match value {
        Value::Int(i) => Item::Int(*i),
        Value::Bool(b) => Item::Int(i64::from(*b)),
        Value::Slice(slice) => Item::Slice(Rc::clone(slice)),
        Value::None => Item::NewAxis,
        value if convert::is_ellipsis(value) => Item::Ellipsis,
        Value::List(_) | Value::Native(_) | Value::Range { .. } => {
            let array = convert::to_array(value, None, max_bytes).map_err(|error| {
                if error.kind == "MemoryError" {
                    error
                } else {
                    invalid_index()
                }
            })?;
            match array.dtype() {
                DType::Bool => Item::Mask(array),
                dtype if dtype.is_integer() => {
                    if array.ndim() == 0 {
                        Item::Int(convert::i64_items(&array)?.first().copied().unwrap_or(0))
                    } else {
                        Item::Positions(convert::i64_items(&array)?, array.shape().to_vec())
                    }
                }
                DType::Float32 | DType::Float64 if array.is_empty() => {
                    Item::Positions(Vec::new(), array.shape().to_vec())
                }
                _ => {
                    return Err(index_error(
                        "arrays used as indices must be of integer (or boolean) type",
                    ));
                }
            }
        }
        _ => return Err(invalid_index()),
    })
}

fn parse(index: &Value, ndim: usize, max_bytes: u64) -> Result<Vec<Item>> {
    let values: Vec<Value> = match index {
        Value::Tuple(items) => items.to_vec(),
        other => vec![other.clone()],
    };
    let mut items = values
        .iter()
        .map(|value| parse_item(value, max_bytes))
        .collect::<Result<Vec<Item>>>()?;
    let consumed: usize = items
        .iter()
        .map(|item| match item {
            Item::Int(_) | Item::Slice(_) | Item::Positions(..) => 1,
            Item::Mask(mask) => mask.ndim().max(1),
            Item::NewAxis | Item::Ellipsis => 0,
        })
        .sum();
    if consumed > ndim {
        return Err(index_error(format!(
            "too many indices for array: array is {ndim}-dimensional, but {consumed} were indexed"
        )));
    }
    let ellipses = items
        .iter()
        .filter(|item| matches!(item, Item::Ellipsis))
        .count();
    if ellipses > 1 {
        return Err(index_error(
            "an index can only have a single ellipsis ('...')",
        ));
    }
    let fill = || {
        Item::Slice(Rc::new(SliceValue {
            start: None,
            stop: None,
            step: None,
        }))
    };
    let missing = ndim - consumed;
    match items.iter().position(|item| matches!(item, Item::Ellipsis)) {
        Some(at) => {
            items.splice(at..=at, (0..missing).map(|_| fill()));
        }
        None => items.extend((0..missing).map(|_| fill())),
    }
    let arrays = items
        .iter()
        .filter(|item| matches!(item, Item::Positions(..) | Item::Mask(_)))
        .count();
    if arrays > 1 {
        return Err(Exception::new(
            "NotSupportedInDojo",
            "Dojo supports one integer or boolean array per index",
        )
        .with_help("index one axis at a time, e.g. a[rows][:, cols]"));
    }
    Ok(items)
}

fn positions_tensor(positions: Vec<i64>) -> Result<Tensor> {
    let count = positions.len();
    Tensor::from_vec(positions, count, &Device::Cpu).np()
}

/// `tensor[index]` for a tensor of any dtype.
fn select(tensor: &Tensor, items: &[Item], max_bytes: u64, dtype: DType) -> Result<Tensor> {
    let mut tensor = tensor.clone();
    let mut axis = 0;
    for item in items {
        let dims = tensor.dims().to_vec();
        match item {
            Item::Int(i) => {
                let size = dims[axis];
                let position = if *i < 0 { i + size as i64 } else { *i };
                if position < 0 || position >= size as i64 {
                    return Err(index_error(format!(
                        "index {i} is out of bounds for axis {axis} with size {size}"
                    )));
                }
                tensor = tensor
                    .narrow(axis, position as usize, 1)
                    .np()?
                    .squeeze(axis)
                    .np()?;
            }
            Item::Slice(slice) => {
                let (start, stop, step) = slice_bounds(slice, dims[axis])?;
                if step == 1 {
                    let length = (stop - start).max(0) as usize;
                    tensor = tensor.narrow(axis, start as usize, length).np()?;
                } else {
                    let picked = crate::interp::slice_positions(start, stop, step).collect();
                    tensor = take(&tensor, picked, axis)?;
                }
                axis += 1;
            }
            Item::NewAxis => {
                tensor = tensor.unsqueeze(axis).np()?;
                axis += 1;
            }
            Item::Ellipsis => {}
            Item::Positions(positions, shape) => {
                let size = dims[axis];
                let mut normalised = Vec::with_capacity(positions.len());
                for &i in positions {
                    let position = if i < 0 { i + size as i64 } else { i };
                    if position < 0 || position >= size as i64 {
                        return Err(index_error(format!(
                            "index {i} is out of bounds for axis {axis} with size {size}"
                        )));
                    }
                    normalised.push(position);
                }
                let mut result_shape = dims[..axis].to_vec();
                result_shape.extend_from_slice(shape);
                result_shape.extend_from_slice(&dims[axis + 1..]);
                check_bytes(&result_shape, dtype, max_bytes)?;
                tensor = take(&tensor, normalised, axis)?
                    .reshape(result_shape.as_slice())
                    .np()?;
                axis += shape.len();
            }
            Item::Mask(mask) => {
                let covered = mask.ndim().max(1);
                let mask_shape: Vec<usize> = if mask.ndim() == 0 {
                    vec![1]
                } else {
                    mask.shape().to_vec()
                };
                for (k, &size) in mask_shape.iter().enumerate() {
                    let axis_size = dims.get(axis + k).copied().unwrap_or(1);
                    if size != axis_size {
                        return Err(index_error(format!(
                            "boolean index did not match indexed array along axis {}; size of \
                             axis is {axis_size} but size of corresponding boolean axis is {size}",
                            axis + k
                        )));
                    }
                }
                let mut flat_shape = dims[..axis].to_vec();
                flat_shape.push(mask_shape.iter().product());
                flat_shape.extend_from_slice(&dims[(axis + covered).min(dims.len())..]);
                let flat = if mask.ndim() == 0 {
                    tensor.unsqueeze(axis).np()?
                } else {
                    tensor.reshape(flat_shape.as_slice()).np()?
                };
                let picked: Vec<i64> = convert::i64_items(mask)?
                    .into_iter()
                    .enumerate()
                    .filter(|(_, flag)| *flag != 0)
                    .map(|(i, _)| i as i64)
                    .collect();
                tensor = take(&flat, picked, axis)?;
                axis += 1;
            }
        }
    }
    Ok(tensor)
}

/// The items at `positions` along `axis` (possibly none).
fn take(tensor: &Tensor, positions: Vec<i64>, axis: usize) -> Result<Tensor> {
    if positions.is_empty() {
        let mut shape = tensor.dims().to_vec();
        shape[axis] = 0;
        return Tensor::zeros(shape.as_slice(), tensor.dtype(), &Device::Cpu).np();
    }
    tensor
        .contiguous()
        .np()?
        .index_select(&positions_tensor(positions)?, axis)
        .np()
}

/// A tensor of the flat positions of an array of `shape`.
fn positions(shape: &[usize]) -> Result<Tensor> {
    let count: usize = shape.iter().product();
    Tensor::arange(0i64, count as i64, &Device::Cpu)
        .np()?
        .reshape(shape)
        .np()
}

/// `array[index]`: a Python scalar when every axis was indexed by an integer.
pub(crate) fn get(array: &NdArray, index: &Value, max_bytes: u64) -> Result<Value> {
    let items = parse(index, array.ndim(), max_bytes)?;
    let result = match array.storage() {
        Storage::Numeric(tensor) => {
            let selected = select(tensor, &items, max_bytes, array.dtype())?;
            NdArray::from_tensor(selected, array.dtype())
        }
        Storage::Strings { items: strings, .. } => {
            let selected = select(&positions(array.shape())?, &items, max_bytes, DType::Int64)?;
            let picked = selected
                .flatten_all()
                .np()?
                .to_vec1::<i64>()
                .np()?
                .into_iter()
                .filter_map(|i| strings.get(i as usize).cloned())
                .collect();
            NdArray::from_strings(selected.dims(), picked)
        }
    };
    if result.ndim() == 0 {
        return convert::item(&result);
    }
    Ok(result.into_value_limited(max_bytes))
}

/// `array[index] = value`: returns the updated array (the caller stores it).
pub(crate) fn set(
    array: &NdArray,
    index: &Value,
    value: &Value,
    max_bytes: u64,
) -> Result<NdArray> {
    let items = parse(index, array.ndim(), max_bytes)?;
    let picked = select(&positions(array.shape())?, &items, max_bytes, DType::Int64)?;
    let target_shape = picked.dims().to_vec();
    let picked: Vec<i64> = picked.flatten_all().np()?.to_vec1::<i64>().np()?;
    let source = convert::to_array(value, Some(array.dtype()), max_bytes)?;
    let fits =
        broadcast_shape(source.shape(), &target_shape).is_ok_and(|shape| shape == target_shape);
    if !fits {
        return Err(crate::error::value_error(format!(
            "could not broadcast input array from shape {} into shape {}",
            compact_shape_text(source.shape()),
            compact_shape_text(&target_shape)
        )));
    }
    let shape = array.shape().to_vec();
    match (array.storage(), source.storage()) {
        (Storage::Strings { items: strings, .. }, Storage::Strings { .. }) => {
            let source = broadcast_strings(&source, &target_shape)?;
            let mut updated = strings.to_vec();
            for (position, item) in picked.iter().zip(source) {
                if let Some(slot) = updated.get_mut(*position as usize) {
                    *slot = item;
                }
            }
            Ok(NdArray::from_strings(&shape, updated))
        }
        (Storage::Numeric(tensor), Storage::Numeric(values)) => {
            let values = values.broadcast_as(target_shape.as_slice()).np()?;
            let updated = match tensor.dtype() {
                candle_core::DType::U8 => scatter::<u8>(tensor, &picked, &values)?,
                candle_core::DType::I64 => scatter::<i64>(tensor, &picked, &values)?,
                candle_core::DType::F32 => scatter::<f32>(tensor, &picked, &values)?,
                _ => scatter::<f64>(tensor, &picked, &values)?,
            };
            Ok(NdArray::from_tensor(updated, array.dtype()))
        }
        _ => Err(crate::error::type_error(
            "cannot store strings in a numeric array or numbers in a string array",
        )),
    }
}

fn scatter<T: candle_core::WithDType>(
    tensor: &Tensor,
    picked: &[i64],
    values: &Tensor,
) -> Result<Tensor> {
    let mut data = tensor.flatten_all().np()?.to_vec1::<T>().np()?;
    let values = values.flatten_all().np()?.to_vec1::<T>().np()?;
    for (position, value) in picked.iter().zip(values) {
        if let Some(slot) = data.get_mut(*position as usize) {
            *slot = value;
        }
    }
    Tensor::from_vec(data, tensor.dims(), &Device::Cpu).np()
}

fn broadcast_strings(source: &NdArray, shape: &[usize]) -> Result<Vec<Rc<str>>> {
    let Storage::Strings { items, .. } = source.storage() else {
        return Ok(Vec::new());
    };
    let picked = super::ops::flat_i64(&positions(source.shape())?, shape)?;
    Ok(picked
        .into_iter()
        .filter_map(|i| items.get(i as usize).cloned())
        .collect())
}

/// Rows along the first axis, for iteration: each a scalar or an array.
pub(crate) fn rows(array: &NdArray, max_bytes: u64) -> Result<Vec<Value>> {
    let Some(&count) = array.shape().first() else {
        return Err(crate::error::type_error("iteration over a 0-d array"));
    };
    if array.ndim() == 1 {
        return convert::element_values(array);
    }
    (0..count)
        .map(|i| get(array, &Value::Int(i as i64), max_bytes))
        .collect()
}
