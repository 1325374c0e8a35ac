//! Convolution as one matrix product of gathered windows with the kernel.

use super::Padding;
use super::cpu;
use super::dense::Pointwise;
use super::gemm::{
    Elem, Mat, ThreeGradients, fold_blocks, for_blocks, gemm, parallel_threads, sum_partials,
};
use super::geometry::Axis;
use super::pool::max_image;
use super::windows::Window;
use candle_core::backend::BackendStorage;
use candle_core::{CpuStorage, CustomOp2, CustomOp3, DType, Layout, Result, Shape, Tensor, bail};
use std::sync::Mutex;

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

/// `activation(conv2d(x, kernel) + bias)` as one CPU kernel (see
/// [`conv2d`]; `bias` has one element per filter): the bias and the
/// activation are applied to the product's output in place, and the
/// backward pass turns the output gradient into the pre-activation one (and
/// the bias gradient) in one pass before the convolution's own products.
/// CPU f32/f64 only ([`cpu::has_custom_op`]).
pub fn conv2d_bias_activation(
    x: &Tensor,
    kernel: &Tensor,
    bias: &Tensor,
    act: Pointwise,
    strides: (usize, usize),
    padding: Padding,
    dilation: (usize, usize),
) -> Result<Tensor> {
    if padding == Padding::Causal {
        bail!("causal padding applies to one-dimensional convolutions only");
    }
    let window = window_for(x, kernel, strides, padding, dilation)?;
    x.contiguous()?.apply_op3(
        &kernel.contiguous()?,
        &bias.contiguous()?,
        Biased(Fused {
            conv: Convolution {
                window,
                patch_elements: PATCH_ELEMENTS,
            },
            act,
        }),
    )
}

/// `max_pool2d(activation(conv2d(x, kernel) + bias))` as one CPU kernel
/// (see [`conv2d_bias_activation`] and [`super::max_pool2d`]): each block of
/// images goes from im2col through the product, bias, activation and
/// pooling while it is in cache, and the full-size convolution output never
/// exists. Backpropagation sends each pooled gradient through the
/// activation's derivative (a function of the pooled output, which is the
/// activation's output at the window's first maximum) to that maximum only,
/// as the two ops in sequence do. CPU f32/f64 only.
#[allow(clippy::too_many_arguments)]
pub fn conv2d_bias_activation_max_pool(
    x: &Tensor,
    kernel: &Tensor,
    bias: &Tensor,
    act: Pointwise,
    strides: (usize, usize),
    padding: Padding,
    dilation: (usize, usize),
    (pool, pool_strides, pool_padding): ((usize, usize), (usize, usize), Padding),
) -> Result<Tensor> {
    if padding == Padding::Causal || pool_padding == Padding::Causal {
        bail!("causal padding applies to one-dimensional convolutions only");
    }
    let window = window_for(x, kernel, strides, padding, dilation)?;
    let pool = Window {
        rows: Axis::new(window.rows.output, pool.0, pool_strides.0, 1, pool_padding)?,
        cols: Axis::new(window.cols.output, pool.1, pool_strides.1, 1, pool_padding)?,
    };
    x.contiguous()?.apply_op3(
        &kernel.contiguous()?,
        &bias.contiguous()?,
        Biased(ConvPool {
            conv: Convolution {
                window,
                patch_elements: PATCH_ELEMENTS,
            },
            act,
            pool,
            first_max: Mutex::default(),
        }),
    )
}

/// [`conv2d_bias_activation`] over `(N, W, C)` with a `(k, C, out)` kernel,
/// as [`conv1d`].
pub fn conv1d_bias_activation(
    x: &Tensor,
    kernel: &Tensor,
    bias: &Tensor,
    act: Pointwise,
    stride: usize,
    padding: Padding,
    dilation: usize,
) -> Result<Tensor> {
    let (n, _, _) = x.dims3()?;
    let x = x.unsqueeze(1)?;
    let kernel = kernel.unsqueeze(0)?;
    let window = window_for(&x, &kernel, (1, stride), padding, (1, dilation))?;
    let out = x.contiguous()?.apply_op3(
        &kernel.contiguous()?,
        &bias.contiguous()?,
        Biased(Fused {
            conv: Convolution {
                window,
                patch_elements: PATCH_ELEMENTS,
            },
            act,
        }),
    )?;
    let (_, _, out_w, filters) = out.dims4()?;
    out.reshape((n, out_w, filters))
}

/// The window of a convolution of `x` `(N, H, W, C)` by `kernel`
/// `(kh, kw, C, out)`; a height of 1 with a kernel height of 1 pads nothing
/// under any `padding`.
fn window_for(
    x: &Tensor,
    kernel: &Tensor,
    (sh, sw): (usize, usize),
    padding: Padding,
    (dh, dw): (usize, usize),
) -> Result<Window> {
    let (_, h, w, c) = x.dims4()?;
    let (kh, kw, k_in, _) = kernel.dims4()?;
    if k_in != c {
        bail!("the kernel expects {k_in} input channels, the input has {c}");
    }
    if kernel.dtype() != x.dtype() {
        bail!("a {:?} kernel over a {:?} input", kernel.dtype(), x.dtype());
    }
    Ok(Window {
        rows: Axis::new(h, kh, sh, dh, padding)?,
        cols: Axis::new(w, kw, sw, dw, padding)?,
    })
}

/// The two-dimensional convolution behind both public functions.
fn convolve(
    x: &Tensor,
    kernel: &Tensor,
    strides: (usize, usize),
    padding: Padding,
    dilation: (usize, usize),
) -> Result<Tensor> {
    let window = window_for(x, kernel, strides, padding, dilation)?;
    if cpu::has_custom_op(x) {
        x.contiguous()?.apply_op2(
            &kernel.contiguous()?,
            Convolution {
                window,
                patch_elements: PATCH_ELEMENTS,
            },
        )
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

/// The convolution as one autograd node on the CPU: windows copied into a
/// patch matrix (im2col) and multiplied with the kernel by [`gemm`], in
/// blocks of images whose patch matrix fits a core's L2 cache, the blocks
/// spread over the thread pool (see [`Convolution::plan`]). Backpropagation
/// computes only the products it needs: no input gradient for an input that
/// does not track one (the first layer).
struct Convolution {
    window: Window,
    /// About the most elements a block's patch matrix holds.
    patch_elements: usize,
}

/// The default patch-matrix block: 512 KiB of f32, a Zen 3 core's L2.
const PATCH_ELEMENTS: usize = 1 << 17;

/// The shapes of one convolution: `n` images of `h x w x c`, `filters`
/// outputs per position.
#[derive(Clone, Copy)]
struct Dims {
    n: usize,
    h: usize,
    w: usize,
    c: usize,
    filters: usize,
}

impl Convolution {
    fn dims(&self, x: &[usize], kernel: &[usize]) -> Result<Dims> {
        let (&[n, h, w, c], &[kh, kw, k_in, filters]) = (x, kernel) else {
            bail!("convolution of a {x:?} input with a {kernel:?} kernel");
        };
        let window = &self.window;
        if (h, w, kh, kw, k_in)
            != (
                window.rows.input,
                window.cols.input,
                window.rows.kernel,
                window.cols.kernel,
                c,
            )
        {
            bail!("convolution geometry {window:?} does not match {x:?} and {kernel:?}");
        }
        Ok(Dims {
            n,
            h,
            w,
            c,
            filters,
        })
    }

    /// `(N, out_h, out_w, filters)`.
    fn output_shape(&self, d: &Dims) -> Shape {
        Shape::from((
            d.n,
            self.window.rows.output,
            self.window.cols.output,
            d.filters,
        ))
    }

    /// Patch-matrix columns: `kh * kw * c`.
    fn patch_len(&self, d: &Dims) -> usize {
        self.window.taps() * d.c
    }

    /// How to split `d.n` images into blocks: images per block, and whether
    /// the blocks run in parallel. A block's patch matrix holds about
    /// `patch_elements`, small enough for a core's L2 cache, where its
    /// product with the kernel runs at full speed; with several threads and
    /// enough work the blocks divide evenly over the pool's threads, each
    /// block computed by one thread from im2col to the product's epilogue.
    fn plan(&self, d: &Dims) -> (usize, bool) {
        let per_image = (self.window.positions() * self.patch_len(d)).max(1);
        let macs = d.n * self.window.positions() * self.patch_len(d) * d.filters;
        let threads = parallel_threads(macs);
        let blocks = (d.n * per_image)
            .div_ceil(self.patch_elements.max(1))
            .next_multiple_of(threads)
            .clamp(1, d.n.max(1));
        (d.n.div_ceil(blocks).max(1), threads > 1 && blocks > 1)
    }

    /// Copies the windows of the images in `x` (whole images) into
    /// `patches`, one row of `kh * kw * c` per output position.
    fn im2col<T: Elem>(&self, d: &Dims, x: &[T], patches: &mut [T]) {
        let per_image = self.window.positions() * self.patch_len(d);
        for (img, rows) in x
            .chunks_exact(d.h * d.w * d.c)
            .zip(patches.chunks_exact_mut(per_image))
        {
            self.im2col_image(d, img, rows);
        }
    }

    fn im2col_image<T: Elem>(&self, d: &Dims, img: &[T], patches: &mut [T]) {
        let Window { rows, cols } = self.window;
        if !rows.is_padded() && !cols.is_padded() && cols.dilation == 1 {
            // Every tap inside, each kernel row's taps adjacent: plain
            // copies of `kw * c` elements, no per-tap bounds arithmetic.
            let (patch_len, segment, line_len) = (self.patch_len(d), cols.kernel * d.c, d.w * d.c);
            for oi in 0..rows.output {
                for ki in 0..rows.kernel {
                    let i = oi * rows.stride + ki * rows.dilation;
                    let line = &img[i * line_len..(i + 1) * line_len];
                    for oj in 0..cols.output {
                        let at = (oi * cols.output + oj) * patch_len + ki * segment;
                        let from = oj * cols.stride * d.c;
                        copy_run(&mut patches[at..at + segment], &line[from..from + segment]);
                    }
                }
            }
            return;
        }
        let mut out_rows = patches.chunks_exact_mut(self.patch_len(d));
        for oi in 0..rows.output {
            for oj in 0..cols.output {
                let Some(row) = out_rows.next() else { return };
                for ki in 0..rows.kernel {
                    let taps = &mut row[ki * cols.kernel * d.c..(ki + 1) * cols.kernel * d.c];
                    let Some(i) = rows.source(oi, ki) else {
                        taps.fill(T::ZERO);
                        continue;
                    };
                    let line = &img[i * d.w * d.c..(i + 1) * d.w * d.c];
                    copy_taps(&cols, oj, d.c, line, taps);
                }
            }
        }
    }

    /// Adds each patch-matrix row back onto the input elements it was
    /// copied from (the adjoint of [`Convolution::im2col`]), images of `dx`
    /// one after the other.
    fn col2im<T: Elem>(&self, d: &Dims, patches: &[T], dx: &mut [T]) {
        let per_image = self.window.positions() * self.patch_len(d);
        for (img, rows) in dx
            .chunks_exact_mut(d.h * d.w * d.c)
            .zip(patches.chunks_exact(per_image))
        {
            self.col2im_image(d, rows, img);
        }
    }

    fn col2im_image<T: Elem>(&self, d: &Dims, patches: &[T], img: &mut [T]) {
        let Window { rows, cols } = self.window;
        let mut in_rows = patches.chunks_exact(self.patch_len(d));
        for oi in 0..rows.output {
            for oj in 0..cols.output {
                let Some(row) = in_rows.next() else { return };
                for ki in 0..rows.kernel {
                    let Some(i) = rows.source(oi, ki) else {
                        continue;
                    };
                    let taps = &row[ki * cols.kernel * d.c..(ki + 1) * cols.kernel * d.c];
                    let line = &mut img[i * d.w * d.c..(i + 1) * d.w * d.c];
                    for kj in 0..cols.kernel {
                        if let Some(j) = cols.source(oj, kj) {
                            let src = &taps[kj * d.c..(kj + 1) * d.c];
                            for (a, &b) in line[j * d.c..(j + 1) * d.c].iter_mut().zip(src) {
                                *a += b;
                            }
                        }
                    }
                }
            }
        }
    }

    /// The convolution, with `epilogue` applied to each block of output
    /// rows while it is still in cache (a bias and an activation, say).
    fn forward<T: Elem>(
        &self,
        d: &Dims,
        x: &[T],
        kernel: &[T],
        epilogue: impl Fn(&mut [T]) -> Result<()> + Sync,
    ) -> Result<Vec<T>> {
        let positions = self.window.positions();
        let row_len = self.patch_len(d);
        let (block, parallel) = self.plan(d);
        let (image_in, image_out) = (d.h * d.w * d.c, positions * d.filters);
        let kernel = Mat::rows(kernel, row_len, d.filters);
        let mut y = vec![T::ZERO; d.n * image_out];
        if image_in == 0 || image_out == 0 {
            return Ok(y);
        }
        let blocks = y
            .chunks_mut(block * image_out)
            .zip(x.chunks(block * image_in))
            .collect();
        for_blocks(blocks, parallel, |(y, x)| {
            let rows = x.len() / image_in * positions;
            T::with_scratch(rows * row_len, |patches| {
                self.block_product(d, x, kernel, patches, y)
            })?;
            epilogue(y)
        })?;
        Ok(y)
    }

    /// The gradients `(dx, dkernel)`, each only when asked for. Each block
    /// of images adds its share of the kernel gradient to its thread's
    /// partial sum and writes its own images' input gradient.
    fn backward<T: Elem>(
        &self,
        d: &Dims,
        x: &[T],
        kernel: &[T],
        dy: &[T],
        (want_dx, want_dk): (bool, bool),
    ) -> Result<Gradients<T>> {
        let positions = self.window.positions();
        let row_len = self.patch_len(d);
        let (block, parallel) = self.plan(d);
        let (image_in, image_out) = (d.h * d.w * d.c, positions * d.filters);
        let kernel_len = kernel.len();
        let kernel = Mat::rows(kernel, row_len, d.filters);
        let mut dx = want_dx.then(|| vec![T::ZERO; x.len()]);
        if image_in == 0 || image_out == 0 {
            return Ok((dx, want_dk.then(|| vec![T::ZERO; kernel_len])));
        }
        let dx_blocks = optional_blocks(dx.as_mut(), block * image_in, d.n.div_ceil(block));
        let blocks = x
            .chunks(block * image_in)
            .zip(dy.chunks(block * image_out))
            .zip(dx_blocks)
            .collect();
        let partials = fold_blocks(
            blocks,
            parallel,
            || want_dk.then(|| vec![T::ZERO; kernel_len]),
            |dk, ((x, dy), dx)| {
                let rows = x.len() / image_in * positions;
                T::with_scratch(rows * row_len, |patches| {
                    let dy = Mat::rows(dy, rows, d.filters);
                    self.block_gradients(d, x, kernel, dy, patches, (dk.as_deref_mut(), dx))
                })
            },
        )?;
        let dk = sum_partials(partials.into_iter().flatten());
        Ok((
            dx,
            dk.or_else(|| want_dk.then(|| vec![T::ZERO; kernel_len])),
        ))
    }

    /// The convolution of the images `x` (one block) into `y`, a row of
    /// `filters` per output position; `patches` is scratch for the block's
    /// patch matrix.
    fn block_product<T: Elem>(
        &self,
        d: &Dims,
        x: &[T],
        kernel: Mat<'_, T>,
        patches: &mut [T],
        y: &mut [T],
    ) -> Result<()> {
        let row_len = self.patch_len(d);
        let rows = x.len() / (d.h * d.w * d.c).max(1) * self.window.positions();
        self.im2col(d, x, patches);
        gemm(
            y,
            d.filters,
            Mat::rows(patches, rows, row_len),
            kernel,
            false,
        )
    }

    /// One block's share of the gradients from its output gradient `dy`
    /// (a row per output position of the images `x`): the kernel gradient
    /// added to `dk`, the images' (zeroed) input gradient `dx` written.
    /// `patches` is scratch for the block's patch matrix.
    fn block_gradients<T: Elem>(
        &self,
        d: &Dims,
        x: &[T],
        kernel: Mat<'_, T>,
        dy: Mat<'_, T>,
        patches: &mut [T],
        (dk, dx): (Option<&mut [T]>, Option<&mut [T]>),
    ) -> Result<()> {
        let row_len = self.patch_len(d);
        let rows = x.len() / (d.h * d.w * d.c).max(1) * self.window.positions();
        if let Some(dk) = dk {
            self.im2col(d, x, patches);
            gemm(
                dk,
                d.filters,
                Mat::rows(patches, rows, row_len).t(),
                dy,
                true,
            )?;
        }
        if let Some(dx) = dx {
            gemm(patches, row_len, dy, kernel.t(), false)?;
            self.col2im(d, patches, dx);
        }
        Ok(())
    }
}

/// `dx` in blocks of `chunk` elements, or `count` absent blocks without it.
fn optional_blocks<T>(
    dx: Option<&mut Vec<T>>,
    chunk: usize,
    count: usize,
) -> Vec<Option<&mut [T]>> {
    match dx {
        Some(dx) => dx.chunks_mut(chunk).map(Some).collect(),
        None => (0..count).map(|_| None).collect(),
    }
}

/// `dst.copy_from_slice(&src[..dst.len()])`, with the short lengths of
/// small kernels over few channels (a 3x3 window over one or three
/// channels copies runs of 3 or 9) as fixed-size moves instead of calls to
/// `memcpy`.
#[inline(always)]
fn copy_run<T: Copy>(dst: &mut [T], src: &[T]) {
    fn fixed<T: Copy, const N: usize>(dst: &mut [T], src: &[T]) {
        dst[..N].copy_from_slice(&src[..N]);
    }
    match dst.len() {
        1 => fixed::<T, 1>(dst, src),
        2 => fixed::<T, 2>(dst, src),
        3 => fixed::<T, 3>(dst, src),
        4 => fixed::<T, 4>(dst, src),
        5 => fixed::<T, 5>(dst, src),
        6 => fixed::<T, 6>(dst, src),
        8 => fixed::<T, 8>(dst, src),
        9 => fixed::<T, 9>(dst, src),
        12 => fixed::<T, 12>(dst, src),
        15 => fixed::<T, 15>(dst, src),
        16 => fixed::<T, 16>(dst, src),
        n => dst.copy_from_slice(&src[..n]),
    }
}

/// The input and kernel gradients, each present when asked for.
type Gradients<T> = (Option<Vec<T>>, Option<Vec<T>>);

/// Copies the `kw` taps of output column `oj` from one input row `line`
/// (`w * c` elements) into `taps` (`kw * c`), zeros where they fall in the
/// padding; one copy when the taps are adjacent and all inside.
fn copy_taps<T: Elem>(
    cols: &super::geometry::Axis,
    oj: usize,
    c: usize,
    line: &[T],
    taps: &mut [T],
) {
    let first = cols.source(oj, 0);
    let last = cols.source(oj, cols.kernel - 1);
    if let (1, Some(j0), Some(_)) = (cols.dilation, first, last) {
        taps.copy_from_slice(&line[j0 * c..(j0 + cols.kernel) * c]);
        return;
    }
    for (kj, tap) in taps.chunks_exact_mut(c).enumerate() {
        match cols.source(oj, kj) {
            Some(j) => tap.copy_from_slice(&line[j * c..(j + 1) * c]),
            None => tap.fill(T::ZERO),
        }
    }
}

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
        let d = self.dims(x_layout.dims(), kernel_layout.dims())?;
        let shape = self.output_shape(&d);
        let y = match (x, kernel) {
            (CpuStorage::F32(_), CpuStorage::F32(_)) => CpuStorage::F32(self.forward(
                &d,
                cpu::storage_slice(x, x_layout)?,
                cpu::storage_slice(kernel, kernel_layout)?,
                |_| Ok(()),
            )?),
            (CpuStorage::F64(_), CpuStorage::F64(_)) => CpuStorage::F64(self.forward(
                &d,
                cpu::storage_slice(x, x_layout)?,
                cpu::storage_slice(kernel, kernel_layout)?,
                |_| Ok(()),
            )?),
            _ => bail!("convolution of {:?} by {:?}", x.dtype(), kernel.dtype()),
        };
        Ok((y, shape))
    }

    fn bwd(
        &self,
        x: &Tensor,
        kernel: &Tensor,
        _y: &Tensor,
        dy: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        let d = self.dims(x.dims(), kernel.dims())?;
        let wanted = (x.track_op(), kernel.track_op());
        match x.dtype() {
            DType::F32 => self.gradients::<f32>(&d, x, kernel, dy, wanted),
            DType::F64 => self.gradients::<f64>(&d, x, kernel, dy, wanted),
            other => bail!("convolution gradient for {other:?}"),
        }
    }
}

impl Convolution {
    fn gradients<T: Elem>(
        &self,
        d: &Dims,
        x: &Tensor,
        kernel: &Tensor,
        dy: &Tensor,
        wanted: (bool, bool),
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        cpu::with_slice::<T, _>(dy, |dy| self.gradients_from(d, x, kernel, dy, wanted))
    }

    /// The gradients of `x` and `kernel` (each only when `wanted`) as
    /// tensors, from the output gradient `dy` as a slice.
    fn gradients_from<T: Elem>(
        &self,
        d: &Dims,
        x: &Tensor,
        kernel: &Tensor,
        dy: &[T],
        wanted: (bool, bool),
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        let (dx, dk) = cpu::with_slice::<T, _>(x, |xs| {
            cpu::with_slice::<T, _>(kernel, |ks| self.backward(d, xs, ks, dy, wanted))
        })?;
        let dx = dx
            .map(|v| Tensor::from_vec(v, x.shape(), x.device()))
            .transpose()?;
        let dk = dk
            .map(|v| Tensor::from_vec(v, kernel.shape(), kernel.device()))
            .transpose()?;
        Ok((dx, dk))
    }
}

/// A convolution followed by a bias and an activation, as one autograd
/// node: inputs `(x, kernel, bias)`.
struct Fused {
    conv: Convolution,
    act: Pointwise,
}

impl BiasedConvolution for Fused {
    const NAME: &'static str = "dojo-conv2d-bias-activation";

    fn conv(&self) -> &Convolution {
        &self.conv
    }

    fn output_shape(&self, d: &Dims) -> Shape {
        self.conv.output_shape(d)
    }

    fn forward<T: Elem>(&self, d: &Dims, x: &[T], kernel: &[T], bias: &[T]) -> Result<Vec<T>> {
        self.conv
            .forward(d, x, kernel, |y| self.act.add_bias_in_place(y, bias))
    }

    fn gradients<T: Elem>(
        &self,
        d: &Dims,
        (x, kernel, bias): (&Tensor, &Tensor, &Tensor),
        out: &Tensor,
        dout: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let (dz, dbias) = cpu::with_slice::<T, _>(out, |o| {
            cpu::with_slice::<T, _>(dout, |g| self.act.chain(o, g, d.filters))
        })?;
        let wanted = (x.track_op(), kernel.track_op());
        let (dx, dk) = self.conv.gradients_from(d, x, kernel, &dz, wanted)?;
        let dbias = if bias.track_op() {
            Some(Tensor::from_vec(dbias, bias.shape(), bias.device())?)
        } else {
            None
        };
        Ok((dx, dk, dbias))
    }
}

/// A convolution with a bias as one autograd node over `(x, kernel, bias)`
/// ([`Fused`], [`ConvPool`]), applied through [`Biased`], which holds the
/// custom op's shape checks and dtype dispatch.
trait BiasedConvolution {
    /// The custom op's name.
    const NAME: &'static str;
    fn conv(&self) -> &Convolution;
    fn output_shape(&self, d: &Dims) -> Shape;
    fn forward<T: Elem>(&self, d: &Dims, x: &[T], kernel: &[T], bias: &[T]) -> Result<Vec<T>>;
    fn gradients<T: Elem>(
        &self,
        d: &Dims,
        inputs: (&Tensor, &Tensor, &Tensor),
        out: &Tensor,
        dout: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)>;
}

/// A [`BiasedConvolution`] as a candle custom op.
struct Biased<B>(B);

impl<B: BiasedConvolution + Send + Sync> CustomOp3 for Biased<B> {
    fn name(&self) -> &'static str {
        B::NAME
    }

    /// Checks the bias against the filters and runs the op's forward pass
    /// in f32 or f64.
    fn cpu_fwd(
        &self,
        x: &CpuStorage,
        x_layout: &Layout,
        kernel: &CpuStorage,
        kernel_layout: &Layout,
        bias: &CpuStorage,
        bias_layout: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let op = &self.0;
        let d = op.conv().dims(x_layout.dims(), kernel_layout.dims())?;
        if bias_layout.dims() != [d.filters] {
            bail!(
                "a bias of shape {:?} for {} filters",
                bias_layout.dims(),
                d.filters
            );
        }
        let y = match (x, kernel, bias) {
            (CpuStorage::F32(_), CpuStorage::F32(_), CpuStorage::F32(_)) => {
                CpuStorage::F32(op.forward(
                    &d,
                    cpu::storage_slice(x, x_layout)?,
                    cpu::storage_slice(kernel, kernel_layout)?,
                    cpu::storage_slice(bias, bias_layout)?,
                )?)
            }
            (CpuStorage::F64(_), CpuStorage::F64(_), CpuStorage::F64(_)) => {
                CpuStorage::F64(op.forward(
                    &d,
                    cpu::storage_slice(x, x_layout)?,
                    cpu::storage_slice(kernel, kernel_layout)?,
                    cpu::storage_slice(bias, bias_layout)?,
                )?)
            }
            _ => bail!(
                "convolution of {:?} by {:?} plus {:?}",
                x.dtype(),
                kernel.dtype(),
                bias.dtype()
            ),
        };
        Ok((y, op.output_shape(&d)))
    }

    /// The gradients in the inputs' dtype.
    fn bwd(
        &self,
        x: &Tensor,
        kernel: &Tensor,
        bias: &Tensor,
        out: &Tensor,
        dout: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let op = &self.0;
        let d = op.conv().dims(x.dims(), kernel.dims())?;
        match x.dtype() {
            DType::F32 => op.gradients::<f32>(&d, (x, kernel, bias), out, dout),
            DType::F64 => op.gradients::<f64>(&d, (x, kernel, bias), out, dout),
            other => bail!("convolution gradient for {other:?}"),
        }
    }
}

/// A convolution, bias, activation and max pooling as one autograd node:
/// inputs `(x, kernel, bias)`, output the pooled tensor. The forward pass
/// records, for each pooled element, the offset of its window's first
/// maximum in the (never stored) batch of convolution outputs.
struct ConvPool {
    conv: Convolution,
    act: Pointwise,
    /// The pooling window over one convolution output image.
    pool: Window,
    first_max: Mutex<Vec<u32>>,
}

impl ConvPool {
    /// Elements per image: input, convolution output, pooled output.
    fn sizes(&self, d: &Dims) -> (usize, usize, usize) {
        (
            d.h * d.w * d.c,
            self.conv.window.positions() * d.filters,
            self.pool.positions() * d.filters,
        )
    }

    fn output_shape(&self, d: &Dims) -> Shape {
        Shape::from((d.n, self.pool.rows.output, self.pool.cols.output, d.filters))
    }

    /// The pooled output and each pooled element's first maximum.
    fn forward<T: Elem>(
        &self,
        d: &Dims,
        x: &[T],
        kernel: &[T],
        bias: &[T],
    ) -> Result<(Vec<T>, Vec<u32>)> {
        let (image_in, image_conv, image_out) = self.sizes(d);
        if u32::try_from(d.n * image_conv).is_err() {
            bail!(
                "a convolution output of {} elements, more than pooling can index",
                d.n * image_conv
            );
        }
        let row_len = self.conv.patch_len(d);
        let positions = self.conv.window.positions();
        let (block, parallel) = self.conv.plan(d);
        let kernel = Mat::rows(kernel, row_len, d.filters);
        let mut y = vec![T::ZERO; d.n * image_out];
        let mut from = vec![0u32; d.n * image_out];
        if image_in == 0 || image_out == 0 {
            return Ok((y, from));
        }
        let blocks = y
            .chunks_mut(block * image_out)
            .zip(from.chunks_mut(block * image_out))
            .zip(x.chunks(block * image_in))
            .enumerate()
            .collect();
        for_blocks(blocks, parallel, |(b, ((y, from), x))| {
            let rows = x.len() / image_in * positions;
            T::with_scratch(rows * (row_len + d.filters), |buffer| {
                let (patches, z) = buffer.split_at_mut(rows * row_len);
                self.conv.block_product(d, x, kernel, patches, z)?;
                self.act.add_bias_in_place(z, bias)?;
                let images = z.chunks_exact(image_conv).zip(
                    y.chunks_exact_mut(image_out)
                        .zip(from.chunks_exact_mut(image_out)),
                );
                for (i, (z, (y, from))) in images.enumerate() {
                    let base = (b * block + i) * image_conv;
                    max_image(&self.pool, z, d.filters, base, y, from);
                }
                Ok(())
            })
        })?;
        Ok((y, from))
    }

    /// The gradients of `x`, `kernel` and `bias` (each when `wanted`) from
    /// the pooled output `y`, its gradient `dy` and the first maxima.
    #[allow(clippy::too_many_arguments)]
    fn backward<T: Elem>(
        &self,
        d: &Dims,
        (x, kernel): (&[T], &[T]),
        y: &[T],
        dy: &[T],
        from: &[u32],
        (want_dx, want_dk, want_db): (bool, bool, bool),
    ) -> Result<ThreeGradients<T>> {
        let (image_in, image_conv, image_out) = self.sizes(d);
        if y.len() != d.n * image_out || dy.len() != y.len() || from.len() != y.len() {
            bail!(
                "a pooled convolution gradient of {} elements for {} images",
                dy.len(),
                d.n
            );
        }
        let row_len = self.conv.patch_len(d);
        let positions = self.conv.window.positions();
        let (block, parallel) = self.conv.plan(d);
        let kernel_len = kernel.len();
        let kernel = Mat::rows(kernel, row_len, d.filters);
        let mut dx = want_dx.then(|| vec![T::ZERO; x.len()]);
        if image_in == 0 || image_out == 0 {
            return Ok((
                dx,
                want_dk.then(|| vec![T::ZERO; kernel_len]),
                want_db.then(|| vec![T::ZERO; d.filters]),
            ));
        }
        let dx_blocks = optional_blocks(dx.as_mut(), block * image_in, d.n.div_ceil(block));
        let blocks = x
            .chunks(block * image_in)
            .zip(dx_blocks)
            .zip(
                y.chunks(block * image_out)
                    .zip(dy.chunks(block * image_out)),
            )
            .zip(from.chunks(block * image_out))
            .enumerate()
            .collect();
        let partials = fold_blocks(
            blocks,
            parallel,
            || {
                (
                    want_dk.then(|| vec![T::ZERO; kernel_len]),
                    vec![T::ZERO; d.filters],
                )
            },
            |(dk, db), (b, (((x, dx), (y, dy)), from))| {
                let rows = x.len() / image_in * positions;
                let base = b * block * image_conv;
                T::with_scratch(rows * (row_len + d.filters), |buffer| {
                    let (patches, dz) = buffer.split_at_mut(rows * row_len);
                    dz.fill(T::ZERO);
                    // Each pooled gradient, through the activation, goes to
                    // its window's first maximum and to its channel's bias.
                    let pooled = from.chunks_exact(d.filters).zip(y.chunks_exact(d.filters));
                    for ((from, y), dy) in pooled.zip(dy.chunks_exact(d.filters)) {
                        for (((&at, &o), &g), db) in from.iter().zip(y).zip(dy).zip(db.iter_mut()) {
                            let at = (at as usize).checked_sub(base).filter(|&at| at < dz.len());
                            let Some(at) = at else {
                                bail!("a pooled maximum outside its block of images");
                            };
                            let g = self.act.backprop(o, g);
                            dz[at] += g;
                            *db += g;
                        }
                    }
                    let dz = Mat::rows(&*dz, rows, d.filters);
                    self.conv
                        .block_gradients(d, x, kernel, dz, patches, (dk.as_deref_mut(), dx))
                })
            },
        )?;
        let (dks, dbs): (Vec<_>, Vec<_>) = partials.into_iter().unzip();
        let dk = sum_partials(dks.into_iter().flatten());
        let db = sum_partials(dbs);
        Ok((
            dx,
            dk.or_else(|| want_dk.then(|| vec![T::ZERO; kernel_len])),
            want_db.then(|| db.unwrap_or_else(|| vec![T::ZERO; d.filters])),
        ))
    }
}

impl BiasedConvolution for ConvPool {
    const NAME: &'static str = "dojo-conv2d-bias-activation-max-pool";

    fn conv(&self) -> &Convolution {
        &self.conv
    }

    fn output_shape(&self, d: &Dims) -> Shape {
        ConvPool::output_shape(self, d)
    }

    /// The pooled output; the first maxima are kept for the backward pass.
    fn forward<T: Elem>(&self, d: &Dims, x: &[T], kernel: &[T], bias: &[T]) -> Result<Vec<T>> {
        let (y, from) = ConvPool::forward(self, d, x, kernel, bias)?;
        *self.first_max.lock().unwrap_or_else(|p| p.into_inner()) = from;
        Ok(y)
    }

    fn gradients<T: Elem>(
        &self,
        d: &Dims,
        (x, kernel, bias): (&Tensor, &Tensor, &Tensor),
        out: &Tensor,
        dout: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let wanted = (x.track_op(), kernel.track_op(), bias.track_op());
        let (dx, dk, db) = cpu::with_slice::<T, _>(x, |xs| {
            cpu::with_slice::<T, _>(kernel, |ks| {
                cpu::with_slice::<T, _>(out, |ys| {
                    cpu::with_slice::<T, _>(dout, |dys| {
                        let mut from = self.first_max.lock().unwrap_or_else(|p| p.into_inner());
                        if from.len() != ys.len() {
                            // Not run forward through this op (never in training).
                            let bs = cpu::with_slice::<T, _>(bias, |bs| Ok(bs.to_vec()))?;
                            *from = ConvPool::forward(self, d, xs, ks, &bs)?.1;
                        }
                        self.backward(d, (xs, ks), ys, dys, &from, wanted)
                    })
                })
            })
        })?;
        let tensor = |v: Option<Vec<T>>, like: &Tensor| {
            v.map(|v| Tensor::from_vec(v, like.shape(), like.device()))
                .transpose()
        };
        Ok((tensor(dx, x)?, tensor(dk, kernel)?, tensor(db, bias)?))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::assert_agree;
    use super::*;
    use candle_core::{DType, Device, Var};

    /// The custom op and the plain composition (used off CPU) agree on the
    /// output and on both gradients: padded, strided and dilated windows,
    /// and valid ones (whose taps are copied a row at a time), with the
    /// patch matrix in one chunk or one image at a time.
    #[test]
    fn custom_op_matches_the_composition() -> Result<()> {
        let x = Var::randn(0f64, 1.0, (3, 7, 6, 3), &Device::Cpu)?;
        let k = Var::randn(0f64, 1.0, (3, 2, 3, 4), &Device::Cpu)?;
        let windows = [
            Window {
                rows: Axis::new(7, 3, 2, 1, Padding::Same)?,
                cols: Axis::new(6, 2, 1, 2, Padding::Same)?,
            },
            Window {
                rows: Axis::new(7, 3, 1, 1, Padding::Valid)?,
                cols: Axis::new(6, 2, 1, 1, Padding::Valid)?,
            },
        ];
        for window in windows {
            let plain = forward(x.as_tensor(), k.as_tensor(), &window)?;
            for patch_elements in [PATCH_ELEMENTS, 1] {
                check_blocks(&x, &k, window, patch_elements, &plain, 1e-12)?;
            }
        }
        Ok(())
    }

    /// The convolution op with blocks of about `patch_elements` patch
    /// elements agrees with `plain` on the output and both gradients.
    fn check_blocks(
        x: &Var,
        k: &Var,
        window: Window,
        patch_elements: usize,
        plain: &Tensor,
        tolerance: f64,
    ) -> Result<()> {
        let op = Convolution {
            window,
            patch_elements,
        };
        let fast = x.as_tensor().apply_op2(k.as_tensor(), op)?;
        let what = format!("{window:?}, {patch_elements} elements a block");
        let grads = assert_agree(&fast, plain, &[x, k], tolerance, &what)?;
        assert!(grads.get(x).is_some() && grads.get(k).is_some());
        Ok(())
    }

    /// A convolution big enough to be split over the pool's threads (when
    /// the machine has several cores), in blocks of one to several images,
    /// agrees with the composition: each block's share of the kernel
    /// gradient is summed once, each image's input gradient written once.
    #[test]
    fn blocks_over_threads_match_the_composition() -> Result<()> {
        let x = Var::randn(0f64, 1.0, (9, 16, 16, 8), &Device::Cpu)?;
        let k = Var::randn(0f64, 1.0, (3, 3, 8, 16), &Device::Cpu)?;
        let window = Window {
            rows: Axis::new(16, 3, 1, 1, Padding::Valid)?,
            cols: Axis::new(16, 3, 1, 1, Padding::Valid)?,
        };
        let plain = forward(x.as_tensor(), k.as_tensor(), &window)?;
        // One image, two images, and all nine per block.
        for patch_elements in [1, 14 * 14 * 72 * 2, PATCH_ELEMENTS] {
            check_blocks(&x, &k, window, patch_elements, &plain, 1e-10)?;
        }
        Ok(())
    }

    /// The fused convolution + bias + activation + max pooling and the two
    /// ops in sequence agree on the output and every gradient: Keras's
    /// usual 2x2 pool, an overlapping padded one, small batches on this
    /// thread and a batch split over the pool's threads.
    #[test]
    fn fused_max_pool_matches_the_two_ops() -> Result<()> {
        let cases = [
            (
                (2, 9, 8, 3),
                ((2, 2), (2, 2), Padding::Valid),
                Pointwise::Relu,
            ),
            (
                (3, 8, 7, 2),
                ((3, 3), (2, 2), Padding::Same),
                Pointwise::Tanh,
            ),
            (
                (9, 18, 18, 8),
                ((2, 2), (2, 2), Padding::Valid),
                Pointwise::Relu,
            ),
        ];
        for (shape, pool, act) in cases {
            let x = Var::randn(0f64, 1.0, shape, &Device::Cpu)?;
            let k = Var::randn(0f64, 1.0, (3, 3, shape.3, 16), &Device::Cpu)?;
            let b = Var::randn(0f64, 1.0, 16, &Device::Cpu)?;
            let fused = conv2d_bias_activation_max_pool(
                &x,
                &k,
                &b,
                act,
                (1, 1),
                Padding::Valid,
                (1, 1),
                pool,
            )?;
            let conv = conv2d_bias_activation(&x, &k, &b, act, (1, 1), Padding::Valid, (1, 1))?;
            let plain = super::super::max_pool2d(&conv, pool.0, pool.1, pool.2)?;
            let what = format!("{shape:?} {act:?}");
            let grads = assert_agree(&fused, &plain, &[&x, &k, &b], 1e-10, &what)?;
            assert!([&x, &k, &b].iter().all(|v| grads.get(v).is_some()));
        }
        Ok(())
    }

    /// An input that tracks no gradient (the data, under a first layer)
    /// gets none; the kernel still does.
    #[test]
    fn no_input_gradient_for_an_untracked_input() -> Result<()> {
        let x = Tensor::randn(0f32, 1.0, (2, 5, 5, 1), &Device::Cpu)?;
        let k = Var::randn(0f32, 1.0, (3, 3, 1, 2), &Device::Cpu)?;
        let y = conv2d(&x, k.as_tensor(), (1, 1), Padding::Valid, (1, 1))?;
        let grads = y.sum_all()?.backward()?;
        assert!(grads.get(&x).is_none());
        assert_eq!(
            grads.get(k.as_tensor()).map(|g| g.dims().to_vec()),
            Some(vec![3, 3, 1, 2])
        );
        Ok(())
    }

    /// The fused convolution + bias + activation and its composition agree
    /// on the output and every gradient; a constant (untracked) zero bias,
    /// as for `use_bias=False`, gets none.
    #[test]
    fn fused_bias_and_activation_match_the_composition() -> Result<()> {
        let x = Var::randn(0f64, 1.0, (2, 6, 5, 3), &Device::Cpu)?;
        let k = Var::randn(0f64, 1.0, (3, 3, 3, 4), &Device::Cpu)?;
        let b = Var::randn(0f64, 1.0, 4, &Device::Cpu)?;
        let zeros = Tensor::zeros(4, DType::F64, &Device::Cpu)?;
        for act in [Pointwise::Relu, Pointwise::Tanh] {
            for bias in [b.as_tensor(), &zeros] {
                let fused =
                    conv2d_bias_activation(&x, &k, bias, act, (1, 2), Padding::Same, (1, 1))?;
                let plain = super::super::dense::bias_activation(
                    &conv2d(&x, &k, (1, 2), Padding::Same, (1, 1))?,
                    Some(bias),
                    act,
                )?;
                let vars = [x.as_tensor(), k.as_tensor(), b.as_tensor()];
                let grads = assert_agree(&fused, &plain, &vars, 1e-12, &format!("{act:?}"))?;
                assert!(grads.get(&zeros).is_none());
            }
        }
        Ok(())
    }
}
