//! Behaviour of the public API: fit histories against TensorFlow, the host
//! protocol, callbacks, errors, save/load.
//!
//! The fit references come from this script (`/root/tfvenv/bin/python gen_fit.py`):
/*
# fit() histories with fixed weights, no shuffling (TF 2.21 / Keras 3).
import os, math
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
from tensorflow import keras

def val(seed, n):
    return np.array([math.sin(seed * 1.7 + i * 0.37) for i in range(n)])

def set_weights(model):
    ws = [(val(k + 1, int(np.prod(w.shape))) * 0.5).reshape(w.shape).astype("float32") for k, w in enumerate(model.weights)]
    model.set_weights(ws)

x = val(9, 60).reshape(20, 3).astype("float32")
y_reg = (x.sum(axis=1, keepdims=True) * 0.5).astype("float32")
y_cls = (np.arange(20) % 3).astype("float32")
vx, vy_reg, vy_cls = x[:6] * 0.5, y_reg[:6], y_cls[:6]

keras.backend.clear_session()
m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
set_weights(m)
m.compile(keras.optimizers.SGD(0.1), "mse", metrics=["mae"])
h = m.fit(x, y_reg, batch_size=8, epochs=3, shuffle=False, validation_data=(vx, vy_reg), verbose=0)
print("REGRESSION", {k: [round(float(v), 7) for v in vs] for k, vs in h.history.items()})

keras.backend.clear_session()
m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5, activation="tanh"), keras.layers.Dense(3, activation="softmax")])
set_weights(m)
m.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy", metrics=["accuracy"])
h = m.fit(x, y_cls, batch_size=6, epochs=3, shuffle=False, validation_split=0.25, verbose=0)
print("CLASSIFICATION", {k: [round(float(v), 7) for v in vs] for k, vs in h.history.items()})
Output:
REGRESSION {'loss': [1.0567658, 0.8943287, 0.7060039], 'mae': [0.9005184, 0.8437092, 0.742901], 'val_loss': [0.9593554, 0.8804608, 0.7492582], 'val_mae': [0.8183503, 0.8097045, 0.7481042]}
CLASSIFICATION {'accuracy': [0.2666667, 0.4, 0.5333334], 'loss': [1.1229603, 1.1022183, 1.0842162], 'val_accuracy': [0.2, 0.4, 0.4], 'val_loss': [1.0910473, 1.1093262, 1.1427968]}
*/
#![allow(clippy::unwrap_used, clippy::expect_used)]

use candle_core::{DType, Device, Tensor};
use dojo_keras::{
    ConfigValue as V, Data, FitHost, FitOptions, KerasError, LayerRef, Logs, Model, NoHost,
    TrainControl, Validation, callbacks, layers, losses, metrics, model, optimizers, session,
};

fn kw(k: &str, v: V) -> (String, V) {
    (k.to_string(), v)
}

fn val(seed: usize, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| (seed as f64 * 1.7 + i as f64 * 0.37).sin())
        .collect()
}

fn f32_tensor(v: Vec<f64>, shape: &[usize]) -> Tensor {
    Tensor::from_vec(v, shape, &Device::Cpu)
        .unwrap()
        .to_dtype(DType::F32)
        .unwrap()
}

fn set_weights(m: &Model) {
    let ws: Vec<Tensor> = m
        .weights()
        .iter()
        .enumerate()
        .map(|(k, w)| {
            f32_tensor(
                val(k + 1, w.var.elem_count())
                    .iter()
                    .map(|x| x * 0.5)
                    .collect(),
                w.var.dims(),
            )
        })
        .collect();
    m.set_weights(&ws).unwrap();
}

fn dense(units: i64, activation: &str) -> LayerRef {
    layers::build(
        "Dense",
        vec![V::Int(units)],
        vec![kw("activation", V::Str(activation.into()))],
    )
    .unwrap()
}

fn data() -> (Tensor, Tensor, Tensor) {
    let x = val(9, 60);
    let y_reg: Vec<f64> = x.chunks(3).map(|r| r.iter().sum::<f64>() * 0.5).collect();
    let y_cls: Vec<f64> = (0..20).map(|i| (i % 3) as f64).collect();
    (
        f32_tensor(x, &[20, 3]),
        f32_tensor(y_reg, &[20, 1]),
        f32_tensor(y_cls, &[20]),
    )
}

fn assert_history(h: &dojo_keras::History, want: &[(&str, [f64; 3])]) {
    assert_eq!(
        h.history.keys().collect::<Vec<_>>(),
        want.iter().map(|(k, _)| k).collect::<Vec<_>>()
    );
    for (k, vals) in want {
        for (g, w) in h.history[*k].iter().zip(vals) {
            assert!(
                (g - w).abs() < 2e-5,
                "{k}: got {:?}, want {vals:?}",
                h.history[*k]
            );
        }
    }
}

fn input_model(layers_: Vec<LayerRef>) -> Model {
    let mut m = Model::sequential(vec![], None).unwrap();
    m.add(model::input(vec![Some(3)], None).unwrap().layer())
        .unwrap();
    for l in layers_ {
        m.add(l).unwrap();
    }
    m
}

#[test]
fn regression_fit_matches_tensorflow() {
    session::clear_session();
    let (x, y, _) = data();
    let mut m = input_model(vec![dense(4, "relu"), dense(1, "linear")]);
    set_weights(&m);
    let sgd = optimizers::build("SGD", vec![V::Float(0.1)], vec![]).unwrap();
    m.compile(
        sgd,
        losses::build("mse", vec![], vec![]).unwrap(),
        vec![metrics::build("mae", vec![], vec![]).unwrap()],
    );
    let vx = (x.narrow(0, 0, 6).unwrap() * 0.5).unwrap();
    let vy = y.narrow(0, 0, 6).unwrap();
    let opts = FitOptions {
        epochs: 3,
        batch_size: Some(8),
        shuffle: false,
        validation: Validation::Arrays { x: vx, y: vy },
        verbose: 0,
        ..FitOptions::default()
    };
    let h = m.fit(Data::Arrays { x, y }, opts, &mut NoHost).unwrap();
    assert_history(
        &h,
        &[
            ("loss", [1.0567658, 0.8943287, 0.7060039]),
            ("mae", [0.9005184, 0.8437092, 0.742901]),
            ("val_loss", [0.9593554, 0.8804608, 0.7492582]),
            ("val_mae", [0.8183503, 0.8097045, 0.7481042]),
        ],
    );
}

/// float64 arrays (what numpy's `x / 255.0` gives) are converted batch by
/// batch as they are drawn, not copied whole first: the same float32
/// batches, so exactly the same history as float32 arrays, with and
/// without a validation split and shuffling.
#[test]
fn float64_arrays_train_exactly_like_their_float32_copies() {
    let (x, _, labels) = data();
    let history = |x: &Tensor, y: &Tensor, validation: Validation| {
        session::clear_session();
        session::set_random_seed(3);
        let mut m = input_model(vec![dense(4, "relu"), dense(3, "softmax")]);
        set_weights(&m);
        let adam = optimizers::build("adam", vec![], vec![]).unwrap();
        let loss = losses::build("sparse_categorical_crossentropy", vec![], vec![]).unwrap();
        m.compile(
            adam,
            loss,
            vec![metrics::build("accuracy", vec![], vec![]).unwrap()],
        );
        let opts = FitOptions {
            epochs: 2,
            batch_size: Some(5),
            shuffle: true,
            validation,
            verbose: 0,
            ..FitOptions::default()
        };
        let data = Data::Arrays {
            x: x.clone(),
            y: y.clone(),
        };
        let h = m.fit(data, opts, &mut NoHost).unwrap();
        let evaluated = m.evaluate(x, y, Some(4)).unwrap();
        (h.history, evaluated)
    };
    let f64_of = |t: &Tensor| t.to_dtype(DType::F64).unwrap();
    for split in [true, false] {
        let validation = |x: &Tensor, y: &Tensor| {
            if split {
                Validation::Split(0.25)
            } else {
                Validation::Arrays {
                    x: x.narrow(0, 0, 6).unwrap(),
                    y: y.narrow(0, 0, 6).unwrap(),
                }
            }
        };
        let (x64, y64) = (f64_of(&x), f64_of(&labels));
        let from_f32 = history(&x, &labels, validation(&x, &labels));
        let from_f64 = history(&x64, &y64, validation(&x64, &y64));
        assert!(from_f32.0.contains_key("val_loss"));
        assert_eq!(from_f32, from_f64, "split={split}");
    }
}

#[test]
fn classification_fit_with_validation_split_matches_tensorflow() {
    session::clear_session();
    let (x, _, y) = data();
    let mut m = input_model(vec![dense(5, "tanh"), dense(3, "softmax")]);
    set_weights(&m);
    let adam =
        optimizers::build("adam", vec![], vec![kw("learning_rate", V::Float(0.05))]).unwrap();
    let loss = losses::build("sparse_categorical_crossentropy", vec![], vec![]).unwrap();
    m.compile(
        adam,
        loss,
        vec![metrics::build("accuracy", vec![], vec![]).unwrap()],
    );
    let opts = FitOptions {
        epochs: 3,
        batch_size: Some(6),
        shuffle: false,
        validation: Validation::Split(0.25),
        verbose: 0,
        ..FitOptions::default()
    };
    let h = m.fit(Data::Arrays { x, y }, opts, &mut NoHost).unwrap();
    assert_history(
        &h,
        &[
            ("accuracy", [0.2666667, 0.4, 0.5333334]),
            ("loss", [1.1229603, 1.1022183, 1.0842162]),
            ("val_accuracy", [0.2, 0.4, 0.4]),
            ("val_loss", [1.0910473, 1.1093262, 1.1427968]),
        ],
    );
}

/// A host that feeds batches, records events and drives the controls.
#[derive(Default)]
struct Recorder {
    batches: Vec<(Tensor, Tensor)>,
    next: usize,
    events: Vec<String>,
    lines: Vec<String>,
    schedule: Option<fn(usize) -> f64>,
    stop_after_batches: Option<usize>,
    checkpoints: Vec<(String, usize, usize)>,
}

impl FitHost for Recorder {
    fn begin_epoch(&mut self, _epoch: usize) -> dojo_keras::Result<()> {
        self.next = 0;
        Ok(())
    }
    fn next_train_batch(&mut self) -> dojo_keras::Result<Option<(Tensor, Tensor)>> {
        self.next += 1;
        Ok(self.batches.get(self.next - 1).cloned())
    }
    fn on_epoch_begin(
        &mut self,
        epoch: usize,
        control: &mut TrainControl,
    ) -> dojo_keras::Result<()> {
        if let Some(f) = self.schedule {
            control.learning_rate = f(epoch);
        }
        self.events.push(format!("begin {epoch}"));
        Ok(())
    }
    fn on_train_batch_end(&mut self, batch: usize, logs: &Logs) -> dojo_keras::Result<()> {
        assert!(logs.contains_key("loss"));
        self.events.push(format!("batch {batch}"));
        Ok(())
    }
    fn on_epoch_end(
        &mut self,
        epoch: usize,
        logs: &Logs,
        _control: &mut TrainControl,
    ) -> dojo_keras::Result<()> {
        self.events
            .push(format!("end {epoch} lr={:?}", logs.get("learning_rate")));
        Ok(())
    }
    fn print(&mut self, line: &str) {
        self.lines.push(line.to_string());
    }
    fn save_checkpoint(
        &mut self,
        filepath: &str,
        epoch: usize,
        _logs: &Logs,
        bytes: Vec<u8>,
    ) -> dojo_keras::Result<()> {
        self.checkpoints
            .push((filepath.to_string(), epoch, bytes.len()));
        Ok(())
    }
    fn should_stop(&self) -> bool {
        self.stop_after_batches.is_some_and(|n| self.next >= n)
    }
}

fn compiled_regression(lr: f64) -> Model {
    let mut m = input_model(vec![dense(4, "relu"), dense(1, "linear")]);
    set_weights(&m);
    let sgd = optimizers::build("SGD", vec![], vec![kw("lr", V::Float(lr))]).unwrap();
    m.compile(sgd, losses::build("mse", vec![], vec![]).unwrap(), vec![]);
    m
}

#[test]
fn host_batches_callbacks_schedule_and_verbose_lines() {
    session::clear_session();
    let (x, y, _) = data();
    let mut host = Recorder {
        batches: vec![
            (x.narrow(0, 0, 10).unwrap(), y.narrow(0, 0, 10).unwrap()),
            (x.narrow(0, 10, 10).unwrap(), y.narrow(0, 10, 10).unwrap()),
        ],
        schedule: Some(|epoch| 0.1 / (epoch + 1) as f64),
        ..Recorder::default()
    };
    let mut m = compiled_regression(0.1);
    let opts = FitOptions {
        epochs: 2,
        log_learning_rate: true,
        callbacks: vec![
            callbacks::build(
                "ModelCheckpoint",
                vec![V::Str("best.keras".into())],
                vec![kw("monitor", V::Str("loss".into()))],
            )
            .unwrap(),
        ],
        ..FitOptions::default()
    };
    let h = m.fit(Data::Host, opts, &mut host).unwrap();
    assert_eq!(
        host.events,
        [
            "begin 0",
            "batch 0",
            "batch 1",
            "end 0 lr=Some(0.1)",
            "begin 1",
            "batch 0",
            "batch 1",
            "end 1 lr=Some(0.05)"
        ]
    );
    assert_eq!(h.history["learning_rate"], [0.1, 0.05]);
    assert_eq!(host.lines[0], "Epoch 1/2");
    assert!(
        host.lines[1].starts_with("2/2 ━━━━━━━━━━━━━━━━━━━━ "),
        "{}",
        host.lines[1]
    );
    assert!(
        host.lines[1].contains(" - learning_rate: 0.1000 - loss: "),
        "{}",
        host.lines[1]
    );
    assert_eq!(
        host.checkpoints.len(),
        2,
        "saved after each improving epoch"
    );
    assert_eq!(host.checkpoints[0].0, "best.keras");
    // Cancellation is checked before each batch.
    let mut cancel = Recorder {
        batches: host.batches.clone(),
        stop_after_batches: Some(1),
        ..Recorder::default()
    };
    let err = m
        .fit(
            Data::Host,
            FitOptions {
                verbose: 0,
                ..FitOptions::default()
            },
            &mut cancel,
        )
        .unwrap_err();
    assert!(matches!(err, KerasError::Cancelled));
    assert!(m.is_compiled(), "a failed fit leaves the model compiled");
}

#[test]
fn early_stopping_restores_the_best_weights() {
    let (x, y, _) = data();
    let run = |epochs: usize, callbacks: Vec<callbacks::Callback>| {
        session::clear_session();
        // A learning rate this large makes the loss grow after the first epoch.
        let mut m = compiled_regression(1.5);
        let opts = FitOptions {
            epochs,
            batch_size: Some(20),
            shuffle: false,
            verbose: 0,
            callbacks,
            ..FitOptions::default()
        };
        let h = m
            .fit(
                Data::Arrays {
                    x: x.clone(),
                    y: y.clone(),
                },
                opts,
                &mut NoHost,
            )
            .unwrap();
        (h, m.get_weights().unwrap())
    };
    let es = callbacks::build(
        "EarlyStopping",
        vec![],
        vec![
            kw("monitor", V::Str("loss".into())),
            kw("patience", V::Int(1)),
            kw("restore_best_weights", V::Bool(true)),
        ],
    )
    .unwrap();
    let (h, restored) = run(50, vec![es]);
    assert_eq!(
        h.epoch,
        [0, 1],
        "stops once the loss stops improving: {:?}",
        h.history["loss"]
    );
    assert!(h.history["loss"][1] > h.history["loss"][0]);
    let (_, after_first_epoch) = run(1, vec![]);
    for (a, b) in restored.iter().zip(&after_first_epoch) {
        let d = (a - b)
            .unwrap()
            .abs()
            .unwrap()
            .flatten_all()
            .unwrap()
            .max(0)
            .unwrap()
            .to_scalar::<f32>()
            .unwrap();
        assert!(d < 1e-7, "weights are those of the best epoch");
    }
}

#[test]
fn nan_loss_names_epoch_and_batch() {
    session::clear_session();
    let (x, _, _) = data();
    let y = Tensor::full(f32::NAN, (20, 1), &Device::Cpu).unwrap();
    let mut m = compiled_regression(0.1);
    let err = m
        .fit(
            Data::Arrays { x, y },
            FitOptions {
                verbose: 0,
                ..FitOptions::default()
            },
            &mut NoHost,
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Training stopped: the loss became NaN at epoch 1, batch 1. Try a lower learning rate, normalise the inputs, or check the labels."
    );
}

#[test]
fn reduce_lr_on_plateau_lowers_the_rate() {
    session::clear_session();
    let (x, y, _) = data();
    // A tiny rate: the loss barely moves, so it plateaus (min_delta 1e-4).
    let mut m = compiled_regression(1e-9);
    let cb = callbacks::build(
        "ReduceLROnPlateau",
        vec![],
        vec![
            kw("monitor", V::Str("loss".into())),
            kw("patience", V::Int(1)),
            kw("factor", V::Float(0.5)),
        ],
    )
    .unwrap();
    let opts = FitOptions {
        epochs: 4,
        verbose: 0,
        shuffle: false,
        callbacks: vec![cb],
        ..FitOptions::default()
    };
    let h = m.fit(Data::Arrays { x, y }, opts, &mut NoHost).unwrap();
    // As in Keras, an epoch logs the rate it ran with; the cut applies next.
    assert_eq!(h.history["learning_rate"], [1e-9, 1e-9, 5e-10, 2.5e-10]);
}

#[test]
fn errors_read_like_python() {
    let err = layers::build("Dense", vec![], vec![kw("unit", V::Int(3))]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Dense() got an unexpected keyword argument 'unit'; did you mean 'units'?"
    );
    let err = layers::build("Conv3D", vec![], vec![])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("`layers.Conv3D` is not available in Dojo;"),
        "{err}"
    );
    assert!(err.contains("Conv2D"), "{err}");
    let err = layers::build("Dense", vec![V::Str("ten".into())], vec![]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Dense(): argument 'units' must be an int, got str 'ten'"
    );
    let err = layers::build("Dense", vec![], vec![]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Dense() missing required argument: 'units'"
    );
    let err = optimizers::build("Adamax", vec![], vec![])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "`optimizers.Adamax` is not available in Dojo; Did you mean `optimizers.Adam`?"
        ),
        "{err}"
    );
    let err = layers::build(
        "Dense",
        vec![V::Int(2)],
        vec![kw("activation", V::Str("relu6x".into()))],
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("did you mean") || err.contains("Did you mean"),
        "{err}"
    );
    // Shape errors surface when a layer is added.
    let mut m = Model::sequential(
        vec![
            layers::build(
                "Flatten",
                vec![],
                vec![kw("input_shape", V::Tuple(vec![V::Int(4)]))],
            )
            .unwrap(),
        ],
        None,
    )
    .unwrap();
    let err = m
        .add(layers::build("Conv2D", vec![V::Int(2), V::Int(3)], vec![]).unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("expected ndim=4, found ndim=2"), "{err}");
    // fit before compile.
    let (x, y, _) = data();
    let err = m
        .fit(Data::Arrays { x, y }, FitOptions::default(), &mut NoHost)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "You must call `compile()` before calling `fit()`."
    );
}

#[test]
fn save_and_load_round_trip() {
    session::clear_session();
    let i = model::input(vec![Some(3)], None).unwrap();
    let a = model::call_symbolic(&dense(4, "relu"), std::slice::from_ref(&i)).unwrap();
    let b = model::call_symbolic(&dense(4, "tanh"), std::slice::from_ref(&i)).unwrap();
    let c = model::call_symbolic(
        &layers::build("Concatenate", vec![], vec![]).unwrap(),
        &[a, b],
    )
    .unwrap();
    let lam = layers::build(
        "Lambda",
        vec![V::Lambda(dojo_keras::LambdaExpr::Mul(
            Box::new(dojo_keras::LambdaExpr::Input),
            Box::new(dojo_keras::LambdaExpr::Const(3.0)),
        ))],
        vec![],
    )
    .unwrap();
    let o = model::call_symbolic(&lam, &[c]).unwrap();
    let mut m = Model::functional(&[i], &[o], Some("net".into())).unwrap();
    let (x, _, _) = data();
    let before = m.predict(&x, None).unwrap();
    let bytes = m.save_to_bytes().unwrap();
    let mut loaded = Model::load_from_bytes(&bytes).unwrap();
    assert_eq!(loaded.name(), "net");
    assert_eq!(loaded.summary().unwrap(), m.summary().unwrap());
    let after = loaded.predict(&x, None).unwrap();
    let diff = (before - after)
        .unwrap()
        .abs()
        .unwrap()
        .max_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert!(diff < 1e-6);
    // Weights-only bytes load into a fresh model of the same architecture.
    let seq = Model::sequential(
        vec![
            layers::build(
                "Dense",
                vec![V::Int(2)],
                vec![kw("input_shape", V::Tuple(vec![V::Int(3)]))],
            )
            .unwrap(),
        ],
        None,
    )
    .unwrap();
    let w = seq.save_weights_to_bytes().unwrap();
    let seq2 = Model::sequential(
        vec![
            layers::build(
                "Dense",
                vec![V::Int(2)],
                vec![kw("input_shape", V::Tuple(vec![V::Int(3)]))],
            )
            .unwrap(),
        ],
        None,
    )
    .unwrap();
    seq2.load_weights_from_bytes(&w).unwrap();
    assert_eq!(
        seq2.get_weights().unwrap()[0].to_vec2::<f32>().unwrap(),
        seq.get_weights().unwrap()[0].to_vec2::<f32>().unwrap()
    );
    assert!(
        Model::load_from_bytes(&w).is_err(),
        "weights-only bytes have no architecture"
    );
}

#[test]
fn accuracy_resolves_like_keras_and_frozen_layers_do_not_train() {
    session::clear_session();
    let (x, _, y) = data();
    let first = dense(5, "tanh");
    let mut m = input_model(vec![first.clone(), dense(3, "softmax")]);
    first.set_trainable(false);
    let frozen_before = first.get_weights().unwrap()[0].to_vec2::<f32>().unwrap();
    let (t, n) = m.param_counts();
    assert_eq!((t, n), (18, 20));
    m.compile(
        optimizers::build("RMSprop", vec![], vec![]).unwrap(),
        losses::build("sparse_categorical_crossentropy", vec![], vec![]).unwrap(),
        vec![metrics::build("acc", vec![], vec![]).unwrap()],
    );
    let h = m
        .fit(
            Data::Arrays { x, y },
            FitOptions {
                epochs: 2,
                verbose: 0,
                ..FitOptions::default()
            },
            &mut NoHost,
        )
        .unwrap();
    assert!(h.history.contains_key("acc"));
    assert_eq!(
        m.compiled().unwrap().metrics[0].kind,
        metrics::MetricKind::SparseCategoricalAccuracy
    );
    assert_eq!(
        first.get_weights().unwrap()[0].to_vec2::<f32>().unwrap(),
        frozen_before
    );
}

/// Keras's `_adjust_input_rank`: `fit(xs)` with `xs` of shape (n,) feeds a
/// model whose input is (None, 1); a trailing axis of 1 too many is dropped.
#[test]
fn inputs_one_axis_short_or_long_by_a_trailing_one_are_adjusted() {
    let mut m = Model::sequential(vec![], None).unwrap();
    m.add(model::input(vec![Some(1)], None).unwrap().layer())
        .unwrap();
    m.add(dense(2, "linear")).unwrap();
    let flat = f32_tensor(vec![1.0, 2.0, 3.0], &[3]);
    assert_eq!(m.forward(&flat, false).unwrap().dims(), &[3, 2]);
    let column = f32_tensor(vec![1.0, 2.0, 3.0], &[3, 1]);
    let deep = f32_tensor(vec![1.0, 2.0, 3.0], &[3, 1, 1]);
    let want = m.forward(&column, false).unwrap().to_vec2::<f32>().unwrap();
    assert_eq!(
        m.forward(&flat, false).unwrap().to_vec2::<f32>().unwrap(),
        want
    );
    assert_eq!(
        m.forward(&deep, false).unwrap().to_vec2::<f32>().unwrap(),
        want
    );
    let wrong = f32_tensor(vec![1.0; 6], &[3, 2]);
    assert!(m.forward(&wrong, false).is_err());
}

/// A `Conv2D` followed by `MaxPooling2D` runs as one fused kernel (the
/// model's forward pass folds the pooling into the convolution); the same
/// convolution layer with an identity `Activation` in between runs as
/// separate layers. Both predict the same values.
#[test]
fn conv_then_max_pool_predicts_as_the_separate_layers() {
    session::clear_session();
    let conv = layers::build(
        "Conv2D",
        vec![V::Int(4), V::Int(3)],
        vec![
            kw("activation", V::Str("relu".into())),
            kw(
                "input_shape",
                V::Tuple(vec![V::Int(9), V::Int(9), V::Int(2)]),
            ),
        ],
    )
    .unwrap();
    let pool = || layers::build("MaxPooling2D", vec![V::Int(2)], vec![]).unwrap();
    let mut fused = Model::sequential(vec![conv.clone(), pool()], None).unwrap();
    let identity = layers::build("Activation", vec![V::Str("linear".into())], vec![]).unwrap();
    let mut separate = Model::sequential(vec![conv, identity, pool()], None).unwrap();
    let x = Tensor::randn(0f32, 1.0, (5, 9, 9, 2), &Device::Cpu).unwrap();
    let a = fused.predict(&x, None).unwrap();
    let b = separate.predict(&x, None).unwrap();
    assert_eq!(a.dims(), &[5, 3, 3, 4]);
    let diff: f32 = (a - b)
        .unwrap()
        .abs()
        .unwrap()
        .max_all()
        .unwrap()
        .to_scalar()
        .unwrap();
    assert!(diff < 1e-6, "{diff}");
}
