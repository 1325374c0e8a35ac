//! Editor keystrokes that change indentation: Tab, Shift-Tab and Enter.
//!
//! Positions are UTF-16 code-unit offsets, as a textarea's `selectionStart`
//! and `selectionEnd` count them. Each function returns the [`Edit`] that
//! replaces one range of the text, so the view can apply it as a single
//! undoable insertion.

/// Spaces per indentation level.
pub const INDENT: usize = 4;

/// Replace `from..to` with `insert`, then select `select_start..select_end`
/// (offsets in the edited text). All offsets are UTF-16.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub from: u32,
    pub to: u32,
    pub insert: String,
    pub select_start: u32,
    pub select_end: u32,
}

/// Byte offset of a UTF-16 offset (clamped to the text, and back to a
/// character boundary).
fn byte_of(text: &str, utf16: u32) -> usize {
    let mut units = 0u32;
    for (at, c) in text.char_indices() {
        if units >= utf16 {
            return at;
        }
        units += u32::try_from(c.len_utf16()).unwrap_or(2);
    }
    text.len()
}

fn utf16_of(text: &str, byte: usize) -> u32 {
    let prefix = text.get(..byte).unwrap_or(text);
    u32::try_from(prefix.encode_utf16().count()).unwrap_or(u32::MAX)
}

fn line_start(text: &str, byte: usize) -> usize {
    text[..byte].rfind('\n').map_or(0, |at| at + 1)
}

fn line_end(text: &str, byte: usize) -> usize {
    text[byte..].find('\n').map_or(text.len(), |at| byte + at)
}

/// The byte range of the whole lines a selection touches. A selection
/// ending at a line's start does not touch that line.
fn touched_lines(text: &str, start: usize, end: usize) -> (usize, usize) {
    let first = line_start(text, start);
    let last_byte = if end > start && line_start(text, end) == end {
        end - 1
    } else {
        end
    };
    (first, line_end(text, last_byte.max(start)))
}

fn ordered(text: &str, start: u32, end: u32) -> (usize, usize) {
    let (a, b) = (byte_of(text, start), byte_of(text, end));
    (a.min(b), a.max(b))
}

/// Tab: without a selection, inserts spaces up to the next indentation
/// stop; with one, indents every touched line by one level and keeps the
/// same text selected.
pub fn indent(text: &str, start: u32, end: u32) -> Edit {
    let (start, end) = ordered(text, start, end);
    if start == end {
        let column = text[line_start(text, start)..start].chars().count();
        let spaces = " ".repeat(INDENT - column % INDENT);
        let caret = utf16_of(text, start) + utf16_of(&spaces, spaces.len());
        return Edit {
            from: utf16_of(text, start),
            to: utf16_of(text, start),
            insert: spaces,
            select_start: caret,
            select_end: caret,
        };
    }
    let (first, last) = touched_lines(text, start, end);
    let pad = " ".repeat(INDENT);
    let block = &text[first..last];
    let insert: String = block
        .split('\n')
        .map(|line| format!("{pad}{line}"))
        .collect::<Vec<_>>()
        .join("\n");
    // Indented lines that start before `end`: the first, and one per
    // newline inside the block that is followed by a line starting before `end`.
    let newlines_end = last.min(end.saturating_sub(1)).max(first);
    let lines_before_end = 1 + text[first..newlines_end].matches('\n').count();
    let shift = |count: usize| u32::try_from(count * INDENT).unwrap_or(u32::MAX);
    Edit {
        from: utf16_of(text, first),
        to: utf16_of(text, last),
        insert,
        select_start: utf16_of(text, start) + if start > first { shift(1) } else { 0 },
        select_end: utf16_of(text, end) + shift(lines_before_end),
    }
}

/// Shift-Tab: removes up to one level of leading spaces from every touched
/// line (the caret's line without a selection), keeping the selection on
/// the same text.
pub fn outdent(text: &str, start: u32, end: u32) -> Edit {
    let (start, end) = ordered(text, start, end);
    let (first, last) = touched_lines(text, start, end);
    let mut insert = String::with_capacity(last - first);
    // Bytes removed before `start` and before `end`.
    let (mut before_start, mut before_end) = (0usize, 0usize);
    let mut at = first;
    for (index, line) in text[first..last].split('\n').enumerate() {
        if index > 0 {
            insert.push('\n');
        }
        let removed = line.bytes().take(INDENT).take_while(|b| *b == b' ').count();
        insert.push_str(&line[removed..]);
        let cut = |position: usize| position.clamp(at, at + removed) - at;
        before_start += cut(start);
        before_end += cut(end);
        at += line.len() + 1;
    }
    let back = |position: usize, removed: usize| {
        utf16_of(text, position) - u32::try_from(removed).unwrap_or(0)
    };
    Edit {
        from: utf16_of(text, first),
        to: utf16_of(text, last),
        insert,
        select_start: back(start, before_start),
        select_end: back(end, before_end),
    }
}

/// Enter: a new line indented like the current one, one level deeper after
/// a line ending in `:`. Replaces the selection.
pub fn newline(text: &str, start: u32, end: u32) -> Edit {
    let (start, end) = ordered(text, start, end);
    let line = &text[line_start(text, start)..start];
    let mut indentation = line.len() - line.trim_start_matches(' ').len();
    if line.trim_end().ends_with(':') {
        indentation += INDENT;
    }
    let insert = format!("\n{}", " ".repeat(indentation));
    let caret = utf16_of(text, start) + utf16_of(&insert, insert.len());
    Edit {
        from: utf16_of(text, start),
        to: utf16_of(text, end),
        insert,
        select_start: caret,
        select_end: caret,
    }
}

/// The UTF-16 offset where 1-based `line` starts (the text's end past the last line).
pub fn line_offset(text: &str, line: u32) -> u32 {
    let skip = usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX);
    let byte = if skip == 0 {
        0
    } else {
        text.match_indices('\n')
            .nth(skip - 1)
            .map_or(text.len(), |(at, _)| at + 1)
    };
    utf16_of(text, byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies an edit; returns the text with the selection shown as `[` `]`.
    fn apply(text: &str, edit: &Edit) -> String {
        let from = byte_of(text, edit.from);
        let to = byte_of(text, edit.to);
        let edited = format!("{}{}{}", &text[..from], edit.insert, &text[to..]);
        let (a, b) = (
            byte_of(&edited, edit.select_start),
            byte_of(&edited, edit.select_end),
        );
        format!("{}[{}]{}", &edited[..a], &edited[a..b], &edited[b..])
    }

    /// Runs `f` on a text whose selection is marked with `[` and `]`.
    fn run(marked: &str, f: fn(&str, u32, u32) -> Edit) -> String {
        let open = marked.find('[').unwrap_or_default();
        let close = marked.find(']').unwrap_or_default();
        let text = format!(
            "{}{}{}",
            &marked[..open],
            &marked[open + 1..close],
            &marked[close + 1..]
        );
        let start = utf16_of(&text, open);
        let end = utf16_of(&text, close - 1);
        apply(&text, &f(&text, start, end))
    }

    #[test]
    fn tab_without_selection_goes_to_the_next_stop() {
        assert_eq!(run("[]x", indent), "    []x");
        assert_eq!(run("ab[]c", indent), "ab  []c");
        assert_eq!(run("a\n    x[]", indent), "a\n    x   []");
    }

    #[test]
    fn tab_indents_every_selected_line() {
        assert_eq!(run("a[b\nc]d\ne", indent), "    a[b\n    c]d\ne");
        // A selection of whole lines stays whole lines.
        assert_eq!(run("[a\nb\n]c", indent), "[    a\n    b\n]c");
        assert_eq!(run("x\n[a\n\nb]", indent), "x\n[    a\n    \n    b]");
    }

    #[test]
    fn shift_tab_removes_up_to_one_level() {
        assert_eq!(run("      a[]b", outdent), "  a[]b");
        assert_eq!(run("  [a\n        b\nc]", outdent), "[a\n    b\nc]");
        // A caret inside the removed spaces moves to the line's start.
        assert_eq!(run("  [] x", outdent), "[]x");
        assert_eq!(run("[a\n    b\n]    c", outdent), "[a\nb\n]    c");
    }

    #[test]
    fn enter_keeps_the_indentation_and_opens_blocks() {
        assert_eq!(run("    x = 1[]", newline), "    x = 1\n    []");
        assert_eq!(run("def f():[]", newline), "def f():\n    []");
        assert_eq!(run("    if a: [old]", newline), "    if a: \n        []");
    }

    #[test]
    fn line_offsets_count_utf16_units() {
        let text = "😀\nab\nc";
        assert_eq!(line_offset(text, 1), 0);
        assert_eq!(line_offset(text, 2), 3);
        assert_eq!(line_offset(text, 3), 6);
        assert_eq!(line_offset(text, 9), 7);
    }

    #[test]
    fn offsets_count_utf16_units() {
        // '😀' is two UTF-16 units; the caret after it is at 3.
        let edit = indent("a😀", 3, 3);
        assert_eq!(edit.from, 3);
        assert_eq!(edit.insert, "  ");
        assert_eq!(edit.select_start, 5);
        assert_eq!(run("é😀[]", indent), "é😀  []");
    }
}
