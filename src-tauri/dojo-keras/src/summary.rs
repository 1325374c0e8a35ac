//! `model.summary()` as Keras 3 prints it through `rich` to a non-terminal
//! (80 columns): a boxed table whose cells wrap at spaces and truncate
//! over-long words with an ellipsis.

use crate::error::Result;
use crate::model::{Model, group_thousands};

/// Content widths of the columns, measured from Keras 3's output.
const CHAIN_WIDTHS: &[usize] = &[31, 22, 13];
const GRAPH_WIDTHS: &[usize] = &[19, 17, 10, 17];

/// Greedy word wrap; a word longer than `width` is cut to `width - 1`
/// characters plus "…".
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        let word: String = if word.chars().count() > width {
            word.chars()
                .take(width - 1)
                .chain(std::iter::once('…'))
                .collect()
        } else {
            word.to_string()
        };
        let cur_len = cur.chars().count();
        if cur.is_empty() {
            cur = word;
        } else if cur_len + 1 + word.chars().count() <= width {
            cur.push(' ');
            cur.push_str(&word);
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = word;
        }
    }
    lines.push(cur);
    lines
}

fn rule(widths: &[usize], left: char, mid: char, right: char, fill: char) -> String {
    let mut s = String::new();
    s.push(left);
    for (i, w) in widths.iter().enumerate() {
        s.extend(std::iter::repeat_n(fill, w + 2));
        s.push(if i + 1 == widths.len() { right } else { mid });
    }
    s.push('\n');
    s
}

fn row(cells: &[String], widths: &[usize], right_aligned: usize, sep: char) -> String {
    let wrapped: Vec<Vec<String>> = cells.iter().zip(widths).map(|(c, w)| wrap(c, *w)).collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    let mut s = String::new();
    for line in 0..height {
        s.push(sep);
        for (i, (cell, w)) in wrapped.iter().zip(widths).enumerate() {
            let text = cell.get(line).map_or("", String::as_str);
            let pad = w.saturating_sub(text.chars().count());
            s.push(' ');
            if i == right_aligned {
                s.extend(std::iter::repeat_n(' ', pad));
                s.push_str(text);
            } else {
                s.push_str(text);
                s.extend(std::iter::repeat_n(' ', pad));
            }
            s.push(' ');
            s.push(sep);
        }
        s.push('\n');
    }
    s
}

/// Keras's `readable_memory_size`.
fn memory(bytes: f64) -> String {
    let mut size = bytes;
    for unit in ["B", "KB", "MB", "GB", "TB"] {
        if size / 1024.0 < 1.0 {
            return format!("{size:.2} {unit}");
        }
        size /= 1024.0;
    }
    format!("{size:.2} PB")
}

pub(crate) fn render(model: &Model) -> Result<String> {
    let (rows, chain) = model.summary_rows();
    let widths = if chain { CHAIN_WIDTHS } else { GRAPH_WIDTHS };
    let mut header = vec![
        "Layer (type)".to_string(),
        "Output Shape".to_string(),
        "Param #".to_string(),
    ];
    if !chain {
        header.push("Connected to".to_string());
    }
    let mut s = format!("Model: \"{}\"\n", model.name());
    s.push_str(&rule(widths, '┏', '┳', '┓', '━'));
    s.push_str(&row(&header, widths, 2, '┃'));
    s.push_str(&rule(widths, '┡', '╇', '┩', '━'));
    for (i, (name, class, shape, params, inbound)) in rows.iter().enumerate() {
        if i > 0 {
            s.push_str(&rule(widths, '├', '┼', '┤', '─'));
        }
        let mut cells = vec![format!("{name} ({class})"), shape.clone(), params.clone()];
        if !chain {
            cells.push(if inbound.is_empty() {
                "-".to_string()
            } else {
                inbound
                    .iter()
                    .map(|n| format!("{n}[0][0]"))
                    .collect::<Vec<_>>()
                    .join(", ")
            });
        }
        s.push_str(&row(&cells, widths, 2, '│'));
    }
    s.push_str(&rule(widths, '└', '┴', '┘', '─'));
    let bytes = |trainable: bool| -> f64 {
        model
            .layers()
            .iter()
            .flat_map(|l| {
                let frozen = !l.trainable();
                l.weights()
                    .into_iter()
                    .map(move |w| (w.trainable && !frozen, w))
            })
            .filter(|(t, _)| *t == trainable)
            .map(|(_, w)| {
                // Keras keeps Normalization's `count` as an int64.
                let size = if w.name == "count" {
                    8
                } else {
                    w.var.dtype().size_in_bytes()
                };
                (w.var.elem_count() * size) as f64
            })
            .fold(0.0, |a, b| a + b)
    };
    let (t, n) = model.param_counts();
    let (tb, nb) = (bytes(true), bytes(false));
    s.push_str(&format!(
        " Total params: {} ({})\n",
        group_thousands(t + n),
        memory(tb + nb)
    ));
    s.push_str(&format!(
        " Trainable params: {} ({})\n",
        group_thousands(t),
        memory(tb)
    ));
    s.push_str(&format!(
        " Non-trainable params: {} ({})\n",
        group_thousands(n),
        memory(nb)
    ));
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_like_rich() {
        assert_eq!(
            wrap("batch_normalization (BatchNormalization)", 31),
            ["batch_normalization", "(BatchNormalization)"]
        );
        assert_eq!(wrap("input_layer_1[0][0]", 17), ["input_layer_1[0]…"]);
        assert_eq!(memory(407_080.0), "397.54 KB");
        assert_eq!(memory(0.0), "0.00 B");
    }
}
