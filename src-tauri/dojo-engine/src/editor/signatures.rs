//! Which signature a resolved name has: Keras's classes from
//! [`dojo_keras::signatures`], and here the models, `tf.data.Dataset`'s
//! methods and the main numpy functions.
//!
//! Provenance: names, order and defaults are TF 2.21's / Keras 3's and
//! numpy 2's, from `inspect.signature` in `/root/tfvenv` (`pip install
//! tensorflow-cpu==2.21.*`), restricted to the parameters Dojo's
//! implementations accept (their `args.check` lists); a default numpy
//! prints as `<no value>` (`keepdims`) is written as its effect (`False`).
//! A test runs every defaulted parameter as a keyword through the
//! interpreter (`tests/editor.rs`), so a listed keyword is one Dojo takes.

use dojo_keras::signatures::{self as keras, Param, Signature, opt, req};

/// The signature of the name at `path` (its full dotted name, module
/// first: `["tensorflow", "keras", "layers", "Dense"]`), if tabulated.
pub(super) fn lookup(path: &[String]) -> Option<&'static Signature> {
    let name = path.last()?.as_str();
    if name == "Input" && path.len() > 1 {
        return find(MODELS, "Input");
    }
    if path.first().is_some_and(|top| top == "numpy") {
        let key = path.get(1..)?.join(".");
        return find(NUMPY, &key);
    }
    let group = path.get(path.len().checked_sub(2)?)?.as_str();
    match group {
        "layers" | "preprocessing" => keras::layer(name),
        "optimizers" | "legacy" => keras::optimizer(name),
        "schedules" => keras::schedule(name),
        "losses" => keras::loss(name),
        "callbacks" => keras::callback(name).or_else(|| find(CALLBACKS, name)),
        "keras" | "models" => find(MODELS, name),
        "Dataset" => find(DATASET, name),
        _ => None,
    }
}

fn find(table: &'static [(&str, Signature)], key: &str) -> Option<&'static Signature> {
    table
        .iter()
        .find(|(entry, _)| *entry == key)
        .map(|(_, signature)| signature)
}

/// Every entry here, with the program that reaches it (for the test that
/// each defaulted parameter is a keyword Dojo accepts).
pub fn tabulated() -> Vec<(String, &'static Signature)> {
    let mut all = Vec::new();
    for (key, signature) in MODELS {
        let path = if *key == "load_model" {
            "tf.keras.models.load_model".to_owned()
        } else {
            format!("tf.keras.{key}")
        };
        all.push((path, signature));
    }
    for (key, signature) in CALLBACKS {
        all.push((format!("tf.keras.callbacks.{key}"), signature));
    }
    for (key, signature) in DATASET {
        all.push((format!("tf.data.Dataset.{key}"), signature));
    }
    for (key, signature) in NUMPY {
        all.push((format!("np.{key}"), signature));
    }
    all
}

const fn sig(name: &'static str, params: &'static [Param], doc: &'static str) -> Signature {
    Signature { name, params, doc }
}

/// `inspect.signature(keras.Sequential.__init__)`: `(self, layers=None,
/// trainable=True, name=None)`; `keras.Input`: `(shape=None,
/// batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None,
/// name=None, tensor=None, optional=False)`; `keras.Model` takes `*args,
/// **kwargs` (the functional form is `Model(inputs, outputs, name=None)`);
/// `keras.models.load_model`: `(filepath, custom_objects=None,
/// compile=True, safe_mode=True)`.
const MODELS: &[(&str, Signature)] = &[
    (
        "Sequential",
        sig(
            "Sequential",
            &[
                opt("layers", "None"),
                opt("trainable", "True"),
                opt("name", "None"),
            ],
            "`Sequential` groups a linear stack of layers into a `Model`.",
        ),
    ),
    (
        "Model",
        sig(
            "Model",
            &[req("inputs"), req("outputs"), opt("name", "None")],
            "A model grouping layers into an object with training/inference features.",
        ),
    ),
    (
        "Input",
        sig(
            "Input",
            &[
                opt("shape", "None"),
                opt("batch_size", "None"),
                opt("dtype", "None"),
                opt("sparse", "None"),
                opt("batch_shape", "None"),
                opt("name", "None"),
                opt("tensor", "None"),
            ],
            "Used to instantiate a Keras tensor.",
        ),
    ),
    (
        "load_model",
        sig(
            "load_model",
            &[req("filepath")],
            "Loads a model saved via `model.save()`.",
        ),
    ),
];

/// `keras.callbacks.LearningRateScheduler.__init__`: `(self, schedule, verbose=0)`.
const CALLBACKS: &[(&str, Signature)] = &[(
    "LearningRateScheduler",
    sig(
        "LearningRateScheduler",
        &[req("schedule"), opt("verbose", "0")],
        "Learning rate scheduler.",
    ),
)];

/// `inspect.signature(tf.data.Dataset.<name>)` in TF 2.21, e.g. `batch(self,
/// batch_size, drop_remainder=False, num_parallel_calls=None,
/// deterministic=None, name=None)`, `window(self, size, shift=None,
/// stride=1, drop_remainder=False, name=None)`.
const DATASET: &[(&str, Signature)] = &[
    (
        "from_tensor_slices",
        sig(
            "from_tensor_slices",
            &[req("tensors"), opt("name", "None")],
            "Creates a `Dataset` whose elements are slices of the given tensors.",
        ),
    ),
    (
        "from_tensors",
        sig(
            "from_tensors",
            &[req("tensors"), opt("name", "None")],
            "Creates a `Dataset` with a single element, comprising the given tensors.",
        ),
    ),
    (
        "range",
        sig(
            "range",
            &[],
            "Creates a `Dataset` of a step-separated range of values: range(stop), range(start, stop[, step]).",
        ),
    ),
    (
        "zip",
        sig(
            "zip",
            &[opt("datasets", "None"), opt("name", "None")],
            "Creates a `Dataset` by zipping together the given datasets.",
        ),
    ),
    (
        "map",
        sig(
            "map",
            &[
                req("map_func"),
                opt("num_parallel_calls", "None"),
                opt("deterministic", "None"),
                opt("name", "None"),
            ],
            "Maps `map_func` across the elements of this dataset.",
        ),
    ),
    (
        "flat_map",
        sig(
            "flat_map",
            &[req("map_func"), opt("name", "None")],
            "Maps `map_func` across this dataset and flattens the result.",
        ),
    ),
    (
        "filter",
        sig(
            "filter",
            &[req("predicate"), opt("name", "None")],
            "Filters this dataset according to `predicate`.",
        ),
    ),
    (
        "shuffle",
        sig(
            "shuffle",
            &[
                req("buffer_size"),
                opt("seed", "None"),
                opt("reshuffle_each_iteration", "True"),
                opt("name", "None"),
            ],
            "Randomly shuffles the elements of this dataset.",
        ),
    ),
    (
        "batch",
        sig(
            "batch",
            &[
                req("batch_size"),
                opt("drop_remainder", "False"),
                opt("num_parallel_calls", "None"),
                opt("deterministic", "None"),
                opt("name", "None"),
            ],
            "Combines consecutive elements of this dataset into batches.",
        ),
    ),
    (
        "padded_batch",
        sig(
            "padded_batch",
            &[
                req("batch_size"),
                opt("padded_shapes", "None"),
                opt("padding_values", "None"),
                opt("drop_remainder", "False"),
                opt("name", "None"),
            ],
            "Combines consecutive elements of this dataset into padded batches.",
        ),
    ),
    (
        "window",
        sig(
            "window",
            &[
                req("size"),
                opt("shift", "None"),
                opt("stride", "1"),
                opt("drop_remainder", "False"),
                opt("name", "None"),
            ],
            "Returns a dataset of \"windows\".",
        ),
    ),
    (
        "take",
        sig(
            "take",
            &[req("count"), opt("name", "None")],
            "Creates a `Dataset` with at most `count` elements from this dataset.",
        ),
    ),
    (
        "skip",
        sig(
            "skip",
            &[req("count"), opt("name", "None")],
            "Creates a `Dataset` that skips `count` elements from this dataset.",
        ),
    ),
    (
        "repeat",
        sig(
            "repeat",
            &[opt("count", "None"), opt("name", "None")],
            "Repeats this dataset so each original value is seen `count` times.",
        ),
    ),
    (
        "concatenate",
        sig(
            "concatenate",
            &[req("dataset"), opt("name", "None")],
            "Creates a `Dataset` by concatenating the given dataset with this dataset.",
        ),
    ),
    (
        "unbatch",
        sig(
            "unbatch",
            &[opt("name", "None")],
            "Splits elements of a dataset into multiple elements.",
        ),
    ),
    (
        "cache",
        sig(
            "cache",
            &[opt("filename", "''"), opt("name", "None")],
            "Caches the elements in this dataset.",
        ),
    ),
    (
        "prefetch",
        sig(
            "prefetch",
            &[req("buffer_size"), opt("name", "None")],
            "Creates a `Dataset` that prefetches elements from this dataset.",
        ),
    ),
    (
        "as_numpy_iterator",
        sig(
            "as_numpy_iterator",
            &[],
            "Returns an iterator which converts all elements of the dataset to numpy.",
        ),
    ),
    (
        "cardinality",
        sig(
            "cardinality",
            &[],
            "Returns the cardinality of the dataset, if known.",
        ),
    ),
];

/// numpy 2's `inspect.signature(np.<name>)`, e.g. `zeros(shape, dtype=None,
/// order='C', *, device=None, like=None)` and `linspace(start, stop,
/// num=50, endpoint=True, retstep=False, dtype=None, axis=0, *,
/// device=None)`, restricted to what Dojo's numpy accepts.
const NUMPY: &[(&str, Signature)] = &[
    (
        "array",
        sig(
            "array",
            &[req("object"), opt("dtype", "None"), opt("copy", "True")],
            "Create an array.",
        ),
    ),
    (
        "asarray",
        sig(
            "asarray",
            &[req("a"), opt("dtype", "None")],
            "Convert the input to an array.",
        ),
    ),
    (
        "zeros",
        sig(
            "zeros",
            &[req("shape"), opt("dtype", "None")],
            "Return a new array of given shape and type, filled with zeros.",
        ),
    ),
    (
        "ones",
        sig(
            "ones",
            &[req("shape"), opt("dtype", "None")],
            "Return a new array of given shape and type, filled with ones.",
        ),
    ),
    (
        "zeros_like",
        sig(
            "zeros_like",
            &[req("a"), opt("dtype", "None")],
            "Return an array of zeros with the same shape and type as a given array.",
        ),
    ),
    (
        "ones_like",
        sig(
            "ones_like",
            &[req("a"), opt("dtype", "None")],
            "Return an array of ones with the same shape and type as a given array.",
        ),
    ),
    (
        "full",
        sig(
            "full",
            &[req("shape"), req("fill_value"), opt("dtype", "None")],
            "Return a new array of given shape and type, filled with `fill_value`.",
        ),
    ),
    (
        "arange",
        sig(
            "arange",
            &[
                req("start"),
                opt("stop", "None"),
                opt("step", "1"),
                opt("dtype", "None"),
            ],
            "Return evenly spaced values within a given interval.",
        ),
    ),
    (
        "linspace",
        sig(
            "linspace",
            &[
                req("start"),
                req("stop"),
                opt("num", "50"),
                opt("endpoint", "True"),
                opt("dtype", "None"),
            ],
            "Return evenly spaced numbers over a specified interval.",
        ),
    ),
    (
        "reshape",
        sig(
            "reshape",
            &[req("a"), req("shape")],
            "Gives a new shape to an array without changing its data.",
        ),
    ),
    (
        "expand_dims",
        sig(
            "expand_dims",
            &[req("a"), req("axis")],
            "Expand the shape of an array.",
        ),
    ),
    (
        "squeeze",
        sig(
            "squeeze",
            &[req("a"), opt("axis", "None")],
            "Remove axes of length one from `a`.",
        ),
    ),
    (
        "transpose",
        sig(
            "transpose",
            &[req("a"), opt("axes", "None")],
            "Returns an array with axes transposed.",
        ),
    ),
    (
        "concatenate",
        sig(
            "concatenate",
            &[req("arrays"), opt("axis", "0")],
            "Join a sequence of arrays along an existing axis.",
        ),
    ),
    (
        "stack",
        sig(
            "stack",
            &[req("arrays"), opt("axis", "0")],
            "Join a sequence of arrays along a new axis.",
        ),
    ),
    (
        "mean",
        sig(
            "mean",
            &[
                req("a"),
                opt("axis", "None"),
                opt("dtype", "None"),
                opt("keepdims", "False"),
            ],
            "Compute the arithmetic mean along the specified axis.",
        ),
    ),
    (
        "sum",
        sig(
            "sum",
            &[
                req("a"),
                opt("axis", "None"),
                opt("dtype", "None"),
                opt("keepdims", "False"),
            ],
            "Sum of array elements over a given axis.",
        ),
    ),
    (
        "std",
        sig(
            "std",
            &[
                req("a"),
                opt("axis", "None"),
                opt("dtype", "None"),
                opt("ddof", "0"),
                opt("keepdims", "False"),
            ],
            "Compute the standard deviation along the specified axis.",
        ),
    ),
    (
        "max",
        sig(
            "max",
            &[req("a"), opt("axis", "None"), opt("keepdims", "False")],
            "Return the maximum of an array or maximum along an axis.",
        ),
    ),
    (
        "min",
        sig(
            "min",
            &[req("a"), opt("axis", "None"), opt("keepdims", "False")],
            "Return the minimum of an array or minimum along an axis.",
        ),
    ),
    (
        "argmax",
        sig(
            "argmax",
            &[req("a"), opt("axis", "None"), opt("keepdims", "False")],
            "Returns the indices of the maximum values along an axis.",
        ),
    ),
    (
        "argmin",
        sig(
            "argmin",
            &[req("a"), opt("axis", "None"), opt("keepdims", "False")],
            "Returns the indices of the minimum values along an axis.",
        ),
    ),
    (
        "sqrt",
        sig(
            "sqrt",
            &[req("x")],
            "Return the non-negative square-root of an array, element-wise.",
        ),
    ),
    (
        "exp",
        sig(
            "exp",
            &[req("x")],
            "Calculate the exponential of all elements in the input array.",
        ),
    ),
    (
        "log",
        sig("log", &[req("x")], "Natural logarithm, element-wise."),
    ),
    (
        "random.seed",
        sig(
            "seed",
            &[opt("seed", "None")],
            "Seed the random number generator (Dojo's own generator: numbers differ from numpy's).",
        ),
    ),
    (
        "random.rand",
        sig(
            "rand",
            &[],
            "Random values in a given shape, uniform over [0, 1): rand(d0, d1, ..., dn).",
        ),
    ),
    (
        "random.randn",
        sig(
            "randn",
            &[],
            "Samples from the standard normal distribution: randn(d0, d1, ..., dn).",
        ),
    ),
    (
        "random.random",
        sig(
            "random",
            &[opt("size", "None")],
            "Return random floats in the half-open interval [0.0, 1.0).",
        ),
    ),
    (
        "random.uniform",
        sig(
            "uniform",
            &[opt("low", "0.0"), opt("high", "1.0"), opt("size", "None")],
            "Draw samples from a uniform distribution.",
        ),
    ),
    (
        "random.normal",
        sig(
            "normal",
            &[opt("loc", "0.0"), opt("scale", "1.0"), opt("size", "None")],
            "Draw random samples from a normal (Gaussian) distribution.",
        ),
    ),
    (
        "random.randint",
        sig(
            "randint",
            &[req("low"), opt("high", "None"), opt("size", "None")],
            "Return random integers from `low` (inclusive) to `high` (exclusive).",
        ),
    ),
    (
        "random.choice",
        sig(
            "choice",
            &[
                req("a"),
                opt("size", "None"),
                opt("replace", "True"),
                opt("p", "None"),
            ],
            "Generates a random sample from a given 1-D array.",
        ),
    ),
    (
        "random.shuffle",
        sig(
            "shuffle",
            &[req("x")],
            "Modify a sequence in-place by shuffling its contents.",
        ),
    ),
    (
        "random.permutation",
        sig(
            "permutation",
            &[req("x")],
            "Randomly permute a sequence, or return a permuted range.",
        ),
    ),
];

/// A member of a Keras model (`model.fit`, `model.layers`): its signature
/// when it is a method, else `None` with a one-line description.
pub(super) struct ModelMember {
    pub name: &'static str,
    pub method: Option<Signature>,
    pub doc: &'static str,
}

/// The members of a `Sequential` or functional `Model` the editor offers
/// after a variable the file made with one (`model = tf.keras.Sequential(…)`).
///
/// Provenance: `inspect.signature(keras.Sequential.<method>)` in TF 2.21 /
/// Keras 3.15, restricted to what Dojo's model reads (`dojo_tf::keras::fit`
/// and `objects.rs`): `compile(self, optimizer='rmsprop', loss=None,
/// loss_weights=None, metrics=None, weighted_metrics=None, run_eagerly=False,
/// steps_per_execution=1, jit_compile='auto', auto_scale_loss=True)`;
/// `fit(self, x=None, y=None, batch_size=None, epochs=1, verbose='auto',
/// callbacks=None, validation_split=0.0, validation_data=None, shuffle=True,
/// class_weight=None, sample_weight=None, initial_epoch=0,
/// steps_per_epoch=None, validation_steps=None, validation_batch_size=None,
/// validation_freq=1)`; `evaluate(self, x=None, y=None, batch_size=None,
/// verbose='auto', sample_weight=None, steps=None, callbacks=None,
/// return_dict=False, **kwargs)`; `predict(self, x, batch_size=None,
/// verbose='auto', steps=None, callbacks=None)`; `save(self, filepath,
/// overwrite=True, zipped=None, **kwargs)`; `add(self, layer, rebuild=True)`.
/// A test looks every member up on a real model in the interpreter.
pub(super) const MODEL_MEMBERS: &[ModelMember] = &[
    method(sig(
        "compile",
        &[
            opt("optimizer", "'rmsprop'"),
            opt("loss", "None"),
            opt("loss_weights", "None"),
            opt("metrics", "None"),
            opt("weighted_metrics", "None"),
            opt("run_eagerly", "False"),
            opt("steps_per_execution", "1"),
            opt("jit_compile", "'auto'"),
        ],
        "Configures the model for training.",
    )),
    method(sig(
        "fit",
        &[
            opt("x", "None"),
            opt("y", "None"),
            opt("batch_size", "None"),
            opt("epochs", "1"),
            opt("verbose", "'auto'"),
            opt("callbacks", "None"),
            opt("validation_split", "0.0"),
            opt("validation_data", "None"),
            opt("shuffle", "True"),
            opt("class_weight", "None"),
            opt("sample_weight", "None"),
            opt("initial_epoch", "0"),
            opt("steps_per_epoch", "None"),
            opt("validation_steps", "None"),
            opt("validation_batch_size", "None"),
            opt("validation_freq", "1"),
        ],
        "Trains the model for a fixed number of epochs (dataset iterations).",
    )),
    method(sig(
        "evaluate",
        &[
            opt("x", "None"),
            opt("y", "None"),
            opt("batch_size", "None"),
            opt("verbose", "'auto'"),
            opt("steps", "None"),
        ],
        "Returns the loss value & metrics values for the model in test mode.",
    )),
    method(sig(
        "predict",
        &[
            req("x"),
            opt("batch_size", "None"),
            opt("verbose", "'auto'"),
            opt("steps", "None"),
        ],
        "Generates output predictions for the input samples.",
    )),
    method(sig(
        "summary",
        &[],
        "Prints a string summary of the network.",
    )),
    method(sig(
        "save",
        &[req("filepath")],
        "Saves a model as a `.keras` file.",
    )),
    method(sig(
        "save_weights",
        &[req("filepath")],
        "Saves all weights to a single file.",
    )),
    method(sig(
        "load_weights",
        &[req("filepath")],
        "Load the weights from a single file.",
    )),
    method(sig(
        "add",
        &[req("layer")],
        "Adds a layer instance on top of the layer stack.",
    )),
    method(sig("pop", &[], "Removes the last layer in the model.")),
    method(sig(
        "build",
        &[req("input_shape")],
        "Builds the model for the given input shape.",
    )),
    method(sig(
        "count_params",
        &[],
        "Count the total number of scalars composing the weights.",
    )),
    method(sig(
        "get_weights",
        &[],
        "Return the values of `layer.weights` as a list of NumPy arrays.",
    )),
    method(sig(
        "set_weights",
        &[req("weights")],
        "Sets the values of `layer.weights` from a list of NumPy arrays.",
    )),
    attribute("layers", "The model's layers, in order."),
    attribute("name", "The model's name."),
    attribute("input_shape", "The shape of the model's input, once built."),
    attribute(
        "output_shape",
        "The shape of the model's output, once built.",
    ),
    attribute("optimizer", "The optimizer `compile` set."),
    attribute("history", "The `History` of the last `fit`."),
    attribute(
        "stop_training",
        "Set to `True` in a callback to end `fit` after this batch.",
    ),
];

/// A method; its description is its signature's.
const fn method(signature: Signature) -> ModelMember {
    ModelMember {
        name: signature.name,
        doc: signature.doc,
        method: Some(signature),
    }
}

const fn attribute(name: &'static str, doc: &'static str) -> ModelMember {
    ModelMember {
        name,
        method: None,
        doc,
    }
}

/// The model member called `name`.
pub(super) fn model_member(name: &str) -> Option<&'static ModelMember> {
    MODEL_MEMBERS.iter().find(|member| member.name == name)
}
