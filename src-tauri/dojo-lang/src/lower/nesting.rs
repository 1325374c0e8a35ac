//! Nesting limits checked on the source text before the parser sees it.
//!
//! The parser, the lowering, dropping either tree and the interpreter all
//! recurse once per level of nesting, so a pasted `((((...))))` a hundred
//! thousand levels deep would overflow the stack of whichever thread parses
//! it (the editor's live check among them), and a stack overflow cannot be
//! caught. This scan is a loop over the bytes: it refuses what CPython
//! refuses (200 nested brackets, 100 indentation levels) and expressions
//! whose operators and brackets nest deeper than [`MAX_EXPRESSION_DEPTH`],
//! counted as an upper bound (every operator, attribute access or call in
//! one comma-separated item, plus the items it sits in).

use crate::diagnostic::Diagnostic;
use crate::syntax::Span;

/// CPython's `MAXLEVEL`: "too many nested parentheses".
pub(super) const MAX_BRACKET_DEPTH: usize = 200;
/// CPython's `MAXINDENT`: "too many levels of indentation".
pub(super) const MAX_INDENT_LEVELS: usize = 100;
/// The deepest expression Dojo parses, counted as described above.
pub(super) const MAX_EXPRESSION_DEPTH: usize = 500;

const KEYWORD_OPERATORS: &[&[u8]] = &[
    b"and", b"or", b"not", b"in", b"is", b"if", b"else", b"lambda", b"await",
];

/// The first nesting limit `source` exceeds, as a syntax error at the
/// place where it is exceeded.
pub(super) fn nesting_problem(source: &str) -> Option<Diagnostic> {
    let mut scan = Scan {
        bytes: source.as_bytes(),
        position: 0,
        brackets: Vec::new(),
        segment: 0,
        outer: 0,
        after_operand: false,
        indents: vec![0],
    };
    scan.run().err()
}

struct Scan<'a> {
    bytes: &'a [u8],
    position: usize,
    /// For each open bracket, the operator count of the item it opened in.
    brackets: Vec<usize>,
    /// Operators in the current item at the innermost bracket level.
    segment: usize,
    /// The sum of `brackets`.
    outer: usize,
    /// Whether the last token ends an operand (so `(` is a call, `[` a subscript).
    after_operand: bool,
    indents: Vec<usize>,
}

fn error(message: String, at: usize) -> Diagnostic {
    let at = u32::try_from(at).unwrap_or(u32::MAX);
    Diagnostic::syntax(message, Span::new(at, at.saturating_add(1)))
}

impl Scan<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.position + ahead).copied()
    }

    fn run(&mut self) -> Result<(), Diagnostic> {
        self.line_start()?;
        while let Some(byte) = self.peek(0) {
            let at = self.position;
            match byte {
                b'#' => {
                    while self.peek(0).is_some_and(|b| b != b'\n') {
                        self.position += 1;
                    }
                }
                b'\n' => {
                    self.position += 1;
                    if self.brackets.is_empty() {
                        self.segment = 0;
                        self.after_operand = false;
                        self.line_start()?;
                    }
                }
                b'\\' => self.position += 2,
                b'\'' | b'"' => {
                    self.string(false)?;
                    self.after_operand = true;
                }
                b'(' | b'[' | b'{' => {
                    if self.after_operand {
                        // A call or a subscript nests like an operator.
                        self.segment += 1;
                    }
                    self.brackets.push(self.segment);
                    self.outer += self.segment;
                    self.segment = 0;
                    self.position += 1;
                    self.after_operand = false;
                    if self.brackets.len() > MAX_BRACKET_DEPTH {
                        return Err(error(
                            format!(
                                "too many nested parentheses: Dojo, like Python, reads at most {MAX_BRACKET_DEPTH} levels"
                            ),
                            at,
                        ));
                    }
                }
                b')' | b']' | b'}' => {
                    if let Some(saved) = self.brackets.pop() {
                        self.outer -= saved;
                        self.segment = saved;
                    }
                    self.position += 1;
                    self.after_operand = true;
                }
                b',' | b';' => {
                    self.segment = 0;
                    self.position += 1;
                    self.after_operand = false;
                }
                b'.' if !self.after_operand && self.peek(1).is_some_and(|b| b.is_ascii_digit()) => {
                    self.number();
                }
                b'0'..=b'9' => self.number(),
                b' ' | b'\t' | b'\r' | b'\x0c' => self.position += 1,
                byte if byte == b'_' || byte.is_ascii_alphabetic() || byte >= 0x80 => {
                    self.word()?;
                }
                _ => self.operator(),
            }
            if self.outer + self.segment + self.brackets.len() > MAX_EXPRESSION_DEPTH {
                return Err(error(
                    format!(
                        "this expression nests more than {MAX_EXPRESSION_DEPTH} operators, calls and brackets deep; split it into smaller expressions"
                    ),
                    at,
                ));
            }
        }
        Ok(())
    }

    /// Measures the indentation of a logical line's first token.
    fn line_start(&mut self) -> Result<(), Diagnostic> {
        let start = self.position;
        let mut width = 0;
        while let Some(byte) = self.peek(0) {
            match byte {
                b' ' => width += 1,
                b'\t' => width = (width / 8 + 1) * 8,
                b'\x0c' => width = 0,
                _ => break,
            }
            self.position += 1;
        }
        match self.peek(0) {
            None | Some(b'\n' | b'\r' | b'#') => return Ok(()),
            Some(_) => {}
        }
        let current = self.indents.last().copied().unwrap_or(0);
        if width > current {
            self.indents.push(width);
            if self.indents.len() > MAX_INDENT_LEVELS {
                return Err(error(
                    format!(
                        "too many levels of indentation: Dojo, like Python, reads at most {MAX_INDENT_LEVELS}"
                    ),
                    start,
                ));
            }
        } else {
            while self.indents.len() > 1 && self.indents.last().is_some_and(|&w| w > width) {
                self.indents.pop();
            }
        }
        Ok(())
    }

    fn number(&mut self) {
        let start = self.position;
        let hex = matches!(self.bytes.get(start..start + 2), Some(b"0x" | b"0X"));
        while let Some(byte) = self.peek(0) {
            let exponent_sign = matches!(byte, b'+' | b'-')
                && !hex
                && matches!(self.bytes[self.position - 1], b'e' | b'E');
            if byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'_' || exponent_sign {
                self.position += 1;
            } else {
                break;
            }
        }
        self.after_operand = true;
    }

    fn word(&mut self) -> Result<(), Diagnostic> {
        let start = self.position;
        while self
            .peek(0)
            .is_some_and(|b| b == b'_' || b.is_ascii_alphanumeric() || b >= 0x80)
        {
            self.position += 1;
        }
        let word = &self.bytes[start..self.position];
        if matches!(self.peek(0), Some(b'\'' | b'"'))
            && word.len() <= 3
            && word
                .iter()
                .all(|b| matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'f' | b'u' | b't'))
        {
            let formatted = word
                .iter()
                .any(|b| matches!(b.to_ascii_lowercase(), b'f' | b't'));
            self.string(formatted)?;
            self.after_operand = true;
        } else if KEYWORD_OPERATORS.contains(&word) {
            self.segment += 1;
            self.after_operand = false;
        } else {
            self.after_operand = true;
        }
        Ok(())
    }

    /// Skips a string literal. Inside an f-string the brackets of the
    /// replacement fields count against the bracket limit.
    fn string(&mut self, formatted: bool) -> Result<(), Diagnostic> {
        let quote = self.bytes[self.position];
        let triple = self.peek(1) == Some(quote) && self.peek(2) == Some(quote);
        self.position += if triple { 3 } else { 1 };
        let mut depth = 0usize;
        while let Some(byte) = self.peek(0) {
            match byte {
                b'\\' => {
                    self.position += 2;
                    continue;
                }
                b'\n' if !triple => return Ok(()),
                b'(' | b'[' | b'{' if formatted => {
                    depth += 1;
                    if self.brackets.len() + depth > MAX_BRACKET_DEPTH {
                        return Err(error(
                            format!(
                                "too many nested parentheses: Dojo, like Python, reads at most {MAX_BRACKET_DEPTH} levels"
                            ),
                            self.position,
                        ));
                    }
                }
                b')' | b']' | b'}' if formatted => depth = depth.saturating_sub(1),
                byte if byte == quote => {
                    if !triple {
                        self.position += 1;
                        return Ok(());
                    }
                    if self.peek(1) == Some(quote) && self.peek(2) == Some(quote) {
                        self.position += 3;
                        return Ok(());
                    }
                }
                _ => {}
            }
            self.position += 1;
        }
        Ok(())
    }

    /// One operator token: `=` alone (assignment, keyword argument) ends
    /// an item; every other operator nests.
    fn operator(&mut self) {
        let start = self.position;
        while self
            .peek(0)
            .is_some_and(|b| b"+-*/%@&|^~<>=!:".contains(&b))
        {
            self.position += 1;
            // `-` and `~` after another operator start a new (unary) token.
            if self
                .peek(0)
                .is_some_and(|b| matches!(b, b'-' | b'+' | b'~'))
            {
                break;
            }
        }
        if self.position == start {
            // `.` (attribute), `$`, `?` or another single byte.
            self.position += 1;
        }
        let token = &self.bytes[start..self.position];
        match token {
            b"=" | b"+=" | b"-=" | b"*=" | b"/=" | b"//=" | b"%=" | b"**=" | b"@=" | b"&="
            | b"|=" | b"^=" | b">>=" | b"<<=" | b":" => {
                if token != b":" {
                    self.segment = 0;
                }
            }
            _ => self.segment += 1,
        }
        self.after_operand = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(source: &str) -> Option<String> {
        nesting_problem(source).map(|diagnostic| diagnostic.message)
    }

    #[test]
    fn exam_code_passes() {
        let source = "import tensorflow as tf\nx = [-1.5, -2, 3e-5, 0x1F, .5]\n\ndef solution_model():\n    model = tf.keras.models.Sequential([\n        tf.keras.layers.Dense(1, input_shape=[1]),\n    ])\n    model.compile(optimizer='sgd', loss='mean_squared_error')\n    s = f\"{model.count_params():>10} {{x}}\"\n    return model\n";
        assert_eq!(refused(source), None);
        let long_list = format!("data = [{}]\n", vec!["-1.0"; 100_000].join(", "));
        assert_eq!(refused(&long_list), None);
        let chain = format!("y = {}\n", vec!["a.b(c)[0]"; 100].join(" + "));
        assert_eq!(refused(&chain), None);
    }

    #[test]
    fn deep_brackets_indentation_and_chains_are_refused() {
        let brackets = format!("x = {}1{}\n", "(".repeat(201), ")".repeat(201));
        assert!(refused(&brackets).unwrap().contains("nested parentheses"));
        assert_eq!(
            refused(&format!("x = {}1{}\n", "[".repeat(200), "]".repeat(200))),
            None
        );
        let mut blocks = String::new();
        for level in 0..101 {
            blocks.push_str(&" ".repeat(level));
            blocks.push_str("if x:\n");
        }
        blocks.push_str(&" ".repeat(101));
        blocks.push_str("pass\n");
        assert!(refused(&blocks).unwrap().contains("indentation"));
        for chain in [
            format!("x = 1{}\n", "+1".repeat(501)),
            format!("x = {}1\n", "-".repeat(501)),
            format!("x = {}1\n", "not ".repeat(501)),
            format!("x = {}1\n", "lambda: ".repeat(501)),
            format!("x = a{}\n", ".b".repeat(501)),
            format!("x = f{}\n", "()".repeat(501)),
            format!("x = 2{}\n", "**2".repeat(501)),
        ] {
            let refusal = refused(&chain);
            assert!(
                refusal
                    .as_deref()
                    .is_some_and(|r| r.contains("nests more than")),
                "{}: {refusal:?}",
                &chain[..20]
            );
        }
        let fstring = format!("x = f'{{{}1{}}}'\n", "(".repeat(300), ")".repeat(300));
        assert!(refused(&fstring).unwrap().contains("nested parentheses"));
    }
}
