//! The crate's error type: every failure a user's program can cause is a
//! value with a message written for that user.
//!
//! Invariant: the errors other crates look into (for the exception kind or
//! a likely fix) are structured variants whose fields carry what they need;
//! their messages are rendered from those fields, so a caller never parses
//! message text. The string variants hold everything else.

use crate::layers::{Dims, format_dims};

/// An error from building, compiling or training a model.
#[derive(Debug, thiserror::Error)]
pub enum KerasError {
    /// A wrong argument: wrong type, bad value.
    #[error("{0}")]
    Argument(String),
    /// A keyword argument the function does not take, with the closest
    /// parameter name when one is a plausible typo.
    #[error(
        "{function}() got an unexpected keyword argument '{keyword}'{}",
        keyword_hint(.suggestion.as_deref())
    )]
    UnexpectedKeyword {
        /// The function or class called: `Dense`.
        function: String,
        keyword: String,
        /// The parameter the user most likely meant: `units`.
        suggestion: Option<String>,
    },
    /// A model or weight with more parameters than the session allows.
    #[error(
        "{what} would have {} parameters; Dojo's limit is {limit} (about {} MB of weights)",
        count_text(*.count),
        .limit * 4 / 1_000_000
    )]
    ParameterLimit {
        /// What would be built: "this model", "this layer's weight 'kernel'".
        what: String,
        /// The parameter count, `None` when it overflows.
        count: Option<usize>,
        limit: usize,
    },
    /// The run's memory budget cannot spare what an allocation needs.
    #[error("{0}")]
    Memory(String),
    /// A name (layer, optimizer, loss, ...) that Dojo does not implement.
    #[error(
        "`{module}.{name}` is not available in Dojo;{} available {module}: {}",
        name_hint(.module, .suggestion.as_deref()),
        .available.join(", ")
    )]
    NotAvailable {
        /// The module the name was looked up in: `losses`.
        module: String,
        name: String,
        /// The available name closest to `name`, when it is a plausible typo.
        suggestion: Option<String>,
        /// Every name the module has.
        available: Vec<String>,
    },
    /// Incompatible shapes between layers or between data and model.
    #[error("{0}")]
    Shape(String),
    /// Targets whose shape differs from the model's output (after Keras's
    /// trailing axis of 1 is added or dropped).
    #[error("the targets have shape {target:?} but the model's output has shape {output:?}")]
    TargetShape {
        /// The targets' shape as given, batch axis included.
        target: Vec<usize>,
        /// The model's output shape, batch axis included.
        output: Vec<usize>,
    },
    /// An input to a layer with the wrong number of axes.
    #[error(
        "Input 0 of layer \"{layer}\" is incompatible with the layer: expected ndim={expected}, found ndim={}. Full shape received: {}",
        .received.len(),
        format_dims(.received)
    )]
    InputRank {
        /// The layer's class name: `Conv2D`.
        layer: String,
        /// The rank the layer takes, batch axis included.
        expected: usize,
        /// The shape received, batch axis included; its length is the rank
        /// found.
        received: Dims,
    },
    /// Data whose shape does not fit the model's input.
    #[error(
        "Input 0 of layer \"{model}\" is incompatible with the layer: expected shape={}, found shape={found:?}",
        format_dims(.expected)
    )]
    InputShape {
        /// The model's name.
        model: String,
        /// The model's input shape, batch axis included (`None` for any size).
        expected: Dims,
        /// The data's shape, batch axis included.
        found: Vec<usize>,
    },
    /// A shape error raised while a layer computes its output shape, with
    /// the layer named as Keras names it.
    #[error("Exception encountered when calling {class_name}.call(): layer '{layer}': {source}")]
    LayerCall {
        /// The layer's class name: `Conv2D`.
        class_name: String,
        /// The layer's own name: `conv2d_1`.
        layer: String,
        /// The shape error itself.
        source: Box<KerasError>,
    },
    /// A state error: fitting an uncompiled model, summarising an unbuilt one.
    #[error("{0}")]
    State(String),
    /// Training diverged.
    #[error("{0}")]
    NonFinite(String),
    /// Training was cancelled by the host.
    #[error("training was cancelled")]
    Cancelled,
    /// A malformed saved model.
    #[error("cannot load the model: {0}")]
    Load(String),
    /// An error raised by the host (a Python callback), passed through.
    #[error("{0}")]
    Host(String),
    /// A tensor error from candle.
    #[error("tensor error: {0}")]
    Tensor(#[from] candle_core::Error),
}

/// The crate's result type.
pub type Result<T, E = KerasError> = std::result::Result<T, E>;

pub(crate) fn arg_err<T>(msg: impl Into<String>) -> Result<T> {
    Err(KerasError::Argument(msg.into()))
}

pub(crate) fn shape_err<T>(msg: impl Into<String>) -> Result<T> {
    Err(KerasError::Shape(msg.into()))
}

/// The candidate closest to `word` by edit distance, if it is close enough to
/// be a plausible typo.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A name `module` does not have, with the closest of `names` as a
/// suggestion when it is a plausible typo.
pub(crate) fn not_available(module: &str, name: &str, names: &[&str]) -> KerasError {
    KerasError::NotAvailable {
        module: module.to_owned(),
        name: name.to_owned(),
        suggestion: did_you_mean(name, names).map(str::to_owned),
        available: names.iter().map(|&name| name.to_owned()).collect(),
    }
}

/// `; did you mean 'units'?` after an unexpected keyword, when there is a
/// suggestion.
fn keyword_hint(suggestion: Option<&str>) -> String {
    suggestion
        .map(|parameter| format!("; did you mean '{parameter}'?"))
        .unwrap_or_default()
}

/// ` Did you mean `losses.mse`?` after a name that is not available, when
/// there is a suggestion.
fn name_hint(module: &str, suggestion: Option<&str>) -> String {
    suggestion
        .map(|name| format!(" Did you mean `{module}.{name}`?"))
        .unwrap_or_default()
}

/// A parameter count, or what it is when it overflowed.
fn count_text(count: Option<usize>) -> String {
    count.map_or_else(|| "more than 2^64".to_owned(), |count| count.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("unit", &["units", "activation"]),
            Some("units")
        );
        assert_eq!(did_you_mean("zzzzzz", &["units", "activation"]), None);
    }

    #[test]
    fn names_not_available_carry_the_closest_and_all_names() {
        let error = not_available("losses", "msee", &["mse", "mae"]);
        assert!(matches!(
            &error,
            KerasError::NotAvailable { module, name, suggestion: Some(closest), available }
                if module == "losses" && name == "msee" && closest == "mse" && available.len() == 2
        ));
        let error = not_available("layers", "Conv3D", &["Dense"]);
        assert_eq!(
            error.to_string(),
            "`layers.Conv3D` is not available in Dojo; available layers: Dense"
        );
    }

    #[test]
    fn parameter_limits_render_the_count_and_the_weights_size() {
        let error = KerasError::ParameterLimit {
            what: "this model".to_owned(),
            count: Some(30_000_000),
            limit: 25_000_000,
        };
        assert_eq!(
            error.to_string(),
            "this model would have 30000000 parameters; Dojo's limit is 25000000 (about 100 MB of weights)"
        );
        let error = KerasError::ParameterLimit {
            what: "this layer's weight 'kernel'".to_owned(),
            count: None,
            limit: 1_000_000,
        };
        assert_eq!(
            error.to_string(),
            "this layer's weight 'kernel' would have more than 2^64 parameters; Dojo's limit is 1000000 (about 4 MB of weights)"
        );
    }
}
