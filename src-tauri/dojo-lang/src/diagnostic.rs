//! Diagnostics: problems found in a program, with where they are.
//!
//! A diagnostic is data (a message, a byte span, an optional hint); turning
//! it into a Python-style code frame is [`SourceFile::render`]. The editor
//! uses the line and column, the CLI and the console the rendered frame.

use ruff_source_file::LineIndex;
use ruff_text_size::TextSize;

use crate::syntax::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// What kind of problem, named like the Python exception a user knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagnosticKind {
    /// The text is not valid Python.
    SyntaxError,
    /// Valid Python that Dojo does not run (e.g. `async def`, `match`).
    Unsupported,
}

impl DiagnosticKind {
    pub fn label(self) -> &'static str {
        match self {
            DiagnosticKind::SyntaxError => "SyntaxError",
            DiagnosticKind::Unsupported => "NotSupportedInDojo",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub kind: DiagnosticKind,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// A suggestion, e.g. what to write instead.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn syntax(message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            kind: DiagnosticKind::SyntaxError,
            severity: Severity::Error,
            message: message.into(),
            span,
            help: None,
        }
    }

    pub fn unsupported(message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            kind: DiagnosticKind::Unsupported,
            severity: Severity::Error,
            message: message.into(),
            span,
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

/// A 1-based line and column (in characters), as editors count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

/// A program's text with its name and a line index.
#[derive(Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    index: LineIndex,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let index = LineIndex::from_source_text(&text);
        SourceFile {
            name: name.into(),
            text,
            index,
        }
    }

    /// Clamps an offset into the text and onto a character boundary, so a
    /// stray span can never index out of bounds.
    fn clamp(&self, offset: u32) -> TextSize {
        let mut offset = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        TextSize::new(offset as u32)
    }

    pub fn line_column(&self, offset: u32) -> LineColumn {
        let position = self.index.line_column(self.clamp(offset), &self.text);
        LineColumn {
            line: position.line.get(),
            column: position.column.get(),
        }
    }

    /// The text of the 1-based `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        self.text.lines().nth(line.saturating_sub(1)).unwrap_or("")
    }

    /// A Python-style frame: where, the source line, and a caret under the span.
    ///
    /// ```text
    ///   File "solution.py", line 2, column 9
    ///     model = tf.keras.Sequentail([
    ///             ^^^^^^^^^^^^^^^^^^^
    /// ```
    pub fn frame(&self, span: Span) -> String {
        let start = self.line_column(span.start);
        let line = self.line_text(start.line);
        let end = self.line_column(span.end.max(span.start));
        let width = if end.line == start.line {
            end.column.saturating_sub(start.column).max(1)
        } else {
            line.chars().count().saturating_sub(start.column - 1).max(1)
        };
        let trimmed = line.trim_start();
        let indent = line.chars().count() - trimmed.chars().count();
        let caret_offset = (start.column - 1).saturating_sub(indent);
        format!(
            "  File \"{}\", line {}, column {}\n    {}\n    {}{}",
            self.name,
            start.line,
            start.column,
            trimmed.trim_end(),
            " ".repeat(caret_offset),
            "^".repeat(width)
        )
    }

    /// The whole report of one diagnostic.
    pub fn render(&self, diagnostic: &Diagnostic) -> String {
        let mut text = format!(
            "{}\n{}: {}",
            self.frame(diagnostic.span),
            diagnostic.kind.label(),
            diagnostic.message
        );
        if let Some(help) = &diagnostic.help {
            text.push_str("\n  help: ");
            text.push_str(help);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn frames_point_at_the_span() {
        let file = SourceFile::new("solution.py", "import numpy as np\n\nx = np.arange(10)\n");
        let offset = file.text.find("arange").unwrap() as u32;
        let frame = file.frame(Span::new(offset, offset + 6));
        // The marker line keeps expect-test from stripping the frame's own indentation.
        expect![[r#"
            frame:
              File "solution.py", line 3, column 8
                x = np.arange(10)
                       ^^^^^^"#]]
        .assert_eq(&format!("frame:\n{frame}"));
    }

    #[test]
    fn indented_lines_are_trimmed_and_the_caret_follows() {
        let file = SourceFile::new("s.py", "def f():\n        return y\n");
        let offset = file.text.find('y').unwrap() as u32;
        let diagnostic =
            Diagnostic::syntax("bad", Span::new(offset, offset + 1)).with_help("try harder");
        expect![[r#"
              File "s.py", line 2, column 16
                return y
                       ^
            SyntaxError: bad
              help: try harder"#]]
        .assert_eq(&file.render(&diagnostic));
    }

    #[test]
    fn out_of_range_and_mid_character_spans_do_not_panic() {
        let file = SourceFile::new("s.py", "é = 1");
        assert_eq!(file.line_column(1).column, 1);
        assert_eq!(file.line_column(999).line, 1);
        let frame = file.frame(Span::new(999, 5));
        assert!(frame.contains("line 1"), "{frame}");
        let empty = SourceFile::new("s.py", "");
        assert!(empty.frame(Span::new(0, 0)).contains("line 1"));
    }
}
