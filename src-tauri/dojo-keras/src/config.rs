//! Generic constructor arguments, so a host (the Python binding) can forward
//! a call like `Dense(10, activation="relu")` unchanged, and the parser that
//! checks them against a signature with Python's error messages.

use crate::activations::Activation;
use crate::error::{KerasError, Result, did_you_mean};
use crate::initializers::Initializer;
use crate::layers::LayerRef;
use crate::regularizers::Regularizer;

/// One argument value, as the host passes it.
#[derive(Clone, Debug)]
pub enum ConfigValue {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<ConfigValue>),
    Tuple(Vec<ConfigValue>),
    /// A layer object (the argument of `Bidirectional`).
    Layer(LayerRef),
    /// A traced Python lambda (the argument of `Lambda`).
    Lambda(LambdaExpr),
    Initializer(Initializer),
    Regularizer(Regularizer),
    Activation(Activation),
    /// A learning-rate schedule (an optimizer's `learning_rate`).
    Schedule(crate::optimizers::Schedule),
}

impl ConfigValue {
    /// Python's spelling of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::None => "NoneType",
            Self::Bool(_) => "bool",
            Self::Int(_) => "int",
            Self::Float(_) => "float",
            Self::Str(_) => "str",
            Self::List(_) => "list",
            Self::Tuple(_) => "tuple",
            Self::Layer(_) => "Layer",
            Self::Lambda(_) => "function",
            Self::Initializer(_) => "Initializer",
            Self::Regularizer(_) => "Regularizer",
            Self::Activation(_) => "function",
            Self::Schedule(_) => "LearningRateSchedule",
        }
    }

    /// The elements of a list or tuple.
    pub fn as_seq(&self) -> Option<&[ConfigValue]> {
        match self {
            Self::List(v) | Self::Tuple(v) => Some(v),
            _ => None,
        }
    }
}

/// A traced element-wise expression of a `Lambda` layer's input `x`.
#[derive(Clone, Debug, PartialEq)]
pub enum LambdaExpr {
    Input,
    Const(f64),
    Add(Box<LambdaExpr>, Box<LambdaExpr>),
    Sub(Box<LambdaExpr>, Box<LambdaExpr>),
    Mul(Box<LambdaExpr>, Box<LambdaExpr>),
    Div(Box<LambdaExpr>, Box<LambdaExpr>),
    Pow(Box<LambdaExpr>, Box<LambdaExpr>),
    Neg(Box<LambdaExpr>),
    /// `tf.math.<name>(e)`: one of abs, exp, log, sqrt, square, tanh,
    /// sigmoid, relu.
    Unary(String, Box<LambdaExpr>),
    /// `tf.expand_dims(e, axis)`; a negative axis counts from the end of the
    /// result, as in TensorFlow.
    ExpandDims(Box<LambdaExpr>, i64),
    /// `tf.reshape(e, shape)`; the shape includes the batch axis and may
    /// hold one -1.
    Reshape(Box<LambdaExpr>, Vec<i64>),
    /// `e[..., start:stop, ...]` on one axis (batch axis is 0).
    Slice {
        expr: Box<LambdaExpr>,
        axis: i64,
        start: Option<i64>,
        stop: Option<i64>,
    },
    /// `e[..., index, ...]`: selects one index on an axis, dropping it.
    Take {
        expr: Box<LambdaExpr>,
        axis: i64,
        index: i64,
    },
}

/// Arguments matched against a signature: positional then keyword, with
/// Python's errors for unknown, duplicate and surplus arguments.
pub(crate) struct Args {
    func: String,
    params: Vec<&'static str>,
    values: Vec<Option<ConfigValue>>,
}

/// Keywords every layer accepts (Keras's base `Layer` keywords).
pub(crate) const BASE_LAYER_KEYWORDS: &[&str] = &[
    "name",
    "trainable",
    "dtype",
    "input_shape",
    "batch_input_shape",
    "batch_size",
    "input_dim",
    "input_length",
];

impl Args {
    /// Matches `positional` and `keywords` to `params` (in positional order);
    /// `keyword_only` names are accepted as keywords only.
    pub(crate) fn parse(
        func: &str,
        own: &[&'static str],
        keyword_only: &[&'static str],
        positional: Vec<ConfigValue>,
        keywords: Vec<(String, ConfigValue)>,
    ) -> Result<Self> {
        let params: Vec<&'static str> = own.iter().chain(keyword_only).copied().collect();
        let mut values: Vec<Option<ConfigValue>> = vec![None; params.len()];
        if positional.len() > own.len() {
            return Err(KerasError::Argument(format!(
                "{func}() takes at most {} positional arguments but {} were given",
                own.len(),
                positional.len()
            )));
        }
        for (i, v) in positional.into_iter().enumerate() {
            values[i] = Some(v);
        }
        for (k, v) in keywords {
            let Some(i) = params.iter().position(|p| *p == k) else {
                return Err(KerasError::UnexpectedKeyword {
                    function: func.to_owned(),
                    suggestion: did_you_mean(&k, &params).map(str::to_owned),
                    keyword: k,
                });
            };
            if values[i].is_some() {
                return Err(KerasError::Argument(format!(
                    "{func}() got multiple values for argument '{k}'"
                )));
            }
            values[i] = Some(v);
        }
        Ok(Self {
            func: func.to_string(),
            params,
            values,
        })
    }

    /// The function name used in messages.
    pub(crate) fn func(&self) -> &str {
        &self.func
    }

    /// The value of `name`, treating an explicit `None` as absent.
    pub(crate) fn take(&mut self, name: &str) -> Option<ConfigValue> {
        let i = self.params.iter().position(|p| *p == name)?;
        match self.values[i].take() {
            Some(ConfigValue::None) | None => None,
            Some(v) => Some(v),
        }
    }

    pub(crate) fn type_error<T>(&self, name: &str, want: &str, got: &ConfigValue) -> Result<T> {
        Err(KerasError::Argument(format!(
            "{}(): argument '{name}' must be {want}, got {} {}",
            self.func,
            got.type_name(),
            describe(got)
        )))
    }

    pub(crate) fn required<T>(&self, name: &str) -> Result<T> {
        Err(KerasError::Argument(format!(
            "{}() missing required argument: '{name}'",
            self.func
        )))
    }

    pub(crate) fn opt_i64(&mut self, name: &str) -> Result<Option<i64>> {
        match self.take(name) {
            None => Ok(None),
            Some(ConfigValue::Int(i)) => Ok(Some(i)),
            Some(ConfigValue::Float(f)) if f.fract() == 0.0 => Ok(Some(f as i64)),
            Some(v) => self.type_error(name, "an int", &v),
        }
    }

    pub(crate) fn opt_usize(&mut self, name: &str) -> Result<Option<usize>> {
        match self.opt_i64(name)? {
            None => Ok(None),
            Some(i) if i > 0 => Ok(Some(i as usize)),
            Some(i) => Err(KerasError::Argument(format!(
                "{}(): argument '{name}' must be a positive int, got {i}",
                self.func
            ))),
        }
    }

    pub(crate) fn usize_req(&mut self, name: &str) -> Result<usize> {
        match self.opt_usize(name)? {
            Some(v) => Ok(v),
            None => self.required(name),
        }
    }

    pub(crate) fn opt_f64(&mut self, name: &str) -> Result<Option<f64>> {
        match self.take(name) {
            None => Ok(None),
            Some(ConfigValue::Int(i)) => Ok(Some(i as f64)),
            Some(ConfigValue::Float(f)) => Ok(Some(f)),
            Some(v) => self.type_error(name, "a number", &v),
        }
    }

    pub(crate) fn f64_or(&mut self, name: &str, default: f64) -> Result<f64> {
        Ok(self.opt_f64(name)?.unwrap_or(default))
    }

    pub(crate) fn bool_or(&mut self, name: &str, default: bool) -> Result<bool> {
        match self.take(name) {
            None => Ok(default),
            Some(ConfigValue::Bool(b)) => Ok(b),
            Some(ConfigValue::Int(i)) => Ok(i != 0),
            Some(v) => self.type_error(name, "a bool", &v),
        }
    }

    pub(crate) fn opt_str(&mut self, name: &str) -> Result<Option<String>> {
        match self.take(name) {
            None => Ok(None),
            Some(ConfigValue::Str(s)) => Ok(Some(s)),
            Some(v) => self.type_error(name, "a str", &v),
        }
    }

    /// A string restricted to `choices` (compared case-insensitively, the
    /// result lower-cased).
    pub(crate) fn choice(&mut self, name: &str, default: &str, choices: &[&str]) -> Result<String> {
        let s = self.opt_str(name)?.unwrap_or_else(|| default.to_string());
        let lower = s.to_ascii_lowercase();
        if choices.contains(&lower.as_str()) {
            Ok(lower)
        } else {
            Err(KerasError::Argument(format!(
                "{}(): invalid value for '{name}': '{s}'; expected one of {}",
                self.func,
                choices
                    .iter()
                    .map(|c| format!("'{c}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    }

    /// An int or a tuple/list of `n` ints (Keras's `kernel_size=3` or
    /// `(3, 3)`).
    pub(crate) fn ints_or(
        &mut self,
        name: &str,
        n: usize,
        default: Option<usize>,
    ) -> Result<Vec<usize>> {
        let Some(v) = self.take(name) else {
            return match default {
                Some(d) => Ok(vec![d; n]),
                None => self.required(name),
            };
        };
        let as_pos = |v: &ConfigValue| match v {
            ConfigValue::Int(i) if *i > 0 => Some(*i as usize),
            _ => None,
        };
        if let Some(i) = as_pos(&v) {
            return Ok(vec![i; n]);
        }
        if let Some(seq) = v.as_seq()
            && seq.len() == n
        {
            let ints: Option<Vec<usize>> = seq.iter().map(as_pos).collect();
            if let Some(ints) = ints {
                return Ok(ints);
            }
        }
        self.type_error(
            name,
            &format!("a positive int or a tuple of {n} positive ints"),
            &v,
        )
    }

    /// A shape tuple without the batch axis; `None` entries are unknown
    /// sizes.
    pub(crate) fn opt_shape(&mut self, name: &str) -> Result<Option<Vec<Option<usize>>>> {
        match self.take(name) {
            None => Ok(None),
            Some(ConfigValue::Int(i)) if i > 0 => Ok(Some(vec![Some(i as usize)])),
            Some(v) => match v
                .as_seq()
                .map(|s| s.iter().map(shape_dim).collect::<Option<Vec<_>>>())
            {
                Some(Some(dims)) => Ok(Some(dims)),
                _ => self.type_error(name, "a shape tuple of positive ints or None", &v),
            },
        }
    }

    pub(crate) fn activation(&mut self, name: &str) -> Result<Activation> {
        match self.take(name) {
            None => Ok(Activation::Linear),
            Some(ConfigValue::Str(s)) => Activation::from_name(&s),
            Some(ConfigValue::Activation(a)) => Ok(a),
            Some(v) => self.type_error(name, "an activation name", &v),
        }
    }

    pub(crate) fn initializer(&mut self, name: &str, default: Initializer) -> Result<Initializer> {
        match self.take(name) {
            None => Ok(default),
            Some(ConfigValue::Str(s)) => Initializer::from_name(&s),
            Some(ConfigValue::Initializer(i)) => Ok(i),
            Some(v) => self.type_error(name, "an initializer", &v),
        }
    }

    pub(crate) fn regularizer(&mut self, name: &str) -> Result<Option<Regularizer>> {
        match self.take(name) {
            None => Ok(None),
            Some(ConfigValue::Str(s)) => Regularizer::from_name(&s).map(Some),
            Some(ConfigValue::Regularizer(r)) => Ok(Some(r)),
            Some(v) => self.type_error(name, "a regularizer", &v),
        }
    }
}

fn shape_dim(v: &ConfigValue) -> Option<Option<usize>> {
    match v {
        ConfigValue::None => Some(None),
        ConfigValue::Int(i) if *i > 0 => Some(Some(*i as usize)),
        _ => None,
    }
}

fn describe(v: &ConfigValue) -> String {
    match v {
        ConfigValue::Str(s) => format!("'{s}'"),
        ConfigValue::Int(i) => i.to_string(),
        ConfigValue::Float(f) => f.to_string(),
        ConfigValue::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        _ => String::new(),
    }
}

/// Converts a shape to a `ConfigValue` tuple (for configs).
pub(crate) fn shape_value(dims: &[Option<usize>]) -> ConfigValue {
    ConfigValue::Tuple(
        dims.iter()
            .map(|d| d.map_or(ConfigValue::None, |d| ConfigValue::Int(d as i64)))
            .collect(),
    )
}

/// Converts ints to a `ConfigValue` tuple.
pub(crate) fn ints_value(v: &[usize]) -> ConfigValue {
    ConfigValue::Tuple(v.iter().map(|d| ConfigValue::Int(*d as i64)).collect())
}

impl Args {
    /// Whether `name` was not passed at all (an explicit None counts as
    /// passed).
    pub(crate) fn absent(&self, name: &str) -> bool {
        self.params
            .iter()
            .position(|p| *p == name)
            .is_none_or(|i| self.values[i].is_none())
    }

    /// Whether `name` is absent or None (without consuming it).
    pub(crate) fn take_peek_none(&self, name: &str) -> bool {
        self.params
            .iter()
            .position(|p| *p == name)
            .is_none_or(|i| matches!(self.values[i], None | Some(ConfigValue::None)))
    }
}
