//! Losses and optimizer steps compared with TensorFlow 2.21 (Keras 3).
//!
//! Reference values from this script (`/root/tfvenv/bin/python gen_loss_opt.py`):
/*
# Reference values for losses and optimizer steps (TF 2.21 / Keras 3).
import os
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
import tensorflow as tf
from tensorflow import keras

yt_reg = np.array([[0.5, -1.0], [2.0, 0.3], [-0.7, 1.5]], "float32")
yp_reg = np.array([[0.1, -0.5], [2.5, 2.0], [-0.6, 0.2]], "float32")
yt_bin = np.array([[1.0], [0.0], [1.0], [0.0]], "float32")
yp_prob = np.array([[0.9], [0.2], [0.0], [1.0]], "float32")
yp_logit = np.array([[2.0], [-1.0], [-30.0], [0.5]], "float32")
yt_cat = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1]], "float32")
yt_sparse = np.array([1, 0, 2], "float32")
yp_cat_prob = np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25], [0.0, 0.3, 0.7]], "float32")
yp_cat_logit = np.array([[1.0, 2.0, -1.0], [0.3, -0.2, 0.1], [-5.0, 0.0, 40.0]], "float32")
L = keras.losses
cases = [
    ("mse", L.MeanSquaredError(), yt_reg, yp_reg),
    ("mae", L.MeanAbsoluteError(), yt_reg, yp_reg),
    ("huber", L.Huber(), yt_reg, yp_reg),
    ("huber_delta", L.Huber(delta=0.5), yt_reg, yp_reg),
    ("bce", L.BinaryCrossentropy(), yt_bin, yp_prob),
    ("bce_logits", L.BinaryCrossentropy(from_logits=True), yt_bin, yp_logit),
    ("bce_smooth", L.BinaryCrossentropy(label_smoothing=0.1), yt_bin, yp_prob),
    ("cce", L.CategoricalCrossentropy(), yt_cat, yp_cat_prob),
    ("cce_logits", L.CategoricalCrossentropy(from_logits=True), yt_cat, yp_cat_logit),
    ("scce", L.SparseCategoricalCrossentropy(), yt_sparse, yp_cat_prob),
    ("scce_logits", L.SparseCategoricalCrossentropy(from_logits=True), yt_sparse, yp_cat_logit),
]
for name, loss, yt, yp in cases:
    print(f'    ("{name}", {float(loss(yt, yp)):.8e}),')

O = keras.optimizers
opts = [
    ("sgd", O.SGD(0.1)),
    ("sgd_momentum", O.SGD(0.1, momentum=0.9)),
    ("sgd_nesterov", O.SGD(0.1, momentum=0.9, nesterov=True)),
    ("adam", O.Adam(0.1)),
    ("adamw", O.AdamW(0.1, weight_decay=0.1)),
    ("rmsprop", O.RMSprop(0.1)),
    ("rmsprop_centered_momentum", O.RMSprop(0.1, momentum=0.5, centered=True)),
    ("adagrad", O.Adagrad(0.1)),
]
for name, opt in opts:
    v = tf.Variable([0.5, -0.3, 0.8])
    steps = []
    for g in ([0.1, -0.2, 0.3], [-0.05, 0.4, 0.3]):
        opt.apply_gradients([(tf.constant(g), v)])
        steps.append(", ".join(f"{x:.8e}" for x in v.numpy()))
    print(f'    ("{name}", [[{steps[0]}], [{steps[1]}]]),')
*/
#![allow(clippy::unwrap_used, clippy::expect_used)]

use candle_core::{Device, Tensor, Var};
use dojo_keras::{ConfigValue as V, losses, optimizers};

fn kw(k: &str, v: V) -> (String, V) {
    (k.to_string(), v)
}

fn t(v: &[f32], shape: &[usize]) -> Tensor {
    Tensor::from_vec(v.to_vec(), shape, &Device::Cpu).unwrap()
}

const YT_REG: [f32; 6] = [0.5, -1.0, 2.0, 0.3, -0.7, 1.5];
const YP_REG: [f32; 6] = [0.1, -0.5, 2.5, 2.0, -0.6, 0.2];
const YT_BIN: [f32; 4] = [1.0, 0.0, 1.0, 0.0];
const YP_PROB: [f32; 4] = [0.9, 0.2, 0.0, 1.0];
const YP_LOGIT: [f32; 4] = [2.0, -1.0, -30.0, 0.5];
const YT_CAT: [f32; 9] = [0., 1., 0., 1., 0., 0., 0., 0., 1.];
const YT_SPARSE: [f32; 3] = [1.0, 0.0, 2.0];
const YP_CAT_PROB: [f32; 9] = [0.2, 0.7, 0.1, 0.5, 0.25, 0.25, 0.0, 0.3, 0.7];
const YP_CAT_LOGIT: [f32; 9] = [1.0, 2.0, -1.0, 0.3, -0.2, 0.1, -5.0, 0.0, 40.0];

fn loss_case(name: &str) -> (losses::Loss, Tensor, Tensor) {
    let b = |n: &str, kws: Vec<(String, V)>| losses::build(n, vec![], kws).unwrap();
    let logits = || vec![kw("from_logits", V::Bool(true))];
    let reg = (t(&YT_REG, &[3, 2]), t(&YP_REG, &[3, 2]));
    let bin = |p: &[f32]| (t(&YT_BIN, &[4, 1]), t(p, &[4, 1]));
    match name {
        "mse" => (b("MeanSquaredError", vec![]), reg.0, reg.1),
        "mae" => (b("mae", vec![]), reg.0, reg.1),
        "huber" => (b("Huber", vec![]), reg.0, reg.1),
        "huber_delta" => (b("Huber", vec![kw("delta", V::Float(0.5))]), reg.0, reg.1),
        "bce" => {
            let (y, p) = bin(&YP_PROB);
            (b("binary_crossentropy", vec![]), y, p)
        }
        "bce_logits" => {
            let (y, p) = bin(&YP_LOGIT);
            (b("BinaryCrossentropy", logits()), y, p)
        }
        "bce_smooth" => {
            let (y, p) = bin(&YP_PROB);
            (
                b(
                    "BinaryCrossentropy",
                    vec![kw("label_smoothing", V::Float(0.1))],
                ),
                y,
                p,
            )
        }
        "cce" => (
            b("categorical_crossentropy", vec![]),
            t(&YT_CAT, &[3, 3]),
            t(&YP_CAT_PROB, &[3, 3]),
        ),
        "cce_logits" => (
            b("CategoricalCrossentropy", logits()),
            t(&YT_CAT, &[3, 3]),
            t(&YP_CAT_LOGIT, &[3, 3]),
        ),
        "scce" => (
            b("sparse_categorical_crossentropy", vec![]),
            t(&YT_SPARSE, &[3]),
            t(&YP_CAT_PROB, &[3, 3]),
        ),
        "scce_logits" => (
            b("SparseCategoricalCrossentropy", logits()),
            t(&YT_SPARSE, &[3]),
            t(&YP_CAT_LOGIT, &[3, 3]),
        ),
        other => panic!("unknown case {other}"),
    }
}

fn optimizer(name: &str) -> optimizers::Optimizer {
    let lr = || kw("learning_rate", V::Float(0.1));
    let b = |n: &str, mut kws: Vec<(String, V)>| {
        kws.push(lr());
        optimizers::build(n, vec![], kws).unwrap()
    };
    let m = |x: f64| kw("momentum", V::Float(x));
    match name {
        "sgd" => b("SGD", vec![]),
        "sgd_momentum" => b("SGD", vec![m(0.9)]),
        "sgd_nesterov" => b("SGD", vec![m(0.9), kw("nesterov", V::Bool(true))]),
        "adam" => b("Adam", vec![]),
        "adamw" => b("AdamW", vec![kw("weight_decay", V::Float(0.1))]),
        "rmsprop" => b("RMSprop", vec![]),
        "rmsprop_centered_momentum" => b("RMSprop", vec![m(0.5), kw("centered", V::Bool(true))]),
        "adagrad" => b("Adagrad", vec![]),
        other => panic!("unknown optimizer {other}"),
    }
}

#[test]
fn losses_match_tensorflow() {
    for (name, want) in LOSSES {
        let (loss, y, p) = loss_case(name);
        let got = loss.compute(&y, &p).unwrap().to_scalar::<f32>().unwrap() as f64;
        assert!(
            (got - want).abs() <= 1e-5 * want.abs().max(1.0),
            "{name}: got {got}, want {want}"
        );
    }
}

#[test]
fn optimizer_steps_match_tensorflow() {
    let grads = [[0.1f32, -0.2, 0.3], [-0.05, 0.4, 0.3]];
    for (name, want) in OPTIMIZERS {
        let mut opt = optimizer(name);
        let var = Var::from_tensor(&t(&[0.5, -0.3, 0.8], &[3])).unwrap();
        for (step, g) in grads.iter().enumerate() {
            opt.apply(std::slice::from_ref(&var), &[Some(t(g, &[3]))])
                .unwrap();
            let got: Vec<f32> = var.as_tensor().to_vec1().unwrap();
            for (g, w) in got.iter().zip(want[step]) {
                assert!(
                    (*g as f64 - w).abs() < 1e-5,
                    "{name} step {}: got {got:?}, want {:?}",
                    step + 1,
                    want[step]
                );
            }
        }
    }
}

const LOSSES: &[(&str, f64)] = &[
    ("mse", 8.75000000e-01),
    ("mae", 7.50000000e-01),
    ("huber", 3.89166683e-01),
    ("huber_delta", 2.64166683e-01),
    ("bce", 8.09724617e+00),
    ("bce_logits", 7.85356665e+00),
    ("bce_smooth", 7.74128389e+00),
    ("cce", 4.68832344e-01),
    ("cce_logits", 4.11650509e-01),
    ("scce", 4.68832374e-01),
    ("scce_logits", 4.11650509e-01),
];

const OPTIMIZERS: &[(&str, [[f64; 3]; 2])] = &[
    (
        "sgd",
        [
            [4.90000010e-01, -2.80000001e-01, 7.69999981e-01],
            [4.95000005e-01, -3.19999993e-01, 7.40000010e-01],
        ],
    ),
    (
        "sgd_momentum",
        [
            [4.90000010e-01, -2.80000001e-01, 7.69999981e-01],
            [4.86000001e-01, -3.02000016e-01, 7.13000000e-01],
        ],
    ),
    (
        "sgd_nesterov",
        [
            [4.81000006e-01, -2.62000024e-01, 7.43000031e-01],
            [4.82400000e-01, -3.21800023e-01, 6.61700010e-01],
        ],
    ),
    (
        "adam",
        [
            [4.00003821e-01, -2.00002253e-01, 7.00001717e-01],
            [3.73371124e-01, -2.36611977e-01, 6.00003481e-01],
        ],
    ),
    (
        "adamw",
        [
            [3.95003825e-01, -1.97002262e-01, 6.92001700e-01],
            [3.64421099e-01, -2.31641963e-01, 5.85083425e-01],
        ],
    ),
    (
        "rmsprop",
        [
            [1.83788031e-01, 1.62238181e-02, 4.83774006e-01],
            [3.31223607e-01, -2.69489765e-01, 2.54358947e-01],
        ],
    ),
    (
        "rmsprop_centered_momentum",
        [
            [1.66685164e-01, 3.33287120e-02, 4.66668725e-01],
            [1.48499683e-01, -8.93148780e-02, 4.50976193e-02],
        ],
    ),
    (
        "adagrad",
        [
            [4.69848871e-01, -2.46547788e-01, 7.31175303e-01],
            [4.84755993e-01, -3.19577456e-01, 6.74480617e-01],
        ],
    ),
];

/// Regression losses broadcast a `(batch, 1)` output against `(batch, n, 1)`
/// targets as Keras does (`squeeze_or_expand_to_same_rank`, then
/// `y_pred - y_true` broadcast): the exam's sunspots starter trains such a
/// model. Expected values worked by hand from those two rules (the
/// differences are [[1, 0, -2], [-0.5, 1, -3]]) and checked with TF 2.21:
/*
yt = np.array([[[1.0], [2.0], [4.0]], [[0.5], [-1.0], [3.0]]], "float32")  # (2, 3, 1)
yp = np.array([[2.0], [0.0]], "float32")                                    # (2, 1)
for name, loss in [("mse", L.MeanSquaredError()), ("mae", L.MeanAbsoluteError()), ("huber", L.Huber())]:
    print(name, float(loss(yt, yp)))
# TF 2.21.0 prints: mse 2.5416667461395264, mae 1.25, huber 0.8541666269302368
*/
#[test]
fn regression_losses_broadcast_a_single_output_against_a_target_window() {
    let y = t(&[1.0, 2.0, 4.0, 0.5, -1.0, 3.0], &[2, 3, 1]);
    let p = t(&[2.0, 0.0], &[2, 1]);
    for (name, want) in [
        ("mse", (5.0 + 10.25) / 6.0),
        ("mae", 1.25),
        ("huber", (2.0 + 3.125) / 6.0),
    ] {
        let loss = losses::build(name, vec![], vec![]).unwrap();
        let got = loss.compute(&y, &p).unwrap().to_scalar::<f32>().unwrap() as f64;
        assert!((got - want).abs() <= 1e-6, "{name}: got {got}, want {want}");
    }
    // Axes that cannot broadcast are still refused, naming both shapes.
    let wrong = t(&[0.0; 4], &[2, 2]);
    let error = losses::build("mse", vec![], vec![])
        .unwrap()
        .compute(&t(&[1.0; 6], &[2, 3]), &wrong)
        .unwrap_err();
    assert!(error.to_string().contains("[2, 3]"), "{error}");
}
