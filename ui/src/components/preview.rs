//! A look at the task's visible data: labelled images, labelled texts, a
//! plotted series, or the first rows of a table.

use dojo_protocol::DatasetPreview;
use leptos::prelude::*;

use crate::components::chart::Chart;
use crate::curves::{ChartData, Series, Style};

#[component]
pub fn Preview(
    /// What the backend sampled.
    preview: DatasetPreview,
) -> impl IntoView {
    match preview {
        DatasetPreview::Images { items } => view! {
            <div class="preview-images">
                {items
                    .into_iter()
                    .map(|item| {
                        view! {
                            <figure>
                                <img src=item.data_url alt=item.label.clone() />
                                <figcaption>{item.label}</figcaption>
                            </figure>
                        }
                    })
                    .collect_view()}
            </div>
        }
        .into_any(),
        DatasetPreview::Texts { items } => view! {
            <ul class="preview-texts">
                {items
                    .into_iter()
                    .map(|item| {
                        view! {
                            <li>
                                <span class="label">{item.label}</span>
                                {item.text}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
        DatasetPreview::Series {
            name,
            unit,
            start,
            values,
        } => {
            let caption = format!("{} values from {start}, in {unit}", values.len());
            let data = ChartData {
                x_label: "step",
                log_x: false,
                legend_at_bottom: false,
                series: vec![Series {
                    name: name.clone(),
                    style: Style::Batch,
                    points: values
                        .iter()
                        .enumerate()
                        .map(|(index, value)| (index as f64, f64::from(*value)))
                        .collect(),
                }],
            };
            view! {
                <Chart id="preview-series" title=name revision=Signal::stored(0) data=move || data.clone() />
                <p class="caption">{caption}</p>
            }
            .into_any()
        }
        DatasetPreview::Table { columns, rows } => view! {
            <div class="preview-table">
                <table>
                    <tr>{columns.into_iter().map(|column| view! { <th>{column}</th> }).collect_view()}</tr>
                    {rows
                        .into_iter()
                        .map(|row| {
                            view! {
                                <tr>{row.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}</tr>
                            }
                        })
                        .collect_view()}
                </table>
            </div>
        }
        .into_any(),
    }
}
