//! Recurrent layers with Keras 3's weight layouts: SimpleRNN, LSTM (gates
//! i, f, c, o), GRU (gates z, r, h; `reset_after=True`), and Bidirectional.

use candle_core::Tensor;

use super::core::matmul_last;
use super::util::{last_known, one, rank};
use super::{Dims, LayerKind, LayerRef, Weight, WeightBuilder};
use crate::activations::Activation;
use crate::config::{Args, ConfigValue};
use crate::error::{KerasError, Result, arg_err};
use crate::initializers::Initializer;
use crate::regularizers::Regularizer;

fn kv(k: &str, v: ConfigValue) -> (String, ConfigValue) {
    (k.to_string(), v)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cell {
    Simple,
    Lstm,
    Gru,
}

/// A recurrent layer; `gates` blocks of `units` columns per weight.
pub(crate) struct Rnn {
    cell: Cell,
    units: usize,
    activation: Activation,
    recurrent_activation: Activation,
    use_bias: bool,
    kernel_initializer: Initializer,
    recurrent_initializer: Initializer,
    bias_initializer: Initializer,
    unit_forget_bias: bool,
    kernel_regularizer: Option<Regularizer>,
    recurrent_regularizer: Option<Regularizer>,
    bias_regularizer: Option<Regularizer>,
    return_sequences: bool,
    go_backwards: bool,
    reset_after: bool,
}

pub(crate) struct SimpleRNN;
pub(crate) struct Lstm;
pub(crate) struct Gru;

const RNN_PARAMS: &[&str] = &[
    "units",
    "activation",
    "recurrent_activation",
    "use_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "unit_forget_bias",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
    "seed",
    "return_sequences",
    "return_state",
    "go_backwards",
    "stateful",
    "unroll",
    "reset_after",
    "use_cudnn",
];

impl Rnn {
    fn from_args(a: &mut Args, cell: Cell) -> Result<Box<dyn LayerKind>> {
        for unsupported in ["return_state", "stateful"] {
            if a.bool_or(unsupported, false)? {
                return arg_err(format!(
                    "{}(): {unsupported}=True is not supported in Dojo",
                    a.func()
                ));
            }
        }
        let has_dropout =
            a.f64_or("dropout", 0.0)? != 0.0 || a.f64_or("recurrent_dropout", 0.0)? != 0.0;
        if has_dropout {
            return arg_err(format!(
                "{}(): dropout/recurrent_dropout inside recurrent layers is not supported in Dojo; add a Dropout layer after it",
                a.func()
            ));
        }
        let units = a.usize_req("units")?;
        // `activation=None` means linear, as in Keras; absent means tanh.
        let activation = if a.absent("activation") {
            Activation::Tanh
        } else {
            a.activation("activation")?
        };
        let recurrent_activation = if a.absent("recurrent_activation") {
            Activation::Sigmoid
        } else {
            a.activation("recurrent_activation")?
        };
        Ok(Box::new(Self {
            cell,
            units,
            activation,
            recurrent_activation,
            use_bias: a.bool_or("use_bias", true)?,
            kernel_initializer: a.initializer("kernel_initializer", Initializer::GlorotUniform)?,
            recurrent_initializer: a.initializer(
                "recurrent_initializer",
                Initializer::Orthogonal { gain: 1.0 },
            )?,
            bias_initializer: a.initializer("bias_initializer", Initializer::Zeros)?,
            unit_forget_bias: a.bool_or("unit_forget_bias", true)?,
            kernel_regularizer: a.regularizer("kernel_regularizer")?,
            recurrent_regularizer: a.regularizer("recurrent_regularizer")?,
            bias_regularizer: a.regularizer("bias_regularizer")?,
            return_sequences: a.bool_or("return_sequences", false)?,
            go_backwards: a.bool_or("go_backwards", false)?,
            reset_after: a.bool_or("reset_after", true)?,
        }))
    }

    fn gates(&self) -> usize {
        match self.cell {
            Cell::Simple => 1,
            Cell::Lstm => 4,
            Cell::Gru => 3,
        }
    }

    /// Whether this is an LSTM with Keras's default activations, which
    /// [`crate::ops::lstm_sequence`] runs as one node, projection included.
    fn is_standard_lstm(&self) -> bool {
        self.cell == Cell::Lstm
            && self.activation == Activation::Tanh
            && self.recurrent_activation == Activation::Sigmoid
    }

    /// Runs one step; returns the new (h, c).
    fn step(
        &self,
        xt: &Tensor,
        h: &Tensor,
        c: &Tensor,
        w: &[Weight],
    ) -> candle_core::Result<(Tensor, Tensor)> {
        let u = self.units;
        let rk = w[1].var.as_tensor();
        let act = |t: &Tensor| self.activation.apply(t).map_err(to_candle);
        let ract = |t: &Tensor| self.recurrent_activation.apply(t).map_err(to_candle);
        match self.cell {
            Cell::Simple => {
                let h = act(&(xt + h.matmul(rk)?)?)?;
                Ok((h, c.clone()))
            }
            Cell::Lstm => {
                let z = (xt + h.matmul(rk)?)?;
                let i = ract(&z.narrow(1, 0, u)?)?;
                let f = ract(&z.narrow(1, u, u)?)?;
                let g = act(&z.narrow(1, 2 * u, u)?)?;
                let o = ract(&z.narrow(1, 3 * u, u)?)?;
                let c = ((f * c)? + (i * g)?)?;
                let h = (o * act(&c)?)?;
                Ok((h, c))
            }
            Cell::Gru => {
                let mut rec = h.matmul(rk)?;
                if self.use_bias && self.reset_after {
                    rec = rec.broadcast_add(&w[2].var.as_tensor().get(1)?)?;
                }
                let z = ract(&(xt.narrow(1, 0, u)? + rec.narrow(1, 0, u)?)?)?;
                let r = ract(&(xt.narrow(1, u, u)? + rec.narrow(1, u, u)?)?)?;
                let hh = if self.reset_after {
                    act(&(xt.narrow(1, 2 * u, u)? + (&r * rec.narrow(1, 2 * u, u)?)?)?)?
                } else {
                    let rh = (&r * h)?.matmul(&rk.narrow(1, 2 * u, u)?)?;
                    act(&(xt.narrow(1, 2 * u, u)? + rh)?)?
                };
                let h = ((&z * h)? + ((z.ones_like()? - &z)? * hh)?)?;
                Ok((h, c.clone()))
            }
        }
    }
}

fn to_candle(e: KerasError) -> candle_core::Error {
    candle_core::Error::Msg(e.to_string())
}

macro_rules! rnn_ctor {
    ($ty:ident, $cell:expr) => {
        impl $ty {
            pub(crate) const PARAMS: &'static [&'static str] = RNN_PARAMS;
            pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
                Rnn::from_args(a, $cell)
            }
        }
    };
}
rnn_ctor!(SimpleRNN, Cell::Simple);
rnn_ctor!(Lstm, Cell::Lstm);
rnn_ctor!(Gru, Cell::Gru);

impl LayerKind for Rnn {
    fn class_name(&self) -> &'static str {
        match self.cell {
            Cell::Simple => "SimpleRNN",
            Cell::Lstm => "LSTM",
            Cell::Gru => "GRU",
        }
    }
    fn build(&mut self, inputs: &[Dims], wb: &mut WeightBuilder) -> Result<()> {
        let n = last_known(one(inputs)?, self.class_name())?;
        let g = self.gates() * self.units;
        wb.add(
            "kernel",
            &[n, g],
            &self.kernel_initializer,
            true,
            self.kernel_regularizer.clone(),
        )?;
        wb.add(
            "recurrent_kernel",
            &[self.units, g],
            &self.recurrent_initializer,
            true,
            self.recurrent_regularizer.clone(),
        )?;
        if self.use_bias {
            let shape: Vec<usize> = if self.cell == Cell::Gru && self.reset_after {
                vec![2, g]
            } else {
                vec![g]
            };
            wb.add(
                "bias",
                &shape,
                &self.bias_initializer,
                true,
                self.bias_regularizer.clone(),
            )?;
            if self.cell == Cell::Lstm && self.unit_forget_bias {
                let b = &wb.weights[wb.weights.len() - 1].var;
                let u = self.units;
                let cur = b.as_tensor();
                let ones = cur.narrow(0, u, u)?.ones_like()?;
                let v = Tensor::cat(
                    &[cur.narrow(0, 0, u)?, ones, cur.narrow(0, 2 * u, 2 * u)?],
                    0,
                )?;
                b.set(&v)?;
            }
        }
        Ok(())
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        let d = one(inputs)?;
        rank(d, 3, self.class_name())?;
        last_known(d, self.class_name())?;
        Ok(if self.return_sequences {
            vec![d[0], d[1], Some(self.units)]
        } else {
            vec![d[0], Some(self.units)]
        })
    }
    fn call(&self, inputs: &[Tensor], w: &[Weight], _training: bool) -> Result<Tensor> {
        let x = &inputs[0];
        let (b, t, _) = x.dims3()?;
        let bias = if self.use_bias {
            let bias = w[2].var.as_tensor();
            Some(if bias.rank() == 2 {
                bias.get(0)?
            } else {
                bias.clone()
            })
        } else {
            None
        };
        let kernel = w[0].var.as_tensor();
        if self.is_standard_lstm() && t > 0 {
            // The projection and the recurrence as one node.
            let rk = w[1].var.as_tensor();
            let hs = crate::ops::lstm_sequence(x, kernel, bias.as_ref(), rk, self.go_backwards)?;
            return Ok(if self.return_sequences {
                hs
            } else {
                hs.narrow(1, t - 1, 1)?.squeeze(1)?
            });
        }
        // The input projection of every step at once; on the CPU through
        // the fused kernels, whose bias gradient is a column sum rather than
        // candle's strided reduction over (batch, time).
        let xw = match super::core::fused_dense(x, kernel, bias.as_ref(), Activation::Linear)? {
            Some(xw) => xw,
            None => {
                let xw = matmul_last(x, kernel)?;
                match &bias {
                    Some(bias) => xw.broadcast_add(bias)?,
                    None => xw,
                }
            }
        };
        let mut h = Tensor::zeros((b, self.units), x.dtype(), x.device())?;
        let mut c = h.clone();
        let mut outs = Vec::with_capacity(if self.return_sequences { t } else { 0 });
        for k in 0..t {
            let idx = if self.go_backwards { t - 1 - k } else { k };
            let xt = xw.narrow(1, idx, 1)?.squeeze(1)?;
            (h, c) = self.step(&xt, &h, &c, w)?;
            if self.return_sequences {
                outs.push(h.clone());
            }
        }
        Ok(if self.return_sequences {
            Tensor::stack(&outs, 1)?
        } else {
            h
        })
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        let reg = |r: &Option<Regularizer>| {
            r.clone()
                .map_or(ConfigValue::None, ConfigValue::Regularizer)
        };
        let mut c = vec![
            kv("units", ConfigValue::Int(self.units as i64)),
            kv(
                "activation",
                ConfigValue::Str(self.activation.name().into()),
            ),
            kv("use_bias", ConfigValue::Bool(self.use_bias)),
            kv(
                "kernel_initializer",
                ConfigValue::Initializer(self.kernel_initializer.clone()),
            ),
            kv(
                "recurrent_initializer",
                ConfigValue::Initializer(self.recurrent_initializer.clone()),
            ),
            kv(
                "bias_initializer",
                ConfigValue::Initializer(self.bias_initializer.clone()),
            ),
            kv("kernel_regularizer", reg(&self.kernel_regularizer)),
            kv("recurrent_regularizer", reg(&self.recurrent_regularizer)),
            kv("bias_regularizer", reg(&self.bias_regularizer)),
            kv("return_sequences", ConfigValue::Bool(self.return_sequences)),
            kv("go_backwards", ConfigValue::Bool(self.go_backwards)),
        ];
        if self.cell != Cell::Simple {
            c.push(kv(
                "recurrent_activation",
                ConfigValue::Str(self.recurrent_activation.name().into()),
            ));
        }
        match self.cell {
            Cell::Lstm => c.push(kv(
                "unit_forget_bias",
                ConfigValue::Bool(self.unit_forget_bias),
            )),
            Cell::Gru => c.push(kv("reset_after", ConfigValue::Bool(self.reset_after))),
            Cell::Simple => {}
        }
        c
    }
}

/// `Bidirectional(layer, merge_mode="concat")`: a forward copy and a
/// backward copy (`go_backwards` flipped) of a recurrent layer. Weights:
/// forward's then backward's.
pub(crate) struct Bidirectional {
    inner: LayerRef,
    forward: LayerRef,
    backward: LayerRef,
    merge_mode: String,
    return_sequences: bool,
}

fn set_key(config: &mut Vec<(String, ConfigValue)>, key: &str, value: ConfigValue) {
    config.retain(|(k, _)| k != key);
    config.push((key.to_string(), value));
}

impl Bidirectional {
    pub(crate) const PARAMS: &'static [&'static str] =
        &["layer", "merge_mode", "weights", "backward_layer"];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        let layer = match a.take("layer") {
            Some(ConfigValue::Layer(l)) => l,
            Some(v) => {
                return a.type_error("layer", "a recurrent layer (LSTM, GRU or SimpleRNN)", &v);
            }
            None => return a.required("layer"),
        };
        let inner_class = layer.class_name();
        if !matches!(inner_class, "LSTM" | "GRU" | "SimpleRNN") {
            return arg_err(format!(
                "Bidirectional(): `layer` must be an LSTM, GRU or SimpleRNN layer, got {inner_class}"
            ));
        }
        let merge_mode = a.choice("merge_mode", "concat", &["concat", "sum", "mul", "ave"])?;
        let inner_config = layer.config();
        let name = layer.name();
        let go_back = inner_config
            .iter()
            .any(|(k, v)| k == "go_backwards" && matches!(v, ConfigValue::Bool(true)));
        let return_sequences = inner_config
            .iter()
            .any(|(k, v)| k == "return_sequences" && matches!(v, ConfigValue::Bool(true)));
        let mut fwd = inner_config.clone();
        set_key(
            &mut fwd,
            "name",
            ConfigValue::Str(format!("forward_{name}")),
        );
        let mut bwd = inner_config.clone();
        set_key(
            &mut bwd,
            "name",
            ConfigValue::Str(format!("backward_{name}")),
        );
        set_key(&mut bwd, "go_backwards", ConfigValue::Bool(!go_back));
        bwd.retain(|(k, _)| k != "batch_input_shape");
        fwd.retain(|(k, _)| k != "batch_input_shape");
        Ok(Box::new(Self {
            inner: layer,
            forward: super::from_config(inner_class, fwd)?,
            backward: super::from_config(inner_class, bwd)?,
            merge_mode,
            return_sequences,
        }))
    }
}

impl LayerKind for Bidirectional {
    fn class_name(&self) -> &'static str {
        "Bidirectional"
    }
    fn build(&mut self, inputs: &[Dims], wb: &mut WeightBuilder) -> Result<()> {
        for l in [&self.forward, &self.backward] {
            l.ensure_built(inputs)?;
            wb.weights.extend(l.weights());
        }
        Ok(())
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        let mut d = self.forward.compute_output_shape(inputs)?;
        if self.merge_mode == "concat"
            && let Some(Some(l)) = d.last_mut()
        {
            *l *= 2;
        }
        Ok(d)
    }
    fn call(&self, inputs: &[Tensor], _w: &[Weight], training: bool) -> Result<Tensor> {
        let f = self.forward.call(inputs, training)?;
        let mut b = self.backward.call(inputs, training)?;
        if self.return_sequences {
            let t = b.dim(1)?;
            let rev: Vec<u32> = (0..t as u32).rev().collect();
            b = b
                .contiguous()?
                .index_select(&Tensor::new(rev.as_slice(), b.device())?, 1)?;
        }
        Ok(match self.merge_mode.as_str() {
            "sum" => (f + b)?,
            "mul" => (f * b)?,
            "ave" => ((f + b)? * 0.5)?,
            _ => {
                let last = f.rank() - 1;
                Tensor::cat(&[f, b], last)?
            }
        })
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![
            kv("layer", ConfigValue::Layer(self.inner.clone())),
            kv("merge_mode", ConfigValue::Str(self.merge_mode.clone())),
        ]
    }
}
