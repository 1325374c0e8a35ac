//! `import numpy as np`: the numpy subset exam code uses.
//!
//! Numeric arrays are candle tensors on the CPU ([`crate::ndarray`]), so
//! arrays reach the trainer without copies; whole-array work runs as tensor
//! ops or over flat vectors, and items are boxed as Python values only for
//! `tolist()`, iteration, indexing to a scalar and printing. Scalars that
//! numpy returns as `np.float64`/`np.int64` are plain Python floats and
//! ints here (float32 results print with float32's shortest digits).
//!
//! Every allocation is checked against `Limits::max_array_bytes` first.
//! Names numpy has but Dojo lacks fail with a list of what exists.

pub(crate) mod convert;
mod create;
pub(crate) mod dtype;
mod format;
mod index;
mod object;
pub(crate) mod ops;
mod random;
mod reduce;
mod shape;

use crate::error::{Exception, Result, did_you_mean, type_error, value_error};
use crate::interp::Interpreter;
use crate::ndarray::{DType, NdArray};
use crate::object::{ArgName, Args, Builtin, ModuleObject};
use crate::value::Value;
use dtype::DTypeObject;
use ops::{Op, Operand};

/// candle's errors as Python exceptions. They signal a bug in Dojo's use of
/// candle rather than in the user's code, so they say so.
pub(crate) trait CandleResult<T> {
    fn np(self) -> Result<T>;
}

impl<T> CandleResult<T> for candle_core::Result<T> {
    fn np(self) -> Result<T> {
        self.map_err(|error| {
            // candle appends a backtrace when RUST_BACKTRACE is set; keep the message.
            let text = error.to_string();
            let message = text.lines().next().unwrap_or_default();
            Exception::new("RuntimeError", format!("array operation failed: {message}"))
        })
    }
}

/// Fails with numpy's `MemoryError` text if an array of `shape` and
/// `dtype` would exceed `max_bytes`.
pub(crate) fn check_bytes(shape: &[usize], dtype: DType, max_bytes: u64) -> Result<()> {
    // numpy's own check: the axes other than the empty ones must fit too
    // (their strides are computed), else the shape is too big to exist.
    let nonzero = shape
        .iter()
        .filter(|&&d| d != 0)
        .try_fold(dtype.item_size(), |total, &d| total.checked_mul(d as u64));
    if nonzero.is_none_or(|bytes| bytes > isize::MAX as u64) {
        return Err(Exception::new(
            "ValueError",
            "array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.",
        ));
    }
    let items = shape
        .iter()
        .try_fold(1u64, |total, &d| total.checked_mul(d as u64));
    let bytes = items.and_then(|items| items.checked_mul(dtype.item_size()));
    match bytes {
        Some(bytes) if bytes <= max_bytes => crate::memory::ensure_room(u128::from(bytes), || {
            format!(
                "an array with shape {} and data type {}",
                convert::shape_text(shape),
                dtype.name()
            )
        }),
        _ => {
            let size = match bytes {
                Some(bytes) => size_text(bytes as f64),
                None => "more than 16 EiB".to_owned(),
            };
            Err(Exception::new(
                "MemoryError",
                format!(
                    "Unable to allocate {size} for an array with shape {} and data type {}",
                    convert::shape_text(shape),
                    dtype.name()
                ),
            )
            .with_help(format!(
                "Dojo limits one array to {}",
                size_text(max_bytes as f64)
            )))
        }
    }
}

/// Bytes as numpy writes them: `74.5 GiB`.
fn size_text(bytes: f64) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    let digits = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    let text = format!("{value:.digits$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    format!("{text} {}", units[unit])
}

/// A float32 item as a Python float that prints with float32's shortest
/// digits (`np.float32(0.1)` prints `0.1`, not `0.10000000149011612`).
pub(crate) fn float32_value(x: f32) -> Value {
    Value::Float(format!("{x}").parse::<f64>().unwrap_or(f64::from(x)))
}

/// The `__getattr__` of a numpy module: a clear error for missing names.
pub(crate) fn unavailable(prefix: &'static str, names: Vec<String>) -> Value {
    Builtin::value("__getattr__", move |_, args| {
        let name = args
            .positional
            .first()
            .map(Value::to_str)
            .unwrap_or_default();
        let mut available: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|name| !name.starts_with('_'))
            .collect();
        available.sort_unstable();
        // A likely typo gets its correction; anything else the whole list.
        let help = match did_you_mean(&name, available.iter().copied()) {
            Some(suggestion) => format!("did you mean `{prefix}.{suggestion}`?"),
            None => format!("available: {}", available.join(", ")),
        };
        Err(Exception::new(
            "AttributeError",
            format!("`{prefix}.{name}` is not available in Dojo"),
        )
        .with_help(help))
    })
}

/// The argument at `position`/`name` as an array (lists converted).
fn array_arg(
    interpreter: &Interpreter,
    args: &Args,
    position: usize,
    name: &str,
    function: &str,
) -> Result<NdArray> {
    let value = args.required(position, name, function)?;
    convert::to_array(&value, None, interpreter.limits.max_array_bytes)
}

/// A list/tuple of array-likes.
fn arrays_arg(interpreter: &mut Interpreter, value: &Value) -> Result<Vec<NdArray>> {
    let max_bytes = interpreter.limits.max_array_bytes;
    let items = match NdArray::from_value(value) {
        Some(array) => index::rows(&array, max_bytes)?,
        None => interpreter.iterate(value)?,
    };
    items
        .iter()
        .map(|item| convert::to_array(item, None, max_bytes))
        .collect()
}

fn optional_int(value: Option<Value>, what: &str) -> Result<Option<i64>> {
    match value {
        None | Some(Value::None) => Ok(None),
        Some(value) => ArgName::Described(what).integer(&value).map(Some),
    }
}

/// `np.clip(a, low, high)`: either bound may be `None`.
pub(crate) fn clip(
    array: &NdArray,
    low: Option<Value>,
    high: Option<Value>,
    max_bytes: u64,
) -> Result<NdArray> {
    let mut result = array.clone();
    let low = low.filter(|value| !matches!(value, Value::None));
    let high = high.filter(|value| !matches!(value, Value::None));
    if low.is_none() && high.is_none() {
        return Err(value_error("One of max or min must be given"));
    }
    if let Some(low) = low {
        let bound = Operand::of(&low, max_bytes)?;
        result = ops::binary(Op::Max, &Operand::Array(result), &bound, max_bytes)?;
    }
    if let Some(high) = high {
        let bound = Operand::of(&high, max_bytes)?;
        result = ops::binary(Op::Min, &Operand::Array(result), &bound, max_bytes)?;
    }
    Ok(result)
}

type Body = fn(&mut Interpreter, Args) -> Result<Value>;

/// An element-wise float function (`np.sqrt`, …).
macro_rules! float_function {
    ($name:literal, $function:expr) => {
        (
            $name,
            (|interpreter: &mut Interpreter, args: Args| {
                args.check($name, 1, &[])?;
                let array = array_arg(interpreter, &args, 0, "x", $name)?;
                let max_bytes = interpreter.limits.max_array_bytes;
                wrap(interpreter, ops::float_map(&array, $function, max_bytes)?)
            }) as Body,
        )
    };
}

/// An element-wise binary function (`np.maximum`, `np.add`, …).
macro_rules! binary_function {
    ($name:literal, $op:expr) => {
        (
            $name,
            (|interpreter: &mut Interpreter, args: Args| {
                args.check($name, 2, &[])?;
                let max_bytes = interpreter.limits.max_array_bytes;
                let a = Operand::of(&args.required(0, "x1", $name)?, max_bytes)?;
                let b = Operand::of(&args.required(1, "x2", $name)?, max_bytes)?;
                wrap(interpreter, ops::binary($op, &a, &b, max_bytes)?)
            }) as Body,
        )
    };
}

/// A reduction as a function (`np.mean(a, axis=0)`).
macro_rules! reduce_function {
    ($name:literal, $kind:expr) => {
        (
            $name,
            (|interpreter: &mut Interpreter, args: Args| {
                args.check($name, 2, &["axis", "keepdims", "ddof", "dtype", "out"])?;
                let array = array_arg(interpreter, &args, 0, "a", $name)?;
                let ddof = optional_int(args.keyword("ddof"), "ddof")?.unwrap_or(0);
                let keepdims = args.keyword("keepdims").is_some_and(|value| value.truthy());
                reduce::reduce(
                    &array,
                    $kind,
                    args.get(1, "axis").as_ref(),
                    keepdims,
                    ddof,
                    interpreter.limits.max_array_bytes,
                )
            }) as Body,
        )
    };
}

/// A 0-d result as a Python scalar, anything else as an array.
fn wrap(interpreter: &Interpreter, array: NdArray) -> Result<Value> {
    if array.ndim() == 0 {
        return convert::item(&array);
    }
    Ok(array.into_value_limited(interpreter.limits.max_array_bytes))
}

fn array_value(interpreter: &Interpreter, array: NdArray) -> Value {
    array.into_value_limited(interpreter.limits.max_array_bytes)
}

/// `np.zeros`/`np.ones`.
fn constant(interpreter: &Interpreter, args: &Args, function: &str, fill: Value) -> Result<Value> {
    args.check(function, 2, &["shape", "dtype"])?;
    let shape = shape::new_shape(&[args.required(0, "shape", function)?])?;
    let dtype = dtype::argument(args, 1)?.unwrap_or(DType::Float64);
    let max_bytes = interpreter.limits.max_array_bytes;
    Ok(array_value(
        interpreter,
        create::filled(&shape, &fill, dtype, max_bytes)?,
    ))
}

/// `np.zeros_like`/`np.ones_like`.
fn constant_like(
    interpreter: &Interpreter,
    args: &Args,
    function: &str,
    fill: Value,
) -> Result<Value> {
    args.check(function, 2, &["a", "dtype"])?;
    let array = array_arg(interpreter, args, 0, "a", function)?;
    let dtype = dtype::argument(args, 1)?.unwrap_or(array.dtype());
    let max_bytes = interpreter.limits.max_array_bytes;
    Ok(array_value(
        interpreter,
        create::filled(array.shape(), &fill, dtype, max_bytes)?,
    ))
}

fn functions() -> Vec<(&'static str, Body)> {
    vec![
        ("array", |interpreter, args| {
            args.check("array", 2, &["object", "dtype", "copy"])?;
            let value = args.required(0, "object", "array")?;
            let dtype = dtype::argument(&args, 1)?;
            let array = convert::to_array(&value, dtype, interpreter.limits.max_array_bytes)?;
            // np.array copies; asarray may share.
            Ok(array_value(interpreter, shape::contiguous(&array)?))
        }),
        ("asarray", |interpreter, args| {
            args.check("asarray", 2, &["a", "dtype"])?;
            let value = args.required(0, "a", "asarray")?;
            if NdArray::from_value(&value).is_some() && dtype::argument(&args, 1)?.is_none() {
                return Ok(value);
            }
            let dtype = dtype::argument(&args, 1)?;
            let array = convert::to_array(&value, dtype, interpreter.limits.max_array_bytes)?;
            Ok(array_value(interpreter, array))
        }),
        ("zeros", |interpreter, args| {
            constant(interpreter, &args, "zeros", Value::Int(0))
        }),
        ("ones", |interpreter, args| {
            constant(interpreter, &args, "ones", Value::Int(1))
        }),
        ("zeros_like", |interpreter, args| {
            constant_like(interpreter, &args, "zeros_like", Value::Int(0))
        }),
        ("ones_like", |interpreter, args| {
            constant_like(interpreter, &args, "ones_like", Value::Int(1))
        }),
        ("full", |interpreter, args| {
            args.check("full", 3, &["shape", "fill_value", "dtype"])?;
            let shape = shape::new_shape(&[args.required(0, "shape", "full")?])?;
            let fill = args.required(1, "fill_value", "full")?;
            let dtype = dtype::argument(&args, 2)?.unwrap_or(create::scalar_dtype(&fill));
            let max_bytes = interpreter.limits.max_array_bytes;
            Ok(array_value(
                interpreter,
                create::filled(&shape, &fill, dtype, max_bytes)?,
            ))
        }),
        ("arange", |interpreter, args| {
            args.check("arange", 4, &["start", "stop", "step", "dtype"])?;
            let mut bounds = args.positional.clone();
            for name in ["start", "stop", "step"] {
                if let Some(value) = args.keyword(name) {
                    bounds.push(value);
                }
            }
            let bounds: Vec<Value> = bounds
                .into_iter()
                .filter(|v| !matches!(v, Value::None))
                .collect();
            let dtype = match args.keyword("dtype") {
                Some(value) => Some(dtype::parse(&value)?),
                None => None,
            };
            let array = create::arange(&bounds, dtype, interpreter.limits.max_array_bytes)?;
            Ok(array_value(interpreter, array))
        }),
        ("linspace", |interpreter, args| {
            args.check(
                "linspace",
                4,
                &["start", "stop", "num", "endpoint", "dtype"],
            )?;
            let start = args.required(0, "start", "linspace")?;
            let stop = args.required(1, "stop", "linspace")?;
            let count = optional_int(args.get(2, "num"), "num")?.unwrap_or(50);
            let endpoint = args.get(3, "endpoint").is_none_or(|value| value.truthy());
            let dtype = match args.keyword("dtype") {
                Some(value) => Some(dtype::parse(&value)?),
                None => None,
            };
            let max_bytes = interpreter.limits.max_array_bytes;
            let array = create::linspace(&start, &stop, count, endpoint, dtype, max_bytes)?;
            Ok(array_value(interpreter, array))
        }),
        ("eye", |interpreter, args| {
            args.check("eye", 3, &["N", "M", "dtype"])?;
            let rows = optional_int(args.get(0, "N"), "N")?
                .ok_or_else(|| type_error("eye() missing required argument: 'N'"))?;
            let columns = optional_int(args.get(1, "M"), "M")?.unwrap_or(rows);
            let (rows, columns) = match (usize::try_from(rows), usize::try_from(columns)) {
                (Ok(rows), Ok(columns)) => (rows, columns),
                _ => return Err(value_error("negative dimensions are not allowed")),
            };
            let dtype = dtype::argument(&args, 2)?.unwrap_or(DType::Float64);
            let max_bytes = interpreter.limits.max_array_bytes;
            Ok(array_value(
                interpreter,
                create::eye(rows, columns, dtype, max_bytes)?,
            ))
        }),
        ("reshape", |interpreter, args| {
            args.check("reshape", 2, &["a", "newshape", "shape"])?;
            let array = array_arg(interpreter, &args, 0, "a", "reshape")?;
            let requested = args
                .get(1, "shape")
                .or_else(|| args.keyword("newshape"))
                .ok_or_else(|| type_error("reshape() missing required argument: 'shape'"))?;
            let requested = shape::shape_argument(&[requested])?;
            let new_shape = shape::resolve_shape(&requested, array.len())?;
            Ok(array_value(
                interpreter,
                shape::reshape(&array, &new_shape)?,
            ))
        }),
        ("expand_dims", |interpreter, args| {
            args.check("expand_dims", 2, &["a", "axis"])?;
            let array = array_arg(interpreter, &args, 0, "a", "expand_dims")?;
            let axis = optional_int(args.get(1, "axis"), "axis")?
                .ok_or_else(|| type_error("expand_dims() missing required argument: 'axis'"))?;
            Ok(array_value(interpreter, shape::expand_dims(&array, axis)?))
        }),
        ("squeeze", |interpreter, args| {
            args.check("squeeze", 2, &["a", "axis"])?;
            let array = array_arg(interpreter, &args, 0, "a", "squeeze")?;
            let axis = optional_int(args.get(1, "axis"), "axis")?;
            wrap(interpreter, shape::squeeze(&array, axis)?)
        }),
        ("transpose", |interpreter, args| {
            args.check("transpose", 2, &["a", "axes"])?;
            let array = array_arg(interpreter, &args, 0, "a", "transpose")?;
            let axes = match args.get(1, "axes") {
                None | Some(Value::None) => None,
                Some(axes) => Some(shape::shape_argument(&[axes])?),
            };
            Ok(array_value(interpreter, shape::transpose(&array, axes)?))
        }),
        ("concatenate", |interpreter, args| {
            args.check("concatenate", 2, &["arrays", "axis"])?;
            let arrays = arrays_arg(interpreter, &args.required(0, "arrays", "concatenate")?)?;
            let axis = match args.get(1, "axis") {
                Some(Value::None) => None,
                other => Some(optional_int(other, "axis")?.unwrap_or(0)),
            };
            let max_bytes = interpreter.limits.max_array_bytes;
            Ok(array_value(
                interpreter,
                shape::concatenate(&arrays, axis, max_bytes)?,
            ))
        }),
        ("stack", |interpreter, args| {
            args.check("stack", 2, &["arrays", "axis"])?;
            let arrays = arrays_arg(interpreter, &args.required(0, "arrays", "stack")?)?;
            let axis = optional_int(args.get(1, "axis"), "axis")?.unwrap_or(0);
            let max_bytes = interpreter.limits.max_array_bytes;
            Ok(array_value(
                interpreter,
                shape::stack(&arrays, axis, max_bytes)?,
            ))
        }),
        ("vstack", |interpreter, args| {
            args.check("vstack", 1, &["tup"])?;
            let arrays = arrays_arg(interpreter, &args.required(0, "tup", "vstack")?)?;
            let max_bytes = interpreter.limits.max_array_bytes;
            Ok(array_value(interpreter, shape::vstack(&arrays, max_bytes)?))
        }),
        ("hstack", |interpreter, args| {
            args.check("hstack", 1, &["tup"])?;
            let arrays = arrays_arg(interpreter, &args.required(0, "tup", "hstack")?)?;
            let max_bytes = interpreter.limits.max_array_bytes;
            Ok(array_value(interpreter, shape::hstack(&arrays, max_bytes)?))
        }),
        reduce_function!("sum", reduce::Reduction::Sum),
        reduce_function!("prod", reduce::Reduction::Prod),
        reduce_function!("mean", reduce::Reduction::Mean),
        reduce_function!("std", reduce::Reduction::Std),
        reduce_function!("var", reduce::Reduction::Var),
        reduce_function!("max", reduce::Reduction::Max),
        reduce_function!("amax", reduce::Reduction::Max),
        reduce_function!("min", reduce::Reduction::Min),
        reduce_function!("amin", reduce::Reduction::Min),
        reduce_function!("argmax", reduce::Reduction::ArgMax),
        reduce_function!("argmin", reduce::Reduction::ArgMin),
        reduce_function!("any", reduce::Reduction::Any),
        reduce_function!("all", reduce::Reduction::All),
        float_function!("sqrt", f64::sqrt),
        float_function!("exp", f64::exp),
        float_function!("log", f64::ln),
        float_function!("log1p", f64::ln_1p),
        float_function!("log2", f64::log2),
        float_function!("log10", f64::log10),
        float_function!("expm1", f64::exp_m1),
        float_function!("sin", f64::sin),
        float_function!("cos", f64::cos),
        float_function!("tan", f64::tan),
        float_function!("tanh", f64::tanh),
        float_function!("arctan", f64::atan),
        binary_function!("add", Op::Add),
        binary_function!("subtract", Op::Sub),
        binary_function!("multiply", Op::Mul),
        binary_function!("divide", Op::Div),
        binary_function!("true_divide", Op::Div),
        binary_function!("floor_divide", Op::FloorDiv),
        binary_function!("mod", Op::Mod),
        binary_function!("remainder", Op::Mod),
        binary_function!("power", Op::Pow),
        binary_function!("maximum", Op::Max),
        binary_function!("minimum", Op::Min),
        binary_function!("logical_and", Op::And),
        binary_function!("logical_or", Op::Or),
        ("abs", |interpreter, args| {
            args.check("abs", 1, &[])?;
            let array = array_arg(interpreter, &args, 0, "x", "abs")?;
            wrap(interpreter, ops::abs(&array)?)
        }),
        ("absolute", |interpreter, args| {
            args.check("absolute", 1, &[])?;
            let array = array_arg(interpreter, &args, 0, "x", "absolute")?;
            wrap(interpreter, ops::abs(&array)?)
        }),
        ("square", |interpreter, args| {
            args.check("square", 1, &[])?;
            let array = Operand::Array(array_arg(interpreter, &args, 0, "x", "square")?);
            let max_bytes = interpreter.limits.max_array_bytes;
            wrap(
                interpreter,
                ops::binary(Op::Mul, &array, &array, max_bytes)?,
            )
        }),
        ("floor", |interpreter, args| {
            args.check("floor", 1, &[])?;
            let array = array_arg(interpreter, &args, 0, "x", "floor")?;
            let max_bytes = interpreter.limits.max_array_bytes;
            let result = ops::float_map(&array, f64::floor, max_bytes)?;
            wrap(interpreter, result)
        }),
        ("ceil", |interpreter, args| {
            args.check("ceil", 1, &[])?;
            let array = array_arg(interpreter, &args, 0, "x", "ceil")?;
            let max_bytes = interpreter.limits.max_array_bytes;
            let result = ops::float_map(&array, f64::ceil, max_bytes)?;
            wrap(interpreter, result)
        }),
        ("isnan", |interpreter, args| {
            args.check("isnan", 1, &[])?;
            let array = array_arg(interpreter, &args, 0, "x", "isnan")?;
            let value = Operand::Array(array.clone());
            let max_bytes = interpreter.limits.max_array_bytes;
            let result = ops::compare(crate::syntax::CompareOp::NotEq, &value, &value, max_bytes)?;
            wrap(interpreter, result)
        }),
        ("round", round),
        ("around", round),
        ("clip", |interpreter, args| {
            args.check("clip", 3, &["a", "a_min", "a_max", "min", "max"])?;
            let array = array_arg(interpreter, &args, 0, "a", "clip")?;
            let low = args.get(1, "a_min").or_else(|| args.keyword("min"));
            let high = args.get(2, "a_max").or_else(|| args.keyword("max"));
            let max_bytes = interpreter.limits.max_array_bytes;
            wrap(interpreter, clip(&array, low, high, max_bytes)?)
        }),
        ("where", |interpreter, args| {
            args.check("where", 3, &[])?;
            let condition = array_arg(interpreter, &args, 0, "condition", "where")?;
            let max_bytes = interpreter.limits.max_array_bytes;
            match (args.positional.get(1), args.positional.get(2)) {
                (Some(x), Some(y)) => {
                    let x = Operand::of(x, max_bytes)?;
                    let y = Operand::of(y, max_bytes)?;
                    wrap(interpreter, ops::where_(&condition, &x, &y, max_bytes)?)
                }
                (None, None) => Err(Exception::new(
                    "NotSupportedInDojo",
                    "np.where(condition) with one argument is not available in Dojo",
                )
                .with_help("use np.where(condition, x, y), or a boolean mask: a[condition]")),
                _ => Err(value_error(
                    "either both or neither of x and y should be given",
                )),
            }
        }),
        ("unique", |interpreter, args| {
            args.check("unique", 1, &["ar", "return_counts"])?;
            let array = array_arg(interpreter, &args, 0, "ar", "unique")?;
            let counts = args
                .keyword("return_counts")
                .is_some_and(|value| value.truthy());
            let (values, counts) = reduce::unique(&array, counts)?;
            let values = array_value(interpreter, values);
            Ok(match counts {
                Some(counts) => Value::tuple(vec![values, array_value(interpreter, counts)]),
                None => values,
            })
        }),
        ("sort", |interpreter, args| {
            args.check("sort", 2, &["a", "axis"])?;
            let array = array_arg(interpreter, &args, 0, "a", "sort")?;
            let axis = args.get(1, "axis").unwrap_or(Value::Int(-1));
            Ok(array_value(
                interpreter,
                reduce::sort(&array, Some(&axis), false)?,
            ))
        }),
        ("argsort", |interpreter, args| {
            args.check("argsort", 2, &["a", "axis", "kind"])?;
            let array = array_arg(interpreter, &args, 0, "a", "argsort")?;
            let axis = args.get(1, "axis").unwrap_or(Value::Int(-1));
            Ok(array_value(
                interpreter,
                reduce::sort(&array, Some(&axis), true)?,
            ))
        }),
        ("copy", |interpreter, args| {
            args.check("copy", 1, &["a"])?;
            let array = array_arg(interpreter, &args, 0, "a", "copy")?;
            Ok(array_value(interpreter, shape::contiguous(&array)?))
        }),
        ("ravel", |interpreter, args| {
            args.check("ravel", 1, &["a"])?;
            let array = array_arg(interpreter, &args, 0, "a", "ravel")?;
            Ok(array_value(
                interpreter,
                shape::reshape(&array, &[array.len()])?,
            ))
        }),
        ("shape", |interpreter, args| {
            args.check("shape", 1, &["a"])?;
            let array = array_arg(interpreter, &args, 0, "a", "shape")?;
            Ok(Value::tuple(
                array
                    .shape()
                    .iter()
                    .map(|&d| Value::Int(d as i64))
                    .collect(),
            ))
        }),
        ("array_equal", |interpreter, args| {
            args.check("array_equal", 2, &[])?;
            let a = array_arg(interpreter, &args, 0, "a1", "array_equal")?;
            let b = array_arg(interpreter, &args, 1, "a2", "array_equal")?;
            if a.shape() != b.shape() {
                return Ok(Value::Bool(false));
            }
            let max_bytes = interpreter.limits.max_array_bytes;
            let equal = ops::compare(
                crate::syntax::CompareOp::Eq,
                &Operand::Array(a),
                &Operand::Array(b),
                max_bytes,
            )?;
            reduce::reduce(&equal, reduce::Reduction::All, None, false, 0, max_bytes)
        }),
        ("allclose", |interpreter, args| {
            args.check("allclose", 2, &["rtol", "atol"])?;
            let a = convert::f64_items(&array_arg(interpreter, &args, 0, "a", "allclose")?)?;
            let b = convert::f64_items(&array_arg(interpreter, &args, 1, "b", "allclose")?)?;
            let rtol = match args.keyword("rtol") {
                Some(Value::Float(x)) => x,
                _ => 1e-5,
            };
            let atol = match args.keyword("atol") {
                Some(Value::Float(x)) => x,
                _ => 1e-8,
            };
            if a.len() != b.len() && a.len() != 1 && b.len() != 1 {
                return Err(value_error("operands could not be broadcast together"));
            }
            let n = a.len().max(b.len());
            let close = (0..n).all(|i| {
                let x = a[if a.len() == 1 { 0 } else { i }];
                let y = b[if b.len() == 1 { 0 } else { i }];
                (x - y).abs() <= atol + rtol * y.abs()
            });
            Ok(Value::Bool(close))
        }),
        ("dtype", |_, args| {
            args.check("dtype", 1, &[])?;
            let dtype = dtype::parse(&args.required(0, "dtype", "dtype")?)?;
            Ok(DTypeObject::value(dtype, false))
        }),
    ]
}

fn round(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("round", 2, &["a", "decimals"])?;
    let array = array_arg(interpreter, &args, 0, "a", "round")?;
    let decimals = optional_int(args.get(1, "decimals"), "decimals")?.unwrap_or(0);
    wrap(interpreter, ops::round(&array, decimals)?)
}

/// Builds the `numpy` module.
pub(crate) fn module(interpreter: &mut Interpreter) -> Result<Value> {
    let mut attributes: Vec<(&str, Value)> = functions()
        .into_iter()
        .map(|(name, body)| (name, Builtin::value(name, body)))
        .collect();
    let dtypes = [
        ("float32", DType::Float32),
        ("float64", DType::Float64),
        ("int32", DType::Int32),
        ("int64", DType::Int64),
        ("uint8", DType::UInt8),
        ("bool_", DType::Bool),
        ("str_", DType::Str),
    ];
    for (name, dtype) in dtypes {
        attributes.push((name, DTypeObject::value(dtype, true)));
    }
    attributes.extend([
        ("newaxis", Value::None),
        ("pi", Value::Float(std::f64::consts::PI)),
        ("e", Value::Float(std::f64::consts::E)),
        ("inf", Value::Float(f64::INFINITY)),
        ("nan", Value::Float(f64::NAN)),
        (
            "ndarray",
            Value::Native(std::rc::Rc::new(object::ArrayType)),
        ),
        ("random", random::module(interpreter)),
        ("__version__", Value::str("2.4.6")),
    ]);
    let names: Vec<String> = attributes
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    attributes.push(("__getattr__", unavailable("np", names)));
    Ok(Value::Module(ModuleObject::new("numpy", attributes)))
}
