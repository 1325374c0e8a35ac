//! `matplotlib.pyplot` as a figure recorder, and `IPython.display` as
//! stand-ins that do nothing.
//!
//! Exam files plot their series, their images and their loss curves
//! (`plt.plot(time, series)`, `plt.semilogx(lrs, loss)`,
//! `plt.subplot(4, 4, i + 1); plt.imshow(img)`, `plt.show()`). The calls
//! that put something on a figure are recorded as a [`Figure`]; `show()`
//! and `savefig()` hand it to the host (see
//! [`Interpreter::set_figure_sink`]), which draws it. Everything else
//! matplotlib has (`xticks`, `tight_layout`, `style.use`, ...) is a
//! stand-in: every attribute of one is one and calling one returns one,
//! so such calls run and change nothing.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;

use crate::error::{Exception, Result, type_error};
use crate::figure::{self, Axes, Dash, Figure, Image, Series, Style};
use crate::interp::Interpreter;
use crate::ndarray::{DType, NdArray};
use crate::object::{Args, Builtin, ModuleObject, NativeObject};
use crate::value::Value;

/// Figures drawn in one run at most; later ones are skipped with a note.
pub const MAX_FIGURES: u32 = 20;
/// Points kept of one series (evenly thinned beyond).
const MAX_POINTS: usize = 100_000;
/// The longest side an `imshow` image keeps (nearest-neighbour thinned).
const MAX_IMAGE_SIDE: usize = 512;

/// Something of a plotting library that does nothing.
struct StandIn {
    name: &'static str,
}

impl NativeObject for StandIn {
    fn type_name(&self) -> String {
        self.name.to_owned()
    }

    fn repr(&self) -> String {
        format!("<{} (not drawn in Dojo)>", self.name)
    }

    fn get_attribute(&self, this: &Rc<dyn NativeObject>, _name: &str) -> Result<Option<Value>> {
        Ok(Some(Value::Native(Rc::clone(this))))
    }

    fn set_attribute(&self, _name: &str, _value: Value) -> Result<bool> {
        Ok(true)
    }

    fn call(
        &self,
        this: &Rc<dyn NativeObject>,
        _interpreter: &mut Interpreter,
        _args: Args,
    ) -> Option<Result<Value>> {
        Some(Ok(Value::Native(Rc::clone(this))))
    }

    fn iterate(&self, _interpreter: &mut Interpreter) -> Option<Result<Vec<Value>>> {
        Some(Ok(Vec::new()))
    }

    fn get_item(&self, _index: &Value) -> Option<Result<Value>> {
        Some(Ok(stand_in(self.name)))
    }

    fn set_item(&self, _index: &Value, _value: Value) -> Option<Result<()>> {
        Some(Ok(()))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn stand_in(name: &'static str) -> Value {
    Value::Native(Rc::new(StandIn { name }))
}

/// A figure being drawn on.
struct OpenFigure {
    figure: Figure,
    /// Index in `figure.axes` of the current axes, if any.
    current: Option<usize>,
    /// Saved by `savefig` and unchanged since: `show()` does not draw it twice.
    saved: bool,
}

/// The pyplot state of one run: the open figures, the last one current.
#[derive(Default)]
struct Pyplot {
    open: RefCell<Vec<OpenFigure>>,
    next_number: Cell<u32>,
    drawn: Cell<u32>,
    noted: RefCell<BTreeSet<String>>,
}

/// Where an axes operation applies: the current axes, or one given.
type Target = Option<(u32, usize)>;

impl Pyplot {
    fn new_figure(&self, size_inches: Option<(f64, f64)>) -> u32 {
        let number = self.next_number.get() + 1;
        self.next_number.set(number);
        self.open.borrow_mut().push(OpenFigure {
            figure: Figure {
                number,
                title: None,
                size_inches: size_inches.unwrap_or(figure::DEFAULT_SIZE_INCHES),
                axes: Vec::new(),
                file_name: None,
            },
            current: None,
            saved: false,
        });
        number
    }

    /// The current figure's number, opening one if none is open.
    fn current_figure(&self) -> u32 {
        let current = self.open.borrow().last().map(|open| open.figure.number);
        current.unwrap_or_else(|| self.new_figure(None))
    }

    /// Makes figure `number` current; false if it is not open.
    fn select_figure(&self, number: u32) -> bool {
        let mut open = self.open.borrow_mut();
        match open.iter().position(|open| open.figure.number == number) {
            Some(index) => {
                let figure = open.remove(index);
                open.push(figure);
                true
            }
            None => false,
        }
    }

    fn with_figure<R>(&self, number: u32, change: impl FnOnce(&mut OpenFigure) -> R) -> Option<R> {
        let mut open = self.open.borrow_mut();
        let figure = open.iter_mut().find(|open| open.figure.number == number)?;
        figure.saved = false;
        Some(change(figure))
    }

    /// The axes in cell `slot` of a `rows` x `cols` grid of figure
    /// `number` (made current, created if new).
    fn subplot(&self, number: u32, rows: usize, cols: usize, slot: usize) -> (u32, usize) {
        let index = self
            .with_figure(number, |open| {
                let existing = open
                    .figure
                    .axes
                    .iter()
                    .position(|axes| (axes.rows, axes.cols, axes.slot) == (rows, cols, slot));
                let index = existing.unwrap_or_else(|| {
                    open.figure.axes.push(Axes::new(rows, cols, slot));
                    open.figure.axes.len() - 1
                });
                open.current = Some(index);
                index
            })
            .unwrap_or(0);
        (number, index)
    }

    /// The current axes of figure `number`, created if none.
    fn axes_of(&self, number: u32) -> (u32, usize) {
        let current = self
            .open
            .borrow()
            .iter()
            .find(|open| open.figure.number == number)
            .and_then(|open| open.current);
        match current {
            Some(index) => (number, index),
            None => self.subplot(number, 1, 1, 0),
        }
    }

    /// The current axes (of the current figure), created if none.
    fn current_axes(&self) -> (u32, usize) {
        self.axes_of(self.current_figure())
    }

    fn with_axes<R>(&self, target: Target, change: impl FnOnce(&mut Axes) -> R) -> Option<R> {
        let (number, index) = target.unwrap_or_else(|| self.current_axes());
        self.with_figure(number, |open| open.figure.axes.get_mut(index).map(change))
            .flatten()
    }

    fn close(&self, which: Option<u32>) {
        let mut open = self.open.borrow_mut();
        match which {
            Some(number) => open.retain(|open| open.figure.number != number),
            None => {
                open.pop();
            }
        }
    }

    /// Prints `text` the first time `key` is noted in the run.
    fn note_once(&self, interpreter: &mut Interpreter, key: &str, text: &str) {
        if self.noted.borrow_mut().insert(key.to_owned()) {
            interpreter.print(&format!("[Dojo] {text}\n"));
        }
    }

    /// Hands `figure` to the host to be drawn, within the run's figure
    /// budget; figures with nothing on them are skipped.
    fn draw(&self, interpreter: &mut Interpreter, figure: Figure) {
        if figure.axes.iter().all(Axes::is_empty) && figure.title.is_none() {
            return;
        }
        if self.drawn.get() >= MAX_FIGURES {
            self.note_once(
                interpreter,
                "too many",
                &format!("only the first {MAX_FIGURES} figures of a run are drawn"),
            );
            return;
        }
        if interpreter.emit_figure(figure) {
            self.drawn.set(self.drawn.get() + 1);
        } else {
            self.note_once(interpreter, "no sink", "figures are not drawn in this run");
        }
    }

    /// `plt.show()`: draws every open figure, then closes them.
    fn show(&self, interpreter: &mut Interpreter) {
        let open = std::mem::take(&mut *self.open.borrow_mut());
        for open in open {
            if !open.saved {
                self.draw(interpreter, open.figure);
            }
        }
    }

    /// `savefig(name)`: draws figure `number` under the file name.
    fn save(&self, interpreter: &mut Interpreter, number: u32, file_name: Option<String>) {
        let figure = self.with_figure(number, |open| {
            let mut figure = open.figure.clone();
            figure.file_name = file_name;
            figure
        });
        if let Some(figure) = figure {
            self.draw(interpreter, figure);
            let mut open = self.open.borrow_mut();
            if let Some(open) = open.iter_mut().find(|open| open.figure.number == number) {
                open.saved = true;
            }
        }
    }
}

// ----------------------------------------------------------------------
// Reading the program's data.

/// The numbers of `value` (a list, tuple, range, array or scalar) and
/// their shape, or `None` when it holds something else.
fn numbers(interpreter: &Interpreter, value: &Value) -> Option<(Vec<f64>, Vec<usize>)> {
    let array = crate::ndarray::to_ndarray(interpreter, value, None).ok()?;
    if array.dtype() == DType::Str {
        return None;
    }
    let items = crate::modules::numpy::convert::f64_items(&array).ok()?;
    Some((items, array.shape().to_vec()))
}

/// Every `step`-th item, so that at most [`MAX_POINTS`] remain.
fn thinned(items: Vec<f64>) -> Vec<f64> {
    if items.len() <= MAX_POINTS {
        return items;
    }
    let step = items.len().div_ceil(MAX_POINTS);
    items.into_iter().step_by(step).collect()
}

/// The columns of `y` (one series per column of a 2-D array, as
/// matplotlib plots them).
fn columns(items: &[f64], shape: &[usize]) -> Vec<Vec<f64>> {
    match shape {
        [rows, cols] if *cols > 1 => (0..*cols)
            .map(|col| (0..*rows).map(|row| items[row * cols + col]).collect())
            .collect(),
        _ => vec![items.to_vec()],
    }
}

fn text(value: &Value) -> String {
    value.to_str()
}

fn keyword_text(args: &Args, name: &str) -> Option<String> {
    args.keyword(name)
        .filter(|v| !matches!(v, Value::None))
        .map(|v| text(&v))
}

fn scalar(value: &Value) -> Option<f64> {
    match value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(x) => Some(*x),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => NdArray::from_value(value)
            .filter(|array| array.len() == 1 || array.ndim() == 0)
            .and_then(|array| crate::modules::numpy::convert::f64_items(&array).ok())
            .and_then(|items| items.first().copied()),
    }
}

fn pair(value: &Value) -> Option<(f64, f64)> {
    let items: Vec<Value> = match value {
        Value::List(items) => items.borrow().clone(),
        Value::Tuple(items) => items.to_vec(),
        _ => return None,
    };
    match items.as_slice() {
        [low, high] => Some((
            scalar(low).unwrap_or(f64::NAN),
            scalar(high).unwrap_or(f64::NAN),
        )),
        _ => None,
    }
}

/// The colour and line style keywords of a plotting call.
fn style_keywords(args: &Args, color: &mut Option<figure::Rgb>, style: &mut Style) {
    if let Some(spec) = keyword_text(args, "color").or_else(|| keyword_text(args, "c")) {
        *color = figure::parse_color(&spec).or(*color);
    }
    let dash = keyword_text(args, "linestyle").or_else(|| keyword_text(args, "ls"));
    if let (Some(dash), Style::Line { markers, .. }) = (dash, *style) {
        *style = match dash.as_str() {
            "" | "None" | "none" | " " => Style::Points,
            "--" | "dashed" | "-." | "dashdot" => Style::Line {
                dash: Dash::Dashed,
                markers,
            },
            ":" | "dotted" => Style::Line {
                dash: Dash::Dotted,
                markers,
            },
            _ => Style::Line {
                dash: Dash::Solid,
                markers,
            },
        };
    }
    if let (Some(marker), Style::Line { dash, .. }) = (keyword_text(args, "marker"), *style)
        && !matches!(marker.as_str(), "" | "None" | "none")
    {
        *style = Style::Line {
            dash,
            markers: true,
        };
    }
}

// ----------------------------------------------------------------------
// Axes operations, shared by `plt.<name>` and `ax.<name>`.

/// The operations that change an axes, by their `plt.` name; `ax.`
/// spells some of them `set_<name>`.
const AXES_OPERATIONS: &[&str] = &[
    "plot", "semilogx", "semilogy", "loglog", "scatter", "bar", "hist", "imshow", "title",
    "xlabel", "ylabel", "xlim", "ylim", "axis", "grid", "legend", "xscale", "yscale",
];

fn axes_operation(name: &str) -> Option<&'static str> {
    let name = name.strip_prefix("set_").unwrap_or(name);
    AXES_OPERATIONS.iter().copied().find(|known| *known == name)
}

fn run_axes_operation(
    state: &Rc<Pyplot>,
    interpreter: &mut Interpreter,
    target: Target,
    operation: &str,
    args: &Args,
) -> Result<Value> {
    let first = args.positional.first().cloned();
    match operation {
        "plot" | "semilogx" | "semilogy" | "loglog" => {
            let series = plot_series(state, interpreter, operation, args)?;
            let count = series.len();
            state.with_axes(target, |axes| {
                axes.log_x |= matches!(operation, "semilogx" | "loglog");
                axes.log_y |= matches!(operation, "semilogy" | "loglog");
                axes.series.extend(series);
            });
            Ok(Value::list(vec![stand_in("Line2D"); count]))
        }
        "scatter" | "bar" => {
            let (Some(x), Some(y)) = (
                args.get(0, "x"),
                args.get(1, "y").or_else(|| args.keyword("height")),
            ) else {
                return Err(type_error(format!("{operation}() needs x and y")));
            };
            let x_items = match &x {
                // Bars over category names stand at 0, 1, 2, ...
                Value::List(items)
                    if items
                        .borrow()
                        .iter()
                        .all(|item| matches!(item, Value::Str(_))) =>
                {
                    Some((
                        (0..items.borrow().len()).map(|i| i as f64).collect(),
                        vec![items.borrow().len()],
                    ))
                }
                _ => numbers(interpreter, &x),
            };
            let (Some((x, _)), Some((y, _))) = (x_items, numbers(interpreter, &y)) else {
                state.note_once(
                    interpreter,
                    operation,
                    &format!(
                        "plt.{operation}(...): these values cannot be drawn; the call is left out"
                    ),
                );
                return Ok(stand_in("PathCollection"));
            };
            check_lengths(x.len(), y.len())?;
            let mut color = None;
            let mut style = match operation {
                "bar" => Style::Bars {
                    width: args
                        .get(2, "width")
                        .as_ref()
                        .and_then(scalar)
                        .unwrap_or(0.8),
                },
                _ => Style::Points,
            };
            style_keywords(args, &mut color, &mut style);
            let series = Series {
                x: thinned(x),
                y: thinned(y),
                label: keyword_text(args, "label"),
                color,
                style,
            };
            state.with_axes(target, |axes| axes.series.push(series));
            Ok(stand_in("PathCollection"))
        }
        "hist" => {
            let values = first.as_ref().and_then(|value| numbers(interpreter, value));
            let Some((values, _)) = values else {
                state.note_once(
                    interpreter,
                    "hist",
                    "plt.hist(...): these values cannot be drawn; the call is left out",
                );
                return Ok(stand_in("BarContainer"));
            };
            let bins = args
                .get(1, "bins")
                .and_then(|bins| match bins {
                    Value::Int(n) => usize::try_from(n).ok(),
                    _ => None,
                })
                .unwrap_or(10)
                .clamp(1, 1000);
            let (centres, counts, width) = histogram(&values, bins);
            let mut color = None;
            let mut style = Style::Bars { width };
            style_keywords(args, &mut color, &mut style);
            let series = Series {
                x: centres.clone(),
                y: counts.clone(),
                label: keyword_text(args, "label"),
                color,
                style,
            };
            state.with_axes(target, |axes| axes.series.push(series));
            let counts = NdArray::from_f64(&[counts.len()], counts)
                .map_err(|e| type_error(e.to_string()))?;
            let edges: Vec<f64> = centres
                .iter()
                .map(|c| c - width / 2.0)
                .chain(centres.last().map(|c| c + width / 2.0))
                .collect();
            let edges =
                NdArray::from_f64(&[edges.len()], edges).map_err(|e| type_error(e.to_string()))?;
            Ok(Value::tuple(vec![
                counts.into_value(),
                edges.into_value(),
                stand_in("BarContainer"),
            ]))
        }
        "imshow" => {
            let image = first
                .as_ref()
                .and_then(|value| image(interpreter, value, args));
            match image {
                Some(image) => {
                    state.with_axes(target, |axes| axes.image = Some(image));
                }
                None => state.note_once(
                    interpreter,
                    "imshow",
                    "plt.imshow(...): only arrays of shape (height, width), (height, width, 1), (height, width, 3) or (height, width, 4) are drawn; this image is left out",
                ),
            }
            Ok(stand_in("AxesImage"))
        }
        "title" | "xlabel" | "ylabel" => {
            let label = first.or_else(|| args.keyword("label")).or_else(|| {
                args.keyword(match operation {
                    "title" => "label",
                    "xlabel" => "xlabel",
                    _ => "ylabel",
                })
            });
            let label = label.map(|label| text(&label));
            state.with_axes(target, |axes| match operation {
                "title" => axes.title = label,
                "xlabel" => axes.x_label = label,
                _ => axes.y_label = label,
            });
            Ok(stand_in("Text"))
        }
        "xlim" | "ylim" => {
            let (low_name, high_name) = if operation == "xlim" {
                ("left", "right")
            } else {
                ("bottom", "top")
            };
            let limits = match &first {
                Some(value @ (Value::List(_) | Value::Tuple(_))) => pair(value),
                Some(low) => Some((
                    scalar(low).unwrap_or(f64::NAN),
                    args.positional.get(1).and_then(scalar).unwrap_or(f64::NAN),
                )),
                None => {
                    let low = args
                        .keyword(low_name)
                        .or_else(|| args.keyword(&format!("{}min", &operation[..1])));
                    let high = args
                        .keyword(high_name)
                        .or_else(|| args.keyword(&format!("{}max", &operation[..1])));
                    (low.is_some() || high.is_some()).then(|| {
                        (
                            low.as_ref().and_then(scalar).unwrap_or(f64::NAN),
                            high.as_ref().and_then(scalar).unwrap_or(f64::NAN),
                        )
                    })
                }
            };
            if let Some(limits) = limits {
                state.with_axes(target, |axes| {
                    if operation == "xlim" {
                        axes.x_limits = Some(limits);
                    } else {
                        axes.y_limits = Some(limits);
                    }
                });
            }
            Ok(Value::tuple(vec![
                Value::Float(limits.map_or(0.0, |l| l.0)),
                Value::Float(limits.map_or(1.0, |l| l.1)),
            ]))
        }
        "axis" => {
            match &first {
                Some(Value::Str(mode)) => {
                    let mode = mode.to_ascii_lowercase();
                    state.with_axes(target, |axes| match mode.as_str() {
                        "off" => axes.hidden = true,
                        "on" => axes.hidden = false,
                        _ => {}
                    });
                }
                Some(Value::Bool(on)) => {
                    let on = *on;
                    state.with_axes(target, |axes| axes.hidden = !on);
                }
                Some(value @ (Value::List(_) | Value::Tuple(_))) => {
                    let items: Vec<f64> = match value {
                        Value::List(items) => items.borrow().iter().filter_map(scalar).collect(),
                        Value::Tuple(items) => items.iter().filter_map(scalar).collect(),
                        _ => Vec::new(),
                    };
                    if let [x0, x1, y0, y1] = items[..] {
                        state.with_axes(target, |axes| {
                            axes.x_limits = Some((x0, x1));
                            axes.y_limits = Some((y0, y1));
                        });
                    }
                }
                _ => {}
            }
            Ok(stand_in("axis"))
        }
        "grid" => {
            let visible = first
                .or_else(|| args.keyword("visible"))
                .or_else(|| args.keyword("b"))
                .is_none_or(|value| value.truthy() || matches!(value, Value::None));
            state.with_axes(target, |axes| axes.grid = visible);
            Ok(Value::None)
        }
        "legend" => {
            // `legend(['train', 'validation'])` names the series in order.
            let labels: Option<Vec<String>> = match (&first, args.positional.len()) {
                (Some(Value::List(items)), 1) => Some(items.borrow().iter().map(text).collect()),
                (Some(Value::Tuple(items)), 1) => Some(items.iter().map(text).collect()),
                (Some(_), n)
                    if n >= 1 && args.positional.iter().all(|v| matches!(v, Value::Str(_))) =>
                {
                    Some(args.positional.iter().map(text).collect())
                }
                _ => None,
            };
            state.with_axes(target, |axes| {
                axes.legend = true;
                if let Some(labels) = labels {
                    for (series, label) in axes.series.iter_mut().zip(labels) {
                        series.label = Some(label);
                    }
                }
            });
            Ok(stand_in("Legend"))
        }
        "xscale" | "yscale" => {
            let log = first.is_some_and(|scale| matches!(text(&scale).as_str(), "log" | "symlog"));
            state.with_axes(target, |axes| {
                if operation == "xscale" {
                    axes.log_x = log;
                } else {
                    axes.log_y = log;
                }
            });
            Ok(Value::None)
        }
        _ => Ok(stand_in("pyplot")),
    }
}

fn check_lengths(x: usize, y: usize) -> Result<()> {
    if x != y {
        return Err(Exception::new(
            "ValueError",
            format!("x and y must have same first dimension, but have shapes ({x},) and ({y},)"),
        ));
    }
    Ok(())
}

/// The series of `plot(*args)`: groups of `[x], y, [fmt]`.
fn plot_series(
    state: &Rc<Pyplot>,
    interpreter: &mut Interpreter,
    operation: &str,
    args: &Args,
) -> Result<Vec<Series>> {
    let positional = &args.positional;
    let mut series = Vec::new();
    let mut at = 0;
    while at < positional.len() {
        if matches!(positional[at], Value::Str(_)) {
            return Err(type_error(format!(
                "{operation}() got a format string {} before any data",
                positional[at].repr()
            )));
        }
        let first = &positional[at];
        let second = positional
            .get(at + 1)
            .filter(|v| !matches!(v, Value::Str(_)));
        let (x, y) = match second {
            Some(y) => {
                at += 2;
                (Some(first), y)
            }
            None => {
                at += 1;
                (None, first)
            }
        };
        let format = match positional.get(at) {
            Some(Value::Str(format)) => {
                at += 1;
                Some(format.to_string())
            }
            _ => None,
        };
        let y_numbers = numbers(interpreter, y);
        let x_numbers = x.map(|x| numbers(interpreter, x));
        let (Some((y_items, y_shape)), Some(x_numbers)) =
            (y_numbers, x_numbers.map_or(Some(None), |x| x.map(Some)))
        else {
            state.note_once(
                interpreter,
                operation,
                &format!("plt.{operation}(...): these values cannot be drawn (give lists or numpy arrays of numbers); the series is left out"),
            );
            continue;
        };
        let rows = y_shape.first().copied().unwrap_or(1);
        let x_items = match x_numbers {
            Some((x_items, _)) => x_items,
            None => (0..rows).map(|i| i as f64).collect(),
        };
        let ys = if y_shape.is_empty() {
            vec![y_items]
        } else {
            columns(&y_items, &y_shape)
        };
        let (mut color, mut style) = (
            None,
            Style::Line {
                dash: Dash::Solid,
                markers: false,
            },
        );
        if let Some(format) = &format {
            match figure::parse_format(format) {
                Some((format_color, format_style)) => {
                    color = format_color;
                    style = format_style;
                }
                None => {
                    return Err(Exception::new(
                        "ValueError",
                        format!(
                            "{} is not a valid format string (unrecognized character)",
                            Value::str(format).repr()
                        ),
                    ));
                }
            }
        }
        style_keywords(args, &mut color, &mut style);
        let label = keyword_text(args, "label");
        for y in ys {
            check_lengths(x_items.len(), y.len())?;
            series.push(Series {
                x: thinned(x_items.clone()),
                y: thinned(y),
                label: label.clone(),
                color,
                style,
            });
        }
    }
    Ok(series)
}

/// Bar centres, counts and the bar width of `values` in `bins` equal bins.
fn histogram(values: &[f64], bins: usize) -> (Vec<f64>, Vec<f64>, f64) {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let low = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let high = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (low, high) = if finite.is_empty() {
        (0.0, 1.0)
    } else if low == high {
        (low - 0.5, high + 0.5)
    } else {
        (low, high)
    };
    let width = (high - low) / bins as f64;
    let mut counts = vec![0.0; bins];
    for value in finite {
        let bin = (((value - low) / width) as usize).min(bins - 1);
        counts[bin] += 1.0;
    }
    let centres = (0..bins).map(|i| low + width * (i as f64 + 0.5)).collect();
    (centres, counts, width)
}

/// An `imshow` image as RGB: 2-D data through a colour map (`gray`, or
/// matplotlib's default viridis), 3-D data as RGB(A) in [0, 1] (floats)
/// or 0..255 (integers).
fn image(interpreter: &Interpreter, value: &Value, args: &Args) -> Option<Image> {
    let (items, shape) = numbers(interpreter, value)?;
    let is_float = NdArray::from_value(value).is_none_or(|array| array.dtype().is_float());
    let (height, width, channels) = match shape[..] {
        [h, w] => (h, w, 1),
        [h, w, c @ (1 | 3 | 4)] => (h, w, c),
        _ => return None,
    };
    if height == 0 || width == 0 {
        return None;
    }
    let step = height.max(width).div_ceil(MAX_IMAGE_SIDE).max(1);
    let (out_h, out_w) = (height.div_ceil(step), width.div_ceil(step));
    let cmap = keyword_text(args, "cmap")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let (low, high) = if channels == 1 {
        let finite = items.iter().copied().filter(|v| v.is_finite());
        let low = args
            .keyword("vmin")
            .as_ref()
            .and_then(scalar)
            .unwrap_or_else(|| finite.clone().fold(f64::INFINITY, f64::min));
        let high = args
            .keyword("vmax")
            .as_ref()
            .and_then(scalar)
            .unwrap_or_else(|| finite.fold(f64::NEG_INFINITY, f64::max));
        (low, high)
    } else {
        (0.0, if is_float { 1.0 } else { 255.0 })
    };
    let span = if high > low { high - low } else { 1.0 };
    let mut rgb = Vec::with_capacity(out_h * out_w * 3);
    for row in (0..height).step_by(step) {
        for col in (0..width).step_by(step) {
            let at = (row * width + col) * channels;
            if channels == 1 {
                let t = ((items[at] - low) / span).clamp(0.0, 1.0);
                let t = if t.is_nan() { 0.0 } else { t };
                rgb.extend_from_slice(&color_map(&cmap, t));
            } else {
                for channel in 0..3 {
                    let v = ((items[at + channel] - low) / span).clamp(0.0, 1.0);
                    rgb.push((v * 255.0).round() as u8);
                }
            }
        }
    }
    Some(Image {
        width: out_w,
        height: out_h,
        rgb,
    })
}

/// `t` in [0, 1] through the colour map `name`.
fn color_map(name: &str, t: f64) -> figure::Rgb {
    let gray = |t: f64| {
        let v = (t * 255.0).round() as u8;
        [v, v, v]
    };
    match name.trim_end_matches("_r") {
        "gray" | "grey" | "greys_r" => {
            if name.ends_with("_r") {
                gray(1.0 - t)
            } else {
                gray(t)
            }
        }
        "binary" | "greys" => gray(1.0 - t),
        _ => {
            // viridis, through five of its stops.
            const STOPS: [[f64; 3]; 5] = [
                [68.0, 1.0, 84.0],
                [59.0, 82.0, 139.0],
                [33.0, 145.0, 140.0],
                [94.0, 201.0, 98.0],
                [253.0, 231.0, 37.0],
            ];
            let position = t * 4.0;
            let index = (position.floor() as usize).min(3);
            let f = position - index as f64;
            let (a, b) = (STOPS[index], STOPS[index + 1]);
            [0, 1, 2].map(|c| (a[c] + (b[c] - a[c]) * f).round() as u8)
        }
    }
}

// ----------------------------------------------------------------------
// The Python objects.

/// `matplotlib.pyplot`.
struct PyplotModule {
    state: Rc<Pyplot>,
}

/// An `Axes` of an open figure.
struct AxesHandle {
    state: Rc<Pyplot>,
    figure: u32,
    index: usize,
}

/// A `Figure`.
struct FigureHandle {
    state: Rc<Pyplot>,
    number: u32,
}

/// The array of axes `plt.subplots(rows, cols)` returns.
struct AxesGrid {
    /// Row by row; `cols` per row (1-D when `rows` is 1).
    handles: Vec<Value>,
    rows: usize,
    cols: usize,
    two_d: bool,
}

fn axes_value(state: &Rc<Pyplot>, (figure, index): (u32, usize)) -> Value {
    Value::Native(Rc::new(AxesHandle {
        state: Rc::clone(state),
        figure,
        index,
    }))
}

fn figure_value(state: &Rc<Pyplot>, number: u32) -> Value {
    Value::Native(Rc::new(FigureHandle {
        state: Rc::clone(state),
        number,
    }))
}

/// `figsize=(w, h)` of a call, if given.
fn figure_size(args: &Args) -> Option<(f64, f64)> {
    args.keyword("figsize")
        .as_ref()
        .and_then(pair)
        .filter(|(w, h)| w.is_finite() && h.is_finite() && *w > 0.0 && *h > 0.0)
}

/// `subplot(2, 2, 1)` or `subplot(221)`: rows, columns and 0-based slot.
fn subplot_position(args: &Args) -> Result<(usize, usize, usize)> {
    let integer = |value: &Value| match value {
        Value::Int(i) => usize::try_from(*i).ok(),
        _ => None,
    };
    let position = match args.positional.as_slice() {
        [] => Some((1, 1, 1)),
        [code] => integer(code)
            .filter(|code| (111..=999).contains(code))
            .map(|code| (code / 100, code / 10 % 10, code % 10)),
        [rows, cols, index, ..] => match (integer(rows), integer(cols), integer(index)) {
            (Some(r), Some(c), Some(i)) => Some((r, c, i)),
            _ => None,
        },
        _ => None,
    };
    match position {
        Some((rows, cols, index))
            if rows >= 1
                && cols >= 1
                && rows * cols <= 400
                && (1..=rows * cols).contains(&index) =>
        {
            Ok((rows, cols, index - 1))
        }
        _ => Err(Exception::new(
            "ValueError",
            "subplot() takes (nrows, ncols, index) with 1 <= index <= nrows * ncols, or a three-digit integer such as 221",
        )),
    }
}

fn subplots(state: &Rc<Pyplot>, args: &Args) -> Result<Value> {
    let count = |position: usize, name: &str| match args.get(position, name) {
        None => Ok(1),
        Some(Value::Int(n)) if (1..=20).contains(&n) => Ok(n as usize),
        Some(other) => Err(Exception::new(
            "ValueError",
            format!(
                "subplots(): {name} must be an integer from 1 to 20, not {}",
                other.repr()
            ),
        )),
    };
    let (rows, cols) = (count(0, "nrows")?, count(1, "ncols")?);
    let number = state.new_figure(figure_size(args));
    let handles: Vec<Value> = (0..rows * cols)
        .map(|slot| axes_value(state, state.subplot(number, rows, cols, slot)))
        .collect();
    state.with_figure(number, |open| open.current = Some(0));
    let squeeze = args.keyword("squeeze").is_none_or(|s| s.truthy());
    let axes = if rows * cols == 1 && squeeze {
        handles[0].clone()
    } else {
        Value::Native(Rc::new(AxesGrid {
            handles,
            rows,
            cols,
            two_d: !squeeze || (rows > 1 && cols > 1),
        }))
    };
    Ok(Value::tuple(vec![figure_value(state, number), axes]))
}

/// `savefig(fname)`: the file name (last path component) of a path.
fn file_name(args: &Args) -> Option<String> {
    match args.get(0, "fname") {
        Some(Value::Str(path)) => path
            .rsplit('/')
            .next()
            .map(str::to_owned)
            .filter(|name| !name.is_empty()),
        _ => None,
    }
}

/// The `pyplot` functions beyond the axes operations that act on the
/// current axes ([`AXES_OPERATIONS`]).
const PYPLOT_FUNCTIONS: &[&str] = &[
    "figure", "subplots", "subplot", "gcf", "gca", "suptitle", "show", "savefig", "close", "clf",
    "cla",
];

fn pyplot_function(state: &Rc<Pyplot>, name: &str) -> Option<Value> {
    let state = Rc::clone(state);
    let function = move |interpreter: &mut Interpreter, args: Args, name: &str| -> Result<Value> {
        if let Some(operation) = axes_operation(name).filter(|_| !name.starts_with("set_")) {
            return run_axes_operation(&state, interpreter, None, operation, &args);
        }
        match name {
            "figure" => {
                if let Some(Value::Int(number)) = args.get(0, "num")
                    && let Ok(number) = u32::try_from(number)
                    && state.select_figure(number)
                {
                    return Ok(figure_value(&state, number));
                }
                let number = state.new_figure(figure_size(&args));
                Ok(figure_value(&state, number))
            }
            "subplots" => subplots(&state, &args),
            "subplot" => {
                let (rows, cols, slot) = subplot_position(&args)?;
                let number = state.current_figure();
                Ok(axes_value(&state, state.subplot(number, rows, cols, slot)))
            }
            "gcf" => Ok(figure_value(&state, state.current_figure())),
            "gca" => Ok(axes_value(&state, state.current_axes())),
            "suptitle" => {
                let title = args.get(0, "t").map(|t| text(&t));
                let number = state.current_figure();
                state.with_figure(number, |open| open.figure.title = title);
                Ok(stand_in("Text"))
            }
            "show" => {
                state.show(interpreter);
                Ok(Value::None)
            }
            "savefig" => {
                let number = state.current_figure();
                state.save(interpreter, number, file_name(&args));
                Ok(Value::None)
            }
            "close" => {
                match args.positional.first() {
                    Some(Value::Str(all)) if &**all == "all" => state.open.borrow_mut().clear(),
                    Some(Value::Int(number)) => state.close(u32::try_from(*number).ok()),
                    Some(Value::Native(native)) => {
                        if let Some(handle) = native.as_any().downcast_ref::<FigureHandle>() {
                            state.close(Some(handle.number));
                        }
                    }
                    _ => state.close(None),
                }
                Ok(Value::None)
            }
            "clf" => {
                let number = state.current_figure();
                state.with_figure(number, |open| {
                    open.figure.axes.clear();
                    open.current = None;
                });
                Ok(Value::None)
            }
            "cla" => {
                state.with_axes(None, |axes| {
                    *axes = Axes::new(axes.rows, axes.cols, axes.slot)
                });
                Ok(Value::None)
            }
            _ => Ok(stand_in("matplotlib.pyplot")),
        }
    };
    let known = axes_operation(name).is_some() || PYPLOT_FUNCTIONS.contains(&name);
    known.then(|| {
        let owned = name.to_owned();
        Builtin::value(name, move |interpreter, args| {
            function(interpreter, args, &owned)
        })
    })
}

impl NativeObject for PyplotModule {
    fn type_name(&self) -> String {
        "module".to_owned()
    }

    fn repr(&self) -> String {
        "<module 'matplotlib.pyplot'>".to_owned()
    }

    fn get_attribute(&self, _this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        Ok(Some(
            pyplot_function(&self.state, name).unwrap_or_else(|| stand_in("matplotlib.pyplot")),
        ))
    }

    /// What `pyplot` records; the other names are stand-ins, not offered.
    fn attribute_names(&self) -> Vec<String> {
        AXES_OPERATIONS
            .iter()
            .chain(PYPLOT_FUNCTIONS)
            .map(|name| (*name).to_owned())
            .collect()
    }

    fn set_attribute(&self, _name: &str, _value: Value) -> Result<bool> {
        Ok(true)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl NativeObject for AxesHandle {
    fn type_name(&self) -> String {
        "Axes".to_owned()
    }

    fn repr(&self) -> String {
        format!("<Axes {} of figure {}>", self.index + 1, self.figure)
    }

    fn get_attribute(&self, _this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        let (figure, index) = (self.figure, self.index);
        let target = Some((figure, index));
        let state = Rc::clone(&self.state);
        if let Some(operation) = axes_operation(name) {
            return Ok(Some(Builtin::value(name, move |interpreter, args| {
                run_axes_operation(&state, interpreter, target, operation, &args)
            })));
        }
        Ok(Some(match name {
            "figure" => figure_value(&self.state, self.figure),
            "get_figure" => {
                let number = self.figure;
                Builtin::value(name, move |_, _| Ok(figure_value(&state, number)))
            }
            // A twin axes draws on the same area here.
            "twinx" | "twiny" => {
                Builtin::value(name, move |_, _| Ok(axes_value(&state, (figure, index))))
            }
            _ => stand_in("Axes"),
        }))
    }

    fn set_attribute(&self, _name: &str, _value: Value) -> Result<bool> {
        Ok(true)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl NativeObject for FigureHandle {
    fn type_name(&self) -> String {
        "Figure".to_owned()
    }

    fn repr(&self) -> String {
        format!("<Figure {}>", self.number)
    }

    fn get_attribute(&self, _this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        let state = Rc::clone(&self.state);
        let number = self.number;
        Ok(Some(match name {
            "number" => Value::Int(i64::from(number)),
            "axes" => {
                let count = self
                    .state
                    .open
                    .borrow()
                    .iter()
                    .find(|open| open.figure.number == number)
                    .map_or(0, |open| open.figure.axes.len());
                Value::list(
                    (0..count)
                        .map(|index| axes_value(&self.state, (number, index)))
                        .collect(),
                )
            }
            "add_subplot" => Builtin::value(name, move |_, args| {
                let (rows, cols, slot) = subplot_position(&args)?;
                Ok(axes_value(&state, state.subplot(number, rows, cols, slot)))
            }),
            "gca" => Builtin::value(name, move |_, _| {
                Ok(axes_value(&state, state.axes_of(number)))
            }),
            "suptitle" => Builtin::value(name, move |_, args| {
                let title = args.get(0, "t").map(|t| text(&t));
                state.with_figure(number, |open| open.figure.title = title);
                Ok(stand_in("Text"))
            }),
            "savefig" => Builtin::value(name, move |interpreter, args| {
                state.save(interpreter, number, file_name(&args));
                Ok(Value::None)
            }),
            "show" => Builtin::value(name, move |interpreter, _| {
                let figure = state.with_figure(number, |open| open.figure.clone());
                state.close(Some(number));
                if let Some(figure) = figure {
                    state.draw(interpreter, figure);
                }
                Ok(Value::None)
            }),
            "set_size_inches" => Builtin::value(name, move |_, args| {
                let size = match (args.positional.first(), args.positional.get(1)) {
                    (Some(w), Some(h)) => scalar(w).zip(scalar(h)),
                    (Some(both), None) => pair(both),
                    _ => None,
                };
                if let Some(size) = size.filter(|(w, h)| *w > 0.0 && *h > 0.0) {
                    state.with_figure(number, |open| open.figure.size_inches = size);
                }
                Ok(Value::None)
            }),
            _ => stand_in("Figure"),
        }))
    }

    fn set_attribute(&self, _name: &str, _value: Value) -> Result<bool> {
        Ok(true)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl AxesGrid {
    fn row(&self, row: usize) -> Value {
        Value::Native(Rc::new(AxesGrid {
            handles: self.handles[row * self.cols..(row + 1) * self.cols].to_vec(),
            rows: 1,
            cols: self.cols,
            two_d: false,
        }))
    }

    fn flat(&self) -> Value {
        Value::Native(Rc::new(AxesGrid {
            handles: self.handles.clone(),
            rows: 1,
            cols: self.handles.len(),
            two_d: false,
        }))
    }

    fn len(&self) -> usize {
        if self.two_d {
            self.rows
        } else {
            self.handles.len()
        }
    }
}

fn grid_index(index: i64, len: usize) -> Result<usize> {
    let resolved = if index < 0 { index + len as i64 } else { index };
    usize::try_from(resolved)
        .ok()
        .filter(|&i| i < len)
        .ok_or_else(|| {
            Exception::new(
                "IndexError",
                format!("index {index} is out of bounds for axis 0 with size {len}"),
            )
        })
}

impl NativeObject for AxesGrid {
    fn type_name(&self) -> String {
        "ndarray".to_owned()
    }

    fn repr(&self) -> String {
        format!("array of {} Axes", self.handles.len())
    }

    fn length(&self) -> Option<usize> {
        Some(self.len())
    }

    fn iterate(&self, _interpreter: &mut Interpreter) -> Option<Result<Vec<Value>>> {
        Some(Ok(if self.two_d {
            (0..self.rows).map(|row| self.row(row)).collect()
        } else {
            self.handles.clone()
        }))
    }

    fn get_item(&self, index: &Value) -> Option<Result<Value>> {
        Some(match index {
            Value::Int(i) => grid_index(*i, self.len()).map(|i| {
                if self.two_d {
                    self.row(i)
                } else {
                    self.handles[i].clone()
                }
            }),
            Value::Tuple(items) if self.two_d => match &items[..] {
                [Value::Int(row), Value::Int(col)] => grid_index(*row, self.rows).and_then(|row| {
                    grid_index(*col, self.cols)
                        .map(|col| self.handles[row * self.cols + col].clone())
                }),
                _ => Err(type_error("an array of axes is indexed by integers")),
            },
            _ => Err(type_error("an array of axes is indexed by integers")),
        })
    }

    fn get_attribute(&self, _this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        let flat = self.flat();
        Ok(match name {
            "flat" => Some(flat),
            "flatten" | "ravel" => Some(Builtin::value(name, move |_, _| Ok(flat.clone()))),
            "shape" => Some(if self.two_d {
                Value::tuple(vec![
                    Value::Int(self.rows as i64),
                    Value::Int(self.cols as i64),
                ])
            } else {
                Value::tuple(vec![Value::Int(self.handles.len() as i64)])
            }),
            "size" => Some(Value::Int(self.handles.len() as i64)),
            _ => None,
        })
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ----------------------------------------------------------------------
// The modules.

pub(super) fn pyplot(_interpreter: &mut Interpreter) -> Result<Value> {
    Ok(Value::Native(Rc::new(PyplotModule {
        state: Rc::new(Pyplot::default()),
    })))
}

pub(super) fn matplotlib(interpreter: &mut Interpreter) -> Result<Value> {
    let pyplot = interpreter.import("matplotlib.pyplot")?;
    Ok(Value::Module(ModuleObject::new(
        "matplotlib",
        vec![
            ("pyplot", pyplot),
            ("use", stand_in("matplotlib.use")),
            ("rcParams", stand_in("matplotlib.rcParams")),
            ("image", stand_in("matplotlib.image")),
            ("ticker", stand_in("matplotlib.ticker")),
            ("cm", stand_in("matplotlib.cm")),
            ("style", stand_in("matplotlib.style")),
        ],
    )))
}

/// `matplotlib.image`: `imread` gives a stand-in (Dojo does not decode
/// files for matplotlib), which `imshow` leaves out with a note.
pub(super) fn matplotlib_image(_interpreter: &mut Interpreter) -> Result<Value> {
    Ok(stand_in("matplotlib.image"))
}

pub(super) fn matplotlib_ticker(_interpreter: &mut Interpreter) -> Result<Value> {
    Ok(stand_in("matplotlib.ticker"))
}

pub(super) fn ipython(_interpreter: &mut Interpreter) -> Result<Value> {
    Ok(Value::Module(ModuleObject::new(
        "IPython",
        vec![("display", stand_in("IPython.display"))],
    )))
}

pub(super) fn ipython_display(_interpreter: &mut Interpreter) -> Result<Value> {
    Ok(Value::Module(ModuleObject::new(
        "IPython.display",
        vec![
            ("display", stand_in("IPython.display.display")),
            ("clear_output", stand_in("IPython.display.clear_output")),
            ("Image", stand_in("IPython.display.Image")),
            ("HTML", stand_in("IPython.display.HTML")),
        ],
    )))
}
