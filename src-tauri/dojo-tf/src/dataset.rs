//! `tf.data.Dataset`: an input pipeline described as a tree of nodes and
//! evaluated when iterated (`for`, `list()`, `as_numpy_iterator()`, or the
//! trainer through [`dataset_elements`]). Each evaluation is one epoch:
//! `shuffle` draws a new order per epoch unless `reshuffle_each_iteration`
//! is false; `cache` keeps the first full epoch.
//!
//! Elements are arrays ([`NdArray`] values), tuples or dicts of them, or —
//! inside `window` — datasets. Slices of arrays stay views of the source
//! tensor: windows and batches of `from_tensor_slices` narrow it rather than
//! boxing each row, so the exam's windowed-series idiom is cheap.
//!
//! Evaluation takes an optional `limit` (the elements wanted), which lets an
//! infinite `repeat()` feed `take(n)`; an infinite dataset evaluated without
//! a limit is an error, not a hang.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::arrays::{self, TF_DEFAULTS, candle_error};
use crate::tensorflow::{count, optional, shape_argument};
use dojo_lang::ArgName;
use dojo_lang::error::{Result, type_error, value_error};
use dojo_lang::interp::{Args, Builtin, Interpreter, NativeObject, native_method};
use dojo_lang::ndarray::NdArray;
use dojo_lang::value::{Dict, IteratorState, Value};

/// How many elements a dataset has, as `Dataset.cardinality()` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cardinality {
    Finite(usize),
    Infinite,
    Unknown,
}

impl Cardinality {
    fn map(self, f: impl FnOnce(usize) -> usize) -> Cardinality {
        match self {
            Cardinality::Finite(n) => Cardinality::Finite(f(n)),
            other => other,
        }
    }
}

/// Elements made on demand by the host (e.g. decoded image files).
pub trait ElementSource {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn element(&self, interpreter: &mut Interpreter, index: usize) -> Result<Value>;
}

enum Node {
    /// Element `i` is `structure` with every array leaf replaced by its row `i`.
    Slices {
        structure: Value,
        len: usize,
    },
    Elements(Rc<[Value]>),
    Range {
        start: i64,
        stop: i64,
        step: i64,
    },
    Source(Rc<dyn ElementSource>),
    Map {
        input: Rc<Dataset>,
        function: Value,
    },
    FlatMap {
        input: Rc<Dataset>,
        function: Value,
    },
    Filter {
        input: Rc<Dataset>,
        predicate: Value,
    },
    Shuffle {
        input: Rc<Dataset>,
        buffer: usize,
        seed: u64,
        reshuffle: bool,
        epoch: Cell<u64>,
    },
    Batch {
        input: Rc<Dataset>,
        size: usize,
        drop_remainder: bool,
    },
    PaddedBatch {
        input: Rc<Dataset>,
        size: usize,
        drop_remainder: bool,
        shapes: Option<Value>,
        values: Option<Value>,
    },
    Window {
        input: Rc<Dataset>,
        size: usize,
        shift: usize,
        stride: usize,
        drop_remainder: bool,
    },
    Take {
        input: Rc<Dataset>,
        count: Option<usize>,
    },
    Skip {
        input: Rc<Dataset>,
        count: usize,
    },
    Repeat {
        input: Rc<Dataset>,
        count: Option<usize>,
    },
    Zip {
        inputs: Vec<Rc<Dataset>>,
        as_tuple: bool,
    },
    Concatenate(Rc<Dataset>, Rc<Dataset>),
    Unbatch(Rc<Dataset>),
    Cache {
        input: Rc<Dataset>,
        cached: RefCell<Option<Rc<[Value]>>>,
    },
}

/// A dataset: its pipeline node plus attributes set on it (`class_names`).
pub struct Dataset {
    node: Node,
    attributes: RefCell<Vec<(String, Value)>>,
}

thread_local! {
    /// Numbers the shuffles without a seed of their own, so each gets its own
    /// (deterministic) order.
    static SHUFFLES: Cell<u64> = const { Cell::new(0) };
}

/// Forgets the shuffles of an earlier program (called when TensorFlow is installed).
pub(crate) fn reset_shuffle_counter() {
    SHUFFLES.with(|counter| counter.set(0));
}

/// SplitMix64: small, seedable and the same on every platform.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64, stream: u64) -> Rng {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0xd1b5_4a32_d192_ed03));
        rng.next_u64();
        rng
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// An index in `0..bound` (`bound > 0`).
    pub(crate) fn below(&mut self, bound: usize) -> usize {
        ((u128::from(self.next_u64()) * bound as u128) >> 64) as usize
    }

    /// A float in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A permutation of `0..n` (Fisher–Yates).
    pub(crate) fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            order.swap(i, self.below(i + 1));
        }
        order
    }
}

/// The seed of an operation: its own, else one derived from the program's
/// `tf.random.set_seed` (or a fixed default) and the operation's number.
pub(crate) fn operation_seed(own: Option<u64>) -> u64 {
    own.unwrap_or_else(|| {
        let number = SHUFFLES.with(|counter| {
            let next = counter.get() + 1;
            counter.set(next);
            next
        });
        crate::tensorflow::global_seed()
            .unwrap_or(dojo_lang::modules::random::DEFAULT_SEED)
            .wrapping_mul(0x2545_f491_4f6c_dd1d)
            ^ number
    })
}

fn infinite_error() -> Box<dojo_lang::error::Exception> {
    value_error("this dataset repeats forever, so it cannot be iterated to its end")
        .with_help("take() a finite number of elements, or give repeat() a count")
}

fn apply_leaves(value: &Value, f: &mut dyn FnMut(&NdArray) -> Result<NdArray>) -> Result<Value> {
    Ok(match value {
        Value::Tuple(items) => Value::tuple(
            items
                .iter()
                .map(|item| apply_leaves(item, f))
                .collect::<Result<_>>()?,
        ),
        Value::Dict(dict) => {
            let mut mapped = Dict::new();
            for (key, item) in dict.borrow().iter() {
                let _ = mapped.insert(key.clone(), apply_leaves(item, f)?);
            }
            Value::dict(mapped)
        }
        leaf => f(&arrays::to_array(leaf, TF_DEFAULTS)?)?.into_value(),
    })
}

/// Stacks elements of one structure into a batch (tuples and dicts by component).
fn stack_elements(elements: &[Value]) -> Result<Value> {
    match elements.first() {
        Some(Value::Tuple(first)) => {
            let width = first.len();
            let mut components = Vec::with_capacity(width);
            for position in 0..width {
                let column = elements
                    .iter()
                    .map(|element| match element {
                        Value::Tuple(items) if items.len() == width => Ok(items[position].clone()),
                        _ => Err(type_error("cannot batch elements of different structures")),
                    })
                    .collect::<Result<Vec<_>>>()?;
                components.push(stack_elements(&column)?);
            }
            Ok(Value::tuple(components))
        }
        Some(Value::Dict(first)) => {
            let keys = first.borrow().keys();
            let mut batched = Dict::new();
            for key in keys {
                let column = elements
                    .iter()
                    .map(|element| match element {
                        Value::Dict(dict) => dict.borrow().get(&key).cloned().ok_or_else(|| {
                            type_error("cannot batch elements of different structures")
                        }),
                        _ => Err(type_error("cannot batch elements of different structures")),
                    })
                    .collect::<Result<Vec<_>>>()?;
                let _ = batched.insert(key, stack_elements(&column)?);
            }
            Ok(Value::dict(batched))
        }
        _ => {
            let arrays = elements
                .iter()
                .map(|element| {
                    if dataset_of(element).is_some() {
                        return Err(type_error(
                            "cannot batch datasets: the elements of window() are datasets",
                        )
                        .with_help("flat_map them first: ds.flat_map(lambda w: w.batch(size))"));
                    }
                    arrays::to_array(element, TF_DEFAULTS)
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(arrays::stack(&arrays)?.into_value())
        }
    }
}

/// The rows of a batched element (`unbatch`).
fn split_element(element: &Value) -> Result<Vec<Value>> {
    match element {
        Value::Tuple(items) => {
            let columns = items
                .iter()
                .map(split_element)
                .collect::<Result<Vec<_>>>()?;
            let rows = columns.iter().map(Vec::len).min().unwrap_or(0);
            Ok((0..rows)
                .map(|row| Value::tuple(columns.iter().map(|c| c[row].clone()).collect()))
                .collect())
        }
        Value::Dict(dict) => {
            let entries: Vec<(Value, Vec<Value>)> = dict
                .borrow()
                .iter()
                .map(|(key, item)| Ok((key.clone(), split_element(item)?)))
                .collect::<Result<_>>()?;
            let rows = entries.iter().map(|(_, c)| c.len()).min().unwrap_or(0);
            Ok((0..rows)
                .map(|row| {
                    let mut dict = Dict::new();
                    for (key, column) in &entries {
                        let _ = dict.insert(key.clone(), column[row].clone());
                    }
                    Value::dict(dict)
                })
                .collect())
        }
        leaf => {
            let array = arrays::to_array(leaf, TF_DEFAULTS)?;
            let rows = *array
                .shape()
                .first()
                .ok_or_else(|| value_error("unbatch() needs elements of rank 1 or more"))?;
            (0..rows)
                .map(|row| arrays::row(&array, row).map(NdArray::into_value))
                .collect()
        }
    }
}

/// Pads every leaf of a batch to one shape (`padded_batch`).
fn pad_elements(elements: &[Value], shapes: Option<&Value>, fill: Option<&Value>) -> Result<Value> {
    if let Some(Value::Tuple(first)) = elements.first() {
        let component = |value: Option<&Value>, position: usize| match value {
            Some(Value::Tuple(items)) => items.get(position).cloned(),
            other => other.cloned(),
        };
        let mut components = Vec::new();
        for position in 0..first.len() {
            let column = elements
                .iter()
                .map(|element| match element {
                    Value::Tuple(items) => items
                        .get(position)
                        .cloned()
                        .ok_or_else(|| type_error("cannot batch elements of different structures")),
                    _ => Err(type_error("cannot batch elements of different structures")),
                })
                .collect::<Result<Vec<_>>>()?;
            let shape = component(shapes, position);
            let value = component(fill, position);
            components.push(pad_elements(&column, shape.as_ref(), value.as_ref())?);
        }
        return Ok(Value::tuple(components));
    }
    let arrays = elements
        .iter()
        .map(|element| arrays::to_array(element, TF_DEFAULTS))
        .collect::<Result<Vec<_>>>()?;
    let rank = arrays.first().map_or(0, |a| a.shape().len());
    if arrays.iter().any(|a| a.shape().len() != rank) {
        return Err(value_error("padded_batch() needs elements of one rank"));
    }
    let mut target: Vec<usize> = (0..rank)
        .map(|axis| arrays.iter().map(|a| a.shape()[axis]).max().unwrap_or(0))
        .collect();
    if let Some(shape) = shapes.filter(|s| !matches!(s, Value::None)) {
        let wanted = shape_argument(shape, "padded_batch")?;
        if wanted.len() != rank {
            return Err(value_error(format!(
                "padded_batch(): padded shape {wanted:?} does not match elements of rank {rank}"
            )));
        }
        for (axis, &size) in wanted.iter().enumerate() {
            if size >= 0 {
                let size = size as usize;
                if size < target[axis] {
                    return Err(value_error(format!(
                        "padded_batch(): an element has size {} in axis {axis}, more than the padded size {size}",
                        target[axis]
                    )));
                }
                target[axis] = size;
            }
        }
    }
    let fill = match fill.filter(|v| !matches!(v, Value::None)) {
        Some(value) => arrays::to_f64s(&arrays::to_array(value, TF_DEFAULTS)?)?
            .first()
            .copied()
            .unwrap_or(0.0),
        None => 0.0,
    };
    let size = dojo_lang::ndarray::checked_elements(&target).ok_or_else(|| {
        value_error(format!(
            "padded_batch(): padded shape {target:?} is too large"
        ))
    })?;
    dojo_lang::memory::ensure_room((size as u128) * (arrays.len() as u128) * 8, || {
        format!("padded_batch() to shape {target:?}")
    })?;
    let mut padded = Vec::with_capacity(arrays.len());
    for array in &arrays {
        let values = arrays::to_f64s(array)?;
        let mut data = vec![fill; size];
        let shape = array.shape();
        for (flat, value) in values.into_iter().enumerate() {
            // Re-index `flat` (row-major in `shape`) into `target`.
            let mut rest = flat;
            let mut index = 0;
            let mut stride = 1;
            for axis in (0..rank).rev() {
                let coordinate = rest % shape[axis];
                rest /= shape[axis];
                index += coordinate * stride;
                stride *= target[axis];
            }
            data[index] = value;
        }
        let built = NdArray::from_f64(&target, data).map_err(candle_error)?;
        padded.push(arrays::cast(&built, array.dtype())?);
    }
    Ok(arrays::stack(&padded)?.into_value())
}

/// The dataset a value holds, if it is one.
pub fn dataset_of(value: &Value) -> Option<Rc<Dataset>> {
    match value {
        Value::Native(native) => native
            .as_any()
            .downcast_ref::<PyDataset>()
            .map(|py| Rc::clone(&py.0)),
        _ => None,
    }
}

/// The elements of one epoch of `value` (at most `limit`), or `None` if
/// `value` is not a dataset. Each call is a new epoch (new shuffle order).
pub fn dataset_elements(
    interpreter: &mut Interpreter,
    value: &Value,
    limit: Option<usize>,
) -> Result<Option<Vec<Value>>> {
    match dataset_of(value) {
        Some(dataset) => dataset.elements(interpreter, limit).map(Some),
        None => Ok(None),
    }
}

fn call_with_element(
    interpreter: &mut Interpreter,
    function: &Value,
    element: Value,
) -> Result<Value> {
    // TensorFlow passes the components of a tuple element as separate arguments.
    let positional = match element {
        Value::Tuple(items) => items.to_vec(),
        other => vec![other],
    };
    interpreter.call(function, Args::new(positional))
}

fn truth(value: &Value) -> Result<bool> {
    match NdArray::from_value(value) {
        Some(array) => Ok(arrays::item(&array)?.truthy()),
        None => Ok(value.truthy()),
    }
}

fn capped(length: usize, limit: Option<usize>) -> usize {
    limit.map_or(length, |limit| limit.min(length))
}

impl Dataset {
    pub fn new(node_elements: Vec<Value>) -> Rc<Dataset> {
        Dataset::from_node(Node::Elements(node_elements.into()))
    }

    /// A dataset whose elements `source` makes on demand.
    pub fn from_source(source: Rc<dyn ElementSource>) -> Rc<Dataset> {
        Dataset::from_node(Node::Source(source))
    }

    fn from_node(node: Node) -> Rc<Dataset> {
        Rc::new(Dataset {
            node,
            attributes: RefCell::new(Vec::new()),
        })
    }

    /// Sets a Python attribute (`ds.class_names`).
    pub fn set_attribute(&self, name: &str, value: Value) {
        let mut attributes = self.attributes.borrow_mut();
        attributes.retain(|(key, _)| key != name);
        attributes.push((name.to_owned(), value));
    }

    /// The dataset as a Python value.
    pub fn into_value(self: Rc<Self>) -> Value {
        Value::Native(Rc::new(PyDataset(self)))
    }

    /// `from_tensor_slices`: `structure` is an array, or a tuple/dict of them
    /// with one first dimension.
    pub(crate) fn slices(structure: Value) -> Result<Rc<Dataset>> {
        let mut lengths = Vec::new();
        let structure = apply_leaves(&structure, &mut |array| {
            match array.shape().first() {
                Some(&length) => lengths.push(length),
                None => {
                    return Err(value_error(
                        "from_tensor_slices() needs tensors of rank 1 or more, not scalars",
                    ));
                }
            }
            Ok(array.clone())
        })?;
        let len = lengths.first().copied().unwrap_or(0);
        if lengths.iter().any(|&other| other != len) {
            return Err(value_error(format!(
                "from_tensor_slices(): all components must have the same size in their first dimension, got {lengths:?}"
            )));
        }
        Ok(Dataset::from_node(Node::Slices { structure, len }))
    }

    pub fn cardinality(&self) -> Cardinality {
        use Cardinality::{Finite, Infinite, Unknown};
        match &self.node {
            Node::Slices { len, .. } => Finite(*len),
            Node::Elements(items) => Finite(items.len()),
            Node::Range { start, stop, step } => Finite(
                usize::try_from(dojo_lang::value::range_len(*start, *stop, *step)).unwrap_or(0),
            ),
            Node::Source(source) => Finite(source.len()),
            Node::Map { input, .. } | Node::Shuffle { input, .. } | Node::Cache { input, .. } => {
                input.cardinality()
            }
            Node::FlatMap { .. } | Node::Filter { .. } | Node::Unbatch(_) => Unknown,
            Node::Batch {
                input,
                size,
                drop_remainder,
            }
            | Node::PaddedBatch {
                input,
                size,
                drop_remainder,
                ..
            } => input.cardinality().map(|n| {
                if *drop_remainder {
                    n / size
                } else {
                    n.div_ceil(*size)
                }
            }),
            Node::Window {
                input,
                size,
                shift,
                stride,
                drop_remainder,
            } => input
                .cardinality()
                .map(|n| window_count(n, *size, *shift, *stride, *drop_remainder)),
            Node::Take { input, count } => match (input.cardinality(), count) {
                (Finite(n), Some(count)) => Finite(n.min(*count)),
                (_, Some(count)) => Finite(*count),
                (other, None) => other,
            },
            Node::Skip { input, count } => input.cardinality().map(|n| n.saturating_sub(*count)),
            Node::Repeat { input, count } => match (input.cardinality(), count) {
                (Finite(0), _) => Finite(0),
                // More elements than can be counted: as good as endless.
                (Finite(n), Some(count)) => n.checked_mul(*count).map_or(Infinite, Finite),
                (Unknown, _) => Unknown,
                _ => Infinite,
            },
            Node::Zip { inputs, .. } => {
                inputs
                    .iter()
                    .fold(Infinite, |acc, input| match (acc, input.cardinality()) {
                        (Unknown, _) | (_, Unknown) => Unknown,
                        (Finite(a), Finite(b)) => Finite(a.min(b)),
                        (Finite(a), Infinite) | (Infinite, Finite(a)) => Finite(a),
                        (Infinite, Infinite) => Infinite,
                    })
            }
            Node::Concatenate(first, second) => match (first.cardinality(), second.cardinality()) {
                (Finite(a), Finite(b)) => Finite(a + b),
                (Unknown, _) | (_, Unknown) => Unknown,
                _ => Infinite,
            },
        }
    }

    /// The elements of one epoch, at most `limit` of them.
    pub fn elements(
        &self,
        interpreter: &mut Interpreter,
        limit: Option<usize>,
    ) -> Result<Vec<Value>> {
        if limit.is_none() && self.cardinality() == Cardinality::Infinite {
            return Err(infinite_error());
        }
        match &self.node {
            Node::Slices { structure, len } => (0..capped(*len, limit))
                .map(|row| apply_leaves(structure, &mut |array| arrays::row(array, row)))
                .collect(),
            Node::Elements(items) => Ok(items[..capped(items.len(), limit)].to_vec()),
            Node::Range { start, stop, step } => {
                let length =
                    usize::try_from(dojo_lang::value::range_len(*start, *stop, *step)).unwrap_or(0);
                (0..capped(length, limit))
                    .map(|i| {
                        NdArray::from_i64(
                            &[],
                            vec![dojo_lang::value::range_item(*start, *step, i as i64)],
                            dojo_lang::ndarray::DType::Int64,
                        )
                        .map(NdArray::into_value)
                        .map_err(candle_error)
                    })
                    .collect()
            }
            Node::Source(source) => (0..capped(source.len(), limit))
                .map(|index| source.element(interpreter, index))
                .collect(),
            Node::Map { input, function } => input
                .elements(interpreter, limit)?
                .into_iter()
                .map(|element| call_with_element(interpreter, function, element))
                .collect(),
            Node::FlatMap { input, function } => {
                let mut out = Vec::new();
                for element in input.elements(interpreter, None)? {
                    if limit.is_some_and(|limit| out.len() >= limit) {
                        break;
                    }
                    let result = call_with_element(interpreter, function, element)?;
                    let inner = dataset_of(&result).ok_or_else(|| {
                        type_error(format!(
                            "the function given to flat_map() must return a Dataset, not {}",
                            result.type_name()
                        ))
                    })?;
                    out.extend(inner.elements(interpreter, limit.map(|l| l - out.len()))?);
                }
                Ok(out)
            }
            Node::Filter { input, predicate } => {
                let mut out = Vec::new();
                for element in input.elements(interpreter, None)? {
                    if limit.is_some_and(|limit| out.len() >= limit) {
                        break;
                    }
                    if truth(&call_with_element(interpreter, predicate, element.clone())?)? {
                        out.push(element);
                    }
                }
                Ok(out)
            }
            Node::Shuffle {
                input,
                buffer,
                seed,
                reshuffle,
                epoch,
            } => {
                let items =
                    input.elements(interpreter, limit.map(|l| l.saturating_add(*buffer)))?;
                let stream = if *reshuffle { epoch.get() } else { 0 };
                epoch.set(epoch.get() + 1);
                let mut out = shuffle(items, *buffer, &mut Rng::new(*seed, stream));
                out.truncate(capped(out.len(), limit));
                Ok(out)
            }
            Node::Batch {
                input,
                size,
                drop_remainder,
            } => {
                let wanted = limit.map(|l| l.saturating_mul(*size));
                if let Node::Slices { structure, len } = &input.node {
                    // Batches of slices are views of the sliced tensors.
                    let len = capped(*len, wanted);
                    let full = len / size;
                    let batches = if *drop_remainder {
                        full
                    } else {
                        len.div_ceil(*size)
                    };
                    return (0..batches)
                        .map(|batch| {
                            let start = batch * size;
                            let rows = (*size).min(len - start);
                            apply_leaves(structure, &mut |array| arrays::rows(array, start, rows))
                        })
                        .collect();
                }
                let items = input.elements(interpreter, wanted)?;
                items
                    .chunks(*size)
                    .filter(|chunk| !*drop_remainder || chunk.len() == *size)
                    .map(stack_elements)
                    .collect()
            }
            Node::PaddedBatch {
                input,
                size,
                drop_remainder,
                shapes,
                values,
            } => {
                let items = input.elements(interpreter, limit.map(|l| l.saturating_mul(*size)))?;
                items
                    .chunks(*size)
                    .filter(|chunk| !*drop_remainder || chunk.len() == *size)
                    .map(|chunk| pad_elements(chunk, shapes.as_ref(), values.as_ref()))
                    .collect()
            }
            Node::Window {
                input,
                size,
                shift,
                stride,
                drop_remainder,
            } => self.windows(
                interpreter,
                input,
                (*size, *shift, *stride, *drop_remainder),
                limit,
            ),
            Node::Take { input, count } => {
                let wanted = match (limit, count) {
                    (Some(l), Some(c)) => Some(l.min(*c)),
                    (l, c) => l.or(*c),
                };
                input.elements(interpreter, wanted)
            }
            Node::Skip { input, count } => {
                let mut items =
                    input.elements(interpreter, limit.map(|l| l.saturating_add(*count)))?;
                Ok(items.split_off((*count).min(items.len())))
            }
            Node::Repeat { input, count } => {
                let mut out = Vec::new();
                let mut round = 0;
                while count.is_none_or(|count| round < count) {
                    let remaining = limit.map(|l| l - out.len());
                    if remaining == Some(0) {
                        break;
                    }
                    let items = input.elements(interpreter, remaining)?;
                    if items.is_empty() {
                        break;
                    }
                    interpreter_size_check(out.len() + items.len())?;
                    out.extend(items);
                    round += 1;
                }
                Ok(out)
            }
            Node::Zip { inputs, as_tuple } => {
                let columns = inputs
                    .iter()
                    .map(|input| input.elements(interpreter, limit))
                    .collect::<Result<Vec<_>>>()?;
                let rows = columns.iter().map(Vec::len).min().unwrap_or(0);
                Ok((0..rows)
                    .map(|row| {
                        let items: Vec<Value> = columns.iter().map(|c| c[row].clone()).collect();
                        if *as_tuple {
                            Value::tuple(items)
                        } else {
                            Value::list(items)
                        }
                    })
                    .collect())
            }
            Node::Concatenate(first, second) => {
                let mut items = first.elements(interpreter, limit)?;
                if limit.is_none_or(|l| items.len() < l) {
                    items.extend(second.elements(interpreter, limit.map(|l| l - items.len()))?);
                }
                Ok(items)
            }
            Node::Unbatch(input) => {
                let mut out = Vec::new();
                for element in input.elements(interpreter, None)? {
                    out.extend(split_element(&element)?);
                    if limit.is_some_and(|l| out.len() >= l) {
                        break;
                    }
                }
                out.truncate(capped(out.len(), limit));
                Ok(out)
            }
            Node::Cache { input, cached } => {
                if let Some(items) = cached.borrow().as_ref() {
                    return Ok(items[..capped(items.len(), limit)].to_vec());
                }
                let items = input.elements(interpreter, limit)?;
                if limit.is_none() {
                    *cached.borrow_mut() = Some(items.clone().into());
                }
                Ok(items)
            }
        }
    }

    fn windows(
        &self,
        interpreter: &mut Interpreter,
        input: &Rc<Dataset>,
        (size, shift, stride, drop_remainder): (usize, usize, usize, bool),
        limit: Option<usize>,
    ) -> Result<Vec<Value>> {
        let total = match input.cardinality() {
            Cardinality::Finite(n) => Some(n),
            _ => None,
        };
        let needed = limit.map(|l| {
            l.saturating_mul(shift)
                .saturating_add(size.saturating_mul(stride))
        });
        let (source, len) = match (&input.node, total) {
            (Node::Slices { structure, len }, _) => (Err(structure.clone()), *len),
            _ => {
                let items = input.elements(interpreter, needed)?;
                let len = items.len();
                (Ok(items), len)
            }
        };
        let count = capped(
            window_count(len, size, shift, stride, drop_remainder),
            limit,
        );
        let mut windows = Vec::with_capacity(count.min(len.saturating_add(1)));
        for window in 0..count {
            // Past `len` (or past what can be counted) a window ends.
            let Some(start) = window.checked_mul(shift) else {
                break;
            };
            let indices: Vec<usize> = (0..size)
                .map_while(|i| {
                    i.checked_mul(stride)
                        .and_then(|step| start.checked_add(step))
                })
                .take_while(|&i| i < len)
                .collect();
            let element = match &source {
                Err(structure) => window_of_slices(structure, &indices)?,
                Ok(items) => {
                    let picked: Vec<Value> = indices.iter().map(|&i| items[i].clone()).collect();
                    window_of_elements(&picked)
                }
            };
            windows.push(element);
        }
        Ok(windows)
    }
}

fn interpreter_size_check(items: usize) -> Result<()> {
    if items > 50_000_000 {
        return Err(dojo_lang::error::Exception::new(
            "LimitExceeded",
            "the dataset grew past 50 million elements",
        ));
    }
    Ok(())
}

/// Windows that `window(size, shift, stride, drop_remainder)` makes of `n` elements.
fn window_count(n: usize, size: usize, shift: usize, stride: usize, drop_remainder: bool) -> usize {
    if drop_remainder {
        // A window wider than any count holds no element of `n`.
        let Some(span) = size.saturating_sub(1).checked_mul(stride) else {
            return 0;
        };
        if n > span {
            (n - 1 - span) / shift + 1
        } else {
            0
        }
    } else {
        n.div_ceil(shift)
    }
}

/// A window of a sliced structure: a dataset per component, each a view.
fn window_of_slices(structure: &Value, indices: &[usize]) -> Result<Value> {
    let contiguous = indices.windows(2).all(|pair| pair[1] == pair[0] + 1);
    let select = |array: &NdArray| match indices.first() {
        Some(&start) if contiguous => arrays::rows(array, start, indices.len()),
        _ => arrays::take_rows(array, indices),
    };
    Ok(match structure {
        Value::Tuple(items) => Value::tuple(
            items
                .iter()
                .map(|item| window_of_slices(item, indices))
                .collect::<Result<_>>()?,
        ),
        leaf => {
            let array = select(&arrays::to_array(leaf, TF_DEFAULTS)?)?;
            let len = indices.len();
            Dataset::from_node(Node::Slices {
                structure: array.into_value(),
                len,
            })
            .into_value()
        }
    })
}

/// A window of materialised elements (tuples become tuples of datasets).
fn window_of_elements(items: &[Value]) -> Value {
    if let Some(Value::Tuple(first)) = items.first() {
        let width = first.len();
        return Value::tuple(
            (0..width)
                .map(|position| {
                    let column: Vec<Value> = items
                        .iter()
                        .filter_map(|item| match item {
                            Value::Tuple(parts) => parts.get(position).cloned(),
                            _ => None,
                        })
                        .collect();
                    Dataset::new(column).into_value()
                })
                .collect(),
        );
    }
    Dataset::new(items.to_vec()).into_value()
}

/// TensorFlow's shuffle buffer: fill `buffer` elements, then repeatedly emit
/// a random one and put the next input in its place.
fn shuffle(items: Vec<Value>, buffer: usize, rng: &mut Rng) -> Vec<Value> {
    let mut out = Vec::with_capacity(items.len());
    let mut input = items.into_iter();
    let mut pool: Vec<Value> = input.by_ref().take(buffer.max(1)).collect();
    while !pool.is_empty() {
        let index = rng.below(pool.len());
        match input.next() {
            Some(next) => out.push(std::mem::replace(&mut pool[index], next)),
            None => out.push(pool.swap_remove(index)),
        }
    }
    out
}

// ----- the Python objects ------------------------------------------------------

/// The Python object of a dataset.
pub struct PyDataset(pub Rc<Dataset>);

/// `tf.data.Dataset`: the class with the static constructors, and the
/// methods unbound (`tf.data.Dataset.batch(dataset, 32)`).
struct DatasetClass;

/// The static constructors of `tf.data.Dataset`.
const CONSTRUCTORS: &[&str] = &["from_tensor_slices", "from_tensors", "range", "zip"];

pub(crate) fn dataset_class() -> Value {
    Value::Native(Rc::new(DatasetClass))
}

fn from_tensor_slices(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("from_tensor_slices", 2, &["tensors", "name"])?;
    let tensors = args.required(0, "tensors", "from_tensor_slices")?;
    // A Python list is one tensor (converted whole); tuples and dicts are structures.
    let structure = match &tensors {
        Value::List(_) => arrays::to_array(&tensors, TF_DEFAULTS)?.into_value(),
        other => other.clone(),
    };
    Ok(Dataset::slices(structure)?.into_value())
}

fn from_tensors(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("from_tensors", 2, &["tensors", "name"])?;
    let tensors = args.required(0, "tensors", "from_tensors")?;
    let element = match &tensors {
        Value::List(_) => arrays::to_array(&tensors, TF_DEFAULTS)?.into_value(),
        other => apply_leaves(other, &mut |array| Ok(array.clone()))?,
    };
    Ok(Dataset::new(vec![element]).into_value())
}

fn range(_: &mut Interpreter, args: Args) -> Result<Value> {
    if !args
        .keywords
        .iter()
        .all(|(key, _)| matches!(key.as_str(), "output_type" | "name"))
    {
        args.check("range", 3, &["output_type", "name"])?;
    }
    let numbers = args
        .positional
        .iter()
        .map(|value| {
            ArgName::Parameter {
                function: "range",
                name: "args",
            }
            .integer(value)
        })
        .collect::<Result<Vec<_>>>()?;
    let (start, stop, step) = match numbers.as_slice() {
        [stop] => (0, *stop, 1),
        [start, stop] => (*start, *stop, 1),
        [start, stop, step] => (*start, *stop, *step),
        _ => return Err(type_error("range() takes 1 to 3 integer arguments")),
    };
    if step == 0 {
        return Err(value_error("range() step must not be zero"));
    }
    Ok(Dataset::from_node(Node::Range { start, stop, step }).into_value())
}

fn datasets_in(value: &Value, function: &str) -> Result<Vec<Rc<Dataset>>> {
    let items: Vec<Value> = match value {
        Value::Tuple(items) => items.to_vec(),
        Value::List(items) => items.borrow().clone(),
        other => vec![other.clone()],
    };
    items
        .iter()
        .map(|item| {
            dataset_of(item).ok_or_else(|| {
                type_error(format!(
                    "{function}() expects datasets, found {}",
                    item.type_name()
                ))
            })
        })
        .collect()
}

fn zip(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("zip", usize::MAX, &["datasets", "name"])?;
    let keyword = args.keyword("datasets");
    let (inputs, as_tuple) = match (args.positional.as_slice(), keyword.as_ref()) {
        ([single], None) | ([], Some(single)) => (
            datasets_in(single, "zip")?,
            !matches!(single, Value::List(_)),
        ),
        (many, None) if !many.is_empty() => {
            (datasets_in(&Value::tuple(many.to_vec()), "zip")?, true)
        }
        _ => return Err(type_error("zip() needs a tuple of datasets")),
    };
    Ok(Dataset::from_node(Node::Zip { inputs, as_tuple }).into_value())
}

impl NativeObject for DatasetClass {
    fn type_name(&self) -> String {
        "type".to_owned()
    }

    fn repr(&self) -> String {
        "<class 'tensorflow.data.Dataset'>".to_owned()
    }

    fn get_attribute(&self, _: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        let function: fn(&mut Interpreter, Args) -> Result<Value> = match name {
            "from_tensor_slices" => from_tensor_slices,
            "from_tensors" => from_tensors,
            "range" => range,
            "zip" => zip,
            _ => return Ok(dataset_method(name).map(|body| unbound_method(name, body))),
        };
        Ok(Some(Builtin::value(name, function)))
    }

    fn attribute_names(&self) -> Vec<String> {
        CONSTRUCTORS
            .iter()
            .chain(METHODS)
            .map(|name| (*name).to_owned())
            .collect()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn input_of(this: &PyDataset) -> Rc<Dataset> {
    Rc::clone(&this.0)
}

fn function_argument(args: &Args, position: usize, name: &str, function: &str) -> Result<Value> {
    let value = args.required(position, name, function)?;
    match value {
        Value::Function(_)
        | Value::Builtin(_)
        | Value::BoundMethod(_)
        | Value::Class(_)
        | Value::Native(_) => Ok(value),
        other => Err(type_error(format!(
            "{function}() expects a function, not {}",
            other.type_name()
        ))),
    }
}

fn positive(value: &Value, function: &str, name: &str) -> Result<usize> {
    let number = count(value, function, name)?;
    if number == 0 {
        return Err(value_error(format!(
            "{function}(): `{name}` must be greater than zero"
        )));
    }
    Ok(number)
}

type DatasetMethod = fn(&PyDataset, &Rc<dyn NativeObject>, &mut Interpreter, Args) -> Result<Value>;

/// `tf.data.Dataset.name` as a function whose first argument is the dataset.
fn unbound_method(name: &str, body: DatasetMethod) -> Value {
    let method = name.to_owned();
    Builtin::value(name, move |interpreter, mut args| {
        let receiver = match args.positional.first() {
            Some(Value::Native(native)) if native.as_any().is::<PyDataset>() => Rc::clone(native),
            _ => {
                return Err(type_error(format!(
                    "Dataset.{method}() needs a Dataset as its first argument"
                )));
            }
        };
        args.positional.remove(0);
        let Some(dataset) = receiver.as_any().downcast_ref::<PyDataset>() else {
            return Err(type_error(format!(
                "Dataset.{method}() needs a Dataset as its first argument"
            )));
        };
        body(dataset, &receiver, interpreter, args)
    })
}

fn dataset_method(name: &str) -> Option<DatasetMethod> {
    Some(match name {
        "map" => |this, _, _, args| {
            args.check(
                "map",
                2,
                &["map_func", "num_parallel_calls", "deterministic", "name"],
            )?;
            let function = function_argument(&args, 0, "map_func", "map")?;
            Ok(Dataset::from_node(Node::Map {
                input: input_of(this),
                function,
            })
            .into_value())
        },
        "flat_map" => |this, _, _, args| {
            args.check("flat_map", 1, &["map_func", "name"])?;
            let function = function_argument(&args, 0, "map_func", "flat_map")?;
            Ok(Dataset::from_node(Node::FlatMap {
                input: input_of(this),
                function,
            })
            .into_value())
        },
        "filter" => |this, _, _, args| {
            args.check("filter", 1, &["predicate", "name"])?;
            let predicate = function_argument(&args, 0, "predicate", "filter")?;
            Ok(Dataset::from_node(Node::Filter {
                input: input_of(this),
                predicate,
            })
            .into_value())
        },
        "shuffle" => |this, _, _, args| {
            const NAME: &str = "shuffle";
            args.check(
                NAME,
                3,
                &["buffer_size", "seed", "reshuffle_each_iteration", "name"],
            )?;
            let buffer = positive(&args.required(0, "buffer_size", NAME)?, NAME, "buffer_size")?;
            let own = optional(&args, 1, "seed")
                .map(|v| {
                    ArgName::Parameter {
                        function: NAME,
                        name: "seed",
                    }
                    .integer(&v)
                })
                .transpose()?;
            let reshuffle =
                optional(&args, 2, "reshuffle_each_iteration").is_none_or(|v| v.truthy());
            Ok(Dataset::from_node(Node::Shuffle {
                input: input_of(this),
                buffer,
                seed: operation_seed(own.map(|s| s as u64)),
                reshuffle,
                epoch: Cell::new(0),
            })
            .into_value())
        },
        "batch" => |this, _, _, args| {
            const NAME: &str = "batch";
            args.check(
                NAME,
                4,
                &[
                    "batch_size",
                    "drop_remainder",
                    "num_parallel_calls",
                    "deterministic",
                    "name",
                ],
            )?;
            let size = positive(&args.required(0, "batch_size", NAME)?, NAME, "batch_size")?;
            let drop_remainder = args.get(1, "drop_remainder").is_some_and(|v| v.truthy());
            Ok(Dataset::from_node(Node::Batch {
                input: input_of(this),
                size,
                drop_remainder,
            })
            .into_value())
        },
        "padded_batch" => |this, _, _, args| {
            const NAME: &str = "padded_batch";
            args.check(
                NAME,
                4,
                &[
                    "batch_size",
                    "padded_shapes",
                    "padding_values",
                    "drop_remainder",
                    "name",
                ],
            )?;
            let size = positive(&args.required(0, "batch_size", NAME)?, NAME, "batch_size")?;
            Ok(Dataset::from_node(Node::PaddedBatch {
                input: input_of(this),
                size,
                shapes: optional(&args, 1, "padded_shapes"),
                values: optional(&args, 2, "padding_values"),
                drop_remainder: args.get(3, "drop_remainder").is_some_and(|v| v.truthy()),
            })
            .into_value())
        },
        "window" => |this, _, _, args| {
            const NAME: &str = "window";
            args.check(
                NAME,
                4,
                &["size", "shift", "stride", "drop_remainder", "name"],
            )?;
            let size = positive(&args.required(0, "size", NAME)?, NAME, "size")?;
            let shift = match optional(&args, 1, "shift") {
                Some(value) => positive(&value, NAME, "shift")?,
                None => size,
            };
            let stride = match optional(&args, 2, "stride") {
                Some(value) => positive(&value, NAME, "stride")?,
                None => 1,
            };
            let drop_remainder = args.get(3, "drop_remainder").is_some_and(|v| v.truthy());
            Ok(Dataset::from_node(Node::Window {
                input: input_of(this),
                size,
                shift,
                stride,
                drop_remainder,
            })
            .into_value())
        },
        "take" => |this, _, _, args| {
            args.check("take", 1, &["count", "name"])?;
            let number = ArgName::Parameter {
                function: "take",
                name: "count",
            }
            .integer(&args.required(0, "count", "take")?)?;
            let count = usize::try_from(number).ok();
            Ok(Dataset::from_node(Node::Take {
                input: input_of(this),
                count,
            })
            .into_value())
        },
        "skip" => |this, _, _, args| {
            args.check("skip", 1, &["count", "name"])?;
            let number = ArgName::Parameter {
                function: "skip",
                name: "count",
            }
            .integer(&args.required(0, "count", "skip")?)?;
            // skip(-1) skips everything, as in TensorFlow.
            let count = usize::try_from(number).unwrap_or(usize::MAX);
            Ok(Dataset::from_node(Node::Skip {
                input: input_of(this),
                count,
            })
            .into_value())
        },
        "repeat" => |this, _, _, args| {
            args.check("repeat", 1, &["count", "name"])?;
            let count = match optional(&args, 0, "count") {
                Some(value) => usize::try_from(
                    ArgName::Parameter {
                        function: "repeat",
                        name: "count",
                    }
                    .integer(&value)?,
                )
                .ok(),
                None => None,
            };
            Ok(Dataset::from_node(Node::Repeat {
                input: input_of(this),
                count,
            })
            .into_value())
        },
        "concatenate" => |this, _, _, args| {
            args.check("concatenate", 1, &["dataset", "name"])?;
            let other = args.required(0, "dataset", "concatenate")?;
            let other = dataset_of(&other).ok_or_else(|| {
                type_error(format!(
                    "concatenate() expects a Dataset, not {}",
                    other.type_name()
                ))
            })?;
            Ok(Dataset::from_node(Node::Concatenate(input_of(this), other)).into_value())
        },
        "unbatch" => |this, _, _, args| {
            args.check("unbatch", 0, &["name"])?;
            Ok(Dataset::from_node(Node::Unbatch(input_of(this))).into_value())
        },
        "cache" => |this, _, _, args| {
            args.check("cache", 1, &["filename", "name"])?;
            Ok(Dataset::from_node(Node::Cache {
                input: input_of(this),
                cached: RefCell::new(None),
            })
            .into_value())
        },
        "prefetch" => |_, this, _, args| {
            args.check("prefetch", 1, &["buffer_size", "name"])?;
            Ok(Value::Native(Rc::clone(this)))
        },
        "as_numpy_iterator" => |this, _, interpreter, args| {
            args.check("as_numpy_iterator", 0, &[])?;
            let items = this.0.elements(interpreter, None)?;
            Ok(Value::Iterator(Rc::new(RefCell::new(
                IteratorState::Items {
                    items: items.into(),
                    position: 0,
                },
            ))))
        },
        "cardinality" => |this, _, _, args| {
            args.check("cardinality", 0, &[])?;
            Ok(Value::Int(match this.0.cardinality() {
                Cardinality::Finite(n) => n as i64,
                Cardinality::Infinite => -1,
                Cardinality::Unknown => -2,
            }))
        },
        _ => return None,
    })
}

const METHODS: &[&str] = &[
    "map",
    "flat_map",
    "filter",
    "shuffle",
    "batch",
    "padded_batch",
    "window",
    "take",
    "skip",
    "repeat",
    "concatenate",
    "unbatch",
    "cache",
    "prefetch",
    "as_numpy_iterator",
    "cardinality",
];

impl NativeObject for PyDataset {
    fn type_name(&self) -> String {
        "Dataset".to_owned()
    }

    fn repr(&self) -> String {
        match self.0.cardinality() {
            Cardinality::Finite(n) => format!("<Dataset with {n} elements>"),
            Cardinality::Infinite => "<Dataset, infinite>".to_owned(),
            Cardinality::Unknown => "<Dataset>".to_owned(),
        }
    }

    fn get_attribute(&self, this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        if let Some((_, value)) = self
            .0
            .attributes
            .borrow()
            .iter()
            .find(|(key, _)| key == name)
        {
            return Ok(Some(value.clone()));
        }
        if let Some(body) = dataset_method(name) {
            return Ok(Some(native_method(this, name, body)));
        }
        Ok(None)
    }

    fn attribute_names(&self) -> Vec<String> {
        let mut names: Vec<String> = METHODS.iter().map(|name| (*name).to_owned()).collect();
        names.extend(
            self.0
                .attributes
                .borrow()
                .iter()
                .map(|(key, _)| key.clone()),
        );
        names
    }

    /// Indexing a dataset fails as in TensorFlow; the usual cause is a
    /// window from `window()`, which is itself a dataset.
    fn get_item(&self, _index: &Value) -> Option<Result<Value>> {
        Some(Err(type_error("'Dataset' object is not subscriptable")
            .with_help(
                "each window from dataset.window() is a Dataset, not a tensor: add \
             dataset = dataset.flat_map(lambda window: window.batch(size)) before indexing",
            )))
    }

    fn set_attribute(&self, name: &str, value: Value) -> Result<bool> {
        if METHODS.contains(&name) {
            return Ok(false);
        }
        self.0.set_attribute(name, value);
        Ok(true)
    }

    fn iterate(&self, interpreter: &mut Interpreter) -> Option<Result<Vec<Value>>> {
        Some(self.0.elements(interpreter, None))
    }

    fn length(&self) -> Option<usize> {
        match self.0.cardinality() {
            Cardinality::Finite(n) => Some(n),
            _ => None,
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_counts_follow_tensorflow() {
        // 10 elements, size 3: shift 1 drop → 8; shift 2 keep → 5; stride 2 drop → 6.
        assert_eq!(window_count(10, 3, 1, 1, true), 8);
        assert_eq!(window_count(10, 3, 2, 1, false), 5);
        assert_eq!(window_count(10, 3, 1, 2, true), 6);
        assert_eq!(window_count(2, 3, 1, 1, true), 0);
    }

    #[test]
    fn shuffle_keeps_every_element_and_respects_the_buffer() {
        let items: Vec<Value> = (0..50).map(Value::Int).collect();
        let out = shuffle(items, 5, &mut Rng::new(7, 0));
        let mut seen: Vec<i64> = out
            .iter()
            .map(|v| match v {
                Value::Int(i) => *i,
                _ => -1,
            })
            .collect();
        // The k-th output comes from the first 5 + k inputs.
        for (k, value) in seen.iter().enumerate() {
            assert!((*value as usize) < 5 + k);
        }
        seen.sort_unstable();
        assert_eq!(seen, (0..50).collect::<Vec<_>>());
    }
}
