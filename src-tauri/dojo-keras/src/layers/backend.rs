//! The one adapter between Keras's layers and the convolution and pooling
//! kernels: NHWC/NWC inputs, HWIO/[k,in,out] kernels, TensorFlow's padding.
//! The kernels are [`crate::ops`] (fast custom ops on the CPU with correct
//! backward passes; compositions of candle ops elsewhere).

use candle_core::{Result, Tensor};

pub use crate::ops::Padding;

pub use crate::ops::{avg_pool1d, avg_pool2d, conv1d, conv2d, max_pool1d, max_pool2d};

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
