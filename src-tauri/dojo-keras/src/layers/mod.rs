//! Layers: construction by class name from generic arguments, weights,
//! shape inference and the forward pass.
//!
//! A [`LayerRef`] is a shared handle (Python layers are objects shared by
//! reference). Shapes ([`Dims`]) include the batch axis first; `None` is an
//! unknown size.

mod augment;
mod backend;
mod conv;
mod core;
mod merge;
mod norm;
mod rnn;

use std::cell::RefCell;
use std::rc::Rc;

use candle_core::{Tensor, Var};

use crate::config::{Args, BASE_LAYER_KEYWORDS, ConfigValue, shape_value};
use crate::error::{KerasError, Result, not_available};
use crate::initializers::Initializer;
use crate::regularizers::Regularizer;
use crate::session;

/// A shape with the batch axis first; `None` marks an unknown size.
pub type Dims = Vec<Option<usize>>;

/// Formats a shape as Keras does: `(None, 28, 28)`, `(None, 10)`.
pub fn format_dims(d: &[Option<usize>]) -> String {
    let parts: Vec<String> = d
        .iter()
        .map(|x| x.map_or_else(|| "None".to_string(), |v| v.to_string()))
        .collect();
    if parts.len() == 1 {
        format!("({},)", parts[0])
    } else {
        format!("({})", parts.join(", "))
    }
}

/// One weight variable of a layer.
#[derive(Clone, Debug)]
pub struct Weight {
    /// Keras's weight name: `kernel`, `bias`, `moving_mean`, ...
    pub name: String,
    pub var: Var,
    /// Whether the optimizer updates it (false for moving statistics).
    pub trainable: bool,
    pub regularizer: Option<Regularizer>,
}

/// Collects the weights a layer creates while it builds.
pub(crate) struct WeightBuilder<'a> {
    weights: &'a mut Vec<Weight>,
}

impl WeightBuilder<'_> {
    pub(crate) fn add(
        &mut self,
        name: &str,
        shape: &[usize],
        init: &Initializer,
        trainable: bool,
        regularizer: Option<Regularizer>,
    ) -> Result<()> {
        let count = shape
            .iter()
            .try_fold(1usize, |total, &size| total.checked_mul(size));
        let total = count.and_then(|count| {
            self.weights
                .iter()
                .map(|weight| weight.var.elem_count())
                .try_fold(count, |total, n| total.checked_add(n))
        });
        crate::session::check_params(total, &format!("this layer's weight '{name}'"))?;
        let bytes =
            count.unwrap_or(usize::MAX) as u128 * crate::session::floatx().size_in_bytes() as u128;
        crate::session::ensure_room(
            bytes,
            &format!("the layer weight '{name}' (shape {shape:?})"),
        )?;
        let var = Var::from_tensor(&init.tensor(shape)?)?;
        self.weights.push(Weight {
            name: name.to_string(),
            var,
            trainable,
            regularizer,
        });
        Ok(())
    }
}

/// The behaviour of one layer class.
pub(crate) trait LayerKind {
    /// Keras's class name, e.g. `Dense`.
    fn class_name(&self) -> &'static str;
    /// Creates the weights for the given input shapes.
    fn build(&mut self, _inputs: &[Dims], _wb: &mut WeightBuilder) -> Result<()> {
        Ok(())
    }
    /// The output shape for the given input shapes.
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims>;
    /// The forward pass; `weights` are the layer's, in creation order.
    fn call(&self, inputs: &[Tensor], weights: &[Weight], training: bool) -> Result<Tensor>;
    /// Constructor keywords that rebuild this layer (without the base ones).
    fn config(&self) -> Vec<(String, ConfigValue)>;
    /// `Normalization.adapt`: computes statistics from data.
    fn adapt(&mut self, _data: &Tensor, _weights: &[Weight]) -> Result<()> {
        Err(KerasError::State(format!(
            "{} has no adapt() method",
            self.class_name()
        )))
    }
    /// For `InputLayer`: its shape, which makes a model buildable.
    fn input_shape(&self) -> Option<Dims> {
        None
    }
    /// The output before this layer's final sigmoid or softmax, and that
    /// activation, where it ends with one: Keras caches it on the output as
    /// `_keras_logits`, and the crossentropy losses compute from it
    /// ([`crate::losses::Loss::compute_with_logits`]).
    fn call_logits(
        &self,
        _inputs: &[Tensor],
        _weights: &[Weight],
        _training: bool,
    ) -> Option<Result<crate::losses::Logits>> {
        None
    }
    /// For `MaxPooling2D`: its pool size, strides and padding, which the
    /// layer before it may fold into its own kernel.
    fn max_pool_2d(&self) -> Option<PoolSpec> {
        None
    }
    /// This layer's output max-pooled by `pool`, in one kernel, where the
    /// layer has one (`Conv2D` with a pointwise activation, on the CPU).
    fn call_max_pooled(
        &self,
        _inputs: &[Tensor],
        _weights: &[Weight],
        _pool: PoolSpec,
    ) -> Option<Result<Tensor>> {
        None
    }
}

/// A two-dimensional max pooling: pool size, strides, padding.
pub(crate) type PoolSpec = ((usize, usize), (usize, usize), backend::Padding);

/// A layer object.
pub struct Layer {
    name: String,
    trainable: bool,
    weights: Vec<Weight>,
    built: bool,
    /// `input_shape=` given at construction, batch axis included.
    input_hint: Option<Dims>,
    kind: Box<dyn LayerKind>,
}

/// A shared handle to a layer.
#[derive(Clone)]
pub struct LayerRef(Rc<RefCell<Layer>>);

impl std::fmt::Debug for LayerRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{} name={}>", self.class_name(), self.name())
    }
}

impl LayerRef {
    pub(crate) fn new(name: String, kind: Box<dyn LayerKind>, input_hint: Option<Dims>) -> Self {
        Self(Rc::new(RefCell::new(Layer {
            name,
            trainable: true,
            weights: Vec::new(),
            built: false,
            input_hint,
            kind,
        })))
    }

    pub fn name(&self) -> String {
        self.0.borrow().name.clone()
    }

    pub fn class_name(&self) -> &'static str {
        self.0.borrow().kind.class_name()
    }

    pub fn trainable(&self) -> bool {
        self.0.borrow().trainable
    }

    /// `layer.trainable = flag`: a frozen layer's weights count as
    /// non-trainable and are not updated.
    pub fn set_trainable(&self, flag: bool) {
        self.0.borrow_mut().trainable = flag;
    }

    pub fn built(&self) -> bool {
        self.0.borrow().built
    }

    /// See [`LayerKind::max_pool_2d`].
    pub(crate) fn max_pool_2d(&self) -> Option<PoolSpec> {
        self.0.borrow().kind.max_pool_2d()
    }

    /// [`LayerKind::call_max_pooled`] on a built layer; `None` when the
    /// layer is unbuilt or has no such kernel.
    pub(crate) fn call_max_pooled(
        &self,
        inputs: &[Tensor],
        pool: PoolSpec,
    ) -> Option<Result<Tensor>> {
        let l = self.0.borrow();
        if !l.built {
            return None;
        }
        l.kind.call_max_pooled(inputs, &l.weights, pool)
    }

    /// Whether both handles are the same layer object.
    pub fn ptr_eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// `input_shape=` (or an `InputLayer`'s shape), batch axis included.
    pub fn input_hint(&self) -> Option<Dims> {
        let l = self.0.borrow();
        l.kind.input_shape().or_else(|| l.input_hint.clone())
    }

    pub(crate) fn is_input_layer(&self) -> bool {
        self.0.borrow().kind.input_shape().is_some()
    }

    /// The layer's weights (Keras order), trainable or not.
    pub fn weights(&self) -> Vec<Weight> {
        self.0.borrow().weights.clone()
    }

    /// Trainable variables: none when the layer is frozen.
    pub(crate) fn trainable_vars(&self) -> Vec<Var> {
        let l = self.0.borrow();
        if !l.trainable {
            return Vec::new();
        }
        l.weights
            .iter()
            .filter(|w| w.trainable)
            .map(|w| w.var.clone())
            .collect()
    }

    /// (trainable, non-trainable) parameter counts.
    pub fn param_counts(&self) -> (usize, usize) {
        let l = self.0.borrow();
        let mut counts = (0, 0);
        for w in &l.weights {
            let n = w.var.elem_count();
            if w.trainable && l.trainable {
                counts.0 += n;
            } else {
                counts.1 += n;
            }
        }
        counts
    }

    /// `layer.count_params()`.
    pub fn count_params(&self) -> usize {
        let (t, n) = self.param_counts();
        t + n
    }

    /// `layer.get_weights()`: copies of the weight tensors.
    pub fn get_weights(&self) -> Result<Vec<Tensor>> {
        let l = self.0.borrow();
        Ok(l.weights
            .iter()
            .map(|w| w.var.as_tensor().copy())
            .collect::<candle_core::Result<Vec<_>>>()?)
    }

    /// `layer.set_weights(list)`: shapes must match exactly.
    pub fn set_weights(&self, values: &[Tensor]) -> Result<()> {
        let l = self.0.borrow();
        if values.len() != l.weights.len() {
            return Err(KerasError::Argument(format!(
                "Layer {} expects {} weights, but the provided list has {} elements",
                l.name,
                l.weights.len(),
                values.len()
            )));
        }
        for (w, v) in l.weights.iter().zip(values) {
            if w.var.dims() != v.dims() {
                return Err(KerasError::Shape(format!(
                    "Layer {} weight '{}' has shape {:?}, but the provided value has shape {:?}",
                    l.name,
                    w.name,
                    w.var.dims(),
                    v.dims()
                )));
            }
            let v = v.to_dtype(w.var.dtype())?.to_device(w.var.device())?;
            w.var.set(&v)?;
        }
        Ok(())
    }

    /// Builds the layer for `inputs` shapes if it is not built yet.
    pub fn ensure_built(&self, inputs: &[Dims]) -> Result<()> {
        let mut l = self.0.borrow_mut();
        if l.built {
            return Ok(());
        }
        let layer = &mut *l;
        let mut wb = WeightBuilder {
            weights: &mut layer.weights,
        };
        layer.kind.build(inputs, &mut wb)?;
        layer.built = true;
        Ok(())
    }

    /// The output shape for `inputs` shapes, with the layer's name in errors.
    pub fn compute_output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        let l = self.0.borrow();
        // A wrapper's (`Bidirectional`'s) error names the wrapped layer too.
        l.kind.output_shape(inputs).map_err(|e| match e {
            KerasError::Shape(_) | KerasError::InputRank { .. } | KerasError::LayerCall { .. } => {
                KerasError::LayerCall {
                    class_name: l.kind.class_name().to_owned(),
                    layer: l.name.clone(),
                    source: Box::new(e),
                }
            }
            other => other,
        })
    }

    /// Calls the layer on concrete tensors, building it on first use.
    pub fn call(&self, inputs: &[Tensor], training: bool) -> Result<Tensor> {
        if !self.built() {
            let shapes: Vec<Dims> = inputs
                .iter()
                .map(|t| {
                    let mut d: Dims = t.dims().iter().map(|&x| Some(x)).collect();
                    if let Some(b) = d.first_mut() {
                        *b = None;
                    }
                    d
                })
                .collect();
            self.compute_output_shape(&shapes)?;
            self.ensure_built(&shapes)?;
        }
        let l = self.0.borrow();
        l.kind.call(inputs, &l.weights, training)
    }

    /// [`LayerKind::call_logits`] of a built layer.
    pub(crate) fn call_logits(
        &self,
        inputs: &[Tensor],
        training: bool,
    ) -> Option<Result<crate::losses::Logits>> {
        let l = self.0.borrow();
        if !l.built {
            return None;
        }
        l.kind.call_logits(inputs, &l.weights, training)
    }

    /// `Normalization.adapt(data)`.
    pub fn adapt(&self, data: &Tensor) -> Result<()> {
        if !self.built() {
            let mut d: Dims = data.dims().iter().map(|&x| Some(x)).collect();
            d[0] = None;
            self.ensure_built(&[d])?;
        }
        let mut l = self.0.borrow_mut();
        let layer = &mut *l;
        layer.kind.adapt(data, &layer.weights)
    }

    /// The constructor keywords that rebuild this layer (`get_config`).
    pub fn config(&self) -> Vec<(String, ConfigValue)> {
        let l = self.0.borrow();
        let mut c = vec![
            ("name".to_string(), ConfigValue::Str(l.name.clone())),
            ("trainable".to_string(), ConfigValue::Bool(l.trainable)),
        ];
        if let Some(h) = &l.input_hint
            && l.kind.input_shape().is_none()
        {
            c.push(("batch_input_shape".to_string(), shape_value(h)));
        }
        c.extend(l.kind.config());
        c
    }

    /// The weight penalty of the layer's regularizers.
    pub(crate) fn regularization(&self) -> Result<Option<Tensor>> {
        let l = self.0.borrow();
        let mut total: Option<Tensor> = None;
        for w in &l.weights {
            if let Some(r) = &w.regularizer {
                let p = r.penalty(w.var.as_tensor())?;
                total = Some(match total {
                    Some(t) => (t + p)?,
                    None => p,
                });
            }
        }
        Ok(total)
    }
}

/// Python-style snake case of a class name, as Keras's `to_snake_case`:
/// `Conv2D` → `conv2d`, `SimpleRNN` → `simple_rnn`.
pub fn snake_case(name: &str) -> String {
    let c: Vec<char> = name.chars().collect();
    // Pass 1: (.)([A-Z][a-z0-9]+) → \1_\2
    let mut first = String::new();
    for i in 0..c.len() {
        if i > 0
            && c[i].is_ascii_uppercase()
            && c.get(i + 1)
                .is_some_and(|n| n.is_ascii_lowercase() || n.is_ascii_digit())
            && !first.ends_with('_')
        {
            first.push('_');
        }
        first.push(c[i]);
    }
    // Pass 2: ([a-z])([A-Z]) → \1_\2
    let f: Vec<char> = first.chars().collect();
    let mut out = String::new();
    for i in 0..f.len() {
        if i > 0 && f[i].is_ascii_uppercase() && f[i - 1].is_ascii_lowercase() {
            out.push('_');
        }
        out.push(f[i]);
    }
    out.to_ascii_lowercase()
}

type Ctor = fn(&mut Args) -> Result<Box<dyn LayerKind>>;

struct LayerSpec {
    name: &'static str,
    params: &'static [&'static str],
    ctor: Ctor,
}

macro_rules! spec {
    ($name:literal, $module:ident :: $ty:ident) => {
        LayerSpec {
            name: $name,
            params: $module::$ty::PARAMS,
            ctor: $module::$ty::from_args,
        }
    };
}

const SPECS: &[LayerSpec] = &[
    spec!("InputLayer", core::InputLayer),
    spec!("Dense", core::Dense),
    spec!("Flatten", core::Flatten),
    spec!("Reshape", core::Reshape),
    spec!("Dropout", core::Dropout),
    spec!("SpatialDropout1D", core::SpatialDropout1D),
    spec!("SpatialDropout2D", core::SpatialDropout2D),
    spec!("GaussianNoise", core::GaussianNoise),
    spec!("Activation", core::ActivationLayer),
    spec!("Lambda", core::Lambda),
    spec!("Rescaling", core::Rescaling),
    spec!("Embedding", core::Embedding),
    spec!("Conv1D", conv::Conv1D),
    spec!("Conv2D", conv::Conv2D),
    spec!("MaxPooling1D", conv::MaxPooling1D),
    spec!("MaxPooling2D", conv::MaxPooling2D),
    spec!("AveragePooling1D", conv::AveragePooling1D),
    spec!("AveragePooling2D", conv::AveragePooling2D),
    spec!("GlobalAveragePooling1D", conv::GlobalAveragePooling1D),
    spec!("GlobalAveragePooling2D", conv::GlobalAveragePooling2D),
    spec!("GlobalMaxPooling1D", conv::GlobalMaxPooling1D),
    spec!("GlobalMaxPooling2D", conv::GlobalMaxPooling2D),
    spec!("BatchNormalization", norm::BatchNormalization),
    spec!("LayerNormalization", norm::LayerNormalization),
    spec!("Normalization", norm::Normalization),
    spec!("SimpleRNN", rnn::SimpleRNN),
    spec!("LSTM", rnn::Lstm),
    spec!("GRU", rnn::Gru),
    spec!("Bidirectional", rnn::Bidirectional),
    spec!("Concatenate", merge::Concatenate),
    spec!("Add", merge::AddLayer),
    spec!("RandomFlip", augment::RandomFlip),
    spec!("RandomContrast", augment::RandomContrast),
    spec!("RandomTranslation", augment::RandomTranslation),
    spec!("RandomZoom", augment::RandomZoom),
    spec!("RandomRotation", augment::RandomRotation),
];

/// Every layer class `build` accepts (plus the aliases in [`LAYER_ALIASES`]).
pub const LAYER_NAMES: &[&str] = &[
    "InputLayer",
    "Dense",
    "Flatten",
    "Reshape",
    "Dropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "GaussianNoise",
    "Activation",
    "Lambda",
    "Rescaling",
    "Embedding",
    "Conv1D",
    "Conv2D",
    "MaxPooling1D",
    "MaxPooling2D",
    "AveragePooling1D",
    "AveragePooling2D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "BatchNormalization",
    "LayerNormalization",
    "Normalization",
    "SimpleRNN",
    "LSTM",
    "GRU",
    "Bidirectional",
    "Concatenate",
    "Add",
    "RandomFlip",
    "RandomContrast",
    "RandomTranslation",
    "RandomZoom",
    "RandomRotation",
];

/// Keras's alternative spellings: `MaxPool2D` for `MaxPooling2D`, ...
pub const LAYER_ALIASES: &[(&str, &str)] = &[
    ("Input", "InputLayer"),
    ("MaxPool1D", "MaxPooling1D"),
    ("MaxPool2D", "MaxPooling2D"),
    ("AvgPool1D", "AveragePooling1D"),
    ("AvgPool2D", "AveragePooling2D"),
    ("GlobalAvgPool1D", "GlobalAveragePooling1D"),
    ("GlobalAvgPool2D", "GlobalAveragePooling2D"),
    ("GlobalMaxPool1D", "GlobalMaxPooling1D"),
    ("GlobalMaxPool2D", "GlobalMaxPooling2D"),
    ("Convolution1D", "Conv1D"),
    ("Convolution2D", "Conv2D"),
];

/// `keras.layers.<class_name>(*positional, **keywords)`.
///
/// `Input(shape)` builds an `InputLayer`; to get a symbolic tensor for the
/// functional API use [`crate::model::input`].
pub fn build(
    class_name: &str,
    positional: Vec<ConfigValue>,
    keywords: Vec<(String, ConfigValue)>,
) -> Result<LayerRef> {
    let canonical = LAYER_ALIASES
        .iter()
        .find(|(alias, _)| *alias == class_name)
        .map_or(class_name, |(_, c)| c);
    let Some(spec) = SPECS.iter().find(|s| s.name == canonical) else {
        return Err(not_available("layers", class_name, LAYER_NAMES));
    };
    let mut args = Args::parse(
        class_name,
        spec.params,
        BASE_LAYER_KEYWORDS,
        positional,
        keywords,
    )?;
    let kind = (spec.ctor)(&mut args)?;
    finish(kind, &mut args)
}

/// Applies the base-layer keywords (name, trainable, input shape).
fn finish(kind: Box<dyn LayerKind>, args: &mut Args) -> Result<LayerRef> {
    let name = match args.opt_str("name")? {
        Some(n) => n,
        None => session::unique_name(&snake_case(kind.class_name())),
    };
    let trainable = args.bool_or("trainable", true)?;
    let mut hint = args.opt_shape("input_shape")?.map(|s| {
        let mut d = vec![None];
        d.extend(s);
        d
    });
    if let Some(b) = args.opt_shape("batch_input_shape")? {
        hint = Some(b);
    }
    if let Some(n) = args.opt_usize("input_dim")? {
        hint = Some(vec![None, Some(n)]);
    }
    let layer = LayerRef::new(name, kind, hint);
    layer.set_trainable(trainable);
    Ok(layer)
}

/// Builds a layer from a saved `(class_name, config)`.
pub(crate) fn from_config(
    class_name: &str,
    config: Vec<(String, ConfigValue)>,
) -> Result<LayerRef> {
    build(class_name, Vec::new(), config)
}

/// Helpers shared by the layer modules.
pub(crate) mod util {
    use super::Dims;
    use crate::error::{KerasError, Result, shape_err};

    /// The single input shape of a one-input layer.
    pub(crate) fn one(inputs: &[Dims]) -> Result<&Dims> {
        match inputs {
            [d] => Ok(d),
            _ => shape_err(format!("expected 1 input, got {}", inputs.len())),
        }
    }

    /// The last axis size, which must be known.
    pub(crate) fn last_known(d: &Dims, what: &str) -> Result<usize> {
        match d.last() {
            Some(Some(n)) => Ok(*n),
            _ => shape_err(format!(
                "the last axis of the input to {what} must be known, got {}",
                super::format_dims(d)
            )),
        }
    }

    /// Requires rank `r` (batch axis included).
    pub(crate) fn rank(d: &Dims, r: usize, what: &str) -> Result<()> {
        if d.len() == r {
            Ok(())
        } else {
            Err(KerasError::InputRank {
                layer: what.to_owned(),
                expected: r,
                received: d.clone(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_matches_keras() {
        assert_eq!(snake_case("Conv2D"), "conv2d");
        assert_eq!(snake_case("SimpleRNN"), "simple_rnn");
        assert_eq!(
            snake_case("GlobalAveragePooling1D"),
            "global_average_pooling1d"
        );
        assert_eq!(snake_case("BatchNormalization"), "batch_normalization");
        assert_eq!(snake_case("InputLayer"), "input_layer");
        assert_eq!(snake_case("LSTM"), "lstm");
        assert_eq!(snake_case("MaxPooling2D"), "max_pooling2d");
    }

    #[test]
    fn spec_table_and_names_agree() {
        let names: Vec<&str> = SPECS.iter().map(|s| s.name).collect();
        assert_eq!(names, LAYER_NAMES);
    }
}
