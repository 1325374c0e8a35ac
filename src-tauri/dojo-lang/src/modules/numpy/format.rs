//! `repr(array)` and `str(array)` as numpy 2 prints them: floats in the
//! shortest form that is unique (at most 8 decimals) padded to a common
//! width, scientific notation for wide ranges, rows wrapped at 75
//! columns, and arrays over 1000 items summarised with `...` (3 items
//! at each edge). Mirrors numpy's `arrayprint._formatArray` and
//! `FloatingFormat` (floatmode `maxprec`).

use candle_core::{Device, Tensor};

use super::CandleResult;
use super::convert::shape_text;
use crate::error::Result;
use crate::ndarray::{DType, NdArray, Storage};
use crate::value::quote;

const LINE_WIDTH: usize = 75;
const THRESHOLD: usize = 1000;
const EDGE_ITEMS: usize = 3;
const PRECISION: usize = 8;

/// `repr(array)`: `array([1., 2.])`, with `dtype=` and `shape=` where numpy adds them.
pub(crate) fn repr(array: &NdArray) -> String {
    render(array, true).unwrap_or_else(|error| format!("<ndarray: {}>", error.message))
}

/// `str(array)`: `[1. 2.]`.
pub(crate) fn to_str(array: &NdArray) -> String {
    render(array, false).unwrap_or_else(|error| format!("<ndarray: {}>", error.message))
}

/// The length of the longest string item (the `N` of `<UN`).
pub(crate) fn string_width(array: &NdArray) -> usize {
    match array.storage() {
        Storage::Strings { items, .. } => items
            .iter()
            .map(|item| item.chars().count())
            .max()
            .unwrap_or(0),
        Storage::Numeric(_) => 0,
    }
}

fn render(array: &NdArray, repr: bool) -> Result<String> {
    let summarise = array.len() > THRESHOLD;
    let (shown, summarised) = if summarise {
        edges(array)?
    } else {
        (array.clone(), vec![false; array.ndim()])
    };
    let words = format_items(&shown, repr)?;
    let prefix = if repr { "array(" } else { "" };
    let body = if array.is_empty() {
        "[]".to_owned()
    } else if array.ndim() == 0 {
        words.into_iter().next().unwrap_or_default()
    } else {
        let separator = if repr { ", " } else { " " };
        let width = if repr { LINE_WIDTH - 1 } else { LINE_WIDTH };
        let layout = Layout {
            words: &words,
            shape: shown.shape(),
            summarised: &summarised,
            separator,
        };
        let hanging = " ".repeat(prefix.len() + 1);
        layout.recurse(0, 0, &hanging, width)
    };
    if !repr {
        return Ok(body);
    }
    let mut extras = Vec::new();
    if (array.is_empty() && array.shape() != [0]) || summarise {
        extras.push(format!("shape={}", shape_text(array.shape())));
    }
    let implied = matches!(array.dtype(), DType::Float64 | DType::Int64 | DType::Bool);
    if !implied || array.is_empty() {
        extras.push(match array.dtype() {
            DType::Str => format!("dtype='<U{}'", string_width(array)),
            dtype => format!("dtype={}", dtype.name()),
        });
    }
    if extras.is_empty() {
        return Ok(format!("{prefix}{body})"));
    }
    let text = format!("{prefix}{body},");
    let extra = format!("{})", extras.join(", "));
    let last_line = text.len() - text.rfind('\n').map_or(0, |at| at + 1);
    let spacer = if last_line + extra.len() + 1 > LINE_WIDTH {
        format!("\n{}", " ".repeat(prefix.len()))
    } else {
        " ".to_owned()
    };
    Ok(format!("{text}{spacer}{extra}"))
}

/// The first and last 3 items along every axis longer than 6.
fn edges(array: &NdArray) -> Result<(NdArray, Vec<bool>)> {
    let shape = array.shape().to_vec();
    let summarised: Vec<bool> = shape.iter().map(|&n| n > 2 * EDGE_ITEMS).collect();
    let positions = Tensor::arange(0i64, array.len() as i64, &Device::Cpu)
        .np()?
        .reshape(shape.as_slice())
        .np()?;
    let mut picked = match array.tensor() {
        Some(tensor) => tensor.clone(),
        None => positions.clone(),
    };
    for (axis, &n) in shape.iter().enumerate() {
        if summarised[axis] {
            let keep: Vec<i64> = (0..EDGE_ITEMS as i64)
                .chain(n as i64 - EDGE_ITEMS as i64..n as i64)
                .collect();
            let keep = Tensor::new(keep, &Device::Cpu).np()?;
            picked = picked.contiguous().np()?.index_select(&keep, axis).np()?;
        }
    }
    let shown = match array.storage() {
        Storage::Numeric(_) => NdArray::from_tensor(picked, array.dtype()),
        Storage::Strings { items, .. } => {
            let dims = picked.dims().to_vec();
            let picked: Vec<_> = picked
                .flatten_all()
                .np()?
                .to_vec1::<i64>()
                .np()?
                .into_iter()
                .filter_map(|i| items.get(i as usize).cloned())
                .collect();
            NdArray::from_strings(&dims, picked)
        }
    };
    Ok((shown, summarised))
}

/// Each item formatted and padded to the array's common width.
fn format_items(array: &NdArray, repr: bool) -> Result<Vec<String>> {
    if let Storage::Strings { items, .. } = array.storage() {
        return Ok(items.iter().map(|item| quote(item)).collect());
    }
    let words: Vec<String> = match array.dtype() {
        DType::Bool => {
            let scalar = array.ndim() == 0;
            super::convert::i64_items(array)?
                .into_iter()
                .map(|i| match (i != 0, scalar) {
                    (true, true) => "True".to_owned(),
                    (true, false) => " True".to_owned(),
                    (false, _) => "False".to_owned(),
                })
                .collect()
        }
        DType::Float32 => {
            let values = array
                .tensor()
                .map(|tensor| tensor.flatten_all().and_then(|flat| flat.to_vec1::<f32>()))
                .transpose()
                .np()?
                .unwrap_or_default();
            if array.ndim() == 0 && !repr {
                return Ok(values
                    .iter()
                    .map(|x| crate::value::format_float(f64::from(*x)))
                    .collect());
            }
            FloatFormat::new(&values).apply(&values)
        }
        DType::Float64 => {
            let values = super::convert::f64_items(array)?;
            if array.ndim() == 0 && !repr {
                return Ok(values
                    .iter()
                    .map(|x| crate::value::format_float(*x))
                    .collect());
            }
            FloatFormat::new(&values).apply(&values)
        }
        _ => super::convert::i64_items(array)?
            .into_iter()
            .map(|i| i.to_string())
            .collect(),
    };
    let width = words.iter().map(String::len).max().unwrap_or(0);
    Ok(words
        .into_iter()
        .map(|word| format!("{word:>width$}"))
        .collect())
}

/// A float type numpy prints: its shortest unique digits, positional or
/// scientific, optionally rounded to a number of decimals.
trait Float: Copy {
    fn finite(self) -> bool;
    fn nan(self) -> bool;
    fn negative(self) -> bool;
    fn magnitude(self) -> f64;
    fn shortest(self) -> String;
    fn shortest_exp(self) -> String;
    fn fixed(self, decimals: usize) -> String;
    fn fixed_exp(self, decimals: usize) -> String;
}

macro_rules! float_impl {
    ($t:ty) => {
        impl Float for $t {
            fn finite(self) -> bool {
                self.is_finite()
            }
            fn nan(self) -> bool {
                self.is_nan()
            }
            fn negative(self) -> bool {
                self < 0.0
            }
            fn magnitude(self) -> f64 {
                f64::from(self).abs()
            }
            fn shortest(self) -> String {
                format!("{self}")
            }
            fn shortest_exp(self) -> String {
                format!("{self:e}")
            }
            fn fixed(self, decimals: usize) -> String {
                format!("{self:.decimals$}")
            }
            fn fixed_exp(self, decimals: usize) -> String {
                format!("{self:.decimals$e}")
            }
        }
    };
}

float_impl!(f32);
float_impl!(f64);

/// Splits `digits` at the point: (integer part with sign, fraction).
fn split_point(text: &str) -> (String, String) {
    match text.split_once('.') {
        Some((int, fraction)) => (int.to_owned(), fraction.to_owned()),
        None => (text.to_owned(), String::new()),
    }
}

/// Positional digits, unique, at most [`PRECISION`] decimals, trailing zeros trimmed.
fn positional<F: Float>(x: F) -> (String, String) {
    let (int, fraction) = split_point(&x.shortest());
    if fraction.len() <= PRECISION {
        return (int, fraction);
    }
    let (int, fraction) = split_point(&x.fixed(PRECISION));
    (int, fraction.trim_end_matches('0').to_owned())
}

/// Scientific digits: (mantissa integer with sign, fraction, exponent).
fn scientific<F: Float>(x: F) -> (String, String, i32) {
    let text = x.shortest_exp();
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let (int, fraction) = split_point(mantissa);
    if fraction.len() <= PRECISION {
        return (int, fraction, exponent.parse().unwrap_or(0));
    }
    let text = x.fixed_exp(PRECISION);
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let (int, fraction) = split_point(mantissa);
    (
        int,
        fraction.trim_end_matches('0').to_owned(),
        exponent.parse().unwrap_or(0),
    )
}

/// numpy's `FloatingFormat` for one array: the layout every item shares.
struct FloatFormat {
    exponential: bool,
    pad_left: usize,
    pad_right: usize,
    /// Scientific: decimals of every mantissa, and exponent digits.
    decimals: usize,
    exp_digits: usize,
}

impl FloatFormat {
    fn new<F: Float>(values: &[F]) -> FloatFormat {
        let finite: Vec<F> = values.iter().copied().filter(|x| x.finite()).collect();
        let non_zero: Vec<f64> = finite
            .iter()
            .map(|x| x.magnitude())
            .filter(|x| *x != 0.0)
            .collect();
        let max = non_zero.iter().copied().fold(f64::NAN, f64::max);
        let min = non_zero.iter().copied().fold(f64::NAN, f64::min);
        let exponential = !non_zero.is_empty() && (max >= 1e8 || min < 1e-4 || max / min > 1e3);
        let mut format = FloatFormat {
            exponential,
            pad_left: 0,
            pad_right: 0,
            decimals: 0,
            exp_digits: 0,
        };
        if exponential {
            let parts: Vec<_> = finite.iter().map(|x| scientific(*x)).collect();
            format.decimals = parts.iter().map(|p| p.1.len()).max().unwrap_or(0);
            format.exp_digits = parts
                .iter()
                .map(|p| p.2.unsigned_abs().to_string().len().max(2))
                .max()
                .unwrap_or(2);
            format.pad_left = parts.iter().map(|p| p.0.len()).max().unwrap_or(0);
            format.pad_right = format.exp_digits + 2 + format.decimals;
        } else if !finite.is_empty() {
            let parts: Vec<_> = finite.iter().map(|x| positional(*x)).collect();
            format.pad_left = parts.iter().map(|p| p.0.len()).max().unwrap_or(0);
            format.pad_right = parts.iter().map(|p| p.1.len()).max().unwrap_or(0);
        }
        if finite.len() != values.len() {
            let negative_inf = values
                .iter()
                .any(|x| !x.finite() && !x.nan() && x.negative());
            let offset = format.pad_right + 1;
            format.pad_left = format
                .pad_left
                .max(3usize.saturating_sub(offset))
                .max((3 + usize::from(negative_inf)).saturating_sub(offset));
        }
        format
    }

    fn apply<F: Float>(&self, values: &[F]) -> Vec<String> {
        values.iter().map(|x| self.word(*x)).collect()
    }

    fn word<F: Float>(&self, x: F) -> String {
        let width = self.pad_left + self.pad_right + 1;
        if !x.finite() {
            let text = match (x.nan(), x.negative()) {
                (true, _) => "nan",
                (false, true) => "-inf",
                (false, false) => "inf",
            };
            return format!("{text:>width$}");
        }
        if self.exponential {
            let (int, fraction, exponent) = scientific(x);
            let sign = if exponent < 0 { '-' } else { '+' };
            let digits = self.exp_digits;
            let decimals = self.decimals;
            format!(
                "{int:>left$}.{fraction:0<decimals$}e{sign}{:0>digits$}",
                exponent.unsigned_abs(),
                left = self.pad_left
            )
        } else {
            let (int, fraction) = positional(x);
            format!(
                "{int:>left$}.{fraction:<right$}",
                left = self.pad_left,
                right = self.pad_right
            )
        }
    }
}

/// numpy's `_formatArray`: nested brackets, wrapped rows, `...` for summaries.
struct Layout<'a> {
    words: &'a [String],
    shape: &'a [usize],
    summarised: &'a [bool],
    separator: &'a str,
}

impl Layout<'_> {
    /// The text of the sub-array at `axis` whose first item is `offset`.
    fn recurse(&self, axis: usize, offset: usize, hanging: &str, width: usize) -> String {
        if axis == self.shape.len() {
            return self.words.get(offset).cloned().unwrap_or_default();
        }
        let stride: usize = self.shape[axis + 1..].iter().product();
        let length = self.shape[axis];
        let next_hanging = format!("{hanging} ");
        let next_width = width.saturating_sub(1);
        let summary = self.summarised[axis];
        let leading = if summary { EDGE_ITEMS } else { 0 };
        let child =
            |i: usize| self.recurse(axis + 1, offset + i * stride, &next_hanging, next_width);
        let trailing: Vec<usize> = (leading..length).collect();
        let mut text = String::new();
        if axis + 1 == self.shape.len() {
            let separator_width = self.separator.trim_end().len().max(1);
            let item_width = width.saturating_sub(separator_width);
            let mut line = hanging.to_owned();
            let push = |text: &mut String, line: &mut String, word: &str, limit: usize| {
                if line.len() + word.len() > limit && line.len() > hanging.len() {
                    text.push_str(line.trim_end());
                    text.push('\n');
                    *line = hanging.to_owned();
                }
                line.push_str(word);
            };
            for i in 0..leading {
                push(&mut text, &mut line, &child(i), item_width);
                line.push_str(self.separator);
            }
            if summary {
                push(&mut text, &mut line, "...", item_width);
                line.push_str(self.separator);
            }
            if let Some((&last, rest)) = trailing.split_last() {
                for &i in rest {
                    push(&mut text, &mut line, &child(i), item_width);
                    line.push_str(self.separator);
                }
                push(&mut text, &mut line, &child(last), item_width);
            }
            text.push_str(&line);
        } else {
            let blank_lines = self.shape.len() - axis - 1;
            let line_separator =
                format!("{}{}", self.separator.trim_end(), "\n".repeat(blank_lines));
            for i in 0..leading {
                text.push_str(hanging);
                text.push_str(&child(i));
                text.push_str(&line_separator);
            }
            if summary {
                text.push_str(hanging);
                text.push_str("...");
                text.push_str(&line_separator);
            }
            if let Some((&last, rest)) = trailing.split_last() {
                for &i in rest {
                    text.push_str(hanging);
                    text.push_str(&child(i));
                    text.push_str(&line_separator);
                }
                text.push_str(hanging);
                text.push_str(&child(last));
            }
        }
        format!("[{}]", text.get(hanging.len()..).unwrap_or_default())
    }
}
