//! Output sizes and paddings of a sliding window along one axis.

use super::Padding;
use candle_core::{Result, bail};

/// A window sliding along one axis of length `input`.
///
/// Invariants (checked by [`Axis::new`]): `kernel`, `stride`, `dilation` and
/// `output` are at least 1, and every window position
/// `o * stride - pad_before + j * dilation` (for `o < output`, `j < kernel`)
/// that lies in `0..input` is a real element; the others are padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Axis {
    pub input: usize,
    pub kernel: usize,
    pub stride: usize,
    pub dilation: usize,
    pub pad_before: usize,
    pub output: usize,
}

impl Axis {
    /// The geometry TensorFlow uses for `padding` along an axis.
    pub fn new(
        input: usize,
        kernel: usize,
        stride: usize,
        dilation: usize,
        padding: Padding,
    ) -> Result<Self> {
        if kernel == 0 || stride == 0 || dilation == 0 {
            bail!(
                "window size, stride and dilation must be positive, got {kernel}, {stride} and {dilation}"
            );
        }
        let span = (kernel - 1) * dilation + 1;
        let (pad_before, padded) = match padding {
            Padding::Valid => (0, input),
            Padding::Same => {
                let output = input.div_ceil(stride);
                let total = ((output.max(1) - 1) * stride + span).saturating_sub(input);
                (total / 2, input + total)
            }
            Padding::Causal => (span - 1, input + span - 1),
        };
        if input == 0 || padded < span {
            bail!(
                "a window spanning {span} does not fit an input of size {input} with {padding:?} padding"
            );
        }
        let output = (padded - span) / stride + 1;
        Ok(Self {
            input,
            kernel,
            stride,
            dilation,
            pad_before,
            output,
        })
    }

    /// The input index read by output `o` at window offset `j`, or `None`
    /// where that falls in the padding.
    pub fn source(&self, o: usize, j: usize) -> Option<usize> {
        (o * self.stride + j * self.dilation)
            .checked_sub(self.pad_before)
            .filter(|&i| i < self.input)
    }

    /// How many taps of output `o`'s window lie inside the input.
    pub fn valid_taps(&self, o: usize) -> usize {
        (0..self.kernel)
            .filter(|&j| self.source(o, j).is_some())
            .count()
    }

    /// Whether any window reads padding.
    pub fn is_padded(&self) -> bool {
        self.pad_before > 0
            || (self.output - 1) * self.stride + (self.kernel - 1) * self.dilation + 1
                > self.pad_before + self.input
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_padding_puts_the_extra_element_after() -> Result<()> {
        // in 7, k 3, s 2: out 4, total pad (3*2 + 3) - 7 = 2 -> (1, 1).
        let a = Axis::new(7, 3, 2, 1, Padding::Same)?;
        assert_eq!((a.output, a.pad_before), (4, 1));
        // in 6, k 2, s 2: out 3, no padding.
        let a = Axis::new(6, 2, 2, 1, Padding::Same)?;
        assert_eq!((a.output, a.pad_before, a.is_padded()), (3, 0, false));
        // in 5, k 4, s 1: total 3 -> (1, 2).
        let a = Axis::new(5, 4, 1, 1, Padding::Same)?;
        assert_eq!((a.output, a.pad_before, a.is_padded()), (5, 1, true));
        assert_eq!(a.source(0, 0), None);
        assert_eq!(a.source(4, 3), None);
        assert_eq!(a.source(4, 2), None);
        assert_eq!(a.source(4, 1), Some(4));
        Ok(())
    }

    #[test]
    fn valid_and_causal_sizes() -> Result<()> {
        let a = Axis::new(11, 2, 2, 1, Padding::Valid)?;
        assert_eq!((a.output, a.is_padded()), (5, false));
        let a = Axis::new(10, 3, 2, 2, Padding::Causal)?;
        assert_eq!((a.output, a.pad_before), (5, 4));
        assert!(Axis::new(2, 3, 1, 1, Padding::Valid).is_err());
        assert!(Axis::new(5, 3, 0, 1, Padding::Valid).is_err());
        Ok(())
    }
}
