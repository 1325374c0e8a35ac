//! Conversions between interpreter values and Keras's arguments and tensors.

use candle_core::{DType, Tensor};
use dojo_keras::{ConfigValue, KerasError, LambdaExpr};
use dojo_lang::error::{Result, type_error};
use dojo_lang::ndarray::{NdArray, to_ndarray};
use dojo_lang::{Exception, Interpreter, Value};

use super::objects::{PyActivation, PyLayer, PyRegularizer, PySchedule, PyTracer};

/// A Keras error as the Python exception a user would see from Keras.
pub fn keras_error(error: KerasError) -> Box<Exception> {
    let (message, help) = match super::hints::split_suggestion(&error) {
        Some((message, help)) => (message, Some(help)),
        None => {
            let message = match &error {
                KerasError::Tensor(inner) => format!("tensor error: {}", candle_message(inner)),
                other => other.to_string(),
            };
            (message, super::hints::shape_help(&error))
        }
    };
    let exception = Exception::new(exception_kind(&error), message);
    match help {
        Some(help) => exception.with_help(help),
        None => exception,
    }
}

/// The Python exception type Keras raises for `error`.
fn exception_kind(error: &KerasError) -> &'static str {
    match error {
        KerasError::UnexpectedKeyword { .. } => "TypeError",
        KerasError::ParameterLimit { .. } => "LimitExceeded",
        KerasError::Memory(_) => "MemoryError",
        KerasError::Argument(_)
        | KerasError::Shape(_)
        | KerasError::TargetShape { .. }
        | KerasError::InputRank { .. }
        | KerasError::InputShape { .. }
        | KerasError::Load(_) => "ValueError",
        KerasError::LayerCall { source, .. } => exception_kind(source),
        KerasError::NotAvailable { .. } => "NotSupportedInDojo",
        KerasError::State(_) => "RuntimeError",
        KerasError::NonFinite(_) => "FloatingPointError",
        KerasError::Cancelled => "TrainingCancelled",
        KerasError::Host(_) => "RuntimeError",
        KerasError::Tensor(_) => "ValueError",
    }
}

/// The value as a Keras constructor argument. Python functions become a
/// traced [`LambdaExpr`] only where `trace_functions` says so (`Lambda`).
pub fn to_config(
    interpreter: &mut Interpreter,
    value: &Value,
    trace_functions: bool,
) -> Result<ConfigValue> {
    Ok(match value {
        Value::None => ConfigValue::None,
        Value::Bool(b) => ConfigValue::Bool(*b),
        Value::Int(i) => ConfigValue::Int(*i),
        Value::Float(x) => ConfigValue::Float(*x),
        Value::Str(s) => ConfigValue::Str(s.to_string()),
        Value::List(items) => {
            let items = items.borrow().clone();
            ConfigValue::List(
                items
                    .iter()
                    .map(|item| to_config(interpreter, item, trace_functions))
                    .collect::<Result<_>>()?,
            )
        }
        Value::Tuple(items) => ConfigValue::Tuple(
            items
                .iter()
                .map(|item| to_config(interpreter, item, trace_functions))
                .collect::<Result<_>>()?,
        ),
        Value::Function(_) | Value::BoundMethod(_) if trace_functions => {
            ConfigValue::Lambda(trace(interpreter, value)?)
        }
        Value::Native(native) => {
            let any = native.as_any();
            if let Some(layer) = any.downcast_ref::<PyLayer>() {
                ConfigValue::Layer(layer.layer.clone())
            } else if let Some(activation) = any.downcast_ref::<PyActivation>() {
                ConfigValue::Str(activation.name.clone())
            } else if let Some(regularizer) = any.downcast_ref::<PyRegularizer>() {
                ConfigValue::Regularizer(regularizer.0.clone())
            } else if let Some(schedule) = any.downcast_ref::<PySchedule>() {
                ConfigValue::Schedule(schedule.0.clone())
            } else if let Some(array) = NdArray::from_value(value) {
                array_config(&array)?
            } else {
                return Err(type_error(format!(
                    "a {} cannot be passed to a Keras constructor",
                    native.type_name()
                )));
            }
        }
        Value::Function(_) | Value::BoundMethod(_) | Value::Builtin(_) => {
            return Err(type_error(
                "a Python function can only be given to layers.Lambda or as a callback",
            ));
        }
        other => {
            return Err(type_error(format!(
                "a {} cannot be passed to a Keras constructor",
                other.type_name()
            )));
        }
    })
}

/// A small array argument (`Normalization(mean=...)`) as nested lists.
fn array_config(array: &NdArray) -> Result<ConfigValue> {
    let tensor = array
        .tensor()
        .ok_or_else(|| type_error("an array of strings cannot configure a layer"))?;
    let flat = tensor
        .flatten_all()
        .and_then(|t| t.to_dtype(DType::F64))
        .and_then(|t| t.to_vec1::<f64>())
        .map_err(|error| type_error(error.to_string()))?;
    Ok(ConfigValue::List(
        flat.into_iter().map(ConfigValue::Float).collect(),
    ))
}

/// Runs a Python function once on a tracer to record what it computes.
fn trace(interpreter: &mut Interpreter, function: &Value) -> Result<LambdaExpr> {
    let tracer = PyTracer::value(LambdaExpr::Input);
    let result = interpreter.call(function, dojo_lang::Args::new(vec![tracer]))?;
    PyTracer::expr_of(&result).ok_or_else(|| {
        type_error(format!(
            "a Lambda layer's function must compute on its input with arithmetic or tf.expand_dims/tf.reshape/tf.math; it returned a {}",
            result.type_name()
        ))
        .with_help("e.g. layers.Lambda(lambda x: x * 400.0) or layers.Lambda(lambda x: tf.expand_dims(x, axis=-1))")
    })
}

/// A value (array, list, scalar) as a contiguous tensor in Keras's float
/// type.
pub fn tensor_of(interpreter: &Interpreter, value: &Value, what: &str) -> Result<Tensor> {
    floatx_tensor(numeric_tensor(interpreter, value, what)?, what)
}

/// Like [`tensor_of`], for the arrays `fit` and `evaluate` draw batches
/// from: a contiguous float64 array (numpy's type for `x / 255.0`) is
/// taken as it is, shared with the program's array, and each batch is
/// converted to Keras's float type as it is drawn (`dojo_keras`'s array
/// batches do that). A float32 copy of a whole dataset would otherwise sit
/// beside the program's float64 one: 188 MB for Fashion-MNIST's training
/// images.
pub fn data_tensor_of(interpreter: &Interpreter, value: &Value, what: &str) -> Result<Tensor> {
    let tensor = numeric_tensor(interpreter, value, what)?;
    if tensor.dtype() == candle_core::DType::F64 && tensor.is_contiguous() {
        Ok(tensor)
    } else {
        floatx_tensor(tensor, what)
    }
}

/// `tensor` in Keras's float type, contiguous: slices of arrays are strided
/// views, and the trainer gathers rows, which needs contiguous storage (a
/// no-op when it already is).
fn floatx_tensor(tensor: Tensor, what: &str) -> Result<Tensor> {
    let floatx = dojo_keras::session::floatx();
    tensor
        .to_dtype(floatx)
        .and_then(|tensor| tensor.contiguous())
        .map_err(|error| type_error(format!("{what}: {}", candle_message(&error))))
}

/// The numbers of an array, list or scalar, in their own type.
fn numeric_tensor(interpreter: &Interpreter, value: &Value, what: &str) -> Result<Tensor> {
    let array = match NdArray::from_value(value) {
        Some(array) => array,
        None => to_ndarray(interpreter, value, None)
            .map_err(|error| type_error(format!("{what} must be an array: {}", error.message)))?,
    };
    array.tensor().cloned().ok_or_else(|| {
        type_error(format!(
            "{what} is an array of strings; models take numbers (tokenize the text first)"
        ))
    })
}

/// A tensor returned to Python as a numpy array.
pub fn array_value(tensor: Tensor) -> Value {
    NdArray::from_candle(tensor).into_value()
}

/// Candle errors while preparing data, as `ValueError`s.
pub fn candle(error: candle_core::Error) -> Box<Exception> {
    Exception::new("ValueError", candle_message(&error))
}

/// A candle error's message without the Rust backtrace candle attaches
/// when `RUST_BACKTRACE` is set: users see Python tracebacks only.
pub fn candle_message(error: &candle_core::Error) -> String {
    let text = error.to_string();
    text.split("\n   0:")
        .next()
        .unwrap_or(&text)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}
