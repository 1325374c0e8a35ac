//! `tf.keras.preprocessing.text` (`Tokenizer`, `text_to_word_sequence`),
//! `pad_sequences` and `to_categorical`, following Keras's legacy
//! implementations: the vocabulary is ordered by count (descending), ties by
//! first occurrence; the OOV token, when given, is index 1.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::arrays;
use crate::tensorflow::{count, dtype_argument, optional, string};
use dojo_lang::ArgName;
use dojo_lang::error::{Result, type_error, value_error};
use dojo_lang::interp::{Args, Builtin, Interpreter, NativeObject, native_method};
use dojo_lang::ndarray::{DType, NdArray, Storage};
use dojo_lang::value::{Dict, Value};

/// Keras's default `filters`: punctuation, tab and newline.
pub const DEFAULT_FILTERS: &str = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";

/// How a tokenizer splits text (the constructor's options).
#[derive(Debug, Clone)]
struct Splitting {
    filters: Rc<str>,
    lower: bool,
    split: Rc<str>,
    char_level: bool,
}

/// A text or an already-split list of words.
enum Text {
    Whole(Rc<str>),
    Words(Vec<Rc<str>>),
}

impl Splitting {
    fn words(&self, text: &Text) -> Vec<Rc<str>> {
        match text {
            Text::Words(words) => words
                .iter()
                .map(|w| {
                    if self.lower {
                        Rc::from(w.to_lowercase())
                    } else {
                        w.clone()
                    }
                })
                .collect(),
            Text::Whole(text) if self.char_level => {
                let text = if self.lower {
                    text.to_lowercase()
                } else {
                    text.to_string()
                };
                text.chars().map(|c| Rc::from(c.to_string())).collect()
            }
            Text::Whole(text) => word_sequence(text, &self.filters, self.lower, &self.split),
        }
    }
}

/// Keras's `text_to_word_sequence`: lower-case, turn every filter character
/// into `split`, split on `split`, drop empty words.
fn word_sequence(text: &str, filters: &str, lower: bool, split: &str) -> Vec<Rc<str>> {
    let text = if lower {
        text.to_lowercase()
    } else {
        text.to_owned()
    };
    let mut translated = String::with_capacity(text.len());
    for c in text.chars() {
        if filters.contains(c) {
            translated.push_str(split);
        } else {
            translated.push(c);
        }
    }
    if split.is_empty() {
        return vec![Rc::from(translated)];
    }
    translated
        .split(split)
        .filter(|word| !word.is_empty())
        .map(Rc::from)
        .collect()
}

pub(crate) fn text_to_word_sequence(_: &mut Interpreter, args: Args) -> Result<Value> {
    const NAME: &str = "text_to_word_sequence";
    args.check(NAME, 4, &["input_text", "filters", "lower", "split"])?;
    let text = string(&args.required(0, "input_text", NAME)?, NAME, "input_text")?;
    let filters = match args.get(1, "filters") {
        Some(value) => string(&value, NAME, "filters")?,
        None => Rc::from(DEFAULT_FILTERS),
    };
    let lower = args.get(2, "lower").is_none_or(|v| v.truthy());
    let split = match args.get(3, "split") {
        Some(value) => string(&value, NAME, "split")?,
        None => Rc::from(" "),
    };
    Ok(Value::list(
        word_sequence(&text, &filters, lower, &split)
            .into_iter()
            .map(Value::Str)
            .collect(),
    ))
}

/// The texts of `fit_on_texts`/`texts_to_sequences`: strings, arrays of
/// strings, or lists of words.
fn texts(interpreter: &mut Interpreter, value: &Value, function: &str) -> Result<Vec<Text>> {
    if let Value::Str(_) = value {
        return Err(type_error(format!(
            "{function}() expects a list of texts, not a single string"
        ))
        .with_help("wrap the text in a list: [text]"));
    }
    if let Some(array) = NdArray::from_value(value) {
        return match array.storage() {
            Storage::Strings { items, .. } => Ok(items.iter().cloned().map(Text::Whole).collect()),
            Storage::Numeric(_) => Err(type_error(format!(
                "{function}() expects texts, not an array of numbers"
            ))),
        };
    }
    interpreter
        .iterate(value)?
        .into_iter()
        .map(|item| match &item {
            Value::Str(text) => Ok(Text::Whole(text.clone())),
            Value::List(words) => Ok(Text::Words(
                words
                    .borrow()
                    .iter()
                    .map(|w| string(w, function, "texts"))
                    .collect::<Result<_>>()?,
            )),
            other => match NdArray::from_value(other).map(|a| arrays::item(&a)) {
                Some(Ok(Value::Str(text))) => Ok(Text::Whole(text)),
                _ => Err(type_error(format!(
                    "{function}() expects texts (strings), found {}",
                    other.type_name()
                ))),
            },
        })
        .collect()
}

#[derive(Default)]
struct Vocabulary {
    /// Word counts in first-occurrence order.
    counts: Vec<(Rc<str>, i64)>,
    positions: HashMap<Rc<str>, usize>,
    /// Number of documents each word appears in, in first-occurrence order.
    docs: Vec<(Rc<str>, i64)>,
    doc_positions: HashMap<Rc<str>, usize>,
    document_count: i64,
}

/// How the running program's last `pad_sequences` call padded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Padding {
    pub maxlen: usize,
    pub pre_padding: bool,
    pub pre_truncating: bool,
    pub value: f64,
}

/// The running program's text pipeline, for the grader.
#[derive(Clone)]
struct Pipeline {
    /// The last `Tokenizer` the program fit.
    tokenizer: Option<Rc<dyn NativeObject>>,
    /// Its last `pad_sequences` settings.
    padding: Option<Padding>,
}

thread_local! {
    /// One program runs per thread at a time; reset when TensorFlow is installed.
    static PIPELINE: RefCell<Pipeline> = const {
        RefCell::new(Pipeline {
            tokenizer: None,
            padding: None,
        })
    };
}

/// Forgets an earlier program's tokenizer and padding.
pub(crate) fn reset_pipeline() {
    PIPELINE.with(|pipeline| {
        *pipeline.borrow_mut() = Pipeline {
            tokenizer: None,
            padding: None,
        }
    });
}

/// `texts` encoded as the running program's own pipeline encoded its
/// data: its last fitted `Tokenizer`, then its last `pad_sequences`
/// settings (`maxlen`, post-padding and post-truncating when it padded
/// nothing). `None` when the program fit no tokenizer. Pure Rust over the
/// tokenizer's vocabulary: no user code runs, so the grader may use it on
/// the hidden texts.
pub fn program_encoding(texts: &[&str], maxlen: usize) -> Option<(Vec<Vec<f64>>, Padding)> {
    let Pipeline { tokenizer, padding } = PIPELINE.with(|pipeline| pipeline.borrow().clone());
    let tokenizer = tokenizer?;
    let tokenizer = tokenizer.as_any().downcast_ref::<Tokenizer>()?;
    let padding = padding.unwrap_or(Padding {
        maxlen,
        pre_padding: false,
        pre_truncating: false,
        value: 0.0,
    });
    let rows = texts
        .iter()
        .map(|text| {
            let ids: Vec<f64> = tokenizer
                .sequence(&Text::Whole(Rc::from(*text)))
                .iter()
                .filter_map(|index| match index {
                    Value::Int(index) => Some(*index as f64),
                    _ => None,
                })
                .collect();
            pad_row(&ids, padding)
        })
        .collect();
    Some((rows, padding))
}

/// One row of `pad_sequences`.
fn pad_row(sequence: &[f64], padding: Padding) -> Vec<f64> {
    let maxlen = padding.maxlen;
    let kept = sequence.len().min(maxlen);
    let kept = if padding.pre_truncating {
        &sequence[sequence.len() - kept..]
    } else {
        &sequence[..kept]
    };
    let mut row = vec![padding.value; maxlen];
    let start = if padding.pre_padding {
        maxlen - kept.len()
    } else {
        0
    };
    row[start..start + kept.len()].copy_from_slice(kept);
    row
}

/// `Tokenizer(...)`: the vocabulary lives in `word_index`/`index_word`, the
/// dicts user code sees (and may edit, as in Keras).
pub struct Tokenizer {
    splitting: Splitting,
    num_words: Option<i64>,
    oov_token: Option<Rc<str>>,
    vocabulary: RefCell<Vocabulary>,
    word_index: RefCell<Value>,
    index_word: RefCell<Value>,
}

pub(crate) fn tokenizer_class() -> Value {
    Builtin::value("Tokenizer", |_, args| {
        const NAME: &str = "Tokenizer";
        args.check(
            NAME,
            6,
            &[
                "num_words",
                "filters",
                "lower",
                "split",
                "char_level",
                "oov_token",
                "analyzer",
            ],
        )?;
        let num_words = optional(&args, 0, "num_words")
            .map(|v| {
                ArgName::Parameter {
                    function: NAME,
                    name: "num_words",
                }
                .integer(&v)
            })
            .transpose()?;
        let filters = match args.get(1, "filters") {
            Some(value) => string(&value, NAME, "filters")?,
            None => Rc::from(DEFAULT_FILTERS),
        };
        let split = match args.get(3, "split") {
            Some(value) => string(&value, NAME, "split")?,
            None => Rc::from(" "),
        };
        let oov_token = optional(&args, 5, "oov_token").map(|v| match v {
            Value::Str(text) => text,
            other => Rc::from(other.to_str()),
        });
        if optional(&args, 6, "analyzer").is_some() {
            return Err(type_error(
                "Tokenizer(analyzer=...) is not supported by Dojo",
            ));
        }
        Ok(Value::Native(Rc::new(Tokenizer {
            splitting: Splitting {
                filters,
                lower: args.get(2, "lower").is_none_or(|v| v.truthy()),
                split,
                char_level: args.get(4, "char_level").is_some_and(|v| v.truthy()),
            },
            num_words,
            oov_token,
            vocabulary: RefCell::default(),
            word_index: RefCell::new(Value::dict(Dict::new())),
            index_word: RefCell::new(Value::dict(Dict::new())),
        })))
    })
}

impl Tokenizer {
    fn fit_on_texts(&self, texts: &[Text]) {
        let mut vocabulary = self.vocabulary.borrow_mut();
        let vocabulary = &mut *vocabulary;
        for text in texts {
            vocabulary.document_count += 1;
            let words = self.splitting.words(text);
            for word in &words {
                match vocabulary.positions.get(word) {
                    Some(&position) => vocabulary.counts[position].1 += 1,
                    None => {
                        vocabulary
                            .positions
                            .insert(word.clone(), vocabulary.counts.len());
                        vocabulary.counts.push((word.clone(), 1));
                    }
                }
            }
            let mut seen = std::collections::HashSet::new();
            for word in &words {
                if !seen.insert(word.clone()) {
                    continue;
                }
                match vocabulary.doc_positions.get(word) {
                    Some(&position) => vocabulary.docs[position].1 += 1,
                    None => {
                        vocabulary
                            .doc_positions
                            .insert(word.clone(), vocabulary.docs.len());
                        vocabulary.docs.push((word.clone(), 1));
                    }
                }
            }
        }
        // A stable sort by count keeps first occurrence first among ties.
        let mut sorted: Vec<&(Rc<str>, i64)> = vocabulary.counts.iter().collect();
        sorted.sort_by_key(|entry| std::cmp::Reverse(entry.1));
        let mut word_index = Dict::new();
        let mut index_word = Dict::new();
        let words = self
            .oov_token
            .iter()
            .chain(sorted.iter().map(|(word, _)| word));
        for (index, word) in words.enumerate() {
            let index = Value::Int(index as i64 + 1);
            // Keys are strings and ints: always hashable.
            let _ = word_index.insert(Value::Str(word.clone()), index.clone());
            let _ = index_word.insert(index, Value::Str(word.clone()));
        }
        *self.word_index.borrow_mut() = Value::dict(word_index);
        *self.index_word.borrow_mut() = Value::dict(index_word);
    }

    fn lookup(dict: &Value, key: &Value) -> Option<Value> {
        match dict {
            Value::Dict(dict) => dict.borrow().get(key).cloned(),
            _ => None,
        }
    }

    fn oov_index(&self) -> Option<Value> {
        let oov = self.oov_token.clone()?;
        Self::lookup(&self.word_index.borrow(), &Value::Str(oov))
    }

    fn beyond_num_words(&self, index: &Value) -> bool {
        match (self.num_words, index) {
            (Some(limit), Value::Int(index)) if limit != 0 => *index >= limit,
            _ => false,
        }
    }

    fn sequence(&self, text: &Text) -> Vec<Value> {
        let oov = self.oov_index();
        let word_index = self.word_index.borrow();
        let mut sequence = Vec::new();
        for word in self.splitting.words(text) {
            match Self::lookup(&word_index, &Value::Str(word)) {
                Some(index) if self.beyond_num_words(&index) => sequence.extend(oov.clone()),
                Some(index) => sequence.push(index),
                None => sequence.extend(oov.clone()),
            }
        }
        sequence
    }

    fn text_of(&self, interpreter: &mut Interpreter, sequence: &Value) -> Result<Value> {
        let numbers = match NdArray::from_value(sequence) {
            Some(array) => arrays::to_i64s(&array)?
                .into_iter()
                .map(Value::Int)
                .collect(),
            None => interpreter.iterate(sequence)?,
        };
        let oov = self.oov_index();
        let index_word = self.index_word.borrow();
        let oov_word = oov
            .as_ref()
            .and_then(|index| Self::lookup(&index_word, index));
        let mut words = Vec::new();
        for number in numbers {
            let number = match NdArray::from_value(&number) {
                Some(array) => arrays::item(&array)?,
                None => number,
            };
            match Self::lookup(&index_word, &number) {
                Some(_) if self.beyond_num_words(&number) => words.extend(oov_word.clone()),
                Some(word) => words.push(word),
                None if self.oov_token.is_some() => words.extend(oov_word.clone()),
                None => {}
            }
        }
        let words: Vec<String> = words.iter().map(Value::to_str).collect();
        Ok(Value::str(&words.join(" ")))
    }

    fn counts_dict(entries: &[(Rc<str>, i64)]) -> Value {
        let mut dict = Dict::new();
        for (word, count) in entries {
            let _ = dict.insert(Value::Str(word.clone()), Value::Int(*count));
        }
        Value::dict(dict)
    }
}

impl NativeObject for Tokenizer {
    fn type_name(&self) -> String {
        "Tokenizer".to_owned()
    }

    fn get_attribute(&self, this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        Ok(Some(match name {
            "word_index" => self.word_index.borrow().clone(),
            "index_word" => self.index_word.borrow().clone(),
            "word_counts" => Self::counts_dict(&self.vocabulary.borrow().counts),
            "word_docs" => Self::counts_dict(&self.vocabulary.borrow().docs),
            "document_count" => Value::Int(self.vocabulary.borrow().document_count),
            "num_words" => self.num_words.map_or(Value::None, Value::Int),
            "oov_token" => self.oov_token.clone().map_or(Value::None, Value::Str),
            "filters" => Value::Str(self.splitting.filters.clone()),
            "lower" => Value::Bool(self.splitting.lower),
            "split" => Value::Str(self.splitting.split.clone()),
            "char_level" => Value::Bool(self.splitting.char_level),
            "fit_on_texts" => native_method(
                this,
                name,
                |tokenizer: &Tokenizer, this, interpreter, args| {
                    args.check("fit_on_texts", 1, &["texts"])?;
                    let texts = texts(
                        interpreter,
                        &args.required(0, "texts", "fit_on_texts")?,
                        "fit_on_texts",
                    )?;
                    tokenizer.fit_on_texts(&texts);
                    PIPELINE
                        .with(|pipeline| pipeline.borrow_mut().tokenizer = Some(Rc::clone(this)));
                    Ok(Value::None)
                },
            ),
            "texts_to_sequences" => {
                native_method(this, name, |tokenizer: &Tokenizer, _, interpreter, args| {
                    const NAME: &str = "texts_to_sequences";
                    args.check(NAME, 1, &["texts"])?;
                    let texts = texts(interpreter, &args.required(0, "texts", NAME)?, NAME)?;
                    Ok(Value::list(
                        texts
                            .iter()
                            .map(|text| Value::list(tokenizer.sequence(text)))
                            .collect(),
                    ))
                })
            }
            "sequences_to_texts" => {
                native_method(this, name, |tokenizer: &Tokenizer, _, interpreter, args| {
                    const NAME: &str = "sequences_to_texts";
                    args.check(NAME, 1, &["sequences"])?;
                    let sequences = args.required(0, "sequences", NAME)?;
                    let sequences = match NdArray::from_value(&sequences) {
                        Some(array) => (0..array.shape().first().copied().unwrap_or(0))
                            .map(|i| arrays::row(&array, i).map(NdArray::into_value))
                            .collect::<Result<Vec<_>>>()?,
                        None => interpreter.iterate(&sequences)?,
                    };
                    Ok(Value::list(
                        sequences
                            .iter()
                            .map(|sequence| tokenizer.text_of(interpreter, sequence))
                            .collect::<Result<_>>()?,
                    ))
                })
            }
            _ => return Ok(None),
        }))
    }

    fn set_attribute(&self, name: &str, value: Value) -> Result<bool> {
        match (name, &value) {
            ("word_index", Value::Dict(_)) => *self.word_index.borrow_mut() = value,
            ("index_word", Value::Dict(_)) => *self.index_word.borrow_mut() = value,
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// One sequence of `pad_sequences` as numbers (floats kept for float dtypes).
fn sequence_numbers(interpreter: &mut Interpreter, value: &Value) -> Result<Vec<f64>> {
    if let Value::Str(text) = value {
        let shown: String = text.chars().take(40).collect();
        let ellipsis = if text.chars().count() > 40 { "..." } else { "" };
        return Err(type_error(format!(
            "pad_sequences() pads sequences of token ids, but got the text '{shown}{ellipsis}'"
        ))
        .with_help(
            "turn the texts into sequences first: sequences = tokenizer.texts_to_sequences(sentences)",
        ));
    }
    if let Some(array) = NdArray::from_value(value) {
        if array.shape().len() > 1 {
            return Err(value_error(
                "pad_sequences() supports sequences of numbers only",
            ));
        }
        return arrays::to_f64s(&array);
    }
    let items = interpreter.iterate(value).map_err(|_| {
        value_error(format!(
            "`sequences` must be a list of iterables. Found non-iterable: {}",
            value.to_str()
        ))
    })?;
    items
        .iter()
        .map(|item| match NdArray::from_value(item) {
            Some(array) => match arrays::item(&array)? {
                Value::Str(_) => Err(type_error("pad_sequences() needs numbers")),
                scalar => ArgName::Parameter {
                    function: "pad_sequences",
                    name: "sequences",
                }
                .number(&scalar),
            },
            None => ArgName::Parameter {
                function: "pad_sequences",
                name: "sequences",
            }
            .number(item),
        })
        .collect()
}

pub(crate) fn pad_sequences(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    const NAME: &str = "pad_sequences";
    args.check(
        NAME,
        6,
        &[
            "sequences",
            "maxlen",
            "dtype",
            "padding",
            "truncating",
            "value",
        ],
    )?;
    let sequences = args.required(0, "sequences", NAME)?;
    let sequences: Vec<Vec<f64>> = match NdArray::from_value(&sequences) {
        Some(array) if array.shape().len() == 2 => (0..array.shape()[0])
            .map(|i| arrays::row(&array, i).and_then(|row| arrays::to_f64s(&row)))
            .collect::<Result<_>>()?,
        _ => interpreter
            .iterate(&sequences)?
            .iter()
            .map(|sequence| sequence_numbers(interpreter, sequence))
            .collect::<Result<_>>()?,
    };
    let maxlen = match optional(&args, 1, "maxlen") {
        Some(value) => count(&value, NAME, "maxlen")?,
        None => sequences.iter().map(Vec::len).max().unwrap_or(0),
    };
    let dtype = match args.get(2, "dtype") {
        Some(value) => dtype_argument(&value)?,
        None => DType::Int32,
    };
    if dtype == DType::Str {
        return Err(type_error("pad_sequences() supports numeric dtypes only"));
    }
    let padding = match args.get(3, "padding") {
        Some(value) => string(&value, NAME, "padding")?,
        None => Rc::from("pre"),
    };
    let truncating = match args.get(4, "truncating") {
        Some(value) => string(&value, NAME, "truncating")?,
        None => Rc::from("pre"),
    };
    let fill = match args.get(5, "value") {
        Some(Value::Str(_)) => {
            return Err(value_error(format!(
                "`dtype` {} is not compatible with `value`'s type: <class 'str'>",
                dtype.name()
            )));
        }
        Some(value) => ArgName::Parameter {
            function: NAME,
            name: "value",
        }
        .number(&value)?,
        None => 0.0,
    };
    if !matches!(&*padding, "pre" | "post") {
        return Err(value_error(format!(
            "Padding type \"{padding}\" not understood"
        )));
    }
    if !matches!(&*truncating, "pre" | "post") {
        return Err(value_error(format!(
            "Truncating type \"{truncating}\" not understood"
        )));
    }
    // The padded rows are built as float64 first.
    dojo_lang::ndarray::check_array(interpreter, &[sequences.len(), maxlen], DType::Float64)?;
    let settings = Padding {
        maxlen,
        pre_padding: &*padding == "pre",
        pre_truncating: &*truncating == "pre",
        value: fill,
    };
    // The grader pads the hidden texts the way the program padded its own.
    PIPELINE.with(|pipeline| pipeline.borrow_mut().padding = Some(settings));
    let mut data = Vec::with_capacity(sequences.len() * maxlen);
    for sequence in &sequences {
        data.extend(pad_row(sequence, settings));
    }
    let shape = [sequences.len(), maxlen];
    let array = NdArray::from_f64(&shape, data).map_err(arrays::candle_error)?;
    Ok(arrays::cast(&array, dtype)?.into_value())
}

pub(crate) fn to_categorical(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    const NAME: &str = "to_categorical";
    args.check(NAME, 2, &["x", "num_classes"])?;
    let labels = args.required(0, "x", NAME)?;
    let labels = match NdArray::from_value(&labels) {
        Some(array) => array,
        None => {
            let items = interpreter.iterate(&labels)?;
            dojo_lang::ndarray::to_ndarray(interpreter, &Value::list(items), None)?
        }
    };
    let mut shape = labels.shape().to_vec();
    if shape.len() > 1 && shape.last() == Some(&1) {
        shape.pop();
    }
    let classes = arrays::to_i64s(&labels)?;
    let num_classes = match optional(&args, 1, "num_classes") {
        Some(value) => count(&value, NAME, "num_classes")?,
        None => classes
            .iter()
            .copied()
            .max()
            .map_or(0, |max| max.max(-1) + 1) as usize,
    };
    dojo_lang::ndarray::check_array(interpreter, &[classes.len(), num_classes], DType::Float64)?;
    let mut data = vec![0.0f64; classes.len() * num_classes];
    for (row, &class) in classes.iter().enumerate() {
        let column = usize::try_from(class)
            .ok()
            .filter(|c| *c < num_classes)
            .ok_or_else(|| {
                dojo_lang::error::Exception::new(
                    "IndexError",
                    format!("index {class} is out of bounds for axis 1 with size {num_classes}"),
                )
            })?;
        data[row * num_classes + column] = 1.0;
    }
    shape.push(num_classes);
    Ok(NdArray::from_f64(&shape, data)
        .map_err(arrays::candle_error)?
        .into_value())
}

/// `tf.one_hot(indices, depth)`: a float32 row of `depth` per index, the
/// index's column 1 and the rest 0; an index outside `[0, depth)` gives a
/// row of zeros, as TensorFlow's does. (`on_value`, `off_value` and `axis`
/// other than their defaults are refused.)
pub(crate) fn one_hot(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    const NAME: &str = "one_hot";
    args.check(
        NAME,
        6,
        &[
            "indices",
            "depth",
            "on_value",
            "off_value",
            "axis",
            "dtype",
            "name",
        ],
    )?;
    for (position, name, default) in [(2, "on_value", 1.0), (3, "off_value", 0.0)] {
        if let Some(value) = optional(&args, position, name) {
            let value = dojo_lang::ArgName::Parameter {
                function: NAME,
                name,
            }
            .number(&value)?;
            if value != default {
                return Err(dojo_lang::Exception::new(
                    "NotSupportedInDojo",
                    format!("tf.one_hot({name}={value}) is not supported; Dojo gives 1 and 0"),
                ));
            }
        }
    }
    if let Some(axis) = optional(&args, 4, "axis")
        && !matches!(axis, Value::None)
        && (dojo_lang::ArgName::Parameter {
            function: NAME,
            name: "axis",
        })
        .integer(&axis)?
            != -1
    {
        return Err(dojo_lang::Exception::new(
            "NotSupportedInDojo",
            "tf.one_hot(axis=...) is supported only for the last axis (-1)",
        ));
    }
    let indices = args.required(0, "indices", NAME)?;
    let indices = match NdArray::from_value(&indices) {
        Some(array) => array,
        None => match indices {
            Value::Int(_) | Value::Bool(_) => {
                dojo_lang::ndarray::to_ndarray(interpreter, &indices, None)?
            }
            other => {
                let items = interpreter.iterate(&other)?;
                dojo_lang::ndarray::to_ndarray(interpreter, &Value::list(items), None)?
            }
        },
    };
    let depth = count(&args.required(1, "depth", NAME)?, NAME, "depth")?;
    let classes = arrays::to_i64s(&indices)?;
    dojo_lang::ndarray::check_array(interpreter, &[classes.len(), depth], DType::Float64)?;
    let mut data = vec![0.0f64; classes.len() * depth];
    for (row, &class) in classes.iter().enumerate() {
        if let Some(column) = usize::try_from(class).ok().filter(|c| *c < depth) {
            data[row * depth + column] = 1.0;
        }
    }
    let mut shape = indices.shape().to_vec();
    shape.push(depth);
    let array = NdArray::from_f64(&shape, data).map_err(arrays::candle_error)?;
    Ok(arrays::cast(&array, DType::Float32)?.into_value())
}

/// A grader's fixed text encoding, with the same code user programs run:
/// `Tokenizer(num_words=num_words, oov_token=oov_token)` (Keras's other
/// defaults) fit on `fit_texts` in order, then each of `texts` through
/// `texts_to_sequences` and `pad_sequences(maxlen=maxlen, padding='post',
/// truncating='post')`: zeros after a short text, a long one cut at its end.
pub fn encode_texts(
    fit_texts: &[&str],
    texts: &[&str],
    num_words: i64,
    oov_token: &str,
    maxlen: usize,
) -> Vec<Vec<i64>> {
    let tokenizer = Tokenizer {
        splitting: Splitting {
            filters: Rc::from(DEFAULT_FILTERS),
            lower: true,
            split: Rc::from(" "),
            char_level: false,
        },
        num_words: Some(num_words),
        oov_token: Some(Rc::from(oov_token)),
        vocabulary: RefCell::default(),
        word_index: RefCell::new(Value::dict(Dict::new())),
        index_word: RefCell::new(Value::dict(Dict::new())),
    };
    let whole = |text: &&str| Text::Whole(Rc::from(*text));
    tokenizer.fit_on_texts(&fit_texts.iter().map(whole).collect::<Vec<_>>());
    texts
        .iter()
        .map(|text| {
            let mut ids: Vec<i64> = tokenizer
                .sequence(&whole(text))
                .iter()
                .filter_map(|index| match index {
                    Value::Int(index) => Some(*index),
                    _ => None,
                })
                .collect();
            ids.truncate(maxlen);
            ids.resize(maxlen, 0);
            ids
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keras 3 (tensorflow-cpu 2.21):
    /// ```python
    /// from tensorflow.keras.preprocessing.text import Tokenizer
    /// from tensorflow.keras.preprocessing.sequence import pad_sequences
    /// t = Tokenizer(num_words=5, oov_token='<OOV>')
    /// t.fit_on_texts(['the cat sat on the mat', 'The dog ate the cat!', 'a dog'])
    /// print(pad_sequences(t.texts_to_sequences(['the cat and the dog', 'dog, mat, cat, the, a, sat']),
    ///                     maxlen=4, padding='post', truncating='post').tolist())
    /// # [[2, 3, 1, 2], [4, 1, 3, 2]]
    /// ```
    #[test]
    fn encode_texts_matches_keras() {
        let encoded = encode_texts(
            &["the cat sat on the mat", "The dog ate the cat!", "a dog"],
            &["the cat and the dog", "dog, mat, cat, the, a, sat"],
            5,
            "<OOV>",
            4,
        );
        assert_eq!(encoded, vec![vec![2, 3, 1, 2], vec![4, 1, 3, 2]]);
        let short = encode_texts(&["a b"], &["b"], 1000, "<OOV>", 3);
        assert_eq!(short, vec![vec![3, 0, 0]]);
    }
}
