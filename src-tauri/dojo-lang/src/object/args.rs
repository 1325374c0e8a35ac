//! [`Args`]: the arguments of a call as evaluated, and the checks every
//! built-in runs on them (arity, unknown keywords, required arguments).

use crate::error::{Result, did_you_mean, type_error};
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
