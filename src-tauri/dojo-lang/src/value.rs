//! Runtime values of the interpreter.
//!
//! Values are cheap to clone: containers are reference-counted and mutable
//! ones sit behind `RefCell`, which gives Python's aliasing semantics
//! (`b = a; b.append(1)` changes `a`). The interpreter is single-threaded.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use crate::object::{Builtin, Class, Function, Instance, ModuleObject, NativeObject};

#[derive(Clone)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    List(Rc<ListCell>),
    Tuple(Rc<TupleItems>),
    Dict(Rc<RefCell<Dict>>),
    Set(Rc<RefCell<Dict>>),
    Range {
        start: i64,
        stop: i64,
        step: i64,
    },
    Slice(Rc<SliceValue>),
    Function(Rc<Function>),
    Builtin(Rc<Builtin>),
    /// A function bound to its receiver: `obj.method`.
    BoundMethod(Rc<(Value, Value)>),
    Class(Rc<Class>),
    Instance(Rc<Instance>),
    Module(Rc<ModuleObject>),
    Native(Rc<dyn NativeObject>),
    Iterator(Rc<RefCell<IteratorState>>),
    /// An exception object, as bound by `except E as e`.
    Exception(Rc<ExceptionValue>),
}

/// A list's items. It derefs to the `RefCell` that holds them; dropping the
/// last reference takes nested containers apart iteratively
/// ([`drop_values`]), so `x = [x]` a million times cannot overflow the stack.
#[derive(Default)]
pub struct ListCell(RefCell<Vec<Value>>);

impl ListCell {
    pub fn new(items: Vec<Value>) -> ListCell {
        ListCell(RefCell::new(items))
    }
}

impl std::ops::Deref for ListCell {
    type Target = RefCell<Vec<Value>>;
    fn deref(&self) -> &RefCell<Vec<Value>> {
        &self.0
    }
}

impl Drop for ListCell {
    fn drop(&mut self) {
        drop_values(std::mem::take(self.0.get_mut()));
    }
}

/// A tuple's items (deref to a slice), dropped like a list's.
#[derive(Default)]
pub struct TupleItems(Vec<Value>);

impl std::ops::Deref for TupleItems {
    type Target = [Value];
    fn deref(&self) -> &[Value] {
        &self.0
    }
}

impl Drop for TupleItems {
    fn drop(&mut self) {
        drop_values(std::mem::take(&mut self.0));
    }
}

/// Drops `values` without recursion: a container that `values` held the
/// last reference to gives its items to the same work list, so dropping a
/// structure nested a million levels deep uses constant stack.
pub fn drop_values(mut stack: Vec<Value>) {
    while let Some(value) = stack.pop() {
        match value {
            Value::List(cell) => {
                if let Some(mut cell) = Rc::into_inner(cell) {
                    stack.append(cell.0.get_mut());
                }
            }
            Value::Tuple(items) => {
                if let Some(mut items) = Rc::into_inner(items) {
                    stack.append(&mut items.0);
                }
            }
            Value::Dict(dict) | Value::Set(dict) => {
                if let Some(dict) = Rc::into_inner(dict) {
                    stack.extend(dict.into_inner().take_values());
                }
            }
            Value::Instance(instance) => {
                if let Some(mut instance) = Rc::into_inner(instance) {
                    stack.extend(instance.attributes.get_mut().drain().map(|(_, v)| v));
                }
            }
            Value::BoundMethod(bound) => {
                if let Some((receiver, function)) = Rc::into_inner(bound) {
                    stack.push(receiver);
                    stack.push(function);
                }
            }
            other => drop(other),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SliceValue {
    pub start: Option<i64>,
    pub stop: Option<i64>,
    pub step: Option<i64>,
}

/// An exception as a value: its class name and message.
#[derive(Debug, Clone, PartialEq)]
pub struct ExceptionValue {
    pub kind: String,
    pub message: String,
}

/// An iterator over already-materialised items, or a counting range.
#[derive(Debug)]
pub enum IteratorState {
    Items { items: Rc<[Value]>, position: usize },
    Range { next: i64, stop: i64, step: i64 },
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.repr())
    }
}

/// The key given to a [`Dict`] cannot be hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unhashable;

/// A dictionary preserving insertion order, keyed by hashable values.
#[derive(Debug, Default, Clone)]
pub struct Dict {
    entries: Vec<Option<(Value, Value)>>,
    index: HashMap<HashKey, usize>,
    live: usize,
}

/// The hashable identity of a key: `1`, `1.0` and `True` are the same key, as in Python.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HashKey {
    None,
    Int(i64),
    Float(u64),
    Str(Rc<str>),
    Tuple(Vec<HashKey>),
}

impl HashKey {
    /// The key of `value`, or `None` if it is unhashable (lists, dicts, …,
    /// or tuples nested deeper than [`MAX_REPR_DEPTH`]).
    pub fn of(value: &Value) -> Option<HashKey> {
        HashKey::at(value, 0)
    }

    fn at(value: &Value, depth: usize) -> Option<HashKey> {
        Some(match value {
            Value::None => HashKey::None,
            Value::Bool(b) => HashKey::Int(i64::from(*b)),
            Value::Int(i) => HashKey::Int(*i),
            Value::Float(x) => {
                if x.fract() == 0.0 && x.abs() < 9.0e15 {
                    HashKey::Int(*x as i64)
                } else {
                    HashKey::Float(x.to_bits())
                }
            }
            Value::Str(s) => HashKey::Str(s.clone()),
            Value::Tuple(items) if depth < MAX_REPR_DEPTH => HashKey::Tuple(
                items
                    .iter()
                    .map(|item| HashKey::at(item, depth + 1))
                    .collect::<Option<Vec<_>>>()?,
            ),
            _ => return None,
        })
    }
}

impl Dict {
    pub fn new() -> Dict {
        Dict::default()
    }

    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Inserts or replaces; fails if the key is unhashable (a list, a dict, …).
    pub fn insert(&mut self, key: Value, value: Value) -> Result<(), Unhashable> {
        let hash = HashKey::of(&key).ok_or(Unhashable)?;
        match self.index.get(&hash) {
            Some(&slot) => {
                if let Some(entry) = self.entries.get_mut(slot).and_then(Option::as_mut) {
                    entry.1 = value;
                }
            }
            None => {
                self.index.insert(hash, self.entries.len());
                self.entries.push(Some((key, value)));
                self.live += 1;
            }
        }
        Ok(())
    }

    pub fn get(&self, key: &Value) -> Option<&Value> {
        let slot = *self.index.get(&HashKey::of(key)?)?;
        self.entries.get(slot)?.as_ref().map(|entry| &entry.1)
    }

    pub fn contains(&self, key: &Value) -> bool {
        self.get(key).is_some()
    }

    pub fn remove(&mut self, key: &Value) -> Option<Value> {
        let slot = self.index.remove(&HashKey::of(key)?)?;
        let entry = self.entries.get_mut(slot)?.take()?;
        self.live -= 1;
        Some(entry.1)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Value, &Value)> {
        self.entries
            .iter()
            .filter_map(|entry| entry.as_ref().map(|(key, value)| (key, value)))
    }

    pub fn keys(&self) -> Vec<Value> {
        self.iter().map(|(key, _)| key.clone()).collect()
    }

    pub fn values(&self) -> Vec<Value> {
        self.iter().map(|(_, value)| value.clone()).collect()
    }

    /// Empties the dictionary, giving its keys and values.
    fn take_values(&mut self) -> impl Iterator<Item = Value> + use<> {
        self.index.clear();
        self.live = 0;
        std::mem::take(&mut self.entries)
            .into_iter()
            .flatten()
            .flat_map(|(key, value)| [key, value])
    }
}

impl Drop for Dict {
    fn drop(&mut self) {
        drop_values(self.take_values().collect());
    }
}

impl Value {
    pub fn str(text: &str) -> Value {
        Value::Str(Rc::from(text))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(ListCell::new(items)))
    }

    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Rc::new(TupleItems(items)))
    }

    pub fn dict(dict: Dict) -> Value {
        Value::Dict(Rc::new(RefCell::new(dict)))
    }

    /// The Python type name, as error messages show it.
    pub fn type_name(&self) -> String {
        match self {
            Value::None => "NoneType".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Float(_) => "float".into(),
            Value::Str(_) => "str".into(),
            Value::List(_) => "list".into(),
            Value::Tuple(_) => "tuple".into(),
            Value::Dict(_) => "dict".into(),
            Value::Set(_) => "set".into(),
            Value::Range { .. } => "range".into(),
            Value::Slice(_) => "slice".into(),
            Value::Function(_) => "function".into(),
            Value::Builtin(_) => "builtin_function_or_method".into(),
            Value::BoundMethod(_) => "method".into(),
            Value::Class(_) => "type".into(),
            Value::Instance(instance) => instance.class.name.clone(),
            Value::Module(_) => "module".into(),
            Value::Native(native) => native.type_name(),
            Value::Iterator(_) => "iterator".into(),
            Value::Exception(exception) => exception.kind.clone(),
        }
    }

    /// Python truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(x) => *x != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(items) => !items.borrow().is_empty(),
            Value::Tuple(items) => !items.is_empty(),
            Value::Dict(dict) | Value::Set(dict) => !dict.borrow().is_empty(),
            Value::Range { start, stop, step } => range_len(*start, *stop, *step) > 0,
            Value::Native(native) => native.truthy(),
            _ => true,
        }
    }

    /// `repr(value)`.
    pub fn repr(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out, &mut Vec::new());
        out
    }

    /// `str(value)`.
    pub fn to_str(&self) -> String {
        match self {
            Value::Str(s) => s.to_string(),
            Value::Exception(exception) => exception.message.clone(),
            Value::Native(native) => native.to_str(),
            _ => self.repr(),
        }
    }

    /// `open` holds the containers being written, outermost first: one
    /// that contains itself is written `[...]` (or `{...}`), as Python does.
    fn write_repr(&self, out: &mut String, open: &mut Vec<*const ()>) {
        if open.len() > MAX_REPR_DEPTH {
            out.push_str("...");
            return;
        }
        let identity = match self {
            Value::List(items) => Some(Rc::as_ptr(items).cast::<()>()),
            // A tuple cannot contain itself, but it counts towards the depth.
            Value::Tuple(items) => Some(Rc::as_ptr(items).cast::<()>()),
            Value::Dict(dict) | Value::Set(dict) => Some(Rc::as_ptr(dict).cast::<()>()),
            _ => None,
        };
        if let Some(identity) = identity {
            if open.contains(&identity) {
                out.push_str(if matches!(self, Value::List(_)) {
                    "[...]"
                } else {
                    "{...}"
                });
                return;
            }
            open.push(identity);
            self.write_container(out, open);
            open.pop();
            return;
        }
        self.write_container(out, open);
    }

    fn write_container(&self, out: &mut String, open: &mut Vec<*const ()>) {
        match self {
            Value::None => out.push_str("None"),
            Value::Bool(true) => out.push_str("True"),
            Value::Bool(false) => out.push_str("False"),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Float(x) => out.push_str(&format_float(*x)),
            Value::Str(s) => out.push_str(&quote(s)),
            Value::List(items) => {
                out.push('[');
                let items = items.borrow().clone();
                write_items(out, &items, open);
                out.push(']');
            }
            Value::Tuple(items) => {
                out.push('(');
                write_items(out, items, open);
                if items.len() == 1 {
                    out.push(',');
                }
                out.push(')');
            }
            Value::Dict(dict) => {
                out.push('{');
                let pairs: Vec<(Value, Value)> = dict
                    .borrow()
                    .iter()
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect();
                for (position, (key, value)) in pairs.iter().enumerate() {
                    if position > 0 {
                        out.push_str(", ");
                    }
                    key.write_repr(out, open);
                    out.push_str(": ");
                    value.write_repr(out, open);
                }
                out.push('}');
            }
            Value::Set(set) => {
                let keys = set.borrow().keys();
                if keys.is_empty() {
                    out.push_str("set()");
                } else {
                    out.push('{');
                    write_items(out, &keys, open);
                    out.push('}');
                }
            }
            Value::Range { start, stop, step } => {
                if *step == 1 {
                    let _ = write!(out, "range({start}, {stop})");
                } else {
                    let _ = write!(out, "range({start}, {stop}, {step})");
                }
            }
            Value::Slice(slice) => {
                let part = |bound: Option<i64>| bound.map_or("None".to_owned(), |b| b.to_string());
                let _ = write!(
                    out,
                    "slice({}, {}, {})",
                    part(slice.start),
                    part(slice.stop),
                    part(slice.step)
                );
            }
            Value::Function(function) => {
                let _ = write!(out, "<function {}>", function.definition.name);
            }
            Value::Builtin(builtin) => {
                let _ = write!(out, "<built-in function {}>", builtin.name);
            }
            Value::BoundMethod(bound) => {
                let _ = write!(out, "<bound method of {}>", bound.0.type_name());
            }
            Value::Class(class) => {
                let _ = write!(out, "<class '{}'>", class.name);
            }
            Value::Instance(instance) => {
                let _ = write!(out, "<{} object>", instance.class.name);
            }
            Value::Module(module) => {
                let _ = write!(out, "<module '{}'>", module.name);
            }
            Value::Native(native) => out.push_str(&native.repr()),
            Value::Iterator(_) => out.push_str("<iterator>"),
            // A KeyError's message is already the key's repr, as Python's `str(e)` shows it.
            Value::Exception(exception) if exception.kind == "KeyError" => {
                let _ = write!(out, "KeyError({})", exception.message);
            }
            Value::Exception(exception) => {
                let _ = write!(out, "{}({})", exception.kind, quote(&exception.message));
            }
        }
    }
}

/// Nesting deeper than this is written `...`: a bounded stack for any value.
const MAX_REPR_DEPTH: usize = 200;

fn write_items(out: &mut String, items: &[Value], open: &mut Vec<*const ()>) {
    for (position, item) in items.iter().enumerate() {
        if position > 0 {
            out.push_str(", ");
        }
        item.write_repr(out, open);
    }
}

/// The number of items of `range(start, stop, step)`, or `None` when it
/// does not fit in an `i64` (`range(-2**63, 2**63 - 1)`, where CPython's
/// `len()` raises `OverflowError`); `step` is never 0.
pub fn checked_range_len(start: i64, stop: i64, step: i64) -> Option<i64> {
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let length = if step > 0 && start < stop {
        (stop - start - 1) / step + 1
    } else if step < 0 && start > stop {
        (start - stop - 1) / (-step) + 1
    } else {
        0
    };
    i64::try_from(length).ok()
}

/// The number of items of `range(start, stop, step)`, at most `i64::MAX`.
pub fn range_len(start: i64, stop: i64, step: i64) -> i64 {
    checked_range_len(start, stop, step).unwrap_or(i64::MAX)
}

/// Item `index` of `range(start, _, step)` for an index inside the range,
/// computed without overflow (`step * index` alone may not fit).
pub fn range_item(start: i64, step: i64, index: i64) -> i64 {
    let item = i128::from(start) + i128::from(step) * i128::from(index);
    i64::try_from(item).unwrap_or(if step > 0 { i64::MAX } else { i64::MIN })
}

/// Python's `repr` of a float: shortest round-trip digits, `.0` for integral
/// values, `inf`/`nan` spelled Python's way.
pub fn format_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == x.trunc() && x.abs() < 1e16 {
        return format!("{x:.1}");
    }
    let text = format!("{x}");
    if x.abs() >= 1e16 || (x != 0.0 && x.abs() < 1e-4) {
        // Python switches to exponent notation outside this range.
        let exponent = format!("{x:e}");
        if let Some((mantissa, power)) = exponent.split_once('e') {
            let power: i32 = power.parse().unwrap_or(0);
            let sign = if power < 0 { '-' } else { '+' };
            return format!("{mantissa}e{sign}{:02}", power.abs());
        }
    }
    text
}

/// Python's `repr` of a string: single quotes unless the text holds one and no double quote.
pub fn quote(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reprs_match_python() {
        // Reference: CPython 3.11 `repr` of the same values.
        let cases: Vec<(Value, &str)> = vec![
            (Value::Float(1.0), "1.0"),
            (Value::Float(0.1), "0.1"),
            (Value::Float(1e-5), "1e-05"),
            (Value::Float(1.5e20), "1.5e+20"),
            (Value::Float(-2.5), "-2.5"),
            (Value::Float(f64::NAN), "nan"),
            (Value::str("it's"), "\"it's\""),
            (Value::str("a\nb"), "'a\\nb'"),
            (Value::tuple(vec![Value::Int(1)]), "(1,)"),
            (
                Value::list(vec![Value::None, Value::Bool(true), Value::str("x")]),
                "[None, True, 'x']",
            ),
            (
                Value::Range {
                    start: 0,
                    stop: 10,
                    step: 2,
                },
                "range(0, 10, 2)",
            ),
        ];
        for (value, expected) in cases {
            assert_eq!(value.repr(), expected);
        }
    }

    #[test]
    fn dict_keeps_order_and_unifies_numeric_keys() {
        let mut dict = Dict::new();
        dict.insert(Value::str("b"), Value::Int(1)).unwrap();
        dict.insert(Value::Int(1), Value::Int(2)).unwrap();
        dict.insert(Value::Float(1.0), Value::Int(3)).unwrap();
        dict.insert(Value::Bool(true), Value::Int(4)).unwrap();
        assert_eq!(dict.len(), 2);
        assert_eq!(Value::dict(dict.clone()).repr(), "{'b': 1, 1: 4}");
        assert!(dict.insert(Value::list(vec![]), Value::None).is_err());
        assert_eq!(
            dict.remove(&Value::str("b")).map(|v| v.repr()),
            Some("1".into())
        );
        assert_eq!(dict.len(), 1);
        assert!(!dict.contains(&Value::str("b")));
    }

    #[test]
    fn range_lengths() {
        assert_eq!(range_len(0, 10, 1), 10);
        assert_eq!(range_len(0, 10, 3), 4);
        assert_eq!(range_len(10, 0, -3), 4);
        assert_eq!(range_len(5, 5, 1), 0);
        assert_eq!(range_len(5, 0, 1), 0);
    }
}
