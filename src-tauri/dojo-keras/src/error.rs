//! The crate's error type: every failure a user's program can cause is a
//! value with a message written for that user.

/// An error from building, compiling or training a model.
#[derive(Debug, thiserror::Error)]
pub enum KerasError {
    /// A wrong argument: unknown keyword, wrong type, bad value.
    #[error("{0}")]
    Argument(String),
    /// A name (layer, optimizer, loss, ...) that Dojo does not implement.
    #[error("{0}")]
    NotAvailable(String),
    /// Incompatible shapes between layers or between data and model.
    #[error("{0}")]
    Shape(String),
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

/// "`kind.Name` is not available in Dojo; available ...: a, b, c" with a
/// did-you-mean when a name is close.
pub(crate) fn not_available(module: &str, what: &str, name: &str, names: &[&str]) -> KerasError {
    let hint = did_you_mean(name, names)
        .map(|n| format!(" Did you mean `{module}.{n}`?"))
        .unwrap_or_default();
    KerasError::NotAvailable(format!(
        "`{module}.{name}` is not available in Dojo;{hint} available {what}: {}",
        names.join(", ")
    ))
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
}
