//! `format(value, spec)`: Python's format-spec mini-language.

use super::operators::{as_float, number};
use crate::error::{Result, value_error};
use crate::value::{Value, format_float};

/// `format(value, spec)`: Python's format-spec mini-language for numbers and strings.
pub(crate) fn format_value(value: &Value, spec: &str) -> Result<String> {
    if spec.is_empty() {
        return Ok(value.to_str());
    }
    let mut chars: Vec<char> = spec.chars().collect();
    let mut fill = ' ';
    let mut align = None;
    if chars.len() >= 2 && matches!(chars[1], '<' | '>' | '^' | '=') {
        fill = chars[0];
        align = Some(chars[1]);
        chars.drain(..2);
    } else if chars
        .first()
        .is_some_and(|c| matches!(c, '<' | '>' | '^' | '='))
    {
        align = Some(chars[0]);
        chars.remove(0);
    }
    let mut sign = '-';
    if chars.first().is_some_and(|c| matches!(c, '+' | '-' | ' ')) {
        sign = chars[0];
        chars.remove(0);
    }
    if chars.first() == Some(&'0') {
        fill = '0';
        align.get_or_insert('=');
        chars.remove(0);
    }
    let rest: String = chars.iter().collect();
    let type_position = rest.find(|c: char| c.is_ascii_alphabetic() || c == '%');
    let (numbers, kind) = match type_position {
        Some(position) => (&rest[..position], rest[position..].chars().next()),
        None => (rest.as_str(), None),
    };
    let grouping = numbers.contains(',') || numbers.contains('_');
    let numbers = numbers.replace([',', '_'], "");
    let (width, precision) = match numbers.split_once('.') {
        Some((width, precision)) => (width, Some(precision)),
        None => (numbers.as_str(), None),
    };
    let invalid = || {
        value_error(format!(
            "Invalid format specifier '{spec}' for object of type '{}'",
            value.type_name()
        ))
    };
    let width: usize = if width.is_empty() {
        0
    } else {
        width.parse().map_err(|_| invalid())?
    };
    let precision: Option<usize> = match precision {
        Some(precision) => Some(precision.parse().map_err(|_| invalid())?),
        None => None,
    };

    let numeric_value = number(value).map(|number| as_float(&number));
    let mut body = match (kind, value) {
        (Some('s') | None, Value::Str(text)) => match precision {
            Some(precision) => text.chars().take(precision).collect(),
            None => text.to_string(),
        },
        (Some('d'), Value::Int(i)) => i.unsigned_abs().to_string(),
        (Some('d'), Value::Bool(b)) => i64::from(*b).to_string(),
        (Some('f' | 'F'), _) if numeric_value.is_some() => {
            format!(
                "{:.*}",
                precision.unwrap_or(6),
                numeric_value.unwrap_or_default().abs()
            )
        }
        (Some('e' | 'E'), _) if numeric_value.is_some() => {
            let text = format!(
                "{:.*e}",
                precision.unwrap_or(6),
                numeric_value.unwrap_or_default().abs()
            );
            let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
            let exponent: i32 = exponent.parse().unwrap_or(0);
            let formatted = format!(
                "{mantissa}e{}{:02}",
                if exponent < 0 { '-' } else { '+' },
                exponent.abs()
            );
            if kind == Some('E') {
                formatted.to_uppercase()
            } else {
                formatted
            }
        }
        (Some('%'), _) if numeric_value.is_some() => {
            format!(
                "{:.*}%",
                precision.unwrap_or(6),
                numeric_value.unwrap_or_default().abs() * 100.0
            )
        }
        (Some('g' | 'G'), _) | (None, Value::Float(_)) if numeric_value.is_some() => {
            let x = numeric_value.unwrap_or_default().abs();
            match precision {
                None => format_float(x),
                Some(precision) => {
                    let precision = precision.max(1);
                    let exponent = if x == 0.0 {
                        0
                    } else {
                        x.log10().floor() as i32
                    };
                    if exponent < -4 || exponent >= precision as i32 {
                        let text = format!("{:.*e}", precision - 1, x);
                        let (mantissa, power) = text.split_once('e').unwrap_or((&text, "0"));
                        let power: i32 = power.parse().unwrap_or(0);
                        let mantissa = trim_zeros(mantissa);
                        format!(
                            "{mantissa}e{}{:02}",
                            if power < 0 { '-' } else { '+' },
                            power.abs()
                        )
                    } else {
                        let decimals = (precision as i32 - 1 - exponent).max(0) as usize;
                        trim_zeros(&format!("{x:.decimals$}")).to_owned()
                    }
                }
            }
        }
        (None, Value::Int(i)) => i.abs().to_string(),
        (None, Value::Bool(b)) => if *b { "True" } else { "False" }.to_owned(),
        (None, other) => other.to_str(),
        _ => return Err(invalid()),
    };
    if grouping && numeric_value.is_some() {
        body = group_thousands(&body);
    }
    let negative = numeric_value.is_some_and(|x| {
        x < 0.0 || (x == 0.0 && x.is_sign_negative() && matches!(value, Value::Float(_)))
    });
    let sign_text = match (negative, sign, numeric_value.is_some()) {
        (true, _, true) => "-",
        (false, '+', true) => "+",
        (false, ' ', true) => " ",
        _ => "",
    };
    let length = sign_text.chars().count() + body.chars().count();
    let padding = width.saturating_sub(length);
    crate::memory::ensure_room(
        (padding as u128).saturating_mul(fill.len_utf8() as u128),
        || format!("a format width of {width}"),
    )?;
    let default_align = if numeric_value.is_some() { '>' } else { '<' };
    let pad = |count: usize| fill.to_string().repeat(count);
    Ok(match align.unwrap_or(default_align) {
        '<' => format!("{sign_text}{body}{}", pad(padding)),
        '^' => format!(
            "{}{sign_text}{body}{}",
            pad(padding / 2),
            pad(padding - padding / 2)
        ),
        '=' => format!("{sign_text}{}{body}", pad(padding)),
        _ => format!("{}{sign_text}{body}", pad(padding)),
    })
}

fn trim_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

fn group_thousands(digits: &str) -> String {
    let (integer, fraction) = match digits.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (digits, None),
    };
    let mut grouped = String::new();
    for (position, c) in integer.chars().enumerate() {
        if position > 0 && (integer.len() - position) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if let Some(fraction) = fraction {
        grouped.push('.');
        grouped.push_str(fraction);
    }
    grouped
}
