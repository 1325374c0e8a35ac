//! A bounds-checked matrix product over plain slices for the CPU kernels
//! (convolution, recurrent steps), calling the `gemm` crate that candle's
//! own CPU matmul uses, without going through tensors: no allocation, any
//! strides, and accumulation into the destination.
//!
//! This is the only `unsafe` in the crate. [`gemm`] checks that every
//! element each view can address lies inside its slice and that the
//! destination does not overlap an operand (it is a `&mut` borrow), which
//! is what `gemm::gemm` requires of its raw pointers.

use candle_core::{Result, bail};

/// Element types the kernels run on.
pub trait Elem: Copy + Send + Sync + 'static + PartialOrd + std::fmt::Debug {
    const ZERO: Self;
    const ONE: Self;
    fn from_f64(value: f64) -> Self;
    fn to_f64(self) -> f64;
}

impl Elem for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    fn from_f64(value: f64) -> Self {
        value as f32
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
}

impl Elem for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    fn from_f64(value: f64) -> Self {
        value
    }
    fn to_f64(self) -> f64 {
        self
    }
}

/// A read-only `rows x cols` matrix in a slice: element `(r, c)` is at
/// `r * row_stride + c * col_stride`.
#[derive(Debug, Clone, Copy)]
pub struct Mat<'a, T> {
    data: &'a [T],
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
}

impl<'a, T> Mat<'a, T> {
    /// A row-major (contiguous) matrix.
    pub fn rows(data: &'a [T], rows: usize, cols: usize) -> Self {
        Self {
            data,
            rows,
            cols,
            row_stride: cols,
            col_stride: 1,
        }
    }

    /// A row-major matrix whose rows are `row_stride` elements apart (a
    /// column block of a wider matrix).
    pub fn strided(data: &'a [T], rows: usize, cols: usize, row_stride: usize) -> Self {
        Self {
            data,
            rows,
            cols,
            row_stride,
            col_stride: 1,
        }
    }

    /// The transpose, without copying.
    pub fn t(self) -> Self {
        Self {
            rows: self.cols,
            cols: self.rows,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
            ..self
        }
    }

    /// Whether the last addressable element lies inside the slice.
    fn fits(&self) -> bool {
        if self.rows == 0 || self.cols == 0 {
            return true;
        }
        (self.rows - 1)
            .checked_mul(self.row_stride)
            .zip((self.cols - 1).checked_mul(self.col_stride))
            .and_then(|(a, b)| a.checked_add(b))
            .is_some_and(|last| last < self.data.len())
    }
}

/// Whether a product of this many multiply-adds is worth splitting over the
/// thread pool; below it the pool's wake-up costs more than it saves.
const PARALLEL_MIN_MACS: usize = 1 << 20;

/// `dst = a * b` (or `dst += a * b` with `accumulate`), `dst` row-major
/// `a.rows x b.cols` with rows `dst_stride` apart.
pub fn gemm<T: Elem>(
    dst: &mut [T],
    dst_stride: usize,
    a: Mat<'_, T>,
    b: Mat<'_, T>,
    accumulate: bool,
) -> Result<()> {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    if b.rows != k {
        bail!("gemm of a {m}x{k} by a {}x{n} matrix", b.rows);
    }
    if !a.fits() || !b.fits() {
        bail!("gemm operand views outside their slices");
    }
    let dst_view = Mat::strided(&*dst, m, n, dst_stride);
    if n > dst_stride.max(1) && m > 1 || !dst_view.fits() {
        bail!("gemm destination of {m}x{n} does not fit its slice");
    }
    if m == 0 || n == 0 {
        return Ok(());
    }
    if k == 0 {
        if !accumulate {
            for row in 0..m {
                dst[row * dst_stride..row * dst_stride + n].fill(T::ZERO);
            }
        }
        return Ok(());
    }
    let threads = candle_core::utils::get_num_threads();
    let parallelism = if threads > 1 && m * n * k >= PARALLEL_MIN_MACS {
        gemm::Parallelism::Rayon(threads)
    } else {
        gemm::Parallelism::None
    };
    let signed = |stride: usize| stride as isize;
    // SAFETY: every element that `gemm::gemm` reads through `a` or `b` or
    // writes through `dst` lies inside its slice (checked by `fits` above,
    // with the exact strides passed below); `dst` is borrowed mutably, so it
    // overlaps neither operand; `T` is f32 or f64, which `gemm` supports.
    #[allow(unsafe_code)]
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            signed(dst_stride),
            accumulate,
            a.data.as_ptr(),
            signed(a.col_stride),
            signed(a.row_stride),
            b.data.as_ptr(),
            signed(b.col_stride),
            signed(b.row_stride),
            T::ONE,
            T::ONE,
            false,
            false,
            false,
            parallelism,
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[f64], b: &[f64], m: usize, k: usize, n: usize) -> Vec<f64> {
        let mut out = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                out[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
            }
        }
        out
    }

    #[test]
    fn matches_the_definition_with_transposes_and_accumulation() -> Result<()> {
        let (m, k, n) = (5, 7, 3);
        let a: Vec<f64> = (0..m * k).map(|i| (i as f64 * 0.37).sin()).collect();
        let b: Vec<f64> = (0..k * n).map(|i| (i as f64 * 0.11).cos()).collect();
        let want = naive(&a, &b, m, k, n);
        let mut dst = vec![f64::NAN; m * n];
        gemm(&mut dst, n, Mat::rows(&a, m, k), Mat::rows(&b, k, n), false)?;
        for (x, y) in dst.iter().zip(&want) {
            assert!((x - y).abs() < 1e-12, "{x} vs {y}");
        }
        // (b^T a^T)^T = a b, computed through transposed views.
        let at: Vec<f64> = (0..k * m).map(|i| a[(i % m) * k + i / m]).collect();
        let bt: Vec<f64> = (0..n * k).map(|i| b[(i % k) * n + i / k]).collect();
        let mut acc = want.clone();
        gemm(
            &mut acc,
            n,
            Mat::rows(&at, k, m).t(),
            Mat::rows(&bt, n, k).t(),
            true,
        )?;
        for (x, y) in acc.iter().zip(&want) {
            assert!((x - 2.0 * y).abs() < 1e-12, "{x} vs {}", 2.0 * y);
        }
        Ok(())
    }

    #[test]
    fn views_outside_their_slices_are_errors() {
        let a = vec![1.0f32; 6];
        let mut dst = vec![0.0f32; 4];
        assert!(gemm(&mut dst, 2, Mat::rows(&a, 2, 4), Mat::rows(&a, 4, 2), false).is_err());
        assert!(gemm(&mut dst, 2, Mat::rows(&a, 2, 3), Mat::rows(&a, 2, 2), false).is_err());
        let mut small = vec![0.0f32; 3];
        assert!(
            gemm(
                &mut small,
                2,
                Mat::rows(&a, 2, 3),
                Mat::rows(&a, 3, 2),
                false
            )
            .is_err()
        );
    }
}
