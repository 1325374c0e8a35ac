//! A line chart drawn by plotters on a `<canvas>`. It redraws only when its
//! `revision` signal changes, and records the number of points drawn in the
//! canvas's `data-points` attribute.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use crate::curves::{ChartData, Style};

const INK: RGBColor = RGBColor(0x1f, 0x29, 0x37);
const ACCENT: RGBColor = RGBColor(0xd9, 0x77, 0x06);
const MUTED: RGBColor = RGBColor(0x9c, 0xa3, 0xaf);
const GRID: RGBColor = RGBColor(0xe5, 0xe7, 0xeb);
const LIGHT_GRID: RGBColor = RGBColor(0xf6, 0xf7, 0xf9);
/// The second of two compared runs: blue for training, green for validation.
const OTHER: RGBColor = RGBColor(0x25, 0x63, 0xeb);
const OTHER_VALIDATION: RGBColor = RGBColor(0x05, 0x96, 0x69);

/// Draws `data()` whenever `revision` changes.
#[component]
pub fn Chart<F>(
    /// The canvas id, for tests.
    id: &'static str,
    /// Shown above the plot.
    title: String,
    /// Changes whenever the data may have changed.
    #[prop(into)]
    revision: Signal<u64>,
    /// The series to draw, read without tracking.
    data: F,
    /// When the newest epoch in `data` was sent (unix ms). The first draw
    /// that shows a new epoch records its delay, send to drawn, in the
    /// canvas's `data-epoch-latency-ms` (and the run's worst in
    /// `data-epoch-latency-max-ms`): the benchmark of "an epoch's point
    /// reaches the chart".
    #[prop(optional, into)]
    epoch_sent_at: Option<Signal<Option<i64>>>,
    /// When that epoch's event reached the UI (unix ms): the same draw
    /// records the delivery part of the delay, sent to received, in
    /// `data-epoch-delivery-ms`.
    #[prop(optional, into)]
    epoch_received_at: Option<Signal<Option<i64>>>,
) -> impl IntoView
where
    F: Fn() -> ChartData + 'static,
{
    let canvas = NodeRef::<Canvas>::new();
    let caption = title.clone();
    let measured = StoredValue::new((None::<i64>, 0i64));
    Effect::new(move |_| {
        revision.track();
        let Some(element) = canvas.get() else {
            return;
        };
        let data = untrack(&data);
        if let Err(error) = draw(element.clone(), &caption, &data) {
            leptos::logging::warn!("chart {id}: {error}");
        }
        let _ = element.set_attribute("data-points", &data.point_count().to_string());
        let sent = epoch_sent_at.and_then(|stamp| stamp.get_untracked());
        let (last, worst) = measured.get_value();
        if let Some(sent) = sent.filter(|sent| Some(*sent) != last) {
            let latency = js_sys::Date::now() as i64 - sent;
            let worst = if last.is_none() {
                latency
            } else {
                worst.max(latency)
            };
            measured.set_value((Some(sent), worst));
            let _ = element.set_attribute("data-epoch-latency-ms", &latency.to_string());
            let _ = element.set_attribute("data-epoch-latency-max-ms", &worst.to_string());
            if let Some(received) = epoch_received_at.and_then(|stamp| stamp.get_untracked()) {
                let _ =
                    element.set_attribute("data-epoch-delivery-ms", &(received - sent).to_string());
            }
        }
    });
    view! { <canvas id=id class="chart" width="560" height="200" data-points="0" node_ref=canvas></canvas> }
}

fn draw(canvas: HtmlCanvasElement, title: &str, data: &ChartData) -> Result<(), String> {
    let backend =
        CanvasBackend::with_canvas_object(canvas).ok_or("the canvas has no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|error| error.to_string())?;
    let Some(((x0, x1), (y0, y1))) = data.ranges() else {
        root.titled(title, ("sans-serif", 13).into_font().color(&INK))
            .map_err(|error| error.to_string())?;
        return root.present().map_err(|error| error.to_string());
    };
    if data.log_x {
        plot(&root, title, data, (x0..x1).log_scale(), y0..y1)?;
    } else {
        plot(&root, title, data, x0..x1, y0..y1)?;
    }
    root.present().map_err(|error| error.to_string())
}

fn plot<X, Y>(
    root: &DrawingArea<CanvasBackend, Shift>,
    title: &str,
    data: &ChartData,
    x: X,
    y: Y,
) -> Result<(), String>
where
    X: AsRangedCoord<Value = f64>,
    Y: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let text = |size: u32| ("sans-serif", size).into_font().color(&INK);
    let mut chart = ChartBuilder::on(root)
        .caption(title, text(13))
        .margin(6)
        .margin_right(18)
        .x_label_area_size(28)
        .y_label_area_size(48)
        .build_cartesian_2d(x, y)
        .map_err(|error| error.to_string())?;
    chart
        .configure_mesh()
        .light_line_style(LIGHT_GRID)
        .bold_line_style(GRID)
        .x_desc(data.x_label)
        .label_style(text(11))
        .axis_desc_style(text(11))
        .x_labels(6)
        .y_labels(5)
        .draw()
        .map_err(|error| error.to_string())?;
    for series in &data.series {
        let (color, width) = match series.style {
            Style::Batch => (MUTED, 1),
            Style::Epoch => (INK, 2),
            Style::Validation => (ACCENT, 2),
            Style::OtherEpoch => (OTHER, 2),
            Style::OtherValidation => (OTHER_VALIDATION, 2),
        };
        let line = chart
            .draw_series(LineSeries::new(
                series.points.iter().copied(),
                color.stroke_width(width),
            ))
            .map_err(|error| error.to_string())?;
        line.label(series.name.clone()).legend(move |(x, y)| {
            PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(2))
        });
        if series.style != Style::Batch {
            chart
                .draw_series(
                    series
                        .points
                        .iter()
                        .map(|point| Circle::new(*point, 2, color.filled())),
                )
                .map_err(|error| error.to_string())?;
        }
    }
    chart
        .configure_series_labels()
        .position(if data.legend_at_bottom {
            SeriesLabelPosition::LowerRight
        } else {
            SeriesLabelPosition::UpperRight
        })
        .background_style(WHITE.mix(0.8))
        .border_style(GRID)
        .label_font(text(11))
        .draw()
        .map_err(|error| error.to_string())
}
