//! Python syntax highlighting and diagnostic underlines for the code editor,
//! as an HTML string for the `<pre>` under the editor's transparent textarea.
//!
//! Invariant: the text content of the HTML is exactly the input code (plus
//! one trailing newline, and one space where an empty diagnostic span sits at
//! a line's end), so the highlighted layer lines up with the textarea
//! character for character.

use dojo_protocol::CodeDiagnostic;

/// What a piece of code is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Plain,
    Keyword,
    /// `True`, `False`, `None`.
    Constant,
    Builtin,
    /// The name after `def` or `class`.
    Definition,
    Decorator,
    String,
    Number,
    Comment,
}

impl TokenKind {
    /// The CSS class of the kind; `None` for plain text.
    pub fn class(self) -> Option<&'static str> {
        match self {
            TokenKind::Plain => None,
            TokenKind::Keyword => Some("tok-kw"),
            TokenKind::Constant => Some("tok-const"),
            TokenKind::Builtin => Some("tok-bi"),
            TokenKind::Definition => Some("tok-def"),
            TokenKind::Decorator => Some("tok-dec"),
            TokenKind::String => Some("tok-str"),
            TokenKind::Number => Some("tok-num"),
            TokenKind::Comment => Some("tok-com"),
        }
    }
}

/// A run of code of one kind, as a byte range into the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

const KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];
const CONSTANTS: &[&str] = &["True", "False", "None"];
const BUILTINS: &[&str] = &[
    "abs",
    "all",
    "any",
    "bool",
    "dict",
    "enumerate",
    "filter",
    "float",
    "getattr",
    "hasattr",
    "int",
    "isinstance",
    "iter",
    "len",
    "list",
    "map",
    "max",
    "min",
    "next",
    "object",
    "print",
    "range",
    "reversed",
    "round",
    "self",
    "set",
    "setattr",
    "sorted",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "zip",
    "Exception",
    "ValueError",
    "TypeError",
    "KeyError",
    "IndexError",
];

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Splits Python source into coloured tokens. Plain stretches are left out;
/// tokens are in order and never overlap. Never fails: unterminated strings
/// end at the line's end (or the text's end for triple quotes).
pub fn tokenize(code: &str) -> Vec<Token> {
    let bytes = code.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    // Whether only whitespace precedes `i` on its line (for decorators).
    let mut line_start = true;
    let mut after_def = false;
    while i < code.len() {
        let Some(c) = code[i..].chars().next() else {
            break;
        };
        let start = i;
        if c == '\n' {
            i += 1;
            line_start = true;
            continue;
        }
        if c == ' ' || c == '\t' || c == '\r' {
            i += 1;
            continue;
        }
        let was_line_start = line_start;
        line_start = false;
        if c == '#' {
            i = code[i..].find('\n').map_or(code.len(), |n| i + n);
            tokens.push(Token {
                kind: TokenKind::Comment,
                start,
                end: i,
            });
            continue;
        }
        if let Some(end) = string_end(code, i) {
            i = end;
            tokens.push(Token {
                kind: TokenKind::String,
                start,
                end,
            });
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            i = number_end(code, i);
            tokens.push(Token {
                kind: TokenKind::Number,
                start,
                end: i,
            });
            continue;
        }
        if c == '@' && was_line_start {
            i += 1;
            for next in code[i..].chars() {
                if is_ident_continue(next) || next == '.' {
                    i += next.len_utf8();
                } else {
                    break;
                }
            }
            tokens.push(Token {
                kind: TokenKind::Decorator,
                start,
                end: i,
            });
            continue;
        }
        if is_ident_start(c) {
            for next in code[i..].chars() {
                if is_ident_continue(next) {
                    i += next.len_utf8();
                } else {
                    break;
                }
            }
            let word = &code[start..i];
            let kind = if after_def {
                Some(TokenKind::Definition)
            } else if KEYWORDS.contains(&word) {
                Some(TokenKind::Keyword)
            } else if CONSTANTS.contains(&word) {
                Some(TokenKind::Constant)
            } else if BUILTINS.contains(&word) {
                Some(TokenKind::Builtin)
            } else {
                None
            };
            after_def = word == "def" || word == "class";
            if let Some(kind) = kind {
                tokens.push(Token {
                    kind,
                    start,
                    end: i,
                });
            }
            continue;
        }
        after_def = false;
        i += c.len_utf8();
    }
    tokens
}

/// If a string literal (with an optional prefix such as `f` or `rb`) starts
/// at `i`, where it ends.
fn string_end(code: &str, i: usize) -> Option<usize> {
    let rest = &code[i..];
    let prefix = rest
        .bytes()
        .take(3)
        .take_while(|b| matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'u' | b'f'))
        .count();
    if prefix > 2 {
        return None;
    }
    let body = &rest[prefix..];
    let quote = body.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let triple: String = std::iter::repeat_n(quote, 3).collect();
    if body.starts_with(&triple) {
        let content = i + prefix + 3;
        let close = find_unescaped(&code[content..], &triple);
        return Some(close.map_or(code.len(), |n| content + n + 3));
    }
    let content = i + prefix + 1;
    let line_end = code[content..]
        .find('\n')
        .map_or(code.len(), |n| content + n);
    let close = find_unescaped(&code[content..line_end], &quote.to_string());
    Some(close.map_or(line_end, |n| content + n + 1))
}

/// Byte offset of the first `needle` in `haystack` not preceded by a backslash escape.
fn find_unescaped(haystack: &str, needle: &str) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in haystack.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if haystack[at..].starts_with(needle) {
            return Some(at);
        }
    }
    None
}

fn number_end(code: &str, start: usize) -> usize {
    let mut end = start;
    let mut previous = ' ';
    for c in code[start..].chars() {
        let exponent_sign = (c == '+' || c == '-') && matches!(previous, 'e' | 'E');
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' || exponent_sign {
            end += c.len_utf8();
            previous = c;
        } else {
            break;
        }
    }
    end
}

/// A diagnostic's underline as a byte range of the source, on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub start: usize,
    pub end: usize,
    /// 1-based line, as the diagnostic gave it.
    pub line: u32,
    pub message: String,
}

/// Byte offset of each line's start.
fn line_starts(code: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(code.match_indices('\n').map(|(at, _)| at + 1))
        .collect()
}

/// Where each located diagnostic is underlined. Columns are 1-based
/// characters. A span that runs past its line is cut at the line's end; a
/// diagnostic without a column underlines its whole line (its indentation
/// excluded); one without a line is not underlined.
pub fn marks(code: &str, diagnostics: &[CodeDiagnostic]) -> Vec<Mark> {
    let starts = line_starts(code);
    let mut marks: Vec<Mark> = diagnostics
        .iter()
        .filter_map(|diagnostic| {
            let line = diagnostic.line?;
            let index = usize::try_from(line).ok()?.checked_sub(1)?;
            let line_start = *starts.get(index)?;
            let line_end = code[line_start..]
                .find('\n')
                .map_or(code.len(), |n| line_start + n);
            let text = &code[line_start..line_end];
            let at_column = |column: u32| {
                let skip = usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX);
                text.char_indices()
                    .nth(skip)
                    .map_or(line_end, |(at, _)| line_start + at)
            };
            let (start, end) = match diagnostic.column {
                None => (
                    line_start + (text.len() - text.trim_start().len()),
                    line_end,
                ),
                Some(column) => {
                    let start = at_column(column);
                    let end = match (diagnostic.end_line, diagnostic.end_column) {
                        (Some(end_line), Some(end_column)) if end_line == line => {
                            at_column(end_column).max(start)
                        }
                        (Some(end_line), _) if end_line > line => line_end,
                        _ => word_end(code, start, line_end),
                    };
                    // Only a span at the line's end may be empty (it shows as
                    // an added space, which must not shift the line's text).
                    if end == start && start < line_end {
                        (
                            start,
                            word_end(code, start, line_end).min(next_char(code, start)),
                        )
                    } else {
                        (start, end)
                    }
                }
            };
            Some(Mark {
                start,
                end,
                line,
                message: diagnostic.message.clone(),
            })
        })
        .collect();
    marks.sort_by_key(|mark| (mark.start, mark.end));
    // Overlapping underlines would nest spans; keep the first of each overlap.
    let mut kept: Vec<Mark> = Vec::with_capacity(marks.len());
    for mark in marks {
        if kept
            .last()
            .is_none_or(|last| mark.start >= last.end.max(last.start + 1))
        {
            kept.push(mark);
        }
    }
    kept
}

fn next_char(code: &str, at: usize) -> usize {
    code[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

/// The end of the word at `start` (at least one character, within the line).
fn word_end(code: &str, start: usize, line_end: usize) -> usize {
    let mut end = start;
    for c in code[start..line_end].chars() {
        if end > start && !is_ident_continue(c) {
            break;
        }
        end += c.len_utf8();
        if !is_ident_continue(c) {
            break;
        }
    }
    end
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// The highlighted code as HTML: `<span class="tok-…">` per token and
/// `<span class="diag-mark" data-line="N" title="…">` around each underline.
pub fn to_html(code: &str, tokens: &[Token], marks: &[Mark]) -> String {
    // Cut points: every token and mark boundary.
    let mut cuts: Vec<usize> = vec![0, code.len()];
    for token in tokens {
        cuts.extend([token.start, token.end]);
    }
    for mark in marks {
        cuts.extend([mark.start, mark.end]);
    }
    cuts.sort_unstable();
    cuts.dedup();

    let kind_at = |at: usize| {
        tokens
            .iter()
            .find(|token| token.start <= at && at < token.end)
            .map_or(TokenKind::Plain, |token| token.kind)
    };
    let mut html = String::with_capacity(code.len() * 2);
    let open_mark = |mark: &Mark, html: &mut String| {
        html.push_str("<span class=\"diag-mark\" data-line=\"");
        html.push_str(&mark.line.to_string());
        html.push_str("\" title=\"");
        escape(&mark.message, html);
        html.push_str("\">");
    };
    let mut mark_index = 0;
    let mut inside: Option<usize> = None;
    for pair in cuts.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        // Empty marks sit here: show them as one underlined space.
        while let Some(mark) = marks.get(mark_index)
            && mark.start == from
            && mark.end == from
        {
            open_mark(mark, &mut html);
            html.push_str(" </span>");
            mark_index += 1;
        }
        if inside.is_none()
            && let Some(mark) = marks.get(mark_index)
            && mark.start == from
        {
            open_mark(mark, &mut html);
            inside = Some(mark_index);
            mark_index += 1;
        }
        match kind_at(from).class() {
            Some(class) => {
                html.push_str("<span class=\"");
                html.push_str(class);
                html.push_str("\">");
                escape(&code[from..to], &mut html);
                html.push_str("</span>");
            }
            None => escape(&code[from..to], &mut html),
        }
        if let Some(open) = inside
            && marks[open].end == to
        {
            html.push_str("</span>");
            inside = None;
        }
    }
    for mark in marks.get(mark_index..).unwrap_or_default() {
        open_mark(mark, &mut html);
        html.push_str(" </span>");
    }
    // A trailing newline in a textarea opens a line; a <pre> needs one more.
    html.push('\n');
    html
}

/// The line-number gutter as HTML: one number per line of `code`, those
/// with an underline marked `has-diag` with the messages as their title.
pub fn gutter_html(code: &str, marks: &[Mark]) -> String {
    let lines = code.matches('\n').count() + 1;
    let mut html = String::with_capacity(lines * 6);
    for line in 1..=lines {
        let messages: Vec<&str> = marks
            .iter()
            .filter(|mark| usize::try_from(mark.line).is_ok_and(|at| at == line))
            .map(|mark| mark.message.as_str())
            .collect();
        if messages.is_empty() {
            html.push_str(&line.to_string());
        } else {
            html.push_str("<span class=\"has-diag\" title=\"");
            escape(&messages.join("\n"), &mut html);
            html.push_str("\">");
            html.push_str(&line.to_string());
            html.push_str("</span>");
        }
        html.push('\n');
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Highlights `code` with `diagnostics` underlined, as the editor does.
    fn highlight(code: &str, diagnostics: &[CodeDiagnostic]) -> String {
        to_html(code, &tokenize(code), &marks(code, diagnostics))
    }

    fn kinds(code: &str) -> Vec<(TokenKind, &str)> {
        tokenize(code)
            .into_iter()
            .map(|token| (token.kind, &code[token.start..token.end]))
            .collect()
    }

    fn diagnostic(line: u32, column: Option<u32>, end_column: Option<u32>) -> CodeDiagnostic {
        CodeDiagnostic {
            kind: "NameError".into(),
            message: "name 'x' <is> not defined".into(),
            help: None,
            line: Some(line),
            column,
            end_line: end_column.map(|_| line),
            end_column,
        }
    }

    /// Removes tags and decodes the escapes `escape` makes.
    fn text_of(html: &str) -> String {
        let mut text = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn python_tokens_get_their_kinds() {
        let code = "@tf.function\ndef solution_model(x=1.5e-3):\n    # train\n    return None if x else print(f'{x}', len)\n";
        assert_eq!(
            kinds(code),
            vec![
                (TokenKind::Decorator, "@tf.function"),
                (TokenKind::Keyword, "def"),
                (TokenKind::Definition, "solution_model"),
                (TokenKind::Number, "1.5e-3"),
                (TokenKind::Comment, "# train"),
                (TokenKind::Keyword, "return"),
                (TokenKind::Constant, "None"),
                (TokenKind::Keyword, "if"),
                (TokenKind::Keyword, "else"),
                (TokenKind::Builtin, "print"),
                (TokenKind::String, "f'{x}'"),
                (TokenKind::Builtin, "len"),
            ]
        );
    }

    #[test]
    fn strings_handle_escapes_triple_quotes_and_missing_ends() {
        let code = "a = 'it\\'s' + \"\"\"two\nlines\"\"\" + 'open\nb = 1";
        let strings: Vec<&str> = kinds(code)
            .into_iter()
            .filter(|(kind, _)| *kind == TokenKind::String)
            .map(|(_, text)| text)
            .collect();
        assert_eq!(strings, vec!["'it\\'s'", "\"\"\"two\nlines\"\"\"", "'open"]);
        // Identifiers that merely start like a prefix are not strings.
        assert_eq!(kinds("bra = rb'x'"), vec![(TokenKind::String, "rb'x'")]);
    }

    #[test]
    fn html_keeps_the_text_and_escapes_it() {
        let code = "if a < b and c > 'd&e':\n    pass\n";
        let html = highlight(code, &[]);
        assert_eq!(text_of(&html), format!("{code}\n"));
        assert!(html.contains("<span class=\"tok-kw\">if</span> a &lt; b"));
        assert!(html.contains("<span class=\"tok-str\">&#39;d&amp;e&#39;</span>"));
    }

    #[test]
    fn diagnostics_are_underlined_at_their_columns() {
        let code = "model = build()\ny = x + 1\n";
        // `x` is line 2, column 5 (1-based), one character.
        let html = highlight(code, &[diagnostic(2, Some(5), Some(6))]);
        assert!(
            html.contains(
                "y = <span class=\"diag-mark\" data-line=\"2\" title=\"name &#39;x&#39; &lt;is&gt; not defined\">x</span> + "
            ),
            "{html}"
        );
        assert_eq!(text_of(&html), format!("{code}\n"));
    }

    #[test]
    fn a_mark_without_an_end_covers_the_word_and_one_without_a_column_the_line() {
        let code = "    return modl.fit()\n";
        let word = marks(code, &[diagnostic(1, Some(12), None)]);
        assert_eq!(&code[word[0].start..word[0].end], "modl");
        let line = marks(code, &[diagnostic(1, None, None)]);
        assert_eq!(&code[line[0].start..line[0].end], "return modl.fit()");
        // Unknown lines and lines past the end are not underlined.
        let mut no_line = diagnostic(1, None, None);
        no_line.line = None;
        assert!(marks(code, &[no_line, diagnostic(9, Some(1), None)]).is_empty());
    }

    #[test]
    fn marks_inside_tokens_and_across_multibyte_text() {
        // Column 7 is the `é` inside the string: columns count characters.
        let code = "s = 'aé b'\n";
        let html = highlight(code, &[diagnostic(1, Some(7), Some(8))]);
        assert_eq!(text_of(&html), format!("{code}\n"));
        assert!(html.contains("data-line=\"1\""), "{html}");
        let found = marks(code, &[diagnostic(1, Some(7), Some(8))]);
        assert_eq!(&code[found[0].start..found[0].end], "é");
    }

    #[test]
    fn an_empty_span_at_the_end_shows_as_an_underlined_space() {
        let code = "def f(:";
        let mut eof = diagnostic(1, Some(8), Some(8));
        eof.message = "unexpected EOF".into();
        let html = highlight(code, &[eof]);
        assert!(
            html.ends_with(
                "<span class=\"diag-mark\" data-line=\"1\" title=\"unexpected EOF\"> </span>\n"
            ),
            "{html}"
        );
        // Mid-line, an empty span covers the next character instead.
        let found = marks("ab", &[diagnostic(1, Some(1), Some(1))]);
        assert_eq!((found[0].start, found[0].end), (0, 1));
    }

    #[test]
    fn the_gutter_numbers_every_line_and_flags_marked_ones() {
        let code = "a\nb = x\n";
        let found = marks(code, &[diagnostic(2, Some(5), Some(6))]);
        assert_eq!(
            gutter_html(code, &found),
            "1\n<span class=\"has-diag\" title=\"name &#39;x&#39; &lt;is&gt; not defined\">2</span>\n3\n"
        );
    }

    #[test]
    fn overlapping_marks_keep_the_first() {
        let code = "abc def\n";
        let found = marks(
            code,
            &[
                diagnostic(1, Some(1), Some(5)),
                diagnostic(1, Some(3), Some(8)),
            ],
        );
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start, found[0].end), (0, 4));
    }
}
