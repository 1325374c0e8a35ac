//! Array constructors: `zeros`, `ones`, `full`, `*_like`, `arange`,
//! `linspace`, `eye`. Each checks the size limit before allocating.

use candle_core::{Device, Tensor};

use super::ops::{float_tensor, int_tensor};
use super::{CandleResult, check_bytes};
use crate::error::{Result, type_error, value_error};
use crate::ndarray::{DType, NdArray};
use crate::object::ArgName;
use crate::value::Value;

/// An array of `shape` filled with `value` (already valid for `dtype`).
pub(crate) fn filled(
    shape: &[usize],
    value: &Value,
    dtype: DType,
    max_bytes: u64,
) -> Result<NdArray> {
    check_bytes(shape, dtype, max_bytes)?;
    let device = &Device::Cpu;
    let number = match value {
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Int(i) => *i as f64,
        Value::Float(x) => *x,
        Value::Str(text) if dtype == DType::Str => {
            let count = shape.iter().product();
            return Ok(NdArray::from_strings(shape, vec![text.clone(); count]));
        }
        other => {
            return Err(type_error(format!(
                "fill value must be a number, not {}",
                other.type_name()
            )));
        }
    };
    let tensor = match dtype {
        DType::Float32 => Tensor::full(number as f32, shape, device).np()?,
        DType::Float64 => Tensor::full(number, shape, device).np()?,
        DType::Bool => Tensor::full(u8::from(number != 0.0), shape, device).np()?,
        DType::UInt8 => Tensor::full(number as i64 as u8, shape, device).np()?,
        DType::Int32 => Tensor::full(i64::from(number as i64 as i32), shape, device).np()?,
        DType::Int64 => {
            let exact = if let Value::Int(i) = value {
                *i
            } else {
                number as i64
            };
            Tensor::full(exact, shape, device).np()?
        }
        DType::Str => {
            let count = shape.iter().product();
            let text = crate::value::format_float(number);
            return Ok(NdArray::from_strings(
                shape,
                vec![text.as_str().into(); count],
            ));
        }
    };
    Ok(NdArray::from_tensor(tensor, dtype))
}

/// The natural dtype of a Python scalar fill value.
pub(crate) fn scalar_dtype(value: &Value) -> DType {
    match value {
        Value::Bool(_) => DType::Bool,
        Value::Int(_) => DType::Int64,
        Value::Str(_) => DType::Str,
        _ => DType::Float64,
    }
}

/// `np.arange(start, stop, step, dtype)`: integers when every bound is an int.
pub(crate) fn arange(bounds: &[Value], dtype: Option<DType>, max_bytes: u64) -> Result<NdArray> {
    let (start, stop, step) = match bounds {
        [stop] => (Value::Int(0), stop.clone(), Value::Int(1)),
        [start, stop] => (start.clone(), stop.clone(), Value::Int(1)),
        [start, stop, step] => (start.clone(), stop.clone(), step.clone()),
        _ => return Err(type_error("arange() requires stop to be specified.")),
    };
    let integral = [&start, &stop, &step]
        .iter()
        .all(|value| matches!(value, Value::Int(_) | Value::Bool(_)));
    let dtype = dtype.unwrap_or(if integral {
        DType::Int64
    } else {
        DType::Float64
    });
    let (first, last, delta) = (
        ArgName::Described("start").number(&start)?,
        ArgName::Described("stop").number(&stop)?,
        ArgName::Described("step").number(&step)?,
    );
    if delta == 0.0 {
        return Err(value_error("Maximum allowed size exceeded"));
    }
    let count = ((last - first) / delta).ceil();
    if !count.is_finite() {
        return Err(value_error("arange: cannot compute length"));
    }
    // A float-to-int `as` saturates, so a huge count fails the size check.
    let count = count.max(0.0) as usize;
    check_bytes(&[count], dtype, max_bytes)?;
    let tensor = if dtype.is_float() {
        let values: Vec<f64> = (0..count).map(|i| first + i as f64 * delta).collect();
        float_tensor(values, &[count], dtype)?
    } else {
        let (first, delta) = match (&start, &step) {
            (Value::Int(a), Value::Int(b)) => (*a, *b),
            _ => (first as i64, delta as i64),
        };
        let values: Vec<i64> = (0..count as i64)
            .map(|i| super::convert::wrap_integer(first.wrapping_add(i.wrapping_mul(delta)), dtype))
            .collect();
        int_tensor(values, &[count], dtype)?
    };
    Ok(NdArray::from_tensor(tensor, dtype))
}

/// `np.linspace(start, stop, num, endpoint)`.
pub(crate) fn linspace(
    start: &Value,
    stop: &Value,
    count: i64,
    endpoint: bool,
    dtype: Option<DType>,
    max_bytes: u64,
) -> Result<NdArray> {
    let count = usize::try_from(count)
        .map_err(|_| value_error(format!("Number of samples, {count}, must be non-negative.")))?;
    let dtype = dtype.unwrap_or(DType::Float64);
    check_bytes(&[count], dtype, max_bytes)?;
    let (first, last) = (
        ArgName::Described("start").number(start)?,
        ArgName::Described("stop").number(stop)?,
    );
    let divisions = if endpoint {
        count.saturating_sub(1)
    } else {
        count
    };
    let step = if divisions > 0 {
        (last - first) / divisions as f64
    } else {
        0.0
    };
    let mut values: Vec<f64> = (0..count).map(|i| first + i as f64 * step).collect();
    if endpoint
        && count > 1
        && let Some(end) = values.last_mut()
    {
        *end = last;
    }
    let array = NdArray::from_tensor(
        float_tensor(values, &[count], DType::Float64)?,
        DType::Float64,
    );
    super::convert::cast(&array, dtype, max_bytes)
}

/// `np.eye(n, m)`.
pub(crate) fn eye(rows: usize, columns: usize, dtype: DType, max_bytes: u64) -> Result<NdArray> {
    check_bytes(&[rows, columns], dtype, max_bytes)?;
    let mut values = vec![0.0; rows * columns];
    for i in 0..rows.min(columns) {
        values[i * columns + i] = 1.0;
    }
    let array = NdArray::from_tensor(
        Tensor::from_vec(values, (rows, columns), &Device::Cpu).np()?,
        DType::Float64,
    );
    super::convert::cast(&array, dtype, max_bytes)
}
