//! [`Args`]: the arguments of a call as evaluated, and the checks every
//! built-in runs on them (arity, unknown keywords, required arguments).

use crate::error::{Exception, Result, did_you_mean, type_error};
use crate::value::Value;

/// Arguments of a call, as evaluated.
#[derive(Debug, Clone, Default)]
pub struct Args {
    pub positional: Vec<Value>,
    pub keywords: Vec<(String, Value)>,
}

impl Args {
    pub fn new(positional: Vec<Value>) -> Args {
        Args {
            positional,
            keywords: Vec::new(),
        }
    }

    /// The argument at `position` or named `name`, if given.
    pub fn get(&self, position: usize, name: &str) -> Option<Value> {
        self.positional
            .get(position)
            .cloned()
            .or_else(|| self.keyword(name))
    }

    pub fn keyword(&self, name: &str) -> Option<Value> {
        self.keywords
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    }

    /// The argument at `position` or named `name`, or a `TypeError` naming `function`.
    pub fn required(&self, position: usize, name: &str, function: &str) -> Result<Value> {
        self.get(position, name)
            .ok_or_else(|| type_error(format!("{function}() missing required argument: '{name}'")))
    }

    /// Fails if more than `max_positional` positional arguments or a keyword
    /// outside `allowed` was given.
    pub fn check(&self, function: &str, max_positional: usize, allowed: &[&str]) -> Result<()> {
        if self.positional.len() > max_positional {
            return Err(type_error(format!(
                "{function}() takes at most {max_positional} positional argument{} but {} were given",
                if max_positional == 1 { "" } else { "s" },
                self.positional.len()
            )));
        }
        for (key, _) in &self.keywords {
            if !allowed.contains(&key.as_str()) {
                let error = type_error(format!(
                    "{function}() got an unexpected keyword argument '{key}'"
                ));
                return Err(match did_you_mean(key, allowed.iter().copied()) {
                    Some(suggestion) => error.with_help(format!("did you mean '{suggestion}'?")),
                    None => error,
                });
            }
        }
        Ok(())
    }
}

/// How a typed argument conversion names the argument when it refuses a
/// value, in the wording of the function the argument belongs to. Every
/// converter of the language and its host crates goes through
/// [`ArgName::integer`] and [`ArgName::number`], so `True` counts as 1
/// and a 0-dimensional numpy array as its item everywhere alike.
#[derive(Debug, Clone, Copy)]
pub enum ArgName<'a> {
    /// `f() argument 'x' must be an integer, not str` (TensorFlow, Keras).
    Parameter { function: &'a str, name: &'a str },
    /// `x must be an integer, not str` (numpy).
    Described(&'a str),
    /// `f() expects an integer, not str` (`random`).
    Expects(&'a str),
    /// Python's built-ins: `what: 'str' object cannot be interpreted as an
    /// integer`, and `math`'s `must be real number, not str`.
    Builtin(&'a str),
}

impl ArgName<'_> {
    /// The value as an integer: `int`, `bool`, or a numpy array's integral item.
    pub fn integer(self, value: &Value) -> Result<i64> {
        match scalar(value) {
            Some(Value::Int(i)) => Ok(i),
            Some(Value::Bool(b)) => Ok(i64::from(b)),
            _ => Err(self.refuse(value, Expected::Integer)),
        }
    }

    /// The value as a float: `float`, `int`, `bool`, or a numpy array's numeric item.
    pub fn number(self, value: &Value) -> Result<f64> {
        match scalar(value) {
            Some(Value::Float(x)) => Ok(x),
            Some(Value::Int(i)) => Ok(i as f64),
            Some(Value::Bool(b)) => Ok(f64::from(u8::from(b))),
            _ => Err(self.refuse(value, Expected::Number)),
        }
    }

    fn refuse(self, value: &Value, expected: Expected) -> Box<Exception> {
        let type_name = value.type_name();
        let (article, noun) = match expected {
            Expected::Integer => ("an", "integer"),
            Expected::Number => ("a", "number"),
        };
        type_error(match (self, expected) {
            (ArgName::Parameter { function, name }, _) => {
                format!("{function}() argument '{name}' must be {article} {noun}, not {type_name}")
            }
            (ArgName::Described(what), _) => {
                format!("{what} must be {article} {noun}, not {type_name}")
            }
            (ArgName::Expects(function), _) => {
                format!("{function}() expects {article} {noun}, not {type_name}")
            }
            (ArgName::Builtin(what), Expected::Integer) => {
                format!("{what}: '{type_name}' object cannot be interpreted as an integer")
            }
            (ArgName::Builtin(_), Expected::Number) => {
                format!("must be real number, not {type_name}")
            }
        })
    }
}

#[derive(Clone, Copy)]
enum Expected {
    Integer,
    Number,
}

/// A plain scalar, or the item of a native object that converts to one
/// (a 0-dimensional numpy array); `None` for anything else.
/// The value as a sequence index, as Python's `__index__` gives it: an
/// `int`, a `bool`, or a numpy array's integral item; `None` for the rest.
pub fn as_index(value: &Value) -> Option<i64> {
    match scalar(value)? {
        Value::Int(i) => Some(i),
        Value::Bool(b) => Some(i64::from(b)),
        _ => None,
    }
}

fn scalar(value: &Value) -> Option<Value> {
    match value {
        Value::Int(_) | Value::Bool(_) | Value::Float(_) => Some(value.clone()),
        Value::Native(native) => native.to_number()?.ok(),
        _ => None,
    }
}
