//! Image datasets over the virtual file system:
//! `tf.keras.utils.image_dataset_from_directory`, Keras's legacy
//! `ImageDataGenerator` (`flow_from_directory`, `flow`) and
//! `tf.image.resize`.
//!
//! JPEG and PNG files are decoded with the `image` crate. Resizing follows
//! each API's reference: `image_dataset_from_directory` and
//! `tf.image.resize` use TensorFlow's bilinear resize (half-pixel centres,
//! no antialiasing); `flow_from_directory` loads with PIL's nearest-neighbour
//! resize, as Keras's `load_img` does. Class folders are read in sorted
//! order, so labels match Keras's. Random choices (shuffles, augmentation)
//! are deterministic for a seed but do not reproduce NumPy's streams, except
//! the file shuffle of `image_dataset_from_directory`, which replays NumPy's
//! legacy `RandomState(seed).shuffle` so a validation split holds the same
//! files as in Keras.

use std::any::Any;
use std::cell::Cell;
use std::rc::Rc;

use crate::arrays::{self, TF_DEFAULTS, candle_error};
use crate::dataset::{Dataset, ElementSource, Rng, operation_seed};
use crate::tensorflow::{count, optional, string};
use dojo_lang::ArgName;
use dojo_lang::error::{Exception, Result, type_error, value_error};
use dojo_lang::interp::{Args, Builtin, Interpreter, NativeObject, native_method};
use dojo_lang::modules::files::vfs_exception;
use dojo_lang::ndarray::{DType, NdArray};
use dojo_lang::value::{Dict, Value};
use dojo_lang::vfs::VirtualFs;

/// A decoded image: rows × columns × channels, row-major.
#[derive(Debug, Clone)]
pub struct Image {
    pub height: usize,
    pub width: usize,
    pub channels: usize,
    pub pixels: Vec<f32>,
}

/// Decodes a JPEG or PNG file to `channels` (1: grey, 3: RGB, 4: RGBA).
/// Asks the run's memory budget for a `height` x `width` x `channels`
/// float image.
fn room_for_image(height: usize, width: usize, channels: usize, what: &str) -> Result<()> {
    let bytes = (height as u128)
        .saturating_mul(width as u128)
        .saturating_mul(channels as u128)
        .saturating_mul(4);
    dojo_lang::memory::ensure_room(bytes, || format!("{what} ({height}x{width}x{channels})"))
}

pub fn decode(bytes: &[u8], path: &str, channels: usize) -> Result<Image> {
    let decoded = image::load_from_memory(bytes).map_err(|error| {
        Exception::new(
            "InvalidArgumentError",
            format!("cannot decode image {path}: {error}"),
        )
        .with_help("Dojo reads JPEG and PNG images")
    })?;
    let (width, height) = (decoded.width() as usize, decoded.height() as usize);
    room_for_image(height, width, channels.max(3), &format!("decoding {path}"))?;
    let pixels: Vec<f32> = match channels {
        1 => decoded
            .to_rgb8()
            .pixels()
            .map(|p| {
                // ITU-R 601 luma, as libjpeg and PIL compute grey.
                let [r, g, b] = p.0;
                ((u32::from(r) * 19595 + u32::from(g) * 38470 + u32::from(b) * 7471 + 32768) >> 16)
                    as f32
            })
            .collect(),
        3 => decoded
            .to_rgb8()
            .into_raw()
            .into_iter()
            .map(f32::from)
            .collect(),
        4 => decoded
            .to_rgba8()
            .into_raw()
            .into_iter()
            .map(f32::from)
            .collect(),
        other => {
            return Err(value_error(format!(
                "cannot decode images to {other} channels"
            )));
        }
    };
    Ok(Image {
        height,
        width,
        channels,
        pixels,
    })
}

/// TensorFlow's bilinear resize (`tf.image.resize`, half-pixel centres, no antialias).
pub fn resize_bilinear(image: &Image, height: usize, width: usize) -> Image {
    if image.height == 0 || image.width == 0 {
        return blank(height, width, image.channels);
    }
    let axis = |out: usize, size_in: usize, size_out: usize| {
        let scale = size_in as f32 / size_out as f32;
        let position = (out as f32 + 0.5) * scale - 0.5;
        let low = position.floor();
        let lerp = position - low;
        let low_index = (low.max(0.0) as usize).min(size_in - 1);
        let high_index = (position.ceil().max(0.0) as usize).min(size_in - 1);
        (low_index, high_index, lerp)
    };
    let channels = image.channels;
    let mut pixels = Vec::with_capacity(height * width * channels);
    let columns: Vec<_> = (0..width).map(|x| axis(x, image.width, width)).collect();
    for y in 0..height {
        let (top, bottom, dy) = axis(y, image.height, height);
        for &(left, right, dx) in &columns {
            for c in 0..channels {
                let at = |row: usize, column: usize| {
                    image.pixels[(row * image.width + column) * channels + c]
                };
                let upper = at(top, left) + (at(top, right) - at(top, left)) * dx;
                let lower = at(bottom, left) + (at(bottom, right) - at(bottom, left)) * dx;
                pixels.push(upper + (lower - upper) * dy);
            }
        }
    }
    Image {
        height,
        width,
        channels,
        pixels,
    }
}

/// An all-zero image: what resizing an image without pixels gives (the
/// callers refuse empty images first; this keeps the arithmetic safe).
fn blank(height: usize, width: usize, channels: usize) -> Image {
    Image {
        height,
        width,
        channels,
        pixels: vec![0.0; height * width * channels],
    }
}

/// PIL's nearest-neighbour resize (Keras's `load_img` default).
pub fn resize_nearest(image: &Image, height: usize, width: usize) -> Image {
    if image.height == 0 || image.width == 0 {
        return blank(height, width, image.channels);
    }
    let source = |out: usize, size_in: usize, size_out: usize| {
        (((out as f64 + 0.5) * size_in as f64 / size_out as f64) as usize).min(size_in - 1)
    };
    let channels = image.channels;
    let mut pixels = Vec::with_capacity(height * width * channels);
    for y in 0..height {
        let row = source(y, image.height, height);
        for x in 0..width {
            let column = source(x, image.width, width);
            let start = (row * image.width + column) * channels;
            pixels.extend_from_slice(&image.pixels[start..start + channels]);
        }
    }
    Image {
        height,
        width,
        channels,
        pixels,
    }
}

fn image_array(image: Image) -> Result<NdArray> {
    NdArray::from_f32(&[image.height, image.width, image.channels], image.pixels)
        .map_err(candle_error)
}

fn channels_of(mode: &str) -> Result<usize> {
    match mode {
        "rgb" => Ok(3),
        "grayscale" => Ok(1),
        "rgba" => Ok(4),
        other => Err(value_error(format!(
            "`color_mode` must be one of {{\"rgb\", \"rgba\", \"grayscale\"}}. Received: color_mode={other}"
        ))),
    }
}

fn size_pair(value: &Value, function: &str, name: &str) -> Result<(usize, usize)> {
    let items: Vec<Value> = match value {
        Value::Tuple(items) => items.to_vec(),
        Value::List(items) => items.borrow().clone(),
        other => {
            return Err(type_error(format!(
                "{function}() argument '{name}' must be a (height, width) tuple, not {}",
                other.type_name()
            )));
        }
    };
    match items.as_slice() {
        [height, width] => {
            let height = count(height, function, name)?;
            let width = count(width, function, name)?;
            if height == 0 || width == 0 {
                return Err(value_error(format!(
                    "{function}(): `{name}` must be positive"
                )));
            }
            Ok((height, width))
        }
        _ => Err(value_error(format!(
            "{function}() argument '{name}' must have two entries (height, width)"
        ))),
    }
}

/// Files under `directory` (recursively) with an image extension, sorted as
/// Keras walks them: by folder, then by name.
fn image_files(vfs: &VirtualFs, directory: &str, extensions: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    let mut folders = vec![directory.to_owned()];
    let mut walked = Vec::new();
    while let Some(folder) = folders.pop() {
        let names = vfs.list(&folder).unwrap_or_default();
        let mut own = Vec::new();
        for name in names {
            let path = format!("{}/{name}", folder.trim_end_matches('/'));
            if vfs.is_dir(&path) {
                folders.push(path);
            } else if extensions
                .iter()
                .any(|ext| name.to_lowercase().ends_with(ext))
            {
                own.push(path);
            }
        }
        walked.push((folder, own));
    }
    walked.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, own) in walked {
        files.extend(own);
    }
    files
}

/// Sorted class sub-folders of `directory` (hidden ones skipped).
fn class_folders(vfs: &VirtualFs, directory: &str, function: &str) -> Result<Vec<String>> {
    if !vfs.is_dir(directory) {
        let error = vfs_exception(
            dojo_lang::vfs::VfsError::NotFound(directory.to_owned()),
            vfs,
        );
        return Err(Exception::new(
            if vfs.is_file(directory) {
                "NotADirectoryError"
            } else {
                "FileNotFoundError"
            },
            format!("{function}(): directory '{directory}' does not exist"),
        )
        .with_help(error.help.unwrap_or_default()));
    }
    Ok(vfs
        .list(directory)
        .map_err(|error| vfs_exception(error, vfs))?
        .into_iter()
        .filter(|name| {
            !name.starts_with('.')
                && vfs.is_dir(&format!("{}/{name}", directory.trim_end_matches('/')))
        })
        .collect())
}

/// NumPy's legacy MT19937 (`np.random.RandomState(seed)`), for shuffles that
/// must pick the same files as Keras.
struct Mt19937 {
    state: [u32; 624],
    index: usize,
}

impl Mt19937 {
    fn new(seed: u32) -> Mt19937 {
        let mut state = [0u32; 624];
        state[0] = seed;
        for i in 1..624 {
            state[i] = 1_812_433_253u32
                .wrapping_mul(state[i - 1] ^ (state[i - 1] >> 30))
                .wrapping_add(i as u32);
        }
        Mt19937 { state, index: 624 }
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= 624 {
            for i in 0..624 {
                let y = (self.state[i] & 0x8000_0000) | (self.state[(i + 1) % 624] & 0x7fff_ffff);
                let mut next = self.state[(i + 397) % 624] ^ (y >> 1);
                if y & 1 != 0 {
                    next ^= 0x9908_b0df;
                }
                self.state[i] = next;
            }
            self.index = 0;
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// NumPy's `random_interval(max)`: uniform in `0..=max` by masked rejection.
    fn interval(&mut self, max: u32) -> u32 {
        if max == 0 {
            return 0;
        }
        let mut mask = max;
        for shift in [1, 2, 4, 8, 16] {
            mask |= mask >> shift;
        }
        loop {
            let value = self.next_u32() & mask;
            if value <= max {
                return value;
            }
        }
    }

    /// `RandomState.shuffle` of a list.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.interval(i as u32) as usize;
            items.swap(i, j);
        }
    }
}

/// Lazily decoded `(image, label)` elements of `image_dataset_from_directory`.
struct ImageFiles {
    vfs: Rc<VirtualFs>,
    paths: Vec<String>,
    labels: Option<Vec<Value>>,
    size: (usize, usize),
    channels: usize,
}

impl ElementSource for ImageFiles {
    fn len(&self) -> usize {
        self.paths.len()
    }

    fn element(&self, _: &mut Interpreter, index: usize) -> Result<Value> {
        let path = &self.paths[index];
        let bytes = self
            .vfs
            .read(path)
            .map_err(|error| vfs_exception(error, &self.vfs))?;
        let image = decode(&bytes, path, self.channels)?;
        room_for_image(self.size.0, self.size.1, self.channels, "the resized image")?;
        let image = image_array(resize_bilinear(&image, self.size.0, self.size.1))?.into_value();
        Ok(match &self.labels {
            Some(labels) => Value::tuple(vec![image, labels[index].clone()]),
            None => image,
        })
    }
}

fn label_value(class: usize, classes: usize, mode: &str) -> Result<Value> {
    let array = match mode {
        "int" => NdArray::from_i64(&[], vec![class as i64], DType::Int32),
        "binary" => NdArray::from_f32(&[1], vec![class as f32]),
        _ => {
            let mut one_hot = vec![0.0; classes];
            one_hot[class] = 1.0;
            NdArray::from_f32(&[classes], one_hot)
        }
    };
    Ok(array.map_err(candle_error)?.into_value())
}

pub(crate) fn image_dataset_from_directory(
    interpreter: &mut Interpreter,
    args: Args,
) -> Result<Value> {
    const NAME: &str = "image_dataset_from_directory";
    args.check(
        NAME,
        15,
        &[
            "directory",
            "labels",
            "label_mode",
            "class_names",
            "color_mode",
            "batch_size",
            "image_size",
            "shuffle",
            "seed",
            "validation_split",
            "subset",
            "interpolation",
            "follow_links",
            "crop_to_aspect_ratio",
            "pad_to_aspect_ratio",
            "data_format",
            "verbose",
        ],
    )?;
    let directory = string(&args.required(0, "directory", NAME)?, NAME, "directory")?;
    let directory = dojo_lang::vfs::normalize(&directory);
    match args.get(1, "labels") {
        None => {}
        Some(Value::Str(labels)) if &*labels == "inferred" => {}
        Some(_) => {
            return Err(value_error(format!(
                "{NAME}(): Dojo supports labels='inferred' only"
            )));
        }
    }
    let label_mode: Option<Rc<str>> = match args.get(2, "label_mode") {
        None => Some(Rc::from("int")),
        Some(Value::None) => None,
        Some(value) => Some(string(&value, NAME, "label_mode")?),
    };
    if let Some(mode) = &label_mode
        && !matches!(&**mode, "int" | "categorical" | "binary")
    {
        return Err(value_error(format!(
            "`label_mode` argument must be one of \"int\", \"categorical\", \"binary\", or None. Received: label_mode={mode}"
        )));
    }
    let color_mode = match args.get(4, "color_mode") {
        Some(value) => string(&value, NAME, "color_mode")?,
        None => Rc::from("rgb"),
    };
    let channels = channels_of(&color_mode)?;
    let batch_size = match args.get(5, "batch_size") {
        None => Some(32),
        Some(Value::None) => None,
        Some(value) => Some(count(&value, NAME, "batch_size")?.max(1)),
    };
    let image_size = match args.get(6, "image_size") {
        Some(value) => size_pair(&value, NAME, "image_size")?,
        None => (256, 256),
    };
    let shuffle = args.get(7, "shuffle").is_none_or(|v| v.truthy());
    let seed = optional(&args, 8, "seed")
        .map(|v| {
            ArgName::Parameter {
                function: NAME,
                name: "seed",
            }
            .integer(&v)
        })
        .transpose()?;
    let validation_split = optional(&args, 9, "validation_split")
        .map(|v| {
            ArgName::Parameter {
                function: NAME,
                name: "validation_split",
            }
            .number(&v)
        })
        .transpose()?
        .filter(|split| *split != 0.0);
    let subset = optional(&args, 10, "subset")
        .map(|v| string(&v, NAME, "subset"))
        .transpose()?;
    if let Some(interpolation) = optional(&args, 11, "interpolation")
        && &*string(&interpolation, NAME, "interpolation")? != "bilinear"
    {
        return Err(value_error(format!(
            "{NAME}(): Dojo supports interpolation='bilinear' only"
        )));
    }
    if let Some(split) = validation_split
        && !(0.0 < split && split < 1.0)
    {
        return Err(value_error(format!(
            "`validation_split` must be between 0 and 1, received: {split}"
        )));
    }
    if validation_split.is_some() != subset.is_some() {
        return Err(value_error(
            "If `subset` is set, `validation_split` must be set, and inversely.",
        ));
    }
    if let Some(subset) = &subset
        && !matches!(&**subset, "training" | "validation" | "both")
    {
        return Err(value_error(format!(
            "`subset` must be either \"training\", \"validation\" or \"both\", received: {subset}"
        )));
    }
    if validation_split.is_some() && shuffle && seed.is_none() {
        return Err(value_error(
            "If using `validation_split` and shuffling the data, you must provide a `seed` argument, to make sure that there is no overlap between the training and validation subset.",
        ));
    }

    let vfs = interpreter.vfs();
    let folders = class_folders(&vfs, &directory, NAME)?;
    let class_names: Vec<String> = match optional(&args, 3, "class_names") {
        Some(value) => {
            let names: Vec<String> = interpreter
                .iterate(&value)?
                .iter()
                .map(Value::to_str)
                .collect();
            if !names.iter().all(|name| folders.contains(name)) {
                return Err(value_error(format!(
                    "The `class_names` passed did not match the names of the subdirectories of the target directory. Expected: {folders:?} (or a subset of it), but received: class_names={names:?}"
                )));
            }
            names
        }
        None => folders,
    };
    let extensions = [".bmp", ".gif", ".jpeg", ".jpg", ".png"];
    let mut paths = Vec::new();
    let mut classes = Vec::new();
    for (class, name) in class_names.iter().enumerate() {
        for file in image_files(&vfs, &format!("{directory}/{name}"), &extensions) {
            paths.push(file);
            classes.push(class);
        }
    }
    interpreter.print(&format!(
        "Found {} files belonging to {} classes.\n",
        paths.len(),
        class_names.len()
    ));
    if paths.is_empty() {
        return Err(value_error(format!(
            "No images found in directory {directory}. Allowed formats: {extensions:?}"
        )));
    }
    if label_mode.as_deref() == Some("binary") && class_names.len() != 2 {
        return Err(value_error(format!(
            "When passing `label_mode=\"binary\"`, there must be exactly 2 class_names. Received: class_names={class_names:?}"
        )));
    }
    if shuffle {
        let seed = seed.map_or_else(|| operation_seed(None) as u32, |s| s as u32);
        Mt19937::new(seed).shuffle(&mut paths);
        Mt19937::new(seed).shuffle(&mut classes);
    }
    let samples: Vec<(String, usize)> = paths.into_iter().zip(classes).collect();
    let subsets: Vec<(&str, Vec<(String, usize)>)> = match (validation_split, subset.as_deref()) {
        (Some(split), Some(subset)) => {
            let validation = (split * samples.len() as f64) as usize;
            let cut = samples.len() - validation;
            let training = samples[..cut].to_vec();
            let held_out = samples[cut..].to_vec();
            match subset {
                "training" => vec![("training", training)],
                "validation" => vec![("validation", held_out)],
                _ => vec![("training", training), ("validation", held_out)],
            }
        }
        _ => vec![("all", samples)],
    };
    let mut datasets = Vec::new();
    for (which, samples) in subsets {
        match which {
            "training" => {
                interpreter.print(&format!("Using {} files for training.\n", samples.len()))
            }
            "validation" => {
                interpreter.print(&format!("Using {} files for validation.\n", samples.len()))
            }
            _ => {}
        }
        let labels = match &label_mode {
            Some(mode) => Some(
                samples
                    .iter()
                    .map(|(_, class)| label_value(*class, class_names.len(), mode))
                    .collect::<Result<Vec<_>>>()?,
            ),
            None => None,
        };
        let source = ImageFiles {
            vfs: Rc::clone(&vfs),
            paths: samples.into_iter().map(|(path, _)| path).collect(),
            labels,
            size: image_size,
            channels,
        };
        let mut dataset = Dataset::from_source(Rc::new(source)).into_value();
        // Keras shuffles each epoch with a buffer of 8 batches, except a "both" validation split.
        let reshuffles = shuffle && !(which == "validation" && subset.as_deref() == Some("both"));
        if reshuffles {
            let buffer = batch_size.map_or(1024, |size| size * 8);
            dataset = call_method(
                interpreter,
                &dataset,
                "shuffle",
                vec![Value::Int(buffer as i64)],
                seed,
            )?;
        }
        if let Some(size) = batch_size {
            dataset = call_method(
                interpreter,
                &dataset,
                "batch",
                vec![Value::Int(size as i64)],
                None,
            )?;
        }
        if let Some(dataset) = crate::dataset::dataset_of(&dataset) {
            dataset.set_attribute(
                "class_names",
                Value::list(class_names.iter().map(|name| Value::str(name)).collect()),
            );
        }
        datasets.push(dataset);
    }
    Ok(match datasets.len() {
        1 => datasets.remove(0),
        _ => Value::list(datasets),
    })
}

fn call_method(
    interpreter: &mut Interpreter,
    object: &Value,
    name: &str,
    positional: Vec<Value>,
    seed: Option<i64>,
) -> Result<Value> {
    let function = interpreter.get_attribute(object, name, dojo_lang::syntax::Span::default())?;
    let mut args = Args::new(positional);
    if let Some(seed) = seed {
        args.keywords.push(("seed".to_owned(), Value::Int(seed)));
    }
    interpreter.call(&function, args)
}

pub(crate) fn tf_image_resize(_: &mut Interpreter, args: Args) -> Result<Value> {
    const NAME: &str = "resize";
    args.check(
        NAME,
        3,
        &[
            "images",
            "size",
            "method",
            "preserve_aspect_ratio",
            "antialias",
            "name",
        ],
    )?;
    let images = arrays::to_array(&args.required(0, "images", NAME)?, TF_DEFAULTS)?;
    let (height, width) = size_pair(&args.required(1, "size", NAME)?, NAME, "size")?;
    let method = match optional(&args, 2, "method") {
        Some(value) => string(&value, NAME, "method")?,
        None => Rc::from("bilinear"),
    };
    let shape = images.shape().to_vec();
    let (batch, rest) = match shape.len() {
        3 => (None, &shape[..]),
        4 => (Some(shape[0]), &shape[1..]),
        _ => {
            return Err(value_error(
                "resize(): 'images' must have either 3 or 4 dimensions.",
            ));
        }
    };
    let (h, w, c) = (rest[0], rest[1], rest[2]);
    // TensorFlow refuses it (`InvalidArgumentError`): an empty image has no
    // pixel to sample from.
    if h == 0 || w == 0 || c == 0 {
        return Err(value_error(format!(
            "resize(): the images are empty (shape {shape:?}): each needs at least one pixel and one channel"
        )));
    }
    let values: Vec<f32> = arrays::to_f64s(&images)?
        .into_iter()
        .map(|x| x as f32)
        .collect();
    let mut out = Vec::new();
    for chunk in values.chunks(h * w * c).take(batch.unwrap_or(1)) {
        let image = Image {
            height: h,
            width: w,
            channels: c,
            pixels: chunk.to_vec(),
        };
        room_for_image(height, width, c, "the resized image")?;
        let resized = match &*method {
            "bilinear" => resize_bilinear(&image, height, width),
            "nearest" => resize_nearest(&image, height, width),
            other => {
                return Err(value_error(format!(
                    "resize(): Dojo supports method 'bilinear' or 'nearest', not '{other}'"
                )));
            }
        };
        out.extend(resized.pixels);
    }
    let shape: Vec<usize> = match batch {
        Some(n) => vec![n, height, width, c],
        None => vec![height, width, c],
    };
    Ok(NdArray::from_f32(&shape, out)
        .map_err(candle_error)?
        .into_value())
}

// ----- ImageDataGenerator ------------------------------------------------------

/// How a fill mode treats coordinates outside the image.
#[derive(Debug, Clone, Copy, PartialEq)]
enum FillMode {
    Nearest,
    Constant(f32),
    Reflect,
    Wrap,
}

/// The options of `ImageDataGenerator(...)` that Dojo implements.
#[derive(Debug, Clone)]
struct Augmentation {
    rescale: Option<f32>,
    rotation_range: f64,
    width_shift_range: f64,
    height_shift_range: f64,
    shear_range: f64,
    zoom_range: (f64, f64),
    horizontal_flip: bool,
    vertical_flip: bool,
    fill_mode: FillMode,
    validation_split: f64,
}

impl Augmentation {
    fn is_identity(&self) -> bool {
        self.rotation_range == 0.0
            && self.width_shift_range == 0.0
            && self.height_shift_range == 0.0
            && self.shear_range == 0.0
            && self.zoom_range == (1.0, 1.0)
            && !self.horizontal_flip
            && !self.vertical_flip
    }

    /// Keras's `get_random_transform` + `apply_transform` + `standardize`.
    fn apply(&self, image: Image, rng: &mut Rng) -> Image {
        let mut image = image;
        if !self.is_identity() {
            let mut uniform = |low: f64, high: f64| low + (high - low) * rng.unit();
            let theta = if self.rotation_range != 0.0 {
                uniform(-self.rotation_range, self.rotation_range)
            } else {
                0.0
            };
            let shift = |range: f64, size: usize, uniform: &mut dyn FnMut(f64, f64) -> f64| {
                if range == 0.0 {
                    0.0
                } else if range < 1.0 {
                    uniform(-range, range) * size as f64
                } else {
                    uniform(-range, range)
                }
            };
            let tx = shift(self.height_shift_range, image.height, &mut uniform);
            let ty = shift(self.width_shift_range, image.width, &mut uniform);
            let shear = if self.shear_range != 0.0 {
                uniform(-self.shear_range, self.shear_range)
            } else {
                0.0
            };
            let (zx, zy) = if self.zoom_range == (1.0, 1.0) {
                (1.0, 1.0)
            } else {
                (
                    uniform(self.zoom_range.0, self.zoom_range.1),
                    uniform(self.zoom_range.0, self.zoom_range.1),
                )
            };
            let flip_horizontal = self.horizontal_flip && uniform(0.0, 1.0) < 0.5;
            let flip_vertical = self.vertical_flip && uniform(0.0, 1.0) < 0.5;
            image = affine(&image, theta, tx, ty, shear, zx, zy, self.fill_mode);
            if flip_horizontal {
                image = flip(&image, false);
            }
            if flip_vertical {
                image = flip(&image, true);
            }
        }
        if let Some(scale) = self.rescale {
            for pixel in &mut image.pixels {
                *pixel *= scale;
            }
        }
        image
    }
}

type Matrix = [[f64; 3]; 3];

fn multiply(a: &Matrix, b: &Matrix) -> Matrix {
    let mut out = [[0.0; 3]; 3];
    for (i, row) in out.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell = (0..3).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    out
}

/// Keras's `apply_affine_transform` (angles in degrees), sampled bilinearly
/// like `scipy.ndimage.affine_transform(order=1)`.
#[allow(clippy::too_many_arguments)]
fn affine(
    image: &Image,
    theta: f64,
    tx: f64,
    ty: f64,
    shear: f64,
    zx: f64,
    zy: f64,
    fill: FillMode,
) -> Image {
    let (theta, shear) = (theta.to_radians(), shear.to_radians());
    let mut matrix: Matrix = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
    if theta != 0.0 {
        matrix = multiply(
            &matrix,
            &[
                [theta.cos(), -theta.sin(), 0.0],
                [theta.sin(), theta.cos(), 0.0],
                [0.0, 0.0, 1.0],
            ],
        );
    }
    if tx != 0.0 || ty != 0.0 {
        matrix = multiply(&matrix, &[[1.0, 0.0, tx], [0.0, 1.0, ty], [0.0, 0.0, 1.0]]);
    }
    if shear != 0.0 {
        matrix = multiply(
            &matrix,
            &[
                [1.0, -shear.sin(), 0.0],
                [0.0, shear.cos(), 0.0],
                [0.0, 0.0, 1.0],
            ],
        );
    }
    if zx != 1.0 || zy != 1.0 {
        matrix = multiply(&matrix, &[[zx, 0.0, 0.0], [0.0, zy, 0.0], [0.0, 0.0, 1.0]]);
    }
    let (ox, oy) = (
        image.height as f64 / 2.0 - 0.5,
        image.width as f64 / 2.0 - 0.5,
    );
    let offset: Matrix = [[1.0, 0.0, ox], [0.0, 1.0, oy], [0.0, 0.0, 1.0]];
    let reset: Matrix = [[1.0, 0.0, -ox], [0.0, 1.0, -oy], [0.0, 0.0, 1.0]];
    let matrix = multiply(&multiply(&offset, &matrix), &reset);
    let (h, w, channels) = (image.height, image.width, image.channels);
    let mut pixels = Vec::with_capacity(image.pixels.len());
    let resolve = |coordinate: i64, size: usize| -> Option<usize> {
        let n = size as i64;
        let index = match fill {
            FillMode::Nearest => coordinate.clamp(0, n - 1),
            FillMode::Constant(_) => {
                if coordinate < 0 || coordinate >= n {
                    return None;
                }
                coordinate
            }
            FillMode::Wrap => coordinate.rem_euclid(n),
            FillMode::Reflect => {
                let period = 2 * n;
                let folded = coordinate.rem_euclid(period);
                if folded < n {
                    folded
                } else {
                    period - 1 - folded
                }
            }
        };
        Some(index as usize)
    };
    for row in 0..h {
        for column in 0..w {
            let (r, c) = (row as f64, column as f64);
            let sr = matrix[0][0] * r + matrix[0][1] * c + matrix[0][2];
            let sc = matrix[1][0] * r + matrix[1][1] * c + matrix[1][2];
            let outside = sr < -0.5 || sr > h as f64 - 0.5 || sc < -0.5 || sc > w as f64 - 0.5;
            if let (FillMode::Constant(value), true) = (fill, outside) {
                pixels.extend(std::iter::repeat_n(value, channels));
                continue;
            }
            let (r0, c0) = (sr.floor(), sc.floor());
            let (dr, dc) = ((sr - r0) as f32, (sc - c0) as f32);
            for channel in 0..channels {
                let sample = |rr: i64, cc: i64| match (resolve(rr, h), resolve(cc, w)) {
                    (Some(rr), Some(cc)) => image.pixels[(rr * w + cc) * channels + channel],
                    _ => match fill {
                        FillMode::Constant(value) => value,
                        _ => 0.0,
                    },
                };
                let (r0, c0) = (r0 as i64, c0 as i64);
                let top = sample(r0, c0) * (1.0 - dc) + sample(r0, c0 + 1) * dc;
                let bottom = sample(r0 + 1, c0) * (1.0 - dc) + sample(r0 + 1, c0 + 1) * dc;
                pixels.push(top * (1.0 - dr) + bottom * dr);
            }
        }
    }
    Image {
        height: h,
        width: w,
        channels,
        pixels,
    }
}

fn flip(image: &Image, vertical: bool) -> Image {
    let (h, w, channels) = (image.height, image.width, image.channels);
    let mut pixels = Vec::with_capacity(image.pixels.len());
    for row in 0..h {
        for column in 0..w {
            let (r, c) = if vertical {
                (h - 1 - row, column)
            } else {
                (row, w - 1 - column)
            };
            let start = (r * w + c) * channels;
            pixels.extend_from_slice(&image.pixels[start..start + channels]);
        }
    }
    Image {
        height: h,
        width: w,
        channels,
        pixels,
    }
}

/// `ImageDataGenerator(...)`.
struct ImageDataGenerator(Augmentation);

const GENERATOR_OPTIONS: &[&str] = &[
    "featurewise_center",
    "samplewise_center",
    "featurewise_std_normalization",
    "samplewise_std_normalization",
    "zca_whitening",
    "zca_epsilon",
    "rotation_range",
    "width_shift_range",
    "height_shift_range",
    "brightness_range",
    "shear_range",
    "zoom_range",
    "channel_shift_range",
    "fill_mode",
    "cval",
    "horizontal_flip",
    "vertical_flip",
    "rescale",
    "preprocessing_function",
    "data_format",
    "validation_split",
    "interpolation_order",
    "dtype",
];

pub(crate) fn image_data_generator_class() -> Value {
    Builtin::value("ImageDataGenerator", |_, args| {
        const NAME: &str = "ImageDataGenerator";
        args.check(NAME, 0, GENERATOR_OPTIONS)?;
        let unsupported = [
            "featurewise_center",
            "samplewise_center",
            "featurewise_std_normalization",
            "samplewise_std_normalization",
            "zca_whitening",
            "brightness_range",
            "channel_shift_range",
            "preprocessing_function",
        ];
        for (key, value) in &args.keywords {
            if unsupported.contains(&key.as_str()) && value.truthy() {
                return Err(value_error(format!("ImageDataGenerator({key}=...) is not supported by Dojo"))
                    .with_help("Dojo supports rescale, rotation, shifts, shear, zoom, flips, fill_mode and validation_split"));
            }
        }
        let float = |name: &str| -> Result<f64> {
            optional(&args, usize::MAX, name).map_or(Ok(0.0), |v| {
                ArgName::Parameter {
                    function: NAME,
                    name,
                }
                .number(&v)
            })
        };
        let zoom_range = match optional(&args, usize::MAX, "zoom_range") {
            None => (1.0, 1.0),
            Some(Value::Tuple(items)) if items.len() == 2 => (
                ArgName::Parameter {
                    function: NAME,
                    name: "zoom_range",
                }
                .number(&items[0])?,
                ArgName::Parameter {
                    function: NAME,
                    name: "zoom_range",
                }
                .number(&items[1])?,
            ),
            Some(Value::List(items)) if items.borrow().len() == 2 => {
                let items = items.borrow();
                (
                    ArgName::Parameter {
                        function: NAME,
                        name: "zoom_range",
                    }
                    .number(&items[0])?,
                    ArgName::Parameter {
                        function: NAME,
                        name: "zoom_range",
                    }
                    .number(&items[1])?,
                )
            }
            Some(value) => {
                let zoom = ArgName::Parameter {
                    function: NAME,
                    name: "zoom_range",
                }
                .number(&value)?;
                (1.0 - zoom, 1.0 + zoom)
            }
        };
        let cval = float("cval")? as f32;
        let fill_mode = match optional(&args, usize::MAX, "fill_mode") {
            None => FillMode::Nearest,
            Some(value) => match &*string(&value, NAME, "fill_mode")? {
                "nearest" => FillMode::Nearest,
                "constant" => FillMode::Constant(cval),
                "reflect" => FillMode::Reflect,
                "wrap" => FillMode::Wrap,
                other => {
                    return Err(value_error(format!(
                        "Invalid `fill_mode` argument: {other}. Expected one of: constant, nearest, reflect, wrap"
                    )));
                }
            },
        };
        let validation_split = float("validation_split")?;
        if !(0.0..1.0).contains(&validation_split) {
            return Err(value_error(format!(
                "`validation_split` must be strictly between 0 and 1.  Received: {validation_split}"
            )));
        }
        let augmentation = Augmentation {
            rescale: optional(&args, usize::MAX, "rescale")
                .map(|v| {
                    ArgName::Parameter {
                        function: NAME,
                        name: "rescale",
                    }
                    .number(&v)
                })
                .transpose()?
                .filter(|scale| *scale != 0.0)
                .map(|scale| scale as f32),
            rotation_range: float("rotation_range")?,
            width_shift_range: float("width_shift_range")?,
            height_shift_range: float("height_shift_range")?,
            shear_range: float("shear_range")?,
            zoom_range,
            horizontal_flip: args.keyword("horizontal_flip").is_some_and(|v| v.truthy()),
            vertical_flip: args.keyword("vertical_flip").is_some_and(|v| v.truthy()),
            fill_mode,
            validation_split,
        };
        Ok(Value::Native(Rc::new(ImageDataGenerator(augmentation))))
    })
}

fn flow_from_directory(
    generator: &ImageDataGenerator,
    _: &Rc<dyn NativeObject>,
    interpreter: &mut Interpreter,
    args: Args,
) -> Result<Value> {
    const NAME: &str = "flow_from_directory";
    args.check(
        NAME,
        12,
        &[
            "directory",
            "target_size",
            "color_mode",
            "classes",
            "class_mode",
            "batch_size",
            "shuffle",
            "seed",
            "save_to_dir",
            "save_prefix",
            "save_format",
            "follow_links",
            "subset",
            "interpolation",
            "keep_aspect_ratio",
        ],
    )?;
    let directory = dojo_lang::vfs::normalize(&string(
        &args.required(0, "directory", NAME)?,
        NAME,
        "directory",
    )?);
    let target = match args.get(1, "target_size") {
        Some(value) => size_pair(&value, NAME, "target_size")?,
        None => (256, 256),
    };
    let color_mode = match args.get(2, "color_mode") {
        Some(value) => string(&value, NAME, "color_mode")?,
        None => Rc::from("rgb"),
    };
    let channels = channels_of(&color_mode)?;
    let class_mode: Option<Rc<str>> = match args.get(4, "class_mode") {
        None => Some(Rc::from("categorical")),
        Some(Value::None) => None,
        Some(value) => Some(string(&value, NAME, "class_mode")?),
    };
    if let Some(mode) = &class_mode
        && !matches!(&**mode, "categorical" | "binary" | "sparse" | "input")
    {
        return Err(value_error(format!(
            "Invalid class_mode: {mode}; expected one of \"categorical\", \"binary\", \"sparse\", \"input\" or None."
        )));
    }
    let batch_size = match args.get(5, "batch_size") {
        Some(value) => count(&value, NAME, "batch_size")?.max(1),
        None => 32,
    };
    let shuffle = args.get(6, "shuffle").is_none_or(|v| v.truthy());
    let seed = optional(&args, 7, "seed")
        .map(|v| {
            ArgName::Parameter {
                function: NAME,
                name: "seed",
            }
            .integer(&v)
        })
        .transpose()?;
    let subset = optional(&args, 12, "subset")
        .map(|v| string(&v, NAME, "subset"))
        .transpose()?;
    if let Some(interpolation) = optional(&args, 13, "interpolation")
        && &*string(&interpolation, NAME, "interpolation")? != "nearest"
    {
        return Err(value_error(format!(
            "{NAME}(): Dojo supports interpolation='nearest' only"
        )));
    }
    let split = match subset.as_deref() {
        None => None,
        Some("training") => Some((generator.0.validation_split, 1.0)),
        Some("validation") => Some((0.0, generator.0.validation_split)),
        Some(other) => {
            return Err(value_error(format!(
                "Invalid subset name: {other};expected \"training\" or \"validation\""
            )));
        }
    };
    let vfs = interpreter.vfs();
    let class_names: Vec<String> = match optional(&args, 3, "classes") {
        Some(value) => interpreter
            .iterate(&value)?
            .iter()
            .map(Value::to_str)
            .collect(),
        None => class_folders(&vfs, &directory, NAME)?,
    };
    if !vfs.is_dir(&directory) {
        class_folders(&vfs, &directory, NAME)?;
    }
    let extensions = [".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".tif", ".tiff"];
    let mut paths = Vec::new();
    let mut classes = Vec::new();
    for (class, name) in class_names.iter().enumerate() {
        let mut files = image_files(&vfs, &format!("{directory}/{name}"), &extensions);
        if let Some((start, stop)) = split {
            let n = files.len() as f64;
            let (start, stop) = ((start * n) as usize, (stop * n) as usize);
            files = files[start..stop.max(start)].to_vec();
        }
        classes.extend(std::iter::repeat_n(class, files.len()));
        paths.extend(files);
    }
    interpreter.print(&format!(
        "Found {} images belonging to {} classes.\n",
        paths.len(),
        class_names.len()
    ));
    Ok(Value::Native(Rc::new(BatchIterator {
        source: Samples::Files {
            vfs,
            paths,
            target,
            channels,
            class_names,
        },
        classes,
        class_mode,
        batch_size,
        shuffle,
        seed: operation_seed(seed.map(|s| s as u64)),
        epoch: Cell::new(0),
        augmentation: generator.0.clone(),
    })))
}

fn flow(
    generator: &ImageDataGenerator,
    _: &Rc<dyn NativeObject>,
    _: &mut Interpreter,
    args: Args,
) -> Result<Value> {
    const NAME: &str = "flow";
    args.check(
        NAME,
        4,
        &[
            "x",
            "y",
            "batch_size",
            "shuffle",
            "sample_weight",
            "seed",
            "save_to_dir",
            "save_prefix",
            "save_format",
            "ignore_class_split",
            "subset",
        ],
    )?;
    let images = arrays::to_array(&args.required(0, "x", NAME)?, TF_DEFAULTS)?;
    if images.shape().len() != 4 {
        return Err(value_error(format!(
            "Input data in `NumpyArrayIterator` should have rank 4. You passed an array with shape {:?}",
            images.shape()
        )));
    }
    let labels = optional(&args, 1, "y")
        .map(|y| arrays::to_array(&y, TF_DEFAULTS))
        .transpose()?;
    if let Some(labels) = &labels
        && labels.shape().first() != images.shape().first()
    {
        return Err(value_error(format!(
            "`x` (images tensor) and `y` (labels) should have the same length. Found: x.shape = {:?}, y.shape = {:?}",
            images.shape(),
            labels.shape()
        )));
    }
    let batch_size = match args.get(2, "batch_size") {
        Some(value) => count(&value, NAME, "batch_size")?.max(1),
        None => 32,
    };
    let shuffle = args.get(3, "shuffle").is_none_or(|v| v.truthy());
    let seed = optional(&args, usize::MAX, "seed")
        .map(|v| {
            ArgName::Parameter {
                function: NAME,
                name: "seed",
            }
            .integer(&v)
        })
        .transpose()?;
    let n = images.shape()[0];
    Ok(Value::Native(Rc::new(BatchIterator {
        source: Samples::Arrays {
            images: arrays::cast(&images, DType::Float32)?,
            labels,
        },
        classes: vec![0; n],
        class_mode: None,
        batch_size,
        shuffle,
        seed: operation_seed(seed.map(|s| s as u64)),
        epoch: Cell::new(0),
        augmentation: generator.0.clone(),
    })))
}

impl NativeObject for ImageDataGenerator {
    fn type_name(&self) -> String {
        "ImageDataGenerator".to_owned()
    }

    fn get_attribute(&self, this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        Ok(match name {
            "flow_from_directory" => Some(native_method(this, name, flow_from_directory)),
            "flow" => Some(native_method(this, name, flow)),
            "rescale" => Some(
                self.0
                    .rescale
                    .map_or(Value::None, |s| Value::Float(f64::from(s))),
            ),
            _ => None,
        })
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

enum Samples {
    Files {
        vfs: Rc<VirtualFs>,
        paths: Vec<String>,
        target: (usize, usize),
        channels: usize,
        class_names: Vec<String>,
    },
    Arrays {
        images: NdArray,
        labels: Option<NdArray>,
    },
}

/// Keras's `DirectoryIterator` / `NumpyArrayIterator`: `len()` is batches
/// per epoch; each iteration is one epoch of augmented batches.
struct BatchIterator {
    source: Samples,
    classes: Vec<usize>,
    class_mode: Option<Rc<str>>,
    batch_size: usize,
    shuffle: bool,
    seed: u64,
    epoch: Cell<u64>,
    augmentation: Augmentation,
}

impl BatchIterator {
    fn samples(&self) -> usize {
        match &self.source {
            Samples::Files { paths, .. } => paths.len(),
            Samples::Arrays { images, .. } => images.shape()[0],
        }
    }

    fn image(&self, index: usize) -> Result<Image> {
        match &self.source {
            Samples::Files {
                vfs,
                paths,
                target,
                channels,
                ..
            } => {
                let bytes = vfs
                    .read(&paths[index])
                    .map_err(|error| vfs_exception(error, vfs))?;
                let image = decode(&bytes, &paths[index], *channels)?;
                room_for_image(target.0, target.1, *channels, "the resized image")?;
                Ok(resize_nearest(&image, target.0, target.1))
            }
            Samples::Arrays { images, .. } => {
                let shape = images.shape();
                let pixels = arrays::to_f64s(&arrays::row(images, index)?)?
                    .into_iter()
                    .map(|x| x as f32)
                    .collect();
                Ok(Image {
                    height: shape[1],
                    width: shape[2],
                    channels: shape[3],
                    pixels,
                })
            }
        }
    }

    fn num_classes(&self) -> usize {
        match &self.source {
            Samples::Files { class_names, .. } => class_names.len(),
            Samples::Arrays { .. } => 0,
        }
    }

    fn batch(&self, indices: &[usize], rng: &mut Rng) -> Result<Value> {
        let mut images = Vec::with_capacity(indices.len());
        for &index in indices {
            let image = self.augmentation.apply(self.image(index)?, rng);
            images.push(image_array(image)?);
        }
        let x = arrays::stack(&images)?;
        if let Samples::Arrays { labels, .. } = &self.source {
            return Ok(match labels {
                Some(labels) => Value::tuple(vec![
                    x.into_value(),
                    arrays::take_rows(labels, indices)?.into_value(),
                ]),
                None => x.into_value(),
            });
        }
        let classes: Vec<usize> = indices.iter().map(|&i| self.classes[i]).collect();
        let y = match self.class_mode.as_deref() {
            None => return Ok(x.into_value()),
            Some("input") => x.clone(),
            Some("categorical") => {
                let n = self.num_classes();
                let mut one_hot = vec![0.0f32; classes.len() * n];
                for (row, class) in classes.iter().enumerate() {
                    one_hot[row * n + class] = 1.0;
                }
                NdArray::from_f32(&[classes.len(), n], one_hot).map_err(candle_error)?
            }
            Some(_) => NdArray::from_f32(
                &[classes.len()],
                classes.iter().map(|&c| c as f32).collect(),
            )
            .map_err(candle_error)?,
        };
        Ok(Value::tuple(vec![x.into_value(), y.into_value()]))
    }

    fn epoch_batches(&self) -> Result<Vec<Value>> {
        let epoch = self.epoch.get();
        self.epoch.set(epoch + 1);
        let mut rng = Rng::new(self.seed, epoch);
        let order = if self.shuffle {
            rng.permutation(self.samples())
        } else {
            (0..self.samples()).collect()
        };
        order
            .chunks(self.batch_size)
            .map(|chunk| self.batch(chunk, &mut rng))
            .collect()
    }
}

impl NativeObject for BatchIterator {
    fn type_name(&self) -> String {
        match self.source {
            Samples::Files { .. } => "DirectoryIterator",
            Samples::Arrays { .. } => "NumpyArrayIterator",
        }
        .to_owned()
    }

    fn get_attribute(&self, _: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        let class_names = match &self.source {
            Samples::Files { class_names, .. } => class_names.clone(),
            Samples::Arrays { .. } => Vec::new(),
        };
        Ok(Some(match name {
            "samples" | "n" => Value::Int(self.samples() as i64),
            "batch_size" => Value::Int(self.batch_size as i64),
            "num_classes" => Value::Int(self.num_classes() as i64),
            "class_mode" => self.class_mode.clone().map_or(Value::None, Value::Str),
            "class_indices" => {
                let mut dict = Dict::new();
                for (index, name) in class_names.iter().enumerate() {
                    let _ = dict.insert(Value::str(name), Value::Int(index as i64));
                }
                Value::dict(dict)
            }
            "classes" => NdArray::from_i64(
                &[self.classes.len()],
                self.classes.iter().map(|&c| c as i64).collect(),
                DType::Int32,
            )
            .map_err(candle_error)?
            .into_value(),
            "filenames" => match &self.source {
                Samples::Files { paths, .. } => {
                    Value::list(paths.iter().map(|p| Value::str(p)).collect())
                }
                Samples::Arrays { .. } => Value::list(Vec::new()),
            },
            "image_shape" => match &self.source {
                Samples::Files {
                    target, channels, ..
                } => Value::tuple(vec![
                    Value::Int(target.0 as i64),
                    Value::Int(target.1 as i64),
                    Value::Int(*channels as i64),
                ]),
                Samples::Arrays { images, .. } => Value::tuple(
                    images.shape()[1..]
                        .iter()
                        .map(|&d| Value::Int(d as i64))
                        .collect(),
                ),
            },
            _ => return Ok(None),
        }))
    }

    fn iterate(&self, _: &mut Interpreter) -> Option<Result<Vec<Value>>> {
        Some(self.epoch_batches())
    }

    fn length(&self) -> Option<usize> {
        Some(self.samples().div_ceil(self.batch_size))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// One epoch of `(x, y)` batches from an `ImageDataGenerator` iterator, or
/// `None` if `value` is not one.
pub(crate) fn generator_batches(value: &Value) -> Option<Result<Vec<Value>>> {
    match value {
        Value::Native(native) => native
            .as_any()
            .downcast_ref::<BatchIterator>()
            .map(BatchIterator::epoch_batches),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_legacy_shuffle_is_replayed() {
        // l = list(range(10)); np.random.RandomState(seed).shuffle(l); print(l)  (numpy 2.4)
        let mut items: Vec<u32> = (0..10).collect();
        Mt19937::new(1337).shuffle(&mut items);
        assert_eq!(items, vec![6, 3, 0, 4, 5, 2, 1, 9, 8, 7]);
        let mut items: Vec<u32> = (0..10).collect();
        Mt19937::new(123).shuffle(&mut items);
        assert_eq!(items, vec![4, 0, 7, 5, 8, 3, 1, 6, 9, 2]);
    }

    #[test]
    fn bilinear_resize_matches_tensorflow_on_a_ramp() {
        // tf.image.resize(tf.reshape(tf.range(4.), (1, 4, 1)), (1, 6)).numpy().ravel()
        // tf.image.resize(tf.reshape(tf.range(6.), (1, 6, 1)), (1, 4)).numpy().ravel()
        let cases: [(Vec<f32>, usize, Vec<f32>); 2] = [
            (
                vec![0.0, 1.0, 2.0, 3.0],
                6,
                vec![0.0, 0.5, 1.1666667, 1.8333335, 2.5, 3.0],
            ),
            (
                vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
                4,
                vec![0.25, 1.75, 3.25, 4.75],
            ),
        ];
        for (pixels, width, expected) in cases {
            let image = Image {
                height: 1,
                width: pixels.len(),
                channels: 1,
                pixels,
            };
            let resized = resize_bilinear(&image, 1, width);
            assert_eq!(resized.pixels.len(), expected.len());
            for (got, want) in resized.pixels.iter().zip(&expected) {
                assert!((got - want).abs() < 1e-5, "{:?}", resized.pixels);
            }
        }
    }
}
