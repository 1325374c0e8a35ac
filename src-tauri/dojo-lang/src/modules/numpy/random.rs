//! `np.random`: seeded and deterministic, like Dojo's `random` module.
//!
//! Every run starts from the same seed; `np.random.seed(n)` restarts the
//! stream. The generator is SplitMix64 (normals by Box-Muller), not numpy's
//! MT19937: a seed gives the same numbers on every Dojo run, but not the
//! numbers numpy gives for that seed.

use candle_core::{Device, Tensor};

use super::convert;
use super::ops::{float_tensor, int_tensor};
use super::shape::new_shape;
use super::{CandleResult, check_bytes, unavailable};
use crate::error::{Exception, Result, type_error, value_error};
use crate::interp::Interpreter;
use crate::modules::random::{DEFAULT_SEED, Generator};
use crate::ndarray::{DType, NdArray, PyArray};
use crate::object::{ArgName, Args, Builtin, ModuleObject};
use crate::value::Value;

/// A standard normal draw (Box-Muller).
fn normal(generator: &Generator) -> f64 {
    let u1 = 1.0 - generator.unit();
    let u2 = generator.unit();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The `size=` argument: `None` for a scalar result.
fn size(value: Option<Value>) -> Result<Option<Vec<usize>>> {
    match value {
        None | Some(Value::None) => Ok(None),
        Some(value) => new_shape(&[value]).map(Some),
    }
}

fn float(value: Option<Value>, default: f64, what: &str) -> Result<f64> {
    match value {
        None | Some(Value::None) => Ok(default),
        Some(value) => ArgName::Described(what).number(&value),
    }
}

/// Floats drawn by `draw`: a Python float without a size, else an array.
fn floats(
    shape: Option<Vec<usize>>,
    max_bytes: u64,
    mut draw: impl FnMut() -> f64,
) -> Result<Value> {
    let Some(shape) = shape else {
        return Ok(Value::Float(draw()));
    };
    check_bytes(&shape, DType::Float64, max_bytes)?;
    let count: usize = shape.iter().product();
    let values: Vec<f64> = (0..count).map(|_| draw()).collect();
    let array = NdArray::from_tensor(
        float_tensor(values, &shape, DType::Float64)?,
        DType::Float64,
    );
    Ok(array.into_value_limited(max_bytes))
}

/// A random order of `0..count` (Fisher-Yates).
fn permutation_of(generator: &Generator, count: usize) -> Vec<i64> {
    let mut order: Vec<i64> = (0..count as i64).collect();
    for i in (1..count).rev() {
        let j = generator.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }
    order
}

/// `array` with its rows (axis 0) in `order`.
fn reorder_rows(array: &NdArray, order: Vec<i64>, max_bytes: u64) -> Result<NdArray> {
    let count = order.len();
    let index = NdArray::from_tensor(
        Tensor::from_vec(order, count, &Device::Cpu).np()?,
        DType::Int64,
    );
    let picked = super::index::get(array, &index.into_value_limited(max_bytes), max_bytes)?;
    NdArray::from_value(&picked).ok_or_else(|| type_error("cannot reorder a 0-d array"))
}

pub(crate) fn module(interpreter: &Interpreter) -> Value {
    let generator = Generator::new(DEFAULT_SEED);
    let max_bytes = interpreter.limits.max_array_bytes;
    type Body = fn(&Generator, u64, &mut Interpreter, Args) -> Result<Value>;
    let function = |name: &'static str, body: Body| {
        let generator = generator.clone();
        (
            name,
            Builtin::value(name, move |interpreter, args| {
                body(&generator, max_bytes, interpreter, args)
            }),
        )
    };
    let mut attributes = vec![
        function("seed", |generator, _, _, args| {
            args.check("seed", 1, &["seed"])?;
            let seed = match args.get(0, "seed") {
                None | Some(Value::None) => DEFAULT_SEED,
                Some(value) => ArgName::Described("seed").integer(&value)? as u64,
            };
            generator.seed(seed);
            Ok(Value::None)
        }),
        function("rand", |generator, max_bytes, _, args| {
            let shape = if args.positional.is_empty() {
                None
            } else {
                Some(new_shape(&args.positional)?)
            };
            floats(shape, max_bytes, || generator.unit())
        }),
        function("randn", |generator, max_bytes, _, args| {
            let shape = if args.positional.is_empty() {
                None
            } else {
                Some(new_shape(&args.positional)?)
            };
            floats(shape, max_bytes, || normal(generator))
        }),
        function("random", |generator, max_bytes, _, args| {
            args.check("random", 1, &["size"])?;
            floats(size(args.get(0, "size"))?, max_bytes, || generator.unit())
        }),
        function("uniform", |generator, max_bytes, _, args| {
            args.check("uniform", 3, &["low", "high", "size"])?;
            let low = float(args.get(0, "low"), 0.0, "low")?;
            let high = float(args.get(1, "high"), 1.0, "high")?;
            floats(size(args.get(2, "size"))?, max_bytes, || {
                low + (high - low) * generator.unit()
            })
        }),
        function("normal", |generator, max_bytes, _, args| {
            args.check("normal", 3, &["loc", "scale", "size"])?;
            let loc = float(args.get(0, "loc"), 0.0, "loc")?;
            let scale = float(args.get(1, "scale"), 1.0, "scale")?;
            if scale < 0.0 {
                return Err(value_error("scale < 0"));
            }
            floats(size(args.get(2, "size"))?, max_bytes, || {
                loc + scale * normal(generator)
            })
        }),
        function("randint", |generator, max_bytes, _, args| {
            args.check("randint", 4, &["low", "high", "size", "dtype"])?;
            let first = ArgName::Described("low").integer(&args.required(0, "low", "randint")?)?;
            let (low, high) = match args.get(1, "high") {
                None | Some(Value::None) => (0, first),
                Some(high) => (first, ArgName::Described("high").integer(&high)?),
            };
            if high <= low {
                return Err(value_error("low >= high"));
            }
            let dtype = super::dtype::argument(&args, 3)?.unwrap_or(DType::Int64);
            let span = (high - low) as u64;
            let draw = || low + generator.below(span) as i64;
            let Some(shape) = size(args.get(2, "size"))? else {
                return Ok(Value::Int(draw()));
            };
            check_bytes(&shape, dtype, max_bytes)?;
            let count: usize = shape.iter().product();
            let values: Vec<i64> = (0..count).map(|_| draw()).collect();
            let array =
                NdArray::from_tensor(int_tensor(values, &shape, DType::Int64)?, DType::Int64);
            Ok(convert::cast(&array, dtype, max_bytes)?.into_value_limited(max_bytes))
        }),
        function("choice", |generator, max_bytes, _, args| {
            args.check("choice", 4, &["a", "size", "replace", "p"])?;
            let population = args.required(0, "a", "choice")?;
            let pool = match &population {
                Value::Int(count) => {
                    let count = usize::try_from(*count).map_err(|_| {
                        value_error("a must be a positive integer unless no samples are taken")
                    })?;
                    check_bytes(&[count], DType::Int64, max_bytes)?;
                    NdArray::from_tensor(
                        Tensor::arange(0i64, count as i64, &Device::Cpu).np()?,
                        DType::Int64,
                    )
                }
                other => convert::to_array(other, None, max_bytes)?,
            };
            let Some(&available) = pool.shape().first() else {
                return Err(value_error("a must be 1-dimensional or an integer"));
            };
            if available == 0 {
                return Err(value_error("a cannot be empty unless no samples are taken"));
            }
            let replace = args.get(2, "replace").is_none_or(|value| value.truthy());
            let weights = match args.get(3, "p") {
                None | Some(Value::None) => None,
                Some(p) => {
                    let weights = convert::f64_items(&convert::to_array(&p, None, max_bytes)?)?;
                    if weights.len() != available {
                        return Err(value_error("'a' and 'p' must have same size"));
                    }
                    let total: f64 = weights.iter().sum();
                    if (total - 1.0).abs() > 1e-8 || weights.iter().any(|w| *w < 0.0) {
                        return Err(value_error("probabilities do not sum to 1"));
                    }
                    Some(weights)
                }
            };
            let shape = size(args.get(1, "size"))?;
            let count: usize = shape.as_ref().map_or(1, |shape| shape.iter().product());
            if !replace && count > available {
                return Err(value_error(
                    "Cannot take a larger sample than population when 'replace=False'",
                ));
            }
            let picked: Vec<i64> = if !replace {
                permutation_of(generator, available)
                    .into_iter()
                    .take(count)
                    .collect()
            } else {
                (0..count)
                    .map(|_| match &weights {
                        None => generator.below(available as u64) as i64,
                        Some(weights) => {
                            let target = generator.unit();
                            let mut cumulative = 0.0;
                            let mut chosen = available - 1;
                            for (i, weight) in weights.iter().enumerate() {
                                cumulative += weight;
                                if target < cumulative {
                                    chosen = i;
                                    break;
                                }
                            }
                            chosen as i64
                        }
                    })
                    .collect()
            };
            let rows = reorder_rows(&pool, picked, max_bytes)?;
            match shape {
                None => super::index::get(&rows, &Value::Int(0), max_bytes),
                Some(shape) => {
                    let mut full = shape.clone();
                    full.extend_from_slice(&pool.shape()[1..]);
                    Ok(super::shape::reshape(&rows, &full)?.into_value_limited(max_bytes))
                }
            }
        }),
        function("shuffle", |generator, max_bytes, _, args| {
            args.check("shuffle", 1, &["x"])?;
            match args.required(0, "x", "shuffle")? {
                Value::List(items) => {
                    let mut items = items.borrow_mut();
                    for i in (1..items.len()).rev() {
                        let j = generator.below(i as u64 + 1) as usize;
                        items.swap(i, j);
                    }
                    Ok(Value::None)
                }
                Value::Native(native) => {
                    let Some(array) = native.as_any().downcast_ref::<PyArray>() else {
                        return Err(type_error("shuffle() needs an array or a list"));
                    };
                    let current = array.array.borrow().clone();
                    let Some(&count) = current.shape().first() else {
                        return Err(type_error(
                            "shuffle() needs an array with at least one axis",
                        ));
                    };
                    let order = permutation_of(generator, count);
                    let shuffled = reorder_rows(&current, order, max_bytes)?;
                    *array.array.borrow_mut() = shuffled;
                    Ok(Value::None)
                }
                other => Err(type_error(format!(
                    "shuffle() needs an array or a list, not {}",
                    other.type_name()
                ))),
            }
        }),
        function("permutation", |generator, max_bytes, _, args| {
            args.check("permutation", 1, &["x"])?;
            match args.required(0, "x", "permutation")? {
                Value::Int(count) => {
                    let count = usize::try_from(count)
                        .map_err(|_| value_error("negative dimensions are not allowed"))?;
                    check_bytes(&[count], DType::Int64, max_bytes)?;
                    let order = permutation_of(generator, count);
                    let tensor = Tensor::from_vec(order, count, &Device::Cpu).np()?;
                    Ok(NdArray::from_tensor(tensor, DType::Int64).into_value_limited(max_bytes))
                }
                other => {
                    let array = convert::to_array(&other, None, max_bytes)?;
                    let Some(&count) = array.shape().first() else {
                        return Err(Exception::new(
                            "IndexError",
                            "x must be an integer or at least 1-dimensional",
                        ));
                    };
                    let order = permutation_of(generator, count);
                    Ok(reorder_rows(&array, order, max_bytes)?.into_value_limited(max_bytes))
                }
            }
        }),
    ];

    let names: Vec<String> = attributes
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    attributes.push(("__getattr__", unavailable("np.random", names)));
    Value::Module(ModuleObject::new("numpy.random", attributes))
}
