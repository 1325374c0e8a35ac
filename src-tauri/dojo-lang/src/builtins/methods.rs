//! The methods of the built-in types: `str`, `list`, `dict` and `set`.

use std::cell::RefCell;
use std::rc::Rc;

use super::{equals, format_value, sort_values};
use crate::error::{Exception, Result, type_error, value_error};
use crate::interp::{Interpreter, unhashable};
use crate::object::{ArgName, Args, Builtin};
use crate::value::{Dict, Unhashable, Value};

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
                "count" => Ok(Value::Int(count_of(items, &item)? as i64)),
                _ => position_of(items, &item)?
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
                Some(value) => ArgName::Builtin("split()").integer(&value)?,
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
            let total = parts.iter().map(|part| part.len() as u128).sum::<u128>()
                + (parts.len().saturating_sub(1) as u128) * (text.len() as u128);
            crate::memory::ensure_room(total, || "the joined string".to_owned())?;
            text_value(&parts.join(text))
        }
        "replace" => {
            let old = text_argument(&args, 0, "old", name)?.unwrap_or_default();
            let new = text_argument(&args, 1, "new", name)?.unwrap_or_default();
            let matches = if old.is_empty() {
                text.chars().count() + 1
            } else {
                text.matches(old.as_str()).count()
            };
            crate::memory::ensure_room(
                (text.len() as u128) + (matches as u128) * (new.len() as u128),
                || "the replaced string".to_owned(),
            )?;
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
            let width = usize::try_from(
                ArgName::Builtin("zfill()").integer(&args.required(0, "width", name)?)?,
            )
            .unwrap_or(0);
            let length = text.chars().count();
            crate::memory::ensure_room(width as u128, || format!("str.zfill({width})"))?;
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
    items: &Rc<crate::value::ListCell>,
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
            let length = items.borrow().len().saturating_add(extra.len());
            if length > interpreter.limits.max_collection_items {
                return Err(Exception::new(
                    "LimitExceeded",
                    format!("a list of {length} items exceeds Dojo's limit"),
                ));
            }
            crate::memory::ensure_room(
                extra.len() as u128 * std::mem::size_of::<Value>() as u128,
                || format!("extending a list to {length} items"),
            )?;
            items.borrow_mut().extend(extra);
        }
        "insert" => {
            let index =
                ArgName::Builtin("insert()").integer(&args.required(0, "index", "insert")?)?;
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
            // Compared on a copy: the item may contain this very list.
            let snapshot = items.borrow().clone();
            let position = position_of(&snapshot, &item)?
                .ok_or_else(|| value_error("list.remove(x): x not in list"))?;
            items.borrow_mut().remove(position);
        }
        "index" => {
            let item = args.required(0, "value", "index")?;
            let snapshot = items.borrow().clone();
            return position_of(&snapshot, &item)?
                .map(|position| Value::Int(position as i64))
                .ok_or_else(|| value_error(format!("{} is not in list", item.repr())));
        }
        "count" => {
            let item = args.required(0, "value", "count")?;
            let snapshot = items.borrow().clone();
            return Ok(Value::Int(count_of(&snapshot, &item)? as i64));
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
        other => super::dict(interpreter, Args::new(vec![other.clone()])),
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

/// The first position of an item equal to `item`.
fn position_of(items: &[Value], item: &Value) -> Result<Option<usize>> {
    for (position, candidate) in items.iter().enumerate() {
        if equals(candidate, item)? {
            return Ok(Some(position));
        }
    }
    Ok(None)
}

/// How many items equal `item`.
fn count_of(items: &[Value], item: &Value) -> Result<usize> {
    let mut count = 0;
    for candidate in items {
        count += usize::from(equals(candidate, item)?);
    }
    Ok(count)
}
