//! Runtime errors: Python-style exceptions with a traceback of user frames.

use crate::diagnostic::SourceFile;
use crate::syntax::Span;

/// One line of a traceback: the function running and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceFrame {
    pub function: String,
    pub span: Span,
}

/// A Python exception raised while running user code.
#[derive(Debug, Clone, PartialEq)]
pub struct Exception {
    /// The exception class name: `TypeError`, `NameError`, `LimitExceeded`, …
    pub kind: String,
    pub message: String,
    /// A suggestion (`did you mean …`, what is supported instead).
    pub help: Option<String>,
    /// Innermost frame first.
    pub traceback: Vec<TraceFrame>,
}

pub type Result<T, E = Box<Exception>> = std::result::Result<T, E>;

impl Exception {
    pub fn new(kind: &str, message: impl Into<String>) -> Box<Exception> {
        Box::new(Exception {
            kind: kind.to_owned(),
            message: message.into(),
            help: None,
            traceback: Vec::new(),
        })
    }

    pub fn with_help(mut self: Box<Self>, help: impl Into<String>) -> Box<Exception> {
        self.help = Some(help.into());
        self
    }

    /// Where the error happened: the innermost frame's span.
    pub fn span(&self) -> Option<Span> {
        self.traceback.first().map(|frame| frame.span)
    }

    /// The whole report, outermost frame first, as Python prints it.
    pub fn render(&self, file: &SourceFile) -> String {
        // An error raised outside the program (by the grader) has no frames.
        let mut text = if self.traceback.is_empty() {
            String::new()
        } else {
            String::from("Traceback (most recent call last):\n")
        };
        for frame in self.traceback.iter().rev() {
            let frame_text = file.frame(frame.span);
            // `File "x", line 3, column 5` gains `, in function` like Python's.
            let mut lines = frame_text.lines();
            if let Some(first) = lines.next() {
                text.push_str(first);
                text.push_str(", in ");
                text.push_str(&frame.function);
                text.push('\n');
            }
            for line in lines {
                text.push_str(line);
                text.push('\n');
            }
        }
        text.push_str(&self.kind);
        text.push_str(": ");
        text.push_str(&self.message);
        if let Some(help) = &self.help {
            text.push_str("\n  help: ");
            text.push_str(help);
        }
        text
    }
}

pub fn type_error(message: impl Into<String>) -> Box<Exception> {
    Exception::new("TypeError", message)
}

pub fn value_error(message: impl Into<String>) -> Box<Exception> {
    Exception::new("ValueError", message)
}

/// The closest of `candidates` to `name` by edit distance, if close enough
/// to be a plausible typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|candidate| *candidate != name)
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, candidate)| candidate.to_owned())
}

/// Edit distance ignoring case, counting a swap of two neighbouring
/// letters (`lenght`, `Desne`) as one edit; a difference in case alone
/// counts 1.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut before_previous: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let mut best = (previous[j] + usize::from(ca != cb))
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
            if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb {
                best = best.min(before_previous[j - 1] + 1);
            }
            current[j + 1] = best;
        }
        before_previous = std::mem::replace(&mut previous, current);
    }
    previous[b.len()].max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_and_case() {
        let names = ["Sequential", "Dense", "Conv2D", "Flatten"];
        assert_eq!(did_you_mean("Sequentail", names), Some("Sequential".into()));
        assert_eq!(did_you_mean("conv2d", names), Some("Conv2D".into()));
        assert_eq!(did_you_mean("Dens", names), Some("Dense".into()));
        assert_eq!(did_you_mean("Desne", names), Some("Dense".into()));
        assert_eq!(
            did_you_mean("lenght", ["len", "length"]),
            Some("length".into())
        );
        assert_eq!(did_you_mean("Transformer", names), None);
    }
}
