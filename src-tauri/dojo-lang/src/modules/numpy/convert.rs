//! Python values to arrays and back: numpy's dtype inference for
//! `np.array(...)`, `astype`, `tolist()` and `item()`.

use std::rc::Rc;

use candle_core::{Device, Tensor};

use super::{CandleResult, check_bytes, float32_value};
use crate::error::{Exception, Result, type_error, value_error};
use crate::ndarray::{DType, NdArray, Storage};
use crate::object::EllipsisObject;
use crate::value::{IteratorState, Value};

/// One item of a nested Python sequence.
enum Leaf {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
}

/// The items of a nested sequence, flattened, with its shape.
struct Collected {
    shape: Vec<usize>,
    leaves: Vec<Leaf>,
    /// The dtype of arrays found inside the sequence, promoted together.
    array_dtype: Option<DType>,
    /// The widest kind of the Python scalars found: bool < int64 < float64 < str.
    python_kind: Option<DType>,
    /// The array size limit, checked before ranges expand.
    max_bytes: u64,
}

/// `np.asarray(value, dtype)`: see [`crate::ndarray::to_ndarray`].
pub(crate) fn to_array(value: &Value, dtype: Option<DType>, max_bytes: u64) -> Result<NdArray> {
    if let Some(array) = NdArray::from_value(value) {
        return match dtype {
            Some(dtype) if dtype != array.dtype() => cast(&array, dtype, max_bytes),
            _ => Ok(array),
        };
    }
    if let Value::List(items) = value
        && let Some(array) = flat_numbers(&items.borrow(), max_bytes)?
    {
        return match dtype {
            Some(dtype) if dtype != array.dtype() => cast(&array, dtype, max_bytes),
            _ => Ok(array),
        };
    }
    if let Some(array) = stack_of_arrays(value, max_bytes)? {
        return match dtype {
            Some(dtype) if dtype != array.dtype() => cast(&array, dtype, max_bytes),
            _ => Ok(array),
        };
    }
    let mut collected = Collected {
        shape: Vec::new(),
        leaves: Vec::new(),
        array_dtype: None,
        python_kind: None,
        max_bytes,
    };
    probe_shape(value, &mut collected.shape);
    if collected.shape.len() > MAX_DIMS {
        return Err(Exception::new(
            "ValueError",
            format!(
                "setting an array element with a sequence. The requested array would exceed the maximum number of dimension of {MAX_DIMS}."
            ),
        ));
    }
    // Nested sequences already hold their items; ranges are checked as they expand.
    check_bytes(&collected.shape, dtype.unwrap_or(DType::Bool), max_bytes)?;
    let items: usize = collected.shape.iter().product();
    collected.leaves.reserve(items);
    collect(value, 0, &mut collected)?;
    build(collected, dtype, max_bytes)
}

/// The fast path for a flat list of Python floats and ints (the common
/// `np.array(values)`): one pass, no intermediate items. `None` when the
/// list holds anything else.
fn flat_numbers(items: &[Value], max_bytes: u64) -> Result<Option<NdArray>> {
    let mut floats = Vec::with_capacity(items.len());
    let mut any_float = false;
    for item in items {
        match item {
            Value::Float(x) => {
                any_float = true;
                floats.push(*x);
            }
            Value::Int(i) => floats.push(*i as f64),
            _ => return Ok(None),
        }
    }
    if items.is_empty() {
        return Ok(None);
    }
    let shape = [items.len()];
    let dtype = if any_float {
        DType::Float64
    } else {
        DType::Int64
    };
    check_bytes(&shape, dtype, max_bytes)?;
    let tensor = if any_float {
        Tensor::from_vec(floats, items.len(), &Device::Cpu).np()?
    } else {
        let ints: Vec<i64> = items
            .iter()
            .map(|item| if let Value::Int(i) = item { *i } else { 0 })
            .collect();
        Tensor::from_vec(ints, items.len(), &Device::Cpu).np()?
    };
    Ok(Some(NdArray::from_tensor(tensor, dtype)))
}

/// `[a, b, c]` of arrays of one shape: stacked as tensors, without boxing items.
fn stack_of_arrays(value: &Value, max_bytes: u64) -> Result<Option<NdArray>> {
    let items = match value {
        Value::List(items) => items.borrow().clone(),
        Value::Tuple(items) => items.to_vec(),
        _ => return Ok(None),
    };
    let arrays: Option<Vec<NdArray>> = items.iter().map(NdArray::from_value).collect();
    let Some(arrays) = arrays else {
        return Ok(None);
    };
    let Some(first) = arrays.first() else {
        return Ok(None);
    };
    if arrays.iter().any(|array| {
        array.shape() != first.shape() || array.dtype() == DType::Str || array.ndim() == 0
    }) {
        return Ok(None);
    }
    let mut dtype = first.dtype();
    for array in &arrays {
        dtype = super::ops::promote(dtype, array.dtype())?;
    }
    let mut shape = vec![arrays.len()];
    shape.extend_from_slice(first.shape());
    check_bytes(&shape, dtype, max_bytes)?;
    let tensors = arrays
        .iter()
        .map(|array| cast(array, dtype, max_bytes).map(|cast| numeric(&cast)))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .collect::<Result<Vec<_>>>()?;
    let stacked = Tensor::stack(&tensors, 0).np()?;
    Ok(Some(NdArray::from_tensor(stacked, dtype)))
}

/// numpy's limit on dimensions (`NPY_MAXDIMS` in numpy 2).
const MAX_DIMS: usize = 64;

/// The shape implied by the first item at each depth. It stops one past
/// [`MAX_DIMS`], so a list that contains itself ends the walk.
fn probe_shape(value: &Value, shape: &mut Vec<usize>) {
    if shape.len() > MAX_DIMS {
        return;
    }
    match value {
        Value::List(items) => {
            let items = items.borrow();
            shape.push(items.len());
            if let Some(first) = items.first() {
                probe_shape(first, shape);
            }
        }
        Value::Tuple(items) => {
            shape.push(items.len());
            if let Some(first) = items.first() {
                probe_shape(first, shape);
            }
        }
        Value::Range { start, stop, step } => {
            shape.push(crate::value::range_len(*start, *stop, *step).max(0) as usize);
        }
        Value::Iterator(state) => {
            if let IteratorState::Items { items, position } = &*state.borrow() {
                let rest = items.get(*position..).unwrap_or_default();
                shape.push(rest.len());
                if let Some(first) = rest.first() {
                    probe_shape(first, shape);
                }
            }
        }
        other => {
            if let Some(array) = NdArray::from_value(other) {
                shape.extend_from_slice(array.shape());
            }
        }
    }
}

fn inhomogeneous(shape: &[usize], depth: usize) -> Box<Exception> {
    value_error(format!(
        "setting an array element with a sequence. The requested array has an inhomogeneous \
         shape after {depth} dimensions. The detected shape was {} + inhomogeneous part.",
        shape_text(&shape[..depth.min(shape.len())])
    ))
}

/// numpy's error-message spelling of a shape: `(3,)`, `(2,3)`, `()`.
pub(crate) fn compact_shape_text(shape: &[usize]) -> String {
    shape_text(shape).replace(", ", ",")
}

/// numpy's spelling of a shape (a Python tuple): `(3,)`, `(2, 3)`, `()`.
pub(crate) fn shape_text(shape: &[usize]) -> String {
    match shape {
        [one] => format!("({one},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn collect_items(items: &[Value], depth: usize, out: &mut Collected) -> Result<()> {
    if out.shape.get(depth) != Some(&items.len()) {
        return Err(inhomogeneous(&out.shape, depth));
    }
    for item in items {
        collect(item, depth + 1, out)?;
    }
    Ok(())
}

fn collect(value: &Value, depth: usize, out: &mut Collected) -> Result<()> {
    match value {
        Value::List(items) => return collect_items(&items.borrow(), depth, out),
        Value::Tuple(items) => return collect_items(items, depth, out),
        Value::Range { start, stop, step } => {
            let length = crate::value::range_len(*start, *stop, *step).max(0) as usize;
            if out.shape.get(depth) != Some(&length) || out.shape.len() != depth + 1 {
                return Err(inhomogeneous(&out.shape, depth));
            }
            check_bytes(&[out.leaves.len() + length], DType::Int64, out.max_bytes)?;
            out.python_kind = Some(
                out.python_kind
                    .map_or(DType::Int64, |kind| wider_kind(kind, DType::Int64)),
            );
            out.leaves
                .extend((0..length as i64).map(|i| Leaf::Int(start + i * step)));
            return Ok(());
        }
        Value::Iterator(state) => {
            let rest: Vec<Value> = match &*state.borrow() {
                IteratorState::Items { items, position } => {
                    items.get(*position..).unwrap_or_default().to_vec()
                }
                IteratorState::Range { next, stop, step } => {
                    let length = crate::value::range_len(*next, *stop, *step).max(0);
                    (0..length).map(|i| Value::Int(next + i * step)).collect()
                }
            };
            return collect_items(&rest, depth, out);
        }
        _ => {}
    }
    if let Some(array) = NdArray::from_value(value) {
        if out.shape.get(depth..) != Some(array.shape()) {
            return Err(inhomogeneous(&out.shape, depth));
        }
        out.array_dtype = Some(match out.array_dtype {
            Some(dtype) => super::ops::promote(dtype, array.dtype())?,
            None => array.dtype(),
        });
        match array.storage() {
            Storage::Strings { items, .. } => {
                out.leaves.extend(items.iter().cloned().map(Leaf::Str));
            }
            Storage::Numeric(_) if array.dtype().is_float() => {
                out.leaves
                    .extend(f64_items(&array)?.into_iter().map(Leaf::Float));
            }
            Storage::Numeric(_) if array.dtype() == DType::Bool => {
                out.leaves
                    .extend(i64_items(&array)?.into_iter().map(|i| Leaf::Bool(i != 0)));
            }
            Storage::Numeric(_) => {
                out.leaves
                    .extend(i64_items(&array)?.into_iter().map(Leaf::Int));
            }
        }
        return Ok(());
    }
    if out.shape.len() != depth {
        return Err(inhomogeneous(&out.shape, depth));
    }
    let (leaf, kind) = match value {
        Value::Bool(b) => (Leaf::Bool(*b), DType::Bool),
        Value::Int(i) => (Leaf::Int(*i), DType::Int64),
        Value::Float(x) => (Leaf::Float(*x), DType::Float64),
        Value::Str(text) => (Leaf::Str(text.clone()), DType::Str),
        other => {
            return Err(type_error(format!(
                "Dojo's arrays hold numbers, booleans or strings, not '{}'",
                other.type_name()
            )));
        }
    };
    out.leaves.push(leaf);
    out.python_kind = Some(match out.python_kind {
        Some(previous) => wider_kind(previous, kind),
        None => kind,
    });
    Ok(())
}

/// The wider of two Python scalar kinds (bool < int64 < float64 < str).
fn wider_kind(a: DType, b: DType) -> DType {
    let rank = |kind| match kind {
        DType::Bool => 0,
        DType::Str => 3,
        kind if DType::is_float(kind) => 2,
        _ => 1,
    };
    if rank(a) >= rank(b) { a } else { b }
}

/// The natural dtype of the collected items, then the requested one.
fn build(collected: Collected, dtype: Option<DType>, max_bytes: u64) -> Result<NdArray> {
    let Collected {
        shape,
        leaves,
        array_dtype,
        python_kind,
        ..
    } = collected;
    let natural = match (array_dtype, python_kind) {
        (None, None) => DType::Float64,
        (Some(kind), None) | (None, Some(kind)) => kind,
        (Some(DType::Str), _) | (_, Some(DType::Str)) => DType::Str,
        (Some(array), Some(python)) => super::ops::promote(array, python)?,
    };
    let target = dtype.unwrap_or(natural);
    check_bytes(&shape, target, max_bytes)?;
    let device = &Device::Cpu;
    let tensor = match target {
        DType::Str => {
            let items = leaves
                .into_iter()
                .map(|leaf| match leaf {
                    Leaf::Bool(b) => Rc::from(if b { "True" } else { "False" }),
                    Leaf::Int(i) => Rc::from(i.to_string()),
                    Leaf::Float(x) => Rc::from(crate::value::format_float(x)),
                    Leaf::Str(text) => text,
                })
                .collect();
            return Ok(NdArray::from_strings(&shape, items));
        }
        DType::Float32 => {
            let data = leaves
                .iter()
                .map(|leaf| leaf_f64(leaf).map(|x| x as f32))
                .collect::<Result<Vec<f32>>>()?;
            Tensor::from_vec(data, shape.as_slice(), device).np()?
        }
        DType::Float64 => {
            let data = leaves.iter().map(leaf_f64).collect::<Result<Vec<f64>>>()?;
            Tensor::from_vec(data, shape.as_slice(), device).np()?
        }
        DType::Bool => {
            let data = leaves
                .iter()
                .map(|leaf| match leaf {
                    Leaf::Str(text) => Ok(u8::from(!text.is_empty())),
                    other => leaf_f64(other).map(|x| u8::from(x != 0.0)),
                })
                .collect::<Result<Vec<u8>>>()?;
            Tensor::from_vec(data, shape.as_slice(), device).np()?
        }
        DType::UInt8 | DType::Int32 | DType::Int64 => {
            let data = leaves
                .iter()
                .map(|leaf| leaf_i64(leaf).map(|i| wrap_integer(i, target)))
                .collect::<Result<Vec<i64>>>()?;
            let tensor = Tensor::from_vec(data, shape.as_slice(), device).np()?;
            if target == DType::UInt8 {
                tensor.to_dtype(candle_core::DType::U8).np()?
            } else {
                tensor
            }
        }
    };
    Ok(NdArray::from_tensor(tensor, target))
}

fn leaf_f64(leaf: &Leaf) -> Result<f64> {
    match leaf {
        Leaf::Bool(b) => Ok(f64::from(u8::from(*b))),
        Leaf::Int(i) => Ok(*i as f64),
        Leaf::Float(x) => Ok(*x),
        Leaf::Str(text) => crate::builtins::parse_float(text)
            .ok_or_else(|| value_error(format!("could not convert string to float: '{text}'"))),
    }
}

fn leaf_i64(leaf: &Leaf) -> Result<i64> {
    match leaf {
        Leaf::Float(x) if !x.is_finite() => Err(value_error(
            "cannot convert float NaN or infinity to integer",
        )),
        Leaf::Str(text) => text
            .trim()
            .parse::<i64>()
            .map_err(|_| value_error(format!("invalid literal for int() with base 10: '{text}'"))),
        Leaf::Float(x) => Ok(x.trunc() as i64),
        other => leaf_f64(other).map(|x| x as i64),
    }
}

/// An integer as the fixed-width type stores it (numpy wraps around).
pub(crate) fn wrap_integer(value: i64, dtype: DType) -> i64 {
    match dtype {
        DType::UInt8 => i64::from(value as u8),
        DType::Int32 => i64::from(value as i32),
        DType::Bool => i64::from(value != 0),
        _ => value,
    }
}

/// The tensor of a numeric array, or a `TypeError` for strings.
pub(crate) fn numeric(array: &NdArray) -> Result<Tensor> {
    array.tensor().cloned().ok_or_else(|| {
        Exception::new(
            "TypeError",
            "this operation needs a numeric array, not an array of strings",
        )
    })
}

/// The items of a numeric array as `f64`, in row-major order.
pub(crate) fn f64_items(array: &NdArray) -> Result<Vec<f64>> {
    numeric(array)?
        .flatten_all()
        .np()?
        .to_dtype(candle_core::DType::F64)
        .np()?
        .to_vec1::<f64>()
        .np()
}

/// The items of a numeric array as `i64` (floats truncated), row-major.
pub(crate) fn i64_items(array: &NdArray) -> Result<Vec<i64>> {
    numeric(array)?
        .flatten_all()
        .np()?
        .to_dtype(candle_core::DType::I64)
        .np()?
        .to_vec1::<i64>()
        .np()
}

/// `array.astype(dtype)`: numpy's casts (floats truncate toward zero,
/// integers wrap to their width, numbers to bool test `!= 0`).
pub(crate) fn cast(array: &NdArray, dtype: DType, max_bytes: u64) -> Result<NdArray> {
    if array.dtype() == dtype {
        return Ok(array.clone());
    }
    check_bytes(array.shape(), dtype, max_bytes)?;
    let shape = array.shape().to_vec();
    match (array.storage(), dtype) {
        (Storage::Strings { items, .. }, DType::Str) => {
            Ok(NdArray::from_strings(&shape, items.to_vec()))
        }
        (Storage::Strings { items, .. }, _) => {
            let leaves: Vec<Leaf> = items.iter().cloned().map(Leaf::Str).collect();
            build(
                Collected {
                    shape,
                    leaves,
                    array_dtype: None,
                    python_kind: Some(DType::Str),
                    max_bytes,
                },
                Some(dtype),
                max_bytes,
            )
        }
        (Storage::Numeric(_), DType::Str) => {
            let items = element_values(array)?
                .iter()
                .map(|value| Rc::from(value.to_str()))
                .collect();
            Ok(NdArray::from_strings(&shape, items))
        }
        (Storage::Numeric(tensor), DType::Bool) => {
            let zero = tensor.zeros_like().np()?;
            Ok(NdArray::from_tensor(tensor.ne(&zero).np()?, DType::Bool))
        }
        (Storage::Numeric(tensor), DType::Float32 | DType::Float64 | DType::Int64) => {
            let storage = dtype.storage().unwrap_or(candle_core::DType::F64);
            let converted = if tensor.dtype().is_float() && !dtype.is_float() {
                // Truncation toward zero; NaN and infinities become 0-ish
                // garbage in numpy too, but never a panic here.
                let items = f64_items(array)?
                    .into_iter()
                    .map(|x| {
                        if x.is_finite() {
                            x.trunc() as i64
                        } else {
                            i64::MIN
                        }
                    })
                    .collect::<Vec<i64>>();
                Tensor::from_vec(items, shape.as_slice(), &Device::Cpu).np()?
            } else {
                tensor.to_dtype(storage).np()?
            };
            Ok(NdArray::from_tensor(converted, dtype))
        }
        (Storage::Numeric(_), DType::UInt8 | DType::Int32) => {
            let items = if array.dtype().is_float() {
                f64_items(array)?
                    .into_iter()
                    .map(|x| if x.is_finite() { x.trunc() as i64 } else { 0 })
                    .collect::<Vec<i64>>()
            } else {
                i64_items(array)?
            };
            let items: Vec<i64> = items.into_iter().map(|i| wrap_integer(i, dtype)).collect();
            let tensor = Tensor::from_vec(items, shape.as_slice(), &Device::Cpu).np()?;
            let storage = dtype.storage().unwrap_or(candle_core::DType::I64);
            Ok(NdArray::from_tensor(tensor.to_dtype(storage).np()?, dtype))
        }
    }
}

/// The items of an array as Python scalars, row-major.
pub(crate) fn element_values(array: &NdArray) -> Result<Vec<Value>> {
    Ok(match array.storage() {
        Storage::Strings { items, .. } => items.iter().cloned().map(Value::Str).collect(),
        Storage::Numeric(_) => match array.dtype() {
            DType::Bool => i64_items(array)?
                .into_iter()
                .map(|i| Value::Bool(i != 0))
                .collect(),
            DType::Float32 => numeric(array)?
                .flatten_all()
                .np()?
                .to_vec1::<f32>()
                .np()?
                .into_iter()
                .map(float32_value)
                .collect(),
            DType::Float64 => f64_items(array)?.into_iter().map(Value::Float).collect(),
            _ => i64_items(array)?.into_iter().map(Value::Int).collect(),
        },
    })
}

/// `array.tolist()`: nested lists of Python scalars.
pub(crate) fn to_list(array: &NdArray) -> Result<Value> {
    let items = element_values(array)?;
    if array.ndim() == 0 {
        return Ok(items.into_iter().next().unwrap_or(Value::None));
    }
    let shape = array.shape().to_vec();
    let mut items = items.into_iter();
    Ok(nest(&shape, &mut items))
}

fn nest(shape: &[usize], items: &mut impl Iterator<Item = Value>) -> Value {
    match shape.split_first() {
        None => items.next().unwrap_or(Value::None),
        Some((&length, rest)) => Value::list((0..length).map(|_| nest(rest, items)).collect()),
    }
}

/// `array.item()`: the only item of a size-1 array as a Python scalar.
pub(crate) fn item(array: &NdArray) -> Result<Value> {
    if array.len() != 1 {
        return Err(value_error(
            "can only convert an array of size 1 to a Python scalar",
        ));
    }
    Ok(element_values(array)?
        .into_iter()
        .next()
        .unwrap_or(Value::None))
}

/// Whether `value` is Python's `...`.
pub(crate) fn is_ellipsis(value: &Value) -> bool {
    matches!(value, Value::Native(native) if native.as_any().is::<EllipsisObject>())
}
