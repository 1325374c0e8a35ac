//! The `tensorflow` / `keras` module tree user code imports.

use std::any::Any;
use std::collections::BTreeMap;
use std::rc::Rc;

use dojo_keras::{LambdaExpr, Model, callbacks, layers, losses, metrics, optimizers};
use dojo_lang::error::{Result, type_error};
use dojo_lang::interp::{Builtin, ModuleObject, NativeObject};
use dojo_lang::syntax::Span;
use dojo_lang::{ArgName, Args, Exception, Interpreter, Value};

use super::TrainingContext;
use super::convert::{keras_error, to_config};
use super::objects::{
    CallbackBase, PyActivation, PyCallback, PyLayer, PyLoss, PyLrScheduler, PyMetric, PyModel,
    PyOptimizer, PyRegularizer, PySchedule, PySymbolic, PyTracer, layer_of, shape_of,
};

/// A Keras namespace (`layers`, `optimizers`, …): unknown names say what
/// Dojo offers instead of a bare `AttributeError`.
struct Namespace {
    name: &'static str,
    attributes: BTreeMap<String, Value>,
}

impl Namespace {
    fn value(name: &'static str, attributes: Vec<(String, Value)>) -> Value {
        Value::Native(Rc::new(Namespace {
            name,
            attributes: attributes.into_iter().collect(),
        }))
    }
}

impl Namespace {
    /// The names the namespace offers: Keras's alternative spellings
    /// (`MaxPool2D`) are accepted but not listed, nor are the private,
    /// `experimental` and `legacy` names.
    fn listed_names(&self) -> Vec<&str> {
        self.attributes
            .keys()
            .map(String::as_str)
            .filter(|key| {
                !key.starts_with('_')
                    && *key != "experimental"
                    && *key != "legacy"
                    && (*key == "Input" || !layers::LAYER_ALIASES.iter().any(|(a, _)| a == key))
            })
            .collect()
    }
}

impl NativeObject for Namespace {
    fn type_name(&self) -> String {
        "module".to_owned()
    }

    fn attribute_names(&self) -> Vec<String> {
        self.listed_names().into_iter().map(str::to_owned).collect()
    }

    fn repr(&self) -> String {
        format!("<module '{}'>", self.name)
    }

    fn get_attribute(&self, _this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        if let Some(value) = self.attributes.get(name) {
            return Ok(Some(value.clone()));
        }
        if name.starts_with("__") {
            return Ok(None);
        }
        let short = self.name.rsplit('.').next().unwrap_or(self.name);
        let names = self.listed_names();
        let mut error = Exception::new(
            "NotSupportedInDojo",
            format!("`{short}.{name}` is not available in Dojo"),
        );
        let mut help = format!("available {short}: {}", names.join(", "));
        let all = self.attributes.keys().map(String::as_str);
        if let Some(close) = dojo_lang::error::did_you_mean(name, all) {
            help = format!("did you mean `{short}.{close}`? {help}");
        }
        error = error.with_help(help);
        Err(error)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A call's arguments as Keras constructor arguments.
type ConfigArgs = (
    Vec<dojo_keras::ConfigValue>,
    Vec<(String, dojo_keras::ConfigValue)>,
);

fn config_args(interpreter: &mut Interpreter, args: &Args, trace: bool) -> Result<ConfigArgs> {
    let positional = args
        .positional
        .iter()
        .map(|value| to_config(interpreter, value, trace))
        .collect::<Result<_>>()?;
    let keywords = args
        .keywords
        .iter()
        .map(|(key, value)| Ok((key.clone(), to_config(interpreter, value, trace)?)))
        .collect::<Result<_>>()?;
    Ok((positional, keywords))
}

fn layers_namespace() -> Value {
    let mut attributes = Vec::new();
    let names = layers::LAYER_NAMES
        .iter()
        .copied()
        .chain(layers::LAYER_ALIASES.iter().map(|(alias, _)| *alias));
    for name in names {
        if name == "Input" {
            continue;
        }
        let class = name.to_owned();
        attributes.push((
            name.to_owned(),
            Builtin::value(name, move |interpreter, args| {
                let (positional, keywords) = config_args(interpreter, &args, class == "Lambda")?;
                let layer = layers::build(&class, positional, keywords).map_err(keras_error)?;
                Ok(PyLayer::value(layer))
            }),
        ));
    }
    attributes.push(("Input".to_owned(), input_function()));
    let experimental = Namespace::value(
        "layers.experimental",
        vec![(
            "preprocessing".to_owned(),
            Namespace::value("layers.experimental.preprocessing", attributes.clone()),
        )],
    );
    attributes.push(("experimental".to_owned(), experimental));
    Namespace::value("layers", attributes)
}

/// `Input(shape=(28, 28), name=None)`: a symbolic tensor.
fn input_function() -> Value {
    Builtin::value("Input", |_, args| {
        args.check(
            "Input",
            2,
            &[
                "shape",
                "batch_size",
                "name",
                "dtype",
                "sparse",
                "tensor",
                "batch_shape",
            ],
        )?;
        let shape = args
            .get(0, "shape")
            .ok_or_else(|| type_error("Input() missing required argument: 'shape'"))?;
        let dims = match &shape {
            Value::Int(n) => vec![Some(*n as usize)],
            other => shape_of(other)?,
        };
        let name = args.keyword("name").map(|name| name.to_str());
        let tensor = dojo_keras::model::input(dims, name).map_err(keras_error)?;
        Ok(PySymbolic::value(tensor))
    })
}

fn model_constructors(context: &Rc<TrainingContext>) -> Vec<(String, Value)> {
    let sequential_context = Rc::clone(context);
    let sequential = Builtin::value("Sequential", move |_, args| {
        args.check("Sequential", 2, &["layers", "name", "trainable"])?;
        let mut list = Vec::new();
        match args.get(0, "layers") {
            None | Some(Value::None) => {}
            Some(Value::List(items)) => list = items.borrow().clone(),
            Some(Value::Tuple(items)) => list = items.to_vec(),
            Some(other) => {
                return Err(type_error(format!(
                    "Sequential() takes a list of layers, not {}",
                    other.type_name()
                )));
            }
        }
        let mut layers = Vec::new();
        for (index, item) in list.iter().enumerate() {
            layers.push(layer_of(item).ok_or_else(|| {
                type_error(format!(
                    "Sequential() item {index} is a {}, not a layer",
                    item.type_name()
                ))
            })?);
        }
        let name = args.keyword("name").map(|name| name.to_str());
        let model = Model::sequential(layers, name).map_err(keras_error)?;
        Ok(PyModel::value(model, Rc::clone(&sequential_context)))
    });
    let functional_context = Rc::clone(context);
    let functional = Builtin::value("Model", move |_, args| {
        args.check("Model", 2, &["inputs", "outputs", "name", "trainable"])?;
        let symbolic = |value: Option<Value>,
                        what: &str|
         -> Result<Vec<dojo_keras::SymbolicTensor>> {
            let value = value.ok_or_else(|| {
                type_error(format!("Model() missing required argument: '{what}'"))
            })?;
            let items = match &value {
                Value::List(items) => items.borrow().clone(),
                Value::Tuple(items) => items.to_vec(),
                other => vec![other.clone()],
            };
            items
                .iter()
                .map(|item| {
                    PySymbolic::of(item).ok_or_else(|| {
                        type_error(format!(
                            "Model({what}=...) takes tensors from tf.keras.Input and layer calls, not {}",
                            item.type_name()
                        ))
                    })
                })
                .collect()
        };
        let inputs = symbolic(args.get(0, "inputs"), "inputs")?;
        let outputs = symbolic(args.get(1, "outputs"), "outputs")?;
        let name = args.keyword("name").map(|name| name.to_str());
        let model = Model::functional(&inputs, &outputs, name).map_err(keras_error)?;
        Ok(PyModel::value(model, Rc::clone(&functional_context)))
    });
    let load_context = Rc::clone(context);
    let load_model = Builtin::value("load_model", move |interpreter, args| {
        let path = args.required(0, "filepath", "load_model")?.to_str();
        let bytes = interpreter.vfs().read(&path).map_err(|_| {
            Exception::new(
                "FileNotFoundError",
                format!("[Errno 2] No such file or directory: '{path}'"),
            )
        })?;
        let model = Model::load_from_bytes(&bytes).map_err(keras_error)?;
        Ok(PyModel::value(model, Rc::clone(&load_context)))
    });
    vec![
        ("Sequential".to_owned(), sequential),
        ("Model".to_owned(), functional),
        ("load_model".to_owned(), load_model),
    ]
}

fn optimizers_namespace() -> Value {
    let mut attributes = Vec::new();
    for name in ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"] {
        attributes.push((
            name.to_owned(),
            Builtin::value(name, move |interpreter, args| {
                let (positional, keywords) = config_args(interpreter, &args, false)?;
                // TF 2.x before 2.11 accepted `lr`; Keras 3 (TF 2.21)
                // refuses it. Dojo trains with it and says so.
                if keywords.iter().any(|(key, _)| key == "lr") {
                    interpreter.print(&format!(
                        "[Dojo] {name}(lr=...) is the old TensorFlow 2 spelling: TensorFlow 2.21 refuses it (\"Argument(s) not recognized\"); write learning_rate=...\n"
                    ));
                }
                let optimizer =
                    optimizers::build(name, positional, keywords).map_err(keras_error)?;
                Ok(PyOptimizer::value(optimizer))
            }),
        ));
    }
    let legacy = Namespace::value("optimizers.legacy", attributes.clone());
    attributes.push(("legacy".to_owned(), legacy));
    let mut schedules = Vec::new();
    for name in optimizers::SCHEDULE_NAMES {
        schedules.push((
            (*name).to_owned(),
            Builtin::value(name, move |interpreter, args| {
                let (positional, keywords) = config_args(interpreter, &args, false)?;
                let schedule =
                    optimizers::build_schedule(name, positional, keywords).map_err(keras_error)?;
                Ok(Value::Native(Rc::new(PySchedule(schedule))))
            }),
        ));
    }
    attributes.push((
        "schedules".to_owned(),
        Namespace::value("optimizers.schedules", schedules),
    ));
    Namespace::value("optimizers", attributes)
}

fn losses_namespace() -> Value {
    let mut attributes = Vec::new();
    for name in losses::LOSS_NAMES {
        let value = if name.starts_with(char::is_uppercase) {
            Builtin::value(name, move |interpreter, args| {
                let (positional, keywords) = config_args(interpreter, &args, false)?;
                let loss = losses::build(name, positional, keywords).map_err(keras_error)?;
                Ok(Value::Native(Rc::new(PyLoss(loss))))
            })
        } else {
            match losses::build(name, vec![], vec![]) {
                Ok(loss) => Value::Native(Rc::new(PyLoss(loss))),
                Err(_) => continue,
            }
        };
        attributes.push(((*name).to_owned(), value));
    }
    Namespace::value("losses", attributes)
}

fn metrics_namespace() -> Value {
    let mut attributes = Vec::new();
    for name in metrics::METRIC_NAMES {
        attributes.push((
            (*name).to_owned(),
            Builtin::value(name, move |interpreter, args| {
                let (positional, keywords) = config_args(interpreter, &args, false)?;
                let metric = metrics::build(name, positional, keywords).map_err(keras_error)?;
                Ok(Value::Native(Rc::new(PyMetric(metric))))
            }),
        ));
    }
    Namespace::value("metrics", attributes)
}

/// Keras 3 (TF 2.21) requires a `ModelCheckpoint` path ending in
/// `.weights.h5` with `save_weights_only=True` and in `.keras` (or `.h5`)
/// otherwise; older TF 2 files use `.ckpt` or `.h5`. Dojo saves either and
/// says what TensorFlow 2.21 would refuse.
fn checkpoint_path_note(
    interpreter: &mut Interpreter,
    positional: &[dojo_keras::ConfigValue],
    keywords: &[(String, dojo_keras::ConfigValue)],
) {
    let keyword = |name: &str| {
        keywords
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    };
    let Some(dojo_keras::ConfigValue::Str(path)) =
        positional.first().or_else(|| keyword("filepath"))
    else {
        return;
    };
    let weights_only = matches!(
        positional.get(4).or_else(|| keyword("save_weights_only")),
        Some(dojo_keras::ConfigValue::Bool(true))
    );
    let refused = if weights_only {
        (!path.ends_with(".weights.h5")).then_some("must end in `.weights.h5`")
    } else {
        (!path.ends_with(".keras") && !path.ends_with(".h5")).then_some("must end in `.keras`")
    };
    if let Some(rule) = refused {
        interpreter.print(&format!(
            "[Dojo] ModelCheckpoint('{path}'): Dojo saves there, but TensorFlow 2.21 refuses this path (with save_weights_only={}, the filepath {rule})\n",
            if weights_only { "True" } else { "False" }
        ));
    }
}

fn callbacks_namespace() -> Value {
    let mut attributes = Vec::new();
    for name in callbacks::CALLBACK_NAMES {
        attributes.push((
            (*name).to_owned(),
            Builtin::value(name, move |interpreter, args| {
                let (positional, keywords) = config_args(interpreter, &args, false)?;
                if *name == "ModelCheckpoint" {
                    checkpoint_path_note(interpreter, &positional, &keywords);
                }
                let callback = callbacks::build(name, positional, keywords).map_err(keras_error)?;
                Ok(Value::Native(Rc::new(PyCallback(callback))))
            }),
        ));
    }
    attributes.push((
        "LearningRateScheduler".to_owned(),
        Builtin::value("LearningRateScheduler", |_, args| {
            args.check("LearningRateScheduler", 2, &["schedule", "verbose"])?;
            let schedule = args.required(0, "schedule", "LearningRateScheduler")?;
            if !matches!(
                schedule,
                Value::Function(_) | Value::Builtin(_) | Value::BoundMethod(_)
            ) {
                return Err(type_error(format!(
                    "LearningRateScheduler's schedule must be a function of the epoch, not {}",
                    schedule.type_name()
                )));
            }
            let verbose = args.get(1, "verbose").is_some_and(|v| v.truthy());
            Ok(Value::Native(Rc::new(PyLrScheduler { schedule, verbose })))
        }),
    ));
    attributes.push(("Callback".to_owned(), Value::Native(Rc::new(CallbackBase))));
    Namespace::value("callbacks", attributes)
}

fn activations_namespace(name: &'static str) -> Value {
    let attributes = dojo_keras::activations::ACTIVATION_NAMES
        .iter()
        .map(|activation| {
            (
                (*activation).to_owned(),
                Value::Native(Rc::new(PyActivation {
                    name: (*activation).to_owned(),
                })),
            )
        })
        .collect();
    Namespace::value(name, attributes)
}

fn regularizers_namespace() -> Value {
    fn factor(args: &Args, position: usize, name: &str, default: f64) -> Result<f64> {
        match args.get(position, name) {
            None => Ok(default),
            Some(value) => ArgName::Described(name).number(&value),
        }
    }
    let make = |name: &'static str| {
        Builtin::value(name, move |_, args| {
            let (l1, l2) = match name {
                "l1" | "L1" => (factor(&args, 0, "l1", 0.01)?, 0.0),
                "l2" | "L2" => (0.0, factor(&args, 0, "l2", 0.01)?),
                _ => (factor(&args, 0, "l1", 0.0)?, factor(&args, 1, "l2", 0.0)?),
            };
            Ok(Value::Native(Rc::new(PyRegularizer(
                dojo_keras::regularizers::Regularizer { l1, l2 },
            ))))
        })
    };
    Namespace::value(
        "regularizers",
        ["l1", "l2", "l1_l2", "L1", "L2", "L1L2"]
            .into_iter()
            .map(|name| (name.to_owned(), make(name)))
            .collect(),
    )
}

/// `tf.math`: element-wise functions, traced inside `Lambda` layers.
fn math_namespace() -> Value {
    let attributes = ["abs", "exp", "log", "sqrt", "square", "tanh", "sigmoid", "relu"]
        .into_iter()
        .map(|name| {
            (
                name.to_owned(),
                Builtin::value(name, move |_, args| {
                    let x = args.required(0, "x", name)?;
                    match PyTracer::expr_of(&x) {
                        Some(expr) => Ok(PyTracer::value(LambdaExpr::Unary(
                            name.to_owned(),
                            Box::new(expr),
                        ))),
                        None => Err(type_error(format!(
                            "tf.math.{name} works inside Lambda layers in Dojo; use numpy (np.{name}) on arrays"
                        ))),
                    }
                }),
            )
        })
        .collect();
    Namespace::value("math", attributes)
}

fn module_value(name: &str, attributes: Vec<(String, Value)>) -> Value {
    let module = ModuleObject::new(name, Vec::new());
    module.attributes.borrow_mut().extend(attributes);
    Value::Module(module)
}

/// Wraps `tf.expand_dims` / `tf.reshape` so a `Lambda`'s tracer records them.
fn traced(name: &'static str, plain: Option<Value>) -> Value {
    Builtin::value(name, move |interpreter, args| {
        if let Some(expr) = args.positional.first().and_then(PyTracer::expr_of) {
            return match name {
                "expand_dims" => {
                    let axis = match args.get(1, "axis") {
                        Some(Value::Int(axis)) => axis,
                        _ => return Err(type_error("tf.expand_dims needs an int axis")),
                    };
                    Ok(PyTracer::value(LambdaExpr::ExpandDims(
                        Box::new(expr),
                        axis,
                    )))
                }
                _ => {
                    let shape = args.required(1, "shape", name)?;
                    let dims = match &shape {
                        Value::List(items) => items.borrow().clone(),
                        Value::Tuple(items) => items.to_vec(),
                        other => vec![other.clone()],
                    };
                    let dims = dims
                        .iter()
                        .map(|d| match d {
                            Value::Int(n) => Ok(*n),
                            other => Err(type_error(format!(
                                "a shape holds ints, not {}",
                                other.repr()
                            ))),
                        })
                        .collect::<Result<_>>()?;
                    Ok(PyTracer::value(LambdaExpr::Reshape(Box::new(expr), dims)))
                }
            };
        }
        match &plain {
            Some(function) => interpreter.call(function, args),
            None => Err(type_error(format!("tf.{name} is not available"))),
        }
    })
}

/// `keras` for this run: the data side plus the models.
fn keras_module(interpreter: &mut Interpreter, context: &Rc<TrainingContext>) -> Result<Value> {
    let mut attributes = crate::tensorflow::keras_attributes(interpreter)?;
    let models = model_constructors(context);
    attributes.push((
        "models".to_owned(),
        module_value("keras.models", models.clone()),
    ));
    attributes.extend(models.into_iter().filter(|(name, _)| name != "load_model"));
    attributes.push(("Input".to_owned(), input_function()));
    attributes.push(("layers".to_owned(), layers_namespace()));
    attributes.push(("optimizers".to_owned(), optimizers_namespace()));
    attributes.push(("losses".to_owned(), losses_namespace()));
    attributes.push(("metrics".to_owned(), metrics_namespace()));
    attributes.push(("callbacks".to_owned(), callbacks_namespace()));
    attributes.push((
        "activations".to_owned(),
        activations_namespace("activations"),
    ));
    attributes.push(("regularizers".to_owned(), regularizers_namespace()));
    attributes.push((
        "applications".to_owned(),
        Value::Native(Rc::new(Applications)),
    ));
    Ok(module_value("keras", attributes))
}

fn tensorflow_module(
    interpreter: &mut Interpreter,
    context: &Rc<TrainingContext>,
) -> Result<Value> {
    let mut attributes = crate::tensorflow::tensorflow_attributes(interpreter)?;
    for (name, value) in attributes.iter_mut() {
        match name.as_str() {
            "expand_dims" => *value = traced("expand_dims", Some(value.clone())),
            "reshape" => *value = traced("reshape", Some(value.clone())),
            _ => {}
        }
    }
    attributes.push(("keras".to_owned(), keras_module(interpreter, context)?));
    attributes.push(("nn".to_owned(), activations_namespace("nn")));
    attributes.push(("math".to_owned(), math_namespace()));
    // TF 2's short spelling of `tf.keras.optimizers`.
    attributes.push(("optimizers".to_owned(), optimizers_namespace()));
    attributes.push((
        "device".to_owned(),
        Builtin::value("device", |_, args| {
            args.check("device", 1, &["device_name"])?;
            args.required(0, "device_name", "device")?;
            Ok(Value::Native(Rc::new(DeviceScope)))
        }),
    ));
    attributes.push(("__version__".to_owned(), Value::str("2.21.0 (Dojo)")));
    Ok(module_value("tensorflow", attributes))
}

/// `tf.keras.applications`: pretrained networks need their weights
/// downloaded, which Dojo (offline) cannot do; every name says so.
struct Applications;

const APPLICATIONS_HELP: &str = "build the convolutional network yourself (Conv2D and \
     MaxPooling2D blocks, then Flatten and Dense): the exam's image tasks reach full marks \
     without transfer learning";

fn applications_error(name: &str) -> Box<Exception> {
    Exception::new(
        "NotSupportedInDojo",
        format!(
            "tf.keras.applications{name} needs pretrained weights downloaded from the internet, \
             and Dojo works offline"
        ),
    )
    .with_help(APPLICATIONS_HELP)
}

impl NativeObject for Applications {
    fn type_name(&self) -> String {
        "module".to_owned()
    }

    fn get_attribute(&self, _this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        // An architecture (`MobileNetV2`, `InceptionV3`) fails where it is
        // called, where its `weights` argument says what the program meant;
        // a submodule (`inception_v3.preprocess_input`) fails at once.
        if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            return Err(applications_error(&format!(".{name}")));
        }
        let name = name.to_owned();
        Ok(Some(Builtin::value(&name.clone(), move |_, args| {
            if matches!(args.keyword("weights"), Some(Value::None)) {
                Err(Exception::new(
                    "NotSupportedInDojo",
                    format!(
                        "tf.keras.applications.{name}(weights=None) is not built into Dojo: \
                         Dojo has the layers, not the ready-made architectures"
                    ),
                )
                .with_help(APPLICATIONS_HELP))
            } else {
                Err(applications_error(&format!(".{name}")))
            }
        })))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `with tf.device("/GPU:0"):`: the run's device is chosen for the whole
/// run (Settings, `DOJO_DEVICE`), so the scope changes nothing.
struct DeviceScope;

impl NativeObject for DeviceScope {
    fn type_name(&self) -> String {
        "device".to_owned()
    }

    fn enter(&self, this: &Rc<dyn NativeObject>) -> Option<Result<Value>> {
        Some(Ok(Value::Native(Rc::clone(this))))
    }

    fn exit(&self) -> Result<()> {
        Ok(())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Registers `tensorflow`, `keras` and their submodules for this run.
pub fn install(interpreter: &mut Interpreter, context: Rc<TrainingContext>) {
    crate::tensorflow::install_tensorflow_data(interpreter);
    let tf_context = Rc::clone(&context);
    interpreter.register_module("tensorflow", move |interpreter| {
        tensorflow_module(interpreter, &tf_context)
    });
    let keras_context = Rc::clone(&context);
    interpreter.register_module("keras", move |interpreter| {
        keras_module(interpreter, &keras_context)
    });
    // The standalone `keras_preprocessing` package of TF 2's early days
    // (`from keras_preprocessing.image import ImageDataGenerator`) is
    // `tf.keras.preprocessing`; its submodules import as its attributes.
    interpreter.register_module("keras_preprocessing", |interpreter| {
        let mut value = interpreter.import("tensorflow")?;
        for part in ["keras", "preprocessing"] {
            value = interpreter.get_attribute(&value, part, Span::default())?;
        }
        Ok(value)
    });
    // `import tensorflow_datasets as tfds`: `tfds.load(...)` serves the
    // bundled datasets (`crate::tfds`).
    interpreter.register_module("tensorflow_datasets", |_| Ok(crate::tfds::module()));
    // `from tensorflow.keras.applications import InceptionV3` imports a
    // name that fails where it is called (with what its `weights` asked
    // for); the architectures' own submodules fail at the import.
    for prefix in ["tensorflow.keras.applications", "keras.applications"] {
        interpreter.register_module(prefix, |_| Ok(Value::Native(Rc::new(Applications))));
        for model in [
            "inception_v3",
            "mobilenet_v2",
            "vgg16",
            "resnet50",
            "efficientnet",
        ] {
            interpreter.register_module(&format!("{prefix}.{model}"), move |_| {
                Err(applications_error(&format!(".{model}")))
            });
        }
    }
    // `from tensorflow.keras.layers import Dense` and friends.
    for prefix in ["tensorflow.keras", "keras"] {
        let keras_context = Rc::clone(&context);
        if prefix == "tensorflow.keras" {
            interpreter.register_module(prefix, move |interpreter| {
                keras_module(interpreter, &keras_context)
            });
        }
        for part in [
            "layers",
            "models",
            "optimizers",
            "losses",
            "metrics",
            "callbacks",
            "activations",
            "regularizers",
        ] {
            let part_context = Rc::clone(&context);
            interpreter.register_module(&format!("{prefix}.{part}"), move |interpreter| {
                let keras = keras_module(interpreter, &part_context)?;
                interpreter.get_attribute(&keras, part, Span::default())
            });
        }
    }
}
