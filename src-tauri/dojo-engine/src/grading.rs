//! Grading: runs a submitted model on its task's hidden split through the
//! task's input contract (`assets/tasks/<id>/task.json`) and maps the metric
//! to a score out of 5.
//!
//! Invariants:
//! - Deterministic: inputs are built in the split's fixed order and the
//!   model runs in inference mode only; the same model gets the same report.
//! - Inputs are fed in batches of at most [`BATCH`] examples.
//! - A model the contract cannot feed (wrong input or output shape, NaN
//!   predictions) is an [`Error::Grading`] that says why in the user's
//!   terms; a model that runs but seems to expect something else (missing
//!   sigmoid or softmax, another scaling) gets its score and a note.

use std::cell::RefMut;

use candle_core::{Device, Tensor};
use dojo_keras::losses::Loss;
use dojo_keras::model::Model;
use dojo_lang::Value;
use dojo_protocol::{ClassResult, GradeReport, Metric, Thresholds};

use crate::taskdata::HiddenSplit;
use crate::tasks::Task;
use crate::{Error, Result};

/// The most examples fed to the model at once.
pub const BATCH: usize = 64;

/// The grader's fixed constants, as each task's contract states them.
pub mod contract {
    /// SMS spam: `Tokenizer(num_words=VOCABULARY, oov_token=OOV_TOKEN)`.
    pub const VOCABULARY: i64 = 1000;
    pub const OOV_TOKEN: &str = "<OOV>";
    /// SMS spam: `pad_sequences(maxlen=MAX_LENGTH, padding='post', truncating='post')`.
    pub const MAX_LENGTH: usize = 60;
    /// Series tasks: each point is predicted from this many values before
    /// it, unless the model declares another fixed window within
    /// [`MIN_WINDOW`]..=[`MAX_WINDOW`] (Dicoding's temperature files use 64),
    /// which the grader then feeds.
    pub const WINDOW: usize = 30;
    pub const MIN_WINDOW: usize = 2;
    pub const MAX_WINDOW: usize = 365;
    /// Horses or humans: images are resized to this many pixels a side,
    /// unless the model declares another size within
    /// [`MIN_IMAGE_SIZE`]..=[`MAX_IMAGE_SIZE`] (the exam's files use 300
    /// or 150), which the grader then feeds.
    pub const IMAGE_SIZE: usize = 128;
    pub const MIN_IMAGE_SIZE: usize = 32;
    pub const MAX_IMAGE_SIZE: usize = 320;
    /// Fashion-MNIST class names, in label order.
    pub use dojo_tf::datasets::FASHION_CLASSES;
}

/// The score thresholds of `task`, from its `task.json`.
pub fn thresholds(task: &Task) -> Result<Thresholds> {
    Ok(Thresholds {
        metric: task.metric,
        levels: crate::tasks::spec(task)?.thresholds,
    })
}

/// The score (1 to 5) of a valid model whose metric is `value`: 1 plus the
/// number of levels reached (accuracy at least, MAE at most the level).
pub fn score(thresholds: &Thresholds, value: f64) -> u8 {
    let reached = thresholds
        .levels
        .iter()
        .filter(|level| match thresholds.metric {
            Metric::Accuracy => value >= **level,
            Metric::MeanAbsoluteError => value <= **level,
        })
        .count();
    1 + reached as u8
}

/// Grades `model` (the value `solution_model()` returned) on `hidden`.
pub fn grade(model: &Value, task: &Task, hidden: &HiddenSplit) -> Result<GradeReport> {
    let thresholds = thresholds(task)?;
    let py_model = dojo_tf::PyModel::of(model).ok_or_else(|| {
        Error::Grading(format!(
            "only a Keras model can be graded, not a value of type {}",
            model.type_name()
        ))
    })?;
    let keras = py_model.model.try_borrow_mut().map_err(|_| {
        Error::Grading("the model is still training; grade it when training ends".to_owned())
    })?;
    let mut grader = Grader {
        model: keras,
        task,
        notes: Vec::new(),
    };
    let outcome = match (task.id, hidden) {
        ("fashion_mnist", HiddenSplit::Grey28 { pixels, labels }) => {
            grader.fashion_mnist(pixels, labels)?
        }
        ("horses_or_humans", HiddenSplit::Images { classes, images }) => {
            grader.horses_or_humans(classes, images)?
        }
        ("sms_spam", HiddenSplit::Texts { items, visible }) => grader.sms_spam(items, visible)?,
        (
            "auto_mpg",
            HiddenSplit::Rows {
                header,
                rows,
                visible,
            },
        ) => grader.auto_mpg(header, rows, visible)?,
        ("sunspots" | "daily_min_temperatures", HiddenSplit::Series { visible, hidden }) => {
            grader.series(visible, hidden)?
        }
        _ => {
            return Err(Error::Dataset {
                dataset: task.dataset_id.to_owned(),
                message: format!("no grader for task {} with this hidden split", task.id),
            });
        }
    };
    let score = score(&thresholds, outcome.value);
    let halves = halves(&thresholds, &outcome.errors);
    Ok(GradeReport {
        task_id: task.id.to_owned(),
        metric: task.metric,
        value: outcome.value,
        score,
        thresholds,
        samples: outcome.samples as u32,
        classes: outcome.classes,
        confusion: outcome.confusion,
        notes: grader.notes,
        halves,
    })
}

/// The metric on the public half (even positions of the hidden split's
/// fixed order) and the private half (odd positions). Interleaving keeps
/// both halves alike for a series, whose hidden split is one stretch of
/// time. `errors` holds each example's contribution: 1 for a correct
/// prediction (accuracy), the absolute error (MAE).
fn halves(thresholds: &Thresholds, errors: &[f64]) -> Option<dojo_protocol::HalfScores> {
    if errors.len() < 2 {
        return None;
    }
    let mean = |parity: usize| {
        let half: Vec<f64> = errors.iter().skip(parity).step_by(2).copied().collect();
        half.iter().sum::<f64>() / half.len() as f64
    };
    let (public_value, private_value) = (mean(0), mean(1));
    Some(dojo_protocol::HalfScores {
        public_value,
        public_score: score(thresholds, public_value),
        private_value,
        private_score: score(thresholds, private_value),
    })
}

/// The metric and, for classification, its breakdown.
struct Outcome {
    value: f64,
    /// Each example's part of the metric, in the split's order (see [`halves`]).
    errors: Vec<f64>,
    samples: usize,
    classes: Vec<ClassResult>,
    confusion: Vec<Vec<u32>>,
}

/// Examples for the model: `count` rows of `dims` values each, row-major.
struct Inputs {
    dims: Vec<usize>,
    values: Vec<f32>,
}

impl Inputs {
    fn count(&self) -> usize {
        self.values.len() / self.dims.iter().product::<usize>().max(1)
    }

    fn map(&self, f: impl Fn(f32) -> f32) -> Inputs {
        Inputs {
            dims: self.dims.clone(),
            values: self.values.iter().map(|v| f(*v)).collect(),
        }
    }
}

/// Predictions: `rows` of `width` values each.
struct Outputs {
    /// The output shape without the batch axis.
    dims: Vec<usize>,
    values: Vec<f32>,
}

impl Outputs {
    fn width(&self) -> usize {
        self.dims.iter().product::<usize>().max(1)
    }

    fn row(&self, index: usize) -> &[f32] {
        let width = self.width();
        &self.values[index * width..(index + 1) * width]
    }
}

fn shape_text(dims: &[Option<usize>]) -> String {
    let parts: Vec<String> = dims
        .iter()
        .map(|d| d.map_or_else(|| "None".to_owned(), |d| d.to_string()))
        .collect();
    if parts.len() == 1 {
        format!("({},)", parts[0])
    } else {
        format!("({})", parts.join(", "))
    }
}

fn contract_shape(dims: &[usize]) -> String {
    let mut all = vec![None];
    all.extend(dims.iter().map(|d| Some(*d)));
    shape_text(&all)
}

/// Whether model input dims `want` (batch axis excluded) accept `got`.
fn accepts(want: &[Option<usize>], got: &[usize]) -> bool {
    want.len() == got.len() && want.iter().zip(got).all(|(w, g)| w.is_none_or(|w| w == *g))
}

struct Grader<'a> {
    model: RefMut<'a, Model>,
    task: &'a Task,
    notes: Vec<String>,
}

impl Grader<'_> {
    /// The dims to feed the contract's examples as, or why they cannot be
    /// fed. Accepted besides an exact match: a model input without the
    /// trailing axis of 1 (or with an extra one), as Keras adjusts, and any
    /// input with the same number of values (the grader reshapes).
    fn feed_dims(&mut self, contract: &[usize]) -> Result<Vec<usize>> {
        let Some(want) = self.model.input_shape() else {
            return Ok(contract.to_vec());
        };
        let want = &want[1.min(want.len())..];
        let trailing_one = (want.len() == contract.len() + 1
            && want.last() == Some(&Some(1))
            && accepts(&want[..contract.len()], contract))
            || (contract.len() == want.len() + 1
                && contract.last() == Some(&1)
                && accepts(want, &contract[..want.len()]));
        if accepts(want, contract) || trailing_one {
            return Ok(contract.to_vec());
        }
        let fixed: Option<Vec<usize>> = want.iter().copied().collect();
        if let Some(fixed) = fixed
            && fixed.iter().product::<usize>() == contract.iter().product::<usize>()
        {
            self.notes.push(format!(
                "your model's input is {}; the grader reshaped the contract's {} examples to it",
                shape_text(&self.model.input_shape().unwrap_or_default()),
                contract_shape(contract)
            ));
            return Ok(fixed);
        }
        Err(Error::Grading(format!(
            "your model expects input of shape {}, but the {} grader feeds {}: {}",
            shape_text(&self.model.input_shape().unwrap_or_default()),
            self.task.id,
            contract_shape(contract),
            self.input_advice()
        )))
    }

    fn input_advice(&self) -> &'static str {
        match self.task.id {
            "fashion_mnist" => {
                "declare `input_shape=(28, 28, 1)` (or (28, 28) or (784,)) on the first layer"
            }
            "horses_or_humans" => {
                "train on 128x128 RGB images: `target_size=(128, 128)` and `input_shape=(128, 128, 3)`"
            }
            "sms_spam" => {
                "pad every message to 60 tokens: `pad_sequences(..., maxlen=60)` and `input_shape=(60,)`"
            }
            "auto_mpg" => {
                "the model takes the 9 raw features: 6 numbers (cylinders .. model year) and the origin one-hot"
            }
            _ => {
                "the model takes windows of one value per step: `input_shape=[30, 1]` (another fixed window length, such as 64, is fed too)"
            }
        }
    }

    /// Runs the model on `inputs` in batches.
    fn predict(&mut self, inputs: &Inputs) -> Result<Outputs> {
        let feed = self.feed_dims(&inputs.dims)?;
        let device = self
            .model
            .weights()
            .first()
            .map_or(Device::Cpu, |weight| weight.var.device().clone());
        let width: usize = inputs.dims.iter().product::<usize>().max(1);
        let count = inputs.count();
        let mut dims = Vec::new();
        let mut values = Vec::new();
        let mut start = 0;
        while start < count {
            let len = BATCH.min(count - start);
            let mut shape = vec![len];
            shape.extend(&feed);
            let x = Tensor::from_slice(
                &inputs.values[start * width..(start + len) * width],
                shape,
                &device,
            )?;
            let y = self
                .model
                .predict(&x, Some(len))
                .map_err(|error| self.run_error(&error.to_string()))?;
            let returned = y.dims().first().copied();
            if returned != Some(len) {
                return Err(Error::Grading(format!(
                    "your model returned {} for a batch of {len} examples; the grader needs exactly one prediction per example, so no layer may change the batch axis (a `Lambda` that slices, reshapes or reduces the first axis, e.g. `x[:0]` or `tf.reduce_mean(x)`)",
                    match returned {
                        None => "a single value".to_owned(),
                        Some(1) => "1 prediction".to_owned(),
                        Some(rows) => format!("{rows} predictions"),
                    }
                )));
            }
            let row_dims = &y.dims()[1..];
            if start > 0 && dims != row_dims {
                return Err(Error::Grading(format!(
                    "your model's output shape changes from batch to batch ({} then {}); the grader needs one prediction of the same shape per example",
                    contract_shape(&dims),
                    contract_shape(row_dims),
                )));
            }
            if row_dims.contains(&0) {
                return Err(Error::Grading(format!(
                    "your model outputs no values per example (output shape {}); the grader needs one prediction per example",
                    contract_shape(row_dims),
                )));
            }
            dims = row_dims.to_vec();
            values.extend(
                y.to_dtype(candle_core::DType::F32)?
                    .flatten_all()?
                    .to_vec1::<f32>()?,
            );
            start += len;
        }
        let bad = values.iter().filter(|v| !v.is_finite()).count();
        if bad > 0 {
            return Err(Error::Grading(format!(
                "your model predicts NaN or infinity ({bad} of {} outputs); its training probably diverged: lower the learning rate or scale the inputs",
                values.len()
            )));
        }
        Ok(Outputs { dims, values })
    }

    fn run_error(&self, message: &str) -> Error {
        let advice = match self.task.id {
            "sms_spam" => {
                " (the grader's tokenizer keeps 1,000 words: token ids run up to 999, so an `Embedding` needs `input_dim` of at least 1000)"
            }
            _ => "",
        };
        Error::Grading(format!(
            "running your model on the grader's input failed: {message}{advice}"
        ))
    }

    /// Labels from class scores: `classes` units (argmax; a missing softmax
    /// is noted), or one unit for two classes (sigmoid, or logits when the
    /// outputs leave [0, 1] or the loss was compiled `from_logits`).
    fn labels(&mut self, outputs: &Outputs, classes: usize) -> Result<Vec<usize>> {
        let width = outputs.width();
        let rows = outputs.values.len() / width;
        if width == 1 && classes == 2 {
            let from_logits = matches!(
                self.model.compiled().map(|compiled| &compiled.loss),
                Some(Loss::BinaryCrossentropy {
                    from_logits: true,
                    ..
                })
            );
            let outside = outputs.values.iter().any(|v| !(0.0..=1.0).contains(v));
            let cut = if from_logits || outside {
                self.notes.push(if from_logits {
                    "your loss is compiled with from_logits=True, so the grader read the output as a logit (spam/human when above 0); the exam's grader expects a sigmoid output: add `activation='sigmoid'` to the last layer".to_owned()
                } else {
                    "your model's output leaves [0, 1], so it has no sigmoid; the grader read it as a logit (positive when above 0): add `activation='sigmoid'` to the last layer".to_owned()
                });
                0.0
            } else {
                0.5
            };
            return Ok(outputs
                .values
                .iter()
                .map(|v| usize::from(*v > cut))
                .collect());
        }
        if width != classes {
            return Err(Error::Grading(format!(
                "your model has {width} output values per example, but the {} grader reads {}; end the model with `Dense({}, activation='{}')`",
                self.task.id,
                if classes == 2 {
                    "one sigmoid unit (or two softmax units)".to_owned()
                } else {
                    format!("{classes} class scores")
                },
                if classes == 2 { 1 } else { classes },
                if classes == 2 { "sigmoid" } else { "softmax" },
            )));
        }
        let probabilities = (0..rows).all(|row| {
            let values = outputs.row(row);
            values.iter().all(|v| *v >= 0.0) && (values.iter().sum::<f32>() - 1.0).abs() < 1e-3
        });
        if !probabilities {
            self.notes.push(format!(
                "your model's {classes} outputs are not probabilities (no softmax on the last layer); the grader took the largest, which the softmax would not change, but the exam's grader expects `activation='softmax'`"
            ));
        }
        Ok((0..rows).map(|row| argmax(outputs.row(row))).collect())
    }

    /// The accuracy of `inputs` against `truth`, with its breakdown.
    fn classify(
        &mut self,
        inputs: &Inputs,
        truth: &[usize],
        names: &[&str],
    ) -> Result<(Outcome, Vec<usize>)> {
        let outputs = self.predict(inputs)?;
        let predicted = self.labels(&outputs, names.len())?;
        Ok((classification(truth, &predicted, names), predicted))
    }

    /// Accuracy alone, for the alternative-scaling check (no notes).
    fn quiet_accuracy(&mut self, inputs: &Inputs, truth: &[usize], classes: usize) -> Option<f64> {
        let notes = self.notes.len();
        let accuracy = self
            .predict(inputs)
            .and_then(|outputs| self.labels(&outputs, classes))
            .ok()
            .map(|predicted| accuracy(truth, &predicted));
        self.notes.truncate(notes);
        accuracy
    }

    /// Notes when the model does much better on raw 0–255 pixels.
    fn check_pixel_scaling(&mut self, scaled: &Inputs, truth: &[usize], classes: usize, got: f64) {
        let raw = scaled.map(|v| v * 255.0);
        if let Some(raw_accuracy) = self.quiet_accuracy(&raw, truth, classes)
            && raw_accuracy > got + 0.1
        {
            self.notes.push(format!(
                "your model does much better on raw pixels (accuracy {raw_accuracy:.3} vs {got:.3}): the contract feeds pixels already scaled to [0, 1]; train on pixels divided by 255, and divide only once (no `Rescaling(1/255)` in the model when the data is scaled already)"
            ));
        }
    }

    fn fashion_mnist(&mut self, pixels: &[u8], labels: &[u8]) -> Result<Outcome> {
        let inputs = Inputs {
            dims: vec![28, 28, 1],
            values: pixels.iter().map(|p| f32::from(*p) / 255.0).collect(),
        };
        let truth: Vec<usize> = labels.iter().map(|l| usize::from(*l)).collect();
        let (outcome, _) = self.classify(&inputs, &truth, &contract::FASHION_CLASSES)?;
        self.check_pixel_scaling(&inputs, &truth, 10, outcome.value);
        Ok(outcome)
    }

    fn horses_or_humans(
        &mut self,
        classes: &[String],
        images: &[(usize, std::sync::Arc<[u8]>)],
    ) -> Result<Outcome> {
        // The exam's files declare 300x300 (or 150x150) inputs, and the
        // exam's grader fed its images at the size the model declared: so
        // does this one, within bounds; any other model gets the contract's.
        let (height, width) = match self.model.input_shape().as_deref() {
            Some([_, Some(h), Some(w), Some(3)])
                if (contract::MIN_IMAGE_SIZE..=contract::MAX_IMAGE_SIZE).contains(h)
                    && (contract::MIN_IMAGE_SIZE..=contract::MAX_IMAGE_SIZE).contains(w) =>
            {
                (*h, *w)
            }
            _ => (contract::IMAGE_SIZE, contract::IMAGE_SIZE),
        };
        if (height, width) != (contract::IMAGE_SIZE, contract::IMAGE_SIZE) {
            self.notes.push(format!(
                "the grader fed the hidden images at your model's {height}x{width} input, resized from the bundled {0}x{0} renders as flow_from_directory(target_size=({height}, {width})) resizes them",
                contract::IMAGE_SIZE
            ));
        }
        let mut values = Vec::with_capacity(images.len() * height * width * 3);
        for (index, (_, bytes)) in images.iter().enumerate() {
            let name = format!("hidden image {index}");
            let image =
                dojo_tf::image::decode(bytes, &name, 3).map_err(|error| Error::Dataset {
                    dataset: self.task.dataset_id.to_owned(),
                    message: error.message.clone(),
                })?;
            let image = if (image.height, image.width) == (height, width) {
                image
            } else {
                dojo_tf::image::resize_nearest(&image, height, width)
            };
            values.extend(image.pixels.iter().map(|v| v / 255.0));
        }
        let inputs = Inputs {
            dims: vec![height, width, 3],
            values,
        };
        let truth: Vec<usize> = images.iter().map(|(class, _)| *class).collect();
        let names: Vec<&str> = classes.iter().map(String::as_str).collect();
        let (outcome, _) = self.classify(&inputs, &truth, &names)?;
        self.check_pixel_scaling(&inputs, &truth, names.len(), outcome.value);
        Ok(outcome)
    }

    fn sms_spam(&mut self, items: &[(String, u8)], visible: &[String]) -> Result<Outcome> {
        let fit: Vec<&str> = visible.iter().map(String::as_str).collect();
        let texts: Vec<&str> = items.iter().map(|(text, _)| text.as_str()).collect();
        let encoded = dojo_tf::text::encode_texts(
            &fit,
            &texts,
            contract::VOCABULARY,
            contract::OOV_TOKEN,
            contract::MAX_LENGTH,
        );
        let contract_rows: Vec<Vec<f64>> = encoded
            .iter()
            .map(|row| row.iter().map(|id| *id as f64).collect())
            .collect();
        // A program that fit its own Tokenizer learned that tokenizer's word
        // ids: graded with the contract's, its model would be fed other
        // words. Its own pipeline (pure Rust over its vocabulary, no user
        // code) encodes the hidden messages as it encoded its training data.
        let (rows, width) = match dojo_tf::text::program_encoding(&texts, contract::MAX_LENGTH) {
            Some((own, padding)) if own != contract_rows => {
                let differing = own
                    .iter()
                    .zip(&contract_rows)
                    .filter(|(a, b)| a != b)
                    .count();
                let side = |pre: bool| if pre { "pre" } else { "post" };
                self.notes.push(format!(
                    "graded with your program's own Tokenizer and padding (maxlen {}, padding '{}', truncating '{}'), as it encoded its training data: the contract's encoding (a Tokenizer(num_words={}, oov_token='{}') fit on all {} visible messages, maxlen {}, post-padded and post-truncated) would feed {differing} of the {} graded messages other word ids than the ones your model learned",
                    padding.maxlen,
                    side(padding.pre_padding),
                    side(padding.pre_truncating),
                    contract::VOCABULARY,
                    contract::OOV_TOKEN,
                    visible.len(),
                    contract::MAX_LENGTH,
                    texts.len(),
                ));
                (own, padding.maxlen)
            }
            _ => (contract_rows, contract::MAX_LENGTH),
        };
        let inputs = Inputs {
            dims: vec![width],
            values: rows.iter().flatten().map(|id| *id as f32).collect(),
        };
        let truth: Vec<usize> = items.iter().map(|(_, label)| usize::from(*label)).collect();
        let (outcome, _) = self.classify(&inputs, &truth, &["ham", "spam"])?;
        Ok(outcome)
    }

    /// The one value per example of a regression model; a sequence output
    /// (one value per time step) is read at its last step, with a note.
    fn regression_values(&mut self, outputs: &Outputs) -> Result<Vec<f32>> {
        match outputs.dims.as_slice() {
            [] | [1] => Ok(outputs.values.clone()),
            [steps, 1] if *steps > 1 => {
                self.notes.push(format!(
                    "your model outputs a sequence of {steps} values per window; the grader read the last one (end with `Dense(1)` after a layer without `return_sequences=True` to predict one value)"
                ));
                let rows = outputs.values.len() / steps;
                Ok((0..rows)
                    .map(|row| outputs.values[row * steps + steps - 1])
                    .collect())
            }
            other => Err(Error::Grading(format!(
                "your model outputs {} values per example, but the {} grader reads one number: end the model with `Dense(1)`",
                other.iter().product::<usize>(),
                self.task.id
            ))),
        }
    }

    fn regression(&mut self, inputs: &Inputs) -> Result<Vec<f32>> {
        let outputs = self.predict(inputs)?;
        self.regression_values(&outputs)
    }

    /// MAE alone, for the alternative-scaling checks (no notes).
    fn quiet_mae(&mut self, inputs: &Inputs, targets: &[f64], scale: f64) -> Option<f64> {
        let notes = self.notes.len();
        let predictions = self.regression(inputs).ok();
        self.notes.truncate(notes);
        predictions.map(|p| mae(&p, targets, scale))
    }

    fn auto_mpg(&mut self, header: &str, rows: &[String], visible: &[String]) -> Result<Outcome> {
        let (inputs, targets) = self.cars(header, rows)?;
        let predictions = self.regression(&inputs)?;
        let value = mae(&predictions, &targets, 1.0);
        let errors = absolute_errors(&predictions, &targets);
        // Standardised with the visible cars' statistics, as a program that
        // normalised its training data outside the model did.
        let (seen, seen_targets) = self.cars(header, visible)?;
        let standardised = standardise(&inputs, &seen);
        // Only a model that is good on standardised features (better than
        // always predicting the average visible car) was trained on them.
        let average = seen_targets.iter().sum::<f64>() / seen_targets.len().max(1) as f64;
        let baseline =
            targets.iter().map(|t| (t - average).abs()).sum::<f64>() / targets.len().max(1) as f64;
        if let Some(alternative) = self.quiet_mae(&standardised, &targets, 1.0)
            && alternative < 0.7 * value
            && alternative < baseline
        {
            self.notes.push(format!(
                "your model does much better on standardised features (MAE {alternative:.2} vs {value:.2}): the contract feeds raw values; put `tf.keras.layers.Normalization()` adapted on the training features (`layer.adapt(x_train)`) as the model's first layer instead of normalising outside it"
            ));
        }
        Ok(Outcome {
            value,
            errors,
            samples: targets.len(),
            classes: Vec::new(),
            confusion: Vec::new(),
        })
    }

    /// The contract's features (six numbers and a one-hot origin) and the
    /// mpg of each car in `rows`; cars with unknown values are left out.
    fn cars(&self, header: &str, rows: &[String]) -> Result<(Inputs, Vec<f64>)> {
        let columns = crate::taskdata::csv_fields(header);
        let column = |name: &str| {
            columns
                .iter()
                .position(|c| c == name)
                .ok_or_else(|| Error::Dataset {
                    dataset: self.task.dataset_id.to_owned(),
                    message: format!("auto_mpg.csv has no column {name}"),
                })
        };
        let names = [
            "mpg",
            "cylinders",
            "displacement",
            "horsepower",
            "weight",
            "acceleration",
            "model_year",
            "origin",
        ];
        let indices: Vec<usize> = names.iter().map(|n| column(n)).collect::<Result<_>>()?;
        let mut values = Vec::new();
        let mut targets = Vec::new();
        for row in rows {
            let fields = crate::taskdata::csv_fields(row);
            let numbers: Option<Vec<f64>> = indices
                .iter()
                .map(|i| fields.get(*i).and_then(|f| f.trim().parse::<f64>().ok()))
                .collect();
            // Cars with unknown horsepower are not graded.
            let Some(numbers) = numbers else { continue };
            let origin = numbers[7] as usize;
            if !(1..=3).contains(&origin) {
                continue;
            }
            targets.push(numbers[0]);
            values.extend(numbers[1..7].iter().map(|v| *v as f32));
            values.extend((1..=3).map(|o| if o == origin { 1.0f32 } else { 0.0 }));
        }
        let inputs = Inputs {
            dims: vec![9],
            values,
        };
        Ok((inputs, targets))
    }

    fn series(&mut self, visible: &[f64], hidden: &[f64]) -> Result<Outcome> {
        // A model that declares a fixed window of its own is fed windows of
        // that length, as the exam's grader fed the window its file fixed.
        let window = match self.model.input_shape().as_deref() {
            Some([_, Some(n), Some(1)] | [_, Some(n)])
                if (contract::MIN_WINDOW..=contract::MAX_WINDOW).contains(n) =>
            {
                *n
            }
            _ => contract::WINDOW,
        };
        if window != contract::WINDOW {
            self.notes.push(format!(
                "the grader fed windows of your model's {window} values (the contract's default is {})",
                contract::WINDOW
            ));
        }
        let full: Vec<f64> = visible.iter().chain(hidden).copied().collect();
        let start = visible.len();
        if start < window {
            return Err(Error::Dataset {
                dataset: self.task.dataset_id.to_owned(),
                message: "the visible series is shorter than a window".to_owned(),
            });
        }
        let mut values = Vec::with_capacity(hidden.len() * window);
        for t in start..full.len() {
            values.extend(full[t - window..t].iter().map(|v| *v as f32));
        }
        let inputs = Inputs {
            dims: vec![window, 1],
            values,
        };
        let predictions = self.regression(&inputs)?;
        let value = mae(&predictions, hidden, 1.0);
        let errors = absolute_errors(&predictions, hidden);
        let scale = visible.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if scale > 0.0 {
            let scaled = inputs.map(|v| v / scale as f32);
            // Only a model good on scaled windows (better than repeating the
            // last value) was trained on them.
            let persistence = mae(
                &full[start - 1..full.len() - 1]
                    .iter()
                    .map(|v| *v as f32)
                    .collect::<Vec<_>>(),
                hidden,
                1.0,
            );
            if let Some(alternative) = self.quiet_mae(&scaled, hidden, scale)
                && alternative < 0.5 * value
                && alternative < persistence
            {
                self.notes.push(format!(
                    "your model does much better when the series is divided by its maximum ({scale}) and its predictions multiplied back (MAE {alternative:.2} vs {value:.2}): the contract feeds raw values and reads raw predictions; put the scaling inside the model, e.g. `Lambda(lambda x: x / {scale})` first and `Lambda(lambda x: x * {scale})` last"
                ));
            }
        }
        // Compared with the visible series only: a note never tells the user
        // anything about the hidden split beyond the score itself.
        let mean_prediction = predictions.iter().map(|p| f64::from(*p)).sum::<f64>()
            / predictions.len().max(1) as f64;
        let mean_visible = visible.iter().sum::<f64>() / visible.len().max(1) as f64;
        let ratio = mean_prediction.abs() / mean_visible.abs().max(1e-9);
        if !(0.2..=5.0).contains(&ratio) {
            self.notes.push(format!(
                "your predictions are on a different scale than the series (mean prediction {mean_prediction:.3}, mean of the visible series {mean_visible:.3}): the contract reads predictions in the series' raw units"
            ));
        }
        Ok(Outcome {
            value,
            errors,
            samples: hidden.len(),
            classes: Vec::new(),
            confusion: Vec::new(),
        })
    }
}

/// Index of the largest value (the first among equals, like numpy).
fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (index, value) in values.iter().enumerate() {
        if *value > values[best] {
            best = index;
        }
    }
    best
}

fn accuracy(truth: &[usize], predicted: &[usize]) -> f64 {
    let correct = truth.iter().zip(predicted).filter(|(t, p)| t == p).count();
    correct as f64 / truth.len().max(1) as f64
}

/// Accuracy, per-class results and `confusion[true][predicted]`.
fn classification(truth: &[usize], predicted: &[usize], names: &[&str]) -> Outcome {
    let mut confusion = vec![vec![0u32; names.len()]; names.len()];
    for (t, p) in truth.iter().zip(predicted) {
        if let Some(cell) = confusion.get_mut(*t).and_then(|row| row.get_mut(*p)) {
            *cell += 1;
        }
    }
    let classes = names
        .iter()
        .enumerate()
        .map(|(index, name)| ClassResult {
            label: (*name).to_owned(),
            correct: confusion[index][index],
            total: confusion[index].iter().sum(),
        })
        .collect();
    Outcome {
        value: accuracy(truth, predicted),
        errors: truth
            .iter()
            .zip(predicted)
            .map(|(t, p)| f64::from(u8::from(t == p)))
            .collect(),
        samples: truth.len(),
        classes,
        confusion,
    }
}

/// Each prediction's absolute error against its target.
fn absolute_errors(predictions: &[f32], targets: &[f64]) -> Vec<f64> {
    predictions
        .iter()
        .zip(targets)
        .map(|(p, t)| (f64::from(*p) - t).abs())
        .collect()
}

/// Mean absolute error of `predictions * scale` against `targets`.
fn mae(predictions: &[f32], targets: &[f64], scale: f64) -> f64 {
    let total: f64 = predictions
        .iter()
        .zip(targets)
        .map(|(p, t)| (f64::from(*p) * scale - t).abs())
        .sum();
    total / targets.len().max(1) as f64
}

/// Each feature column shifted to mean 0 and scaled to standard deviation 1.
/// `inputs` with each column centred and scaled by the mean and standard
/// deviation of that column in `reference`.
fn standardise(inputs: &Inputs, reference: &Inputs) -> Inputs {
    let width = inputs.dims.iter().product::<usize>().max(1);
    let rows = reference.count().max(1) as f64;
    let mut out = inputs.values.clone();
    for column in 0..width {
        let values = || {
            reference
                .values
                .iter()
                .skip(column)
                .step_by(width)
                .map(|v| f64::from(*v))
        };
        let mean = values().sum::<f64>() / rows;
        let std = (values().map(|v| (v - mean).powi(2)).sum::<f64>() / rows).sqrt() + 1e-7;
        for value in out.iter_mut().skip(column).step_by(width) {
            *value = ((f64::from(*value) - mean) / std) as f32;
        }
    }
    Inputs {
        dims: inputs.dims.clone(),
        values: out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_count_the_levels_reached() {
        let accuracy = Thresholds {
            metric: Metric::Accuracy,
            levels: [0.6, 0.7, 0.8, 0.9],
        };
        assert_eq!(score(&accuracy, 0.1), 1);
        assert_eq!(score(&accuracy, 0.7), 3);
        assert_eq!(score(&accuracy, 0.95), 5);
        let mae = Thresholds {
            metric: Metric::MeanAbsoluteError,
            levels: [30.0, 20.0, 17.0, 15.0],
        };
        assert_eq!(score(&mae, 40.0), 1);
        assert_eq!(score(&mae, 20.0), 3);
        assert_eq!(score(&mae, 14.9), 5);
    }

    #[test]
    fn confusion_rows_are_the_true_class() {
        let outcome = classification(&[0, 0, 1, 1, 1], &[0, 1, 1, 1, 0], &["a", "b"]);
        assert_eq!(outcome.confusion, vec![vec![1, 1], vec![1, 2]]);
        assert!((outcome.value - 0.6).abs() < 1e-12);
        assert_eq!(
            (outcome.classes[1].correct, outcome.classes[1].total),
            (2, 3)
        );
        assert_eq!(argmax(&[0.1, 0.5, 0.5]), 1);
    }

    #[test]
    fn standardising_centres_each_column() {
        let inputs = Inputs {
            dims: vec![2],
            values: vec![1.0, 10.0, 3.0, 10.0],
        };
        let out = standardise(&inputs, &inputs);
        assert!((out.values[0] + 1.0).abs() < 1e-5 && (out.values[2] - 1.0).abs() < 1e-5);
        assert!(out.values[1].abs() < 1e-5);
        // Other rows are scaled by the reference's statistics, not their own.
        let other = Inputs {
            dims: vec![2],
            values: vec![5.0, 10.0],
        };
        let out = standardise(&other, &inputs);
        assert!((out.values[0] - 3.0).abs() < 1e-5, "{:?}", out.values);
    }
}
