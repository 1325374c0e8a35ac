//! Attribute and item access: `obj.name` (modules with `__getattr__`,
//! instances and their classes, native objects, methods of the built-in
//! types) and `obj.name = value`, `obj[index]` and `obj[index] = value`
//! with Python's indexing and slicing rules, and iteration.

use std::rc::Rc;

use crate::error::{Exception, Result, did_you_mean, type_error, value_error};
use crate::object::Args;
use crate::syntax::*;
use crate::value::{Dict, IteratorState, SliceValue, Unhashable, Value, range_len};

use super::Interpreter;

impl Interpreter {
    // ----- attributes and items -------------------------------------------------

    /// `object.name`.
    pub fn get_attribute(&mut self, object: &Value, name: &str, span: Span) -> Result<Value> {
        let found = match object {
            Value::Module(module) => {
                let found = module.attributes.borrow().get(name).cloned();
                // A module-level `__getattr__` (PEP 562) answers missing names,
                // typically with an error that knows the module.
                let fallback = module.attributes.borrow().get("__getattr__").cloned();
                match (found, fallback) {
                    (None, Some(fallback)) => Some(
                        self.call(&fallback, Args::new(vec![Value::str(name)]))
                            .map_err(|error| self.error_at(error, span))?,
                    ),
                    (found, _) => found,
                }
            }
            Value::Instance(instance) => {
                let own = instance.attributes.borrow().get(name).cloned();
                own.or_else(|| {
                    instance
                        .class
                        .lookup(name)
                        .map(|attribute| match attribute {
                            Value::Function(_) | Value::Builtin(_) => {
                                Value::BoundMethod(Rc::new((object.clone(), attribute)))
                            }
                            other => other,
                        })
                })
            }
            Value::Class(class) => class.lookup(name),
            Value::Native(native) => native
                .get_attribute(native, name)
                .map_err(|error| self.error_at(error, span))?,
            Value::Exception(exception) if name == "args" => {
                Some(Value::tuple(vec![Value::str(&exception.message)]))
            }
            other => crate::builtins::method(other, name),
        };
        found.ok_or_else(|| {
            let (kind, message) = match object {
                Value::Module(module) => (
                    "AttributeError",
                    format!("module '{}' has no attribute '{name}'", module.name),
                ),
                other => (
                    "AttributeError",
                    format!("'{}' object has no attribute '{name}'", other.type_name()),
                ),
            };
            let names = self.attribute_names(object);
            let error = Exception::new(kind, message);
            let error = match did_you_mean(name, names.iter().map(String::as_str)) {
                Some(suggestion) => error.with_help(format!("did you mean '{suggestion}'?")),
                None => error,
            };
            self.error_at(error, span)
        })
    }

    pub(super) fn set_attribute(&mut self, object: &Value, name: &str, value: Value) -> Result<()> {
        match object {
            Value::Instance(instance) => {
                // A native base (e.g. a Keras callback) may own the attribute.
                for base in &instance.class.bases {
                    if let Value::Native(native) = base
                        && native.set_attribute(name, value.clone())?
                    {
                        return Ok(());
                    }
                }
                instance
                    .attributes
                    .borrow_mut()
                    .insert(name.to_owned(), value);
                Ok(())
            }
            Value::Class(class) => {
                class.attributes.borrow_mut().insert(name.to_owned(), value);
                Ok(())
            }
            Value::Native(native) => {
                if native.set_attribute(name, value)? {
                    Ok(())
                } else {
                    Err(Exception::new(
                        "AttributeError",
                        format!(
                            "'{}' object attribute '{name}' cannot be set",
                            native.type_name()
                        ),
                    ))
                }
            }
            other => Err(Exception::new(
                "AttributeError",
                format!(
                    "'{}' object attribute '{name}' is read-only",
                    other.type_name()
                ),
            )),
        }
    }

    /// `object[index]`.
    pub fn get_item(&mut self, object: &Value, index: &Value) -> Result<Value> {
        match object {
            Value::List(items) => index_sequence(&items.borrow(), index, Value::list),
            Value::Tuple(items) => index_sequence(items, index, Value::tuple),
            Value::Str(text) => match index {
                // A plain index needs one character, not a value per character.
                Value::Int(_) | Value::Bool(_) => {
                    let position = normalize_index(index, text.chars().count())?;
                    Ok(Value::str(
                        text.chars()
                            .nth(position)
                            .map(String::from)
                            .unwrap_or_default()
                            .as_str(),
                    ))
                }
                _ => {
                    let chars: Vec<Value> =
                        text.chars().map(|c| Value::str(&c.to_string())).collect();
                    index_sequence(&chars, index, |items| {
                        Value::str(&items.iter().map(Value::to_str).collect::<String>())
                    })
                }
            },
            Value::Range { start, stop, step } => {
                let length = range_len(*start, *stop, *step);
                let position = normalize_index(index, length as usize)?;
                Ok(Value::Int(crate::value::range_item(
                    *start,
                    *step,
                    position as i64,
                )))
            }
            Value::Dict(dict) => {
                let dict = dict.borrow();
                dict.get(index)
                    .cloned()
                    .ok_or_else(|| missing_key(&dict, index))
            }
            Value::Native(native) => match native.get_item(index) {
                Some(result) => result,
                None => Err(unsupported_by(object, "is not subscriptable")),
            },
            Value::Instance(instance) => match instance.class.lookup("__getitem__") {
                Some(method) => self.call(&method, Args::new(vec![object.clone(), index.clone()])),
                None => Err(unsupported_by(object, "is not subscriptable")),
            },
            other => Err(unsupported_by(other, "is not subscriptable")),
        }
    }

    pub(super) fn set_item(&mut self, object: &Value, index: &Value, value: Value) -> Result<()> {
        match object {
            Value::List(items) => {
                if let Value::Slice(slice) = index {
                    let replacement = self.iterate(&value)?;
                    let mut items = items.borrow_mut();
                    let (start, stop, step) = slice_bounds(slice, items.len())?;
                    if step != 1 {
                        return Err(value_error(
                            "assignment to an extended slice is not supported",
                        ));
                    }
                    let stop = stop.max(start) as usize;
                    items.splice(start as usize..stop, replacement);
                    return Ok(());
                }
                let length = items.borrow().len();
                let position = normalize_index(index, length)?;
                items.borrow_mut()[position] = value;
                Ok(())
            }
            Value::Dict(dict) => dict
                .borrow_mut()
                .insert(index.clone(), value)
                .map_err(|Unhashable| unhashable(index)),
            Value::Native(native) => match native.set_item(index, value) {
                Some(result) => result,
                None => Err(unsupported_by(object, "does not support item assignment")),
            },
            other => Err(unsupported_by(other, "does not support item assignment")),
        }
    }

    /// The items of an iterable, materialised.
    pub fn iterate(&mut self, value: &Value) -> Result<Vec<Value>> {
        let items = match value {
            Value::List(items) => items.borrow().clone(),
            Value::Tuple(items) => items.to_vec(),
            Value::Str(text) => text.chars().map(|c| Value::str(&c.to_string())).collect(),
            Value::Dict(dict) | Value::Set(dict) => dict.borrow().keys(),
            Value::Range { start, stop, step } => {
                let length = range_len(*start, *stop, *step);
                self.check_size(usize::try_from(length).unwrap_or(usize::MAX))?;
                (0..length)
                    .map(|i| Value::Int(crate::value::range_item(*start, *step, i)))
                    .collect()
            }
            Value::Iterator(state) => {
                let mut state = state.borrow_mut();
                match &mut *state {
                    IteratorState::Items { items, position } => {
                        let rest = items.get(*position..).unwrap_or_default().to_vec();
                        *position = items.len();
                        rest
                    }
                    IteratorState::Range { next, stop, step } => {
                        let length = range_len(*next, *stop, *step);
                        self.check_size(usize::try_from(length).unwrap_or(usize::MAX))?;
                        let items = (0..length)
                            .map(|i| Value::Int(crate::value::range_item(*next, *step, i)))
                            .collect();
                        *next = *stop;
                        items
                    }
                }
            }
            Value::Native(native) => match native.iterate(self) {
                Some(result) => result?,
                None => return Err(unsupported_by(value, "is not iterable")),
            },
            other => return Err(unsupported_by(other, "is not iterable")),
        };
        Ok(items)
    }
}

/// The most keys a `KeyError`'s help names.
const KEYS_LISTED: usize = 12;

/// `KeyError` for `index`, with the dict's keys (or the closest) as help.
fn missing_key(dict: &Dict, index: &Value) -> Box<Exception> {
    let error = Exception::new("KeyError", index.repr());
    let keys: Vec<String> = dict.keys().iter().map(Value::repr).collect();
    if keys.is_empty() {
        return error.with_help("the dict is empty");
    }
    if let Some(close) = did_you_mean(&index.repr(), keys.iter().map(String::as_str)) {
        return error.with_help(format!("did you mean {close}?"));
    }
    let more = keys.len().saturating_sub(KEYS_LISTED);
    let mut listed = keys
        .into_iter()
        .take(KEYS_LISTED)
        .collect::<Vec<_>>()
        .join(", ");
    if more > 0 {
        listed.push_str(&format!(" and {more} more"));
    }
    error.with_help(format!("the dict's keys are {listed}"))
}

/// `TypeError: '<type>' object <what>`, for an operation a value does not support.
pub(super) fn unsupported_by(value: &Value, what: &str) -> Box<Exception> {
    type_error(format!("'{}' object {what}", value.type_name()))
}

pub(crate) fn unhashable(value: &Value) -> Box<Exception> {
    type_error(format!("unhashable type: '{}'", value.type_name()))
}

/// A Python index into a sequence of `length` items, negative from the end.
pub(crate) fn normalize_index(index: &Value, length: usize) -> Result<usize> {
    let Some(raw) = crate::object::as_index(index) else {
        return Err(type_error(format!(
            "indices must be integers or slices, not {}",
            index.type_name()
        )));
    };
    let length = length as i64;
    let position = if raw < 0 { raw + length } else { raw };
    if position < 0 || position >= length {
        let help = if length == 0 {
            "the sequence is empty".to_owned()
        } else {
            format!(
                "it has {length} item{}: indexes 0 to {} (or -{length} to -1)",
                if length == 1 { "" } else { "s" },
                length - 1
            )
        };
        return Err(
            Exception::new("IndexError", format!("index {raw} is out of range")).with_help(help),
        );
    }
    Ok(position as usize)
}

/// Resolves a slice against `length` items: `(start, stop, step)` as Python's `slice.indices`.
pub(crate) fn slice_bounds(slice: &SliceValue, length: usize) -> Result<(i64, i64, i64)> {
    let length = length as i64;
    let step = slice.step.unwrap_or(1);
    if step == 0 {
        return Err(value_error("slice step cannot be zero"));
    }
    let clamp = |bound: i64, low: i64, high: i64| {
        let bound = if bound < 0 { bound + length } else { bound };
        bound.clamp(low, high)
    };
    let (start, stop) = if step > 0 {
        (
            slice.start.map_or(0, |start| clamp(start, 0, length)),
            slice.stop.map_or(length, |stop| clamp(stop, 0, length)),
        )
    } else {
        (
            slice
                .start
                .map_or(length - 1, |start| clamp(start, -1, length - 1)),
            slice.stop.map_or(-1, |stop| clamp(stop, -1, length - 1)),
        )
    };
    Ok((start, stop, step))
}

/// The positions a resolved slice visits, without overflow: a step near
/// `i64::MAX` visits `start` and ends.
pub(crate) fn slice_positions(start: i64, stop: i64, step: i64) -> impl Iterator<Item = i64> {
    std::iter::successors(Some(start), move |position| position.checked_add(step)).take_while(
        move |position| {
            if step > 0 {
                *position < stop
            } else {
                *position > stop
            }
        },
    )
}

fn index_sequence(
    items: &[Value],
    index: &Value,
    build: impl Fn(Vec<Value>) -> Value,
) -> Result<Value> {
    match index {
        Value::Slice(slice) => {
            let (start, stop, step) = slice_bounds(slice, items.len())?;
            let picked = slice_positions(start, stop, step)
                .filter_map(|position| items.get(position as usize).cloned())
                .collect();
            Ok(build(picked))
        }
        _ => {
            let position = normalize_index(index, items.len())?;
            Ok(items[position].clone())
        }
    }
}
