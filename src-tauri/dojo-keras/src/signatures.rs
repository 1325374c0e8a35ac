//! Keras's signatures of the classes Dojo provides: each class's
//! parameters with their defaults as Python source, and its one-line
//! description, for the editor's completions, signature help and hover.
//!
//! Provenance: names, order, defaults and descriptions are Keras 3's as TF
//! 2.21 ships it, from `inspect.signature(cls.__init__)` and the first line
//! of `inspect.getdoc(cls)` (`/root/tfvenv/bin/python`, `pip install
//! tensorflow-cpu==2.21.*`), restricted to the parameters Dojo's `build`
//! functions accept; `**kwargs` is left out.
//!
//! Invariant: a listed parameter is one Dojo accepts. The tests build each
//! class with each listed keyword and fail on an unexpected keyword, and
//! check that every class Dojo offers has a signature.

/// A callable's parameters and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    pub name: &'static str,
    pub params: &'static [Param],
    /// One line, Keras's own.
    pub doc: &'static str,
}

/// One parameter; `default` is Python source (`None`, `'valid'`, `(1, 1)`),
/// absent for a required parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    pub default: Option<&'static str>,
}

/// A required parameter.
pub const fn req(name: &'static str) -> Param {
    Param {
        name,
        default: None,
    }
}

/// A parameter with its default as Python source.
pub const fn opt(name: &'static str, default: &'static str) -> Param {
    Param {
        name,
        default: Some(default),
    }
}

/// The signature of `keras.layers.<name>` (an alias such as `MaxPool2D`
/// answers as its class).
pub fn layer(name: &str) -> Option<&'static Signature> {
    let canonical = crate::layers::LAYER_ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name, |(_, class)| class);
    find(LAYERS, canonical)
}

/// The signature of `keras.optimizers.<name>`.
pub fn optimizer(name: &str) -> Option<&'static Signature> {
    find(OPTIMIZERS, name)
}

/// The signature of `keras.optimizers.schedules.<name>`.
pub fn schedule(name: &str) -> Option<&'static Signature> {
    find(SCHEDULES, name)
}

/// The signature of the loss class `keras.losses.<name>`.
pub fn loss(name: &str) -> Option<&'static Signature> {
    find(LOSSES, name)
}

/// The signature of `keras.callbacks.<name>`.
pub fn callback(name: &str) -> Option<&'static Signature> {
    find(CALLBACKS, name)
}

fn find(table: &'static [Signature], name: &str) -> Option<&'static Signature> {
    table.iter().find(|signature| signature.name == name)
}

const LAYERS: &[Signature] = &[
    Signature {
        name: "InputLayer",
        params: &[
            opt("shape", "None"),
            opt("batch_size", "None"),
            opt("dtype", "None"),
            opt("sparse", "None"),
            opt("batch_shape", "None"),
            opt("optional", "False"),
            opt("name", "None"),
        ],
        doc: "The input of a model: a layer that passes its input through.",
    },
    Signature {
        name: "Dense",
        params: &[
            req("units"),
            opt("activation", "None"),
            opt("use_bias", "True"),
            opt("kernel_initializer", "'glorot_uniform'"),
            opt("bias_initializer", "'zeros'"),
            opt("kernel_regularizer", "None"),
            opt("bias_regularizer", "None"),
            opt("activity_regularizer", "None"),
            opt("kernel_constraint", "None"),
            opt("bias_constraint", "None"),
        ],
        doc: "Just your regular densely-connected NN layer.",
    },
    Signature {
        name: "Flatten",
        params: &[opt("data_format", "None")],
        doc: "Flattens the input. Does not affect the batch size.",
    },
    Signature {
        name: "Reshape",
        params: &[req("target_shape")],
        doc: "Layer that reshapes inputs into the given shape.",
    },
    Signature {
        name: "Dropout",
        params: &[req("rate"), opt("noise_shape", "None"), opt("seed", "None")],
        doc: "Applies dropout to the input.",
    },
    Signature {
        name: "SpatialDropout1D",
        params: &[
            req("rate"),
            opt("seed", "None"),
            opt("name", "None"),
            opt("dtype", "None"),
        ],
        doc: "Spatial 1D version of Dropout.",
    },
    Signature {
        name: "SpatialDropout2D",
        params: &[
            req("rate"),
            opt("data_format", "None"),
            opt("seed", "None"),
            opt("name", "None"),
            opt("dtype", "None"),
        ],
        doc: "Spatial 2D version of Dropout.",
    },
    Signature {
        name: "GaussianNoise",
        params: &[req("stddev"), opt("seed", "None")],
        doc: "Apply additive zero-centered Gaussian noise.",
    },
    Signature {
        name: "Activation",
        params: &[req("activation")],
        doc: "Applies an activation function to an output.",
    },
    Signature {
        name: "Lambda",
        params: &[
            req("function"),
            opt("output_shape", "None"),
            opt("mask", "None"),
            opt("arguments", "None"),
        ],
        doc: "Wraps arbitrary expressions as a `Layer` object.",
    },
    Signature {
        name: "Rescaling",
        params: &[req("scale"), opt("offset", "0.0")],
        doc: "A preprocessing layer which rescales input values to a new range.",
    },
    Signature {
        name: "Embedding",
        params: &[
            req("input_dim"),
            req("output_dim"),
            opt("embeddings_initializer", "'uniform'"),
            opt("embeddings_regularizer", "None"),
            opt("embeddings_constraint", "None"),
            opt("mask_zero", "False"),
            opt("weights", "None"),
            opt("lora_rank", "None"),
        ],
        doc: "Turns nonnegative integers (indexes) into dense vectors of fixed size.",
    },
    Signature {
        name: "Conv1D",
        params: &[
            req("filters"),
            req("kernel_size"),
            opt("strides", "1"),
            opt("padding", "'valid'"),
            opt("data_format", "None"),
            opt("dilation_rate", "1"),
            opt("groups", "1"),
            opt("activation", "None"),
            opt("use_bias", "True"),
            opt("kernel_initializer", "'glorot_uniform'"),
            opt("bias_initializer", "'zeros'"),
            opt("kernel_regularizer", "None"),
            opt("bias_regularizer", "None"),
            opt("activity_regularizer", "None"),
            opt("kernel_constraint", "None"),
            opt("bias_constraint", "None"),
        ],
        doc: "1D convolution layer (e.g. temporal convolution).",
    },
    Signature {
        name: "Conv2D",
        params: &[
            req("filters"),
            req("kernel_size"),
            opt("strides", "(1, 1)"),
            opt("padding", "'valid'"),
            opt("data_format", "None"),
            opt("dilation_rate", "(1, 1)"),
            opt("groups", "1"),
            opt("activation", "None"),
            opt("use_bias", "True"),
            opt("kernel_initializer", "'glorot_uniform'"),
            opt("bias_initializer", "'zeros'"),
            opt("kernel_regularizer", "None"),
            opt("bias_regularizer", "None"),
            opt("activity_regularizer", "None"),
            opt("kernel_constraint", "None"),
            opt("bias_constraint", "None"),
        ],
        doc: "2D convolution layer.",
    },
    Signature {
        name: "MaxPooling1D",
        params: &[
            opt("pool_size", "2"),
            opt("strides", "None"),
            opt("padding", "'valid'"),
            opt("data_format", "None"),
            opt("name", "None"),
        ],
        doc: "Max pooling operation for 1D temporal data.",
    },
    Signature {
        name: "MaxPooling2D",
        params: &[
            opt("pool_size", "(2, 2)"),
            opt("strides", "None"),
            opt("padding", "'valid'"),
            opt("data_format", "None"),
            opt("name", "None"),
        ],
        doc: "Max pooling operation for 2D spatial data.",
    },
    Signature {
        name: "AveragePooling1D",
        params: &[
            req("pool_size"),
            opt("strides", "None"),
            opt("padding", "'valid'"),
            opt("data_format", "None"),
            opt("name", "None"),
        ],
        doc: "Average pooling for temporal data.",
    },
    Signature {
        name: "AveragePooling2D",
        params: &[
            req("pool_size"),
            opt("strides", "None"),
            opt("padding", "'valid'"),
            opt("data_format", "None"),
            opt("name", "None"),
        ],
        doc: "Average pooling operation for 2D spatial data.",
    },
    Signature {
        name: "GlobalAveragePooling1D",
        params: &[opt("data_format", "None"), opt("keepdims", "False")],
        doc: "Global average pooling operation for temporal data.",
    },
    Signature {
        name: "GlobalAveragePooling2D",
        params: &[opt("data_format", "None"), opt("keepdims", "False")],
        doc: "Global average pooling operation for 2D data.",
    },
    Signature {
        name: "GlobalMaxPooling1D",
        params: &[opt("data_format", "None"), opt("keepdims", "False")],
        doc: "Global max pooling operation for temporal data.",
    },
    Signature {
        name: "GlobalMaxPooling2D",
        params: &[opt("data_format", "None"), opt("keepdims", "False")],
        doc: "Global max pooling operation for 2D data.",
    },
    Signature {
        name: "BatchNormalization",
        params: &[
            opt("axis", "-1"),
            opt("momentum", "0.99"),
            opt("epsilon", "0.001"),
            opt("center", "True"),
            opt("scale", "True"),
            opt("beta_initializer", "'zeros'"),
            opt("gamma_initializer", "'ones'"),
            opt("moving_mean_initializer", "'zeros'"),
            opt("moving_variance_initializer", "'ones'"),
            opt("beta_regularizer", "None"),
            opt("gamma_regularizer", "None"),
            opt("beta_constraint", "None"),
            opt("gamma_constraint", "None"),
            opt("synchronized", "False"),
        ],
        doc: "Layer that normalizes its inputs.",
    },
    Signature {
        name: "LayerNormalization",
        params: &[
            opt("axis", "-1"),
            opt("epsilon", "0.001"),
            opt("center", "True"),
            opt("scale", "True"),
            opt("beta_initializer", "'zeros'"),
            opt("gamma_initializer", "'ones'"),
            opt("beta_regularizer", "None"),
            opt("gamma_regularizer", "None"),
            opt("beta_constraint", "None"),
            opt("gamma_constraint", "None"),
        ],
        doc: "Layer normalization layer (Ba et al., 2016).",
    },
    Signature {
        name: "Normalization",
        params: &[
            opt("axis", "-1"),
            opt("mean", "None"),
            opt("variance", "None"),
            opt("invert", "False"),
        ],
        doc: "A preprocessing layer that normalizes continuous features.",
    },
    Signature {
        name: "SimpleRNN",
        params: &[
            req("units"),
            opt("activation", "'tanh'"),
            opt("use_bias", "True"),
            opt("kernel_initializer", "'glorot_uniform'"),
            opt("recurrent_initializer", "'orthogonal'"),
            opt("bias_initializer", "'zeros'"),
            opt("kernel_regularizer", "None"),
            opt("recurrent_regularizer", "None"),
            opt("bias_regularizer", "None"),
            opt("activity_regularizer", "None"),
            opt("kernel_constraint", "None"),
            opt("recurrent_constraint", "None"),
            opt("bias_constraint", "None"),
            opt("dropout", "0.0"),
            opt("recurrent_dropout", "0.0"),
            opt("return_sequences", "False"),
            opt("return_state", "False"),
            opt("go_backwards", "False"),
            opt("stateful", "False"),
            opt("unroll", "False"),
            opt("seed", "None"),
        ],
        doc: "Fully-connected RNN where the output is to be fed back as the new input.",
    },
    Signature {
        name: "LSTM",
        params: &[
            req("units"),
            opt("activation", "'tanh'"),
            opt("recurrent_activation", "'sigmoid'"),
            opt("use_bias", "True"),
            opt("kernel_initializer", "'glorot_uniform'"),
            opt("recurrent_initializer", "'orthogonal'"),
            opt("bias_initializer", "'zeros'"),
            opt("unit_forget_bias", "True"),
            opt("kernel_regularizer", "None"),
            opt("recurrent_regularizer", "None"),
            opt("bias_regularizer", "None"),
            opt("activity_regularizer", "None"),
            opt("kernel_constraint", "None"),
            opt("recurrent_constraint", "None"),
            opt("bias_constraint", "None"),
            opt("dropout", "0.0"),
            opt("recurrent_dropout", "0.0"),
            opt("seed", "None"),
            opt("return_sequences", "False"),
            opt("return_state", "False"),
            opt("go_backwards", "False"),
            opt("stateful", "False"),
            opt("unroll", "False"),
            opt("use_cudnn", "'auto'"),
        ],
        doc: "Long Short-Term Memory layer (Hochreiter 1997).",
    },
    Signature {
        name: "GRU",
        params: &[
            req("units"),
            opt("activation", "'tanh'"),
            opt("recurrent_activation", "'sigmoid'"),
            opt("use_bias", "True"),
            opt("kernel_initializer", "'glorot_uniform'"),
            opt("recurrent_initializer", "'orthogonal'"),
            opt("bias_initializer", "'zeros'"),
            opt("kernel_regularizer", "None"),
            opt("recurrent_regularizer", "None"),
            opt("bias_regularizer", "None"),
            opt("activity_regularizer", "None"),
            opt("kernel_constraint", "None"),
            opt("recurrent_constraint", "None"),
            opt("bias_constraint", "None"),
            opt("dropout", "0.0"),
            opt("recurrent_dropout", "0.0"),
            opt("seed", "None"),
            opt("return_sequences", "False"),
            opt("return_state", "False"),
            opt("go_backwards", "False"),
            opt("stateful", "False"),
            opt("unroll", "False"),
            opt("reset_after", "True"),
            opt("use_cudnn", "'auto'"),
        ],
        doc: "Gated Recurrent Unit - Cho et al. 2014.",
    },
    Signature {
        name: "Bidirectional",
        params: &[
            req("layer"),
            opt("merge_mode", "'concat'"),
            opt("weights", "None"),
            opt("backward_layer", "None"),
        ],
        doc: "Bidirectional wrapper for RNNs.",
    },
    Signature {
        name: "Concatenate",
        params: &[opt("axis", "-1")],
        doc: "Concatenates a list of inputs.",
    },
    Signature {
        name: "Add",
        params: &[],
        doc: "Performs elementwise addition operation.",
    },
    Signature {
        name: "RandomFlip",
        params: &[
            opt("mode", "'horizontal_and_vertical'"),
            opt("seed", "None"),
        ],
        doc: "A preprocessing layer which randomly flips images during training.",
    },
    Signature {
        name: "RandomContrast",
        params: &[
            req("factor"),
            opt("value_range", "(0, 255)"),
            opt("seed", "None"),
        ],
        doc: "A preprocessing layer which randomly adjusts contrast during training.",
    },
    Signature {
        name: "RandomTranslation",
        params: &[
            req("height_factor"),
            req("width_factor"),
            opt("fill_mode", "'reflect'"),
            opt("interpolation", "'bilinear'"),
            opt("seed", "None"),
            opt("fill_value", "0.0"),
            opt("data_format", "None"),
        ],
        doc: "A preprocessing layer which randomly translates images during training.",
    },
    Signature {
        name: "RandomZoom",
        params: &[
            req("height_factor"),
            opt("width_factor", "None"),
            opt("fill_mode", "'reflect'"),
            opt("interpolation", "'bilinear'"),
            opt("seed", "None"),
            opt("fill_value", "0.0"),
            opt("data_format", "None"),
        ],
        doc: "A preprocessing layer which randomly zooms images during training.",
    },
    Signature {
        name: "RandomRotation",
        params: &[
            req("factor"),
            opt("fill_mode", "'reflect'"),
            opt("interpolation", "'bilinear'"),
            opt("seed", "None"),
            opt("fill_value", "0.0"),
            opt("data_format", "None"),
        ],
        doc: "A preprocessing layer which randomly rotates images during training.",
    },
];
const OPTIMIZERS: &[Signature] = &[
    Signature {
        name: "SGD",
        params: &[
            opt("learning_rate", "0.01"),
            opt("momentum", "0.0"),
            opt("nesterov", "False"),
            opt("weight_decay", "None"),
            opt("clipnorm", "None"),
            opt("clipvalue", "None"),
            opt("global_clipnorm", "None"),
            opt("use_ema", "False"),
            opt("ema_momentum", "0.99"),
            opt("ema_overwrite_frequency", "None"),
            opt("loss_scale_factor", "None"),
            opt("gradient_accumulation_steps", "None"),
            opt("name", "None"),
        ],
        doc: "Gradient descent (with momentum) optimizer.",
    },
    Signature {
        name: "Adam",
        params: &[
            opt("learning_rate", "0.001"),
            opt("beta_1", "0.9"),
            opt("beta_2", "0.999"),
            opt("epsilon", "1e-07"),
            opt("amsgrad", "False"),
            opt("weight_decay", "None"),
            opt("clipnorm", "None"),
            opt("clipvalue", "None"),
            opt("global_clipnorm", "None"),
            opt("use_ema", "False"),
            opt("ema_momentum", "0.99"),
            opt("ema_overwrite_frequency", "None"),
            opt("loss_scale_factor", "None"),
            opt("gradient_accumulation_steps", "None"),
            opt("name", "None"),
        ],
        doc: "Optimizer that implements the Adam algorithm.",
    },
    Signature {
        name: "AdamW",
        params: &[
            opt("learning_rate", "0.001"),
            opt("weight_decay", "0.004"),
            opt("beta_1", "0.9"),
            opt("beta_2", "0.999"),
            opt("epsilon", "1e-07"),
            opt("amsgrad", "False"),
            opt("clipnorm", "None"),
            opt("clipvalue", "None"),
            opt("global_clipnorm", "None"),
            opt("use_ema", "False"),
            opt("ema_momentum", "0.99"),
            opt("ema_overwrite_frequency", "None"),
            opt("loss_scale_factor", "None"),
            opt("gradient_accumulation_steps", "None"),
            opt("name", "None"),
        ],
        doc: "Optimizer that implements the AdamW algorithm.",
    },
    Signature {
        name: "RMSprop",
        params: &[
            opt("learning_rate", "0.001"),
            opt("rho", "0.9"),
            opt("momentum", "0.0"),
            opt("epsilon", "1e-07"),
            opt("centered", "False"),
            opt("weight_decay", "None"),
            opt("clipnorm", "None"),
            opt("clipvalue", "None"),
            opt("global_clipnorm", "None"),
            opt("use_ema", "False"),
            opt("ema_momentum", "0.99"),
            opt("ema_overwrite_frequency", "None"),
            opt("loss_scale_factor", "None"),
            opt("gradient_accumulation_steps", "None"),
            opt("name", "None"),
        ],
        doc: "Optimizer that implements the RMSprop algorithm.",
    },
    Signature {
        name: "Adagrad",
        params: &[
            opt("learning_rate", "0.001"),
            opt("initial_accumulator_value", "0.1"),
            opt("epsilon", "1e-07"),
            opt("weight_decay", "None"),
            opt("clipnorm", "None"),
            opt("clipvalue", "None"),
            opt("global_clipnorm", "None"),
            opt("use_ema", "False"),
            opt("ema_momentum", "0.99"),
            opt("ema_overwrite_frequency", "None"),
            opt("loss_scale_factor", "None"),
            opt("gradient_accumulation_steps", "None"),
            opt("name", "None"),
        ],
        doc: "Optimizer that implements the Adagrad algorithm.",
    },
];
const SCHEDULES: &[Signature] = &[
    Signature {
        name: "ExponentialDecay",
        params: &[
            req("initial_learning_rate"),
            req("decay_steps"),
            req("decay_rate"),
            opt("staircase", "False"),
            opt("name", "'ExponentialDecay'"),
        ],
        doc: "A `LearningRateSchedule` that uses an exponential decay schedule.",
    },
    Signature {
        name: "InverseTimeDecay",
        params: &[
            req("initial_learning_rate"),
            req("decay_steps"),
            req("decay_rate"),
            opt("staircase", "False"),
            opt("name", "'InverseTimeDecay'"),
        ],
        doc: "A `LearningRateSchedule` that uses an inverse time decay schedule.",
    },
    Signature {
        name: "PiecewiseConstantDecay",
        params: &[
            req("boundaries"),
            req("values"),
            opt("name", "'PiecewiseConstant'"),
        ],
        doc: "A `LearningRateSchedule` that uses a piecewise constant decay schedule.",
    },
    Signature {
        name: "CosineDecay",
        params: &[
            req("initial_learning_rate"),
            req("decay_steps"),
            opt("alpha", "0.0"),
            opt("name", "'CosineDecay'"),
            opt("warmup_target", "None"),
            opt("warmup_steps", "0"),
        ],
        doc: "A `LearningRateSchedule` that uses a cosine decay with optional warmup.",
    },
];
const LOSSES: &[Signature] = &[
    Signature {
        name: "MeanSquaredError",
        params: &[
            opt("reduction", "'sum_over_batch_size'"),
            opt("name", "'mean_squared_error'"),
            opt("dtype", "None"),
        ],
        doc: "Computes the mean of squares of errors between labels and predictions.",
    },
    Signature {
        name: "MeanAbsoluteError",
        params: &[
            opt("reduction", "'sum_over_batch_size'"),
            opt("name", "'mean_absolute_error'"),
            opt("dtype", "None"),
        ],
        doc: "Computes the mean of absolute difference between labels and predictions.",
    },
    Signature {
        name: "Huber",
        params: &[
            opt("delta", "1.0"),
            opt("reduction", "'sum_over_batch_size'"),
            opt("name", "'huber_loss'"),
            opt("dtype", "None"),
        ],
        doc: "Computes the Huber loss between `y_true` & `y_pred`.",
    },
    Signature {
        name: "BinaryCrossentropy",
        params: &[
            opt("from_logits", "False"),
            opt("label_smoothing", "0.0"),
            opt("axis", "-1"),
            opt("reduction", "'sum_over_batch_size'"),
            opt("name", "'binary_crossentropy'"),
            opt("dtype", "None"),
        ],
        doc: "Computes the cross-entropy loss between true labels and predicted labels.",
    },
    Signature {
        name: "CategoricalCrossentropy",
        params: &[
            opt("from_logits", "False"),
            opt("label_smoothing", "0.0"),
            opt("axis", "-1"),
            opt("reduction", "'sum_over_batch_size'"),
            opt("name", "'categorical_crossentropy'"),
            opt("dtype", "None"),
        ],
        doc: "Computes the crossentropy loss between the labels and predictions.",
    },
    Signature {
        name: "SparseCategoricalCrossentropy",
        params: &[
            opt("from_logits", "False"),
            opt("ignore_class", "None"),
            opt("reduction", "'sum_over_batch_size'"),
            opt("axis", "-1"),
            opt("name", "'sparse_categorical_crossentropy'"),
            opt("dtype", "None"),
        ],
        doc: "Computes the crossentropy loss between the labels and predictions.",
    },
];
const CALLBACKS: &[Signature] = &[
    Signature {
        name: "EarlyStopping",
        params: &[
            opt("monitor", "'val_loss'"),
            opt("min_delta", "0"),
            opt("patience", "0"),
            opt("verbose", "0"),
            opt("mode", "'auto'"),
            opt("baseline", "None"),
            opt("restore_best_weights", "False"),
            opt("start_from_epoch", "0"),
        ],
        doc: "Stop training when a monitored metric has stopped improving.",
    },
    Signature {
        name: "ReduceLROnPlateau",
        params: &[
            opt("monitor", "'val_loss'"),
            opt("factor", "0.1"),
            opt("patience", "10"),
            opt("verbose", "0"),
            opt("mode", "'auto'"),
            opt("min_delta", "0.0001"),
            opt("cooldown", "0"),
            opt("min_lr", "0.0"),
        ],
        doc: "Reduce learning rate when a metric has stopped improving.",
    },
    Signature {
        name: "ModelCheckpoint",
        params: &[
            req("filepath"),
            opt("monitor", "'val_loss'"),
            opt("verbose", "0"),
            opt("save_best_only", "False"),
            opt("save_weights_only", "False"),
            opt("mode", "'auto'"),
            opt("save_freq", "'epoch'"),
            opt("initial_value_threshold", "None"),
        ],
        doc: "Callback to save the Keras model or model weights at some frequency.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigValue;
    use crate::error::KerasError;

    /// A `build` function with its result dropped.
    type Build = fn(&str, Vec<ConfigValue>, Vec<(String, ConfigValue)>) -> Result<(), KerasError>;

    /// Building `class` with `keyword=None` does not fail as an unexpected
    /// keyword (any other error, a missing `units`, is fine here).
    fn accepts(build: Build, class: &str, keyword: &str) -> bool {
        !matches!(
            build(class, vec![], vec![(keyword.to_owned(), ConfigValue::None)]),
            Err(KerasError::UnexpectedKeyword { .. })
        )
    }

    fn rejected(table: &[Signature], build: Build) -> Vec<String> {
        table
            .iter()
            .flat_map(|signature| {
                signature
                    .params
                    .iter()
                    .filter(|param| !accepts(build, signature.name, param.name))
                    .map(|param| format!("{}.{}", signature.name, param.name))
            })
            .collect()
    }

    #[test]
    fn every_listed_parameter_is_accepted() {
        let mut wrong = rejected(LAYERS, |c, p, k| crate::layers::build(c, p, k).map(|_| ()));
        wrong.extend(rejected(OPTIMIZERS, |c, p, k| {
            crate::optimizers::build(c, p, k).map(|_| ())
        }));
        wrong.extend(rejected(SCHEDULES, |c, p, k| {
            crate::optimizers::build_schedule(c, p, k).map(|_| ())
        }));
        wrong.extend(rejected(LOSSES, |c, p, k| {
            crate::losses::build(c, p, k).map(|_| ())
        }));
        wrong.extend(rejected(CALLBACKS, |c, p, k| {
            crate::callbacks::build(c, p, k).map(|_| ())
        }));
        assert!(wrong.is_empty(), "not accepted by Dojo: {wrong:?}");
    }

    #[test]
    fn every_class_dojo_offers_has_a_signature() {
        let missing: Vec<&str> = crate::layers::LAYER_NAMES
            .iter()
            .chain(crate::optimizers::SCHEDULE_NAMES)
            .chain(crate::callbacks::CALLBACK_NAMES)
            .chain(["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"].iter())
            .chain(
                crate::losses::LOSS_NAMES
                    .iter()
                    .filter(|name| name.starts_with(char::is_uppercase) && **name != "Huber")
                    .chain(["Huber"].iter()),
            )
            .copied()
            .filter(|name| {
                layer(name)
                    .or_else(|| optimizer(name))
                    .or_else(|| schedule(name))
                    .or_else(|| loss(name))
                    .or_else(|| callback(name))
                    .is_none()
            })
            .collect();
        assert!(missing.is_empty(), "no signature: {missing:?}");
    }
}
