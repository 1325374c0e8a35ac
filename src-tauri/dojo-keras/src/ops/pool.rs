//! Max and average pooling over gathered windows.

use super::Padding;
use super::geometry::Axis;
use super::windows::{Window, reciprocal_counts};
use candle_core::{Result, Tensor, bail};

/// TensorFlow's `tf.nn.max_pool2d` over `(N, H, W, C)`: padded taps never
/// win, and the gradient of each output goes to the first (row-major)
/// maximum of its window, as TensorFlow's does.
pub fn max_pool2d(
    x: &Tensor,
    pool: (usize, usize),
    strides: (usize, usize),
    padding: Padding,
) -> Result<Tensor> {
    let (n, window) = pool_window(x, pool, strides, padding)?;
    let c = x.dim(3)?;
    let patches = window.gather(x, f64::NEG_INFINITY)?;
    let first_max = patches.argmax_keepdim(2)?.detach();
    patches
        .gather(&first_max, 2)?
        .reshape((n, window.rows.output, window.cols.output, c))
}

/// TensorFlow's `tf.nn.avg_pool2d` over `(N, H, W, C)`: each output is the
/// mean of its window's taps inside the input (padding is not counted).
pub fn avg_pool2d(
    x: &Tensor,
    pool: (usize, usize),
    strides: (usize, usize),
    padding: Padding,
) -> Result<Tensor> {
    let (n, window) = pool_window(x, pool, strides, padding)?;
    let c = x.dim(3)?;
    let sums = window.gather(x, 0.0)?.sum(2)?;
    sums.broadcast_mul(&reciprocal_counts(&window, x.dtype(), x.device())?)?
        .reshape((n, window.rows.output, window.cols.output, c))
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
) -> Result<(usize, Window)> {
    if padding == Padding::Causal {
        bail!("pooling takes 'valid' or 'same' padding, not 'causal'");
    }
    let (n, h, w, _) = x.dims4()?;
    let window = Window {
        rows: Axis::new(h, ph, sh, 1, padding)?,
        cols: Axis::new(w, pw, sw, 1, padding)?,
    };
    Ok((n, window))
}
