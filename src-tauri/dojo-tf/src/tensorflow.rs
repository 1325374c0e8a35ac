//! The data side of `tensorflow`: the module tree that exam code imports
//! (`tf.data`, `tf.keras.preprocessing.*`, `tf.keras.utils`,
//! `tf.keras.datasets`, `tf.keras.backend`), a few tensor functions
//! (`tf.expand_dims`, `tf.reshape`, `tf.cast`, …) and the dtypes.
//!
//! Tensors are [`NdArray`]s: numeric arrays are candle tensors on the CPU,
//! shared with the trainer without copies. Keras's layers and models are
//! added to `tensorflow` and `tensorflow.keras` by [`crate::keras`], which
//! builds those two modules from [`tensorflow_attributes`] and
//! [`keras_attributes`] plus its own.
//!
//! Each module object is built when first imported; `tf.data` and
//! `import tensorflow.data` are equal modules but not the same object.

use std::any::Any;
use std::cell::Cell;
use std::rc::Rc;

use crate::arrays::{self, TF_DEFAULTS, candle_error};
use dojo_lang::ArgName;
use dojo_lang::error::{Exception, Result, type_error, value_error};
use dojo_lang::interp::{Args, Builtin, Interpreter, ModuleObject, NativeObject};
use dojo_lang::ndarray::{DType, NdArray};
use dojo_lang::value::Value;

type ModuleFactory = fn(&mut Interpreter) -> Result<Value>;
type Function = fn(&mut Interpreter, Args) -> Result<Value>;

thread_local! {
    /// The seed set by `tf.random.set_seed` in the running program.
    static GLOBAL_SEED: Cell<Option<u64>> = const { Cell::new(None) };
}

/// The seed the running program set with `tf.random.set_seed`, if any
/// (reset by [`install_tensorflow_data`]; one program runs per thread at a time).
pub fn global_seed() -> Option<u64> {
    GLOBAL_SEED.with(Cell::get)
}

/// Registers `tensorflow` and its data submodules with `interpreter`, and
/// forgets any seed an earlier program on this thread set.
pub fn install_tensorflow_data(interpreter: &mut Interpreter) {
    GLOBAL_SEED.with(|seed| seed.set(None));
    crate::dataset::reset_shuffle_counter();
    crate::text::reset_pipeline();
    let modules: [(&str, ModuleFactory); 15] = [
        ("tensorflow", tensorflow_module),
        ("tensorflow.data", data_module),
        ("tensorflow.data.experimental", experimental_module),
        ("tensorflow.random", random_module),
        ("tensorflow.keras", keras_module),
        ("tensorflow.keras.backend", backend_module),
        ("tensorflow.keras.preprocessing", preprocessing_module),
        ("tensorflow.keras.preprocessing.text", text_module),
        ("tensorflow.keras.preprocessing.sequence", sequence_module),
        ("tensorflow.keras.preprocessing.image", image_module),
        ("tensorflow.keras.utils", utils_module),
        ("tensorflow.keras.datasets", datasets_module),
        (
            "tensorflow.keras.datasets.fashion_mnist",
            fashion_mnist_module,
        ),
        ("tensorflow.image", tf_image_module),
        ("tensorflow.dtypes", dtypes_module),
    ];
    for (name, factory) in modules {
        interpreter.register_module(name, factory);
    }
}

/// One epoch of what `model.fit(x)` receives when `x` is a `tf.data.Dataset`
/// (its elements: usually `(x, y)` batches) or an `ImageDataGenerator`
/// iterator (its `(x, y)` batches); `None` if `value` is neither. Each call
/// is a new epoch (new shuffle and augmentation draws). `limit` caps the
/// elements taken from a dataset (needed for an infinite `repeat()`).
pub fn epoch_elements(
    interpreter: &mut Interpreter,
    value: &Value,
    limit: Option<usize>,
) -> Result<Option<Vec<Value>>> {
    if let Some(batches) = crate::image::generator_batches(value) {
        let mut batches = batches?;
        if let Some(limit) = limit {
            batches.truncate(limit);
        }
        return Ok(Some(batches));
    }
    crate::dataset::dataset_elements(interpreter, value, limit)
}

/// The attributes this crate provides for `tensorflow` (without `keras`).
pub fn tensorflow_attributes(interpreter: &mut Interpreter) -> Result<Vec<(String, Value)>> {
    let mut attributes = vec![
        ("data".to_owned(), data_module(interpreter)?),
        ("random".to_owned(), random_module(interpreter)?),
        ("image".to_owned(), tf_image_module(interpreter)?),
        ("dtypes".to_owned(), dtypes_module(interpreter)?),
    ];
    for (name, function) in [
        (
            "expand_dims",
            expand_dims as fn(&mut Interpreter, Args) -> Result<Value>,
        ),
        ("squeeze", squeeze),
        ("reshape", reshape),
        ("cast", cast),
        ("constant", constant),
        ("convert_to_tensor", constant),
        ("one_hot", crate::text::one_hot),
    ] {
        attributes.push((name.to_owned(), Builtin::value(name, function)));
    }
    attributes.extend(dtype_values());
    Ok(attributes)
}

/// The attributes this crate provides for `tensorflow.keras`.
pub fn keras_attributes(interpreter: &mut Interpreter) -> Result<Vec<(String, Value)>> {
    Ok(vec![
        (
            "preprocessing".to_owned(),
            preprocessing_module(interpreter)?,
        ),
        ("datasets".to_owned(), datasets_module(interpreter)?),
        ("utils".to_owned(), utils_module(interpreter)?),
        ("backend".to_owned(), backend_module(interpreter)?),
    ])
}

fn module(name: &str, attributes: Vec<(String, Value)>) -> Value {
    let module = ModuleObject::new(name, Vec::new());
    module.attributes.borrow_mut().extend(attributes);
    Value::Module(module)
}

fn functions(list: &[(&str, Function)]) -> Vec<(String, Value)> {
    list.iter()
        .map(|(name, function)| ((*name).to_owned(), Builtin::value(name, *function)))
        .collect()
}

fn tensorflow_module(interpreter: &mut Interpreter) -> Result<Value> {
    let mut attributes = tensorflow_attributes(interpreter)?;
    attributes.push(("keras".to_owned(), keras_module(interpreter)?));
    Ok(module("tensorflow", attributes))
}

fn data_module(interpreter: &mut Interpreter) -> Result<Value> {
    Ok(module(
        "tensorflow.data",
        vec![
            ("Dataset".to_owned(), crate::dataset::dataset_class()),
            ("AUTOTUNE".to_owned(), Value::Int(-1)),
            ("experimental".to_owned(), experimental_module(interpreter)?),
        ],
    ))
}

fn experimental_module(_: &mut Interpreter) -> Result<Value> {
    Ok(module(
        "tensorflow.data.experimental",
        vec![("AUTOTUNE".to_owned(), Value::Int(-1))],
    ))
}

fn random_module(_: &mut Interpreter) -> Result<Value> {
    Ok(module(
        "tensorflow.random",
        functions(&[("set_seed", |_, args| {
            args.check("set_seed", 1, &["seed"])?;
            let seed = match args.required(0, "seed", "set_seed")? {
                Value::None => None,
                value => Some(
                    ArgName::Parameter {
                        function: "set_seed",
                        name: "seed",
                    }
                    .integer(&value)? as u64,
                ),
            };
            GLOBAL_SEED.with(|global| global.set(seed));
            // The same seed drives Keras's initialisers and shuffles.
            if let Some(seed) = seed {
                dojo_keras::session::set_random_seed(seed);
            }
            Ok(Value::None)
        })]),
    ))
}

fn keras_module(interpreter: &mut Interpreter) -> Result<Value> {
    Ok(module("tensorflow.keras", keras_attributes(interpreter)?))
}

fn backend_module(_: &mut Interpreter) -> Result<Value> {
    Ok(module(
        "tensorflow.keras.backend",
        // Every spelling (`tf.keras.backend.clear_session()`, `from
        // tensorflow.keras.backend import clear_session`) is this function.
        functions(&[
            ("clear_session", |_, args| {
                args.check("clear_session", 1, &["free_memory"])?;
                dojo_keras::session::clear_session();
                Ok(Value::None)
            }),
            // Dojo trains in float32, Keras's default: setting it is a no-op,
            // asking for another float type says so.
            ("set_floatx", |_, args| {
                args.check("set_floatx", 1, &["value"])?;
                let value = args.required(0, "value", "set_floatx")?.to_str();
                match value.as_str() {
                    "float32" => Ok(Value::None),
                    "float16" | "bfloat16" | "float64" => Err(dojo_lang::Exception::new(
                        "NotSupportedInDojo",
                        format!("set_floatx('{value}'): Dojo trains in float32"),
                    )
                    .with_help(
                        "remove the call: float32 is Keras's default and what the exam used",
                    )),
                    other => Err(dojo_lang::Exception::new(
                        "ValueError",
                        format!(
                            "Unknown `floatx` value: {other}. Expected one of {{'float16', 'float32', 'float64'}}"
                        ),
                    )),
                }
            }),
            ("floatx", |_, args| {
                args.check("floatx", 0, &[])?;
                Ok(Value::str("float32"))
            }),
        ]),
    ))
}

fn preprocessing_module(interpreter: &mut Interpreter) -> Result<Value> {
    Ok(module(
        "tensorflow.keras.preprocessing",
        vec![
            ("text".to_owned(), text_module(interpreter)?),
            ("sequence".to_owned(), sequence_module(interpreter)?),
            ("image".to_owned(), image_module(interpreter)?),
            (
                "image_dataset_from_directory".to_owned(),
                Builtin::value(
                    "image_dataset_from_directory",
                    crate::image::image_dataset_from_directory,
                ),
            ),
        ],
    ))
}

fn text_module(_: &mut Interpreter) -> Result<Value> {
    Ok(module(
        "tensorflow.keras.preprocessing.text",
        vec![
            ("Tokenizer".to_owned(), crate::text::tokenizer_class()),
            (
                "text_to_word_sequence".to_owned(),
                Builtin::value("text_to_word_sequence", crate::text::text_to_word_sequence),
            ),
        ],
    ))
}

fn sequence_module(_: &mut Interpreter) -> Result<Value> {
    Ok(module(
        "tensorflow.keras.preprocessing.sequence",
        functions(&[("pad_sequences", crate::text::pad_sequences)]),
    ))
}

fn image_module(_: &mut Interpreter) -> Result<Value> {
    Ok(module(
        "tensorflow.keras.preprocessing.image",
        vec![(
            "ImageDataGenerator".to_owned(),
            crate::image::image_data_generator_class(),
        )],
    ))
}

fn utils_module(_: &mut Interpreter) -> Result<Value> {
    Ok(module(
        "tensorflow.keras.utils",
        functions(&[
            ("pad_sequences", crate::text::pad_sequences),
            ("to_categorical", crate::text::to_categorical),
            (
                "image_dataset_from_directory",
                crate::image::image_dataset_from_directory,
            ),
        ]),
    ))
}

/// Keras's other dataset loaders: each exists, and its `load_data()` says
/// that Dojo, which works offline, bundles only its tasks' datasets.
const UNBUNDLED_KERAS_DATASETS: [&str; 7] = [
    "mnist",
    "cifar10",
    "cifar100",
    "imdb",
    "reuters",
    "boston_housing",
    "california_housing",
];

fn datasets_module(interpreter: &mut Interpreter) -> Result<Value> {
    let mut attributes = vec![(
        "fashion_mnist".to_owned(),
        fashion_mnist_module(interpreter)?,
    )];
    for name in UNBUNDLED_KERAS_DATASETS {
        let load_data = Builtin::value("load_data", move |_, _| Err(unbundled_dataset_error(name)));
        attributes.push((
            name.to_owned(),
            module(
                &format!("tensorflow.keras.datasets.{name}"),
                vec![("load_data".to_owned(), load_data)],
            ),
        ));
    }
    Ok(module("tensorflow.keras.datasets", attributes))
}

fn unbundled_dataset_error(name: &str) -> Box<Exception> {
    let help = if name == "mnist" {
        "the bundled image dataset is Fashion-MNIST, MNIST's shape (28x28 grey images, 10 \
         classes): tf.keras.datasets.fashion_mnist.load_data()"
    } else {
        "Dojo bundles the datasets of its tasks: tf.keras.datasets.fashion_mnist.load_data(), \
         and the files each task's statement names (read them with csv, json or \
         tf.keras.utils.get_file)"
    };
    Exception::new(
        "NotSupportedInDojo",
        format!(
            "tf.keras.datasets.{name}.load_data() downloads {name}, which is not bundled with \
             Dojo, and Dojo works offline"
        ),
    )
    .with_help(help)
}

fn fashion_mnist_module(_: &mut Interpreter) -> Result<Value> {
    Ok(module(
        "tensorflow.keras.datasets.fashion_mnist",
        functions(&[("load_data", crate::datasets::fashion_mnist_load_data)]),
    ))
}

fn tf_image_module(_: &mut Interpreter) -> Result<Value> {
    Ok(module(
        "tensorflow.image",
        functions(&[("resize", crate::image::tf_image_resize)]),
    ))
}

fn dtypes_module(_: &mut Interpreter) -> Result<Value> {
    Ok(module("tensorflow.dtypes", dtype_values()))
}

// ----- dtypes ------------------------------------------------------------------

/// A TensorFlow dtype object: `tf.float32`.
#[derive(Debug)]
pub struct TfDType(pub DType);

impl TfDType {
    fn tf_name(&self) -> &'static str {
        match self.0 {
            DType::Str => "string",
            other => other.name(),
        }
    }
}

impl NativeObject for TfDType {
    fn type_name(&self) -> String {
        "DType".to_owned()
    }

    fn repr(&self) -> String {
        format!("tf.{}", self.tf_name())
    }

    fn get_attribute(&self, _: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        Ok(match name {
            "name" => Some(Value::str(self.tf_name())),
            "is_floating" => Some(Value::Bool(matches!(
                self.0,
                DType::Float32 | DType::Float64
            ))),
            _ => None,
        })
    }

    fn compare(&self, op: dojo_lang::syntax::CompareOp, other: &Value) -> Option<Result<Value>> {
        let same = dtype_argument(other).ok() == Some(self.0);
        match op {
            dojo_lang::syntax::CompareOp::Eq => Some(Ok(Value::Bool(same))),
            dojo_lang::syntax::CompareOp::NotEq => Some(Ok(Value::Bool(!same))),
            _ => None,
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn dtype_values() -> Vec<(String, Value)> {
    [
        ("float32", DType::Float32),
        ("float64", DType::Float64),
        ("int32", DType::Int32),
        ("int64", DType::Int64),
        ("uint8", DType::UInt8),
        ("bool", DType::Bool),
        ("string", DType::Str),
    ]
    .into_iter()
    .map(|(name, dtype)| (name.to_owned(), Value::Native(Rc::new(TfDType(dtype)))))
    .collect()
}

fn dtype_named(name: &str) -> Option<DType> {
    Some(
        match name.trim_start_matches("tf.").trim_start_matches("np.") {
            "float32" | "float" => DType::Float32,
            "float64" | "double" => DType::Float64,
            "int32" | "int" => DType::Int32,
            "int64" => DType::Int64,
            "uint8" => DType::UInt8,
            "bool" => DType::Bool,
            "string" | "str" | "object" => DType::Str,
            _ => return None,
        },
    )
}

/// A dtype given as `tf.float32`, `'float32'`, numpy's `np.float32` or `float`.
pub fn dtype_argument(value: &Value) -> Result<DType> {
    let found = match value {
        Value::Native(native) => match native.as_any().downcast_ref::<TfDType>() {
            Some(dtype) => Some(dtype.0),
            None => dtype_named(&native.to_str()).or_else(|| dtype_named(&native.type_name())),
        },
        Value::Str(name) => dtype_named(name),
        Value::Builtin(builtin) => dtype_named(&builtin.name),
        Value::Class(class) => dtype_named(&class.name),
        other => dtype_named(&other.to_str()),
    };
    found.ok_or_else(|| {
        type_error(format!("data type {} not understood", value.repr())).with_help(
            "use one of 'float32', 'float64', 'int32', 'int64', 'uint8', 'bool', 'string'",
        )
    })
}

// ----- arguments ---------------------------------------------------------------

/// A non-negative integer argument.
pub(crate) fn count(value: &Value, function: &str, name: &str) -> Result<usize> {
    let number = ArgName::Parameter { function, name }.integer(value)?;
    usize::try_from(number).map_err(|_| {
        value_error(format!(
            "{function}() argument '{name}' must be non-negative, got {number}"
        ))
    })
}

/// A string argument.
pub(crate) fn string(value: &Value, function: &str, name: &str) -> Result<Rc<str>> {
    match value {
        Value::Str(text) => Ok(text.clone()),
        other => Err(type_error(format!(
            "{function}() argument '{name}' must be a string, not {}",
            other.type_name()
        ))),
    }
}

/// An optional argument: absent and `None` both give `None`.
pub(crate) fn optional(args: &Args, position: usize, name: &str) -> Option<Value> {
    args.get(position, name)
        .filter(|value| !matches!(value, Value::None))
}

/// A shape: a tuple or list of integers, where `-1` (or `None`) may stand
/// for one unknown dimension (given as `-1`).
pub(crate) fn shape_argument(value: &Value, function: &str) -> Result<Vec<i64>> {
    let items = match value {
        Value::Tuple(items) => items.to_vec(),
        Value::List(items) => items.borrow().clone(),
        Value::Int(_) => vec![value.clone()],
        other => match NdArray::from_value(other) {
            Some(array) => arrays::to_i64s(&array)?
                .into_iter()
                .map(Value::Int)
                .collect(),
            None => {
                return Err(type_error(format!(
                    "{function}() expects a shape (a tuple of integers), not {}",
                    other.type_name()
                )));
            }
        },
    };
    items
        .iter()
        .map(|item| match item {
            Value::None => Ok(-1),
            other => ArgName::Parameter {
                function,
                name: "shape",
            }
            .integer(other),
        })
        .collect()
}

// ----- tensor functions --------------------------------------------------------

fn tensor_argument(args: &Args, position: usize, name: &str, function: &str) -> Result<NdArray> {
    arrays::to_array(&args.required(position, name, function)?, TF_DEFAULTS)
}

fn axis_index(axis: i64, rank: usize, function: &str) -> Result<usize> {
    let resolved = if axis < 0 { axis + rank as i64 } else { axis };
    usize::try_from(resolved)
        .ok()
        .filter(|axis| *axis < rank)
        .ok_or_else(|| {
            value_error(format!(
                "{function}(): axis {axis} is out of bounds for a tensor of rank {}",
                rank
            ))
        })
}

fn expand_dims(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("expand_dims", 2, &["input", "axis", "name"])?;
    let array = tensor_argument(&args, 0, "input", "expand_dims")?;
    let axis = ArgName::Parameter {
        function: "expand_dims",
        name: "axis",
    }
    .integer(&args.required(1, "axis", "expand_dims")?)?;
    let axis = axis_index(axis, array.shape().len() + 1, "expand_dims")?;
    let mut shape = array.shape().to_vec();
    shape.insert(axis, 1);
    reshaped(&array, &shape, "expand_dims")
}

fn reshaped(array: &NdArray, shape: &[usize], function: &str) -> Result<Value> {
    match array.storage() {
        dojo_lang::ndarray::Storage::Numeric(tensor) => Ok(NdArray::from_tensor(
            tensor.reshape(shape).map_err(candle_error)?,
            array.dtype(),
        )
        .into_value()),
        dojo_lang::ndarray::Storage::Strings { items, .. } => {
            if dojo_lang::ndarray::checked_elements(shape) != Some(items.len()) {
                return Err(value_error(format!("{function}(): sizes do not match")));
            }
            Ok(NdArray::from_strings(shape, items.to_vec()).into_value())
        }
    }
}

fn squeeze(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("squeeze", 2, &["input", "axis", "name"])?;
    let array = tensor_argument(&args, 0, "input", "squeeze")?;
    let rank = array.shape().len();
    let axes: Vec<usize> = match optional(&args, 1, "axis") {
        None => (0..rank).filter(|&a| array.shape()[a] == 1).collect(),
        Some(value) => shape_argument(&value, "squeeze")?
            .into_iter()
            .map(|axis| axis_index(axis, rank, "squeeze"))
            .collect::<Result<_>>()?,
    };
    for &axis in &axes {
        if array.shape()[axis] != 1 {
            return Err(value_error(format!(
                "squeeze(): cannot squeeze axis {axis} of size {}, only dimensions of size 1",
                array.shape()[axis]
            )));
        }
    }
    let shape: Vec<usize> = (0..rank)
        .filter(|axis| !axes.contains(axis))
        .map(|axis| array.shape()[axis])
        .collect();
    reshaped(&array, &shape, "squeeze")
}

fn reshape(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("reshape", 2, &["tensor", "shape", "name"])?;
    let array = tensor_argument(&args, 0, "tensor", "reshape")?;
    let wanted = shape_argument(&args.required(1, "shape", "reshape")?, "reshape")?;
    let size: usize = array.shape().iter().product();
    // A product past `i64` matches no tensor's size.
    let known: i64 = wanted
        .iter()
        .filter(|&&d| d >= 0)
        .try_fold(1i64, |total, &d| total.checked_mul(d))
        .unwrap_or(i64::MAX);
    let unknown = wanted.iter().filter(|&&d| d < 0).count();
    let mismatch = || {
        value_error(format!(
            "reshape(): cannot reshape a tensor with {size} elements to shape {wanted:?}"
        ))
    };
    if unknown > 1 || (unknown == 1 && (known == 0 || size as i64 % known != 0)) {
        return Err(mismatch());
    }
    let shape: Vec<usize> = wanted
        .iter()
        .map(|&d| {
            if d < 0 {
                size / known.max(1) as usize
            } else {
                d as usize
            }
        })
        .collect();
    if dojo_lang::ndarray::checked_elements(&shape) != Some(size) {
        return Err(mismatch());
    }
    reshaped(&array, &shape, "reshape")
}

fn cast(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("cast", 2, &["x", "dtype", "name"])?;
    let array = tensor_argument(&args, 0, "x", "cast")?;
    let dtype = dtype_argument(&args.required(1, "dtype", "cast")?)?;
    Ok(arrays::cast(&array, dtype)?.into_value())
}

fn constant(_: &mut Interpreter, args: Args) -> Result<Value> {
    args.check(
        "constant",
        3,
        &["value", "dtype", "shape", "name", "dtype_hint"],
    )?;
    let mut array = tensor_argument(&args, 0, "value", "constant")?;
    if let Some(dtype) = optional(&args, 1, "dtype") {
        array = arrays::cast(&array, dtype_argument(&dtype)?)?;
    }
    if let Some(shape) = optional(&args, 2, "shape") {
        let shape = shape_argument(&shape, "constant")?;
        let shape: Vec<usize> = shape.iter().map(|&d| d.max(0) as usize).collect();
        return reshaped(&array, &shape, "constant");
    }
    Ok(array.into_value())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtype_arguments_accept_names_and_objects() {
        assert_eq!(
            dtype_argument(&Value::str("float32")).ok(),
            Some(DType::Float32)
        );
        let tf_int = Value::Native(Rc::new(TfDType(DType::Int32)));
        assert_eq!(dtype_argument(&tf_int).ok(), Some(DType::Int32));
        assert!(dtype_argument(&Value::str("complex64")).is_err());
    }
}
