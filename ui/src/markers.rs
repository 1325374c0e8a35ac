//! Where the editor marks each diagnostic: Monaco's markers are 1-based
//! lines and 1-based columns counted in UTF-16 code units, end exclusive.
//! The span itself is [`highlight::marks`]'s (the one the read-only code
//! views underline).

use dojo_protocol::CodeDiagnostic;
use serde::Serialize;

use crate::highlight;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Marker {
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// `Kind: message`, and the help on a line of its own.
    pub message: String,
}

pub fn markers(code: &str, diagnostics: &[CodeDiagnostic]) -> Vec<Marker> {
    diagnostics
        .iter()
        .filter_map(|diagnostic| {
            let mark = highlight::marks(code, std::slice::from_ref(diagnostic)).pop()?;
            let (start_line, start_column) = position(code, mark.start);
            let (end_line, end_column) = position(code, mark.end);
            let mut message = format!("{}: {}", diagnostic.kind, diagnostic.message);
            if let Some(help) = &diagnostic.help {
                message.push('\n');
                message.push_str(help);
            }
            Some(Marker {
                start_line,
                start_column,
                end_line,
                end_column,
                message,
            })
        })
        .collect()
}

/// The 1-based line and UTF-16 column of a byte offset.
fn position(code: &str, at: usize) -> (u32, u32) {
    let before = &code[..at.min(code.len())];
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].encode_utf16().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(line: u32, column: Option<u32>, end_column: Option<u32>) -> CodeDiagnostic {
        CodeDiagnostic {
            kind: "NameError".to_owned(),
            message: "name 'windows' is not defined".to_owned(),
            help: Some("Define it first.".to_owned()),
            line: Some(line),
            column,
            end_line: end_column.map(|_| line),
            end_column,
        }
    }

    #[test]
    fn a_span_becomes_a_marker_on_its_line() {
        let code = "import tensorflow as tf\n\nmodel.fit(windows)\n";
        let markers = markers(code, &[diagnostic(3, Some(11), Some(18))]);
        assert_eq!(
            markers,
            vec![Marker {
                start_line: 3,
                start_column: 11,
                end_line: 3,
                end_column: 18,
                message: "NameError: name 'windows' is not defined\nDefine it first.".to_owned(),
            }]
        );
    }

    #[test]
    fn columns_count_utf16_units_as_monaco_does() {
        // "é" is one UTF-16 unit and two bytes; "😀" is two units and four bytes.
        let code = "s = 'é😀' + x\n";
        let markers = markers(code, &[diagnostic(1, Some(12), Some(13))]);
        assert_eq!((markers[0].start_column, markers[0].end_column), (13, 14));
    }

    #[test]
    fn a_line_without_column_is_marked_from_its_indentation_and_unlocated_ones_are_not() {
        let code = "def f():\n    return x\n";
        let mut unlocated = diagnostic(1, None, None);
        unlocated.line = None;
        let markers = markers(code, &[diagnostic(2, None, None), unlocated]);
        assert_eq!(markers.len(), 1);
        assert_eq!(
            (
                markers[0].start_line,
                markers[0].start_column,
                markers[0].end_column
            ),
            (2, 5, 13)
        );
    }
}
