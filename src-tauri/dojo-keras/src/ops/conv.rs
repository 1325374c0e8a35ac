//! Convolution as one matrix product of gathered windows with the kernel.

use super::Padding;
use super::cpu;
use super::geometry::Axis;
use super::windows::Window;
use candle_core::{CpuStorage, CustomOp2, Layout, Result, Shape, Tensor, bail};

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
    let (_, h, w, c) = x.dims4()?;
    let (kh, kw, k_in, _) = kernel.dims4()?;
    if k_in != c {
        bail!("the kernel expects {k_in} input channels, the input has {c}");
    }
    if kernel.dtype() != x.dtype() {
        bail!("a {:?} kernel over a {:?} input", kernel.dtype(), x.dtype());
    }
    let window = Window {
        rows: Axis::new(h, kh, sh, dh, padding)?,
        cols: Axis::new(w, kw, sw, dw, padding)?,
    };
    if cpu::has_custom_op(x) {
        x.contiguous()?
            .apply_op2(&kernel.contiguous()?, Convolution(window))
    } else {
        forward(x, kernel, &window)
    }
}

/// The windows of `x` as the rows of a `(N * positions, taps * C)` matrix.
fn patch_rows(x: &Tensor, window: &Window) -> Result<Tensor> {
    let (n, _, _, c) = x.dims4()?;
    window
        .gather(x, 0.0)?
        .reshape((n * window.positions(), window.taps() * c))
}

/// The convolution as candle ops: on CPU the forward pass of
/// [`Convolution`], elsewhere the whole operation.
fn forward(x: &Tensor, kernel: &Tensor, window: &Window) -> Result<Tensor> {
    let n = x.dim(0)?;
    let (kh, kw, c, out) = kernel.dims4()?;
    patch_rows(x, window)?
        .matmul(&kernel.reshape((kh * kw * c, out))?)?
        .reshape((n, window.rows.output, window.cols.output, out))
}

/// The convolution as one autograd node, so that backpropagation computes
/// only the two matrix products and the scatter it needs (and no input
/// gradient for an input that does not track one).
struct Convolution(Window);

impl CustomOp2 for Convolution {
    fn name(&self) -> &'static str {
        "dojo-conv2d"
    }

    fn cpu_fwd(
        &self,
        x: &CpuStorage,
        x_layout: &Layout,
        kernel: &CpuStorage,
        kernel_layout: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let x = cpu::tensor(x, x_layout)?;
        let kernel = cpu::tensor(kernel, kernel_layout)?;
        let y = forward(&x, &kernel, &self.0)?;
        Ok((cpu::storage(&y)?, y.shape().clone()))
    }

    fn bwd(
        &self,
        x: &Tensor,
        kernel: &Tensor,
        _y: &Tensor,
        dy: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        let window = &self.0;
        let (n, _, _, out) = dy.dims4()?;
        let (kh, kw, c, _) = kernel.dims4()?;
        let dy = dy.detach().reshape((n * window.positions(), out))?;
        let dkernel = if kernel.track_op() {
            let rows = patch_rows(&x.detach(), window)?;
            Some(rows.t()?.matmul(&dy)?.reshape(kernel.shape())?)
        } else {
            None
        };
        let dx = if x.track_op() {
            let kernel = kernel.detach().reshape((kh * kw * c, out))?;
            let dpatches =
                dy.matmul(&kernel.t()?)?
                    .reshape((n, window.positions() * window.taps(), c))?;
            Some(window.scatter(&dpatches)?)
        } else {
            None
        };
        Ok((dx, dkernel))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device, Var};

    /// The custom op and the plain composition (used off CPU) agree on the
    /// output and on both gradients.
    #[test]
    fn custom_op_matches_the_composition() -> Result<()> {
        let x = Var::randn(0f64, 1.0, (2, 7, 6, 3), &Device::Cpu)?;
        let k = Var::randn(0f64, 1.0, (3, 2, 3, 4), &Device::Cpu)?;
        let window = Window {
            rows: Axis::new(7, 3, 2, 1, Padding::Same)?,
            cols: Axis::new(6, 2, 1, 2, Padding::Same)?,
        };
        let fast = x
            .as_tensor()
            .apply_op2(k.as_tensor(), Convolution(window))?;
        let plain = forward(x.as_tensor(), k.as_tensor(), &window)?;
        let weights = Tensor::randn(0f64, 1.0, fast.shape(), &Device::Cpu)?;
        let fast_grads = (&fast * &weights)?.sum_all()?.backward()?;
        let plain_grads = (&plain * &weights)?.sum_all()?.backward()?;
        let max_diff = |a: &Tensor, b: &Tensor| -> Result<f64> {
            (a - b)?.abs()?.max_all()?.to_dtype(DType::F64)?.to_scalar()
        };
        assert!(max_diff(&fast, &plain)? < 1e-12);
        for v in [&x, &k] {
            let (Some(a), Some(b)) = (fast_grads.get(v), plain_grads.get(v)) else {
                panic!("missing gradient");
            };
            assert!(max_diff(a, b)? < 1e-12);
        }
        Ok(())
    }
}
