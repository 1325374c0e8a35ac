//! Draws the figures a program shows or saves (`plt.show()`,
//! `plt.savefig(...)`) as PNG images, with plotters.
//!
//! The interpreter records what the program drew as a
//! [`dojo_lang::figure::Figure`]; this module turns one into pixels: one
//! chart per axes in its grid cell, lines, markers, bars and images, the
//! titles, axis labels, limits, log scales, grid and legend the program
//! asked for. Text is set in the bundled DejaVu Sans
//! (`assets/fonts/`, compiled in), so figures look the same everywhere.

use std::ops::Range;
use std::sync::Once;

use dojo_lang::figure::{Axes, COLOR_CYCLE, Dash, Figure, Image, Rgb, Series, Style};
use plotters::coord::Shift;
use plotters::prelude::*;

/// DejaVu Sans 2.37 (Bitstream Vera licence: `assets/fonts/DejaVuSans-LICENSE.txt`).
static FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const FONT_NAME: &str = "sans-serif";

/// Pixels per inch of `figsize` (matplotlib's default dpi).
const DPI: f64 = 100.0;
/// Points drawn of one series at most (evenly thinned beyond).
const MAX_DRAWN_POINTS: usize = 4_000;

/// A figure drawn as a PNG image.
#[derive(Debug, Clone)]
pub struct RenderedFigure {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are compiled in and known to parse (tested below).
        let _ = plotters::style::register_font(FONT_NAME, FontStyle::Normal, FONT);
    });
}

/// The pixel size of `figure`: its `figsize` at 100 dpi, kept between
/// 320 x 240 and 1600 x 1600.
pub fn pixel_size(figure: &Figure) -> (u32, u32) {
    let (w, h) = figure.size_inches;
    let side = |inches: f64, low: f64| (inches * DPI).clamp(low, 1600.0).round() as u32;
    (side(w, 320.0), side(h, 240.0))
}

/// Draws `figure` and encodes it as PNG.
pub fn render(figure: &Figure) -> Result<RenderedFigure, String> {
    register_font();
    let (width, height) = pixel_size(figure);
    let mut buffer = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buffer, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let root = match &figure.title {
            Some(title) => root
                .titled(title, (FONT_NAME, 20))
                .map_err(|e| e.to_string())?,
            None => root,
        };
        for axes in &figure.axes {
            let cells = root.split_evenly((axes.rows.max(1), axes.cols.max(1)));
            if let Some(cell) = cells.get(axes.slot) {
                draw_axes(cell, axes)
                    .map_err(|e| format!("drawing figure {}: {e}", figure.number))?;
            }
        }
        root.present().map_err(|e| e.to_string())?;
    }
    let image = image::RgbImage::from_raw(width, height, buffer)
        .ok_or_else(|| "the figure's pixels do not fill its size".to_owned())?;
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(RenderedFigure { png, width, height })
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;
type DrawResult = Result<(), String>;

fn rgb(color: Rgb) -> RGBColor {
    RGBColor(color[0], color[1], color[2])
}

fn draw_axes(cell: &Area<'_>, axes: &Axes) -> DrawResult {
    let cell = cell.margin(6, 6, 6, 6);
    if let Some(image) = &axes.image
        && axes.series.is_empty()
    {
        let area = match &axes.title {
            Some(title) => cell
                .titled(title, (FONT_NAME, 14))
                .map_err(|e| e.to_string())?,
            None => cell,
        };
        return draw_image(&area, image, !axes.hidden);
    }
    let scale_x = Scale { log: axes.log_x };
    let scale_y = Scale { log: axes.log_y };
    let x_range = range(axes, true, scale_x);
    let y_range = range(axes, false, scale_y);
    let mut builder = ChartBuilder::on(&cell);
    builder.margin(6);
    if let Some(title) = &axes.title {
        builder.caption(title, (FONT_NAME, 15));
    }
    if !axes.hidden {
        builder
            .x_label_area_size(if axes.x_label.is_some() { 42 } else { 26 })
            .y_label_area_size(if axes.y_label.is_some() { 62 } else { 48 });
    }
    let mut chart = builder
        .build_cartesian_2d(x_range, y_range)
        .map_err(|e| e.to_string())?;
    if !axes.hidden {
        let x_format = move |v: &f64| scale_x.tick(*v);
        let y_format = move |v: &f64| scale_y.tick(*v);
        let mut mesh = chart.configure_mesh();
        mesh.x_labels(6)
            .y_labels(6)
            .x_label_formatter(&x_format)
            .y_label_formatter(&y_format)
            .label_style((FONT_NAME, 11))
            .axis_desc_style((FONT_NAME, 13))
            .light_line_style(TRANSPARENT);
        if axes.grid {
            mesh.bold_line_style(RGBColor(225, 225, 225));
        } else {
            mesh.bold_line_style(TRANSPARENT);
        }
        if let Some(label) = &axes.x_label {
            mesh.x_desc(label);
        }
        if let Some(label) = &axes.y_label {
            mesh.y_desc(label);
        }
        mesh.draw().map_err(|e| e.to_string())?;
    }
    let mut cycle = 0;
    let mut labelled = false;
    for series in &axes.series {
        let color = series.color.unwrap_or_else(|| {
            let color = COLOR_CYCLE[cycle % COLOR_CYCLE.len()];
            cycle += 1;
            color
        });
        let color = rgb(color);
        let points = points(series, scale_x, scale_y);
        let anno = match series.style {
            Style::Line { dash, markers } => {
                let style = color.stroke_width(2);
                if markers && points.len() <= 2_000 {
                    chart
                        .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                        .map_err(|e| e.to_string())?;
                }
                match dash {
                    Dash::Solid => chart
                        .draw_series(LineSeries::new(points.clone(), style))
                        .map_err(|e| e.to_string())?,
                    Dash::Dashed => chart
                        .draw_series(DashedLineSeries::new(points.clone(), 8, 5, style))
                        .map_err(|e| e.to_string())?,
                    Dash::Dotted => chart
                        .draw_series(DashedLineSeries::new(points.clone(), 2, 4, style))
                        .map_err(|e| e.to_string())?,
                }
            }
            Style::Points => chart
                .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                .map_err(|e| e.to_string())?,
            Style::Bars { width } => {
                let base = scale_y.map(0.0).unwrap_or(f64::MIN);
                chart
                    .draw_series(series.x.iter().zip(&series.y).filter_map(|(&x, &y)| {
                        let left = scale_x.map(x - width / 2.0)?;
                        let right = scale_x.map(x + width / 2.0)?;
                        let top = scale_y.map(y)?;
                        Some(Rectangle::new(
                            [(left, base), (right, top)],
                            color.mix(0.85).filled(),
                        ))
                    }))
                    .map_err(|e| e.to_string())?
            }
        };
        if axes.legend
            && let Some(label) = &series.label
        {
            labelled = true;
            anno.label(label.as_str()).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
        }
    }
    if labelled {
        chart
            .configure_series_labels()
            .label_font((FONT_NAME, 12))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(|e| e.to_string())?;
    }
    if let Some(image) = &axes.image {
        draw_image(&chart.plotting_area().strip_coord_spec(), image, false)?;
    }
    Ok(())
}

/// How one axis maps data: linear, or log10 (positive values only).
#[derive(Debug, Clone, Copy)]
struct Scale {
    log: bool,
}

impl Scale {
    fn map(self, value: f64) -> Option<f64> {
        match (self.log, value.is_finite()) {
            (_, false) => None,
            (true, _) if value <= 0.0 => None,
            (true, _) => Some(value.log10()),
            (false, _) => Some(value),
        }
    }

    fn tick(self, value: f64) -> String {
        if self.log {
            return format!("1e{}", trim(value, 1));
        }
        let magnitude = value.abs();
        if magnitude != 0.0 && !(1e-3..1e6).contains(&magnitude) {
            format!("{value:.1e}")
        } else {
            trim(value, 3)
        }
    }
}

/// `value` with at most `digits` decimals, trailing zeros dropped.
fn trim(value: f64, digits: usize) -> String {
    let text = format!("{value:.digits$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    if text == "-0" { "0".to_owned() } else { text }
}

/// The mapped points of `series`, thinned to [`MAX_DRAWN_POINTS`].
fn points(series: &Series, x: Scale, y: Scale) -> Vec<(f64, f64)> {
    let step = series.x.len().div_ceil(MAX_DRAWN_POINTS).max(1);
    series
        .x
        .iter()
        .zip(&series.y)
        .step_by(step)
        .filter_map(|(&a, &b)| Some((x.map(a)?, y.map(b)?)))
        .collect()
}

/// The data range of one axis of `axes` (mapped by `scale`), padded by 5 %,
/// with the program's limits where it set them.
fn range(axes: &Axes, horizontal: bool, scale: Scale) -> Range<f64> {
    let mut low = f64::INFINITY;
    let mut high = f64::NEG_INFINITY;
    for series in &axes.series {
        let (values, bars) = match (horizontal, series.style) {
            (true, Style::Bars { width }) => (&series.x, Some(width / 2.0)),
            (true, _) => (&series.x, None),
            (false, Style::Bars { .. }) => {
                if let Some(zero) = scale.map(0.0) {
                    low = low.min(zero);
                    high = high.max(zero);
                }
                (&series.y, None)
            }
            (false, _) => (&series.y, None),
        };
        for &value in values {
            let spread = bars.unwrap_or(0.0);
            for value in [value - spread, value + spread] {
                if let Some(mapped) = scale.map(value) {
                    low = low.min(mapped);
                    high = high.max(mapped);
                }
            }
        }
    }
    if let Some(image) = &axes.image {
        let side = if horizontal {
            image.width
        } else {
            image.height
        };
        low = low.min(0.0);
        high = high.max(side as f64);
    }
    if !low.is_finite() || !high.is_finite() {
        (low, high) = (0.0, 1.0);
    }
    if low == high {
        let spread = if low == 0.0 { 0.5 } else { low.abs() * 0.1 };
        (low, high) = (low - spread, high + spread);
    }
    let pad = (high - low) * 0.05;
    let (mut low, mut high) = (low - pad, high + pad);
    let limits = if horizontal {
        axes.x_limits
    } else {
        axes.y_limits
    };
    if let Some((set_low, set_high)) = limits {
        if let Some(value) = scale.map(set_low) {
            low = value;
        }
        if let Some(value) = scale.map(set_high) {
            high = value;
        }
    }
    if high <= low {
        high = low + 1.0;
    }
    low..high
}

/// Draws `image` centred in `area`, its aspect kept, nearest neighbour.
fn draw_image(area: &Area<'_>, image: &Image, frame: bool) -> DrawResult {
    let (width, height) = area.dim_in_pixel();
    if width == 0 || height == 0 || image.width == 0 || image.height == 0 {
        return Ok(());
    }
    let scale =
        (f64::from(width) / image.width as f64).min(f64::from(height) / image.height as f64);
    let drawn_w = ((image.width as f64 * scale).floor() as u32).max(1);
    let drawn_h = ((image.height as f64 * scale).floor() as u32).max(1);
    let left = (width - drawn_w.min(width)) / 2;
    let top = (height - drawn_h.min(height)) / 2;
    for row in 0..drawn_h {
        let source_row = ((f64::from(row) / scale) as usize).min(image.height - 1);
        for col in 0..drawn_w {
            let source_col = ((f64::from(col) / scale) as usize).min(image.width - 1);
            let at = (source_row * image.width + source_col) * 3;
            let color = RGBColor(image.rgb[at], image.rgb[at + 1], image.rgb[at + 2]);
            area.draw_pixel(((left + col) as i32, (top + row) as i32), &color)
                .map_err(|e| e.to_string())?;
        }
    }
    if frame {
        let (l, t) = (left as i32, top as i32);
        let (r, b) = ((left + drawn_w) as i32 - 1, (top + drawn_h) as i32 - 1);
        area.draw(&PathElement::new(
            vec![(l, t), (r, t), (r, b), (l, b), (l, t)],
            BLACK.stroke_width(1),
        ))
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use dojo_lang::figure::DEFAULT_SIZE_INCHES;

    use super::*;

    fn line(x: Vec<f64>, y: Vec<f64>, label: &str) -> Series {
        Series {
            x,
            y,
            label: Some(label.to_owned()),
            color: None,
            style: Style::Line {
                dash: Dash::Solid,
                markers: false,
            },
        }
    }

    fn decoded(rendered: &RenderedFigure) -> image::RgbImage {
        image::load_from_memory(&rendered.png)
            .map(|image| image.to_rgb8())
            .unwrap_or_else(|error| panic!("not a PNG: {error}"))
    }

    /// A figure of two curves in a legend is a PNG of matplotlib's size
    /// whose pixels show both cycle colours; the same figure draws the
    /// same bytes.
    #[test]
    fn a_loss_figure_is_drawn_in_the_cycle_colours() {
        let mut axes = Axes::new(1, 1, 0);
        axes.title = Some("loss".to_owned());
        axes.x_label = Some("epoch".to_owned());
        axes.legend = true;
        axes.grid = true;
        axes.series = vec![
            line(vec![0.0, 1.0, 2.0], vec![1.0, 0.5, 0.25], "train"),
            line(vec![0.0, 1.0, 2.0], vec![1.2, 0.8, 0.7], "val"),
        ];
        let figure = Figure {
            number: 1,
            title: None,
            size_inches: DEFAULT_SIZE_INCHES,
            axes: vec![axes],
            file_name: None,
        };
        let rendered = render(&figure).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!((rendered.width, rendered.height), (640, 480));
        let pixels = decoded(&rendered);
        assert_eq!(pixels.dimensions(), (640, 480));
        let count = |color: Rgb| pixels.pixels().filter(|p| p.0 == color).count();
        assert!(count(COLOR_CYCLE[0]) > 200, "{}", count(COLOR_CYCLE[0]));
        assert!(count(COLOR_CYCLE[1]) > 200, "{}", count(COLOR_CYCLE[1]));
        // Text was set: dark pixels beyond the two lines' colours.
        assert!(
            pixels
                .pixels()
                .filter(|p| p.0.iter().all(|&c| c < 80))
                .count()
                > 100
        );
        assert_eq!(
            render(&figure).map(|again| again.png).ok(),
            Some(rendered.png)
        );
    }

    /// An image fills its cell with its own pixels (aspect kept), and
    /// every cell of a grid is drawn; odd data (log of negatives, NaN,
    /// one point) draws without failing.
    #[test]
    fn images_grids_and_odd_data_draw() {
        let mut picture = Axes::new(1, 2, 0);
        picture.hidden = true;
        picture.image = Some(Image {
            width: 2,
            height: 2,
            rgb: vec![255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 0],
        });
        let mut odd = Axes::new(1, 2, 1);
        odd.log_y = true;
        odd.series = vec![
            line(vec![0.0, 1.0, 2.0], vec![-1.0, f64::NAN, 10.0], "odd"),
            line(vec![5.0], vec![5.0], "one"),
        ];
        let figure = Figure {
            number: 2,
            title: Some("grid".to_owned()),
            size_inches: (10.0, 4.0),
            axes: vec![picture, odd],
            file_name: Some("grid.png".to_owned()),
        };
        let rendered = render(&figure).unwrap_or_else(|error| panic!("{error}"));
        let pixels = decoded(&rendered);
        assert_eq!(pixels.dimensions(), (1000, 400));
        let red = pixels.pixels().filter(|p| p.0 == [255, 0, 0]).count();
        // A quarter of a square about 350 pixels a side.
        assert!(red > 20_000, "{red}");
    }
}
