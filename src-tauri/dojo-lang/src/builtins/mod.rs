//! Python's built-in functions, exceptions, operators and the methods of
//! the built-in types, for the subset Dojo runs.
//!
//! This file holds the exception hierarchy and the built-in functions
//! (`print`, `len`, `range`, `int`, `sorted`, ...). `operators.rs` has the
//! arithmetic and comparisons of the built-in types, `format.rs` Python's
//! format-spec mini-language and `methods.rs` the methods of `str`, `list`,
//! `dict` and `set`.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::rc::Rc;

use crate::error::{Exception, Result, type_error, value_error};
use crate::interp::{Interpreter, unhashable};
use crate::object::{ArgName, Args, Builtin};
use crate::syntax::BinaryOp;
use crate::value::{Dict, IteratorState, Unhashable, Value, format_float};

mod format;
mod methods;
mod operators;

pub(crate) use format::format_value;
pub(crate) use methods::{method, method_names};
pub(crate) use operators::{binary, equals, order};

/// Exception classes, each with its parent (Python's hierarchy, trimmed).
const EXCEPTIONS: &[(&str, &str)] = &[
    ("BaseException", ""),
    ("Exception", "BaseException"),
    ("ArithmeticError", "Exception"),
    ("ZeroDivisionError", "ArithmeticError"),
    ("OverflowError", "ArithmeticError"),
    ("AssertionError", "Exception"),
    ("AttributeError", "Exception"),
    ("ImportError", "Exception"),
    ("ModuleNotFoundError", "ImportError"),
    ("LookupError", "Exception"),
    ("IndexError", "LookupError"),
    ("KeyError", "LookupError"),
    ("NameError", "Exception"),
    ("OSError", "Exception"),
    ("FileNotFoundError", "OSError"),
    ("URLError", "OSError"),
    ("BadZipFile", "Exception"),
    ("PermissionError", "OSError"),
    ("RuntimeError", "Exception"),
    ("NotImplementedError", "RuntimeError"),
    ("RecursionError", "RuntimeError"),
    ("StopIteration", "Exception"),
    ("TypeError", "Exception"),
    ("ValueError", "Exception"),
    ("UnicodeDecodeError", "ValueError"),
    ("JSONDecodeError", "ValueError"),
    ("IsADirectoryError", "OSError"),
    ("FileExistsError", "OSError"),
    ("UnsupportedOperation", "OSError"),
    ("NotSupportedInDojo", "Exception"),
    ("MemoryError", "Exception"),
];

pub(crate) fn is_exception_name(name: &str) -> bool {
    EXCEPTIONS.iter().any(|(exception, _)| *exception == name)
}

/// Whether the exception `kind` is `class` or derives from it.
pub(crate) fn exception_is_subclass(kind: &str, class: &str) -> bool {
    let mut current = kind;
    // Unknown kinds (host errors) are plain Exceptions.
    if !is_exception_name(current) {
        return matches!(class, "Exception" | "BaseException") || current == class;
    }
    loop {
        if current == class {
            return true;
        }
        match EXCEPTIONS
            .iter()
            .find(|(exception, _)| *exception == current)
        {
            Some((_, parent)) if !parent.is_empty() => current = parent,
            _ => return false,
        }
    }
}

/// The escape hatches that exist as names only to be refused, with the
/// help their error gives.
pub(crate) const REFUSED: &[(&str, &str)] = &[
    ("__import__", "import modules with an `import` statement"),
    ("eval", "Dojo does not evaluate code from strings"),
    ("exec", "Dojo does not execute code from strings"),
    ("compile", "Dojo does not compile code from strings"),
    ("globals", "refer to variables by name"),
    ("locals", "refer to variables by name"),
    ("vars", "refer to attributes by name"),
    ("input", "solutions cannot read from the keyboard"),
    ("breakpoint", "use print() to inspect values"),
];

/// A built-in implemented as a plain function.
type BuiltinFn = fn(&mut Interpreter, Args) -> Result<Value>;

pub(crate) fn install(interpreter: &mut Interpreter) {
    for (name, _) in EXCEPTIONS {
        let kind = (*name).to_owned();
        interpreter.define_builtin(
            name,
            Builtin::value(name, move |_, args| {
                let message = args
                    .positional
                    .first()
                    .map(Value::to_str)
                    .unwrap_or_default();
                Ok(Value::Exception(Rc::new(crate::value::ExceptionValue {
                    kind: kind.clone(),
                    message,
                })))
            }),
        );
    }
    let functions: &[(&str, BuiltinFn)] = &[
        ("print", print),
        ("len", len),
        ("range", range),
        ("enumerate", enumerate),
        ("zip", zip),
        ("list", list),
        ("tuple", tuple),
        ("dict", dict),
        ("set", set),
        ("str", str),
        ("repr", repr),
        ("int", int),
        ("float", float),
        ("bool", bool),
        ("min", min),
        ("max", max),
        ("sum", sum),
        ("abs", abs),
        ("round", round),
        ("sorted", sorted),
        ("reversed", reversed),
        ("isinstance", isinstance),
        ("map", map),
        ("filter", filter),
        ("next", next),
        ("iter", iter),
        ("any", any),
        ("all", all),
        ("hasattr", hasattr),
        ("getattr", getattr),
        ("pow", pow),
        ("divmod", divmod),
    ];
    for (name, function) in functions {
        interpreter.define_builtin(name, Builtin::value(name, *function));
    }
    interpreter.define_builtin(
        "super",
        Builtin::value("super", |interpreter, args| interpreter.super_object(&args)),
    );
    for (name, help) in REFUSED {
        let message = format!("{name}() is not available in Dojo");
        let help = (*help).to_owned();
        interpreter.define_builtin(
            name,
            Builtin::value(name, move |_, _| {
                Err(Exception::new("NotSupportedInDojo", message.clone()).with_help(help.clone()))
            }),
        );
    }
}

fn iterator(items: Vec<Value>) -> Value {
    Value::Iterator(Rc::new(RefCell::new(IteratorState::Items {
        items: Rc::from(items),
        position: 0,
    })))
}

fn print(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("print", usize::MAX, &["sep", "end", "flush", "file"])?;
    let separator = match args.keyword("sep") {
        None | Some(Value::None) => " ".to_owned(),
        Some(value) => value.to_str(),
    };
    let end = match args.keyword("end") {
        None | Some(Value::None) => "\n".to_owned(),
        Some(value) => value.to_str(),
    };
    let text: Vec<String> = args.positional.iter().map(Value::to_str).collect();
    let mut line = text.join(&separator);
    line.push_str(&end);
    interpreter.print(&line);
    Ok(Value::None)
}

fn len(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("len", 1, &[])?;
    let value = args.required(0, "obj", "len")?;
    let length = match &value {
        Value::Str(text) => text.chars().count(),
        Value::List(items) => items.borrow().len(),
        Value::Tuple(items) => items.len(),
        Value::Dict(dict) | Value::Set(dict) => dict.borrow().len(),
        Value::Range { start, stop, step } => crate::value::checked_range_len(*start, *stop, *step)
            .ok_or_else(|| {
                Exception::new(
                    "OverflowError",
                    "Python int too large to convert to C ssize_t",
                )
            })? as usize,
        Value::Native(native) => native.length().ok_or_else(|| {
            type_error(format!(
                "object of type '{}' has no len()",
                native.type_name()
            ))
        })?,
        Value::Instance(instance) => match instance.class.lookup("__len__") {
            Some(method) => return interpreter.call(&method, Args::new(vec![value.clone()])),
            None => {
                return Err(type_error(format!(
                    "object of type '{}' has no len()",
                    instance.class.name
                )));
            }
        },
        other => {
            return Err(type_error(format!(
                "object of type '{}' has no len()",
                other.type_name()
            )));
        }
    };
    Ok(Value::Int(length as i64))
}

fn range(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("range", 3, &[])?;
    let numbers = args
        .positional
        .iter()
        .map(|value| ArgName::Builtin("range()").integer(value))
        .collect::<Result<Vec<i64>>>()?;
    let (start, stop, step) = match numbers.as_slice() {
        [stop] => (0, *stop, 1),
        [start, stop] => (*start, *stop, 1),
        [start, stop, step] => (*start, *stop, *step),
        _ => return Err(type_error("range expected at least 1 argument, got 0")),
    };
    if step == 0 {
        return Err(value_error("range() arg 3 must not be zero"));
    }
    Ok(Value::Range { start, stop, step })
}

fn enumerate(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("enumerate", 2, &["start"])?;
    let items = interpreter.iterate(&args.required(0, "iterable", "enumerate")?)?;
    let start = match args.get(1, "start") {
        Some(value) => ArgName::Builtin("enumerate()").integer(&value)?,
        None => 0,
    };
    let mut numbered = Vec::with_capacity(items.len());
    for (offset, item) in items.into_iter().enumerate() {
        let index = i64::try_from(offset)
            .ok()
            .and_then(|offset| start.checked_add(offset))
            .ok_or_else(|| {
                Exception::new(
                    "OverflowError",
                    "enumerate(): the count passed Dojo's 64-bit integers",
                )
            })?;
        numbered.push(Value::tuple(vec![Value::Int(index), item]));
    }
    Ok(iterator(numbered))
}

fn zip(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("zip", usize::MAX, &["strict"])?;
    let mut columns = Vec::new();
    for value in &args.positional {
        columns.push(interpreter.iterate(value)?);
    }
    let length = columns.iter().map(Vec::len).min().unwrap_or(0);
    Ok(iterator(
        (0..length)
            .map(|row| Value::tuple(columns.iter().map(|column| column[row].clone()).collect()))
            .collect(),
    ))
}

fn list(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("list", 1, &[])?;
    Ok(Value::list(match args.positional.first() {
        Some(value) => interpreter.iterate(value)?,
        None => Vec::new(),
    }))
}

fn tuple(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("tuple", 1, &[])?;
    Ok(Value::tuple(match args.positional.first() {
        Some(value) => interpreter.iterate(value)?,
        None => Vec::new(),
    }))
}

fn dict(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("dict", 1, &[])?;
    let mut dict = Dict::new();
    if let Some(source) = args.positional.first() {
        let pairs = match source {
            Value::Dict(other) => other
                .borrow()
                .iter()
                .map(|(key, value)| Value::tuple(vec![key.clone(), value.clone()]))
                .collect(),
            other => interpreter.iterate(other)?,
        };
        for pair in pairs {
            let items = interpreter.iterate(&pair)?;
            let [key, value] = <[Value; 2]>::try_from(items).map_err(|items| {
                value_error(format!(
                    "dictionary update sequence element has length {}; 2 is required",
                    items.len()
                ))
            })?;
            dict.insert(key.clone(), value)
                .map_err(|Unhashable| unhashable(&key))?;
        }
    }
    for (key, value) in args.keywords {
        let _ = dict.insert(Value::str(&key), value);
    }
    Ok(Value::dict(dict))
}

fn set(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("set", 1, &[])?;
    let mut set = Dict::new();
    if let Some(source) = args.positional.first() {
        for item in interpreter.iterate(source)? {
            set.insert(item.clone(), Value::None)
                .map_err(|Unhashable| unhashable(&item))?;
        }
    }
    Ok(Value::Set(Rc::new(RefCell::new(set))))
}

fn str(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("str", 1, &[])?;
    Ok(Value::str(
        &args
            .positional
            .first()
            .map(Value::to_str)
            .unwrap_or_default(),
    ))
}

fn repr(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("repr", 1, &[])?;
    Ok(Value::str(&args.required(0, "obj", "repr")?.repr()))
}

fn int(_interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("int", 2, &["base"])?;
    let Some(value) = args.positional.first() else {
        return Ok(Value::Int(0));
    };
    match value {
        Value::Int(i) => Ok(Value::Int(*i)),
        Value::Bool(b) => Ok(Value::Int(i64::from(*b))),
        Value::Float(x) => {
            if x.is_finite() && x.abs() < 9.2e18 {
                Ok(Value::Int(x.trunc() as i64))
            } else {
                Err(Exception::new(
                    "OverflowError",
                    format!("cannot convert float {} to integer", format_float(*x)),
                ))
            }
        }
        Value::Str(text) => {
            let base = match args.get(1, "base") {
                Some(base) => ArgName::Builtin("int()").integer(&base)?,
                None => 10,
            };
            let cleaned = text.trim().replace('_', "");
            u32::try_from(base)
                .ok()
                .filter(|base| (2..=36).contains(base))
                .and_then(|base| i64::from_str_radix(&cleaned, base).ok())
                .map(Value::Int)
                .ok_or_else(|| {
                    value_error(format!(
                        "invalid literal for int() with base {base}: {}",
                        value.repr()
                    ))
                })
        }
        Value::Native(native) if native.to_number().is_some() => {
            let number = native.to_number().unwrap_or(Ok(Value::None))?;
            int(_interpreter, Args::new(vec![number]))
        }
        Value::Native(native) => native
            .to_str()
            .trim()
            .parse::<f64>()
            .map(|x| Value::Int(x.trunc() as i64))
            .map_err(|_| {
                type_error(format!(
                    "int() argument must be a string or a number, not '{}'",
                    native.type_name()
                ))
            }),
        other => Err(type_error(format!(
            "int() argument must be a string or a number, not '{}'",
            other.type_name()
        ))),
    }
}

/// Parses a float the way Python's `float()` does (including `inf`, `nan`, underscores).
pub fn parse_float(text: &str) -> Option<f64> {
    let cleaned = text.trim().replace('_', "");
    let lower = cleaned.to_ascii_lowercase();
    match lower.trim_start_matches(['+', '-']) {
        "inf" | "infinity" => {
            return Some(if lower.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if cleaned.is_empty()
        || cleaned.contains(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
    {
        return None;
    }
    cleaned.parse::<f64>().ok()
}

fn float(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("float", 1, &[])?;
    let Some(value) = args.positional.first() else {
        return Ok(Value::Float(0.0));
    };
    match value {
        Value::Int(i) => Ok(Value::Float(*i as f64)),
        Value::Bool(b) => Ok(Value::Float(f64::from(u8::from(*b)))),
        Value::Float(x) => Ok(Value::Float(*x)),
        Value::Str(text) => parse_float(text).map(Value::Float).ok_or_else(|| {
            value_error(format!(
                "could not convert string to float: {}",
                value.repr()
            ))
        }),
        Value::Native(native) if native.to_number().is_some() => {
            match native.to_number().unwrap_or(Ok(Value::None))? {
                Value::Int(i) => Ok(Value::Float(i as f64)),
                Value::Bool(b) => Ok(Value::Float(f64::from(u8::from(b)))),
                Value::Float(x) => Ok(Value::Float(x)),
                other => Err(type_error(format!(
                    "float() argument must be a string or a real number, not '{}'",
                    other.type_name()
                ))),
            }
        }
        Value::Native(native) => native
            .to_str()
            .trim()
            .parse::<f64>()
            .map(Value::Float)
            .map_err(|_| {
                type_error(format!(
                    "float() argument must be a string or a real number, not '{}'",
                    native.type_name()
                ))
            }),
        other => Err(type_error(format!(
            "float() argument must be a string or a real number, not '{}'",
            other.type_name()
        ))),
    }
}

fn bool(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("bool", 1, &[])?;
    Ok(Value::Bool(
        args.positional.first().is_some_and(Value::truthy),
    ))
}

/// The items a `min`/`max`/`sum`-style builtin works on: one iterable or several arguments.
fn items_of(interpreter: &mut Interpreter, args: &Args, name: &str) -> Result<Vec<Value>> {
    match args.positional.as_slice() {
        [] => Err(type_error(format!(
            "{name} expected at least 1 argument, got 0"
        ))),
        [single] => interpreter.iterate(single),
        several => Ok(several.to_vec()),
    }
}

fn keyed(
    interpreter: &mut Interpreter,
    items: Vec<Value>,
    key: Option<Value>,
) -> Result<Vec<(Value, Value)>> {
    let mut pairs = Vec::with_capacity(items.len());
    for item in items {
        let sort_key = match &key {
            Some(Value::None) | None => item.clone(),
            Some(function) => interpreter.call(function, Args::new(vec![item.clone()]))?,
        };
        pairs.push((sort_key, item));
    }
    Ok(pairs)
}

fn extreme(interpreter: &mut Interpreter, args: Args, name: &str, want: Ordering) -> Result<Value> {
    args.check(name, usize::MAX, &["key", "default"])?;
    let items = items_of(interpreter, &args, name)?;
    let pairs = keyed(interpreter, items, args.keyword("key"))?;
    let mut best: Option<(Value, Value)> = None;
    for (key, item) in pairs {
        best = match best {
            None => Some((key, item)),
            Some((best_key, best_item)) => {
                let ordering = order(&key, &best_key)?.ok_or_else(|| {
                    type_error(format!(
                        "'{}' not supported between instances of '{}' and '{}'",
                        if want == Ordering::Less { "<" } else { ">" },
                        key.type_name(),
                        best_key.type_name()
                    ))
                })?;
                if ordering == want {
                    Some((key, item))
                } else {
                    Some((best_key, best_item))
                }
            }
        };
    }
    match best {
        Some((_, item)) => Ok(item),
        None => args
            .keyword("default")
            .ok_or_else(|| value_error(format!("{name}() arg is an empty sequence"))),
    }
}

fn min(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    extreme(interpreter, args, "min", Ordering::Less)
}

fn max(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    extreme(interpreter, args, "max", Ordering::Greater)
}

fn sum(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("sum", 2, &["start"])?;
    let items = interpreter.iterate(&args.required(0, "iterable", "sum")?)?;
    let mut total = args.get(1, "start").unwrap_or(Value::Int(0));
    for item in items {
        total = interpreter.binary(BinaryOp::Add, &total, &item)?;
    }
    Ok(total)
}

fn abs(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("abs", 1, &[])?;
    match args.required(0, "x", "abs")? {
        Value::Int(i) => i.checked_abs().map(Value::Int).ok_or_else(|| {
            Exception::new(
                "OverflowError",
                "integer result too large for Dojo's 64-bit integers",
            )
        }),
        Value::Bool(b) => Ok(Value::Int(i64::from(b))),
        Value::Float(x) => Ok(Value::Float(x.abs())),
        other => Err(type_error(format!(
            "bad operand type for abs(): '{}'",
            other.type_name()
        ))),
    }
}

fn round(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("round", 2, &["ndigits"])?;
    let value = args.required(0, "number", "round")?;
    let digits = match args.get(1, "ndigits") {
        None | Some(Value::None) => None,
        Some(digits) => Some(ArgName::Builtin("round()").integer(&digits)?),
    };
    // Python rounds half to even.
    match (value, digits) {
        (Value::Int(i), _) => Ok(Value::Int(i)),
        (Value::Bool(b), _) => Ok(Value::Int(i64::from(b))),
        (Value::Float(x), None) => {
            let rounded = x.round_ties_even();
            // `as i64` would saturate: 1e300 is no 9223372036854775807.
            // 2**63 as a float is the first value past i64.
            const LIMIT: f64 = 9_223_372_036_854_775_808.0;
            if x.is_finite() && (-LIMIT..LIMIT).contains(&rounded) {
                Ok(Value::Int(rounded as i64))
            } else if x.is_finite() {
                Err(Exception::new(
                    "OverflowError",
                    "integer result too large for Dojo's 64-bit integers",
                ))
            } else {
                Err(value_error(
                    "cannot convert float NaN or infinity to integer",
                ))
            }
        }
        (Value::Float(x), Some(digits)) => {
            let scale = 10f64.powi(digits.clamp(-300, 300) as i32);
            Ok(Value::Float((x * scale).round_ties_even() / scale))
        }
        (other, _) => Err(type_error(format!(
            "type {} doesn't define __round__ method",
            other.type_name()
        ))),
    }
}

fn sorted(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("sorted", 1, &["key", "reverse"])?;
    let items = interpreter.iterate(&args.required(0, "iterable", "sorted")?)?;
    let reverse = args.keyword("reverse").is_some_and(|value| value.truthy());
    Ok(Value::list(sort_values(
        interpreter,
        items,
        args.keyword("key"),
        reverse,
    )?))
}

/// A stable sort by key, failing (not panicking) on incomparable items.
pub(crate) fn sort_values(
    interpreter: &mut Interpreter,
    items: Vec<Value>,
    key: Option<Value>,
    reverse: bool,
) -> Result<Vec<Value>> {
    let mut pairs = keyed(interpreter, items, key)?;
    let mut failure = None;
    pairs.sort_by(|(a, _), (b, _)| {
        let ordering = match order(a, b) {
            Ok(Some(ordering)) => ordering,
            Ok(None) => {
                failure.get_or_insert_with(|| {
                    type_error(format!(
                        "'<' not supported between instances of '{}' and '{}'",
                        a.type_name(),
                        b.type_name()
                    ))
                });
                Ordering::Equal
            }
            Err(error) => {
                failure.get_or_insert(error);
                Ordering::Equal
            }
        };
        if reverse {
            ordering.reverse()
        } else {
            ordering
        }
    });
    match failure {
        Some(error) => Err(error),
        None => Ok(pairs.into_iter().map(|(_, item)| item).collect()),
    }
}

fn reversed(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("reversed", 1, &[])?;
    let mut items = interpreter.iterate(&args.required(0, "sequence", "reversed")?)?;
    items.reverse();
    Ok(iterator(items))
}

fn isinstance(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("isinstance", 2, &[])?;
    let value = args.required(0, "obj", "isinstance")?;
    let class = args.required(1, "class_or_tuple", "isinstance")?;
    Ok(Value::Bool(is_instance(&value, &class)))
}

fn is_instance(value: &Value, class: &Value) -> bool {
    match class {
        Value::Tuple(classes) => classes.iter().any(|class| is_instance(value, class)),
        Value::Builtin(builtin) => match (builtin.name.as_str(), value) {
            ("int", Value::Int(_) | Value::Bool(_)) => true,
            ("float", Value::Float(_)) => true,
            ("bool", Value::Bool(_)) => true,
            ("str", Value::Str(_)) => true,
            ("list", Value::List(_)) => true,
            ("tuple", Value::Tuple(_)) => true,
            ("dict", Value::Dict(_)) => true,
            ("set", Value::Set(_)) => true,
            (name, Value::Exception(exception)) => exception_is_subclass(&exception.kind, name),
            _ => false,
        },
        Value::Class(class_value) => match value {
            Value::Instance(instance) => {
                Rc::ptr_eq(&instance.class, class_value) || instance.class.is_subclass_of(class)
            }
            _ => false,
        },
        Value::Native(native) => match value {
            Value::Native(other) => other.type_name() == native.type_name(),
            Value::Instance(instance) => instance.class.is_subclass_of(class),
            _ => false,
        },
        _ => false,
    }
}

fn map(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("map", usize::MAX, &[])?;
    let function = args.required(0, "function", "map")?;
    let mut columns = Vec::new();
    for value in args.positional.iter().skip(1) {
        columns.push(interpreter.iterate(value)?);
    }
    if columns.is_empty() {
        return Err(type_error("map() must have at least two arguments."));
    }
    let length = columns.iter().map(Vec::len).min().unwrap_or(0);
    let mut results = Vec::with_capacity(length);
    for row in 0..length {
        let arguments = columns.iter().map(|column| column[row].clone()).collect();
        results.push(interpreter.call(&function, Args::new(arguments))?);
    }
    Ok(iterator(results))
}

fn filter(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("filter", 2, &[])?;
    let function = args.required(0, "function", "filter")?;
    let items = interpreter.iterate(&args.required(1, "iterable", "filter")?)?;
    let mut kept = Vec::new();
    for item in items {
        let keep = match &function {
            Value::None => item.truthy(),
            function => interpreter
                .call(function, Args::new(vec![item.clone()]))?
                .truthy(),
        };
        if keep {
            kept.push(item);
        }
    }
    Ok(iterator(kept))
}

fn iter(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("iter", 1, &[])?;
    let value = args.required(0, "object", "iter")?;
    match value {
        Value::Iterator(_) => Ok(value),
        Value::Range { start, stop, step } => Ok(Value::Iterator(Rc::new(RefCell::new(
            IteratorState::Range {
                next: start,
                stop,
                step,
            },
        )))),
        other => Ok(iterator(interpreter.iterate(&other)?)),
    }
}

fn next(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("next", 2, &[])?;
    let value = args.required(0, "iterator", "next")?;
    let Value::Iterator(state) = &value else {
        return Err(type_error(format!(
            "'{}' object is not an iterator",
            value.type_name()
        )));
    };
    let item = match &mut *state.borrow_mut() {
        IteratorState::Items { items, position } => {
            let item = items.get(*position).cloned();
            if item.is_some() {
                *position += 1;
            }
            item
        }
        IteratorState::Range { next, stop, step } => {
            if crate::value::range_len(*next, *stop, *step) > 0 {
                let item = *next;
                // Past the last item the sum may leave i64: the range is done.
                *next = next.checked_add(*step).unwrap_or(*stop);
                Some(Value::Int(item))
            } else {
                None
            }
        }
    };
    match (item, args.positional.get(1)) {
        (Some(item), _) => Ok(item),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(Exception::new("StopIteration", "")),
    }
}

fn any(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("any", 1, &[])?;
    let items = interpreter.iterate(&args.required(0, "iterable", "any")?)?;
    Ok(Value::Bool(items.iter().any(Value::truthy)))
}

fn all(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("all", 1, &[])?;
    let items = interpreter.iterate(&args.required(0, "iterable", "all")?)?;
    Ok(Value::Bool(items.iter().all(Value::truthy)))
}

fn attribute_name(args: &Args, function: &str) -> Result<String> {
    match args.required(1, "name", function)? {
        Value::Str(name) => Ok(name.to_string()),
        other => Err(type_error(format!(
            "{function}(): attribute name must be string, not '{}'",
            other.type_name()
        ))),
    }
}

fn hasattr(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("hasattr", 2, &[])?;
    let object = args.required(0, "obj", "hasattr")?;
    let name = attribute_name(&args, "hasattr")?;
    Ok(Value::Bool(
        interpreter
            .get_attribute(&object, &name, Default::default())
            .is_ok(),
    ))
}

fn getattr(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("getattr", 3, &[])?;
    let object = args.required(0, "obj", "getattr")?;
    let name = attribute_name(&args, "getattr")?;
    match (
        interpreter.get_attribute(&object, &name, Default::default()),
        args.positional.get(2),
    ) {
        (Ok(value), _) => Ok(value),
        (Err(_), Some(default)) => Ok(default.clone()),
        (Err(mut error), None) => {
            error.traceback.clear();
            Err(error)
        }
    }
}

fn pow(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("pow", 2, &[])?;
    let base = args.required(0, "base", "pow")?;
    let exponent = args.required(1, "exp", "pow")?;
    interpreter.binary(BinaryOp::Pow, &base, &exponent)
}

fn divmod(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("divmod", 2, &[])?;
    let a = args.required(0, "a", "divmod")?;
    let b = args.required(1, "b", "divmod")?;
    let quotient = interpreter.binary(BinaryOp::FloorDiv, &a, &b)?;
    let remainder = interpreter.binary(BinaryOp::Mod, &a, &b)?;
    Ok(Value::tuple(vec![quotient, remainder]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_specs_match_python() {
        // Reference: CPython 3.11, e.g. `format(1.23456, '.2f')`.
        let cases: Vec<(Value, &str, &str)> = vec![
            (Value::Float(1.23456), ".2f", "1.23"),
            (Value::Float(-1.23456), "8.3f", "  -1.235"),
            (Value::Float(0.875), ".1%", "87.5%"),
            (Value::Float(12345.678), ",.1f", "12,345.7"),
            (Value::Float(0.000123), ".2e", "1.23e-04"),
            (Value::Float(1234.5), ".3g", "1.23e+03"),
            (Value::Float(0.5), "g", "0.5"),
            (Value::Int(42), "05d", "00042"),
            (Value::Int(-42), "5", "  -42"),
            (Value::Int(7), "<4", "7   "),
            (Value::str("ab"), ">5", "   ab"),
            (Value::str("ab"), "*^6", "**ab**"),
            (Value::Float(2.0), "", "2.0"),
            (Value::Int(3), ".2f", "3.00"),
        ];
        for (value, spec, expected) in cases {
            assert_eq!(
                format_value(&value, spec).unwrap(),
                expected,
                "format({value:?}, {spec:?})"
            );
        }
        assert!(format_value(&Value::str("x"), ".2f").is_err());
    }

    #[test]
    fn python_arithmetic_corners() {
        let check = |op, a: Value, b: Value, expected: &str| {
            let result = binary(op, &a, &b)
                .map(|v| v.repr())
                .unwrap_or_else(|e| e.kind.clone());
            assert_eq!(result, expected, "{a:?} {} {b:?}", op.symbol());
        };
        check(BinaryOp::FloorDiv, Value::Int(-7), Value::Int(2), "-4");
        check(BinaryOp::Mod, Value::Int(-7), Value::Int(2), "1");
        check(BinaryOp::Mod, Value::Int(7), Value::Int(-2), "-1");
        check(BinaryOp::Div, Value::Int(7), Value::Int(2), "3.5");
        check(BinaryOp::Pow, Value::Int(2), Value::Int(10), "1024");
        check(BinaryOp::Pow, Value::Int(2), Value::Int(-1), "0.5");
        check(
            BinaryOp::Div,
            Value::Int(1),
            Value::Int(0),
            "ZeroDivisionError",
        );
        check(
            BinaryOp::Mul,
            Value::Int(i64::MAX),
            Value::Int(2),
            "OverflowError",
        );
        check(BinaryOp::Add, Value::Bool(true), Value::Float(0.5), "1.5");
        check(BinaryOp::Add, Value::str("a"), Value::Int(1), "TypeError");
        check(BinaryOp::Mul, Value::str("ab"), Value::Int(3), "'ababab'");
    }

    #[test]
    fn exception_hierarchy() {
        assert!(exception_is_subclass("KeyError", "LookupError"));
        assert!(exception_is_subclass("FileNotFoundError", "Exception"));
        assert!(!exception_is_subclass("ValueError", "TypeError"));
        assert!(exception_is_subclass("SomeHostError", "Exception"));
    }
}
