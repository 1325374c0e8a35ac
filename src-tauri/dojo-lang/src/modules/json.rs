//! `import json`: `loads`, `load`, `dumps` for the JSON that exam code reads
//! (e.g. the sarcasm headlines file), with Python's types and key order.

use crate::error::{Exception, Result, type_error};
use crate::interp::Interpreter;
use crate::object::{Args, Builtin, ModuleObject};
use crate::value::{Dict, Value, format_float};

struct Parser<'a> {
    text: &'a str,
    position: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 500;

impl Parser<'_> {
    fn error(&self, what: &str) -> Box<Exception> {
        let consumed = &self.text[..self.position.min(self.text.len())];
        let line = consumed.matches('\n').count() + 1;
        let column = consumed
            .rsplit('\n')
            .next()
            .map_or(0, |rest| rest.chars().count())
            + 1;
        Exception::new(
            "JSONDecodeError",
            format!(
                "{what}: line {line} column {column} (char {})",
                consumed.chars().count()
            ),
        )
    }

    fn peek(&self) -> Option<char> {
        self.text[self.position..].chars().next()
    }

    fn skip_whitespace(&mut self) {
        while let Some(c) = self.peek() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                self.position += 1;
            } else {
                break;
            }
        }
    }

    fn eat(&mut self, literal: &str) -> bool {
        if self.text[self.position..].starts_with(literal) {
            self.position += literal.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Result<Value> {
        self.skip_whitespace();
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("JSON nested too deeply"));
        }
        let value = match self.peek() {
            Some('{') => self.object()?,
            Some('[') => self.array()?,
            Some('"') => Value::str(&self.string()?),
            Some('t') if self.eat("true") => Value::Bool(true),
            Some('f') if self.eat("false") => Value::Bool(false),
            Some('n') if self.eat("null") => Value::None,
            Some('N') if self.eat("NaN") => Value::Float(f64::NAN),
            Some('I') if self.eat("Infinity") => Value::Float(f64::INFINITY),
            Some('-') if self.eat("-Infinity") => Value::Float(f64::NEG_INFINITY),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number()?,
            _ => return Err(self.error("Expecting value")),
        };
        self.depth -= 1;
        Ok(value)
    }

    fn object(&mut self) -> Result<Value> {
        self.position += 1;
        let mut dict = Dict::new();
        self.skip_whitespace();
        if self.eat("}") {
            return Ok(Value::dict(dict));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some('"') {
                return Err(self.error("Expecting property name enclosed in double quotes"));
            }
            let key = self.string()?;
            self.skip_whitespace();
            if !self.eat(":") {
                return Err(self.error("Expecting ':' delimiter"));
            }
            let value = self.value()?;
            let _ = dict.insert(Value::str(&key), value);
            self.skip_whitespace();
            if self.eat("}") {
                return Ok(Value::dict(dict));
            }
            if !self.eat(",") {
                return Err(self.error("Expecting ',' delimiter"));
            }
        }
    }

    fn array(&mut self) -> Result<Value> {
        self.position += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.eat("]") {
            return Ok(Value::list(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_whitespace();
            if self.eat("]") {
                return Ok(Value::list(items));
            }
            if !self.eat(",") {
                return Err(self.error("Expecting ',' delimiter"));
            }
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let digits = self
            .text
            .get(self.position..self.position + 4)
            .unwrap_or("");
        let value =
            u32::from_str_radix(digits, 16).map_err(|_| self.error("Invalid \\uXXXX escape"))?;
        self.position += 4;
        Ok(value)
    }

    fn string(&mut self) -> Result<String> {
        let start = self.position;
        self.position += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                self.position = start;
                return Err(self.error("Unterminated string starting at"));
            };
            self.position += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let Some(escape) = self.peek() else {
                        return Err(self.error("Unterminated string starting at"));
                    };
                    self.position += escape.len_utf8();
                    match escape {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let mut code = self.hex4()?;
                            if (0xd800..0xdc00).contains(&code) && self.eat("\\u") {
                                let low = self.hex4()?;
                                code = 0x10000
                                    + ((code - 0xd800) << 10)
                                    + (low.wrapping_sub(0xdc00) & 0x3ff);
                            }
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        _ => return Err(self.error("Invalid \\escape")),
                    }
                }
                c if (c as u32) < 0x20 => return Err(self.error("Invalid control character at")),
                c => out.push(c),
            }
        }
    }

    fn number(&mut self) -> Result<Value> {
        let start = self.position;
        let rest = &self.text[start..];
        let length = rest
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
            .unwrap_or(rest.len());
        let literal = &rest[..length];
        self.position += length;
        if !literal.contains(['.', 'e', 'E'])
            && let Ok(value) = literal.parse::<i64>()
        {
            return Ok(Value::Int(value));
        }
        literal.parse::<f64>().map(Value::Float).map_err(|_| {
            self.position = start;
            self.error("Expecting value")
        })
    }
}

/// Parses a JSON document into Python values.
pub(crate) fn loads(text: &str) -> Result<Value> {
    let mut parser = Parser {
        text,
        position: 0,
        depth: 0,
    };
    let value = parser.value()?;
    parser.skip_whitespace();
    if parser.position < text.len() {
        return Err(parser.error("Extra data"));
    }
    Ok(value)
}

/// Writes a JSON string the way Python's `json.dumps` does (`ensure_ascii=True`).
fn escape_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The longest text `dumps` writes; a longer one is a `MemoryError`, never
/// an allocation failure (`indent=2**40` on a nested list).
const MAX_DUMP_BYTES: usize = 1 << 30;

fn dump(value: &Value, indent: Option<usize>, level: usize, out: &mut String) -> Result<()> {
    if level > MAX_DEPTH {
        // Python says the same for a list that contains itself; a
        // non-cyclic structure this deep is beyond its recursion limit.
        return Err(Exception::new("ValueError", "Circular reference detected"));
    }
    let mut room = Ok(());
    let mut newline = |out: &mut String, level: usize| {
        if let Some(width) = indent {
            match width
                .checked_mul(level)
                .filter(|pad| out.len().saturating_add(*pad) < MAX_DUMP_BYTES)
            {
                Some(pad) => {
                    out.push('\n');
                    out.extend(std::iter::repeat_n(' ', pad));
                }
                None => {
                    room = Err(Exception::new(
                        "MemoryError",
                        "json.dumps: the indented text would exceed 1 GiB",
                    ))
                }
            }
        }
    };
    let separator = if indent.is_some() { "," } else { ", " };
    match value {
        Value::None => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(x) if x.is_nan() => out.push_str("NaN"),
        Value::Float(x) if x.is_infinite() => {
            out.push_str(if *x > 0.0 { "Infinity" } else { "-Infinity" })
        }
        Value::Float(x) => out.push_str(&format_float(*x)),
        Value::Str(text) => escape_string(text, out),
        Value::List(_) | Value::Tuple(_) => {
            let items: Vec<Value> = match value {
                Value::List(items) => items.borrow().clone(),
                Value::Tuple(items) => items.to_vec(),
                _ => Vec::new(),
            };
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(separator);
                }
                newline(out, level + 1);
                dump(item, indent, level + 1, out)?;
            }
            if !items.is_empty() {
                newline(out, level);
            }
            out.push(']');
        }
        Value::Dict(dict) => {
            let dict = dict.borrow();
            out.push('{');
            for (index, (key, item)) in dict.iter().enumerate() {
                if index > 0 {
                    out.push_str(separator);
                }
                newline(out, level + 1);
                let key = match key {
                    Value::Str(_) => key.clone(),
                    Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::None => {
                        let mut text = String::new();
                        dump(key, None, 0, &mut text)?;
                        Value::str(&text)
                    }
                    other => {
                        return Err(type_error(format!(
                            "keys must be str, int, float, bool or None, not {}",
                            other.type_name()
                        )));
                    }
                };
                dump(&key, indent, level + 1, out)?;
                out.push_str(": ");
                dump(item, indent, level + 1, out)?;
            }
            if !dict.is_empty() {
                newline(out, level);
            }
            out.push('}');
        }
        other => {
            return Err(type_error(format!(
                "Object of type {} is not JSON serializable",
                other.type_name()
            )));
        }
    }
    room
}

fn text_of(interpreter: &mut Interpreter, args: &Args, function: &str) -> Result<String> {
    match args.required(0, "s", function)? {
        Value::Str(text) => Ok(text.to_string()),
        Value::Native(file) if function == "load" => {
            let read =
                interpreter.get_attribute(&Value::Native(file), "read", Default::default())?;
            Ok(interpreter.call(&read, Args::default())?.to_str())
        }
        other => Err(type_error(format!(
            "the JSON object must be str, not {}",
            other.type_name()
        ))),
    }
}

pub(super) fn module(_: &mut Interpreter) -> Result<Value> {
    Ok(Value::Module(ModuleObject::new(
        "json",
        vec![
            (
                "loads",
                Builtin::value("loads", |interpreter, args| {
                    args.check("loads", 1, &[])?;
                    loads(&text_of(interpreter, &args, "loads")?)
                }),
            ),
            (
                "load",
                Builtin::value("load", |interpreter, args| {
                    args.check("load", 1, &[])?;
                    loads(&text_of(interpreter, &args, "load")?)
                }),
            ),
            (
                "dumps",
                Builtin::value("dumps", |_, args| {
                    args.check("dumps", 1, &["indent", "sort_keys"])?;
                    let indent = match args.keyword("indent") {
                        Some(Value::Int(width)) => Some(usize::try_from(width).unwrap_or(0)),
                        _ => None,
                    };
                    let mut out = String::new();
                    dump(&args.required(0, "obj", "dumps")?, indent, 0, &mut out)?;
                    Ok(Value::str(&out))
                }),
            ),
        ],
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_matches_python() {
        // Reference: `repr(json.loads(text))` in CPython 3.11.
        let text = r#"[{"headline": "a \"b\" \u00e9\n", "is_sarcastic": 1, "x": 2.5e1, "n": null, "t": true}, []]"#;
        assert_eq!(
            loads(text).unwrap().repr(),
            r#"[{'headline': 'a "b" é\n', 'is_sarcastic': 1, 'x': 25.0, 'n': None, 't': True}, []]"#
        );
        let error = loads("{\"a\": 1,}").unwrap_err();
        assert_eq!(error.kind, "JSONDecodeError");
        assert_eq!(
            error.message,
            "Expecting property name enclosed in double quotes: line 1 column 9 (char 8)"
        );
        assert_eq!(
            loads("[1] x").unwrap_err().message,
            "Extra data: line 1 column 5 (char 4)"
        );
        assert!(
            loads(&"[".repeat(10_000)).is_err(),
            "deep nesting is an error, not a stack overflow"
        );
    }

    #[test]
    fn dumps_matches_python() {
        // Reference: `json.dumps(json.loads(text))` in CPython 3.11.
        let value = loads(r#"{"a": [1, 2.5, null, true], "b": "it's \"q\"\n\u00e9"}"#).unwrap();
        let mut out = String::new();
        dump(&value, None, 0, &mut out).unwrap();
        assert_eq!(
            out,
            r#"{"a": [1, 2.5, null, true], "b": "it's \"q\"\n\u00e9"}"#
        );
    }
}
