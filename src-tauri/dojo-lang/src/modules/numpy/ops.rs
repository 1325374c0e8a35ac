//! Element-wise arithmetic with numpy's broadcasting and type promotion.
//!
//! Float arithmetic and all comparisons run as candle tensor ops. Integer
//! arithmetic runs over flat `i64` vectors with wrapping semantics (numpy's
//! fixed-width integers wrap; candle's debug builds would panic instead).
//! Nothing is boxed per item.

use candle_core::{Device, Tensor};

use super::convert::{self, compact_shape_text, numeric, wrap_integer};
use super::{CandleResult, check_bytes};
use crate::error::{Exception, Result, type_error, value_error};
use crate::ndarray::{DType, NdArray, Storage};
use crate::syntax::{BinaryOp, CompareOp, UnaryOp};
use crate::value::Value;

/// One side of an element-wise operation. Python scalars are "weak"
/// (NEP 50): `float32_array * 2.5` stays float32, `uint8_array + 1` uint8.
#[derive(Clone)]
pub(crate) enum Operand {
    Array(NdArray),
    Scalar(Value),
}

impl Operand {
    /// An operand from any value: arrays and Python numbers as they are,
    /// sequences converted like `np.asarray`.
    pub fn of(value: &Value, max_bytes: u64) -> Result<Operand> {
        match value {
            Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_) => {
                Ok(Operand::Scalar(value.clone()))
            }
            other => convert::to_array(other, None, max_bytes).map(Operand::Array),
        }
    }

    fn shape(&self) -> &[usize] {
        match self {
            Operand::Array(array) => array.shape(),
            Operand::Scalar(_) => &[],
        }
    }

    /// The strong dtype of an array, or the kind of a Python scalar.
    fn kind(&self) -> DType {
        match self {
            Operand::Array(array) => array.dtype(),
            Operand::Scalar(Value::Bool(_)) => DType::Bool,
            Operand::Scalar(Value::Int(_)) => DType::Int64,
            Operand::Scalar(Value::Float(_)) => DType::Float64,
            Operand::Scalar(_) => DType::Str,
        }
    }

    /// The operand as an array of `dtype` (a scalar becomes 0-d).
    fn as_array(&self, dtype: DType, max_bytes: u64) -> Result<NdArray> {
        match self {
            Operand::Array(array) => convert::cast(array, dtype, max_bytes),
            Operand::Scalar(value) => convert::to_array(value, Some(dtype), max_bytes),
        }
    }

    fn tensor(&self, dtype: DType, max_bytes: u64) -> Result<Tensor> {
        numeric(&self.as_array(dtype, max_bytes)?)
    }
}

/// `array <op> scalar` or `scalar <op> array` for `+ - * /` when the
/// array's elements must first become `dtype` (e.g. `x_train / 255.0` on
/// an image array of uint8): the converted copy is fresh, so the scalar
/// operation runs on it in place. The general path would hold the copy and
/// the result at once: for Fashion-MNIST's 60 000 training images, two
/// float64 arrays of 376 MB. `None` where that does not apply.
fn scalar_in_place(
    op: Op,
    a: &Operand,
    b: &Operand,
    dtype: DType,
    max_bytes: u64,
) -> Result<Option<Tensor>> {
    let (array, scalar, scalar_first) = match (a, b) {
        (Operand::Array(array), Operand::Scalar(scalar)) => (array, scalar, false),
        (Operand::Scalar(scalar), Operand::Array(array)) => (array, scalar, true),
        _ => return Ok(None),
    };
    let scalar = match scalar {
        Value::Bool(value) => f64::from(u8::from(*value)),
        Value::Int(value) => *value as f64,
        Value::Float(value) => *value,
        _ => return Ok(None),
    };
    if !matches!(op, Op::Add | Op::Sub | Op::Mul | Op::Div) || array.dtype() == dtype {
        return Ok(None);
    }
    let converted = numeric(&convert::cast(array, dtype, max_bytes)?)?;
    // A conversion between two candle types always allocates; within one
    // (which numpy's dtypes here never need) it would share the array's
    // storage, and the operation must not write into the program's array.
    let fresh = array
        .tensor()
        .is_some_and(|t| t.dtype() != converted.dtype());
    if !fresh || !converted.is_contiguous() || !converted.device().is_cpu() {
        return Ok(None);
    }
    converted
        .inplace_op1(&ScalarOp {
            op,
            scalar,
            scalar_first,
        })
        .np()?;
    Ok(Some(converted))
}

/// `x = x <op> scalar` (or `scalar <op> x`) on every element, in place, in
/// the tensor's own float type (the scalar rounded to it first, as numpy
/// does for a Python float against a float32 array).
struct ScalarOp {
    op: Op,
    scalar: f64,
    scalar_first: bool,
}

impl ScalarOp {
    fn apply<T: candle_core::WithDType>(&self, values: &mut [T]) {
        let s = T::from_f64(self.scalar);
        let f: fn(T, T) -> T = match self.op {
            Op::Add => |x, y| x + y,
            Op::Sub => |x, y| x - y,
            Op::Mul => |x, y| x * y,
            // Op::Div, the only other operation `scalar_in_place` lets through.
            _ => |x, y| x / y,
        };
        if self.scalar_first {
            values.iter_mut().for_each(|v| *v = f(s, *v));
        } else {
            values.iter_mut().for_each(|v| *v = f(*v, s));
        }
    }
}

impl candle_core::InplaceOp1 for ScalarOp {
    fn name(&self) -> &'static str {
        "dojo-scalar-op"
    }

    fn cpu_fwd(
        &self,
        storage: &mut candle_core::CpuStorage,
        layout: &candle_core::Layout,
    ) -> candle_core::Result<()> {
        let Some((start, end)) = layout.contiguous_offsets() else {
            candle_core::bail!("an in-place scalar operation on a strided array");
        };
        match storage {
            candle_core::CpuStorage::F32(values) => self.apply(&mut values[start..end]),
            candle_core::CpuStorage::F64(values) => self.apply(&mut values[start..end]),
            _ => candle_core::bail!("an in-place scalar operation on integers"),
        }
        Ok(())
    }
}

/// numpy's promotion of two array dtypes.
pub(crate) fn promote(a: DType, b: DType) -> Result<DType> {
    use DType::*;
    if a == b {
        return Ok(a);
    }
    Ok(match (a, b) {
        (Str, _) | (_, Str) => {
            return Err(type_error(format!(
                "no common dtype for {} and {}: strings and numbers do not mix",
                a.name(),
                b.name()
            )));
        }
        (Bool, other) | (other, Bool) => other,
        (Float64, _) | (_, Float64) => Float64,
        (Float32, UInt8) | (UInt8, Float32) => Float32,
        (Float32, _) | (_, Float32) => Float64,
        (Int64, _) | (_, Int64) => Int64,
        _ => Int32,
    })
}

/// The dtype of `a <op> b` before true division's float rule.
fn result_dtype(a: &Operand, b: &Operand) -> Result<DType> {
    match (a, b) {
        (Operand::Array(x), Operand::Array(y)) => promote(x.dtype(), y.dtype()),
        (Operand::Array(array), Operand::Scalar(scalar))
        | (Operand::Scalar(scalar), Operand::Array(array)) => weak(array.dtype(), scalar),
        _ => promote(a.kind(), b.kind()),
    }
}

fn weak(dtype: DType, scalar: &Value) -> Result<DType> {
    Ok(match scalar {
        Value::Bool(_) => dtype,
        Value::Int(_) if dtype == DType::Bool => DType::Int64,
        Value::Int(_) => dtype,
        Value::Float(_) if dtype.is_float() => dtype,
        Value::Float(_) if dtype == DType::Str => return promote(dtype, DType::Float64),
        Value::Float(_) => DType::Float64,
        _ if dtype == DType::Str => DType::Str,
        _ => return promote(dtype, DType::Str),
    })
}

/// numpy's broadcasting of two shapes, with numpy's error.
pub(crate) fn broadcast_shape(a: &[usize], b: &[usize]) -> Result<Vec<usize>> {
    let rank = a.len().max(b.len());
    let mut shape = Vec::with_capacity(rank);
    for i in 0..rank {
        let x = if i + a.len() >= rank {
            a[i + a.len() - rank]
        } else {
            1
        };
        let y = if i + b.len() >= rank {
            b[i + b.len() - rank]
        } else {
            1
        };
        shape.push(match (x, y) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => {
                return Err(value_error(format!(
                    "operands could not be broadcast together with shapes {} {} ",
                    compact_shape_text(a),
                    compact_shape_text(b)
                )));
            }
        });
    }
    Ok(shape)
}

/// The element-wise operations of the binary operators and of
/// `np.maximum`/`np.minimum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    And,
    Or,
    Xor,
    Max,
    Min,
}

impl Op {
    pub fn of(op: BinaryOp) -> Option<Op> {
        Some(match op {
            BinaryOp::Add => Op::Add,
            BinaryOp::Sub => Op::Sub,
            BinaryOp::Mul => Op::Mul,
            BinaryOp::Div => Op::Div,
            BinaryOp::FloorDiv => Op::FloorDiv,
            BinaryOp::Mod => Op::Mod,
            BinaryOp::Pow => Op::Pow,
            BinaryOp::BitAnd => Op::And,
            BinaryOp::BitOr => Op::Or,
            BinaryOp::BitXor => Op::Xor,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Sub => "subtract",
            Op::Mul => "multiply",
            Op::Div => "divide",
            Op::FloorDiv => "floor_divide",
            Op::Mod => "remainder",
            Op::Pow => "power",
            Op::And => "bitwise_and",
            Op::Or => "bitwise_or",
            Op::Xor => "bitwise_xor",
            Op::Max => "maximum",
            Op::Min => "minimum",
        }
    }
}

/// `a <op> b` with broadcasting and promotion.
pub(crate) fn binary(op: Op, a: &Operand, b: &Operand, max_bytes: u64) -> Result<NdArray> {
    let shape = broadcast_shape(a.shape(), b.shape())?;
    let mut dtype = result_dtype(a, b)?;
    if dtype == DType::Str {
        return Err(type_error(format!(
            "ufunc '{}' did not contain a loop with signature matching types (strings)",
            op.name()
        )));
    }
    if op == Op::Div && !dtype.is_float() {
        dtype = DType::Float64;
    }
    check_bytes(&shape, dtype, max_bytes)?;
    if dtype.is_float() {
        if let Some(result) = scalar_in_place(op, a, b, dtype, max_bytes)? {
            return Ok(NdArray::from_tensor(result, dtype));
        }
        let x = a.tensor(dtype, max_bytes)?;
        let y = b.tensor(dtype, max_bytes)?;
        let result = match op {
            Op::Add => x.broadcast_add(&y).np()?,
            Op::Sub => x.broadcast_sub(&y).np()?,
            Op::Mul => x.broadcast_mul(&y).np()?,
            Op::Div => x.broadcast_div(&y).np()?,
            Op::FloorDiv => x.broadcast_div(&y).np()?.floor().np()?,
            Op::Mod => {
                let quotient = x.broadcast_div(&y).np()?.floor().np()?;
                x.broadcast_sub(&quotient.broadcast_mul(&y).np()?).np()?
            }
            Op::Max => x.broadcast_maximum(&y).np()?,
            Op::Min => x.broadcast_minimum(&y).np()?,
            Op::Pow => {
                let base = flat_f64(&x, &shape)?;
                let exponent = flat_f64(&y, &shape)?;
                let values: Vec<f64> = base
                    .iter()
                    .zip(&exponent)
                    .map(|(b, e)| b.powf(*e))
                    .collect();
                float_tensor(values, &shape, dtype)?
            }
            Op::And | Op::Or | Op::Xor => {
                return Err(type_error(format!(
                    "ufunc '{}' not supported for the input types (floats)",
                    op.name()
                )));
            }
        };
        return Ok(NdArray::from_tensor(result, dtype));
    }
    let x = flat_i64(&a.tensor(dtype, max_bytes)?, &shape)?;
    let y = flat_i64(&b.tensor(dtype, max_bytes)?, &shape)?;
    let boolean = dtype == DType::Bool;
    if boolean && op == Op::Sub {
        return Err(type_error(
            "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, \
             the `^` operator, or the logical_xor function instead.",
        ));
    }
    if op == Op::Pow && y.iter().any(|e| *e < 0) {
        return Err(value_error(
            "Integers to negative integer powers are not allowed.",
        ));
    }
    let function: fn(i64, i64) -> i64 = match op {
        Op::Add => i64::wrapping_add,
        Op::Sub => i64::wrapping_sub,
        Op::Mul => i64::wrapping_mul,
        // Division by zero gives 0, as numpy does (with a warning).
        Op::FloorDiv => |a, b| {
            if b == 0 {
                return 0;
            }
            let quotient = a.wrapping_div(b);
            let inexact = a.wrapping_rem(b) != 0;
            if inexact && ((a < 0) != (b < 0)) {
                quotient - 1
            } else {
                quotient
            }
        },
        // The remainder takes the divisor's sign.
        Op::Mod => |a, b| {
            if b == 0 {
                return 0;
            }
            let remainder = a.wrapping_rem(b);
            if remainder != 0 && ((remainder < 0) != (b < 0)) {
                remainder + b
            } else {
                remainder
            }
        },
        Op::Pow => |a, b| a.wrapping_pow(u32::try_from(b).unwrap_or(u32::MAX)),
        Op::And => |a, b| a & b,
        Op::Or => |a, b| a | b,
        Op::Xor => |a, b| a ^ b,
        Op::Max => i64::max,
        Op::Min => i64::min,
        Op::Div => |_, _| 0,
    };
    let values: Vec<i64> = x
        .iter()
        .zip(&y)
        .map(|(a, b)| wrap_integer(function(*a, *b), dtype))
        .collect();
    Ok(NdArray::from_tensor(
        int_tensor(values, &shape, dtype)?,
        dtype,
    ))
}

/// A tensor broadcast to `shape`, as a flat `f64` vector.
pub(crate) fn flat_f64(tensor: &Tensor, shape: &[usize]) -> Result<Vec<f64>> {
    tensor
        .to_dtype(candle_core::DType::F64)
        .np()?
        .broadcast_as(shape)
        .np()?
        .flatten_all()
        .np()?
        .to_vec1::<f64>()
        .np()
}

/// A tensor broadcast to `shape`, as a flat `i64` vector.
pub(crate) fn flat_i64(tensor: &Tensor, shape: &[usize]) -> Result<Vec<i64>> {
    tensor
        .to_dtype(candle_core::DType::I64)
        .np()?
        .broadcast_as(shape)
        .np()?
        .flatten_all()
        .np()?
        .to_vec1::<i64>()
        .np()
}

/// A float tensor of `dtype` from `f64` values.
pub(crate) fn float_tensor(values: Vec<f64>, shape: &[usize], dtype: DType) -> Result<Tensor> {
    let tensor = Tensor::from_vec(values, shape, &Device::Cpu).np()?;
    if dtype == DType::Float32 {
        tensor.to_dtype(candle_core::DType::F32).np()
    } else {
        Ok(tensor)
    }
}

/// An integer or bool tensor of `dtype` from `i64` values (already wrapped).
pub(crate) fn int_tensor(values: Vec<i64>, shape: &[usize], dtype: DType) -> Result<Tensor> {
    let tensor = Tensor::from_vec(values, shape, &Device::Cpu).np()?;
    match dtype.storage() {
        Some(storage) if storage != candle_core::DType::I64 => tensor.to_dtype(storage).np(),
        _ => Ok(tensor),
    }
}

/// `a <op> b` for `==`, `!=`, `<`, `<=`, `>`, `>=`: a bool array.
pub(crate) fn compare(op: CompareOp, a: &Operand, b: &Operand, max_bytes: u64) -> Result<NdArray> {
    let shape = broadcast_shape(a.shape(), b.shape())?;
    check_bytes(&shape, DType::Bool, max_bytes)?;
    let dtype = match result_dtype(a, b) {
        Ok(dtype) => dtype,
        // numpy answers `==` between strings and numbers with all False.
        Err(_) if matches!(op, CompareOp::Eq | CompareOp::NotEq) => {
            let value = u8::from(op == CompareOp::NotEq);
            let tensor = Tensor::full(value, shape.as_slice(), &Device::Cpu).np()?;
            return Ok(NdArray::from_tensor(tensor, DType::Bool));
        }
        Err(error) => return Err(error),
    };
    if dtype == DType::Str {
        return compare_strings(op, a, b, &shape, max_bytes);
    }
    let x = a.tensor(dtype, max_bytes)?;
    let y = b.tensor(dtype, max_bytes)?;
    let result = match op {
        CompareOp::Eq => x.broadcast_eq(&y),
        CompareOp::NotEq => x.broadcast_ne(&y),
        CompareOp::Lt => x.broadcast_lt(&y),
        CompareOp::LtE => x.broadcast_le(&y),
        CompareOp::Gt => x.broadcast_gt(&y),
        CompareOp::GtE => x.broadcast_ge(&y),
        _ => return Err(type_error("arrays support ==, !=, <, <=, > and >= here")),
    }
    .np()?;
    Ok(NdArray::from_tensor(result, DType::Bool))
}

fn compare_strings(
    op: CompareOp,
    a: &Operand,
    b: &Operand,
    shape: &[usize],
    max_bytes: u64,
) -> Result<NdArray> {
    let items = |operand: &Operand| -> Result<Vec<std::rc::Rc<str>>> {
        let array = operand.as_array(DType::Str, max_bytes)?;
        let Storage::Strings { items, .. } = array.storage() else {
            return Ok(Vec::new());
        };
        let positions = Tensor::arange(0i64, array.len() as i64, &Device::Cpu)
            .np()?
            .reshape(array.shape())
            .np()?;
        Ok(flat_i64(&positions, shape)?
            .into_iter()
            .filter_map(|i| items.get(i as usize).cloned())
            .collect())
    };
    let (x, y) = (items(a)?, items(b)?);
    let values: Vec<u8> = x
        .iter()
        .zip(&y)
        .map(|(x, y)| {
            u8::from(match op {
                CompareOp::Eq => x == y,
                CompareOp::NotEq => x != y,
                CompareOp::Lt => x < y,
                CompareOp::LtE => x <= y,
                CompareOp::Gt => x > y,
                _ => x >= y,
            })
        })
        .collect();
    let tensor = Tensor::from_vec(values, shape, &Device::Cpu).np()?;
    Ok(NdArray::from_tensor(tensor, DType::Bool))
}

/// `-a`, `+a`, `~a`.
pub(crate) fn unary(op: UnaryOp, array: &NdArray) -> Result<NdArray> {
    let tensor = numeric(array)?;
    let dtype = array.dtype();
    match (op, dtype) {
        (UnaryOp::Plus, _) => Ok(array.clone()),
        (UnaryOp::Negate, DType::Bool) => Err(type_error(
            "The numpy boolean negative, the `-` operator, is not supported, use the `~` \
             operator or the logical_not function instead.",
        )),
        (UnaryOp::Negate, dtype) if dtype.is_float() => {
            Ok(NdArray::from_tensor(tensor.neg().np()?, dtype))
        }
        (UnaryOp::Invert, dtype) if dtype.is_float() => Err(type_error(
            "ufunc 'invert' not supported for the input types (floats)",
        )),
        (UnaryOp::Invert, DType::Bool) => {
            let zero = tensor.zeros_like().np()?;
            Ok(NdArray::from_tensor(tensor.eq(&zero).np()?, DType::Bool))
        }
        (op, dtype) => {
            let values: Vec<i64> = convert::i64_items(array)?
                .into_iter()
                .map(|i| {
                    wrap_integer(
                        if op == UnaryOp::Negate {
                            i.wrapping_neg()
                        } else {
                            !i
                        },
                        dtype,
                    )
                })
                .collect();
            Ok(NdArray::from_tensor(
                int_tensor(values, array.shape(), dtype)?,
                dtype,
            ))
        }
    }
}

/// The float dtype a math function computes in: floats keep theirs, small
/// integers and bools go to float32 (numpy uses float16, which Dojo lacks),
/// wider integers to float64.
pub(crate) fn float_dtype(dtype: DType) -> DType {
    match dtype {
        DType::Float32 | DType::Bool | DType::UInt8 => DType::Float32,
        _ => DType::Float64,
    }
}

/// A float function applied to every item (`np.sqrt`, `np.exp`, …).
pub(crate) fn float_map(
    array: &NdArray,
    function: fn(f64) -> f64,
    max_bytes: u64,
) -> Result<NdArray> {
    let dtype = float_dtype(array.dtype());
    check_bytes(array.shape(), dtype, max_bytes)?;
    let values: Vec<f64> = convert::f64_items(array)?
        .into_iter()
        .map(function)
        .collect();
    Ok(NdArray::from_tensor(
        float_tensor(values, array.shape(), dtype)?,
        dtype,
    ))
}

/// `np.abs`: keeps the dtype.
pub(crate) fn abs(array: &NdArray) -> Result<NdArray> {
    let dtype = array.dtype();
    if dtype.is_float() {
        return Ok(NdArray::from_tensor(numeric(array)?.abs().np()?, dtype));
    }
    let values: Vec<i64> = convert::i64_items(array)?
        .into_iter()
        .map(|i| wrap_integer(i.wrapping_abs(), dtype))
        .collect();
    Ok(NdArray::from_tensor(
        int_tensor(values, array.shape(), dtype)?,
        dtype,
    ))
}

/// `np.round(a, decimals)`: half to even, like numpy.
pub(crate) fn round(array: &NdArray, decimals: i64) -> Result<NdArray> {
    let dtype = array.dtype();
    if !dtype.is_float() {
        if decimals >= 0 {
            return Ok(array.clone());
        }
        let scale = 10i64.saturating_pow(u32::try_from(-decimals).unwrap_or(u32::MAX));
        let values: Vec<i64> = convert::i64_items(array)?
            .into_iter()
            .map(|i| ((i as f64 / scale as f64).round_ties_even() as i64).wrapping_mul(scale))
            .collect();
        return Ok(NdArray::from_tensor(
            int_tensor(values, array.shape(), dtype)?,
            dtype,
        ));
    }
    let scale = 10f64.powi(decimals.clamp(-300, 300) as i32);
    let values: Vec<f64> = convert::f64_items(array)?
        .into_iter()
        .map(|x| (x * scale).round_ties_even() / scale)
        .collect();
    Ok(NdArray::from_tensor(
        float_tensor(values, array.shape(), dtype)?,
        dtype,
    ))
}

/// `np.where(condition, x, y)`.
pub(crate) fn where_(
    condition: &NdArray,
    x: &Operand,
    y: &Operand,
    max_bytes: u64,
) -> Result<NdArray> {
    let mask = numeric(&convert::cast(condition, DType::Bool, max_bytes)?)?;
    let shape = broadcast_shape(condition.shape(), &broadcast_shape(x.shape(), y.shape())?)?;
    let dtype = result_dtype(x, y)?;
    check_bytes(&shape, dtype, max_bytes)?;
    if dtype == DType::Str {
        return Err(Exception::new(
            "NotSupportedInDojo",
            "np.where over strings is not supported in Dojo",
        ));
    }
    let on_true = x
        .tensor(dtype, max_bytes)?
        .broadcast_as(shape.as_slice())
        .np()?;
    let on_false = y
        .tensor(dtype, max_bytes)?
        .broadcast_as(shape.as_slice())
        .np()?;
    let mask = mask.broadcast_as(shape.as_slice()).np()?;
    let result = mask.where_cond(&on_true, &on_false).np()?;
    Ok(NdArray::from_tensor(result, dtype))
}
