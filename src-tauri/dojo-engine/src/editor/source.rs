//! What the text around the cursor says, read without parsing: the code
//! being typed is usually not valid Python yet (`x = tf.keras.layers.`), so
//! everything here is a tolerant scan of lines and tokens that never fails.
//!
//! - [`cursor_offset`]: Monaco's 1-based line and UTF-16 column as a byte
//!   offset.
//! - [`scan`]: the open brackets before the cursor (the call being written,
//!   its commas and keyword) and whether the cursor is in a string or
//!   comment.
//! - [`imports`]: what each imported name stands for.
//! - [`local_names`]: the names the file binds that are visible at a line.

use std::collections::HashMap;

/// The byte offset of the cursor before the character at the 1-based
/// `column` (UTF-16 code units) of the 1-based `line`; a column past the
/// end of the line is its end. `None` for line 0 or a line past the end.
pub(super) fn cursor_offset(code: &str, line: u32, column: u32) -> Option<usize> {
    let line_index = usize::try_from(line.checked_sub(1)?).ok()?;
    let mut start = 0;
    for (index, text) in code.split('\n').enumerate() {
        if index == line_index {
            let text = text.strip_suffix('\r').unwrap_or(text);
            let wanted = usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX);
            let mut units = 0;
            for (offset, character) in text.char_indices() {
                if units >= wanted {
                    return Some(start + offset);
                }
                units += character.len_utf16();
            }
            return Some(start + text.len());
        }
        start += text.len() + 1;
    }
    None
}

pub(super) fn is_identifier_char(character: char) -> bool {
    character == '_' || character.is_alphanumeric()
}

/// An open bracket before the cursor.
#[derive(Debug, Clone, Default)]
pub(super) struct Frame {
    pub open: char,
    /// The dotted name right before a `(`: the function being called.
    pub callee: Option<String>,
    /// Top-level commas so far: the index of the argument being written.
    pub commas: u32,
    /// The current argument's `name=`, once written.
    pub keyword: Option<String>,
    /// The keywords of the earlier arguments.
    pub used_keywords: Vec<String>,
    /// Tokens in the current argument so far.
    tokens_in_argument: u32,
    /// The current argument's first token, when it is a name.
    first_name: Option<String>,
}

/// The state at the end of a scanned prefix.
#[derive(Debug, Default)]
pub(super) struct Scan {
    pub in_string_or_comment: bool,
    pub frames: Vec<Frame>,
}

/// Statements that cannot continue an expression: a line starting with one
/// ends every bracket an earlier line left open (broken code above the
/// cursor must not make the whole file one call).
const STATEMENT_STARTS: &[&str] = &[
    "def", "class", "import", "from", "return", "try", "except", "finally", "while", "with",
    "raise", "pass", "break", "continue", "assert", "del", "global", "elif", "@",
];

/// Scans `prefix` (the code before the cursor) as Python tokens.
pub(super) fn scan(prefix: &str) -> Scan {
    let characters: Vec<char> = prefix.chars().collect();
    let mut frames: Vec<Frame> = Vec::new();
    // The dotted name ending at the last token, if the last token ended one.
    let mut chain: Option<String> = None;
    let mut last_was_name = false;
    let mut index = 0;
    let mut at_line_start = true;
    while index < characters.len() {
        let character = characters[index];
        if at_line_start {
            let rest: String = characters[index..]
                .iter()
                .take_while(|c| **c != '\n')
                .collect();
            let first_word: String = rest
                .trim_start()
                .chars()
                .take_while(|c| is_identifier_char(*c) || *c == '@')
                .collect();
            if STATEMENT_STARTS.contains(&first_word.as_str()) {
                frames.clear();
            }
            at_line_start = false;
        }
        match character {
            '\n' => {
                at_line_start = true;
                index += 1;
                continue;
            }
            ' ' | '\t' | '\r' | '\\' => {
                index += 1;
                continue;
            }
            '#' => {
                while index < characters.len() && characters[index] != '\n' {
                    index += 1;
                }
                if index >= characters.len() {
                    return Scan {
                        in_string_or_comment: true,
                        frames,
                    };
                }
                continue;
            }
            _ => {}
        }
        if let Some(end) = string_end(&characters, index) {
            match end {
                None => {
                    return Scan {
                        in_string_or_comment: true,
                        frames,
                    };
                }
                Some(end) => {
                    index = end;
                    count_token(&mut frames, None);
                    chain = None;
                    last_was_name = false;
                    continue;
                }
            }
        }
        if is_identifier_char(character) {
            let start = index;
            while index < characters.len() && is_identifier_char(characters[index]) {
                index += 1;
            }
            let word: String = characters[start..index].iter().collect();
            let continues = chain.as_ref().is_some_and(|text| text.ends_with('.'));
            chain = match (continues, chain.take()) {
                (true, Some(mut text)) => {
                    text.push_str(&word);
                    Some(text)
                }
                _ => Some(word.clone()),
            };
            count_token(&mut frames, Some(word));
            last_was_name = true;
            continue;
        }
        match character {
            '.' => {
                chain = match (last_was_name, chain.take()) {
                    (true, Some(mut text)) => {
                        text.push('.');
                        Some(text)
                    }
                    _ => None,
                };
                last_was_name = false;
                index += 1;
                continue;
            }
            '(' | '[' | '{' => {
                count_token(&mut frames, None);
                let callee = if character == '(' && last_was_name {
                    chain.clone()
                } else {
                    None
                };
                frames.push(Frame {
                    open: character,
                    callee,
                    ..Frame::default()
                });
            }
            ')' | ']' | '}' => {
                frames.pop();
                count_token(&mut frames, None);
            }
            ',' => {
                if let Some(frame) = frames.last_mut() {
                    frame.commas += 1;
                    if let Some(keyword) = frame.keyword.take() {
                        frame.used_keywords.push(keyword);
                    }
                    frame.tokens_in_argument = 0;
                    frame.first_name = None;
                }
            }
            '=' => {
                let next = characters.get(index + 1).copied();
                let previous = index
                    .checked_sub(1)
                    .and_then(|i| characters.get(i))
                    .copied();
                let is_comparison =
                    next == Some('=') || previous.is_some_and(|c| "=!<>+-*/%&|^:@".contains(c));
                match frames.last_mut() {
                    Some(frame)
                        if !is_comparison && frame.open == '(' && frame.tokens_in_argument == 1 =>
                    {
                        frame.keyword = frame.first_name.clone();
                        frame.tokens_in_argument += 1;
                    }
                    _ => count_token(&mut frames, None),
                }
                if next == Some('=') {
                    index += 1;
                }
            }
            _ => count_token(&mut frames, None),
        }
        chain = None;
        last_was_name = false;
        index += 1;
    }
    Scan {
        in_string_or_comment: false,
        frames,
    }
}

fn count_token(frames: &mut [Frame], name: Option<String>) {
    if let Some(frame) = frames.last_mut() {
        if frame.tokens_in_argument == 0 {
            frame.first_name = name;
        }
        frame.tokens_in_argument += 1;
    }
}

/// If a string literal starts at `index` (with its `r`/`b`/`f`/`u`
/// prefix): `Some(Some(end))` past its closing quote, `Some(None)` if it is
/// still open at the end of `characters`. `None`: no string starts here.
fn string_end(characters: &[char], index: usize) -> Option<Option<usize>> {
    let mut quote_at = index;
    while quote_at < characters.len()
        && quote_at - index < 2
        && "rRbBfFuU".contains(characters[quote_at])
    {
        quote_at += 1;
    }
    // A prefix counts only directly before a quote and not inside a name.
    let quote = *characters.get(quote_at)?;
    if quote != '\'' && quote != '"' {
        return None;
    }
    if quote_at > index
        && index > 0
        && characters
            .get(index - 1)
            .is_some_and(|c| is_identifier_char(*c))
    {
        return None;
    }
    let raw = characters[index..quote_at]
        .iter()
        .any(|c| *c == 'r' || *c == 'R');
    let triple = characters.get(quote_at + 1) == Some(&quote)
        && characters.get(quote_at + 2) == Some(&quote);
    let mut position = quote_at + if triple { 3 } else { 1 };
    while position < characters.len() {
        let character = characters[position];
        if character == '\\' && !raw {
            position += 2;
            continue;
        }
        if character == '\n' && !triple {
            // An unterminated one-line string ends at its line.
            return Some(Some(position));
        }
        if character == quote {
            if !triple {
                return Some(Some(position + 1));
            }
            if characters.get(position + 1) == Some(&quote)
                && characters.get(position + 2) == Some(&quote)
            {
                return Some(Some(position + 3));
            }
        }
        position += 1;
    }
    Some(None)
}

/// The dotted name ending at the end of `prefix`, split at its dots:
/// `tf.keras.layers.De` gives `["tf", "keras", "layers", "De"]` and
/// `np.` gives `["np", ""]`. `None` when the name hangs off something
/// that is not a name (`f(x).`, `"a".`, `1.`).
pub(super) fn chain_before(prefix: &str) -> Option<Vec<String>> {
    let characters: Vec<char> = prefix.chars().collect();
    let mut start = characters.len();
    while start > 0 && (is_identifier_char(characters[start - 1]) || characters[start - 1] == '.') {
        start -= 1;
    }
    let text: String = characters[start..].iter().collect();
    let before = start
        .checked_sub(1)
        .and_then(|i| characters.get(i))
        .copied();
    if text.starts_with('.') || before.is_some_and(|c| matches!(c, ')' | ']' | '}' | '"' | '\'')) {
        return None;
    }
    let parts: Vec<String> = text.split('.').map(str::to_owned).collect();
    // `1.5` or `x.0`: a number, not a name.
    if parts
        .first()
        .is_some_and(|first| first.starts_with(|c: char| c.is_ascii_digit()))
    {
        return None;
    }
    Some(parts)
}

/// What an imported name stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Binding {
    /// `import numpy as np`: the module `numpy`.
    Module(String),
    /// `from tensorflow.keras import layers`: `layers` of `tensorflow.keras`.
    Member { module: String, name: String },
}

/// The import statements of `code`, line by line (a parenthesised
/// `from x import (a,\n b)` across lines included), anywhere in the file.
pub(super) fn imports(code: &str) -> HashMap<String, Binding> {
    let mut bindings = HashMap::new();
    for (_, statement) in statements(code) {
        bind_import(&statement, &mut bindings);
    }
    bindings
}

/// The statements of `code` with the index of their first line: lines
/// without their comments, a bracket left open joined with the lines that
/// close it, split at `;`.
fn statements(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (index, line) in code.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default();
        let (first, text) = match pending.take() {
            Some((first, mut text)) => {
                text.push(' ');
                text.push_str(line.trim());
                (first, text)
            }
            None => (index, line.to_owned()),
        };
        let depth = text.chars().fold(0i32, |depth, c| match c {
            '(' | '[' | '{' => depth + 1,
            ')' | ']' | '}' => depth - 1,
            _ => depth,
        });
        // A statement keeps at most 50 lines (unclosed brackets above the
        // cursor must not swallow the file).
        if depth > 0 && index - first < 50 {
            pending = Some((first, text));
            continue;
        }
        for part in text.split(';') {
            found.push((first, part.to_owned()));
        }
    }
    if let Some(open) = pending {
        found.push(open);
    }
    found
}

fn bind_import(statement: &str, bindings: &mut HashMap<String, Binding>) {
    let text = statement.trim();
    if let Some(rest) = text.strip_prefix("import ") {
        for part in rest.split(',') {
            let words: Vec<&str> = part.split_whitespace().collect();
            match words.as_slice() {
                [module, "as", alias] if is_dotted_name(module) && is_name(alias) => {
                    bindings.insert((*alias).to_owned(), Binding::Module((*module).to_owned()));
                }
                [module] if is_dotted_name(module) => {
                    let top = module.split('.').next().unwrap_or(module);
                    bindings.insert(top.to_owned(), Binding::Module(top.to_owned()));
                }
                _ => {}
            }
        }
    } else if let Some(rest) = text.strip_prefix("from ")
        && let Some((module, names)) = rest.split_once(" import ")
    {
        let module = module.trim();
        if !is_dotted_name(module) {
            return;
        }
        let names = names.replace(['(', ')'], " ");
        for part in names.split(',') {
            let words: Vec<&str> = part.split_whitespace().collect();
            let (name, alias) = match words.as_slice() {
                [name, "as", alias] => (*name, *alias),
                [name] => (*name, *name),
                _ => continue,
            };
            if is_name(name) && is_name(alias) {
                bindings.insert(
                    alias.to_owned(),
                    Binding::Member {
                        module: module.to_owned(),
                        name: name.to_owned(),
                    },
                );
            }
        }
    }
}

pub(super) fn is_name(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with(|c: char| c.is_ascii_digit())
        && text.chars().all(is_identifier_char)
}

fn is_dotted_name(text: &str) -> bool {
    text.split('.').all(is_name)
}

/// What a name the file binds is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LocalKind {
    Function,
    Class,
    Variable,
    Import,
}

/// A name bound by the file.
#[derive(Debug, Clone)]
pub(super) struct LocalName {
    pub name: String,
    pub kind: LocalKind,
}

/// A `def` of the file with its parameters (`(name, default)`), for the
/// signature help of calls to it.
#[derive(Debug, Clone)]
pub(super) struct LocalFunction {
    pub name: String,
    pub params: Vec<(String, Option<String>)>,
}

/// What the file binds: the names visible at the cursor's line (module
/// level, and the blocks of the `def`s and `class`es around the cursor)
/// and every `def` with its parameters.
pub(super) struct Locals {
    pub visible: Vec<LocalName>,
    pub functions: Vec<LocalFunction>,
}

/// The names of `code` visible on the 0-based line `cursor_line` whose
/// text before the cursor is `cursor_prefix`.
pub(super) fn locals(code: &str, cursor_line: usize, cursor_prefix: &str) -> Locals {
    // The scope of each binding: the `def`/`class` statement (by index of
    // its first line) whose block holds it, `None` at module level.
    let mut bound: Vec<(Option<usize>, LocalName)> = Vec::new();
    let mut functions = Vec::new();
    let mut blocks: Vec<(usize, usize)> = Vec::new(); // (indent, first line)
    let mut cursor_chain: Option<Vec<usize>> = None;
    let cursor_indent = indentation(cursor_prefix);
    for (first, statement) in statements(code) {
        let trimmed = statement.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        if cursor_chain.is_none() && first >= cursor_line {
            cursor_chain = Some(chain_at(&blocks, cursor_indent));
        }
        let indent = indentation(&statement);
        while blocks.last().is_some_and(|(open, _)| *open >= indent) {
            blocks.pop();
        }
        let scope = blocks.last().map(|(_, line)| *line);
        let mut bind = |name: &str, kind: LocalKind, scope: Option<usize>| {
            if is_name(name) && !is_keyword(name) {
                bound.push((
                    scope,
                    LocalName {
                        name: name.to_owned(),
                        kind,
                    },
                ));
            }
        };
        let keyword: String = trimmed
            .chars()
            .take_while(|c| is_identifier_char(*c))
            .collect();
        match keyword.as_str() {
            "def" | "class" => {
                let rest = trimmed[keyword.len()..].trim_start();
                let name: String = rest
                    .chars()
                    .take_while(|c| is_identifier_char(*c))
                    .collect();
                let kind = if keyword == "def" {
                    LocalKind::Function
                } else {
                    LocalKind::Class
                };
                bind(&name, kind, scope);
                blocks.push((indent, first));
                if keyword == "def" {
                    let params = parameters(rest);
                    for (param, _) in &params {
                        bind(
                            param.trim_start_matches('*'),
                            LocalKind::Variable,
                            Some(first),
                        );
                    }
                    functions.push(LocalFunction { name, params });
                }
            }
            "import" | "from" => {
                let mut bindings = HashMap::new();
                bind_import(trimmed, &mut bindings);
                for name in bindings.keys() {
                    bind(name, LocalKind::Import, scope);
                }
            }
            "for" => {
                let targets = trimmed[3..].split(" in ").next().unwrap_or_default();
                for name in target_names(targets) {
                    bind(&name, LocalKind::Variable, scope);
                }
            }
            "with" | "except" => {
                for part in trimmed.split(" as ").skip(1) {
                    let name: String = part
                        .trim_start()
                        .chars()
                        .take_while(|c| is_identifier_char(*c))
                        .collect();
                    bind(&name, LocalKind::Variable, scope);
                }
            }
            _ => {
                if let Some(targets) = assignment_targets(trimmed) {
                    for name in target_names(targets) {
                        bind(&name, LocalKind::Variable, scope);
                    }
                }
            }
        }
    }
    let chain = cursor_chain.unwrap_or_else(|| chain_at(&blocks, cursor_indent));
    let mut visible: Vec<LocalName> = Vec::new();
    for (scope, name) in bound {
        let in_view = scope.is_none_or(|line| chain.contains(&line));
        if in_view && !visible.iter().any(|seen| seen.name == name.name) {
            visible.push(name);
        }
    }
    Locals { visible, functions }
}

/// The blocks that hold a line indented by `indent`.
fn chain_at(blocks: &[(usize, usize)], indent: usize) -> Vec<usize> {
    blocks
        .iter()
        .filter(|(open, _)| *open < indent)
        .map(|(_, line)| *line)
        .collect()
}

fn indentation(text: &str) -> usize {
    text.chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

/// `(name, callee)` for each `name = callee(…)` statement of the file, in
/// order: what made a plain name (`model = tf.keras.Sequential([` gives
/// `("model", "tf.keras.Sequential")`).
pub(super) fn assigned_calls(code: &str) -> Vec<(String, String)> {
    statements(code)
        .into_iter()
        .filter_map(|(_, statement)| {
            let name = assignment_targets(&statement)?.trim();
            if !is_name(name) {
                return None;
            }
            let value = statement.get(statement.find('=')? + 1..)?.trim_start();
            let callee: String = value
                .chars()
                .take_while(|c| is_identifier_char(*c) || *c == '.')
                .collect();
            let after = value.get(callee.len()..)?.trim_start();
            (!callee.is_empty() && after.starts_with('(')).then(|| (name.to_owned(), callee))
        })
        .collect()
}

/// The left side of `targets = value` (also `x: int = 3`, `x += 1`), when
/// the statement is an assignment.
fn assignment_targets(statement: &str) -> Option<&str> {
    let mut depth = 0i32;
    let characters: Vec<(usize, char)> = statement.char_indices().collect();
    for (position, (offset, character)) in characters.iter().enumerate() {
        match character {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            '\'' | '"' => return None,
            '=' if depth == 0 => {
                let next = characters.get(position + 1).map(|(_, c)| *c);
                let previous = position
                    .checked_sub(1)
                    .and_then(|i| characters.get(i))
                    .map(|(_, c)| *c);
                if next == Some('=') || previous.is_some_and(|c| "=!<>".contains(c)) {
                    return None;
                }
                let left = statement.get(..*offset)?;
                let left = left.trim_end_matches(|c: char| "+-*/%&|^@".contains(c));
                // `x: int = 3`: the annotation is not a target.
                return Some(left.split(':').next().unwrap_or(left));
            }
            _ => {}
        }
    }
    None
}

/// The plain names among assignment targets: `a, (b, c)` and `[d, *e]`;
/// `self.x` and `a[0]` bind no new name, and a target with anything else
/// is not one.
fn target_names(targets: &str) -> Vec<String> {
    if targets.contains('.') && !targets.contains(',') {
        return Vec::new();
    }
    targets
        .split([',', '(', ')', '[', ']'])
        .map(|part| part.trim().trim_start_matches('*'))
        .filter(|part| is_name(part))
        .map(str::to_owned)
        .collect()
}

/// The parameters of `name(a, b=1, *args, c: int = 2, **kwargs):`.
fn parameters(definition: &str) -> Vec<(String, Option<String>)> {
    let Some(open) = definition.find('(') else {
        return Vec::new();
    };
    let inner = &definition[open + 1..];
    let mut depth = 0i32;
    let mut end = inner.len();
    for (offset, character) in inner.char_indices() {
        match character {
            '(' | '[' | '{' => depth += 1,
            ')' if depth == 0 => {
                end = offset;
                break;
            }
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    split_top_level(&inner[..end])
        .into_iter()
        .filter_map(|part| {
            let (head, default) = match part.split_once('=') {
                Some((head, default)) => (head, Some(default.trim().to_owned())),
                None => (part.as_str(), None),
            };
            let head = head.split(':').next().unwrap_or(head).trim();
            let name = head.trim_start_matches('*');
            (is_name(name)).then(|| (head.to_owned(), default))
        })
        .collect()
}

fn split_top_level(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    for character in text.chars() {
        match character {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(character);
    }
    if !current.trim().is_empty() {
        parts.push(current);
    }
    parts
}

/// Python's keywords that Dojo runs (no `async`, `await`, `yield`, `match`).
pub(super) const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
];

fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}
