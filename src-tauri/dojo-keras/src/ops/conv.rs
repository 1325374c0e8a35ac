//! Convolution as one matrix product of gathered windows with the kernel.

use super::Padding;
use super::geometry::Axis;
use super::windows::Window;
use candle_core::{Result, Tensor, bail};

/// TensorFlow's `tf.nn.conv2d` (channels-last, `HWIO` kernel): `x` is
/// `(N, H, W, C)`, `kernel` is `(kh, kw, C, out)`, the result is
/// `(N, out_h, out_w, out)`. `padding` is `Valid` or `Same`.
pub fn conv2d(
    x: &Tensor,
    kernel: &Tensor,
    strides: (usize, usize),
    padding: Padding,
    dilation: (usize, usize),
) -> Result<Tensor> {
    if padding == Padding::Causal {
        bail!("causal padding applies to one-dimensional convolutions only");
    }
    convolve(x, kernel, strides, padding, dilation)
}

/// TensorFlow's `tf.nn.conv1d` (channels-last): `x` is `(N, W, C)`, `kernel`
/// is `(k, C, out)`, the result is `(N, out_w, out)`. `Causal` pads
/// `(k - 1) * dilation` zeros on the left, as Keras's `Conv1D`.
pub fn conv1d(
    x: &Tensor,
    kernel: &Tensor,
    stride: usize,
    padding: Padding,
    dilation: usize,
) -> Result<Tensor> {
    let (n, _, _) = x.dims3()?;
    let out = convolve(
        &x.unsqueeze(1)?,
        &kernel.unsqueeze(0)?,
        (1, stride),
        padding,
        (1, dilation),
    )?;
    let (_, _, out_w, filters) = out.dims4()?;
    out.reshape((n, out_w, filters))
}

/// The two-dimensional convolution behind both public functions; a height
/// of 1 with a kernel height of 1 pads nothing under any `padding`.
fn convolve(
    x: &Tensor,
    kernel: &Tensor,
    (sh, sw): (usize, usize),
    padding: Padding,
    (dh, dw): (usize, usize),
) -> Result<Tensor> {
    let (n, h, w, c) = x.dims4()?;
    let (kh, kw, k_in, k_out) = kernel.dims4()?;
    if k_in != c {
        bail!("the kernel expects {k_in} input channels, the input has {c}");
    }
    let window = Window {
        rows: Axis::new(h, kh, sh, dh, padding)?,
        cols: Axis::new(w, kw, sw, dw, padding)?,
    };
    let (out_h, out_w) = (window.rows.output, window.cols.output);
    let patches = window
        .gather(x, 0.0)?
        .reshape((n * out_h * out_w, kh * kw * c))?;
    patches
        .matmul(&kernel.reshape((kh * kw * c, k_out))?)?
        .reshape((n, out_h, out_w, k_out))
}
