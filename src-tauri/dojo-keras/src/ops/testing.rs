//! What the kernels' tests share: comparing a custom op with its candle
//! composition.

use candle_core::{DType, Result, Tensor};

/// Asserts that `fast` and `plain` agree within `tol`, and so do the
/// gradients of each of `vars` through both (the outputs weighted by one
/// random tensor); a variable gets a gradient from both or from neither.
/// Returns the fast side's gradients.
pub fn assert_agree(
    fast: &Tensor,
    plain: &Tensor,
    vars: &[&Tensor],
    tol: f64,
    what: &str,
) -> Result<candle_core::backprop::GradStore> {
    let max_diff = |a: &Tensor, b: &Tensor| -> Result<f64> {
        (a - b)?.abs()?.max_all()?.to_dtype(DType::F64)?.to_scalar()
    };
    assert_eq!(fast.dims(), plain.dims(), "{what}");
    assert!(max_diff(fast, plain)? < tol, "{what}: outputs differ");
    let weights = Tensor::randn(0f64, 1.0, fast.shape(), fast.device())?.to_dtype(fast.dtype())?;
    let fast_grads = (fast * &weights)?.sum_all()?.backward()?;
    let plain_grads = (plain * &weights)?.sum_all()?.backward()?;
    for v in vars {
        match (fast_grads.get(v), plain_grads.get(v)) {
            (Some(a), Some(b)) => assert!(max_diff(a, b)? < tol, "{what}: gradients differ"),
            (None, None) => {}
            _ => panic!("{what}: one side lacks a gradient"),
        }
    }
    Ok(fast_grads)
}
