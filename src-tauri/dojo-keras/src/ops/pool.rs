//! Max and average pooling over gathered windows.

use super::Padding;
use super::cpu;
use super::gemm::{Elem, for_blocks, image_blocks};
use super::geometry::Axis;
use super::windows::{Window, reciprocal_counts};
use candle_core::backend::BackendStorage;
use candle_core::{CpuStorage, CustomOp1, DType, Layout, Result, Shape, Tensor, bail};
use std::sync::Mutex;

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
        x.contiguous()?
            .apply_op1(Pooling::Max(window, Mutex::default()))
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

/// Calls `visit(output_position, taps)` for every output position of one
/// image under `window`, with the element offsets (`(i * W + j) * C`) of its
/// window's taps inside the image, in row-major window order.
fn for_each_window(window: &Window, c: usize, mut visit: impl FnMut(usize, &[usize])) {
    let Window { rows, cols } = *window;
    let mut taps = Vec::with_capacity(rows.kernel * cols.kernel);
    let mut position = 0;
    for oi in 0..rows.output {
        for oj in 0..cols.output {
            taps.clear();
            for ki in 0..rows.kernel {
                let Some(i) = rows.source(oi, ki) else {
                    continue;
                };
                for kj in 0..cols.kernel {
                    if let Some(j) = cols.source(oj, kj) {
                        taps.push((i * cols.input + j) * c);
                    }
                }
            }
            visit(position, &taps);
            position += 1;
        }
    }
}

/// Max pooling of one channels-last image `img` under `window` (`c`
/// channels): each output's maximum goes to `y`, the offset `base + at` of
/// its window's first (row-major) maximum to `from`, one
/// [`Elem::max_lanes`] per tap over the channels. The caller checks that
/// offsets fit `u32`.
pub(super) fn max_image<T: Elem>(
    window: &Window,
    img: &[T],
    c: usize,
    base: usize,
    y: &mut [T],
    from: &mut [u32],
) {
    for_each_window(window, c, |position, taps| {
        let best = &mut y[position * c..(position + 1) * c];
        let which = &mut from[position * c..(position + 1) * c];
        let Some((&first, rest)) = taps.split_first() else {
            return;
        };
        best.copy_from_slice(&img[first..first + c]);
        // `at + lane` with wrapping adds (the offsets fit, see above): a
        // counting range checks each step for overflow in debug builds.
        let at = (base + first) as u32;
        for (lane, w) in which.iter_mut().enumerate() {
            *w = at.wrapping_add(lane as u32);
        }
        for &tap in rest {
            T::max_lanes(best, which, &img[tap..tap + c], (base + tap) as u32);
        }
    });
}

/// A pooling as one autograd node on the CPU, computed with plain loops
/// over the channels-last elements; its backward pass adds each output's
/// gradient straight onto the inputs it came from.
enum Pooling {
    /// Max pooling; the forward pass records, for each output element, the
    /// input offset of its window's first maximum, which the backward pass
    /// adds the gradient to.
    Max(Window, Mutex<Vec<u32>>),
    Average(Window),
}

impl Pooling {
    fn window(&self) -> &Window {
        match self {
            Self::Max(window, _) | Self::Average(window) => window,
        }
    }

    /// `(n, c)` of an `(N, H, W, C)` input matching the window.
    fn dims(&self, dims: &[usize]) -> Result<(usize, usize)> {
        let window = self.window();
        match dims {
            &[n, h, w, c] if (h, w) == (window.rows.input, window.cols.input) => Ok((n, c)),
            _ => bail!("pooling geometry {window:?} does not match an input of {dims:?}"),
        }
    }

    /// Elements of one input image and of one output image.
    fn image_sizes(&self, c: usize) -> (usize, usize) {
        let window = self.window();
        (
            window.rows.input * window.cols.input * c,
            window.positions() * c,
        )
    }

    /// Max pooling's output and, for each output element, the input offset
    /// of its window's first (row-major) maximum ([`max_image`]); blocks of
    /// images run on the pool's threads.
    fn max_and_argmax<T: Elem>(&self, x: &[T], n: usize, c: usize) -> Result<(Vec<T>, Vec<u32>)> {
        if u32::try_from(x.len()).is_err() {
            bail!(
                "max pooling over {} elements, more than it can index",
                x.len()
            );
        }
        let (image_in, image_out) = self.image_sizes(c);
        let mut y = vec![T::ZERO; n * image_out];
        let mut from = vec![0u32; n * image_out];
        if image_out == 0 {
            return Ok((y, from));
        }
        let (block, parallel) = image_blocks(n, image_in);
        let blocks = y
            .chunks_mut(block * image_out)
            .zip(from.chunks_mut(block * image_out))
            .enumerate()
            .collect();
        for_blocks(blocks, parallel, |(b, (y, from))| {
            let images = y
                .chunks_exact_mut(image_out)
                .zip(from.chunks_exact_mut(image_out));
            for (i, (y, from)) in images.enumerate() {
                let base = (b * block + i) * image_in;
                max_image(self.window(), &x[base..base + image_in], c, base, y, from);
            }
            Ok(())
        })?;
        Ok((y, from))
    }

    fn forward<T: Elem>(&self, x: &[T], n: usize, c: usize) -> Result<Vec<T>> {
        match self {
            Self::Max(_, first_max) => {
                let (y, from) = self.max_and_argmax(x, n, c)?;
                *first_max.lock().unwrap_or_else(|p| p.into_inner()) = from;
                Ok(y)
            }
            Self::Average(_) => {
                let (image_in, image_out) = self.image_sizes(c);
                let mut y = vec![T::ZERO; n * image_out];
                if image_out == 0 {
                    return Ok(y);
                }
                let (block, parallel) = image_blocks(n, image_in);
                let blocks = y
                    .chunks_mut(block * image_out)
                    .zip(x.chunks(block * image_in))
                    .collect();
                for_blocks(blocks, parallel, |(y, x)| {
                    for (y, img) in y.chunks_exact_mut(image_out).zip(x.chunks_exact(image_in)) {
                        for_each_window(self.window(), c, |position, taps| {
                            let out = &mut y[position * c..(position + 1) * c];
                            for &tap in taps {
                                for (o, &v) in out.iter_mut().zip(&img[tap..tap + c]) {
                                    *o += v;
                                }
                            }
                            let share = T::from_f64(1.0 / taps.len().max(1) as f64);
                            out.iter_mut().for_each(|o| *o *= share);
                        });
                    }
                    Ok(())
                })?;
                Ok(y)
            }
        }
    }

    fn backward<T: Elem>(&self, x: &[T], dy: &[T], n: usize, c: usize) -> Result<Vec<T>> {
        let (image_in, image_out) = self.image_sizes(c);
        let mut dx = vec![T::ZERO; x.len()];
        if dy.len() != n * image_out {
            bail!("a pooling gradient of {} elements for {n} images", dy.len());
        }
        if image_out == 0 {
            return Ok(dx);
        }
        let (block, parallel) = image_blocks(n, image_in);
        match self {
            Self::Max(_, first_max) => {
                let mut from = first_max.lock().unwrap_or_else(|p| p.into_inner());
                if from.len() != dy.len() {
                    // Not run forward through this op (never in training).
                    *from = self.max_and_argmax(x, n, c)?.1;
                }
                let blocks = dx
                    .chunks_mut(block * image_in)
                    .zip(
                        from.chunks(block * image_out)
                            .zip(dy.chunks(block * image_out)),
                    )
                    .enumerate()
                    .collect();
                for_blocks(blocks, parallel, |(b, (dx, (from, dy)))| {
                    let base = b * block * image_in;
                    for (&at, &g) in from.iter().zip(dy) {
                        dx[at as usize - base] += g;
                    }
                    Ok(())
                })?;
            }
            Self::Average(_) => {
                let blocks = dx
                    .chunks_mut(block * image_in)
                    .zip(dy.chunks(block * image_out))
                    .collect();
                for_blocks(blocks, parallel, |(dx, dy)| {
                    for (dx, dy) in dx
                        .chunks_exact_mut(image_in)
                        .zip(dy.chunks_exact(image_out))
                    {
                        for_each_window(self.window(), c, |position, taps| {
                            let share = T::from_f64(1.0 / taps.len().max(1) as f64);
                            let grads = &dy[position * c..(position + 1) * c];
                            for &tap in taps {
                                for (d, &g) in dx[tap..tap + c].iter_mut().zip(grads) {
                                    *d += g * share;
                                }
                            }
                        });
                    }
                    Ok(())
                })?;
            }
        }
        Ok(dx)
    }

    fn gradient<T: Elem>(&self, x: &Tensor, dy: &Tensor) -> Result<Tensor> {
        let (n, c) = self.dims(x.dims())?;
        let dx = cpu::with_slice::<T, _>(x, |xs| {
            cpu::with_slice::<T, _>(dy, |dys| self.backward(xs, dys, n, c))
        })?;
        Tensor::from_vec(dx, x.shape(), x.device())
    }
}

impl CustomOp1 for Pooling {
    fn name(&self) -> &'static str {
        match self {
            Self::Max(..) => "dojo-max-pool2d",
            Self::Average(_) => "dojo-avg-pool2d",
        }
    }

    fn cpu_fwd(&self, x: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let (n, c) = self.dims(layout.dims())?;
        let window = self.window();
        let shape = Shape::from((n, window.rows.output, window.cols.output, c));
        let y = match x {
            CpuStorage::F32(_) => {
                CpuStorage::F32(self.forward(cpu::storage_slice(x, layout)?, n, c)?)
            }
            CpuStorage::F64(_) => {
                CpuStorage::F64(self.forward(cpu::storage_slice(x, layout)?, n, c)?)
            }
            _ => bail!("pooling over {:?}", x.dtype()),
        };
        Ok((y, shape))
    }

    fn bwd(&self, x: &Tensor, _y: &Tensor, dy: &Tensor) -> Result<Option<Tensor>> {
        let dx = match x.dtype() {
            DType::F32 => self.gradient::<f32>(x, dy)?,
            DType::F64 => self.gradient::<f64>(x, dy)?,
            other => bail!("pooling gradient for {other:?}"),
        };
        Ok(Some(dx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device, Var};

    /// The custom ops and the plain compositions (used off CPU) agree on
    /// outputs and gradients: a small batch (one block on this thread) and
    /// one big enough to be split over the pool's threads.
    #[test]
    fn custom_ops_match_the_compositions() -> Result<()> {
        let max_diff = |a: &Tensor, b: &Tensor| -> Result<f64> {
            (a - b)?.abs()?.max_all()?.to_dtype(DType::F64)?.to_scalar()
        };
        for (n, h, w, c) in [(2, 7, 6, 3), (16, 24, 25, 8)] {
            let x = Var::randn(0f64, 1.0, (n, h, w, c), &Device::Cpu)?;
            let window = Window {
                rows: Axis::new(h, 3, 2, 1, Padding::Same)?,
                cols: Axis::new(w, 2, 1, 1, Padding::Same)?,
            };
            for (op, plain) in [
                (
                    Pooling::Max(window, Mutex::default()),
                    max_forward(x.as_tensor(), &window)?,
                ),
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
                assert!(max_diff(a, b)? < 1e-12, "{n} images");
            }
        }
        Ok(())
    }
}
