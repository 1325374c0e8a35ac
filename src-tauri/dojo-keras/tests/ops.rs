//! `dojo_keras::ops` against TensorFlow 2.21: outputs and gradients for
//! input and kernel (references in `ops/reference.rs`, with the script that
//! generated them), finite differences in f64, and argument errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "ops/reference.rs"]
mod reference;

use candle_core::{DType, Device, Result, Tensor, Var};
use dojo_keras::ops::{Padding, avg_pool1d, avg_pool2d, conv1d, conv2d, max_pool1d, max_pool2d};
use reference as r;

type Reference = (&'static [usize], &'static [f64]);

/// The generator's `vals`: `sin(0.731 i + seed) + cos(1.37 i + 2 seed) / 4`.
fn vals(len: usize, seed: f64) -> Vec<f64> {
    (0..len)
        .map(|i| {
            let i = i as f64;
            (i * 0.731 + seed).sin() + 0.25 * (i * 1.37 + 2.0 * seed).cos()
        })
        .collect()
}

fn tensor(data: Vec<f64>, shape: &[usize], dtype: DType) -> Tensor {
    Tensor::from_vec(data, shape, &Device::Cpu)
        .unwrap()
        .to_dtype(dtype)
        .unwrap()
}

fn assert_close(name: &str, got: &Tensor, want: Reference, dtype: DType) {
    assert_eq!(got.dims(), want.0, "{name}: shape");
    let got: Vec<f64> = got
        .to_dtype(DType::F64)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap();
    let tol = if dtype == DType::F64 { 1e-10 } else { 2e-5 };
    for (i, (g, w)) in got.iter().zip(want.1).enumerate() {
        assert!(
            (g - w).abs() <= tol * (1.0 + w.abs()),
            "{name} ({dtype:?}): element {i} is {g}, TensorFlow gives {w}"
        );
    }
}

/// An operation under test: the input and, for convolutions, the kernel.
type Op<'a> = &'a dyn Fn(&Tensor, Option<&Tensor>) -> Result<Tensor>;

/// Runs `op` on `x` (from `vals(.., 1)`, passed through `x_fn`) and the
/// kernel (`vals(.., 2)`) as f32 and f64 variables, and compares the output
/// and the gradients of `sum(out * vals(.., 3))` with TensorFlow's.
fn check_with(
    name: &str,
    op: Op,
    x_fn: fn(f64) -> f64,
    out: Reference,
    dx: Reference,
    dk: Option<Reference>,
) {
    for dtype in [DType::F32, DType::F64] {
        let x_len = dx.0.iter().product();
        let x_data = vals(x_len, 1.0).into_iter().map(x_fn).collect();
        let x = Var::from_tensor(&tensor(x_data, dx.0, dtype)).unwrap();
        let k = dk.map(|(shape, _)| {
            let len = shape.iter().product();
            Var::from_tensor(&tensor(vals(len, 2.0), shape, dtype)).unwrap()
        });
        let y = op(x.as_tensor(), k.as_ref().map(Var::as_tensor)).unwrap();
        assert_close(&format!("{name} output"), &y, out, dtype);
        let weights = tensor(vals(y.elem_count(), 3.0), y.dims(), dtype);
        let grads = (&y * &weights)
            .unwrap()
            .sum_all()
            .unwrap()
            .backward()
            .unwrap();
        assert_close(&format!("{name} d/dx"), grads.get(&x).unwrap(), dx, dtype);
        if let (Some(k), Some(dk)) = (k, dk) {
            assert_close(
                &format!("{name} d/dkernel"),
                grads.get(&k).unwrap(),
                dk,
                dtype,
            );
        }
    }
}

fn check(name: &str, op: Op, out: Reference, dx: Reference, dk: Option<Reference>) {
    check_with(name, op, |v| v, out, dx, dk);
}

fn conv2d_op(
    strides: (usize, usize),
    padding: Padding,
    dilation: (usize, usize),
) -> impl Fn(&Tensor, Option<&Tensor>) -> Result<Tensor> {
    move |x, k| conv2d(x, k.unwrap(), strides, padding, dilation)
}

fn conv1d_op(
    stride: usize,
    padding: Padding,
    dilation: usize,
) -> impl Fn(&Tensor, Option<&Tensor>) -> Result<Tensor> {
    move |x, k| conv1d(x, k.unwrap(), stride, padding, dilation)
}

#[test]
fn conv2d_matches_tensorflow() {
    use Padding::{Same, Valid};
    let cases: [(&str, Op, [Reference; 3]); 7] = [
        (
            "valid",
            &conv2d_op((1, 1), Valid, (1, 1)),
            [r::CONV2D_VALID_OUT, r::CONV2D_VALID_DX, r::CONV2D_VALID_DK],
        ),
        (
            "same s2",
            &conv2d_op((2, 2), Same, (1, 1)),
            [
                r::CONV2D_SAME_S2_OUT,
                r::CONV2D_SAME_S2_DX,
                r::CONV2D_SAME_S2_DK,
            ],
        ),
        (
            "11x11 same s2",
            &conv2d_op((2, 2), Same, (1, 1)),
            [
                r::CONV2D_ODD_SAME_S2_OUT,
                r::CONV2D_ODD_SAME_S2_DX,
                r::CONV2D_ODD_SAME_S2_DK,
            ],
        ),
        (
            "same d2",
            &conv2d_op((1, 1), Same, (2, 2)),
            [
                r::CONV2D_SAME_D2_OUT,
                r::CONV2D_SAME_D2_DX,
                r::CONV2D_SAME_D2_DK,
            ],
        ),
        (
            "valid d(2,1)",
            &conv2d_op((1, 1), Valid, (2, 1)),
            [
                r::CONV2D_VALID_D21_OUT,
                r::CONV2D_VALID_D21_DX,
                r::CONV2D_VALID_D21_DK,
            ],
        ),
        (
            "valid s(3,2)",
            &conv2d_op((3, 2), Valid, (1, 1)),
            [
                r::CONV2D_VALID_S32_OUT,
                r::CONV2D_VALID_S32_DX,
                r::CONV2D_VALID_S32_DK,
            ],
        ),
        (
            "same 4x4 kernel",
            &conv2d_op((1, 1), Same, (1, 1)),
            [
                r::CONV2D_SAME_4X4_OUT,
                r::CONV2D_SAME_4X4_DX,
                r::CONV2D_SAME_4X4_DK,
            ],
        ),
    ];
    for (name, op, [out, dx, dk]) in cases {
        check(&format!("conv2d {name}"), op, out, dx, Some(dk));
    }
}

#[test]
fn conv1d_matches_tensorflow() {
    use Padding::{Causal, Same, Valid};
    let cases: [(&str, Op, [Reference; 3]); 5] = [
        (
            "valid",
            &conv1d_op(1, Valid, 1),
            [r::CONV1D_VALID_OUT, r::CONV1D_VALID_DX, r::CONV1D_VALID_DK],
        ),
        (
            "same s2",
            &conv1d_op(2, Same, 1),
            [
                r::CONV1D_SAME_S2_OUT,
                r::CONV1D_SAME_S2_DX,
                r::CONV1D_SAME_S2_DK,
            ],
        ),
        (
            "same d2",
            &conv1d_op(1, Same, 2),
            [
                r::CONV1D_SAME_D2_OUT,
                r::CONV1D_SAME_D2_DX,
                r::CONV1D_SAME_D2_DK,
            ],
        ),
        (
            "causal d2",
            &conv1d_op(1, Causal, 2),
            [
                r::CONV1D_CAUSAL_D2_OUT,
                r::CONV1D_CAUSAL_D2_DX,
                r::CONV1D_CAUSAL_D2_DK,
            ],
        ),
        (
            "causal s2",
            &conv1d_op(2, Causal, 1),
            [
                r::CONV1D_CAUSAL_S2_OUT,
                r::CONV1D_CAUSAL_S2_DX,
                r::CONV1D_CAUSAL_S2_DK,
            ],
        ),
    ];
    for (name, op, [out, dx, dk]) in cases {
        check(&format!("conv1d {name}"), op, out, dx, Some(dk));
    }
}

#[test]
fn max_pool_matches_tensorflow() {
    use Padding::{Same, Valid};
    let pool2 = |pool, strides, padding| {
        move |x: &Tensor, _: Option<&Tensor>| max_pool2d(x, pool, strides, padding)
    };
    let pool1 = |pool, stride, padding| {
        move |x: &Tensor, _: Option<&Tensor>| max_pool1d(x, pool, stride, padding)
    };
    check(
        "max_pool2d 11x11 valid",
        &pool2((2, 2), (2, 2), Valid),
        r::MAXPOOL2D_ODD_VALID_OUT,
        r::MAXPOOL2D_ODD_VALID_DX,
        None,
    );
    check(
        "max_pool2d same 3 s2",
        &pool2((3, 3), (2, 2), Same),
        r::MAXPOOL2D_SAME_3S2_OUT,
        r::MAXPOOL2D_SAME_3S2_DX,
        None,
    );
    check(
        "max_pool2d same (2,3) s(1,2)",
        &pool2((2, 3), (1, 2), Same),
        r::MAXPOOL2D_SAME_23S12_OUT,
        r::MAXPOOL2D_SAME_23S12_DX,
        None,
    );
    check(
        "max_pool1d valid",
        &pool1(2, 2, Valid),
        r::MAXPOOL1D_VALID_OUT,
        r::MAXPOOL1D_VALID_DX,
        None,
    );
    check(
        "max_pool1d same 3 s2",
        &pool1(3, 2, Same),
        r::MAXPOOL1D_SAME_3S2_OUT,
        r::MAXPOOL1D_SAME_3S2_DX,
        None,
    );
}

/// Where several taps share the maximum, TensorFlow's gradient goes to the
/// first one only.
#[test]
fn max_pool_gradient_goes_to_the_first_of_tied_maxima() {
    use Padding::{Same, Valid};
    let ties = |v: f64| (v.max(0.0) * 2.0).round_ties_even() / 2.0;
    let valid = |x: &Tensor, _: Option<&Tensor>| max_pool2d(x, (2, 2), (2, 2), Valid);
    let same = |x: &Tensor, _: Option<&Tensor>| max_pool2d(x, (3, 3), (2, 2), Same);
    check_with(
        "max_pool2d ties",
        &valid,
        ties,
        r::MAXPOOL2D_TIES_OUT,
        r::MAXPOOL2D_TIES_DX,
        None,
    );
    check_with(
        "max_pool2d ties same",
        &same,
        ties,
        r::MAXPOOL2D_TIES_SAME_OUT,
        r::MAXPOOL2D_TIES_SAME_DX,
        None,
    );
}

#[test]
fn avg_pool_matches_tensorflow() {
    use Padding::{Same, Valid};
    let pool2 = |pool, strides, padding| {
        move |x: &Tensor, _: Option<&Tensor>| avg_pool2d(x, pool, strides, padding)
    };
    check(
        "avg_pool2d same 3 s2",
        &pool2((3, 3), (2, 2), Same),
        r::AVGPOOL2D_SAME_3S2_OUT,
        r::AVGPOOL2D_SAME_3S2_DX,
        None,
    );
    check(
        "avg_pool2d 11x11 valid",
        &pool2((2, 2), (2, 2), Valid),
        r::AVGPOOL2D_ODD_VALID_OUT,
        r::AVGPOOL2D_ODD_VALID_DX,
        None,
    );
    check(
        "avg_pool2d same (3,2) s(2,1)",
        &pool2((3, 2), (2, 1), Same),
        r::AVGPOOL2D_SAME_32S21_OUT,
        r::AVGPOOL2D_SAME_32S21_DX,
        None,
    );
    let pool1 = |x: &Tensor, _: Option<&Tensor>| avg_pool1d(x, 3, 2, Same);
    check(
        "avg_pool1d same 3 s2",
        &pool1,
        r::AVGPOOL1D_SAME_3S2_OUT,
        r::AVGPOOL1D_SAME_3S2_DX,
        None,
    );
}

/// 11x11 pooled 2x2 by 2 gives 5x5: each of the 25 windows per channel
/// passes its gradient to exactly one input, and row and column 10 get none.
#[test]
fn odd_size_max_pool_backward_reaches_every_window() {
    let x = Var::from_tensor(&tensor(
        vals(2 * 11 * 11 * 3, 1.0),
        &[2, 11, 11, 3],
        DType::F32,
    ))
    .unwrap();
    let y = max_pool2d(x.as_tensor(), (2, 2), (2, 2), Padding::Valid).unwrap();
    assert_eq!(y.dims(), [2, 5, 5, 3]);
    let grads = y.sum_all().unwrap().backward().unwrap();
    let dx = grads.get(&x).unwrap();
    let ones: f32 = dx.sum_all().unwrap().to_scalar().unwrap();
    assert_eq!(ones, 150.0);
    let nonzero: f32 = dx
        .ne(0f32)
        .unwrap()
        .to_dtype(DType::F32)
        .unwrap()
        .sum_all()
        .unwrap()
        .to_scalar()
        .unwrap();
    assert_eq!(nonzero, 150.0);
    let edge: f32 = dx
        .narrow(1, 10, 1)
        .unwrap()
        .abs()
        .unwrap()
        .sum_all()
        .unwrap()
        .to_scalar()
        .unwrap();
    assert_eq!(edge, 0.0);
}

/// Central differences of `sum(op(x, k) * weights)` in f64 against the
/// autograd gradients for every element of `x` and `k`.
fn finite_differences(op: Op, x_shape: &[usize], k_shape: Option<&[usize]>) {
    let x_len = x_shape.iter().product();
    let x0 = vals(x_len, 1.0);
    let k0 = k_shape.map(|s| vals(s.iter().product(), 2.0));
    let loss = |x: &[f64], k: Option<&[f64]>| -> (Tensor, Tensor) {
        let x = tensor(x.to_vec(), x_shape, DType::F64);
        let k = k.map(|k| tensor(k.to_vec(), k_shape.unwrap(), DType::F64));
        let y = op(&x, k.as_ref()).unwrap();
        let w = tensor(vals(y.elem_count(), 3.0), y.dims(), DType::F64);
        ((&y * &w).unwrap().sum_all().unwrap(), y)
    };
    let x = Var::from_tensor(&tensor(x0.clone(), x_shape, DType::F64)).unwrap();
    let k = k_shape.map(|s| Var::from_tensor(&tensor(k0.clone().unwrap(), s, DType::F64)).unwrap());
    let y = op(x.as_tensor(), k.as_ref().map(Var::as_tensor)).unwrap();
    let w = tensor(vals(y.elem_count(), 3.0), y.dims(), DType::F64);
    let grads = (&y * &w).unwrap().sum_all().unwrap().backward().unwrap();
    let eps = 1e-6;
    let numeric = |perturb: &dyn Fn(f64) -> (Vec<f64>, Option<Vec<f64>>)| {
        let (xp, kp) = perturb(eps);
        let (xm, km) = perturb(-eps);
        let lp: f64 = loss(&xp, kp.as_deref()).0.to_scalar().unwrap();
        let lm: f64 = loss(&xm, km.as_deref()).0.to_scalar().unwrap();
        (lp - lm) / (2.0 * eps)
    };
    let dx: Vec<f64> = grads
        .get(&x)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap();
    for i in 0..x_len {
        let want = numeric(&|e| {
            let mut x = x0.clone();
            x[i] += e;
            (x, k0.clone())
        });
        assert!(
            (dx[i] - want).abs() < 1e-6,
            "d/dx[{i}]: autograd {}, numeric {want}",
            dx[i]
        );
    }
    if let (Some(k), Some(k0)) = (&k, &k0) {
        let dk: Vec<f64> = grads
            .get(k)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        for i in 0..k0.len() {
            let want = numeric(&|e| {
                let mut k = k0.clone();
                k[i] += e;
                (x0.clone(), Some(k))
            });
            assert!(
                (dk[i] - want).abs() < 1e-6,
                "d/dk[{i}]: autograd {}, numeric {want}",
                dk[i]
            );
        }
    }
}

#[test]
fn gradients_match_finite_differences_in_f64() {
    use Padding::{Causal, Same};
    finite_differences(
        &conv2d_op((2, 1), Same, (1, 1)),
        &[2, 5, 6, 2],
        Some(&[3, 2, 2, 3]),
    );
    finite_differences(
        &conv2d_op((1, 1), Same, (2, 1)),
        &[1, 6, 4, 2],
        Some(&[2, 3, 2, 2]),
    );
    finite_differences(&conv1d_op(1, Causal, 2), &[2, 7, 2], Some(&[3, 2, 2]));
    finite_differences(
        &|x, _| max_pool2d(x, (3, 2), (2, 2), Same),
        &[2, 7, 5, 2],
        None,
    );
    finite_differences(
        &|x, _| avg_pool2d(x, (3, 3), (2, 1), Same),
        &[2, 7, 5, 2],
        None,
    );
    finite_differences(&|x, _| max_pool1d(x, 3, 2, Same), &[2, 9, 2], None);
}

#[test]
fn invalid_arguments_are_errors() {
    let x = tensor(vals(2 * 5 * 5 * 3, 1.0), &[2, 5, 5, 3], DType::F32);
    let k = tensor(vals(3 * 3 * 3 * 4, 2.0), &[3, 3, 3, 4], DType::F32);
    assert!(conv2d(&x, &k, (1, 1), Padding::Causal, (1, 1)).is_err());
    assert!(conv2d(&x, &k, (0, 1), Padding::Valid, (1, 1)).is_err());
    assert!(conv2d(&x, &k, (1, 1), Padding::Valid, (1, 0)).is_err());
    let wrong_channels = tensor(vals(3 * 3 * 2 * 4, 2.0), &[3, 3, 2, 4], DType::F32);
    assert!(conv2d(&x, &wrong_channels, (1, 1), Padding::Valid, (1, 1)).is_err());
    let too_big = tensor(vals(6 * 6 * 3, 2.0), &[6, 6, 3, 1], DType::F32);
    assert!(conv2d(&x, &too_big, (1, 1), Padding::Valid, (1, 1)).is_err());
    assert!(conv2d(&x, &too_big, (1, 1), Padding::Same, (1, 1)).is_ok());
    assert!(
        conv2d(
            &x.flatten_all().unwrap(),
            &k,
            (1, 1),
            Padding::Valid,
            (1, 1)
        )
        .is_err()
    );
    assert!(max_pool2d(&x, (2, 2), (2, 2), Padding::Causal).is_err());
    assert!(avg_pool2d(&x, (6, 1), (1, 1), Padding::Valid).is_err());
    assert!(max_pool2d(&x, (0, 1), (1, 1), Padding::Same).is_err());
    let x1 = x.reshape((2, 25, 3)).unwrap();
    assert!(max_pool1d(&x1, 2, 2, Padding::Causal).is_err());
    assert!(conv1d(&x1, &k, 1, Padding::Causal, 1).is_err());
}
