//! Convolution and pooling over channels-last tensors with TensorFlow's
//! semantics, differentiable through candle's autograd.
//!
//! Every operation is a composition of candle ops chosen for a fast
//! backward pass: the input's sliding windows are gathered with one
//! `index_select` (whose gradient is one `index_add`), a convolution is a
//! single matrix product of those windows with the kernel, max pooling picks
//! each window's first maximum with `argmax` + `gather` (so its gradient goes
//! to exactly that element, as in TensorFlow), and average pooling divides
//! window sums by the count of non-padded elements. The same composition runs
//! on every device candle supports.
//!
//! Layouts are Keras's defaults: inputs `(N, H, W, C)` or `(N, W, C)`,
//! kernels `(kh, kw, in, out)` or `(k, in, out)`.

mod conv;
mod cpu;
mod dense;
pub(crate) mod gemm;
mod geometry;
mod lstm;
mod pool;
#[cfg(test)]
mod testing;
mod windows;

pub use conv::{
    conv1d, conv1d_bias_activation, conv2d, conv2d_bias_activation, conv2d_bias_activation_max_pool,
};
pub(crate) use cpu::has_custom_op;
pub use dense::{Pointwise, bias_activation, linear};
pub use lstm::lstm_sequence;
pub use pool::{avg_pool1d, avg_pool2d, max_pool1d, max_pool2d};

/// How a sliding window treats the borders, as TensorFlow's `padding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Padding {
    /// No padding: only windows that fit entirely inside the input.
    Valid,
    /// `ceil(in / stride)` outputs; the total padding
    /// `max((ceil(in/s) - 1) * s + (k - 1) * d + 1 - in, 0)` is split with
    /// the extra element at the bottom/right.
    Same,
    /// `(k - 1) * d` zeros on the left only; one-dimensional convolution only.
    Causal,
}
