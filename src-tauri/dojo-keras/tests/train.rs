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

/// A one-`Dense` model of one input with its kernel set to `kernel`.
fn saturated(units: usize, activation: &str, kernel: &[f32], loss: &str) -> Model {
    session::clear_session();
    let dense = layers::build(
        "Dense",
        vec![V::Int(units as i64)],
        vec![
            kw("activation", V::Str(activation.into())),
            kw("input_shape", V::Tuple(vec![V::Int(1)])),
        ],
    )
    .unwrap();
    let mut model = Model::sequential(vec![dense], None).unwrap();
    model
        .set_weights(&[
            Tensor::from_vec(kernel.to_vec(), (1, units), &Device::Cpu).unwrap(),
            Tensor::zeros(units, candle_core::DType::F32, &Device::Cpu).unwrap(),
        ])
        .unwrap();
    let sgd = optimizers::build("SGD", vec![], vec![]).unwrap();
    model.compile(sgd, losses::build(loss, vec![], vec![]).unwrap(), vec![]);
    model
}

#[test]
fn crossentropy_of_a_saturated_sigmoid_or_softmax_uses_its_logits() {
    // Reference values from TF 2.21 / Keras 3.15 (their TensorFlow backend
    // computes the crossentropies from the logits a sigmoid or softmax
    // output caches as `_keras_logits`):
    //
    //   x = np.ones((4, 1), "float32"); y = np.zeros((4, 1), "float32")
    //   m = tf.keras.Sequential([tf.keras.Input((1,)),
    //                            tf.keras.layers.Dense(1, activation="sigmoid")])
    //   m.layers[0].set_weights([np.array([[50.0]], "float32"), np.zeros(1, "float32")])
    //   m.compile(loss="binary_crossentropy", optimizer="sgd")
    //   m.evaluate(x, y)                        # 50.0 (clipped probabilities: 16.12)
    //   m.fit(x, y, epochs=1, batch_size=4)     # kernel 50.0 -> 49.99
    //   # Dense(2, "softmax"), kernel [[50, -50]], label 1:
    //   #   sparse_categorical_crossentropy 100.0, categorical_crossentropy 100.0
    let x = Tensor::ones((4, 1), candle_core::DType::F32, &Device::Cpu).unwrap();
    let zeros = Tensor::zeros((4, 1), candle_core::DType::F32, &Device::Cpu).unwrap();
    let mut bce = saturated(1, "sigmoid", &[50.0], "binary_crossentropy");
    let logs = bce.evaluate(&x, &zeros, None).unwrap();
    assert!((logs["loss"] - 50.0).abs() < 1e-4, "{logs:?}");
    let options = FitOptions {
        epochs: 1,
        batch_size: Some(4),
        verbose: 0,
        shuffle: false,
        ..FitOptions::default()
    };
    bce.fit(
        Data::Arrays {
            x: x.clone(),
            y: zeros,
        },
        options,
        &mut NoHost,
    )
    .unwrap();
    let kernel: Vec<Vec<f32>> = bce.get_weights().unwrap()[0].to_vec2().unwrap();
    assert!((kernel[0][0] - 49.99).abs() < 1e-4, "{kernel:?}");

    let ones = Tensor::ones(4, candle_core::DType::F32, &Device::Cpu).unwrap();
    let mut scce = saturated(
        2,
        "softmax",
        &[50.0, -50.0],
        "sparse_categorical_crossentropy",
    );
    let logs = scce.evaluate(&x, &ones, None).unwrap();
    assert!((logs["loss"] - 100.0).abs() < 1e-3, "{logs:?}");
    let one_hot = Tensor::from_vec(
        vec![0f32, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0],
        (4, 2),
        &Device::Cpu,
    )
    .unwrap();
    let mut cce = saturated(2, "softmax", &[50.0, -50.0], "categorical_crossentropy");
    let logs = cce.evaluate(&x, &one_hot, None).unwrap();
    assert!((logs["loss"] - 100.0).abs() < 1e-3, "{logs:?}");

    // A loss the logits do not apply to keeps the probabilities.
    let mut mse = saturated(1, "sigmoid", &[50.0], "mse");
    let zeros = Tensor::zeros((4, 1), candle_core::DType::F32, &Device::Cpu).unwrap();
    let logs = mse.evaluate(&x, &zeros, None).unwrap();
    assert!((logs["loss"] - 1.0).abs() < 1e-4, "{logs:?}");
}
