//! `import csv`: `reader` and `DictReader`, with Python's default dialect
//! (comma, double-quote quoting with `""` escapes, quoted newlines).

use std::cell::RefCell;
use std::rc::Rc;

use crate::error::{Result, type_error};
use crate::interp::Interpreter;
use crate::object::{Args, Builtin, ModuleObject};
use crate::value::{Dict, IteratorState, Value};

fn single_char(args: &Args, name: &str, default: char) -> Result<char> {
    match args.keyword(name) {
        None => Ok(default),
        Some(Value::Str(text)) if text.chars().count() == 1 => {
            Ok(text.chars().next().unwrap_or(default))
        }
        Some(other) => Err(type_error(format!(
            "\"{name}\" must be a 1-character string, not {}",
            other.repr()
        ))),
    }
}

/// The text of a file or a list of lines, with line ends.
fn source_text(interpreter: &mut Interpreter, source: &Value) -> Result<String> {
    let mut text = String::new();
    for line in interpreter.iterate(source)? {
        let Value::Str(line) = line else {
            return Err(type_error(format!(
                "iterator should return strings, not {}",
                line.type_name()
            )));
        };
        text.push_str(&line);
        if !line.ends_with('\n') {
            text.push('\n');
        }
    }
    Ok(text)
}

/// Splits CSV text into records of fields.
pub(crate) fn parse_records(
    text: &str,
    delimiter: char,
    quote: char,
    skip_initial_space: bool,
) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut field_started = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == quote {
                if chars.peek() == Some(&quote) {
                    chars.next();
                    field.push(quote);
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            c if c == quote && !field_started => {
                in_quotes = true;
                field_started = true;
            }
            c if c == delimiter => {
                record.push(std::mem::take(&mut field));
                field_started = false;
            }
            ' ' if skip_initial_space && !field_started => {}
            '\r' => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                field_started = false;
                // A blank line is an empty record, as in Python.
                if record.len() == 1 && record[0].is_empty() {
                    records.push(Vec::new());
                } else {
                    records.push(std::mem::take(&mut record));
                }
                record.clear();
            }
            c => {
                field.push(c);
                field_started = true;
            }
        }
    }
    if field_started || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

fn iterator(items: Vec<Value>) -> Value {
    Value::Iterator(Rc::new(RefCell::new(IteratorState::Items {
        items: Rc::from(items),
        position: 0,
    })))
}

fn records(interpreter: &mut Interpreter, args: &Args, function: &str) -> Result<Vec<Vec<String>>> {
    let source = args.required(0, "csvfile", function)?;
    let delimiter = single_char(args, "delimiter", ',')?;
    let quote = single_char(args, "quotechar", '"')?;
    let skip = args
        .keyword("skipinitialspace")
        .is_some_and(|value| value.truthy());
    let text = source_text(interpreter, &source)?;
    Ok(parse_records(&text, delimiter, quote, skip))
}

pub(super) fn module(_: &mut Interpreter) -> Result<Value> {
    let dialect = ["delimiter", "quotechar", "skipinitialspace", "dialect"];
    let reader = Builtin::value("reader", move |interpreter, args| {
        args.check("reader", 1, &dialect)?;
        let rows = records(interpreter, &args, "reader")?;
        Ok(iterator(
            rows.into_iter()
                .map(|row| Value::list(row.iter().map(|field| Value::str(field)).collect()))
                .collect(),
        ))
    });
    let dict_reader = Builtin::value("DictReader", move |interpreter, args| {
        args.check(
            "DictReader",
            2,
            &[
                "fieldnames",
                "delimiter",
                "quotechar",
                "skipinitialspace",
                "dialect",
            ],
        )?;
        let mut rows = records(interpreter, &args, "DictReader")?
            .into_iter()
            .filter(|row| !row.is_empty());
        let names: Vec<String> = match args.get(1, "fieldnames") {
            Some(Value::None) | None => rows.next().unwrap_or_default(),
            Some(names) => interpreter
                .iterate(&names)?
                .iter()
                .map(Value::to_str)
                .collect(),
        };
        let mut dicts = Vec::new();
        for row in rows {
            let mut dict = Dict::new();
            for (index, name) in names.iter().enumerate() {
                let value = row
                    .get(index)
                    .map_or(Value::None, |field| Value::str(field));
                let _ = dict.insert(Value::str(name), value);
            }
            if row.len() > names.len() {
                let rest = row[names.len()..]
                    .iter()
                    .map(|field| Value::str(field))
                    .collect();
                let _ = dict.insert(Value::None, Value::list(rest));
            }
            dicts.push(Value::dict(dict));
        }
        Ok(iterator(dicts))
    });
    Ok(Value::Module(ModuleObject::new(
        "csv",
        vec![("reader", reader), ("DictReader", dict_reader)],
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_follow_pythons_default_dialect() {
        // Reference: `list(csv.reader(io.StringIO(text)))` in CPython 3.11.
        let text = "a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n\n2,\"multi\nline\",\r\n";
        assert_eq!(
            parse_records(text, ',', '"', false),
            vec![
                vec!["a", "b", "c"],
                vec!["1", "x, y", "say \"hi\""],
                vec![],
                vec!["2", "multi\nline", ""],
            ]
        );
        assert_eq!(parse_records("a; b", ';', '"', true), vec![vec!["a", "b"]]);
    }
}
