//! Conversions between Python values and [`NdArray`]s that the TensorFlow
//! data modules need: nested lists to arrays, rows, stacking. numpy's own
//! conversions (in the numpy module) supersede these; until then they are
//! private to the TensorFlow modules.

use std::rc::Rc;

use candle_core::{Device, Tensor};

use dojo_lang::error::{Exception, Result, type_error, value_error};
use dojo_lang::ndarray::{DType, NdArray, Storage};
use dojo_lang::value::Value;

/// A candle failure as a Python exception.
pub(crate) fn candle_error(error: candle_core::Error) -> Box<Exception> {
    value_error(format!("array operation failed: {error}"))
}

/// The dtypes that Python numbers become in TensorFlow's conversions
/// (`float32`/`int32`); numpy's own conversion (`float64`/`int64`) is
/// `numpy::convert::to_array`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Defaults {
    pub float: DType,
    pub int: DType,
}

pub(crate) const TF_DEFAULTS: Defaults = Defaults {
    float: DType::Float32,
    int: DType::Int32,
};

#[derive(Debug, Clone)]
enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
}

/// Leaves of a nested list in row-major order, checked against the shape
/// that the first item at each depth gives.
struct Flat {
    shape: Vec<usize>,
    leaves: Vec<Scalar>,
    /// The widest dtype among the arrays found inside the lists.
    array_dtype: Option<DType>,
}

/// The shape that `value` has if its nesting is regular (from first items).
fn shape_of(value: &Value) -> Vec<usize> {
    match value {
        Value::List(items) => {
            let items = items.borrow();
            let mut shape = vec![items.len()];
            if let Some(first) = items.first() {
                shape.extend(shape_of(first));
            }
            shape
        }
        Value::Tuple(items) => {
            let mut shape = vec![items.len()];
            if let Some(first) = items.first() {
                shape.extend(shape_of(first));
            }
            shape
        }
        other => NdArray::from_value(other)
            .map(|array| array.shape().to_vec())
            .unwrap_or_default(),
    }
}

fn inhomogeneous() -> Box<Exception> {
    value_error(
        "setting an array element with a sequence: the nested lists have an inhomogeneous shape",
    )
}

impl Flat {
    fn visit(&mut self, value: &Value, depth: usize) -> Result<()> {
        let items: Vec<Value> = match value {
            Value::List(items) => items.borrow().clone(),
            Value::Tuple(items) => items.to_vec(),
            Value::Native(_) => {
                let array = NdArray::from_value(value).ok_or_else(|| {
                    type_error(format!("cannot convert {} to an array", value.type_name()))
                })?;
                if self.shape.get(depth..) != Some(array.shape()) {
                    return Err(inhomogeneous());
                }
                self.array_dtype = Some(widest(self.array_dtype, array.dtype()));
                self.leaves.extend(scalars(&array)?);
                return Ok(());
            }
            scalar => {
                if depth != self.shape.len() {
                    return Err(inhomogeneous());
                }
                self.leaves.push(match scalar {
                    Value::Bool(b) => Scalar::Bool(*b),
                    Value::Int(i) => Scalar::Int(*i),
                    Value::Float(x) => Scalar::Float(*x),
                    Value::Str(s) => Scalar::Str(s.clone()),
                    other => {
                        return Err(type_error(format!(
                            "cannot convert a {} to an array element",
                            other.type_name()
                        )));
                    }
                });
                return Ok(());
            }
        };
        if self.shape.get(depth) != Some(&items.len()) {
            return Err(inhomogeneous());
        }
        for item in &items {
            self.visit(item, depth + 1)?;
        }
        Ok(())
    }
}

fn widest(a: Option<DType>, b: DType) -> DType {
    let rank = |dtype: DType| match dtype {
        DType::Bool => 0,
        DType::UInt8 => 1,
        DType::Int32 => 2,
        DType::Int64 => 3,
        DType::Float32 => 4,
        DType::Float64 => 5,
        DType::Str => 6,
    };
    match a {
        Some(a) if rank(a) >= rank(b) => a,
        _ => b,
    }
}

fn scalars(array: &NdArray) -> Result<Vec<Scalar>> {
    match array.storage() {
        Storage::Strings { items, .. } => Ok(items.iter().cloned().map(Scalar::Str).collect()),
        Storage::Numeric(tensor) => {
            let flat = tensor.flatten_all().map_err(candle_error)?;
            Ok(match array.dtype() {
                DType::Float32 | DType::Float64 => flat
                    .to_dtype(candle_core::DType::F64)
                    .and_then(|t| t.to_vec1::<f64>())
                    .map_err(candle_error)?
                    .into_iter()
                    .map(Scalar::Float)
                    .collect(),
                DType::Bool => flat
                    .to_vec1::<u8>()
                    .map_err(candle_error)?
                    .into_iter()
                    .map(|b| Scalar::Bool(b != 0))
                    .collect(),
                _ => flat
                    .to_dtype(candle_core::DType::I64)
                    .and_then(|t| t.to_vec1::<i64>())
                    .map_err(candle_error)?
                    .into_iter()
                    .map(Scalar::Int)
                    .collect(),
            })
        }
    }
}

/// Converts a number, a string, an array or nested lists/tuples of them to
/// an array; Python numbers take the dtypes of `defaults`, arrays keep theirs.
pub(crate) fn to_array(value: &Value, defaults: Defaults) -> Result<NdArray> {
    if let Some(array) = NdArray::from_value(value) {
        return Ok(array);
    }
    let mut flat = Flat {
        shape: shape_of(value),
        leaves: Vec::new(),
        array_dtype: None,
    };
    flat.visit(value, 0)?;
    let has = |test: fn(&Scalar) -> bool| flat.leaves.iter().any(test);
    let dtype = if has(|s| matches!(s, Scalar::Str(_))) {
        DType::Str
    } else if has(|s| matches!(s, Scalar::Float(_))) {
        widest(
            flat.array_dtype.filter(|d| *d == DType::Float64),
            defaults.float,
        )
    } else if has(|s| matches!(s, Scalar::Int(_))) {
        match flat.array_dtype {
            Some(dtype) if dtype != DType::Bool => dtype,
            _ => defaults.int,
        }
    } else if flat.leaves.is_empty() {
        flat.array_dtype.unwrap_or(defaults.float)
    } else {
        DType::Bool
    };
    build(&flat.shape, &flat.leaves, dtype)
}

fn build(shape: &[usize], leaves: &[Scalar], dtype: DType) -> Result<NdArray> {
    let number = |scalar: &Scalar| match scalar {
        Scalar::Bool(b) => f64::from(u8::from(*b)),
        Scalar::Int(i) => *i as f64,
        Scalar::Float(x) => *x,
        Scalar::Str(_) => f64::NAN,
    };
    let integer = |scalar: &Scalar| match scalar {
        Scalar::Int(i) => *i,
        other => number(other) as i64,
    };
    let array = match dtype {
        DType::Str => {
            let items = leaves
                .iter()
                .map(|scalar| match scalar {
                    Scalar::Str(s) => s.clone(),
                    Scalar::Int(i) => Rc::from(i.to_string()),
                    Scalar::Float(x) => Rc::from(x.to_string()),
                    Scalar::Bool(b) => Rc::from(if *b { "True" } else { "False" }),
                })
                .collect();
            return Ok(NdArray::from_strings(shape, items));
        }
        DType::Float32 => {
            NdArray::from_f32(shape, leaves.iter().map(|s| number(s) as f32).collect())
        }
        DType::Float64 => NdArray::from_f64(shape, leaves.iter().map(number).collect()),
        DType::Int32 | DType::Int64 => {
            NdArray::from_i64(shape, leaves.iter().map(integer).collect(), dtype)
        }
        DType::UInt8 => NdArray::from_u8(shape, leaves.iter().map(|s| integer(s) as u8).collect()),
        DType::Bool => NdArray::from_u8(
            shape,
            leaves.iter().map(|s| u8::from(number(s) != 0.0)).collect(),
        )
        .map(|a| retype(a, DType::Bool)),
    };
    array.map_err(candle_error)
}

/// The same tensor under another numpy dtype of the same storage.
fn retype(array: NdArray, dtype: DType) -> NdArray {
    match array.tensor() {
        Some(tensor) if dtype.storage() == Some(tensor.dtype()) => {
            NdArray::from_tensor(tensor.clone(), dtype)
        }
        _ => array,
    }
}

/// Converts an array to `dtype` (numeric to numeric).
pub(crate) fn cast(array: &NdArray, dtype: DType) -> Result<NdArray> {
    if array.dtype() == dtype {
        return Ok(array.clone());
    }
    let (Some(tensor), Some(storage)) = (array.tensor(), dtype.storage()) else {
        return Err(type_error(format!(
            "cannot cast an array of {} to {}",
            array.dtype().name(),
            dtype.name()
        )));
    };
    let converted = if dtype == DType::Bool {
        tensor.ne(0.0).map_err(candle_error)?
    } else if array.dtype().storage() == Some(candle_core::DType::F32)
        || array.dtype().storage() == Some(candle_core::DType::F64)
    {
        // Casting floats to integers truncates toward zero, as numpy does.
        match storage {
            candle_core::DType::I64 | candle_core::DType::U8 => {
                let truncated = tensor
                    .to_dtype(candle_core::DType::F64)
                    .and_then(|t| {
                        let sign = t.sign()?;
                        t.abs()?.floor()?.mul(&sign)
                    })
                    .map_err(candle_error)?;
                truncated.to_dtype(storage).map_err(candle_error)?
            }
            _ => tensor.to_dtype(storage).map_err(candle_error)?,
        }
    } else {
        tensor.to_dtype(storage).map_err(candle_error)?
    };
    Ok(NdArray::from_tensor(converted, dtype))
}

/// `array[index]` along the first axis.
pub(crate) fn row(array: &NdArray, index: usize) -> Result<NdArray> {
    match array.storage() {
        Storage::Numeric(tensor) => Ok(NdArray::from_tensor(
            tensor.get(index).map_err(candle_error)?,
            array.dtype(),
        )),
        Storage::Strings { shape, items } => {
            let inner: usize = shape.iter().skip(1).product();
            let rows = items
                .get(index * inner..(index + 1) * inner)
                .ok_or_else(|| Exception::new("IndexError", "index out of range"))?;
            Ok(NdArray::from_strings(
                shape.get(1..).unwrap_or_default(),
                rows.to_vec(),
            ))
        }
    }
}

/// Rows `start..start + length` along the first axis (a view for numeric arrays).
pub(crate) fn rows(array: &NdArray, start: usize, length: usize) -> Result<NdArray> {
    match array.storage() {
        Storage::Numeric(tensor) => Ok(NdArray::from_tensor(
            tensor.narrow(0, start, length).map_err(candle_error)?,
            array.dtype(),
        )),
        Storage::Strings { shape, items } => {
            let inner: usize = shape.iter().skip(1).product();
            let rows = items
                .get(start * inner..(start + length) * inner)
                .ok_or_else(|| Exception::new("IndexError", "index out of range"))?;
            let mut new_shape = shape.clone();
            if let Some(first) = new_shape.first_mut() {
                *first = length;
            }
            Ok(NdArray::from_strings(&new_shape, rows.to_vec()))
        }
    }
}

/// Rows at `indices` along the first axis.
pub(crate) fn take_rows(array: &NdArray, indices: &[usize]) -> Result<NdArray> {
    match array.storage() {
        Storage::Numeric(tensor) => {
            let ids: Vec<u32> = indices.iter().map(|&i| i as u32).collect();
            let ids = Tensor::from_vec(ids, indices.len(), &Device::Cpu).map_err(candle_error)?;
            Ok(NdArray::from_tensor(
                tensor.index_select(&ids, 0).map_err(candle_error)?,
                array.dtype(),
            ))
        }
        Storage::Strings { .. } => {
            let picked = indices
                .iter()
                .map(|&i| row(array, i))
                .collect::<Result<Vec<_>>>()?;
            stack(&picked)
        }
    }
}

/// Stacks arrays of one shape along a new first axis, promoting dtypes.
pub(crate) fn stack(arrays: &[NdArray]) -> Result<NdArray> {
    let Some(first) = arrays.first() else {
        return Err(value_error("need at least one array to stack"));
    };
    if let Some(other) = arrays.iter().find(|a| a.shape() != first.shape()) {
        return Err(value_error(format!(
            "cannot batch arrays of different shapes {:?} and {:?}; use padded_batch for sequences of different lengths",
            first.shape(),
            other.shape()
        )));
    }
    let dtype = arrays
        .iter()
        .fold(None, |wide, a| Some(widest(wide, a.dtype())))
        .unwrap_or(first.dtype());
    if dtype == DType::Str {
        let mut items = Vec::new();
        for array in arrays {
            match array.storage() {
                Storage::Strings { items: own, .. } => items.extend(own.iter().cloned()),
                Storage::Numeric(_) => {
                    return Err(type_error("cannot batch strings with numbers"));
                }
            }
        }
        let mut shape = vec![arrays.len()];
        shape.extend_from_slice(first.shape());
        return Ok(NdArray::from_strings(&shape, items));
    }
    let tensors = arrays
        .iter()
        .map(|a| {
            cast(a, dtype)
                .and_then(|a| a.tensor().cloned().ok_or_else(|| type_error("not numeric")))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(NdArray::from_tensor(
        Tensor::stack(&tensors, 0).map_err(candle_error)?,
        dtype,
    ))
}

/// The values of a numeric array as `f64`, row-major.
pub(crate) fn to_f64s(array: &NdArray) -> Result<Vec<f64>> {
    let tensor = array
        .tensor()
        .ok_or_else(|| type_error("expected a numeric array, not strings"))?;
    tensor
        .flatten_all()
        .and_then(|t| t.to_dtype(candle_core::DType::F64))
        .and_then(|t| t.to_vec1::<f64>())
        .map_err(candle_error)
}

/// The values of a numeric array as `i64` (floats truncated), row-major.
pub(crate) fn to_i64s(array: &NdArray) -> Result<Vec<i64>> {
    Ok(to_f64s(&cast(array, DType::Int64)?)?
        .into_iter()
        .map(|x| x as i64)
        .collect())
}

/// The single value of a one-element array as a Python scalar.
pub(crate) fn item(array: &NdArray) -> Result<Value> {
    if array.shape().iter().product::<usize>() != 1 {
        return Err(value_error(
            "only an array with one element can be converted to a Python scalar",
        ));
    }
    Ok(match array.storage() {
        Storage::Strings { items, .. } => Value::Str(items[0].clone()),
        Storage::Numeric(_) => {
            let x = to_f64s(array)?[0];
            match array.dtype() {
                DType::Bool => Value::Bool(x != 0.0),
                DType::Float32 | DType::Float64 => Value::Float(x),
                _ => Value::Int(x as i64),
            }
        }
    })
}
