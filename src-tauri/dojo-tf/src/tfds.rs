//! `tensorflow_datasets`: `tfds.load` serves the datasets Dojo bundles, the
//! way TensorFlow Datasets serves its catalog, from the task's visible files.
//!
//! - `fashion_mnist`: `train` is the 60,000 training images, `test` the
//!   test images the task shows (the other half is the hidden test);
//!   elements `{'image': uint8 (28, 28, 1), 'label': int64}`.
//! - `horses_or_humans`: `train` is the task's training renders and `test`
//!   its `validation` folder (the exam's two zips); elements
//!   `{'image': uint8 (300, 300, 3), 'label': int64}`, 0 horses, 1 humans:
//!   tfds's shape, resized (bilinear) from the bundled 128x128 renders, as
//!   the 300x300 originals are not bundled (`assets/datasets/horses_or_humans/SOURCE.md`).
//!
//! Split strings follow tfds's slicing API: `'train'`, `'test'`,
//! `'train[:80%]'`, `'train[80%:]'`, `'train[:1000]'`, `'train+test'`, or a
//! list of them. `as_supervised=True` gives `(image, label)` tuples,
//! `with_info=True` a `(dataset, info)` pair, `batch_size` batches
//! (`-1`: the whole split as arrays). Any other dataset name says what is
//! bundled: everything else in tfds's catalog is a download.

use std::rc::Rc;

use dojo_lang::error::{Exception, Result};
use dojo_lang::interp::{Args, Interpreter};
use dojo_lang::modules::files::vfs_exception;
use dojo_lang::ndarray::NdArray;
use dojo_lang::object::{Builtin, ModuleObject};
use dojo_lang::value::{Dict, Value};

use crate::arrays::candle_error;
use crate::dataset::Dataset;
use crate::datasets::{FASHION_CLASSES, FASHION_MNIST_DIR};

const BUNDLED: &str = "fashion_mnist, horses_or_humans";

const HORSES_LABELS: [&str; 2] = ["horses", "humans"];
const HORSES_DIR: &str = "/data/horses_or_humans";

/// One split of a bundled dataset: `count` images of `shape`, their pixels
/// and labels.
struct Split {
    shape: [usize; 3],
    pixels: Vec<u8>,
    labels: Vec<i64>,
}

impl Split {
    fn len(&self) -> usize {
        self.labels.len()
    }

    fn rows(&self, start: usize, end: usize) -> Split {
        let size: usize = self.shape.iter().product();
        Split {
            shape: self.shape,
            pixels: self.pixels[start * size..end * size].to_vec(),
            labels: self.labels[start..end].to_vec(),
        }
    }

    fn append(&mut self, other: Split) {
        self.pixels.extend(other.pixels);
        self.labels.extend(other.labels);
    }
}

fn not_bundled(name: &str) -> Box<Exception> {
    Exception::new(
        "NotSupportedInDojo",
        format!(
            "tensorflow_datasets.load('{name}'): '{name}' is not bundled with Dojo (tfds would download it, and Dojo works offline)"
        ),
    )
    .with_help(format!(
        "tfds.load serves the bundled datasets {BUNDLED}; the other tasks' data is at the URLs of their statements (they resolve to the bundled files) and under /data"
    ))
}

fn value_error(message: String) -> Box<Exception> {
    Exception::new("ValueError", message)
}

/// The module object `import tensorflow_datasets as tfds` binds.
pub(crate) fn module() -> Value {
    let split = ModuleObject::new(
        "Split",
        vec![
            ("TRAIN", Value::Str(Rc::from("train"))),
            ("TEST", Value::Str(Rc::from("test"))),
            ("VALIDATION", Value::Str(Rc::from("validation"))),
            ("ALL", Value::Str(Rc::from("all"))),
        ],
    );
    let no_op = |name: &'static str| Builtin::value(name, |_, _| Ok(Value::None));
    let as_numpy = Builtin::value("as_numpy", |_, args: Args| {
        args.check("as_numpy", 1, &["dataset"])?;
        args.required(0, "dataset", "as_numpy")
    });
    let mut attributes: Vec<(&str, Value)> = vec![
        ("load", Builtin::value("load", load)),
        ("as_numpy", as_numpy),
        ("disable_progress_bar", no_op("disable_progress_bar")),
        ("enable_progress_bar", no_op("enable_progress_bar")),
        ("Split", Value::Module(split)),
    ];
    for name in [
        "builder",
        "data_source",
        "list_builders",
        "show_examples",
        "benchmark",
    ] {
        attributes.push((
            name,
            Builtin::value(name, move |_, _| {
                Err(Exception::new(
                    "NotSupportedInDojo",
                    format!("tensorflow_datasets.{name}() is not in Dojo"),
                )
                .with_help(format!(
                    "tfds.load(name, split=..., as_supervised=..., with_info=...) serves the bundled datasets {BUNDLED}"
                )))
            }),
        ));
    }
    Value::Module(ModuleObject::new("tensorflow_datasets", attributes))
}

fn string_arg(value: &Value, name: &str) -> Result<Rc<str>> {
    match value {
        Value::Str(text) => Ok(Rc::clone(text)),
        other => Err(Exception::new(
            "TypeError",
            format!(
                "tensorflow_datasets.load(): {name} must be a string, not {}",
                other.type_name()
            ),
        )),
    }
}

/// `tfds.load(name, split=None, ..., as_supervised=False, with_info=False)`.
fn load(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check(
        "load",
        12,
        &[
            "name",
            "split",
            "data_dir",
            "batch_size",
            "shuffle_files",
            "download",
            "as_supervised",
            "decoders",
            "read_config",
            "with_info",
            "builder_kwargs",
            "download_and_prepare_kwargs",
            "as_dataset_kwargs",
            "try_gcs",
        ],
    )?;
    let full_name = string_arg(&args.required(0, "name", "load")?, "name")?;
    // `fashion_mnist:3.0.1` names a version; the bundled one is served.
    let name = full_name.split(':').next().unwrap_or_default().trim();
    let labels: &[&str] = match name {
        "fashion_mnist" => &FASHION_CLASSES,
        "horses_or_humans" => &HORSES_LABELS,
        other => return Err(not_bundled(other)),
    };
    let supervised = args.get(6, "as_supervised").is_some_and(|v| v.truthy());
    let with_info = args.get(9, "with_info").is_some_and(|v| v.truthy());
    let batch_size = match args.get(3, "batch_size") {
        None | Some(Value::None) => None,
        Some(value) => Some(
            dojo_lang::ArgName::Parameter {
                function: "load",
                name: "batch_size",
            }
            .integer(&value)?,
        ),
    };
    let mut cache: Vec<(&'static str, Rc<Split>)> = Vec::new();
    let mut split_of = |interpreter: &mut Interpreter, spec: &str| -> Result<Value> {
        let split = select(interpreter, name, spec, &mut cache)?;
        elements(interpreter, split, supervised, batch_size)
    };
    let datasets = match args.get(1, "split") {
        None | Some(Value::None) => {
            let mut dict = Dict::new();
            for part in ["train", "test"] {
                let value = split_of(interpreter, part)?;
                let _ = dict.insert(Value::Str(Rc::from(part)), value);
            }
            Value::dict(dict)
        }
        Some(Value::List(items)) => {
            let specs: Vec<Value> = items.borrow().clone();
            let mut out = Vec::new();
            for spec in specs {
                out.push(split_of(interpreter, &string_arg(&spec, "split")?)?);
            }
            Value::list(out)
        }
        Some(Value::Tuple(specs)) => {
            let mut out = Vec::new();
            for spec in specs.iter() {
                out.push(split_of(interpreter, &string_arg(spec, "split")?)?);
            }
            Value::tuple(out)
        }
        Some(spec) => split_of(interpreter, &string_arg(&spec, "split")?)?,
    };
    if !with_info {
        return Ok(datasets);
    }
    let info = info(interpreter, name, labels, &mut cache)?;
    Ok(Value::tuple(vec![datasets, info]))
}

/// `spec`'s examples: `+`-joined parts, each a split name with an optional
/// `[start:end]` slice in examples or percent.
fn select(
    interpreter: &mut Interpreter,
    dataset: &str,
    spec: &str,
    cache: &mut Vec<(&'static str, Rc<Split>)>,
) -> Result<Split> {
    let mut joined: Option<Split> = None;
    for part in spec.split('+') {
        let part = part.trim();
        let (base, slice) = match part.split_once('[') {
            Some((base, rest)) => {
                let inner = rest
                    .strip_suffix(']')
                    .ok_or_else(|| value_error(format!("Unrecognized split format: '{part}'")))?;
                (base.trim(), Some(inner))
            }
            None => (part, None),
        };
        let whole = whole_split(interpreter, dataset, base, cache)?;
        let (start, end) = match slice {
            Some(inner) => bounds(inner, whole.len(), part)?,
            None => (0, whole.len()),
        };
        let rows = whole.rows(start, end);
        match &mut joined {
            Some(all) => all.append(rows),
            None => joined = Some(rows),
        }
    }
    joined.ok_or_else(|| value_error(format!("Unrecognized split format: '{spec}'")))
}

/// `[start:end]` of a split of `len` examples: integers (negative from the
/// end) or percentages, rounded to the closest example as tfds does.
fn bounds(inner: &str, len: usize, part: &str) -> Result<(usize, usize)> {
    let bad = || value_error(format!("Unrecognized split format: '{part}'"));
    let (from, to) = inner.split_once(':').ok_or_else(bad)?;
    let bound = |text: &str, default: usize| -> Result<usize> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(default);
        }
        let (number, percent) = match text.strip_suffix('%') {
            Some(number) => (number.trim(), true),
            None => (text, false),
        };
        let value: i64 = number.parse().map_err(|_| bad())?;
        let n = len as i64;
        let position = if percent {
            if !(-100..=100).contains(&value) {
                return Err(value_error(format!(
                    "Percent slice boundaries must be > -100 and < 100, got {value} in '{part}'"
                )));
            }
            (value as f64 * n as f64 / 100.0).round() as i64
        } else {
            value
        };
        let position = if position < 0 { n + position } else { position };
        Ok(position.clamp(0, n) as usize)
    };
    let start = bound(from, 0)?;
    let end = bound(to, len)?;
    Ok((start, end.max(start)))
}

fn whole_split(
    interpreter: &mut Interpreter,
    dataset: &str,
    base: &str,
    cache: &mut Vec<(&'static str, Rc<Split>)>,
) -> Result<Rc<Split>> {
    let key: &'static str = match base {
        "train" => "train",
        "test" => "test",
        other => {
            return Err(value_error(format!(
                "Unknown split '{other}'. Should be one of ['test', 'train']."
            )));
        }
    };
    if let Some((_, split)) = cache.iter().find(|(name, _)| *name == key) {
        return Ok(Rc::clone(split));
    }
    let split = Rc::new(match dataset {
        "fashion_mnist" => fashion(interpreter, key == "train")?,
        _ => horses(
            interpreter,
            if key == "train" {
                "train"
            } else {
                "validation"
            },
        )?,
    });
    cache.push((key, Rc::clone(&split)));
    Ok(split)
}

fn fashion(interpreter: &mut Interpreter, train: bool) -> Result<Split> {
    let prefix = if train { "train" } else { "t10k" };
    let (dims, pixels) =
        crate::datasets::idx_file(interpreter, &format!("{prefix}-images-idx3-ubyte.gz"), 3)?;
    let (_, labels) =
        crate::datasets::idx_file(interpreter, &format!("{prefix}-labels-idx1-ubyte.gz"), 1)?;
    if dims[0] != labels.len() {
        return Err(value_error(format!(
            "{FASHION_MNIST_DIR}: {} images but {} labels",
            dims[0],
            labels.len()
        )));
    }
    Ok(Split {
        shape: [dims[1], dims[2], 1],
        pixels,
        labels: labels.into_iter().map(i64::from).collect(),
    })
}

/// The renders under `/data/horses_or_humans/<folder>/{horses,humans}`,
/// decoded to RGB bytes, in name order within each class.
fn horses(interpreter: &mut Interpreter, folder: &str) -> Result<Split> {
    let vfs = interpreter.vfs();
    let mut split = Split {
        shape: [300, 300, 3],
        pixels: Vec::new(),
        labels: Vec::new(),
    };
    for (label, class) in HORSES_LABELS.iter().enumerate() {
        let directory = format!("{HORSES_DIR}/{folder}/{class}");
        let mut names = vfs.list(&directory).map_err(|error| {
            vfs_exception(error, &vfs).with_help(
                "tfds.load('horses_or_humans') serves the horses_or_humans task's images: run it with that task",
            )
        })?;
        names.sort();
        for name in names {
            let path = format!("{directory}/{name}");
            let bytes = vfs
                .read(&path)
                .map_err(|error| vfs_exception(error, &vfs))?;
            dojo_lang::memory::ensure_room(300 * 300 * 3, || {
                format!("tfds.load('horses_or_humans') image {path}")
            })?;
            let image = crate::image::decode(&bytes, &path, 3)?;
            let image = if (image.height, image.width) == (300, 300) {
                image
            } else {
                crate::image::resize_bilinear(&image, 300, 300)
            };
            split.pixels.extend(
                image
                    .pixels
                    .iter()
                    .map(|&p| p.round().clamp(0.0, 255.0) as u8),
            );
            split.labels.push(label as i64);
        }
    }
    Ok(split)
}

/// The split as tfds gives it: a dataset of dicts or `(image, label)`
/// tuples, batched when asked; `batch_size=-1` gives the arrays themselves.
fn elements(
    interpreter: &mut Interpreter,
    split: Split,
    supervised: bool,
    batch_size: Option<i64>,
) -> Result<Value> {
    let count = split.len();
    let [height, width, channels] = split.shape;
    let images = NdArray::from_u8(&[count, height, width, channels], split.pixels)
        .map_err(candle_error)?
        .into_value();
    let labels = NdArray::from_i64(&[count], split.labels, dojo_lang::ndarray::DType::Int64)
        .map_err(candle_error)?
        .into_value();
    let structure = if supervised {
        Value::tuple(vec![images, labels])
    } else {
        let mut dict = Dict::new();
        let _ = dict.insert(Value::Str(Rc::from("image")), images);
        let _ = dict.insert(Value::Str(Rc::from("label")), labels);
        Value::dict(dict)
    };
    if batch_size == Some(-1) {
        return Ok(structure);
    }
    let dataset = Dataset::slices(structure)?.into_value();
    match batch_size {
        Some(size) if size > 0 => {
            let batch = interpreter.get_attribute(&dataset, "batch", Default::default())?;
            interpreter.call(&batch, Args::new(vec![Value::Int(size)]))
        }
        Some(size) => Err(value_error(format!(
            "tensorflow_datasets.load(): batch_size must be positive or -1, got {size}"
        ))),
        None => Ok(dataset),
    }
}

/// `info`: `info.features['label'].num_classes` / `.names`,
/// `info.features['image'].shape`, `info.splits['train'].num_examples`.
fn info(
    interpreter: &mut Interpreter,
    name: &str,
    labels: &[&str],
    cache: &mut Vec<(&'static str, Rc<Split>)>,
) -> Result<Value> {
    let mut splits = Dict::new();
    let mut shape = [0, 0, 0];
    for part in ["train", "test"] {
        let split = whole_split(interpreter, name, part, cache)?;
        shape = split.shape;
        let entry = ModuleObject::new(
            "SplitInfo",
            vec![
                ("name", Value::Str(Rc::from(part))),
                ("num_examples", Value::Int(split.len() as i64)),
            ],
        );
        let _ = splits.insert(Value::Str(Rc::from(part)), Value::Module(entry));
    }
    let names: Vec<Value> = labels.iter().map(|l| Value::Str(Rc::from(*l))).collect();
    let label = ModuleObject::new(
        "ClassLabel",
        vec![
            ("num_classes", Value::Int(labels.len() as i64)),
            ("names", Value::list(names)),
        ],
    );
    let image = ModuleObject::new(
        "Image",
        vec![
            (
                "shape",
                Value::tuple(shape.iter().map(|&d| Value::Int(d as i64)).collect()),
            ),
            ("dtype", Value::Str(Rc::from("uint8"))),
        ],
    );
    let mut features = Dict::new();
    let _ = features.insert(Value::Str(Rc::from("image")), Value::Module(image));
    let _ = features.insert(Value::Str(Rc::from("label")), Value::Module(label));
    Ok(Value::Module(ModuleObject::new(
        "DatasetInfo",
        vec![
            ("name", Value::Str(Rc::from(name))),
            ("full_name", Value::Str(Rc::from(format!("{name}/bundled")))),
            ("features", Value::dict(features)),
            ("splits", Value::dict(splits)),
        ],
    )))
}
