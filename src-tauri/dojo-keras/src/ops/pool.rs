//! Max and average pooling over gathered windows.

use super::Padding;
use super::cpu;
use super::geometry::Axis;
use super::windows::{Window, reciprocal_counts};
use candle_core::{CpuStorage, CustomOp1, Layout, Result, Shape, Tensor, bail};

/// TensorFlow's `tf.nn.max_pool2d` over `(N, H, W, C)`: padded taps never
/// win, and the gradient of each output goes to the first (row-major)
/// maximum of its window, as TensorFlow's does.
pub fn max_pool2d(
    x: &Tensor,
    pool: (usize, usize),
    strides: (usize, usize),
    padding: Padding,
) -> Result<Tensor> {
    let window = pool_window(x, pool, strides, padding)?;
    if cpu::has_custom_op(x) {
        x.contiguous()?.apply_op1(Pooling::Max(window))
    } else {
        max_forward(x, &window)
    }
}

/// TensorFlow's `tf.nn.avg_pool2d` over `(N, H, W, C)`: each output is the
/// mean of its window's taps inside the input (padding is not counted).
pub fn avg_pool2d(
    x: &Tensor,
    pool: (usize, usize),
    strides: (usize, usize),
    padding: Padding,
) -> Result<Tensor> {
    let window = pool_window(x, pool, strides, padding)?;
    if cpu::has_custom_op(x) {
        x.contiguous()?.apply_op1(Pooling::Average(window))
    } else {
        avg_forward(x, &window)
    }
}

/// [`max_pool2d`] over `(N, W, C)`.
pub fn max_pool1d(x: &Tensor, pool: usize, stride: usize, padding: Padding) -> Result<Tensor> {
    pool1d(x, pool, stride, padding, max_pool2d)
}

/// [`avg_pool2d`] over `(N, W, C)`.
pub fn avg_pool1d(x: &Tensor, pool: usize, stride: usize, padding: Padding) -> Result<Tensor> {
    pool1d(x, pool, stride, padding, avg_pool2d)
}

/// A two-dimensional pooling function: input, pool, strides, padding.
type Pool2d = fn(&Tensor, (usize, usize), (usize, usize), Padding) -> Result<Tensor>;

fn pool1d(
    x: &Tensor,
    pool: usize,
    stride: usize,
    padding: Padding,
    pool2d: Pool2d,
) -> Result<Tensor> {
    let (n, _, c) = x.dims3()?;
    let out = pool2d(&x.unsqueeze(1)?, (1, pool), (1, stride), padding)?;
    let out_w = out.dim(2)?;
    out.reshape((n, out_w, c))
}

fn pool_window(
    x: &Tensor,
    (ph, pw): (usize, usize),
    (sh, sw): (usize, usize),
    padding: Padding,
) -> Result<Window> {
    if padding == Padding::Causal {
        bail!("pooling takes 'valid' or 'same' padding, not 'causal'");
    }
    let (_, h, w, _) = x.dims4()?;
    Ok(Window {
        rows: Axis::new(h, ph, sh, 1, padding)?,
        cols: Axis::new(w, pw, sw, 1, padding)?,
    })
}

/// The windows of `x` with padded taps at -inf, and for each output the
/// position in its window of the first maximum, `(N, positions, 1, C)`.
fn windows_and_first_max(x: &Tensor, window: &Window) -> Result<(Tensor, Tensor)> {
    let patches = window.gather(x, f64::NEG_INFINITY)?;
    let first_max = patches.argmax_keepdim(2)?.detach();
    Ok((patches, first_max))
}

/// Max pooling as candle ops: on CPU the forward pass of [`Pooling::Max`],
/// elsewhere the whole operation.
fn max_forward(x: &Tensor, window: &Window) -> Result<Tensor> {
    let (n, _, _, c) = x.dims4()?;
    let (patches, first_max) = windows_and_first_max(x, window)?;
    patches
        .gather(&first_max, 2)?
        .reshape((n, window.rows.output, window.cols.output, c))
}

/// Average pooling as candle ops: on CPU the forward pass of
/// [`Pooling::Average`], elsewhere the whole operation.
fn avg_forward(x: &Tensor, window: &Window) -> Result<Tensor> {
    let (n, _, _, c) = x.dims4()?;
    let sums = window.gather(x, 0.0)?.sum(2)?;
    sums.broadcast_mul(&reciprocal_counts(window, x.dtype(), x.device())?)?
        .reshape((n, window.rows.output, window.cols.output, c))
}

/// A pooling as one autograd node, whose backward pass scatters each
/// output's gradient straight onto the inputs it came from.
enum Pooling {
    Max(Window),
    Average(Window),
}

impl CustomOp1 for Pooling {
    fn name(&self) -> &'static str {
        match self {
            Self::Max(_) => "dojo-max-pool2d",
            Self::Average(_) => "dojo-avg-pool2d",
        }
    }

    fn cpu_fwd(&self, x: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let x = cpu::tensor(x, layout)?;
        let y = match self {
            Self::Max(window) => max_forward(&x, window)?,
            Self::Average(window) => avg_forward(&x, window)?,
        };
        Ok((cpu::storage(&y)?, y.shape().clone()))
    }

    fn bwd(&self, x: &Tensor, _y: &Tensor, dy: &Tensor) -> Result<Option<Tensor>> {
        let (n, _, _, c) = x.dims4()?;
        let (window, dpatches) = match self {
            Self::Max(window) => {
                let (patches, first_max) = windows_and_first_max(&x.detach(), window)?;
                let dy = dy.detach().reshape((n, window.positions(), 1, c))?;
                (
                    window,
                    patches.zeros_like()?.scatter_add(&first_max, &dy, 2)?,
                )
            }
            Self::Average(window) => {
                let dy = dy.detach().reshape((n, window.positions(), 1, c))?;
                let shares = reciprocal_counts(window, x.dtype(), x.device())?.unsqueeze(2)?;
                let shape = (n, window.positions(), window.taps(), c);
                (window, dy.broadcast_mul(&shares)?.broadcast_as(shape)?)
            }
        };
        let dpatches = dpatches.reshape((n, window.positions() * window.taps(), c))?;
        Ok(Some(window.scatter(&dpatches)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device, Var};

    /// The custom ops and the plain compositions (used off CPU) agree on
    /// outputs and gradients.
    #[test]
    fn custom_ops_match_the_compositions() -> Result<()> {
        let x = Var::randn(0f64, 1.0, (2, 7, 6, 3), &Device::Cpu)?;
        let window = Window {
            rows: Axis::new(7, 3, 2, 1, Padding::Same)?,
            cols: Axis::new(6, 2, 1, 1, Padding::Same)?,
        };
        let max_diff = |a: &Tensor, b: &Tensor| -> Result<f64> {
            (a - b)?.abs()?.max_all()?.to_dtype(DType::F64)?.to_scalar()
        };
        for (op, plain) in [
            (Pooling::Max(window), max_forward(x.as_tensor(), &window)?),
            (
                Pooling::Average(window),
                avg_forward(x.as_tensor(), &window)?,
            ),
        ] {
            let fast = x.as_tensor().apply_op1(op)?;
            let weights = Tensor::randn(0f64, 1.0, fast.shape(), &Device::Cpu)?;
            let fast_grads = (&fast * &weights)?.sum_all()?.backward()?;
            let plain_grads = (&plain * &weights)?.sum_all()?.backward()?;
            assert!(max_diff(&fast, &plain)? < 1e-12);
            let (Some(a), Some(b)) = (fast_grads.get(&x), plain_grads.get(&x)) else {
                panic!("missing gradient");
            };
            assert!(max_diff(a, b)? < 1e-12);
        }
        Ok(())
    }
}
