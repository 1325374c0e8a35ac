//! A look at a task's data for its page, built from the VISIBLE files only
//! ([`TaskData`]); the hidden split never enters a preview.

use base64::Engine;
use dojo_protocol::{DatasetPreview, LabelledImage, LabelledText};

use crate::grading::contract::FASHION_CLASSES;
use crate::taskdata::{TaskData, csv_fields, gunzip};
use crate::tasks::Task;
use crate::{Error, Result};

/// Fashion-MNIST pictures shown.
const FASHION_IMAGES: usize = 24;
/// Horses-or-humans pictures shown, and their size in pixels.
const HORSE_IMAGES: usize = 12;
const HORSE_SIZE: u32 = 96;
/// SMS messages and table rows shown.
const TEXTS: usize = 12;
const ROWS: usize = 12;

/// The preview of `task` from its visible `data`.
pub fn preview(task: &Task, data: &TaskData) -> Result<DatasetPreview> {
    match task.id {
        "fashion_mnist" => fashion_mnist(task, data),
        "horses_or_humans" => horses_or_humans(task, data),
        "sms_spam" => sms_spam(task, data),
        "auto_mpg" => auto_mpg(task, data),
        "sunspots" => series(
            task,
            data,
            "Sunspots.csv",
            "Monthly mean total sunspot number",
            "sunspots",
        ),
        "daily_min_temperatures" => series(
            task,
            data,
            "daily-min-temperatures.csv",
            "Daily minimum temperature, Melbourne",
            "°C",
        ),
        other => Err(malformed(task, format!("no preview for task {other}"))),
    }
}

fn malformed(task: &Task, message: impl Into<String>) -> Error {
    Error::Dataset {
        dataset: task.dataset_id.to_owned(),
        message: message.into(),
    }
}

fn visible<'a>(task: &Task, data: &'a TaskData, name: &str) -> Result<&'a [u8]> {
    let path = format!("/data/{}/{name}", task.dataset_id);
    data.file(&path)
        .map(|file| &*file.bytes)
        .ok_or_else(|| malformed(task, format!("{path} is missing")))
}

fn visible_text<'a>(task: &Task, data: &'a TaskData, name: &str) -> Result<&'a str> {
    std::str::from_utf8(visible(task, data, name)?)
        .map_err(|_| malformed(task, format!("{name} is not UTF-8")))
}

fn png_data_url(task: &Task, image: &image::DynamicImage) -> Result<String> {
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|error| malformed(task, format!("cannot encode a preview: {error}")))?;
    Ok(format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    ))
}

/// The first pictures of the visible test files, labelled with class names.
fn fashion_mnist(task: &Task, data: &TaskData) -> Result<DatasetPreview> {
    let images = gunzip(
        task.dataset_id,
        "t10k-images-idx3-ubyte.gz",
        visible(task, data, "t10k-images-idx3-ubyte.gz")?,
    )?;
    let labels = gunzip(
        task.dataset_id,
        "t10k-labels-idx1-ubyte.gz",
        visible(task, data, "t10k-labels-idx1-ubyte.gz")?,
    )?;
    let mut items = Vec::new();
    for (index, label) in labels.iter().skip(8).take(FASHION_IMAGES).enumerate() {
        let start = 16 + index * 784;
        let pixels = images
            .get(start..start + 784)
            .ok_or_else(|| malformed(task, "the image file is truncated"))?;
        let picture = image::GrayImage::from_raw(28, 28, pixels.to_vec())
            .ok_or_else(|| malformed(task, "bad picture size"))?;
        items.push(LabelledImage {
            label: FASHION_CLASSES
                .get(usize::from(*label))
                .copied()
                .unwrap_or("?")
                .to_owned(),
            data_url: png_data_url(task, &image::DynamicImage::ImageLuma8(picture))?,
        });
    }
    Ok(DatasetPreview::Images { items })
}

/// Horses and humans from the visible training folder, alternating.
fn horses_or_humans(task: &Task, data: &TaskData) -> Result<DatasetPreview> {
    let of_class = |class: &str| {
        let prefix = format!("/data/{}/train/{class}/", task.dataset_id);
        data.files
            .iter()
            .filter(move |file| file.path.starts_with(&prefix))
    };
    let mut items = Vec::new();
    for (horse, human) in of_class("horses")
        .zip(of_class("humans"))
        .take(HORSE_IMAGES / 2)
    {
        for (label, file) in [("horse", horse), ("human", human)] {
            let picture = image::load_from_memory(&file.bytes)
                .map_err(|error| malformed(task, format!("{}: {error}", file.path)))?
                .thumbnail(HORSE_SIZE, HORSE_SIZE);
            items.push(LabelledImage {
                label: label.to_owned(),
                data_url: png_data_url(task, &picture)?,
            });
        }
    }
    Ok(DatasetPreview::Images { items })
}

/// Visible messages in file order: two hams, then a spam, repeated.
fn sms_spam(task: &Task, data: &TaskData) -> Result<DatasetPreview> {
    let text = visible_text(task, data, "sms_spam.csv")?;
    let mut hams = Vec::new();
    let mut spams = Vec::new();
    for line in text.lines().skip(1) {
        if let [message, label] = csv_fields(line).as_slice() {
            let side = if label == "spam" {
                &mut spams
            } else {
                &mut hams
            };
            side.push(LabelledText {
                label: label.clone(),
                text: message.clone(),
            });
        }
        if hams.len() >= TEXTS && spams.len() >= TEXTS {
            break;
        }
    }
    let mut hams = hams.into_iter();
    let mut spams = spams.into_iter();
    let mut items = Vec::new();
    while items.len() < TEXTS {
        let before = items.len();
        items.extend(hams.next());
        items.extend(hams.next());
        items.extend(spams.next());
        if items.len() == before {
            break;
        }
    }
    items.truncate(TEXTS);
    Ok(DatasetPreview::Texts { items })
}

/// The first rows of the visible CSV.
fn auto_mpg(task: &Task, data: &TaskData) -> Result<DatasetPreview> {
    let text = visible_text(task, data, "auto_mpg.csv")?;
    let mut lines = text.lines();
    let columns = csv_fields(lines.next().unwrap_or_default());
    let rows = lines.take(ROWS).map(csv_fields).collect();
    Ok(DatasetPreview::Table { columns, rows })
}

/// The whole visible series (value in the last column), labelled from its
/// first date (`1749-01-31` becomes `1749-01` for monthly data).
fn series(
    task: &Task,
    data: &TaskData,
    file: &str,
    name: &str,
    unit: &str,
) -> Result<DatasetPreview> {
    let text = visible_text(task, data, file)?;
    let mut start = String::new();
    let mut values = Vec::new();
    for (number, line) in text.lines().skip(1).enumerate() {
        let fields = csv_fields(line);
        let value = fields
            .last()
            .and_then(|value| value.trim().parse::<f32>().ok())
            .ok_or_else(|| malformed(task, format!("{file} line {}: no value", number + 2)))?;
        if number == 0 {
            let date = fields.iter().rev().nth(1).cloned().unwrap_or_default();
            start = if task.id == "sunspots" {
                date.get(..7).unwrap_or(&date).to_owned()
            } else {
                date
            };
        }
        values.push(value);
    }
    Ok(DatasetPreview::Series {
        name: name.to_owned(),
        unit: unit.to_owned(),
        start,
        values,
    })
}
