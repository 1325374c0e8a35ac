//! End-to-end training: a Sequential model fits arrays and the loss falls,
//! deterministically for a seed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use candle_core::{Device, Tensor};
use dojo_keras::{
    ConfigValue as V, Data, FitOptions, Model, NoHost, layers, losses, metrics, optimizers, session,
};

fn kw(k: &str, v: V) -> (String, V) {
    (k.to_string(), v)
}

fn regression_data() -> (Tensor, Tensor) {
    // y = 2x - 1 on 64 points.
    let xs: Vec<f32> = (0..64).map(|i| i as f32 / 32.0 - 1.0).collect();
    let ys: Vec<f32> = xs.iter().map(|x| 2.0 * x - 1.0).collect();
    (
        Tensor::from_vec(xs, (64, 1), &Device::Cpu).unwrap(),
        Tensor::from_vec(ys, (64, 1), &Device::Cpu).unwrap(),
    )
}

fn train_once() -> Vec<f64> {
    session::clear_session();
    session::set_random_seed(42);
    let dense1 = layers::build(
        "Dense",
        vec![V::Int(8)],
        vec![
            kw("activation", V::Str("relu".into())),
            kw("input_shape", V::Tuple(vec![V::Int(1)])),
        ],
    )
    .unwrap();
    let dense2 = layers::build("Dense", vec![V::Int(1)], vec![]).unwrap();
    let mut model = Model::sequential(vec![dense1, dense2], None).unwrap();
    let opt = optimizers::build("Adam", vec![], vec![kw("learning_rate", V::Float(0.05))]).unwrap();
    let loss = losses::build("mse", vec![], vec![]).unwrap();
    let mae = metrics::build("mae", vec![], vec![]).unwrap();
    model.compile(opt, loss, vec![mae]);
    let (x, y) = regression_data();
    let options = FitOptions {
        epochs: 30,
        batch_size: Some(16),
        verbose: 0,
        ..FitOptions::default()
    };
    let history = model
        .fit(Data::Arrays { x, y }, options, &mut NoHost)
        .unwrap();
    assert_eq!(history.history.keys().collect::<Vec<_>>(), ["loss", "mae"]);
    history.history["loss"].clone()
}

#[test]
fn dense_regression_loss_falls_deterministically() {
    let a = train_once();
    let b = train_once();
    assert_eq!(a.len(), 30);
    assert!(a[29] < a[0] * 0.1, "loss did not fall: {a:?}");
    for (p, q) in a.iter().zip(&b) {
        assert!((p - q).abs() < 1e-9, "runs differ: {a:?} vs {b:?}");
    }
}
