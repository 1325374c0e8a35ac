//! Modules Dojo does not provide but exam files often import without needing
//! them (`import pandas as pd` at the top of a file that reads its data with
//! `csv`): the import succeeds, and the first use of one of its names raises
//! at that line with what to use instead.

use std::any::Any;
use std::rc::Rc;

use crate::error::{Exception, Result};
use crate::object::NativeObject;
use crate::value::Value;

/// What to use instead of each module whose import is allowed and whose
/// use is refused. Modules that no exam program could run without (torch,
/// jax) stay refused at the import itself.
pub(crate) fn deferred_substitute(top: &str) -> Option<&'static str> {
    Some(match top {
        "pandas" => {
            "pandas is not available in Dojo: read CSV files with the csv module (csv.reader) \
             and build numpy arrays from the rows"
        }
        "sklearn" => {
            "scikit-learn is not available in Dojo: split arrays by slicing (x[:n], x[n:]) \
             and use tf.keras.metrics for scores"
        }
        "seaborn" => "seaborn is not available in Dojo: draw with matplotlib.pyplot instead",
        _ => return None,
    })
}

/// An imported module that is not there: every attribute raises.
struct Unavailable {
    name: String,
    help: &'static str,
}

impl NativeObject for Unavailable {
    fn type_name(&self) -> String {
        "module".to_owned()
    }

    fn repr(&self) -> String {
        format!("<module '{}' (not available in Dojo)>", self.name)
    }

    fn get_attribute(&self, _this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        Err(Exception::new(
            "ModuleNotFoundError",
            format!(
                "No module named '{}': `{}.{name}` cannot run in Dojo",
                self.name, self.name
            ),
        )
        .with_help(self.help))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The stand-in for `name` (dotted or not) when its top-level package is
/// one of [`deferred_substitute`]'s.
pub(crate) fn module(name: &str) -> Option<Value> {
    let top = name.split('.').next().unwrap_or(name);
    let help = deferred_substitute(top)?;
    Some(Value::Native(Rc::new(Unavailable {
        name: name.to_owned(),
        help,
    })))
}
