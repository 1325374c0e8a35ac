//! Finite-difference gradient checks in float64 for every layer with
//! weights or a nontrivial backward pass: candle's backprop through the
//! layer must match central differences for the weights and the input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use candle_core::{DType, Device, Tensor, Var};
use dojo_keras::{ConfigValue as V, LambdaExpr as E, LayerRef, layers, losses, session};

fn kw(k: &str, v: V) -> (String, V) {
    (k.to_string(), v)
}

fn values(n: usize, seed: f64) -> Vec<f64> {
    (0..n).map(|i| (seed + i as f64 * 0.731).sin()).collect()
}

fn tensor(shape: &[usize], seed: f64) -> Tensor {
    Tensor::from_vec(values(shape.iter().product(), seed), shape, &Device::Cpu).unwrap()
}

/// sum(layer(x) * r): a scalar whose gradient exercises every output.
fn objective(l: &LayerRef, x: &Tensor, training: bool) -> Tensor {
    let y = l.call(std::slice::from_ref(x), training).unwrap();
    let r = tensor(y.dims(), 0.3);
    (y * r).unwrap().sum_all().unwrap()
}

fn scalar(t: &Tensor) -> f64 {
    t.to_scalar::<f64>().unwrap()
}

/// Checks d objective / d (each weight and x) against central differences.
fn check(name: &str, l: &LayerRef, x: Tensor, check_input: bool, training: bool) {
    let x = Var::from_tensor(&x).unwrap();
    let grads = objective(l, x.as_tensor(), training).backward().unwrap();
    let mut targets: Vec<(String, Var)> = l
        .weights()
        .into_iter()
        .filter(|w| w.trainable)
        .map(|w| (w.name, w.var))
        .collect();
    if check_input {
        targets.push(("input".into(), x.clone()));
    }
    let eps = 1e-6;
    for (wname, var) in targets {
        let analytic: Vec<f64> = grads
            .get(var.as_tensor())
            .unwrap_or_else(|| panic!("{name}: no gradient for {wname}"))
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        let base: Vec<f64> = var.as_tensor().flatten_all().unwrap().to_vec1().unwrap();
        let dims = var.dims().to_vec();
        // Check up to 12 coordinates spread over the tensor.
        let step = (base.len() / 12).max(1);
        for i in (0..base.len()).step_by(step) {
            let eval = |delta: f64| {
                let mut v = base.clone();
                v[i] += delta;
                var.set(&Tensor::from_vec(v, dims.as_slice(), &Device::Cpu).unwrap())
                    .unwrap();
                scalar(&objective(l, x.as_tensor(), training))
            };
            let numeric = (eval(eps) - eval(-eps)) / (2.0 * eps);
            var.set(&Tensor::from_vec(base.clone(), dims.as_slice(), &Device::Cpu).unwrap())
                .unwrap();
            let a = analytic[i];
            assert!(
                (a - numeric).abs() <= 1e-5 * (1.0 + numeric.abs()),
                "{name}: d/d{wname}[{i}] analytic {a} vs numeric {numeric}"
            );
        }
    }
}

fn layer(class: &str, args: Vec<V>, kwargs: Vec<(String, V)>) -> LayerRef {
    layers::build(class, args, kwargs).unwrap()
}

fn s(v: &str) -> V {
    V::Str(v.into())
}

#[test]
fn layer_gradients_match_finite_differences() {
    session::clear_session();
    session::set_floatx("float64").unwrap();
    session::set_random_seed(7);
    let cases: Vec<(&str, LayerRef, Vec<usize>, bool)> = vec![
        (
            "dense",
            layer("Dense", vec![V::Int(3)], vec![kw("activation", s("tanh"))]),
            vec![2, 4],
            false,
        ),
        (
            "dense_gelu",
            layer("Dense", vec![V::Int(3)], vec![kw("activation", s("gelu"))]),
            vec![2, 4],
            false,
        ),
        (
            "dense_selu",
            layer("Dense", vec![V::Int(3)], vec![kw("activation", s("selu"))]),
            vec![2, 4],
            false,
        ),
        (
            "dense_softmax",
            layer(
                "Dense",
                vec![V::Int(3)],
                vec![kw("activation", s("softmax"))],
            ),
            vec![2, 4],
            false,
        ),
        (
            "conv2d_same_s2",
            layer(
                "Conv2D",
                vec![V::Int(2), V::Int(3)],
                vec![kw("strides", V::Int(2)), kw("padding", s("same"))],
            ),
            vec![1, 5, 5, 2],
            false,
        ),
        (
            "conv2d_dilated",
            layer(
                "Conv2D",
                vec![V::Int(2), V::Int(2)],
                vec![kw("dilation_rate", V::Int(2))],
            ),
            vec![1, 5, 5, 1],
            false,
        ),
        (
            "conv2d_strides_21",
            layer(
                "Conv2D",
                vec![V::Int(2), V::Int(2)],
                vec![kw("strides", V::Tuple(vec![V::Int(2), V::Int(1)]))],
            ),
            vec![1, 5, 4, 1],
            false,
        ),
        (
            "conv1d_causal",
            layer(
                "Conv1D",
                vec![V::Int(2), V::Int(3)],
                vec![kw("padding", s("causal")), kw("dilation_rate", V::Int(2))],
            ),
            vec![2, 6, 2],
            false,
        ),
        (
            "conv1d_same_s2",
            layer(
                "Conv1D",
                vec![V::Int(2), V::Int(3)],
                vec![kw("padding", s("same")), kw("strides", V::Int(2))],
            ),
            vec![1, 7, 2],
            false,
        ),
        (
            "maxpool2d_odd",
            layer("MaxPooling2D", vec![V::Int(2)], vec![]),
            vec![1, 5, 5, 2],
            false,
        ),
        (
            "maxpool2d_same_overlap",
            layer(
                "MaxPooling2D",
                vec![V::Int(3)],
                vec![kw("strides", V::Int(2)), kw("padding", s("same"))],
            ),
            vec![1, 5, 6, 1],
            false,
        ),
        (
            "avgpool2d_same",
            layer(
                "AveragePooling2D",
                vec![V::Int(3)],
                vec![kw("strides", V::Int(2)), kw("padding", s("same"))],
            ),
            vec![1, 5, 6, 1],
            false,
        ),
        (
            "maxpool1d",
            layer("MaxPooling1D", vec![V::Int(2)], vec![]),
            vec![2, 7, 2],
            false,
        ),
        (
            "gmp2d",
            layer("GlobalMaxPooling2D", vec![], vec![]),
            vec![2, 3, 3, 2],
            false,
        ),
        (
            "gap1d",
            layer("GlobalAveragePooling1D", vec![], vec![]),
            vec![2, 4, 3],
            false,
        ),
        (
            "simple_rnn",
            layer("SimpleRNN", vec![V::Int(3)], vec![]),
            vec![2, 4, 2],
            false,
        ),
        (
            "lstm",
            layer(
                "LSTM",
                vec![V::Int(3)],
                vec![kw("return_sequences", V::Bool(true))],
            ),
            vec![2, 4, 2],
            false,
        ),
        (
            "gru",
            layer("GRU", vec![V::Int(3)], vec![]),
            vec![2, 4, 2],
            false,
        ),
        (
            "bidirectional",
            layer(
                "Bidirectional",
                vec![V::Layer(layer(
                    "LSTM",
                    vec![V::Int(2)],
                    vec![kw("return_sequences", V::Bool(true))],
                ))],
                vec![],
            ),
            vec![2, 3, 2],
            false,
        ),
        (
            "layernorm",
            layer("LayerNormalization", vec![], vec![]),
            vec![2, 3, 4],
            false,
        ),
        (
            "lambda",
            layer(
                "Lambda",
                vec![V::Lambda(E::Add(
                    Box::new(E::Mul(Box::new(E::Input), Box::new(E::Input))),
                    Box::new(E::Const(2.0)),
                ))],
                vec![],
            ),
            vec![2, 3],
            false,
        ),
        (
            "rescaling",
            layer(
                "Rescaling",
                vec![V::Float(0.5)],
                vec![kw("offset", V::Float(1.0))],
            ),
            vec![2, 3],
            false,
        ),
    ];
    for (name, l, shape, _) in cases {
        check(name, &l, tensor(&shape, 1.1), true, false);
    }
    // BatchNormalization in training mode (batch statistics).
    let bn = layer("BatchNormalization", vec![], vec![]);
    check("batchnorm_training", &bn, tensor(&[4, 3], 0.7), true, true);
    // Embedding: gradient for the table only (integer input).
    let emb = layer("Embedding", vec![V::Int(5), V::Int(3)], vec![]);
    let ids = Tensor::new(&[[0f64, 3., 3., 1.], [4., 0., 2., 2.]], &Device::Cpu).unwrap();
    check("embedding", &emb, ids, false, false);
    session::set_floatx("float32").unwrap();
}

#[test]
fn loss_gradients_match_finite_differences() {
    let y_cat = Tensor::new(&[[0f64, 1., 0.], [1., 0., 0.]], &Device::Cpu).unwrap();
    let y_sparse = Tensor::new(&[1f64, 0.], &Device::Cpu).unwrap();
    let y_bin = Tensor::new(&[[1f64, 0., 1.], [0., 1., 0.]], &Device::Cpu).unwrap();
    let logits = |v: &[f64]| Tensor::from_vec(v.to_vec(), (2, 3), &Device::Cpu).unwrap();
    let probs = [0.2, 0.5, 0.3, 0.6, 0.3, 0.1];
    let raw = [0.4, -1.2, 2.0, 0.1, 0.3, -0.5];
    let cases: Vec<(&str, Tensor, Tensor)> = vec![
        ("mse", y_cat.clone(), logits(&raw)),
        ("mae", y_cat.clone(), logits(&raw)),
        ("huber", y_cat.clone(), logits(&raw)),
        ("binary_crossentropy", y_bin.clone(), logits(&probs)),
        ("categorical_crossentropy", y_cat.clone(), logits(&probs)),
        (
            "sparse_categorical_crossentropy",
            y_sparse.clone(),
            logits(&probs),
        ),
    ];
    let with_logits: Vec<(&str, Tensor)> = vec![
        ("BinaryCrossentropy", y_bin),
        ("CategoricalCrossentropy", y_cat),
        ("SparseCategoricalCrossentropy", y_sparse),
    ];
    let mut all: Vec<(String, losses::Loss, Tensor, Tensor)> = cases
        .into_iter()
        .map(|(n, y, p)| {
            (
                n.to_string(),
                losses::build(n, vec![], vec![]).unwrap(),
                y,
                p,
            )
        })
        .collect();
    for (n, y) in with_logits {
        let loss = losses::build(n, vec![], vec![kw("from_logits", V::Bool(true))]).unwrap();
        all.push((format!("{n}(from_logits)"), loss, y, logits(&raw)));
    }
    for (name, loss, y, p) in all {
        let pv = Var::from_tensor(&p).unwrap();
        let g: Vec<f64> = loss
            .compute(&y, pv.as_tensor())
            .unwrap()
            .backward()
            .unwrap()
            .get(pv.as_tensor())
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        let base: Vec<f64> = p.flatten_all().unwrap().to_vec1().unwrap();
        for i in 0..base.len() {
            let f = |d: f64| {
                let mut v = base.clone();
                v[i] += d;
                let t = Tensor::from_vec(v, (2, 3), &Device::Cpu).unwrap();
                loss.compute(&y, &t)
                    .unwrap()
                    .to_dtype(DType::F64)
                    .unwrap()
                    .to_scalar::<f64>()
                    .unwrap()
            };
            let numeric = (f(1e-6) - f(-1e-6)) / 2e-6;
            assert!(
                (g[i] - numeric).abs() < 1e-5 * (1.0 + numeric.abs()),
                "{name}[{i}]: {} vs {numeric}",
                g[i]
            );
        }
    }
}
