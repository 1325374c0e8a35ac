//! The Python objects of Keras: layers, models, symbolic tensors,
//! optimizers, losses, metrics, callbacks, activations, regularizers, and
//! the tracer that turns a `Lambda`'s Python function into an expression.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use dojo_keras::callbacks::Callback;
use dojo_keras::losses::Loss;
use dojo_keras::metrics::Metric;
use dojo_keras::optimizers::Optimizer;
use dojo_keras::regularizers::Regularizer;
use dojo_keras::{LambdaExpr, LayerRef, Model, SymbolicTensor};
use dojo_lang::error::{Result, type_error};
use dojo_lang::interp::{Builtin, NativeObject, native_method};
use dojo_lang::syntax::{BinaryOp, UnaryOp};
use dojo_lang::value::SliceValue;
use dojo_lang::{Args, Interpreter, Value};

use super::convert::{array_value, keras_error, tensor_of};

fn dims_value(dims: &[Option<usize>]) -> Value {
    Value::tuple(
        dims.iter()
            .map(|d| d.map_or(Value::None, |d| Value::Int(d as i64)))
            .collect(),
    )
}

fn weights_value(tensors: Vec<candle_core::Tensor>) -> Value {
    Value::list(tensors.into_iter().map(array_value).collect())
}

fn tensors_of(
    interpreter: &Interpreter,
    value: &Value,
    what: &str,
) -> Result<Vec<candle_core::Tensor>> {
    interpreter_items(value)?
        .iter()
        .map(|item| tensor_of(interpreter, item, what))
        .collect()
}

fn interpreter_items(value: &Value) -> Result<Vec<Value>> {
    match value {
        Value::List(items) => Ok(items.borrow().clone()),
        Value::Tuple(items) => Ok(items.to_vec()),
        other => Err(type_error(format!(
            "expected a list of arrays, got {}",
            other.type_name()
        ))),
    }
}

// ---------------------------------------------------------------- layers

/// A Keras layer object.
pub struct PyLayer {
    pub layer: LayerRef,
}

impl PyLayer {
    pub fn value(layer: LayerRef) -> Value {
        Value::Native(Rc::new(PyLayer { layer }))
    }
}

impl NativeObject for PyLayer {
    fn type_name(&self) -> String {
        self.layer.class_name().to_owned()
    }

    fn repr(&self) -> String {
        format!(
            "<{} name={}, built={}>",
            self.layer.class_name(),
            self.layer.name(),
            if self.layer.built() { "True" } else { "False" }
        )
    }

    fn get_attribute(&self, this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        Ok(Some(match name {
            "name" => Value::str(&self.layer.name()),
            "trainable" => Value::Bool(self.layer.trainable()),
            "built" => Value::Bool(self.layer.built()),
            "count_params" => native_method::<PyLayer>(this, name, |layer, _, _, _| {
                Ok(Value::Int(layer.layer.count_params() as i64))
            }),
            "get_weights" => native_method::<PyLayer>(this, name, |layer, _, _, _| {
                Ok(weights_value(
                    layer.layer.get_weights().map_err(keras_error)?,
                ))
            }),
            "weights" | "trainable_weights" => {
                weights_value(self.layer.get_weights().map_err(keras_error)?)
            }
            "set_weights" => native_method::<PyLayer>(this, name, |layer, _, interpreter, args| {
                let values = args.required(0, "weights", "set_weights")?;
                let tensors = tensors_of(interpreter, &values, "a weight")?;
                layer.layer.set_weights(&tensors).map_err(keras_error)?;
                Ok(Value::None)
            }),
            "adapt" => native_method::<PyLayer>(this, name, |layer, _, interpreter, args| {
                let data = args.required(0, "data", "adapt")?;
                let tensor = tensor_of(interpreter, &data, "adapt's data")?;
                layer.layer.adapt(&tensor).map_err(keras_error)?;
                Ok(Value::None)
            }),
            _ => return Ok(None),
        }))
    }

    fn set_attribute(&self, name: &str, value: Value) -> Result<bool> {
        match name {
            "trainable" => {
                self.layer.set_trainable(value.truthy());
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn call(
        &self,
        _this: &Rc<dyn NativeObject>,
        interpreter: &mut Interpreter,
        args: Args,
    ) -> Option<Result<Value>> {
        Some((|| {
            let input = args.required(0, "inputs", self.layer.class_name())?;
            let symbolic: Option<Vec<SymbolicTensor>> = match &input {
                Value::List(_) | Value::Tuple(_) => interpreter_items(&input)?
                    .iter()
                    .map(PySymbolic::of)
                    .collect(),
                other => PySymbolic::of(other).map(|s| vec![s]),
            };
            if let Some(inputs) = symbolic {
                let output =
                    dojo_keras::model::call_symbolic(&self.layer, &inputs).map_err(keras_error)?;
                return Ok(PySymbolic::value(output));
            }
            let training = args.keyword("training").is_some_and(|t| t.truthy());
            let tensors = match &input {
                Value::List(_) | Value::Tuple(_) => {
                    tensors_of(interpreter, &input, "a layer's input")?
                }
                other => vec![tensor_of(interpreter, other, "a layer's input")?],
            };
            let output = self.layer.call(&tensors, training).map_err(keras_error)?;
            Ok(array_value(output))
        })())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A symbolic tensor of the functional API (`Input(...)`, `layer(t)`).
pub struct PySymbolic(pub SymbolicTensor);

impl PySymbolic {
    pub fn value(tensor: SymbolicTensor) -> Value {
        Value::Native(Rc::new(PySymbolic(tensor)))
    }

    pub fn of(value: &Value) -> Option<SymbolicTensor> {
        match value {
            Value::Native(native) => native
                .as_any()
                .downcast_ref::<PySymbolic>()
                .map(|s| s.0.clone()),
            _ => None,
        }
    }
}

impl NativeObject for PySymbolic {
    fn type_name(&self) -> String {
        "KerasTensor".to_owned()
    }

    fn repr(&self) -> String {
        format!(
            "<KerasTensor shape={}>",
            dojo_keras::layers::format_dims(&self.0.shape)
        )
    }

    fn get_attribute(&self, _this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        Ok(match name {
            "shape" => Some(dims_value(&self.0.shape)),
            _ => None,
        })
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ---------------------------------------------------------------- models

/// A Keras model. `stop_training` lives outside the model's `RefCell` so a
/// callback can set it while `fit` holds the model.
pub struct PyModel {
    pub model: RefCell<Model>,
    pub stop_training: Cell<bool>,
    pub history: RefCell<Option<Value>>,
    /// The run this model trains in. Weak: the run's context keeps the
    /// model it trained last, so a strong link back would leak both (and
    /// everything the run's event sink holds) after every run.
    pub context: std::rc::Weak<super::TrainingContext>,
}

impl PyModel {
    pub fn value(model: Model, context: Rc<super::TrainingContext>) -> Value {
        Value::Native(Rc::new(PyModel {
            model: RefCell::new(model),
            stop_training: Cell::new(false),
            history: RefCell::new(None),
            context: Rc::downgrade(&context),
        }))
    }

    pub fn of(value: &Value) -> Option<&PyModel> {
        match value {
            Value::Native(native) => native.as_any().downcast_ref::<PyModel>(),
            _ => None,
        }
    }

    fn busy() -> Box<dojo_lang::Exception> {
        dojo_lang::Exception::new(
            "RuntimeError",
            "the model is training; a callback cannot change it now",
        )
    }

    /// The model's `summary()` text.
    pub fn summary_text(&self) -> Result<String> {
        let model = self.model.try_borrow().map_err(|_| Self::busy())?;
        model.summary().map_err(keras_error)
    }
}

impl NativeObject for PyModel {
    fn type_name(&self) -> String {
        match self.model.try_borrow() {
            Ok(model) if model.is_sequential() => "Sequential".to_owned(),
            _ => "Functional".to_owned(),
        }
    }

    fn repr(&self) -> String {
        match self.model.try_borrow() {
            Ok(model) => format!("<{} name={}>", self.type_name(), model.name()),
            Err(_) => "<Model (training)>".to_owned(),
        }
    }

    fn get_attribute(&self, this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        if name == "stop_training" {
            return Ok(Some(Value::Bool(self.stop_training.get())));
        }
        if name == "history" {
            return Ok(Some(self.history.borrow().clone().unwrap_or(Value::None)));
        }
        let model = self.model.try_borrow().map_err(|_| Self::busy())?;
        Ok(Some(match name {
            "name" => Value::str(model.name()),
            "layers" => Value::list(model.layers().into_iter().map(PyLayer::value).collect()),
            "input_shape" => model.input_shape().map_or(Value::None, |d| dims_value(&d)),
            "output_shape" => model.output_shape().map_or(Value::None, |d| dims_value(&d)),
            "built" => Value::Bool(model.built()),
            "optimizer" => match model.compiled() {
                Some(compiled) => PyOptimizer::value(compiled.optimizer.clone()),
                None => Value::None,
            },
            "summary" => native_method::<PyModel>(this, name, |model, _, interpreter, _| {
                let text = model.summary_text()?;
                interpreter.print(&format!("{text}\n"));
                Ok(Value::None)
            }),
            "count_params" => native_method::<PyModel>(this, name, |model, _, _, _| {
                let model = model.model.try_borrow().map_err(|_| PyModel::busy())?;
                Ok(Value::Int(model.count_params().map_err(keras_error)? as i64))
            }),
            "get_weights" => native_method::<PyModel>(this, name, |model, _, _, _| {
                let model = model.model.try_borrow().map_err(|_| PyModel::busy())?;
                Ok(weights_value(model.get_weights().map_err(keras_error)?))
            }),
            "set_weights" => native_method::<PyModel>(this, name, |model, _, interpreter, args| {
                let values = args.required(0, "weights", "set_weights")?;
                let tensors = tensors_of(interpreter, &values, "a weight")?;
                let model = model.model.try_borrow().map_err(|_| PyModel::busy())?;
                model.set_weights(&tensors).map_err(keras_error)?;
                Ok(Value::None)
            }),
            "add" => native_method::<PyModel>(this, name, |model, _, _, args| {
                let layer = args.required(0, "layer", "add")?;
                let layer = layer_of(&layer).ok_or_else(|| {
                    type_error(format!("add() takes a layer, not {}", layer.type_name()))
                })?;
                let mut model = model.model.try_borrow_mut().map_err(|_| PyModel::busy())?;
                model.add(layer).map_err(keras_error)?;
                Ok(Value::None)
            }),
            "pop" => native_method::<PyModel>(this, name, |model, _, _, _| {
                let mut model = model.model.try_borrow_mut().map_err(|_| PyModel::busy())?;
                Ok(PyLayer::value(model.pop().map_err(keras_error)?))
            }),
            "build" => native_method::<PyModel>(this, name, |model, _, _, args| {
                let shape = args.required(0, "input_shape", "build")?;
                let dims = shape_of(&shape)?;
                let mut model = model.model.try_borrow_mut().map_err(|_| PyModel::busy())?;
                model.build(dims).map_err(keras_error)?;
                Ok(Value::None)
            }),
            "compile" => native_method::<PyModel>(this, name, super::fit::compile),
            "fit" => native_method::<PyModel>(this, name, super::fit::fit),
            "evaluate" => native_method::<PyModel>(this, name, super::fit::evaluate),
            "predict" => native_method::<PyModel>(this, name, super::fit::predict),
            // Keras 2's `*_generator` methods (removed in Keras 3) took the
            // same arguments as the plain methods do now.
            "fit_generator" => keras_2_alias(this, name, "fit", "training", super::fit::fit),
            "evaluate_generator" => {
                keras_2_alias(this, name, "evaluate", "evaluating", super::fit::evaluate)
            }
            "predict_generator" => {
                keras_2_alias(this, name, "predict", "predicting", super::fit::predict)
            }
            "save" => native_method::<PyModel>(this, name, |model, _, interpreter, args| {
                let path = args.required(0, "filepath", "save")?.to_str();
                let bytes = {
                    let model = model.model.try_borrow().map_err(|_| PyModel::busy())?;
                    model.save_to_bytes().map_err(keras_error)?
                };
                write_file(interpreter, &path, bytes)?;
                Ok(Value::None)
            }),
            "save_weights" => {
                native_method::<PyModel>(this, name, |model, _, interpreter, args| {
                    let path = args.required(0, "filepath", "save_weights")?.to_str();
                    let bytes = {
                        let model = model.model.try_borrow().map_err(|_| PyModel::busy())?;
                        model.save_weights_to_bytes().map_err(keras_error)?
                    };
                    write_file(interpreter, &path, bytes)?;
                    Ok(Value::None)
                })
            }
            // The exam's `ModelCheckpoint(save_weights_only=True)` then
            // `model.load_weights(path)` pattern; a whole saved model's
            // weights load too, as in Keras.
            "load_weights" => {
                native_method::<PyModel>(this, name, |model, _, interpreter, args| {
                    let path = args.required(0, "filepath", "load_weights")?.to_str();
                    let bytes = interpreter.vfs().read(&path).map_err(|_| {
                        dojo_lang::Exception::new(
                            "FileNotFoundError",
                            format!("[Errno 2] No such file or directory: '{path}'"),
                        )
                        .with_help(
                            "weights are written by model.save_weights(path) or a \
                             ModelCheckpoint callback during fit: check the file name",
                        )
                    })?;
                    let model = model.model.try_borrow().map_err(|_| PyModel::busy())?;
                    model.load_weights_from_bytes(&bytes).map_err(keras_error)?;
                    Ok(Value::None)
                })
            }
            _ => return Ok(None),
        }))
    }

    fn set_attribute(&self, name: &str, value: Value) -> Result<bool> {
        match name {
            "stop_training" => {
                self.stop_training.set(value.truthy());
                Ok(true)
            }
            "trainable" => {
                let model = self.model.try_borrow().map_err(|_| Self::busy())?;
                model.set_trainable(value.truthy());
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn call(
        &self,
        _this: &Rc<dyn NativeObject>,
        interpreter: &mut Interpreter,
        args: Args,
    ) -> Option<Result<Value>> {
        Some((|| {
            let input = args.required(0, "inputs", "Model")?;
            let x = tensor_of(interpreter, &input, "the model's input")?;
            let model = self.model.try_borrow().map_err(|_| Self::busy())?;
            let training = args.keyword("training").is_some_and(|t| t.truthy());
            Ok(array_value(
                model.forward(&x, training).map_err(keras_error)?,
            ))
        })())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Writes `bytes` to the program's scratch area.
pub fn write_file(interpreter: &mut Interpreter, path: &str, bytes: Vec<u8>) -> Result<()> {
    interpreter.vfs().write(path, bytes).map_err(|error| {
        dojo_lang::Exception::new("OSError", format!("cannot write {path}: {error:?}"))
    })
}

pub fn layer_of(value: &Value) -> Option<LayerRef> {
    match value {
        Value::Native(native) => {
            let any = native.as_any();
            any.downcast_ref::<PyLayer>()
                .map(|layer| layer.layer.clone())
                .or_else(|| any.downcast_ref::<PySymbolic>().map(|s| s.0.layer()))
        }
        _ => None,
    }
}

/// `(None, 28, 28)` / `[28, 28]` as dims.
pub fn shape_of(value: &Value) -> Result<Vec<Option<usize>>> {
    interpreter_items(value)?
        .iter()
        .map(|item| match item {
            Value::None => Ok(None),
            Value::Int(n) if *n >= 0 => Ok(Some(*n as usize)),
            other => Err(type_error(format!(
                "a shape holds sizes or None, not {}",
                other.repr()
            ))),
        })
        .collect()
}

// ------------------------------------------------- optimizers, losses, metrics

pub struct PyOptimizer(pub RefCell<Optimizer>);

impl PyOptimizer {
    pub fn value(optimizer: Optimizer) -> Value {
        Value::Native(Rc::new(PyOptimizer(RefCell::new(optimizer))))
    }
}

impl NativeObject for PyOptimizer {
    fn type_name(&self) -> String {
        self.0.borrow().class_name().to_owned()
    }

    fn get_attribute(&self, _this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        let optimizer = self.0.borrow();
        Ok(match name {
            "learning_rate" | "lr" => Some(Value::Float(optimizer.learning_rate)),
            "iterations" => Some(Value::Int(optimizer.iterations as i64)),
            _ => None,
        })
    }

    fn set_attribute(&self, name: &str, value: Value) -> Result<bool> {
        match (name, value) {
            ("learning_rate" | "lr", Value::Float(x)) => self.0.borrow_mut().learning_rate = x,
            ("learning_rate" | "lr", Value::Int(x)) => self.0.borrow_mut().learning_rate = x as f64,
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub struct PyLoss(pub Loss);

impl NativeObject for PyLoss {
    fn type_name(&self) -> String {
        self.0.name().to_owned()
    }

    fn call(
        &self,
        _this: &Rc<dyn NativeObject>,
        interpreter: &mut Interpreter,
        args: Args,
    ) -> Option<Result<Value>> {
        Some((|| {
            let y_true = tensor_of(interpreter, &args.required(0, "y_true", "loss")?, "y_true")?;
            let y_pred = tensor_of(interpreter, &args.required(1, "y_pred", "loss")?, "y_pred")?;
            let loss = self.0.compute(&y_true, &y_pred).map_err(keras_error)?;
            Ok(array_value(loss))
        })())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub struct PyMetric(pub Metric);

impl NativeObject for PyMetric {
    fn type_name(&self) -> String {
        "Metric".to_owned()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ---------------------------------------------------------------- callbacks

/// A built-in callback (`EarlyStopping`, `ReduceLROnPlateau`, `ModelCheckpoint`).
pub struct PyCallback(pub Callback);

impl NativeObject for PyCallback {
    fn type_name(&self) -> String {
        match &self.0 {
            Callback::EarlyStopping(_) => "EarlyStopping",
            Callback::ReduceLROnPlateau(_) => "ReduceLROnPlateau",
            Callback::ModelCheckpoint(_) => "ModelCheckpoint",
        }
        .to_owned()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `LearningRateScheduler(schedule, verbose=0)`: the schedule is Python.
pub struct PyLrScheduler {
    pub schedule: Value,
    pub verbose: bool,
}

impl NativeObject for PyLrScheduler {
    fn type_name(&self) -> String {
        "LearningRateScheduler".to_owned()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `tf.keras.callbacks.Callback`, the base of user callbacks: its hooks do
/// nothing until a subclass overrides them.
pub struct CallbackBase;

pub const CALLBACK_HOOKS: &[&str] = &[
    "on_train_begin",
    "on_train_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_batch_begin",
    "on_batch_end",
    "on_test_begin",
    "on_test_end",
    "on_predict_begin",
    "on_predict_end",
    "set_model",
    "set_params",
    "__init__",
];

impl NativeObject for CallbackBase {
    fn type_name(&self) -> String {
        "Callback".to_owned()
    }

    fn class_attribute(&self, name: &str) -> Option<Value> {
        CALLBACK_HOOKS
            .contains(&name)
            .then(|| Builtin::value(name, |_, _| Ok(Value::None)))
    }

    fn call(
        &self,
        _this: &Rc<dyn NativeObject>,
        _interpreter: &mut Interpreter,
        _args: Args,
    ) -> Option<Result<Value>> {
        Some(Ok(Value::Native(Rc::new(CallbackBase))))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// What `fit` returns.
pub struct PyHistory {
    pub history: Value,
    pub epoch: Value,
    pub params: Value,
}

impl NativeObject for PyHistory {
    fn type_name(&self) -> String {
        "History".to_owned()
    }

    fn get_attribute(&self, _this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        Ok(match name {
            "history" => Some(self.history.clone()),
            "epoch" => Some(self.epoch.clone()),
            "params" => Some(self.params.clone()),
            _ => None,
        })
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ------------------------------------------------ activations, regularizers

/// `tf.nn.relu`, `tf.keras.activations.sigmoid`, …: usable as an
/// `activation=` argument and callable on arrays.
pub struct PyActivation {
    pub name: String,
}

impl NativeObject for PyActivation {
    fn type_name(&self) -> String {
        "function".to_owned()
    }

    fn repr(&self) -> String {
        format!("<function {}>", self.name)
    }

    fn call(
        &self,
        _this: &Rc<dyn NativeObject>,
        interpreter: &mut Interpreter,
        args: Args,
    ) -> Option<Result<Value>> {
        Some((|| {
            let x = args.required(0, "x", &self.name)?;
            if let Some(expr) = PyTracer::expr_of(&x) {
                return Ok(PyTracer::value(LambdaExpr::Unary(
                    self.name.clone(),
                    Box::new(expr),
                )));
            }
            let x = tensor_of(interpreter, &x, "the input")?;
            let activation =
                dojo_keras::activations::Activation::from_name(&self.name).map_err(keras_error)?;
            Ok(array_value(activation.apply(&x).map_err(keras_error)?))
        })())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub struct PyRegularizer(pub Regularizer);

/// `keras.optimizers.schedules.ExponentialDecay(...)` and friends: passed
/// as an optimizer's `learning_rate`; `schedule(step)` gives a step's rate.
pub struct PySchedule(pub dojo_keras::optimizers::Schedule);

impl NativeObject for PySchedule {
    fn type_name(&self) -> String {
        match self.0 {
            dojo_keras::optimizers::Schedule::ExponentialDecay { .. } => "ExponentialDecay",
            dojo_keras::optimizers::Schedule::InverseTimeDecay { .. } => "InverseTimeDecay",
            dojo_keras::optimizers::Schedule::PiecewiseConstantDecay { .. } => {
                "PiecewiseConstantDecay"
            }
            dojo_keras::optimizers::Schedule::CosineDecay { .. } => "CosineDecay",
        }
        .to_owned()
    }

    fn call(
        &self,
        _this: &Rc<dyn NativeObject>,
        _interpreter: &mut Interpreter,
        args: Args,
    ) -> Option<Result<Value>> {
        Some((|| {
            let step = args.required(0, "step", "__call__")?;
            let step = dojo_lang::ArgName::Parameter {
                function: "LearningRateSchedule",
                name: "step",
            }
            .integer(&step)?;
            Ok(Value::Float(self.0.at(step.max(0) as u64)))
        })())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl NativeObject for PyRegularizer {
    fn type_name(&self) -> String {
        "Regularizer".to_owned()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ---------------------------------------------------------------- tracing

/// Stands for a `Lambda` layer's input while its Python function runs once;
/// every operation on it builds the [`LambdaExpr`] the layer computes.
pub struct PyTracer(pub LambdaExpr);

impl PyTracer {
    pub fn value(expr: LambdaExpr) -> Value {
        Value::Native(Rc::new(PyTracer(expr)))
    }

    pub fn expr_of(value: &Value) -> Option<LambdaExpr> {
        match value {
            Value::Native(native) => native
                .as_any()
                .downcast_ref::<PyTracer>()
                .map(|tracer| tracer.0.clone()),
            _ => None,
        }
    }

    fn operand(value: &Value) -> Option<LambdaExpr> {
        match value {
            Value::Int(i) => Some(LambdaExpr::Const(*i as f64)),
            Value::Float(x) => Some(LambdaExpr::Const(*x)),
            other => Self::expr_of(other),
        }
    }

    fn slice_or_index(&self, axis: i64, index: &Value) -> Result<LambdaExpr> {
        let expr = Box::new(self.0.clone());
        match index {
            Value::Int(i) => Ok(LambdaExpr::Take {
                expr,
                axis,
                index: *i,
            }),
            Value::Slice(slice) => {
                let SliceValue { start, stop, step } = slice.as_ref();
                if step.is_some_and(|s| s != 1) {
                    return Err(type_error("a Lambda layer's slices cannot have a step"));
                }
                Ok(LambdaExpr::Slice {
                    expr,
                    axis,
                    start: *start,
                    stop: *stop,
                })
            }
            other => Err(type_error(format!(
                "a Lambda layer's input can be indexed with ints and slices, not {}",
                other.type_name()
            ))),
        }
    }
}

impl NativeObject for PyTracer {
    fn type_name(&self) -> String {
        "KerasTensor".to_owned()
    }

    fn binary(&self, op: BinaryOp, other: &Value, reflected: bool) -> Option<Result<Value>> {
        let other = Self::operand(other)?;
        let (left, right) = if reflected {
            (Box::new(other), Box::new(self.0.clone()))
        } else {
            (Box::new(self.0.clone()), Box::new(other))
        };
        let expr = match op {
            BinaryOp::Add => LambdaExpr::Add(left, right),
            BinaryOp::Sub => LambdaExpr::Sub(left, right),
            BinaryOp::Mul => LambdaExpr::Mul(left, right),
            BinaryOp::Div => LambdaExpr::Div(left, right),
            BinaryOp::Pow => LambdaExpr::Pow(left, right),
            _ => {
                return Some(Err(type_error(format!(
                    "a Lambda layer supports + - * / ** on its input, not {}",
                    op.symbol()
                ))));
            }
        };
        Some(Ok(PyTracer::value(expr)))
    }

    fn unary(&self, op: UnaryOp) -> Option<Result<Value>> {
        match op {
            UnaryOp::Negate => Some(Ok(PyTracer::value(LambdaExpr::Neg(Box::new(
                self.0.clone(),
            ))))),
            UnaryOp::Plus => Some(Ok(PyTracer::value(self.0.clone()))),
            _ => None,
        }
    }

    fn get_item(&self, index: &Value) -> Option<Result<Value>> {
        let result = match index {
            Value::Tuple(parts) => {
                // `x[:, -1]`, `x[..., 0]`: the one non-full part picks the axis.
                let mut chosen = None;
                let mut axis_from_end = false;
                for (position, part) in parts.iter().enumerate() {
                    let full = matches!(part, Value::Slice(s) if s.start.is_none() && s.stop.is_none() && s.step.is_none());
                    let ellipsis = part.type_name() == "ellipsis";
                    if ellipsis {
                        axis_from_end = true;
                        continue;
                    }
                    if !full {
                        let axis = if axis_from_end {
                            position as i64 - parts.len() as i64
                        } else {
                            position as i64
                        };
                        if chosen.replace((axis, part.clone())).is_some() {
                            return Some(Err(type_error(
                                "a Lambda layer can index its input on one axis only",
                            )));
                        }
                    }
                }
                match chosen {
                    Some((axis, part)) => self.slice_or_index(axis, &part),
                    None => Ok(self.0.clone()),
                }
            }
            other => self.slice_or_index(0, other),
        };
        Some(result.map(PyTracer::value))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Keras 2's `<method>_generator`: the TF 2 alias of `method`, with one line
/// that says so.
fn keras_2_alias(
    this: &Rc<dyn NativeObject>,
    name: &str,
    method: &'static str,
    doing: &'static str,
    body: fn(&PyModel, &Rc<dyn NativeObject>, &mut Interpreter, Args) -> Result<Value>,
) -> Value {
    native_method::<PyModel>(this, name, move |model, this, interpreter, args| {
        interpreter.print(&format!(
            "[Dojo] {method}_generator() is {method}() in TensorFlow 2: {doing} with {method}()\n"
        ));
        body(model, this, interpreter, args)
    })
}
