//! `save_to_bytes` / `load_from_bytes`: one safetensors buffer holding the
//! weights (named `w00000`, `w00001`, ... in `get_weights` order) and, in its
//! metadata, the architecture as JSON (`dojo_model`).

use std::collections::HashMap;

use candle_core::Tensor;
use serde_json::{Value, json};

use crate::activations::Activation;
use crate::config::{ConfigValue, LambdaExpr};
use crate::error::{KerasError, Result};
use crate::initializers::Initializer;
use crate::layers::{self, LayerRef};
use crate::model::Model;
use crate::regularizers::Regularizer;

const FORMAT: &str = "dojo-keras/1";

fn load_err(msg: impl Into<String>) -> KerasError {
    KerasError::Load(msg.into())
}

fn expr_json(e: &LambdaExpr) -> Value {
    use LambdaExpr as L;
    let bin = |op: &str, a: &LambdaExpr, b: &LambdaExpr| json!({"op": op, "a": expr_json(a), "b": expr_json(b)});
    match e {
        L::Input => json!({"op": "input"}),
        L::Const(c) => json!({"op": "const", "value": c}),
        L::Add(a, b) => bin("add", a, b),
        L::Sub(a, b) => bin("sub", a, b),
        L::Mul(a, b) => bin("mul", a, b),
        L::Div(a, b) => bin("div", a, b),
        L::Pow(a, b) => bin("pow", a, b),
        L::Neg(a) => json!({"op": "neg", "a": expr_json(a)}),
        L::Unary(f, a) => json!({"op": "unary", "fn": f, "a": expr_json(a)}),
        L::ExpandDims(a, axis) => json!({"op": "expand_dims", "a": expr_json(a), "axis": axis}),
        L::Reshape(a, shape) => json!({"op": "reshape", "a": expr_json(a), "shape": shape}),
        L::Slice {
            expr,
            axis,
            start,
            stop,
        } => {
            json!({"op": "slice", "a": expr_json(expr), "axis": axis, "start": start, "stop": stop})
        }
        L::Take { expr, axis, index } => {
            json!({"op": "take", "a": expr_json(expr), "axis": axis, "index": index})
        }
    }
}

fn expr_from(v: &Value) -> Result<LambdaExpr> {
    use LambdaExpr as L;
    let sub = |k: &str| -> Result<Box<LambdaExpr>> {
        Ok(Box::new(expr_from(
            v.get(k).ok_or_else(|| load_err("bad lambda"))?,
        )?))
    };
    let int = |k: &str| {
        v.get(k)
            .and_then(Value::as_i64)
            .ok_or_else(|| load_err("bad lambda"))
    };
    Ok(match v.get("op").and_then(Value::as_str).unwrap_or("") {
        "input" => L::Input,
        "const" => L::Const(
            v.get("value")
                .and_then(Value::as_f64)
                .ok_or_else(|| load_err("bad lambda"))?,
        ),
        "add" => L::Add(sub("a")?, sub("b")?),
        "sub" => L::Sub(sub("a")?, sub("b")?),
        "mul" => L::Mul(sub("a")?, sub("b")?),
        "div" => L::Div(sub("a")?, sub("b")?),
        "pow" => L::Pow(sub("a")?, sub("b")?),
        "neg" => L::Neg(sub("a")?),
        "unary" => L::Unary(
            v.get("fn")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            sub("a")?,
        ),
        "expand_dims" => L::ExpandDims(sub("a")?, int("axis")?),
        "reshape" => L::Reshape(
            sub("a")?,
            v.get("shape")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_i64).collect())
                .ok_or_else(|| load_err("bad lambda"))?,
        ),
        "slice" => L::Slice {
            expr: sub("a")?,
            axis: int("axis")?,
            start: v.get("start").and_then(Value::as_i64),
            stop: v.get("stop").and_then(Value::as_i64),
        },
        "take" => L::Take {
            expr: sub("a")?,
            axis: int("axis")?,
            index: int("index")?,
        },
        other => return Err(load_err(format!("unknown lambda op '{other}'"))),
    })
}

fn init_json(i: &Initializer) -> Value {
    match i {
        Initializer::Constant(c) => json!({"initializer": "constant", "value": c}),
        Initializer::RandomUniform { minval, maxval } => {
            json!({"initializer": "random_uniform", "a": minval, "b": maxval})
        }
        Initializer::RandomNormal { mean, stddev } => {
            json!({"initializer": "random_normal", "a": mean, "b": stddev})
        }
        Initializer::TruncatedNormal { mean, stddev } => {
            json!({"initializer": "truncated_normal", "a": mean, "b": stddev})
        }
        Initializer::Orthogonal { gain } => json!({"initializer": "orthogonal", "a": gain}),
        other => json!({"initializer": other.name()}),
    }
}

fn init_from(v: &Value) -> Result<Initializer> {
    let f = |k: &str| v.get(k).and_then(Value::as_f64).unwrap_or(0.0);
    Ok(
        match v.get("initializer").and_then(Value::as_str).unwrap_or("") {
            "constant" => Initializer::Constant(f("value")),
            "random_uniform" => Initializer::RandomUniform {
                minval: f("a"),
                maxval: f("b"),
            },
            "random_normal" => Initializer::RandomNormal {
                mean: f("a"),
                stddev: f("b"),
            },
            "truncated_normal" => Initializer::TruncatedNormal {
                mean: f("a"),
                stddev: f("b"),
            },
            "orthogonal" => Initializer::Orthogonal { gain: f("a") },
            name => Initializer::from_name(name)?,
        },
    )
}

/// A config value as JSON.
pub(crate) fn to_json(v: &ConfigValue) -> Value {
    match v {
        ConfigValue::None => Value::Null,
        ConfigValue::Bool(b) => json!(b),
        ConfigValue::Int(i) => json!(i),
        ConfigValue::Float(f) => json!({"float": f}),
        ConfigValue::Str(s) => json!(s),
        ConfigValue::List(l) => json!({"list": l.iter().map(to_json).collect::<Vec<_>>()}),
        ConfigValue::Tuple(l) => json!({"tuple": l.iter().map(to_json).collect::<Vec<_>>()}),
        ConfigValue::Layer(l) => json!({"layer": layer_json(l)}),
        ConfigValue::Lambda(e) => json!({"lambda": expr_json(e)}),
        ConfigValue::Initializer(i) => init_json(i),
        ConfigValue::Regularizer(r) => json!({"regularizer": [r.l1, r.l2]}),
        ConfigValue::Activation(a) => json!({"activation": a.name()}),
        // Only an optimizer takes a schedule, and optimizers are not saved.
        ConfigValue::Schedule(_) => Value::Null,
    }
}

/// The inverse of [`to_json`].
pub(crate) fn from_json(v: &Value) -> Result<ConfigValue> {
    Ok(match v {
        Value::Null => ConfigValue::None,
        Value::Bool(b) => ConfigValue::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => ConfigValue::Int(i),
            None => ConfigValue::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => ConfigValue::Str(s.clone()),
        Value::Array(_) => return Err(load_err("unexpected array in a layer config")),
        Value::Object(o) => {
            let seq = |k: &str| -> Result<Vec<ConfigValue>> {
                o.get(k)
                    .and_then(Value::as_array)
                    .ok_or_else(|| load_err("bad list"))?
                    .iter()
                    .map(from_json)
                    .collect()
            };
            if let Some(f) = o.get("float") {
                ConfigValue::Float(f.as_f64().unwrap_or(f64::NAN))
            } else if o.contains_key("list") {
                ConfigValue::List(seq("list")?)
            } else if o.contains_key("tuple") {
                ConfigValue::Tuple(seq("tuple")?)
            } else if let Some(l) = o.get("layer") {
                ConfigValue::Layer(layer_from(l)?)
            } else if let Some(e) = o.get("lambda") {
                ConfigValue::Lambda(expr_from(e)?)
            } else if o.contains_key("initializer") {
                ConfigValue::Initializer(init_from(v)?)
            } else if let Some(r) = o.get("regularizer").and_then(Value::as_array) {
                let f = |i: usize| r.get(i).and_then(Value::as_f64).unwrap_or(0.0);
                ConfigValue::Regularizer(Regularizer { l1: f(0), l2: f(1) })
            } else if let Some(a) = o.get("activation").and_then(Value::as_str) {
                ConfigValue::Activation(Activation::from_name(a)?)
            } else {
                return Err(load_err("unknown config value"));
            }
        }
    })
}

fn config_json(config: &[(String, ConfigValue)]) -> Value {
    Value::Object(
        config
            .iter()
            .map(|(k, v)| (k.clone(), to_json(v)))
            .collect(),
    )
}

fn config_from(v: &Value) -> Result<Vec<(String, ConfigValue)>> {
    v.as_object()
        .ok_or_else(|| load_err("a layer config must be an object"))?
        .iter()
        .map(|(k, v)| Ok((k.clone(), from_json(v)?)))
        .collect()
}

fn layer_json(l: &LayerRef) -> Value {
    json!({"class_name": l.class_name(), "config": config_json(&l.config())})
}

fn layer_from(v: &Value) -> Result<LayerRef> {
    let class = v
        .get("class_name")
        .and_then(Value::as_str)
        .ok_or_else(|| load_err("missing class_name"))?;
    layers::from_config(class, config_from(v.get("config").unwrap_or(&Value::Null))?)
}

fn pack(model: &Model, spec: Option<Value>) -> Result<Vec<u8>> {
    let weights = model.get_weights()?;
    let named: Vec<(String, Tensor)> = weights
        .into_iter()
        .enumerate()
        .map(|(i, t)| (format!("w{i:05}"), t))
        .collect();
    let mut meta = HashMap::new();
    meta.insert("format".to_string(), FORMAT.to_string());
    if let Some(s) = spec {
        meta.insert("dojo_model".to_string(), s.to_string());
    }
    safetensors::serialize(named.iter().map(|(k, t)| (k.as_str(), t)), Some(meta))
        .map_err(|e| KerasError::State(format!("cannot serialise the model: {e}")))
}

fn unpack(bytes: &[u8]) -> Result<(Vec<Tensor>, Option<String>)> {
    let (_, meta) =
        safetensors::SafeTensors::read_metadata(bytes).map_err(|e| load_err(e.to_string()))?;
    let meta = meta.metadata().clone().unwrap_or_default();
    if meta.get("format").map(String::as_str) != Some(FORMAT) {
        return Err(load_err("not a Dojo model file"));
    }
    let device = crate::session::device();
    let mut tensors: Vec<(String, Tensor)> = candle_core::safetensors::load_buffer(bytes, &device)?
        .into_iter()
        .collect();
    tensors.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((
        tensors.into_iter().map(|(_, t)| t).collect(),
        meta.get("dojo_model").cloned(),
    ))
}

impl Model {
    /// The architecture, weights and compile-independent state as bytes
    /// (`model.save(path)`; the host writes the file).
    pub fn save_to_bytes(&self) -> Result<Vec<u8>> {
        if !self.built() {
            return Err(KerasError::State(
                "cannot save a model that has not been built yet".into(),
            ));
        }
        let nodes: Vec<Value> = self
            .spec()
            .iter()
            .map(|(class, config, inbound)| json!({"class_name": class, "config": config_json(config), "inbound": inbound}))
            .collect();
        let spec = json!({"name": self.name(), "sequential": self.is_sequential(), "nodes": nodes});
        pack(self, Some(spec))
    }

    /// `model.save_weights(path)`'s bytes.
    pub fn save_weights_to_bytes(&self) -> Result<Vec<u8>> {
        pack(self, None)
    }

    /// `keras.models.load_model(path)` from the bytes of [`Model::save_to_bytes`].
    /// The model comes back uncompiled.
    pub fn load_from_bytes(bytes: &[u8]) -> Result<Model> {
        let (weights, spec) = unpack(bytes)?;
        let spec: Value =
            serde_json::from_str(&spec.ok_or_else(|| load_err("the file holds weights only"))?)
                .map_err(|e| load_err(e.to_string()))?;
        let name = spec
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("model")
            .to_string();
        let sequential = spec
            .get("sequential")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let nodes = spec
            .get("nodes")
            .and_then(Value::as_array)
            .ok_or_else(|| load_err("missing nodes"))?
            .iter()
            .map(|n| {
                let class = n
                    .get("class_name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| load_err("missing class_name"))?;
                let inbound = n
                    .get("inbound")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_u64)
                            .map(|i| i as usize)
                            .collect()
                    })
                    .unwrap_or_default();
                Ok((
                    class.to_string(),
                    config_from(n.get("config").unwrap_or(&Value::Null))?,
                    inbound,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        let model = Model::from_spec(name, sequential, nodes)?;
        model.set_weights(&weights)?;
        Ok(model)
    }

    /// `model.load_weights(path)` from [`Model::save_weights_to_bytes`] or
    /// [`Model::save_to_bytes`] output.
    pub fn load_weights_from_bytes(&self, bytes: &[u8]) -> Result<()> {
        let (weights, _) = unpack(bytes)?;
        self.set_weights(&weights)
    }
}
