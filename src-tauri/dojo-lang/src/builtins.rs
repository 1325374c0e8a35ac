//! Python's built-in functions, exceptions, operators and the methods of
//! the built-in types, for the subset Dojo runs.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::rc::Rc;

use crate::error::{Exception, Result, type_error, value_error};
use crate::interp::{Interpreter, unhashable};
use crate::object::{Args, Builtin};
use crate::syntax::BinaryOp;
use crate::value::{Dict, IteratorState, Unhashable, Value, format_float};

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
    let blocked: &[(&str, &str)] = &[
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
    for (name, help) in blocked {
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
        Value::Range { start, stop, step } => {
            crate::value::range_len(*start, *stop, *step) as usize
        }
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

fn integer(value: &Value, what: &str) -> Result<i64> {
    match value {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::Native(native) => match native.to_number() {
            Some(number) => match number? {
                Value::Int(i) => Ok(i),
                Value::Bool(b) => Ok(i64::from(b)),
                _ => Err(type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    native.type_name()
                ))),
            },
            None => native.to_str().parse::<i64>().map_err(|_| {
                type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    native.type_name()
                ))
            }),
        },
        other => Err(type_error(format!(
            "{what}: '{}' object cannot be interpreted as an integer",
            other.type_name()
        ))),
    }
}

fn range(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("range", 3, &[])?;
    let numbers = args
        .positional
        .iter()
        .map(|value| integer(value, "range()"))
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
        Some(value) => integer(&value, "enumerate()")?,
        None => 0,
    };
    Ok(iterator(
        items
            .into_iter()
            .zip(start..)
            .map(|(item, index)| Value::tuple(vec![Value::Int(index), item]))
            .collect(),
    ))
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
                Some(base) => integer(&base, "int()")?,
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
                let ordering = order(&key, &best_key).ok_or_else(|| {
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
        Value::Int(i) => Ok(Value::Int(i.wrapping_abs())),
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
        Some(digits) => Some(integer(&digits, "round()")?),
    };
    // Python rounds half to even.
    match (value, digits) {
        (Value::Int(i), _) => Ok(Value::Int(i)),
        (Value::Bool(b), _) => Ok(Value::Int(i64::from(b))),
        (Value::Float(x), None) => {
            if x.is_finite() {
                Ok(Value::Int(x.round_ties_even() as i64))
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
        let ordering = order(a, b).unwrap_or_else(|| {
            failure.get_or_insert_with(|| {
                type_error(format!(
                    "'<' not supported between instances of '{}' and '{}'",
                    a.type_name(),
                    b.type_name()
                ))
            });
            Ordering::Equal
        });
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
                *next += *step;
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

// ----- operators -------------------------------------------------------------------

enum Number {
    Int(i64),
    Float(f64),
}

fn number(value: &Value) -> Option<Number> {
    match value {
        Value::Int(i) => Some(Number::Int(*i)),
        Value::Bool(b) => Some(Number::Int(i64::from(*b))),
        Value::Float(x) => Some(Number::Float(*x)),
        _ => None,
    }
}

fn as_float(number: &Number) -> f64 {
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
        _ => type_error(format!(
            "unsupported operand type(s) for {}: '{}' and '{}'",
            op.symbol(),
            left.type_name(),
            right.type_name()
        )),
    };
    match (op, left, right) {
        (BinaryOp::Add, Value::Str(a), Value::Str(b)) => Ok(Value::str(&format!("{a}{b}"))),
        (BinaryOp::Add, Value::List(a), Value::List(b)) => {
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
            let count = usize::try_from(integer(count, "*")?).unwrap_or(0);
            if text.len().saturating_mul(count) > 100_000_000 {
                return Err(Exception::new(
                    "LimitExceeded",
                    "the repeated string would be too large",
                ));
            }
            Ok(Value::str(&text.repeat(count)))
        }
        (BinaryOp::Mul, Value::List(items), count) | (BinaryOp::Mul, count, Value::List(items))
            if matches!(count, Value::Int(_) | Value::Bool(_)) =>
        {
            let count = usize::try_from(integer(count, "*")?).unwrap_or(0);
            let items = items.borrow();
            if items.len().saturating_mul(count) > 50_000_000 {
                return Err(Exception::new(
                    "LimitExceeded",
                    "the repeated list would be too large",
                ));
            }
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
            Ok(Value::Int(
                x.div_euclid(*y) - i64::from(y < &0 && x.rem_euclid(*y) != 0),
            ))
        }
        (BinaryOp::Mod, Int(x), Int(y)) => {
            if *y == 0 {
                return Err(zero_division("integer division or modulo by zero"));
            }
            // Python's modulo takes the sign of the divisor.
            let remainder = x % y;
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

/// Python `==` for the built-in types.
pub(crate) fn equals(left: &Value, right: &Value) -> bool {
    if let (Some(a), Some(b)) = (number(left), number(right)) {
        return match (a, b) {
            (Number::Int(x), Number::Int(y)) => x == y,
            (a, b) => as_float(&a) == as_float(&b),
        };
    }
    match (left, right) {
        (Value::None, Value::None) => true,
        (Value::Str(a), Value::Str(b)) => a == b,
        (Value::List(a), Value::List(b)) => {
            let (a, b) = (a.borrow(), b.borrow());
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| equals(x, y))
        }
        (Value::Tuple(a), Value::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| equals(x, y))
        }
        (Value::Dict(a), Value::Dict(b)) => {
            let (a, b) = (a.borrow(), b.borrow());
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| equals(value, other)))
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
    }
}

/// Python ordering for the built-in types; `None` if not comparable.
pub(crate) fn order(left: &Value, right: &Value) -> Option<Ordering> {
    if let (Some(a), Some(b)) = (number(left), number(right)) {
        return match (a, b) {
            (Number::Int(x), Number::Int(y)) => Some(x.cmp(&y)),
            (a, b) => as_float(&a)
                .partial_cmp(&as_float(&b))
                .or(Some(Ordering::Equal)),
        };
    }
    match (left, right) {
        (Value::Str(a), Value::Str(b)) => Some(a.cmp(b)),
        (Value::List(a), Value::List(b)) => order_sequences(&a.borrow(), &b.borrow()),
        (Value::Tuple(a), Value::Tuple(b)) => order_sequences(a, b),
        _ => None,
    }
}

fn order_sequences(a: &[Value], b: &[Value]) -> Option<Ordering> {
    for (x, y) in a.iter().zip(b) {
        if !equals(x, y) {
            return order(x, y);
        }
    }
    Some(a.len().cmp(&b.len()))
}

// ----- formatting ----------------------------------------------------------------

/// `format(value, spec)`: Python's format-spec mini-language for numbers and strings.
pub(crate) fn format_value(value: &Value, spec: &str) -> Result<String> {
    if spec.is_empty() {
        return Ok(value.to_str());
    }
    let mut chars: Vec<char> = spec.chars().collect();
    let mut fill = ' ';
    let mut align = None;
    if chars.len() >= 2 && matches!(chars[1], '<' | '>' | '^' | '=') {
        fill = chars[0];
        align = Some(chars[1]);
        chars.drain(..2);
    } else if chars
        .first()
        .is_some_and(|c| matches!(c, '<' | '>' | '^' | '='))
    {
        align = Some(chars[0]);
        chars.remove(0);
    }
    let mut sign = '-';
    if chars.first().is_some_and(|c| matches!(c, '+' | '-' | ' ')) {
        sign = chars[0];
        chars.remove(0);
    }
    if chars.first() == Some(&'0') {
        fill = '0';
        align.get_or_insert('=');
        chars.remove(0);
    }
    let rest: String = chars.iter().collect();
    let type_position = rest.find(|c: char| c.is_ascii_alphabetic() || c == '%');
    let (numbers, kind) = match type_position {
        Some(position) => (&rest[..position], rest[position..].chars().next()),
        None => (rest.as_str(), None),
    };
    let grouping = numbers.contains(',') || numbers.contains('_');
    let numbers = numbers.replace([',', '_'], "");
    let (width, precision) = match numbers.split_once('.') {
        Some((width, precision)) => (width, Some(precision)),
        None => (numbers.as_str(), None),
    };
    let invalid = || {
        value_error(format!(
            "Invalid format specifier '{spec}' for object of type '{}'",
            value.type_name()
        ))
    };
    let width: usize = if width.is_empty() {
        0
    } else {
        width.parse().map_err(|_| invalid())?
    };
    let precision: Option<usize> = match precision {
        Some(precision) => Some(precision.parse().map_err(|_| invalid())?),
        None => None,
    };

    let numeric_value = number(value).map(|number| as_float(&number));
    let mut body = match (kind, value) {
        (Some('s') | None, Value::Str(text)) => match precision {
            Some(precision) => text.chars().take(precision).collect(),
            None => text.to_string(),
        },
        (Some('d'), Value::Int(i)) => i.abs().to_string(),
        (Some('d'), Value::Bool(b)) => i64::from(*b).to_string(),
        (Some('f' | 'F'), _) if numeric_value.is_some() => {
            format!(
                "{:.*}",
                precision.unwrap_or(6),
                numeric_value.unwrap_or_default().abs()
            )
        }
        (Some('e' | 'E'), _) if numeric_value.is_some() => {
            let text = format!(
                "{:.*e}",
                precision.unwrap_or(6),
                numeric_value.unwrap_or_default().abs()
            );
            let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
            let exponent: i32 = exponent.parse().unwrap_or(0);
            let formatted = format!(
                "{mantissa}e{}{:02}",
                if exponent < 0 { '-' } else { '+' },
                exponent.abs()
            );
            if kind == Some('E') {
                formatted.to_uppercase()
            } else {
                formatted
            }
        }
        (Some('%'), _) if numeric_value.is_some() => {
            format!(
                "{:.*}%",
                precision.unwrap_or(6),
                numeric_value.unwrap_or_default().abs() * 100.0
            )
        }
        (Some('g' | 'G'), _) | (None, Value::Float(_)) if numeric_value.is_some() => {
            let x = numeric_value.unwrap_or_default().abs();
            match precision {
                None => format_float(x),
                Some(precision) => {
                    let precision = precision.max(1);
                    let exponent = if x == 0.0 {
                        0
                    } else {
                        x.log10().floor() as i32
                    };
                    if exponent < -4 || exponent >= precision as i32 {
                        let text = format!("{:.*e}", precision - 1, x);
                        let (mantissa, power) = text.split_once('e').unwrap_or((&text, "0"));
                        let power: i32 = power.parse().unwrap_or(0);
                        let mantissa = trim_zeros(mantissa);
                        format!(
                            "{mantissa}e{}{:02}",
                            if power < 0 { '-' } else { '+' },
                            power.abs()
                        )
                    } else {
                        let decimals = (precision as i32 - 1 - exponent).max(0) as usize;
                        trim_zeros(&format!("{x:.decimals$}")).to_owned()
                    }
                }
            }
        }
        (None, Value::Int(i)) => i.abs().to_string(),
        (None, Value::Bool(b)) => if *b { "True" } else { "False" }.to_owned(),
        (None, other) => other.to_str(),
        _ => return Err(invalid()),
    };
    if grouping && numeric_value.is_some() {
        body = group_thousands(&body);
    }
    let negative = numeric_value.is_some_and(|x| {
        x < 0.0 || (x == 0.0 && x.is_sign_negative() && matches!(value, Value::Float(_)))
    });
    let sign_text = match (negative, sign, numeric_value.is_some()) {
        (true, _, true) => "-",
        (false, '+', true) => "+",
        (false, ' ', true) => " ",
        _ => "",
    };
    let length = sign_text.chars().count() + body.chars().count();
    let padding = width.saturating_sub(length);
    let default_align = if numeric_value.is_some() { '>' } else { '<' };
    let pad = |count: usize| fill.to_string().repeat(count);
    Ok(match align.unwrap_or(default_align) {
        '<' => format!("{sign_text}{body}{}", pad(padding)),
        '^' => format!(
            "{}{sign_text}{body}{}",
            pad(padding / 2),
            pad(padding - padding / 2)
        ),
        '=' => format!("{sign_text}{}{body}", pad(padding)),
        _ => format!("{}{sign_text}{body}", pad(padding)),
    })
}

fn trim_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

fn group_thousands(digits: &str) -> String {
    let (integer, fraction) = match digits.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (digits, None),
    };
    let mut grouped = String::new();
    for (position, c) in integer.chars().enumerate() {
        if position > 0 && (integer.len() - position) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if let Some(fraction) = fraction {
        grouped.push('.');
        grouped.push_str(fraction);
    }
    grouped
}

// ----- methods of the built-in types ------------------------------------------

const STR_METHODS: &[&str] = &[
    "lower",
    "upper",
    "strip",
    "lstrip",
    "rstrip",
    "split",
    "rsplit",
    "splitlines",
    "join",
    "replace",
    "startswith",
    "endswith",
    "find",
    "count",
    "isdigit",
    "isalpha",
    "isspace",
    "title",
    "capitalize",
    "format",
    "zfill",
    "encode",
    "decode",
];
const LIST_METHODS: &[&str] = &[
    "append", "extend", "pop", "insert", "remove", "index", "count", "sort", "reverse", "copy",
    "clear",
];
const DICT_METHODS: &[&str] = &[
    "get",
    "keys",
    "values",
    "items",
    "pop",
    "update",
    "setdefault",
    "copy",
    "clear",
];
const SET_METHODS: &[&str] = &[
    "add",
    "discard",
    "remove",
    "update",
    "union",
    "intersection",
    "copy",
];

pub(crate) fn method_names(value: &Value) -> &'static [&'static str] {
    match value {
        Value::Str(_) => STR_METHODS,
        Value::List(_) => LIST_METHODS,
        Value::Dict(_) => DICT_METHODS,
        Value::Set(_) => SET_METHODS,
        _ => &[],
    }
}

/// `value.name` for a built-in type's method, bound to `value`.
pub(crate) fn method(value: &Value, name: &str) -> Option<Value> {
    let known = method_names(value).contains(&name)
        || (matches!(value, Value::Tuple(_)) && matches!(name, "index" | "count"));
    if !known {
        return None;
    }
    let name_owned = name.to_owned();
    let function = Builtin::value(name, move |interpreter, mut args| {
        if args.positional.is_empty() {
            return Err(type_error(format!("{name_owned}() needs its object")));
        }
        let receiver = args.positional.remove(0);
        call_method(interpreter, &receiver, &name_owned, args)
    });
    Some(Value::BoundMethod(Rc::new((value.clone(), function))))
}

fn text_argument(args: &Args, position: usize, name: &str, method: &str) -> Result<Option<String>> {
    match args.get(position, name) {
        None | Some(Value::None) => Ok(None),
        Some(Value::Str(text)) => Ok(Some(text.to_string())),
        Some(other) => Err(type_error(format!(
            "{method}() argument must be str or None, not {}",
            other.type_name()
        ))),
    }
}

fn call_method(
    interpreter: &mut Interpreter,
    receiver: &Value,
    name: &str,
    args: Args,
) -> Result<Value> {
    match receiver {
        Value::Str(text) => string_method(interpreter, text, name, args),
        Value::List(items) => list_method(interpreter, receiver, items, name, args),
        Value::Tuple(items) => {
            let item = args.required(0, "value", name)?;
            match name {
                "count" => Ok(Value::Int(
                    items.iter().filter(|x| equals(x, &item)).count() as i64,
                )),
                _ => items
                    .iter()
                    .position(|x| equals(x, &item))
                    .map(|position| Value::Int(position as i64))
                    .ok_or_else(|| value_error("tuple.index(x): x not in tuple")),
            }
        }
        Value::Dict(dict) => dict_method(interpreter, dict, name, args),
        Value::Set(set) => set_method(interpreter, set, name, args),
        other => Err(type_error(format!(
            "'{}' object has no method '{name}'",
            other.type_name()
        ))),
    }
}

fn string_method(
    interpreter: &mut Interpreter,
    text: &Rc<str>,
    name: &str,
    args: Args,
) -> Result<Value> {
    let text_value = |s: &str| Value::str(s);
    Ok(match name {
        "lower" => text_value(&text.to_lowercase()),
        "upper" => text_value(&text.to_uppercase()),
        "title" => text_value(
            &text
                .split(' ')
                .map(|word| {
                    let mut chars = word.chars();
                    match chars.next() {
                        Some(first) => {
                            first.to_uppercase().collect::<String>()
                                + &chars.as_str().to_lowercase()
                        }
                        None => String::new(),
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "capitalize" => {
            let mut chars = text.chars();
            text_value(&match chars.next() {
                Some(first) => {
                    first.to_uppercase().collect::<String>() + &chars.as_str().to_lowercase()
                }
                None => String::new(),
            })
        }
        "strip" | "lstrip" | "rstrip" => {
            let characters = text_argument(&args, 0, "chars", name)?;
            let matches = |c: char| match &characters {
                Some(set) => set.contains(c),
                None => c.is_whitespace(),
            };
            text_value(match name {
                "strip" => text.trim_matches(matches),
                "lstrip" => text.trim_start_matches(matches),
                _ => text.trim_end_matches(matches),
            })
        }
        "split" | "rsplit" => {
            let separator = text_argument(&args, 0, "sep", name)?;
            let limit = match args.get(1, "maxsplit") {
                Some(value) => integer(&value, "split()")?,
                None => -1,
            };
            let parts: Vec<String> = match (&separator, limit) {
                (None, _) => text.split_whitespace().map(str::to_owned).collect(),
                (Some(separator), _) if separator.is_empty() => {
                    return Err(value_error("empty separator"));
                }
                (Some(separator), limit) if limit < 0 => {
                    text.split(separator.as_str()).map(str::to_owned).collect()
                }
                (Some(separator), limit) => {
                    if name == "split" {
                        text.splitn(limit as usize + 1, separator.as_str())
                            .map(str::to_owned)
                            .collect()
                    } else {
                        let mut parts: Vec<String> = text
                            .rsplitn(limit as usize + 1, separator.as_str())
                            .map(str::to_owned)
                            .collect();
                        parts.reverse();
                        parts
                    }
                }
            };
            Value::list(parts.iter().map(|part| text_value(part)).collect())
        }
        "splitlines" => Value::list(text.lines().map(text_value).collect()),
        "join" => {
            let items = interpreter.iterate(&args.required(0, "iterable", "join")?)?;
            let mut parts = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                match item {
                    Value::Str(part) => parts.push(part.to_string()),
                    other => {
                        return Err(type_error(format!(
                            "sequence item {index}: expected str instance, {} found",
                            other.type_name()
                        )));
                    }
                }
            }
            text_value(&parts.join(text))
        }
        "replace" => {
            let old = text_argument(&args, 0, "old", name)?.unwrap_or_default();
            let new = text_argument(&args, 1, "new", name)?.unwrap_or_default();
            text_value(&text.replace(&old, &new))
        }
        "startswith" | "endswith" => {
            let candidates = match args.required(0, "prefix", name)? {
                Value::Tuple(items) => items.to_vec(),
                single => vec![single],
            };
            let mut found = false;
            for candidate in candidates {
                let Value::Str(candidate) = candidate else {
                    return Err(type_error(format!(
                        "{name} first arg must be str or a tuple of str"
                    )));
                };
                found |= if name == "startswith" {
                    text.starts_with(&*candidate)
                } else {
                    text.ends_with(&*candidate)
                };
            }
            Value::Bool(found)
        }
        "find" => {
            let needle = text_argument(&args, 0, "sub", name)?.unwrap_or_default();
            Value::Int(
                text.find(&needle)
                    .map_or(-1, |byte| text[..byte].chars().count() as i64),
            )
        }
        "count" => {
            let needle = text_argument(&args, 0, "sub", name)?.unwrap_or_default();
            Value::Int(if needle.is_empty() {
                text.chars().count() as i64 + 1
            } else {
                text.matches(&needle).count() as i64
            })
        }
        "isdigit" => Value::Bool(!text.is_empty() && text.chars().all(|c| c.is_ascii_digit())),
        "isalpha" => Value::Bool(!text.is_empty() && text.chars().all(char::is_alphabetic)),
        "isspace" => Value::Bool(!text.is_empty() && text.chars().all(char::is_whitespace)),
        "zfill" => {
            let width = usize::try_from(integer(&args.required(0, "width", name)?, "zfill()")?)
                .unwrap_or(0);
            let length = text.chars().count();
            text_value(&format!(
                "{}{text}",
                "0".repeat(width.saturating_sub(length))
            ))
        }
        "format" => text_value(&format_method(text, &args)?),
        "encode" => {
            return Err(Exception::new(
                "NotSupportedInDojo",
                "bytes are not supported; keep text as str",
            ));
        }
        // Dojo has no bytes type: what `read()` returns from a file or an
        // archive is already text, so `.decode(...)` keeps it as it is.
        "decode" => text_value(text),
        _ => return Err(type_error(format!("'str' object has no method '{name}'"))),
    })
}

/// `"{} {:.2f} {name}".format(...)`.
fn format_method(template: &str, args: &Args) -> Result<String> {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    let mut next_index = 0;
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut field = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    field.push(c);
                }
                let (name, spec) = field.split_once(':').unwrap_or((&field, ""));
                let value = if name.is_empty() {
                    let value = args.positional.get(next_index).cloned();
                    next_index += 1;
                    value
                } else if let Ok(index) = name.parse::<usize>() {
                    args.positional.get(index).cloned()
                } else {
                    args.keyword(name)
                };
                let value = value.ok_or_else(|| {
                    Exception::new(
                        "IndexError",
                        format!("Replacement index {name:?} out of range"),
                    )
                })?;
                out.push_str(&format_value(&value, spec)?);
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

fn list_method(
    interpreter: &mut Interpreter,
    receiver: &Value,
    items: &Rc<RefCell<Vec<Value>>>,
    name: &str,
    args: Args,
) -> Result<Value> {
    match name {
        "append" => {
            let item = args.required(0, "object", "append")?;
            items.borrow_mut().push(item);
            let length = items.borrow().len();
            if length > interpreter.limits.max_collection_items {
                return Err(Exception::new(
                    "LimitExceeded",
                    format!("a list of {length} items exceeds Dojo's limit"),
                ));
            }
        }
        "extend" => {
            let extra = interpreter.iterate(&args.required(0, "iterable", "extend")?)?;
            items.borrow_mut().extend(extra);
        }
        "insert" => {
            let index = integer(&args.required(0, "index", "insert")?, "insert()")?;
            let item = args.required(1, "object", "insert")?;
            let mut items = items.borrow_mut();
            let length = items.len() as i64;
            let position = if index < 0 {
                (index + length).max(0)
            } else {
                index.min(length)
            };
            items.insert(position as usize, item);
        }
        "pop" => {
            let mut items = items.borrow_mut();
            if items.is_empty() {
                return Err(Exception::new("IndexError", "pop from empty list"));
            }
            let position = match args.get(0, "index") {
                Some(index) => crate::interp::normalize_index(&index, items.len())?,
                None => items.len() - 1,
            };
            return Ok(items.remove(position));
        }
        "remove" => {
            let item = args.required(0, "value", "remove")?;
            let mut items = items.borrow_mut();
            let position = items
                .iter()
                .position(|x| equals(x, &item))
                .ok_or_else(|| value_error("list.remove(x): x not in list"))?;
            items.remove(position);
        }
        "index" => {
            let item = args.required(0, "value", "index")?;
            return items
                .borrow()
                .iter()
                .position(|x| equals(x, &item))
                .map(|position| Value::Int(position as i64))
                .ok_or_else(|| value_error(format!("{} is not in list", item.repr())));
        }
        "count" => {
            let item = args.required(0, "value", "count")?;
            return Ok(Value::Int(
                items.borrow().iter().filter(|x| equals(x, &item)).count() as i64,
            ));
        }
        "sort" => {
            args.check("sort", 0, &["key", "reverse"])?;
            let reverse = args.keyword("reverse").is_some_and(|value| value.truthy());
            let current = items.borrow().clone();
            let sorted = sort_values(interpreter, current, args.keyword("key"), reverse)?;
            *items.borrow_mut() = sorted;
        }
        "reverse" => items.borrow_mut().reverse(),
        "copy" => return Ok(Value::list(items.borrow().clone())),
        "clear" => items.borrow_mut().clear(),
        _ => {
            return Err(type_error(format!(
                "'{}' object has no method '{name}'",
                receiver.type_name()
            )));
        }
    }
    Ok(Value::None)
}

fn dict_method(
    interpreter: &mut Interpreter,
    dict: &Rc<RefCell<Dict>>,
    name: &str,
    args: Args,
) -> Result<Value> {
    Ok(match name {
        "get" => {
            let key = args.required(0, "key", "get")?;
            let found = dict.borrow().get(&key).cloned();
            found.unwrap_or_else(|| args.get(1, "default").unwrap_or(Value::None))
        }
        "keys" => Value::list(dict.borrow().keys()),
        "values" => Value::list(dict.borrow().values()),
        "items" => Value::list(
            dict.borrow()
                .iter()
                .map(|(key, value)| Value::tuple(vec![key.clone(), value.clone()]))
                .collect(),
        ),
        "pop" => {
            let key = args.required(0, "key", "pop")?;
            let removed = dict.borrow_mut().remove(&key);
            match (removed, args.get(1, "default")) {
                (Some(value), _) => value,
                (None, Some(default)) => default,
                (None, None) => return Err(Exception::new("KeyError", key.repr())),
            }
        }
        "setdefault" => {
            let key = args.required(0, "key", "setdefault")?;
            let default = args.get(1, "default").unwrap_or(Value::None);
            let existing = dict.borrow().get(&key).cloned();
            match existing {
                Some(value) => value,
                None => {
                    dict.borrow_mut()
                        .insert(key.clone(), default.clone())
                        .map_err(|Unhashable| unhashable(&key))?;
                    default
                }
            }
        }
        "update" => {
            if let Some(other) = args.positional.first() {
                let Value::Dict(other) = dict_from(interpreter, other)? else {
                    return Ok(Value::None);
                };
                let entries: Vec<(Value, Value)> = other
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                for (key, value) in entries {
                    let _ = dict.borrow_mut().insert(key, value);
                }
            }
            for (key, value) in args.keywords {
                let _ = dict.borrow_mut().insert(Value::str(&key), value);
            }
            Value::None
        }
        "copy" => Value::dict(dict.borrow().clone()),
        "clear" => {
            *dict.borrow_mut() = Dict::new();
            Value::None
        }
        _ => return Err(type_error(format!("'dict' object has no method '{name}'"))),
    })
}

fn dict_from(interpreter: &mut Interpreter, value: &Value) -> Result<Value> {
    match value {
        Value::Dict(_) => Ok(value.clone()),
        other => self::dict(interpreter, Args::new(vec![other.clone()])),
    }
}

fn set_method(
    interpreter: &mut Interpreter,
    set: &Rc<RefCell<Dict>>,
    name: &str,
    args: Args,
) -> Result<Value> {
    match name {
        "add" => {
            let item = args.required(0, "elem", "add")?;
            set.borrow_mut()
                .insert(item.clone(), Value::None)
                .map_err(|Unhashable| unhashable(&item))?;
            Ok(Value::None)
        }
        "discard" => {
            let item = args.required(0, "elem", "discard")?;
            set.borrow_mut().remove(&item);
            Ok(Value::None)
        }
        "remove" => {
            let item = args.required(0, "elem", "remove")?;
            set.borrow_mut()
                .remove(&item)
                .map(|_| Value::None)
                .ok_or_else(|| Exception::new("KeyError", item.repr()))
        }
        "update" | "union" => {
            let target = if name == "union" {
                Rc::new(RefCell::new(set.borrow().clone()))
            } else {
                Rc::clone(set)
            };
            for other in &args.positional {
                for item in interpreter.iterate(other)? {
                    target
                        .borrow_mut()
                        .insert(item.clone(), Value::None)
                        .map_err(|Unhashable| unhashable(&item))?;
                }
            }
            Ok(if name == "union" {
                Value::Set(target)
            } else {
                Value::None
            })
        }
        "intersection" => {
            let other = interpreter.iterate(&args.required(0, "other", "intersection")?)?;
            let mut result = Dict::new();
            for item in other {
                if set.borrow().contains(&item) {
                    let _ = result.insert(item, Value::None);
                }
            }
            Ok(Value::Set(Rc::new(RefCell::new(result))))
        }
        "copy" => Ok(Value::Set(Rc::new(RefCell::new(set.borrow().clone())))),
        _ => Err(type_error(format!("'set' object has no method '{name}'"))),
    }
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
