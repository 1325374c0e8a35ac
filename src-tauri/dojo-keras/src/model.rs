//! Models: `Sequential` and the functional API (`Input` → symbolic tensors
//! → `Model(inputs, outputs)`), with Keras's `summary`, weights and
//! (de)serialisation. Training lives in [`crate::training`].

use std::collections::HashMap;
use std::rc::Rc;

use candle_core::{DType, Tensor};

use crate::config::ConfigValue;
use crate::error::{KerasError, Result};
use crate::layers::{self, Dims, LayerRef, format_dims};
use crate::session;
use crate::training::Compiled;

/// The output of calling layers on `Input`s: a shape plus the graph that
/// produced it.
#[derive(Clone, Debug)]
pub struct SymbolicTensor {
    /// The shape, batch axis first.
    pub shape: Dims,
    node: Rc<SymNode>,
}

#[derive(Debug)]
struct SymNode {
    layer: LayerRef,
    inputs: Vec<SymbolicTensor>,
}

/// `keras.Input(shape, batch_size=None, name=None)`: the symbolic tensor of
/// a new `InputLayer`.
pub fn input(shape: Vec<Option<usize>>, name: Option<String>) -> Result<SymbolicTensor> {
    let mut kw = vec![("shape".to_string(), crate::config::shape_value(&shape))];
    if let Some(n) = name {
        kw.push(("name".to_string(), ConfigValue::Str(n)));
    }
    let layer = layers::build("InputLayer", Vec::new(), kw)?;
    SymbolicTensor::from_input_layer(&layer)
}

impl SymbolicTensor {
    /// The symbolic tensor of an `InputLayer`.
    pub fn from_input_layer(layer: &LayerRef) -> Result<Self> {
        match layer.input_hint().filter(|_| layer.is_input_layer()) {
            Some(shape) => Ok(Self {
                shape,
                node: Rc::new(SymNode {
                    layer: layer.clone(),
                    inputs: Vec::new(),
                }),
            }),
            None => Err(KerasError::Argument(format!(
                "{} is not an InputLayer",
                layer.name()
            ))),
        }
    }

    /// The layer that produced this tensor.
    pub fn layer(&self) -> LayerRef {
        self.node.layer.clone()
    }
}

/// `layer(inputs)` on symbolic tensors: checks shapes, builds the layer and
/// records the call in the graph.
pub fn call_symbolic(layer: &LayerRef, inputs: &[SymbolicTensor]) -> Result<SymbolicTensor> {
    let shapes: Vec<Dims> = inputs.iter().map(|t| t.shape.clone()).collect();
    let shape = layer.compute_output_shape(&shapes)?;
    layer.ensure_built(&shapes)?;
    Ok(SymbolicTensor {
        shape,
        node: Rc::new(SymNode {
            layer: layer.clone(),
            inputs: inputs.to_vec(),
        }),
    })
}

/// One node of a saved architecture: class name, config, inbound node
/// indices.
pub(crate) type NodeSpec = (String, Vec<(String, ConfigValue)>, Vec<usize>);

/// One summary row: name, class, output shape, params, inbound layer names.
pub(crate) type SummaryRow = (String, &'static str, String, String, Vec<String>);

/// One layer call in a built model; `inputs` index earlier nodes.
#[derive(Clone)]
struct Node {
    layer: LayerRef,
    inputs: Vec<usize>,
    shape: Dims,
}

/// A model: `Sequential` or functional.
pub struct Model {
    name: String,
    sequential: bool,
    /// Sequential only: the user's layers, in order.
    seq_layers: Vec<LayerRef>,
    /// Sequential only: the input layer once the input shape is known.
    seq_input: Option<LayerRef>,
    /// Topologically ordered layer calls; node 0 is the input. Empty while a
    /// Sequential model's input shape is unknown.
    nodes: Vec<Node>,
    pub(crate) compiled: Option<Compiled>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<Model name={}>", self.name)
    }
}

impl Model {
    /// `keras.Sequential(layers, name=None)`.
    pub fn sequential(layers: Vec<LayerRef>, name: Option<String>) -> Result<Self> {
        let mut m = Self {
            name: name.unwrap_or_else(|| session::unique_name("sequential")),
            sequential: true,
            seq_layers: Vec::new(),
            seq_input: None,
            nodes: Vec::new(),
            compiled: None,
        };
        for l in layers {
            m.add_inner(l, false)?;
        }
        if m.seq_input.is_some() && !m.seq_layers.is_empty() {
            m.build_sequential()?;
        }
        Ok(m)
    }

    /// `model.add(layer)`. An `InputLayer` (from `keras.Input`) sets the input
    /// shape; it must come first.
    pub fn add(&mut self, layer: LayerRef) -> Result<()> {
        self.add_inner(layer, true)
    }

    fn add_inner(&mut self, layer: LayerRef, rebuild: bool) -> Result<()> {
        if !self.sequential {
            return Err(KerasError::State(
                "add() is only available on Sequential models".into(),
            ));
        }
        if layer.is_input_layer() {
            if !self.seq_layers.is_empty() || self.seq_input.is_some() {
                return Err(KerasError::Argument(
                    "an Input can only be the first element of a Sequential model".into(),
                ));
            }
            self.seq_input = Some(layer);
            return Ok(());
        }
        if self.seq_layers.iter().any(|l| l.ptr_eq(&layer)) {
            return Err(KerasError::Argument(format!(
                "the layer {} is already in the model; create a new layer instead of adding it twice",
                layer.name()
            )));
        }
        if self.seq_layers.is_empty()
            && self.seq_input.is_none()
            && let Some(hint) = layer.input_hint()
        {
            self.seq_input = Some(input_layer_for(hint)?);
        }
        self.seq_layers.push(layer);
        if rebuild && self.seq_input.is_some() {
            // Build eagerly so shape errors surface at `add`, as in Keras.
            if let Err(e) = self.build_sequential() {
                self.seq_layers.pop();
                return Err(e);
            }
        }
        Ok(())
    }

    /// `model.pop()`.
    pub fn pop(&mut self) -> Result<LayerRef> {
        let l = self
            .seq_layers
            .pop()
            .ok_or_else(|| KerasError::State("There are no layers in the model.".into()))?;
        if self.seq_input.is_some() {
            self.build_sequential()?;
        }
        Ok(l)
    }

    /// `Model(inputs, outputs, name=None)` over one input and one output.
    pub fn functional(
        inputs: &[SymbolicTensor],
        outputs: &[SymbolicTensor],
        name: Option<String>,
    ) -> Result<Self> {
        let ([input], [output]) = (inputs, outputs) else {
            return Err(KerasError::Argument(format!(
                "Dojo's functional models take exactly one input and one output (got {} inputs and {} outputs)",
                inputs.len(),
                outputs.len()
            )));
        };
        let mut nodes = Vec::new();
        let mut index: HashMap<*const SymNode, usize> = HashMap::new();
        visit(output, &mut nodes, &mut index)?;
        let Some(&input_index) = index.get(&Rc::as_ptr(&input.node)) else {
            return Err(KerasError::Argument(
                "the model's output is not connected to its input".into(),
            ));
        };
        if input_index != 0 || nodes.iter().filter(|n: &&Node| n.inputs.is_empty()).count() != 1 {
            return Err(KerasError::Argument(
                "the model's output depends on an Input that is not among the model's inputs"
                    .into(),
            ));
        }
        let name = name.unwrap_or_else(|| session::unique_name("functional"));
        let model = Self {
            name,
            sequential: false,
            seq_layers: Vec::new(),
            seq_input: None,
            nodes,
            compiled: None,
        };
        model.check_size()?;
        Ok(model)
    }

    /// The whole model against the parameter limit, whenever it is built
    /// or grows: each weight is checked as it is made, the sum here.
    fn check_size(&self) -> Result<()> {
        let total = self.layers().iter().try_fold(0usize, |total, layer| {
            total.checked_add(layer.count_params())
        });
        session::check_params(total, "this model")
    }

    /// Asks the host's memory budget for a batch of `batch` examples
    /// through every layer (forward values, and for training their
    /// gradients and a working copy): a Conv2D whose activations need
    /// gigabytes is refused before candle allocates them.
    fn ensure_room_for(&self, batch: usize, dtype: DType, training: bool) -> Result<()> {
        let per_example = self.nodes.iter().try_fold(0u128, |total, node| {
            let elements = node.shape.iter().skip(1).try_fold(1u128, |size, dim| {
                size.checked_mul(dim.unwrap_or(1) as u128)
            })?;
            total.checked_add(elements)
        });
        let copies: u128 = if training { 3 } else { 1 };
        let bytes = per_example
            .and_then(|n| n.checked_mul(batch as u128))
            .and_then(|n| n.checked_mul(dtype.size_in_bytes() as u128 * copies))
            .unwrap_or(u128::MAX);
        session::ensure_room(
            bytes,
            &format!("a batch of {batch} through {}'s layers", self.name),
        )
    }

    fn build_sequential(&mut self) -> Result<()> {
        let Some(input) = &self.seq_input else {
            return Ok(());
        };
        if self.seq_layers.is_empty() {
            self.nodes.clear();
            return Ok(());
        }
        // Keras 3 builds a Sequential through an inner Functional model,
        // which takes a `functional` name each time.
        session::unique_name("functional");
        let shape = input.input_hint().unwrap_or_default();
        let mut nodes = vec![Node {
            layer: input.clone(),
            inputs: Vec::new(),
            shape: shape.clone(),
        }];
        let mut cur = shape;
        for (i, l) in self.seq_layers.iter().enumerate() {
            let out = l.compute_output_shape(std::slice::from_ref(&cur))?;
            l.ensure_built(std::slice::from_ref(&cur))?;
            nodes.push(Node {
                layer: l.clone(),
                inputs: vec![i],
                shape: out.clone(),
            });
            cur = out;
        }
        self.nodes = nodes;
        self.check_size()
    }

    /// Builds a Sequential model whose input shape was unknown from data of
    /// shape `x_dims` (first call of fit/predict, as Keras does).
    pub fn build(&mut self, input_shape: Dims) -> Result<()> {
        if !self.nodes.is_empty() {
            return Ok(());
        }
        if self.seq_layers.is_empty() {
            return Err(KerasError::State("the model has no layers".into()));
        }
        self.seq_input = Some(input_layer_for(input_shape)?);
        self.build_sequential()
    }

    /// Whether the model knows its input shape (and so has weights).
    pub fn built(&self) -> bool {
        !self.nodes.is_empty()
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn is_sequential(&self) -> bool {
        self.sequential
    }

    /// `model.layers`: a Sequential's layers; a functional model's layers
    /// including its `InputLayer`.
    pub fn layers(&self) -> Vec<LayerRef> {
        if self.sequential {
            self.seq_layers.clone()
        } else {
            self.nodes.iter().map(|n| n.layer.clone()).collect()
        }
    }

    /// The input shape, batch axis first, once known.
    pub fn input_shape(&self) -> Option<Dims> {
        self.nodes.first().map(|n| n.shape.clone())
    }

    /// The output shape, once known.
    pub fn output_shape(&self) -> Option<Dims> {
        self.nodes.last().map(|n| n.shape.clone())
    }

    /// Every weight, in Keras's `model.weights` order.
    pub fn weights(&self) -> Vec<layers::Weight> {
        self.layers().iter().flat_map(|l| l.weights()).collect()
    }

    /// Variables the optimizer updates (frozen layers excluded).
    pub(crate) fn trainable_vars(&self) -> Vec<candle_core::Var> {
        self.layers()
            .iter()
            .flat_map(|l| l.trainable_vars())
            .collect()
    }

    /// `model.count_params()`.
    pub fn count_params(&self) -> Result<usize> {
        self.require_built("count_params")?;
        Ok(self.layers().iter().map(|l| l.count_params()).sum())
    }

    /// `model.get_weights()`.
    pub fn get_weights(&self) -> Result<Vec<Tensor>> {
        let mut out = Vec::new();
        for l in self.layers() {
            out.extend(l.get_weights()?);
        }
        Ok(out)
    }

    /// `model.set_weights(list)`, in `get_weights` order.
    pub fn set_weights(&self, values: &[Tensor]) -> Result<()> {
        let total: usize = self.layers().iter().map(|l| l.weights().len()).sum();
        if total != values.len() {
            return Err(KerasError::Argument(format!(
                "You called `set_weights(weights)` on model {} with a weight list of length {}, but the model expects {total} weights",
                self.name,
                values.len()
            )));
        }
        let mut rest = values;
        for l in self.layers() {
            let n = l.weights().len();
            l.set_weights(&rest[..n])?;
            rest = &rest[n..];
        }
        Ok(())
    }

    /// `model.trainable = flag` (every layer).
    pub fn set_trainable(&self, flag: bool) {
        for l in self.layers() {
            l.set_trainable(flag);
        }
    }

    fn require_built(&self, what: &str) -> Result<()> {
        if self.built() {
            Ok(())
        } else {
            Err(KerasError::State(format!(
                "You tried to call `{what}` on {}, but the model has not been built yet. Build it by calling `build(input_shape)`, by giving the first layer an `input_shape`, or by starting the model with `Input(shape)`.",
                self.name
            )))
        }
    }

    /// The forward pass on a batch `x`.
    pub fn forward(&self, x: &Tensor, training: bool) -> Result<Tensor> {
        Ok(self.forward_with_logits(x, training, false)?.0)
    }

    /// The forward pass, and with `want_logits` the output's values before
    /// its final sigmoid or softmax where the output layer ends with one
    /// (what the losses read: [`crate::losses::Loss::compute_with_logits`]).
    pub fn forward_with_logits(
        &self,
        x: &Tensor,
        training: bool,
        want_logits: bool,
    ) -> Result<(Tensor, Option<crate::losses::Logits>)> {
        self.require_built("the model")?;
        let want = &self.nodes[0].shape;
        // Like Keras's `Functional._adjust_input_rank`: a missing trailing
        // axis of size 1 is added (`fit(xs)` with `xs` of shape (n,) and
        // `input_shape=[1]`), an extra one is dropped.
        let adjusted = if x.rank() + 1 == want.len() && want.last() == Some(&Some(1)) {
            Some(x.unsqueeze(x.rank())?)
        } else if x.rank() == want.len() + 1 && x.dims().last() == Some(&1) {
            Some(x.squeeze(x.rank() - 1)?)
        } else {
            None
        };
        let x = adjusted.as_ref().unwrap_or(x);
        let got = x.dims();
        let ok = want.len() == got.len()
            && want
                .iter()
                .zip(got)
                .skip(1)
                .all(|(w, g)| w.is_none_or(|w| w == *g));
        if !ok {
            return Err(KerasError::InputShape {
                model: self.name.clone(),
                expected: want.clone(),
                found: got.to_vec(),
            });
        }
        let dtype = self
            .weights()
            .first()
            .map(|w| w.var.dtype())
            .unwrap_or_else(session::floatx);
        self.ensure_room_for(got.first().copied().unwrap_or(1), dtype, training)?;
        let mut values: Vec<Tensor> = Vec::with_capacity(self.nodes.len());
        values.push(if x.dtype() == dtype {
            x.clone()
        } else {
            x.to_dtype(dtype)?
        });
        let mut uses = vec![0usize; self.nodes.len()];
        for &i in self.nodes.iter().flat_map(|n| &n.inputs) {
            uses[i] += 1;
        }
        let mut pooled: Option<Tensor> = None;
        for (index, n) in self.nodes.iter().enumerate().skip(1) {
            if let Some(pooled) = pooled.take() {
                values.push(pooled);
                continue;
            }
            let ins: Vec<Tensor> = n.inputs.iter().map(|i| values[*i].clone()).collect();
            if let Some(out) = self.fused_with_max_pool(index, &uses, &ins) {
                let out = out?;
                // Stands in for the layer's own output, which only the
                // pooling layer (computed with it) reads.
                values.push(out.clone());
                pooled = Some(out);
                continue;
            }
            if want_logits
                && index + 1 == self.nodes.len()
                && let Some(logits) = n.layer.call_logits(&ins, training)
            {
                let logits = logits?;
                return Ok((logits.output()?, Some(logits)));
            }
            values.push(n.layer.call(&ins, training)?);
        }
        let output = values
            .pop()
            .ok_or_else(|| KerasError::State("empty model".into()))?;
        Ok((output, None))
    }

    /// Node `index` and the `MaxPooling2D` after it as one kernel (a
    /// `Conv2D` with a pointwise activation on the CPU: the full-size
    /// convolution output is never stored), when that pooling is the only
    /// reader of the node's output and both are built; `None` otherwise.
    fn fused_with_max_pool(
        &self,
        index: usize,
        uses: &[usize],
        inputs: &[Tensor],
    ) -> Option<Result<Tensor>> {
        let next = self.nodes.get(index + 1)?;
        if uses[index] != 1 || next.inputs != [index] || !next.layer.built() {
            return None;
        }
        let pool = next.layer.max_pool_2d()?;
        self.nodes[index].layer.call_max_pooled(inputs, pool)
    }

    /// Sum of the layers' weight penalties (kernel_regularizer, ...).
    pub(crate) fn regularization(&self) -> Result<Option<Tensor>> {
        let mut total: Option<Tensor> = None;
        for l in self.layers() {
            if let Some(p) = l.regularization()? {
                total = Some(match total {
                    Some(t) => (t + p)?,
                    None => p,
                });
            }
        }
        Ok(total)
    }

    /// Keras's `model.summary()` text (non-terminal width, as printed to a
    /// notebook or a log).
    pub fn summary(&self) -> Result<String> {
        crate::summary::render(self)
    }

    /// Rows for the summary: (name, class, output shape, params, inbound
    /// layer names); and whether the graph is a chain.
    pub(crate) fn summary_rows(&self) -> (Vec<SummaryRow>, bool) {
        if self.nodes.is_empty() {
            let rows = self
                .seq_layers
                .iter()
                .map(|l| {
                    // Keras marks only layers with a `build` (the classes
                    // that create weights) as unbuilt.
                    let params = if WEIGHTED_CLASSES.contains(&l.class_name()) {
                        "0 (unbuilt)"
                    } else {
                        "0"
                    };
                    (
                        l.name(),
                        l.class_name(),
                        "?".to_string(),
                        params.to_string(),
                        Vec::new(),
                    )
                })
                .collect();
            return (rows, true);
        }
        let mut consumers = vec![0usize; self.nodes.len()];
        for n in &self.nodes {
            for i in &n.inputs {
                consumers[*i] += 1;
            }
        }
        let chain =
            self.nodes.iter().all(|n| n.inputs.len() <= 1) && consumers.iter().all(|c| *c <= 1);
        let skip = usize::from(self.sequential);
        let rows = self.nodes[skip..]
            .iter()
            .map(|n| {
                (
                    n.layer.name(),
                    n.layer.class_name(),
                    format_dims(&n.shape),
                    group_thousands(n.layer.count_params()),
                    n.inputs
                        .iter()
                        .map(|i| self.nodes[*i].layer.name())
                        .collect(),
                )
            })
            .collect();
        (rows, chain)
    }

    /// (trainable, non-trainable) parameter counts.
    pub fn param_counts(&self) -> (usize, usize) {
        self.layers().iter().fold((0, 0), |acc, l| {
            let (t, n) = l.param_counts();
            (acc.0 + t, acc.1 + n)
        })
    }

    /// The architecture as (class name, config, inbound node indices) per
    /// node, node 0 being the input.
    pub(crate) fn spec(&self) -> Vec<NodeSpec> {
        self.nodes
            .iter()
            .map(|n| {
                (
                    n.layer.class_name().to_string(),
                    n.layer.config(),
                    n.inputs.clone(),
                )
            })
            .collect()
    }

    /// Rebuilds a model from [`Model::spec`] output.
    pub(crate) fn from_spec(name: String, sequential: bool, spec: Vec<NodeSpec>) -> Result<Self> {
        let mut tensors: Vec<SymbolicTensor> = Vec::new();
        let mut built: Vec<LayerRef> = Vec::new();
        for (class, config, inbound) in spec {
            let layer = layers::from_config(&class, config)?;
            if inbound.is_empty() {
                tensors.push(SymbolicTensor::from_input_layer(&layer)?);
            } else {
                let ins: Vec<SymbolicTensor> = inbound
                    .iter()
                    .map(|i| {
                        tensors
                            .get(*i)
                            .cloned()
                            .ok_or_else(|| KerasError::Load(format!("bad node index {i}")))
                    })
                    .collect::<Result<_>>()?;
                tensors.push(call_symbolic(&layer, &ins)?);
            }
            built.push(layer);
        }
        let (Some(first), Some(last)) = (tensors.first(), tensors.last()) else {
            return Err(KerasError::Load("the saved model has no layers".into()));
        };
        if sequential {
            let mut m = Self::sequential(Vec::new(), Some(name))?;
            for l in built {
                m.add(l)?;
            }
            Ok(m)
        } else {
            Self::functional(
                std::slice::from_ref(first),
                std::slice::from_ref(last),
                Some(name),
            )
        }
    }

    /// Whether `compile` has been called.
    pub fn is_compiled(&self) -> bool {
        self.compiled.is_some()
    }
}

/// Layer classes that create weights when built.
const WEIGHTED_CLASSES: &[&str] = &[
    "Dense",
    "Conv1D",
    "Conv2D",
    "Embedding",
    "BatchNormalization",
    "LayerNormalization",
    "Normalization",
    "SimpleRNN",
    "LSTM",
    "GRU",
    "Bidirectional",
];

fn input_layer_for(shape: Dims) -> Result<LayerRef> {
    layers::build(
        "InputLayer",
        Vec::new(),
        vec![(
            "batch_shape".to_string(),
            crate::config::shape_value(&shape),
        )],
    )
}

/// Post-order DFS so every node follows its inputs.
fn visit(
    t: &SymbolicTensor,
    nodes: &mut Vec<Node>,
    index: &mut HashMap<*const SymNode, usize>,
) -> Result<usize> {
    let key = Rc::as_ptr(&t.node);
    if let Some(i) = index.get(&key) {
        return Ok(*i);
    }
    let mut inputs = Vec::new();
    for i in &t.node.inputs {
        inputs.push(visit(i, nodes, index)?);
    }
    nodes.push(Node {
        layer: t.node.layer.clone(),
        inputs,
        shape: t.shape.clone(),
    });
    index.insert(key, nodes.len() - 1);
    Ok(nodes.len() - 1)
}

/// `1234567` → `1,234,567`.
pub(crate) fn group_thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
