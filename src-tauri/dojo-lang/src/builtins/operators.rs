//! `left <op> right`, `==` and ordering for the built-in types.

use std::cmp::Ordering;
use std::rc::Rc;

use crate::error::{Exception, Result, type_error};
use crate::object::ArgName;
use crate::syntax::BinaryOp;
use crate::value::Value;

pub(super) enum Number {
    Int(i64),
    Float(f64),
}

pub(super) fn number(value: &Value) -> Option<Number> {
    match value {
        Value::Int(i) => Some(Number::Int(*i)),
        Value::Bool(b) => Some(Number::Int(i64::from(*b))),
        Value::Float(x) => Some(Number::Float(*x)),
        _ => None,
    }
}

pub(super) fn as_float(number: &Number) -> f64 {
    match number {
        Number::Int(i) => *i as f64,
        Number::Float(x) => *x,
    }
}

fn overflow() -> Box<Exception> {
    Exception::new(
        "OverflowError",
        "integer result too large for Dojo's 64-bit integers",
    )
}

fn zero_division(what: &str) -> Box<Exception> {
    Exception::new("ZeroDivisionError", what.to_owned())
}

/// A list or tuple on one side and a number on the other.
fn is_sequence_and_number(left: &Value, right: &Value) -> bool {
    let sequence = |value: &Value| matches!(value, Value::List(_) | Value::Tuple(_));
    (sequence(left) && number(right).is_some()) || (number(left).is_some() && sequence(right))
}

/// `left <op> right` for the built-in types.
pub(crate) fn binary(op: BinaryOp, left: &Value, right: &Value) -> Result<Value> {
    if let (Some(a), Some(b)) = (number(left), number(right)) {
        return numeric(op, a, b);
    }
    let unsupported = || match (op, left) {
        // Python's own wording, and the usual fix, for `'loss: ' + loss`.
        (BinaryOp::Add, Value::Str(_)) => type_error(format!(
            "can only concatenate str (not \"{}\") to str",
            right.type_name()
        ))
        .with_help("convert the value with str(...), or use an f-string: f'text {value}'"),
        _ => {
            let error = type_error(format!(
                "unsupported operand type(s) for {}: '{}' and '{}'",
                op.symbol(),
                left.type_name(),
                right.type_name()
            ));
            // `series -= np.min(series)` on a list: NumPy's scalars turn the
            // list into an array; Dojo's reductions return Python numbers.
            let arithmetic = matches!(
                op,
                BinaryOp::Add
                    | BinaryOp::Sub
                    | BinaryOp::Mul
                    | BinaryOp::Div
                    | BinaryOp::FloorDiv
                    | BinaryOp::Mod
                    | BinaryOp::Pow
            );
            if arithmetic && is_sequence_and_number(left, right) {
                error.with_help(
                    "a list is not an array: make it one first, e.g. series = np.array(series), \
                     then the arithmetic applies to each element (in NumPy, a scalar such as \
                     np.min's result also turns a list into an array; in Dojo, numpy's \
                     reductions return Python numbers)",
                )
            } else {
                error
            }
        }
    };
    match (op, left, right) {
        (BinaryOp::Add, Value::Str(a), Value::Str(b)) => {
            crate::memory::ensure_room(a.len() as u128 + b.len() as u128, || {
                "the concatenated string".to_owned()
            })?;
            Ok(Value::str(&format!("{a}{b}")))
        }
        (BinaryOp::Add, Value::List(a), Value::List(b)) => {
            crate::memory::ensure_room(
                (a.borrow().len() + b.borrow().len()) as u128
                    * std::mem::size_of::<Value>() as u128,
                || "the concatenated list".to_owned(),
            )?;
            let mut items = a.borrow().clone();
            items.extend(b.borrow().iter().cloned());
            Ok(Value::list(items))
        }
        (BinaryOp::Add, Value::Tuple(a), Value::Tuple(b)) => {
            Ok(Value::tuple(a.iter().chain(b.iter()).cloned().collect()))
        }
        (BinaryOp::Mul, Value::Str(text), count) | (BinaryOp::Mul, count, Value::Str(text))
            if matches!(count, Value::Int(_) | Value::Bool(_)) =>
        {
            let count = usize::try_from(ArgName::Builtin("*").integer(count)?).unwrap_or(0);
            if text.len().saturating_mul(count) > 100_000_000 {
                return Err(Exception::new(
                    "LimitExceeded",
                    "the repeated string would be too large",
                ));
            }
            crate::memory::ensure_room((text.len() as u128) * (count as u128), || {
                "the repeated string".to_owned()
            })?;
            Ok(Value::str(&text.repeat(count)))
        }
        (BinaryOp::Mul, Value::List(items), count) | (BinaryOp::Mul, count, Value::List(items))
            if matches!(count, Value::Int(_) | Value::Bool(_)) =>
        {
            let count = usize::try_from(ArgName::Builtin("*").integer(count)?).unwrap_or(0);
            let items = items.borrow();
            if items.len().saturating_mul(count) > 50_000_000 {
                return Err(Exception::new(
                    "LimitExceeded",
                    "the repeated list would be too large",
                ));
            }
            crate::memory::ensure_room(
                (items.len() as u128) * (count as u128) * std::mem::size_of::<Value>() as u128,
                || "the repeated list".to_owned(),
            )?;
            let mut repeated = Vec::with_capacity(items.len() * count);
            for _ in 0..count {
                repeated.extend(items.iter().cloned());
            }
            Ok(Value::list(repeated))
        }
        (BinaryOp::Mod, Value::Str(_), _) => Err(Exception::new(
            "NotSupportedInDojo",
            "%-formatting of strings is not supported",
        )
        .with_help("use an f-string, e.g. f\"{x:.2f}\"")),
        (BinaryOp::BitOr, Value::Dict(a), Value::Dict(b)) => {
            let mut merged = a.borrow().clone();
            for (key, value) in b.borrow().iter() {
                let _ = merged.insert(key.clone(), value.clone());
            }
            Ok(Value::dict(merged))
        }
        _ => Err(unsupported()),
    }
}

fn numeric(op: BinaryOp, a: Number, b: Number) -> Result<Value> {
    use Number::Int;
    match (op, &a, &b) {
        (BinaryOp::Add, Int(x), Int(y)) => x.checked_add(*y).map(Value::Int).ok_or_else(overflow),
        (BinaryOp::Sub, Int(x), Int(y)) => x.checked_sub(*y).map(Value::Int).ok_or_else(overflow),
        (BinaryOp::Mul, Int(x), Int(y)) => x.checked_mul(*y).map(Value::Int).ok_or_else(overflow),
        (BinaryOp::FloorDiv, Int(x), Int(y)) => {
            if *y == 0 {
                return Err(zero_division("integer division or modulo by zero"));
            }
            // Only `i64::MIN // -1` overflows (Python gives 2**63).
            let quotient = x.checked_div_euclid(*y).ok_or_else(overflow)?;
            let remainder = x.checked_rem_euclid(*y).unwrap_or(0);
            Ok(Value::Int(quotient - i64::from(y < &0 && remainder != 0)))
        }
        (BinaryOp::Mod, Int(x), Int(y)) => {
            if *y == 0 {
                return Err(zero_division("integer division or modulo by zero"));
            }
            // Python's modulo takes the sign of the divisor.
            // `i64::MIN % -1` is 0, as in Python (Rust's `%` would overflow).
            let remainder = x.checked_rem(*y).unwrap_or(0);
            Ok(Value::Int(
                if remainder != 0 && ((remainder < 0) != (*y < 0)) {
                    remainder + y
                } else {
                    remainder
                },
            ))
        }
        (BinaryOp::Pow, Int(x), Int(y)) if *y >= 0 => u32::try_from(*y)
            .ok()
            .and_then(|y| x.checked_pow(y))
            .map(Value::Int)
            .ok_or_else(overflow),
        (BinaryOp::LShift, Int(x), Int(y)) if (0..63).contains(y) => x
            .checked_mul(1i64 << y)
            .map(Value::Int)
            .ok_or_else(overflow),
        (BinaryOp::RShift, Int(x), Int(y)) if *y >= 0 => Ok(Value::Int(x >> (*y).min(63))),
        (BinaryOp::BitAnd, Int(x), Int(y)) => Ok(Value::Int(x & y)),
        (BinaryOp::BitOr, Int(x), Int(y)) => Ok(Value::Int(x | y)),
        (BinaryOp::BitXor, Int(x), Int(y)) => Ok(Value::Int(x ^ y)),
        (
            BinaryOp::LShift
            | BinaryOp::RShift
            | BinaryOp::BitAnd
            | BinaryOp::BitOr
            | BinaryOp::BitXor,
            _,
            _,
        ) => Err(type_error(format!(
            "unsupported operand type(s) for {}: 'float'",
            op.symbol()
        ))),
        (BinaryOp::MatMul, _, _) => Err(type_error("unsupported operand type(s) for @: numbers")),
        _ => {
            let (x, y) = (as_float(&a), as_float(&b));
            Ok(Value::Float(match op {
                BinaryOp::Add => x + y,
                BinaryOp::Sub => x - y,
                BinaryOp::Mul => x * y,
                BinaryOp::Div => {
                    if y == 0.0 {
                        return Err(zero_division("division by zero"));
                    }
                    x / y
                }
                BinaryOp::FloorDiv => {
                    if y == 0.0 {
                        return Err(zero_division("float floor division by zero"));
                    }
                    (x / y).floor()
                }
                BinaryOp::Mod => {
                    if y == 0.0 {
                        return Err(zero_division("float modulo"));
                    }
                    x - y * (x / y).floor()
                }
                BinaryOp::Pow => {
                    if x == 0.0 && y < 0.0 {
                        return Err(zero_division("0.0 cannot be raised to a negative power"));
                    }
                    x.powf(y)
                }
                _ => unreachable!("integer-only operators are handled above"),
            }))
        }
    }
}

/// How deep `==` and ordering descend into nested containers before they
/// raise `RecursionError`, as CPython does at its recursion limit.
pub(crate) const MAX_COMPARE_DEPTH: usize = 1000;

fn comparison_too_deep() -> Box<Exception> {
    Exception::new(
        "RecursionError",
        "maximum recursion depth exceeded in comparison",
    )
}

/// Whether two container values are the same object (`a is b`). Python
/// compares items identical first, so `l == l` holds even when `l`
/// contains itself.
fn same_container(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::List(a), Value::List(b)) => Rc::ptr_eq(a, b),
        (Value::Tuple(a), Value::Tuple(b)) => Rc::ptr_eq(a, b),
        (Value::Dict(a), Value::Dict(b)) | (Value::Set(a), Value::Set(b)) => Rc::ptr_eq(a, b),
        _ => false,
    }
}

/// Python `==` for the built-in types. Identical containers are equal at
/// once; nesting deeper than [`MAX_COMPARE_DEPTH`] (two distinct cyclic
/// lists, say) is a `RecursionError`, never a stack overflow.
pub(crate) fn equals(left: &Value, right: &Value) -> Result<bool> {
    equal_at(left, right, 0)
}

fn equal_at(left: &Value, right: &Value, depth: usize) -> Result<bool> {
    if let (Some(a), Some(b)) = (number(left), number(right)) {
        return Ok(match (a, b) {
            (Number::Int(x), Number::Int(y)) => x == y,
            (a, b) => as_float(&a) == as_float(&b),
        });
    }
    if same_container(left, right) {
        return Ok(true);
    }
    let items_equal = |a: &[Value], b: &[Value]| -> Result<bool> {
        if a.len() != b.len() {
            return Ok(false);
        }
        if depth >= MAX_COMPARE_DEPTH {
            return Err(comparison_too_deep());
        }
        for (x, y) in a.iter().zip(b) {
            if !equal_at(x, y, depth + 1)? {
                return Ok(false);
            }
        }
        Ok(true)
    };
    Ok(match (left, right) {
        (Value::None, Value::None) => true,
        (Value::Str(a), Value::Str(b)) => a == b,
        (Value::List(a), Value::List(b)) => {
            // Copies of the item lists: a comparison may not hold a borrow
            // of a list that a nested comparison borrows again.
            let (a, b) = (a.borrow().clone(), b.borrow().clone());
            items_equal(&a, &b)?
        }
        (Value::Tuple(a), Value::Tuple(b)) => items_equal(a, b)?,
        (Value::Dict(a), Value::Dict(b)) => {
            let pairs: Vec<(Value, Value)> = {
                let (a, b) = (a.borrow(), b.borrow());
                if a.len() != b.len() {
                    return Ok(false);
                }
                let mut pairs = Vec::with_capacity(a.len());
                for (key, value) in a.iter() {
                    match b.get(key) {
                        Some(other) => pairs.push((value.clone(), other.clone())),
                        None => return Ok(false),
                    }
                }
                pairs
            };
            if depth >= MAX_COMPARE_DEPTH && !pairs.is_empty() {
                return Err(comparison_too_deep());
            }
            for (value, other) in &pairs {
                if !equal_at(value, other, depth + 1)? {
                    return Ok(false);
                }
            }
            true
        }
        (Value::Set(a), Value::Set(b)) => {
            let (a, b) = (a.borrow(), b.borrow());
            a.len() == b.len() && a.iter().all(|(key, _)| b.contains(key))
        }
        (
            Value::Range {
                start: a,
                stop: b,
                step: c,
            },
            Value::Range {
                start: x,
                stop: y,
                step: z,
            },
        ) => (a, b, c) == (x, y, z),
        (Value::Instance(a), Value::Instance(b)) => Rc::ptr_eq(a, b),
        (Value::Class(a), Value::Class(b)) => Rc::ptr_eq(a, b),
        (Value::Module(a), Value::Module(b)) => Rc::ptr_eq(a, b),
        (Value::Native(a), Value::Native(b)) => Rc::ptr_eq(a, b),
        (Value::Builtin(a), Value::Builtin(b)) => Rc::ptr_eq(a, b),
        (Value::Function(a), Value::Function(b)) => Rc::ptr_eq(a, b),
        (Value::Exception(a), Value::Exception(b)) => a == b,
        _ => false,
    })
}

/// Python ordering for the built-in types; `Ok(None)` if not comparable.
pub(crate) fn order(left: &Value, right: &Value) -> Result<Option<Ordering>> {
    order_at(left, right, 0)
}

fn order_at(left: &Value, right: &Value, depth: usize) -> Result<Option<Ordering>> {
    if let (Some(a), Some(b)) = (number(left), number(right)) {
        return Ok(match (a, b) {
            (Number::Int(x), Number::Int(y)) => Some(x.cmp(&y)),
            (a, b) => as_float(&a)
                .partial_cmp(&as_float(&b))
                .or(Some(Ordering::Equal)),
        });
    }
    match (left, right) {
        (Value::Str(a), Value::Str(b)) => Ok(Some(a.cmp(b))),
        (Value::List(a), Value::List(b)) => {
            if Rc::ptr_eq(a, b) {
                return Ok(Some(Ordering::Equal));
            }
            let (a, b) = (a.borrow().clone(), b.borrow().clone());
            order_sequences(&a, &b, depth)
        }
        (Value::Tuple(a), Value::Tuple(b)) => order_sequences(a, b, depth),
        _ => Ok(None),
    }
}

fn order_sequences(a: &[Value], b: &[Value], depth: usize) -> Result<Option<Ordering>> {
    for (x, y) in a.iter().zip(b) {
        if same_container(x, y) {
            continue;
        }
        if depth >= MAX_COMPARE_DEPTH {
            return Err(comparison_too_deep());
        }
        if !equal_at(x, y, depth + 1)? {
            return order_at(x, y, depth + 1);
        }
    }
    Ok(Some(a.len().cmp(&b.len())))
}
