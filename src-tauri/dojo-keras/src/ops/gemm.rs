//! A bounds-checked matrix product over plain slices for the CPU kernels
//! (convolution, recurrent steps), calling the `gemm` crate that candle's
//! own CPU matmul uses, without going through tensors: no allocation, any
//! strides, and accumulation into the destination.
//!
//! This is the only `unsafe` in the crate. [`gemm`] checks that every
//! element each view can address lies inside its slice and that the
//! destination does not overlap an operand (it is a `&mut` borrow), which
//! is what `gemm::gemm` requires of its raw pointers.

use candle_core::{Result, WithDType, bail};

/// Element types the kernels run on (f32 and f64). candle's `WithDType`
/// brings the arithmetic and the conversions from and to `f64`.
pub trait Elem: WithDType {
    const ZERO: Self;
    const ONE: Self;

    /// Runs `f` on a scratch buffer of `len` elements that this thread
    /// keeps between calls, so a kernel's temporary matrices are neither
    /// allocated nor zeroed (nor page-faulted in) on every training step.
    /// The contents are whatever the last user left: `f` must write every
    /// element before reading it. Not reentrant: `f` must not ask for
    /// scratch itself (it would get a fresh buffer).
    fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [Self]) -> R) -> R;

    /// One tap of a max pooling over lanes (channels): wherever `src` is
    /// greater than `best`, `best` takes it and `which` takes `at + lane`
    /// (wrapping). Lanes past the shortest slice are left alone; a NaN in
    /// `src` never wins.
    fn max_lanes(best: &mut [Self], which: &mut [u32], src: &[Self], at: u32) {
        let lanes = best.iter_mut().zip(which.iter_mut()).zip(src);
        for (lane, ((b, w), &v)) in lanes.enumerate() {
            if v > *b {
                *b = v;
                *w = at.wrapping_add(lane as u32);
            }
        }
    }
}

thread_local! {
    static SCRATCH_F32: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
    static SCRATCH_F64: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// [`Elem::with_scratch`] over one thread-local buffer; a nested call finds
/// the buffer borrowed and gets a fresh one.
fn with_buffer<T: Copy, R>(
    key: &'static std::thread::LocalKey<std::cell::RefCell<Vec<T>>>,
    zero: T,
    len: usize,
    f: impl FnOnce(&mut [T]) -> R,
) -> R {
    key.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buffer) => {
            if buffer.len() < len {
                buffer.resize(len, zero);
            }
            f(&mut buffer[..len])
        }
        Err(_) => f(&mut vec![zero; len]),
    })
}

impl Elem for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;

    fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [Self]) -> R) -> R {
        with_buffer(&SCRATCH_F32, 0.0, len, f)
    }

    /// The comparison made into an all-ones or all-zeros mask and both
    /// updates into bit blends: written as branches or selects, this loop
    /// stays scalar on baseline x86-64 (no blend instruction), as bit
    /// operations it becomes a four-lane compare, max and masked merge.
    fn max_lanes(best: &mut [Self], which: &mut [u32], src: &[Self], at: u32) {
        let n = best.len().min(which.len()).min(src.len());
        let (best, which, src) = (&mut best[..n], &mut which[..n], &src[..n]);
        for lane in 0..n {
            let (v, b) = (src[lane], best[lane]);
            let mask = u32::from(v > b).wrapping_neg();
            best[lane] = f32::from_bits((v.to_bits() & mask) | (b.to_bits() & !mask));
            which[lane] = (at.wrapping_add(lane as u32) & mask) | (which[lane] & !mask);
        }
    }
}

impl Elem for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;

    fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [Self]) -> R) -> R {
        with_buffer(&SCRATCH_F64, 0.0, len, f)
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

/// The shape `(m, k, n)` of `a * b`, once both views are checked to lie
/// inside their slices and to agree on `k`.
fn product_shape<T>(a: &Mat<'_, T>, b: &Mat<'_, T>) -> Result<(usize, usize, usize)> {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    if b.rows != k {
        bail!("gemm of a {m}x{k} by a {}x{n} matrix", b.rows);
    }
    if !a.fits() || !b.fits() {
        bail!("gemm operand views outside their slices");
    }
    Ok((m, k, n))
}

/// The one call of `gemm::gemm`: `dst = a * b`, or `dst += a * b` with
/// `read_dst`, `dst` row-major with rows `dst_stride` apart. With
/// `read_dst = false`, `gemm` sets alpha to zero and its kernels store into
/// the destination without reading it.
///
/// # Safety
///
/// `a` and `b` must have passed [`product_shape`] with `k >= 1`; `dst` must
/// be valid for writes of `a.rows` rows of `b.cols` elements, `dst_stride`
/// apart, overlap neither operand, and be initialised when `read_dst`.
#[allow(unsafe_code)]
unsafe fn product<T: Elem>(
    dst: *mut T,
    dst_stride: usize,
    a: Mat<'_, T>,
    b: Mat<'_, T>,
    read_dst: bool,
) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    let signed = |stride: usize| stride as isize;
    // SAFETY: the caller's contract: every element `gemm::gemm` reads
    // through `a` or `b` lies inside its slice (`product_shape` checked the
    // views with the exact strides passed here), and `dst` is valid for the
    // `m x n` block it writes; `T` is f32 or f64, which `gemm` supports.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst,
            1,
            signed(dst_stride),
            read_dst,
            a.data.as_ptr(),
            signed(a.col_stride),
            signed(a.row_stride),
            b.data.as_ptr(),
            signed(b.col_stride),
            signed(b.row_stride),
            if read_dst { T::ONE } else { T::ZERO },
            T::ONE,
            false,
            false,
            false,
            parallelism(m * n * k),
        );
    }
}

/// `dst = a * b` (or `dst += a * b` with `accumulate`), `dst` row-major
/// `a.rows x b.cols` with rows `dst_stride` apart.
pub fn gemm<T: Elem>(
    dst: &mut [T],
    dst_stride: usize,
    a: Mat<'_, T>,
    b: Mat<'_, T>,
    accumulate: bool,
) -> Result<()> {
    let (m, k, n) = product_shape(&a, &b)?;
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
    // SAFETY: the operands passed `product_shape` and `k >= 1`; `dst` holds
    // the whole `m x n` block (checked by `fits` with these strides), is
    // borrowed mutably so it overlaps neither operand, and is initialised.
    #[allow(unsafe_code)]
    unsafe {
        product(dst.as_mut_ptr(), dst_stride, a, b, accumulate);
    }
    Ok(())
}

/// A row-major `rows x cols` matrix that [`Fresh::gemm`] writes block of
/// rows after block of rows, in order, straight into uninitialised
/// memory: the product's output is never zeroed first (at training sizes
/// that zeroing costs as much as a fifth of a convolution step).
pub struct Fresh<T> {
    data: Vec<T>,
    rows: usize,
    cols: usize,
}

impl<T: Elem> Fresh<T> {
    pub fn new(rows: usize, cols: usize) -> Self {
        Self {
            data: Vec::with_capacity(rows * cols),
            rows,
            cols,
        }
    }

    /// Writes the next `a.rows` rows as `a * b`.
    pub fn gemm(&mut self, a: Mat<'_, T>, b: Mat<'_, T>) -> Result<()> {
        let (m, _, n) = product_shape(&a, &b)?;
        let written = self.data.len() / self.cols.max(1);
        if n != self.cols || written + m > self.rows {
            bail!(
                "gemm of {m} rows by {n} columns into rows {written}.. of a {}x{} matrix",
                self.rows,
                self.cols
            );
        }
        if m == 0 || n == 0 {
            return Ok(());
        }
        if a.cols == 0 {
            self.data.resize(self.data.len() + m * n, T::ZERO);
            return Ok(());
        }
        let spare = self.data.spare_capacity_mut();
        if spare.len() < m * n {
            bail!("gemm output beyond its matrix");
        }
        // SAFETY: the operands passed `product_shape` and `k >= 1`; the
        // destination is `m * n` elements of this vector's spare capacity
        // (checked above), row stride `n`, owned by `self.data` and so
        // overlapping neither operand (shared borrows); `read_dst = false`,
        // so `gemm` writes it without reading. Every one of the `m * n`
        // elements is then initialised, which makes `set_len` sound.
        #[allow(unsafe_code)]
        unsafe {
            product(spare.as_mut_ptr().cast::<T>(), n, a, b, false);
            self.data.set_len(self.data.len() + m * n);
        }
        Ok(())
    }

    /// The matrix, once every row is written.
    pub fn finish(self) -> Result<Vec<T>> {
        if self.data.len() != self.rows * self.cols {
            bail!(
                "a {}x{} product with only {} elements written",
                self.rows,
                self.cols,
                self.data.len()
            );
        }
        Ok(self.data)
    }
}

/// Rayon over `get_num_threads()` threads for products of at least
/// [`PARALLEL_MIN_MACS`] multiply-adds, else the calling thread alone (and
/// always alone on one of the pool's threads: its caller split the work).
fn parallelism(macs: usize) -> gemm::Parallelism {
    match parallel_threads(macs) {
        1 => gemm::Parallelism::None,
        threads => gemm::Parallelism::Rayon(threads),
    }
}

/// The threads worth spreading `macs` multiply-adds over: the pool's
/// (`RAYON_NUM_THREADS`, see the device's thread policy) when there is
/// enough work and the caller is not itself on one of the pool's threads,
/// else one.
pub fn parallel_threads(macs: usize) -> usize {
    let threads = candle_core::utils::get_num_threads();
    if threads > 1 && macs >= PARALLEL_MIN_MACS && rayon::current_thread_index().is_none() {
        threads
    } else {
        1
    }
}

/// Runs `f` on each item, over rayon's pool when `parallel`, in order on
/// this thread otherwise; the first error wins.
pub fn for_blocks<I: Send>(
    items: Vec<I>,
    parallel: bool,
    f: impl Fn(I) -> Result<()> + Send + Sync,
) -> Result<()> {
    use rayon::prelude::*;
    if parallel {
        items.into_par_iter().try_for_each(f)
    } else {
        items.into_iter().try_for_each(f)
    }
}

/// Maps each item through `f`, over rayon's pool when `parallel`, in order
/// on this thread otherwise; the results come back in the items' order and
/// the first error wins.
pub fn map_blocks<I: Send, R: Send>(
    items: Vec<I>,
    parallel: bool,
    f: impl Fn(I) -> Result<R> + Send + Sync,
) -> Result<Vec<R>> {
    use rayon::prelude::*;
    if parallel {
        items.into_par_iter().map(f).collect()
    } else {
        items.into_iter().map(f).collect()
    }
}

/// Folds the items into accumulators made by `init`: one per piece of
/// work rayon hands a thread when `parallel`, a single one in order on this
/// thread otherwise. The caller combines the accumulators it gets back.
pub fn fold_blocks<I: Send, A: Send>(
    items: Vec<I>,
    parallel: bool,
    init: impl Fn() -> A + Send + Sync,
    f: impl Fn(&mut A, I) -> Result<()> + Send + Sync,
) -> Result<Vec<A>> {
    use rayon::prelude::*;
    if parallel {
        items
            .into_par_iter()
            .try_fold(&init, |mut acc, item| {
                f(&mut acc, item)?;
                Ok(acc)
            })
            .collect()
    } else {
        let mut acc = init();
        for item in items {
            f(&mut acc, item)?;
        }
        Ok(vec![acc])
    }
}

/// The elementwise sum of partial sums (per thread, per block of images,
/// per chunk of rows); `None` without any.
pub fn sum_partials<T: Elem>(parts: impl IntoIterator<Item = Vec<T>>) -> Option<Vec<T>> {
    parts.into_iter().reduce(|mut sum, part| {
        for (s, p) in sum.iter_mut().zip(&part) {
            *s += *p;
        }
        sum
    })
}

/// The gradients of a three-input kernel, each present when asked for.
pub type ThreeGradients<T> = (Option<Vec<T>>, Option<Vec<T>>, Option<Vec<T>>);

/// Below this many destination elements, splitting work over threads costs
/// more than it saves (rayon's wake-ups show in profiles of small models).
const PARALLEL_MIN_ELEMENTS: usize = 1 << 16;

/// Whether to spread `len` elements in chunks of `chunk` over the pool.
fn split(len: usize, chunk: usize) -> bool {
    candle_core::utils::get_num_threads() > 1
        && len > chunk
        && len >= PARALLEL_MIN_ELEMENTS
        && rayon::current_thread_index().is_none()
}

/// How to split `n` images of `image` elements for a per-image kernel
/// (pooling, say): images per block, and whether the blocks go to the
/// pool's threads. With work worth splitting, about four blocks per thread
/// (so uneven blocks even out); otherwise one block on this thread.
pub fn image_blocks(n: usize, image: usize) -> (usize, bool) {
    if split(n * image, image) {
        let blocks = (candle_core::utils::get_num_threads() * 4).min(n).max(1);
        (n.div_ceil(blocks), true)
    } else {
        (n.max(1), false)
    }
}

/// Calls `f` on each `chunk`-sized piece of `dst`, spread over rayon's
/// pool when it has several threads (`RAYON_NUM_THREADS`, see the device's
/// thread policy), there are several chunks and enough elements, and this
/// is not already one of the pool's threads; in order otherwise.
pub fn each_chunk<T: Send>(dst: &mut [T], chunk: usize, f: impl Fn(&mut [T]) + Send + Sync) {
    each_chunk_at(dst, chunk, |_, piece| f(piece));
}

/// [`each_chunk`], telling `f` where its piece starts in `dst`, so that it
/// can take the matching pieces of other slices.
pub fn each_chunk_at<T: Send>(
    dst: &mut [T],
    chunk: usize,
    f: impl Fn(usize, &mut [T]) + Send + Sync,
) {
    use rayon::prelude::*;
    let chunk = chunk.max(1);
    if split(dst.len(), chunk) {
        dst.par_chunks_mut(chunk)
            .enumerate()
            .for_each(|(k, piece)| f(k * chunk, piece));
    } else {
        dst.chunks_mut(chunk)
            .enumerate()
            .for_each(|(k, piece)| f(k * chunk, piece));
    }
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

    /// A product written block by block into uninitialised memory equals the
    /// one written into zeros; an unfinished one is an error, not a
    /// half-initialised matrix.
    #[test]
    fn fresh_products_fill_every_row() -> Result<()> {
        let (m, k, n) = (6, 4, 3);
        let a: Vec<f32> = (0..m * k).map(|i| (i as f32 * 0.3).sin()).collect();
        let b: Vec<f32> = (0..k * n).map(|i| (i as f32 * 0.7).cos()).collect();
        let mut want = vec![0.0f32; m * n];
        gemm(
            &mut want,
            n,
            Mat::rows(&a, m, k),
            Mat::rows(&b, k, n),
            false,
        )?;
        let mut fresh = Fresh::new(m, n);
        fresh.gemm(Mat::rows(&a[..4 * k], 4, k), Mat::rows(&b, k, n))?;
        assert!(Fresh::<f32>::new(m, n).finish().is_err());
        fresh.gemm(Mat::rows(&a[4 * k..], 2, k), Mat::rows(&b, k, n))?;
        assert!(
            fresh
                .gemm(Mat::rows(&a[..k], 1, k), Mat::rows(&b, k, n))
                .is_err()
        );
        assert_eq!(fresh.finish()?, want);
        Ok(())
    }

    /// Every block is visited once, serially or over the pool, and the
    /// accumulators handed back add up to the whole; an error in any block
    /// is the result.
    #[test]
    fn blocks_are_each_visited_once() -> Result<()> {
        for parallel in [false, true] {
            let mut seen = vec![0u32; 100];
            let items: Vec<(usize, &mut [u32])> = seen.chunks_mut(7).enumerate().collect();
            let sums = fold_blocks(
                items,
                parallel,
                || 0usize,
                |acc, (i, chunk)| {
                    chunk.iter_mut().for_each(|v| *v += 1);
                    *acc += i;
                    Ok(())
                },
            )?;
            assert!(seen.iter().all(|&v| v == 1));
            assert_eq!(sums.iter().sum::<usize>(), (0..15).sum::<usize>());
            let failed = for_blocks((0..9).collect(), parallel, |i| {
                if i == 4 { bail!("block {i}") } else { Ok(()) }
            });
            assert!(failed.is_err());
        }
        Ok(())
    }

    /// A nested request for scratch gets its own buffer instead of a
    /// second borrow of the thread's one (which would panic).
    #[test]
    fn nested_scratch_is_a_separate_buffer() {
        let sum = f32::with_scratch(4, |outer| {
            outer.fill(1.0);
            let inner = f32::with_scratch(3, |inner| {
                inner.fill(2.0);
                inner.iter().sum::<f32>()
            });
            outer.iter().sum::<f32>() + inner
        });
        assert_eq!(sum, 10.0);
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
