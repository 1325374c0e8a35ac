//! The one adapter between Keras layouts (NHWC/NWC inputs, HWIO/[k,in,out]
//! kernels) and the tensor kernels. Its functions have exactly the
//! signatures of `crate::ops`, so the bodies can be swapped for the fast
//! custom ops without touching the layers. Everything here is
//! differentiable through candle's backprop.

use candle_core::{DType, Result, Tensor};

/// Keras's `padding=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Padding {
    Valid,
    Same,
    /// Left padding only (Conv1D); the output at t sees inputs up to t.
    Causal,
}

/// TensorFlow's (before, after) padding of one spatial axis.
pub(crate) fn pad_amounts(
    input: usize,
    k: usize,
    stride: usize,
    dilation: usize,
    padding: Padding,
) -> (usize, usize) {
    let eff = dilation * (k - 1) + 1;
    match padding {
        Padding::Valid => (0, 0),
        Padding::Causal => (eff - 1, 0),
        Padding::Same => {
            let out = input.div_ceil(stride);
            let total = ((out - 1) * stride + eff).saturating_sub(input);
            (total / 2, total - total / 2)
        }
    }
}

/// Output size of one spatial axis.
pub(crate) fn out_size(
    input: usize,
    k: usize,
    stride: usize,
    dilation: usize,
    padding: Padding,
) -> usize {
    let eff = dilation * (k - 1) + 1;
    match padding {
        Padding::Same => input.div_ceil(stride),
        Padding::Causal => input.div_ceil(stride),
        Padding::Valid => {
            if input < eff {
                0
            } else {
                (input - eff) / stride + 1
            }
        }
    }
}

/// Picks every `step`-th index of `axis`, starting at `start`, `n` times.
fn strided(x: &Tensor, axis: usize, start: usize, step: usize, n: usize) -> Result<Tensor> {
    if step == 1 {
        return x.narrow(axis, start, n);
    }
    let idx: Vec<u32> = (0..n).map(|i| (start + i * step) as u32).collect();
    let idx = Tensor::new(idx.as_slice(), x.device())?;
    x.contiguous()?.index_select(&idx, axis)
}

/// 2-D convolution: `x` NHWC, `kernel` HWIO (Keras's layouts).
pub fn conv2d(
    x: &Tensor,
    kernel: &Tensor,
    strides: (usize, usize),
    padding: Padding,
    dilation: (usize, usize),
) -> Result<Tensor> {
    let (_, h, w, _) = x.dims4()?;
    let (kh, kw, _, _) = kernel.dims4()?;
    let (pt, pb) = pad_amounts(h, kh, strides.0, dilation.0, padding);
    let (pl, pr) = pad_amounts(w, kw, strides.1, dilation.1, padding);
    let x = x.pad_with_zeros(1, pt, pb)?.pad_with_zeros(2, pl, pr)?;
    let nchw = x.permute((0, 3, 1, 2))?.contiguous()?;
    let oihw = kernel.permute((3, 2, 0, 1))?.contiguous()?;
    let (y, step) = if strides.0 == strides.1 && dilation.0 == dilation.1 {
        (nchw.conv2d(&oihw, 0, strides.0, dilation.0, 1)?, None)
    } else if dilation.0 == dilation.1 {
        (nchw.conv2d(&oihw, 0, 1, dilation.0, 1)?, Some(strides))
    } else {
        candle_core::bail!("Conv2D with different dilation rates per axis is not supported in Dojo")
    };
    let mut y = y.permute((0, 2, 3, 1))?;
    if let Some((sh, sw)) = step {
        let oh = out_size(h, kh, sh, dilation.0, padding);
        let ow = out_size(w, kw, sw, dilation.1, padding);
        y = strided(&y, 1, 0, sh, oh)?;
        y = strided(&y, 2, 0, sw, ow)?;
    }
    y.contiguous()
}

/// 1-D convolution: `x` NWC, `kernel` [k, in, out]. Runs as a 2-D
/// convolution of height 1 (candle's conv1d backward is wrong with dilation).
pub fn conv1d(
    x: &Tensor,
    kernel: &Tensor,
    stride: usize,
    padding: Padding,
    dilation: usize,
) -> Result<Tensor> {
    let (_, w, _) = x.dims3()?;
    let (k, _, _) = kernel.dims3()?;
    let (pl, pr) = pad_amounts(w, k, stride, dilation, padding);
    let x = x.pad_with_zeros(1, pl, pr)?;
    // [N, C, 1, W] and [O, I, 1, K].
    let nchw = x.transpose(1, 2)?.unsqueeze(2)?.contiguous()?;
    let oihw = kernel.permute((2, 1, 0))?.unsqueeze(2)?.contiguous()?;
    let y = nchw.conv2d(&oihw, 0, stride, dilation, 1)?;
    y.squeeze(2)?.transpose(1, 2)?.contiguous()
}

/// Pads a spatial axis with `value`.
fn pad_value(x: &Tensor, axis: usize, before: usize, after: usize, value: f64) -> Result<Tensor> {
    if before == 0 && after == 0 {
        return Ok(x.clone());
    }
    let mut parts = Vec::new();
    let mut dims = x.dims().to_vec();
    if before > 0 {
        dims[axis] = before;
        parts.push(Tensor::full(value, dims.as_slice(), x.device())?.to_dtype(x.dtype())?);
    }
    parts.push(x.clone());
    if after > 0 {
        dims[axis] = after;
        parts.push(Tensor::full(value, dims.as_slice(), x.device())?.to_dtype(x.dtype())?);
    }
    Tensor::cat(&parts, axis)
}

/// Pools NHWC windows with `combine` (max or sum) over the window offsets.
fn pool2d(
    x: &Tensor,
    pool: (usize, usize),
    strides: (usize, usize),
    padding: Padding,
    fill: f64,
    max: bool,
) -> Result<Tensor> {
    let (n, h, w, c) = x.dims4()?;
    let (pt, pb) = pad_amounts(h, pool.0, strides.0, 1, padding);
    let (pl, pr) = pad_amounts(w, pool.1, strides.1, 1, padding);
    let oh = out_size(h, pool.0, strides.0, 1, padding);
    let ow = out_size(w, pool.1, strides.1, 1, padding);
    let xp = pad_value(&pad_value(x, 1, pt, pb, fill)?, 2, pl, pr, fill)?;
    if pool == strides && oh > 0 && ow > 0 {
        // Non-overlapping windows: crop and reshape, then reduce.
        let t = xp.narrow(1, 0, oh * pool.0)?.narrow(2, 0, ow * pool.1)?;
        let t = t.reshape((n, oh, pool.0, ow, pool.1, c))?;
        return if max {
            t.max(4)?.max(2)
        } else {
            t.sum(4)?.sum(2)
        };
    }
    let mut acc: Option<Tensor> = None;
    for di in 0..pool.0 {
        let rows = strided(&xp, 1, di, strides.0, oh)?;
        for dj in 0..pool.1 {
            let win = strided(&rows, 2, dj, strides.1, ow)?;
            acc = Some(match acc {
                None => win,
                Some(a) if max => a.maximum(&win)?,
                Some(a) => (a + win)?,
            });
        }
    }
    match acc {
        Some(a) => Ok(a),
        None => candle_core::bail!("empty pooling window"),
    }
}

/// Max pooling over NHWC; 'same' pads with -inf as TensorFlow does.
pub fn max_pool2d(
    x: &Tensor,
    pool: (usize, usize),
    strides: (usize, usize),
    padding: Padding,
) -> Result<Tensor> {
    pool2d(x, pool, strides, padding, f64::NEG_INFINITY, true)
}

/// Average pooling over NHWC; with 'same' padding the padded cells are
/// excluded from each window's count, as in TensorFlow.
pub fn avg_pool2d(
    x: &Tensor,
    pool: (usize, usize),
    strides: (usize, usize),
    padding: Padding,
) -> Result<Tensor> {
    let sums = pool2d(x, pool, strides, padding, 0.0, false)?;
    if padding == Padding::Valid {
        return sums / (pool.0 * pool.1) as f64;
    }
    let (_, h, w, _) = x.dims4()?;
    let ones = Tensor::ones((1, h, w, 1), DType::F64, x.device())?;
    let counts = pool2d(&ones, pool, strides, padding, 0.0, false)?.to_dtype(x.dtype())?;
    sums.broadcast_div(&counts)
}

/// Max pooling over NWC.
pub fn max_pool1d(x: &Tensor, pool: usize, stride: usize, padding: Padding) -> Result<Tensor> {
    max_pool2d(&x.unsqueeze(2)?, (pool, 1), (stride, 1), padding)?.squeeze(2)
}

/// Average pooling over NWC.
pub fn avg_pool1d(x: &Tensor, pool: usize, stride: usize, padding: Padding) -> Result<Tensor> {
    avg_pool2d(&x.unsqueeze(2)?, (pool, 1), (stride, 1), padding)?.squeeze(2)
}

/// Mean over the spatial axes 1..rank-1 (global average pooling).
pub(crate) fn global_mean(x: &Tensor) -> Result<Tensor> {
    let mut t = x.clone();
    while t.rank() > 2 {
        t = t.mean(1)?;
    }
    Ok(t)
}

/// Max over the spatial axes.
pub(crate) fn global_max(x: &Tensor) -> Result<Tensor> {
    let mut t = x.clone();
    while t.rank() > 2 {
        t = t.max(1)?;
    }
    Ok(t)
}
