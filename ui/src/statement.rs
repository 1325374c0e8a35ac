//! A task statement as the workspace shows it: paragraphs separated by
//! blank lines, with `code` in backticks.

/// A piece of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
}

/// Splits a statement into paragraphs of text and code pieces. Line breaks
/// inside a paragraph become spaces; an unclosed backtick is kept as text.
pub fn paragraphs(statement: &str) -> Vec<Vec<Inline>> {
    statement
        .split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| !paragraph.is_empty())
        .map(|paragraph| inlines(&paragraph))
        .collect()
}

fn inlines(paragraph: &str) -> Vec<Inline> {
    let mut pieces = Vec::new();
    let mut rest = paragraph;
    while let Some(open) = rest.find('`') {
        let Some(length) = rest[open + 1..].find('`') else {
            break;
        };
        if open > 0 {
            pieces.push(Inline::Text(rest[..open].to_owned()));
        }
        pieces.push(Inline::Code(rest[open + 1..open + 1 + length].to_owned()));
        rest = &rest[open + 2 + length..];
    }
    if !rest.is_empty() {
        pieces.push(Inline::Text(rest.to_owned()));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_code_spans() {
        let statement = "Build a model that\nreads `x` and returns `y`.\n\n\n  Scale by `1/255`. Don't use ` alone";
        assert_eq!(
            paragraphs(statement),
            vec![
                vec![
                    Inline::Text("Build a model that reads ".into()),
                    Inline::Code("x".into()),
                    Inline::Text(" and returns ".into()),
                    Inline::Code("y".into()),
                    Inline::Text(".".into()),
                ],
                vec![
                    Inline::Text("Scale by ".into()),
                    Inline::Code("1/255".into()),
                    Inline::Text(". Don't use ` alone".into()),
                ],
            ]
        );
    }
}
