//! Keras's LSTM layer over a whole sequence (gates i, f, c, o; recurrent
//! activation sigmoid, activation tanh; zero initial state): the input
//! projection and the recurrence as one autograd node on the CPU. The
//! forward pass and backpropagation through time run as plain loops over
//! slices with one small matrix product per step, instead of a dozen
//! candle ops per step each recorded for candle's autograd; the projected
//! inputs `x W + b` `(B, T, 4U)` and their gradient stay inside the node,
//! so candle never allocates, zeroes and adds them up.
//!
//! Shapes: `x` is `(B, T, F)`, `kernel` `(F, 4U)`, `bias` `(4U)`, `rk` the
//! recurrent kernel `(U, 4U)`; the result `hs` is `(B, T, U)`, the hidden
//! state after each step in *processing* order: step `k` reads time `k`,
//! or time `T - 1 - k` with `go_backwards`.
//!
//! Batch rows never interact in the recurrence, so a batch worth splitting
//! runs as chunks of rows, one per thread of the pool, each through the
//! whole sequence with no synchronisation between steps (see [`Chunking`]).

use std::ops::Neg;
use std::sync::{Mutex, MutexGuard};

use super::cpu;
use super::gemm::{Elem, Mat, ThreeGradients, gemm, map_blocks, parallel_threads, sum_partials};
use crate::activations::sigmoid;
use candle_core::{
    CpuStorage, CustomOp3, DType, Device, Layout, Result, Shape, Tensor, WithDType, bail,
};

/// The hidden states of an LSTM layer over `x` (see the module docs): on
/// the CPU (f32/f64) the fused [`LstmSequence`] op, elsewhere the same
/// projection and recurrence as candle ops.
pub fn lstm_sequence(
    x: &Tensor,
    kernel: &Tensor,
    bias: Option<&Tensor>,
    rk: &Tensor,
    go_backwards: bool,
) -> Result<Tensor> {
    let (b, t, f) = x.dims3()?;
    let (kernel_f, g) = kernel.dims2()?;
    let (u, rk_g) = rk.dims2()?;
    if kernel_f != f || g != 4 * u || rk_g != g {
        bail!("lstm of {f} features by a {kernel_f}x{g} kernel and a {u}x{rk_g} recurrent kernel");
    }
    if let Some(bias) = bias
        && bias.dims() != [g]
    {
        bail!("an lstm bias of shape {:?} for {g} gates", bias.dims());
    }
    let dtypes = [Some(kernel), bias, Some(rk)].map(|w| w.map(Tensor::dtype));
    if dtypes.iter().flatten().any(|&dtype| dtype != x.dtype()) {
        bail!(
            "lstm weights of types {dtypes:?} over a {:?} input",
            x.dtype()
        );
    }
    if b == 0 || t == 0 || u == 0 {
        // No elements to compute.
        return Tensor::zeros((b, t, u), x.dtype(), x.device());
    }
    if cpu::has_custom_op(x) && f > 0 {
        fused(
            x,
            kernel,
            bias,
            rk,
            go_backwards,
            Chunking::plan(b, t, u, f),
        )
    } else {
        composition(&projection(x, kernel, bias)?, rk, go_backwards)
    }
}

/// `x W + b` as candle ops: `(B, T, 4U)`.
fn projection(x: &Tensor, kernel: &Tensor, bias: Option<&Tensor>) -> Result<Tensor> {
    let (b, t, f) = x.dims3()?;
    let g = kernel.dim(1)?;
    let xw = x.reshape((b * t, f))?.matmul(kernel)?.reshape((b, t, g))?;
    match bias {
        Some(bias) => xw.broadcast_add(bias),
        None => Ok(xw),
    }
}

/// The fused op with the given split of the batch. The bias travels as a
/// last row under the kernel (a custom op takes three tensors).
fn fused(
    x: &Tensor,
    kernel: &Tensor,
    bias: Option<&Tensor>,
    rk: &Tensor,
    go_backwards: bool,
    chunking: Chunking,
) -> Result<Tensor> {
    let kb = match bias {
        Some(bias) => Tensor::cat(&[kernel, &bias.unsqueeze(0)?], 0)?,
        None => kernel.clone(),
    };
    x.contiguous()?.apply_op3(
        &kb.contiguous()?,
        &rk.contiguous()?,
        LstmSequence {
            go_backwards,
            bias: bias.is_some(),
            chunking,
            trace: Mutex::new(None),
        },
    )
}

/// The recurrence over projected inputs `xw` `(B, T, 4U)` as candle ops,
/// one step at a time; differentiated by candle. Needs `B, T, U >= 1`.
fn composition(xw: &Tensor, rk: &Tensor, go_backwards: bool) -> Result<Tensor> {
    let (b, t, g) = xw.dims3()?;
    let u = g / 4;
    let mut h = Tensor::zeros((b, u), xw.dtype(), xw.device())?;
    let mut c = h.clone();
    let mut outs = Vec::with_capacity(t);
    for k in 0..t {
        let time = if go_backwards { t - 1 - k } else { k };
        let z = (xw.narrow(1, time, 1)?.squeeze(1)? + h.matmul(rk)?)?;
        let i = sigmoid(&z.narrow(1, 0, u)?)?;
        let f = sigmoid(&z.narrow(1, u, u)?)?;
        let cand = z.narrow(1, 2 * u, u)?.tanh()?;
        let o = sigmoid(&z.narrow(1, 3 * u, u)?)?;
        c = ((f * c)? + (i * cand)?)?;
        h = (o * c.tanh()?)?;
        outs.push(h.clone());
    }
    Tensor::stack(&outs, 1)
}

/// How the fused op splits the batch: `rows` batch rows per chunk (the
/// last may have fewer), the chunks on the pool's threads when `parallel`.
#[derive(Debug, Clone, Copy)]
struct Chunking {
    rows: usize,
    parallel: bool,
}

impl Chunking {
    /// Fewest rows worth a chunk of their own: below it the per-step
    /// products get too thin for gemm's kernels to pay off.
    const MIN_ROWS: usize = 4;

    /// One chunk per thread worth using for the layer's `B x T x (F + U) x
    /// 4U` multiply-adds (see [`parallel_threads`]), each of at least
    /// [`Self::MIN_ROWS`] rows; the whole batch in one chunk on this thread
    /// otherwise.
    fn plan(b: usize, t: usize, u: usize, f: usize) -> Self {
        let macs = b * t * (f + u) * 4 * u;
        let threads = parallel_threads(macs).min(b / Self::MIN_ROWS).max(1);
        Self {
            rows: b.div_ceil(threads).max(1),
            parallel: threads > 1,
        }
    }
}

/// The float types the kernel runs on, with the functions it needs.
trait Real: Elem + WithDType + Neg<Output = Self> {
    fn exp(self) -> Self;
    fn sigmoid(self) -> Self {
        <Self as Elem>::ONE / (<Self as Elem>::ONE + (-self).exp())
    }
    /// `1 - 2 / (exp(2x) + 1)`: through `exp`, which is several times
    /// faster than libm's `tanhf`; the absolute error stays within a few
    /// units in the last place of 1 (and `exp` overflowing gives 1).
    fn tanh(self) -> Self {
        let one = <Self as Elem>::ONE;
        one - (one + one) / ((self + self).exp() + one)
    }
    fn wrap(traces: Vec<Trace<Self>>) -> Saved;
    fn unwrap(saved: &Saved) -> Option<&[Trace<Self>]>;
}

impl Real for f32 {
    fn exp(self) -> Self {
        exp_f32(self)
    }
    fn wrap(traces: Vec<Trace<Self>>) -> Saved {
        Saved::F32(traces)
    }
    fn unwrap(saved: &Saved) -> Option<&[Trace<Self>]> {
        match saved {
            Saved::F32(traces) => Some(traces),
            Saved::F64(_) => None,
        }
    }
}

impl Real for f64 {
    fn exp(self) -> Self {
        f64::exp(self)
    }
    fn wrap(traces: Vec<Trace<Self>>) -> Saved {
        Saved::F64(traces)
    }
    fn unwrap(saved: &Saved) -> Option<&[Trace<Self>]> {
        match saved {
            Saved::F64(traces) => Some(traces),
            Saved::F32(_) => None,
        }
    }
}

/// `e^x` in f32 without calling libm, so the cell loops that use it
/// vectorize: Cephes's `expf` (x = n ln 2 + r with |r| <= ln 2 / 2, a
/// degree-6 polynomial for e^r, relative error about 2e-7 over the range
/// it is used in), with `n` rounded by the 1.5 * 2^23 trick and `2^n` made
/// from its bits. `x` is clamped to [-87, 87] so that `2^n` stays a normal
/// number and so does `1 / e^87` (1.6e-38): the gates use `1 / (1 + e^x)`
/// and `2 / (e^x + 1)`, which then saturate at 1.6e-38 rather than at a
/// subnormal number (slow in later multiplies on x86) or 0. NaN stays NaN.
fn exp_f32(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    // ln 2 split in two so that n * LN2_HI is exact for |n| < 2^9.
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    const ROUND: f32 = 12_582_912.0; // 1.5 * 2^23
    let x = x.clamp(-87.0, 87.0);
    let n = (x * LOG2_E + ROUND) - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = 1.987_569_2e-4;
    let p = p * r + 1.398_199_9e-3;
    let p = p * r + 8.333_452e-3;
    let p = p * r + 4.166_579_6e-2;
    let p = p * r + 1.666_666_5e-1;
    let p = p * r + 0.5;
    let e_r = p * r * r + r + 1.0;
    // n is an integer in [-126, 127] here, so n + 127 + 2^23 is a float in
    // [2^23, 2^24) whose low mantissa bits are the biased exponent n + 127
    // (in [1, 254]); shifted into place they are 2^n. Plain float and bit
    // arithmetic, unlike a saturating `as i32`, so the loops vectorize. A
    // NaN gives some power of two times a NaN `e_r`: NaN.
    let biased = n + (127.0 + 8_388_608.0);
    e_r * f32::from_bits(biased.to_bits() << 23)
}

/// Batch, sequence length, units and input features of one call.
#[derive(Debug, Clone, Copy)]
struct Dims {
    b: usize,
    t: usize,
    u: usize,
    f: usize,
}

impl Dims {
    /// Elements of one step's gate block, `B x 4U`.
    fn gate_block(self) -> usize {
        self.b * 4 * self.u
    }
    /// Elements of one step's state block, `B x U`.
    fn state_block(self) -> usize {
        self.b * self.u
    }
    /// The time step that processing step `k` reads.
    fn time(self, k: usize, go_backwards: bool) -> usize {
        if go_backwards { self.t - 1 - k } else { k }
    }
}

/// What the forward pass leaves for backpropagation, all *step-major* in
/// processing order (step `k`'s block first, then batch row `n`):
/// `inputs` `(T, B, F)` the inputs each step read, `gates` `(T, B, 4U)`
/// after their activations (i, f, c, o), `cells` `(T, B, U)` the cell
/// states, `cell_tanh` `(T, B, U)` their tanh, `hidden` `(T, B, U)` the
/// hidden states.
struct Trace<T> {
    inputs: Vec<T>,
    gates: Vec<T>,
    cells: Vec<T>,
    cell_tanh: Vec<T>,
    hidden: Vec<T>,
}

/// One [`Trace`] per chunk of batch rows, in batch order.
enum Saved {
    F32(Vec<Trace<f32>>),
    F64(Vec<Trace<f64>>),
}

/// The LSTM layer as one autograd node over `(x, kb, rk)`, where `kb` is
/// the kernel `(F, 4U)` with, when `bias`, the bias as one more row.
/// `trace` holds what `cpu_fwd` computed (the op is shared into the graph
/// and `cpu_fwd` gets `&self`); it is freed with the graph.
struct LstmSequence {
    go_backwards: bool,
    bias: bool,
    chunking: Chunking,
    trace: Mutex<Option<Saved>>,
}

impl LstmSequence {
    fn trace(&self) -> MutexGuard<'_, Option<Saved>> {
        // A poisoned lock only means another thread panicked while holding
        // it; the trace itself is either fully written or absent.
        self.trace
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `(B, T, F, U)` of a call, checked against `kb`'s rows.
    fn dims(&self, x: &Shape, kb: &Shape, rk: &Shape) -> Result<(usize, usize, usize, usize)> {
        let (b, t, f) = x.dims3()?;
        let (kb_rows, _) = kb.dims2()?;
        let (u, _) = rk.dims2()?;
        if kb_rows != f + usize::from(self.bias) {
            bail!("an lstm kernel of {kb_rows} rows for {f} features");
        }
        Ok((b, t, f, u))
    }

    fn fwd_typed<T: Real>(
        &self,
        (x, x_layout): (&CpuStorage, &Layout),
        (kb, kb_layout): (&CpuStorage, &Layout),
        (rk, rk_layout): (&CpuStorage, &Layout),
    ) -> Result<(CpuStorage, Shape)> {
        let (b, t, f, u) = self.dims(x_layout.shape(), kb_layout.shape(), rk_layout.shape())?;
        let x = cpu::storage_slice::<T>(x, x_layout)?;
        let kb = cpu::storage_slice::<T>(kb, kb_layout)?;
        let rk = cpu::storage_slice::<T>(rk, rk_layout)?;
        let Chunking { rows, parallel } = self.chunking;
        let traces = map_blocks(x.chunks(rows * t * f).collect(), parallel, |x| {
            let dims = Dims {
                b: x.len() / (t * f),
                t,
                u,
                f,
            };
            let trace = forward(x, kb, rk, dims, self.go_backwards)?;
            let hs = batch_major(&trace.hidden, u, dims, |k| k);
            Ok((trace, hs))
        })?;
        let mut hs = Vec::with_capacity(b * t * u);
        let traces = traces
            .into_iter()
            .map(|(trace, chunk)| {
                hs.extend_from_slice(&chunk);
                trace
            })
            .collect();
        *self.trace() = Some(T::wrap(traces));
        Ok((T::to_cpu_storage_owned(hs), Shape::from((b, t, u))))
    }

    fn bwd_typed<T: Real>(
        &self,
        (x, kb, rk): (&Tensor, &Tensor, &Tensor),
        dhs: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let (b, t, f, u) = self.dims(x.shape(), kb.shape(), rk.shape())?;
        let g = 4 * u;
        let saved = self.trace();
        let Some(traces) = saved.as_ref().and_then(T::unwrap) else {
            bail!("lstm backward pass without its forward pass");
        };
        let want = (x.track_op(), kb.track_op(), rk.track_op());
        let rows = self.chunking.rows;
        let chunks = cpu::with_slice::<T, _>(kb, |kb| {
            cpu::with_slice::<T, _>(rk, |rk| {
                cpu::with_slice::<T, _>(dhs, |dhs| {
                    if dhs.len() != b * t * u || traces.len() != b.div_ceil(rows) {
                        bail!("lstm gradient of {} elements for {b}x{t}x{u}", dhs.len());
                    }
                    let items = traces.iter().zip(dhs.chunks(rows * t * u)).collect();
                    map_blocks(items, self.chunking.parallel, |(trace, dhs)| {
                        let dims = Dims {
                            b: dhs.len() / (t * u),
                            t,
                            u,
                            f,
                        };
                        self.chunk_gradients(trace, (kb, rk), dhs, dims, want)
                    })
                })
            })
        })?;
        // Each chunk's input gradient in batch order; its parts of the
        // weights' gradients summed.
        let (dxs, (dkbs, drks)): (Vec<_>, (Vec<_>, Vec<_>)) = chunks
            .into_iter()
            .map(|(dx, dkb, drk)| (dx, (dkb, drk)))
            .unzip();
        let (dkb, drk) = (
            sum_partials(dkbs.into_iter().flatten()),
            sum_partials(drks.into_iter().flatten()),
        );
        let dx = want
            .0
            .then(|| {
                let mut dx = Vec::with_capacity(b * t * f);
                dxs.iter()
                    .flatten()
                    .for_each(|chunk| dx.extend_from_slice(chunk));
                Tensor::from_vec(dx, (b, t, f), &Device::Cpu)
            })
            .transpose()?;
        let dkb = dkb
            .map(|dkb| Tensor::from_vec(dkb, kb.shape(), &Device::Cpu))
            .transpose()?;
        let drk = drk
            .map(|drk| Tensor::from_vec(drk, (u, g), &Device::Cpu))
            .transpose()?;
        Ok((dx, dkb, drk))
    }

    /// Backpropagation through one chunk, then the wanted gradients: the
    /// chunk's inputs' `dz W^T` `(B, T, F)`, and its parts of the sums for
    /// the kernel, `inputs^T dz` (with the bias's column sums of `dz` as
    /// its last row), and for the recurrent kernel.
    fn chunk_gradients<T: Real>(
        &self,
        trace: &Trace<T>,
        (kb, rk): (&[T], &[T]),
        dhs: &[T],
        d: Dims,
        (want_dx, want_dkb, want_drk): (bool, bool, bool),
    ) -> Result<ThreeGradients<T>> {
        let g = 4 * d.u;
        let steps = d.t * d.b;
        let dz = backward(trace, rk, dhs, d)?;
        let kernel = Mat::rows(&kb[..d.f * g], d.f, g);
        let dx = if want_dx {
            let mut dx = vec![<T as Elem>::ZERO; steps * d.f];
            gemm(&mut dx, d.f, Mat::rows(&dz, steps, g), kernel.t(), false)?;
            Some(batch_major(&dx, d.f, d, |k| d.time(k, self.go_backwards)))
        } else {
            None
        };
        let dkb = if want_dkb {
            let mut dkb = vec![<T as Elem>::ZERO; kb.len()];
            let (dk, db) = dkb.split_at_mut(d.f * g);
            let inputs = Mat::rows(&trace.inputs, steps, d.f).t();
            gemm(dk, g, inputs, Mat::rows(&dz, steps, g), false)?;
            for row in dz.chunks_exact(g) {
                db.iter_mut().zip(row).for_each(|(s, v)| *s += *v);
            }
            Some(dkb)
        } else {
            None
        };
        let drk = want_drk
            .then(|| recurrent_kernel_grad(trace, &dz, d))
            .transpose()?;
        Ok((dx, dkb, drk))
    }
}

impl CustomOp3 for LstmSequence {
    fn name(&self) -> &'static str {
        "dojo-lstm"
    }

    fn cpu_fwd(
        &self,
        x: &CpuStorage,
        x_layout: &Layout,
        kb: &CpuStorage,
        kb_layout: &Layout,
        rk: &CpuStorage,
        rk_layout: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let args = ((x, x_layout), (kb, kb_layout), (rk, rk_layout));
        match x {
            CpuStorage::F32(_) => self.fwd_typed::<f32>(args.0, args.1, args.2),
            CpuStorage::F64(_) => self.fwd_typed::<f64>(args.0, args.1, args.2),
            _ => bail!("lstm over elements that are not f32 or f64"),
        }
    }

    fn bwd(
        &self,
        x: &Tensor,
        kb: &Tensor,
        rk: &Tensor,
        _hs: &Tensor,
        dhs: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        if !x.track_op() && !kb.track_op() && !rk.track_op() {
            return Ok((None, None, None));
        }
        match x.dtype() {
            DType::F32 => self.bwd_typed::<f32>((x, kb, rk), dhs),
            DType::F64 => self.bwd_typed::<f64>((x, kb, rk), dhs),
            other => bail!("lstm over {other:?}, not f32 or f64"),
        }
    }
}

/// Runs the layer over one chunk: `x` is `(B, T, F)`, `kb` the kernel
/// `(F, 4U)` and, if it has one more row, the bias; `rk` `(U, 4U)`; all
/// row-major; `B, T, U, F >= 1` (chunk sizes are never zero).
fn forward<T: Real>(x: &[T], kb: &[T], rk: &[T], d: Dims, go_backwards: bool) -> Result<Trace<T>> {
    let (g, gate_block, state_block) = (4 * d.u, d.gate_block(), d.state_block());
    let bias_len = kb.len().wrapping_sub(d.f * g);
    if x.len() != d.b * d.t * d.f || rk.len() != d.u * g || (bias_len != 0 && bias_len != g) {
        bail!(
            "lstm inputs of {}, {} and {} elements for {d:?}",
            x.len(),
            kb.len(),
            rk.len()
        );
    }
    let (kernel, bias) = kb.split_at(d.f * g);
    // The inputs in processing order, then every step's projection `x W + b`
    // as one product into the gate blocks.
    let mut inputs = vec![<T as Elem>::ZERO; d.t * d.b * d.f];
    for (k, step) in inputs.chunks_exact_mut(d.b * d.f).enumerate() {
        let time = d.time(k, go_backwards);
        for (row, sequence) in step.chunks_exact_mut(d.f).zip(x.chunks_exact(d.t * d.f)) {
            row.copy_from_slice(&sequence[time * d.f..(time + 1) * d.f]);
        }
    }
    let mut gates = vec![<T as Elem>::ZERO; d.t * gate_block];
    if !bias.is_empty() {
        gates
            .chunks_exact_mut(g)
            .for_each(|row| row.copy_from_slice(bias));
    }
    let (steps, kernel) = (d.t * d.b, Mat::rows(kernel, d.f, g));
    gemm(
        &mut gates,
        g,
        Mat::rows(&inputs, steps, d.f),
        kernel,
        !bias.is_empty(),
    )?;
    let mut cells = vec![<T as Elem>::ZERO; d.t * state_block];
    let mut cell_tanh = vec![<T as Elem>::ZERO; d.t * state_block];
    let mut hidden = vec![<T as Elem>::ZERO; d.t * state_block];
    let zeros = vec![<T as Elem>::ZERO; state_block];
    for k in 0..d.t {
        let z = &mut gates[k * gate_block..(k + 1) * gate_block];
        let (h_done, h_rest) = hidden.split_at_mut(k * state_block);
        let (c_done, c_rest) = cells.split_at_mut(k * state_block);
        let c_prev = if k > 0 {
            let h_prev = &h_done[(k - 1) * state_block..];
            gemm(
                z,
                g,
                Mat::rows(h_prev, d.b, d.u),
                Mat::rows(rk, d.u, g),
                true,
            )?;
            &c_done[(k - 1) * state_block..]
        } else {
            &zeros[..]
        };
        let tanh_block = &mut cell_tanh[k * state_block..(k + 1) * state_block];
        let rows = z
            .chunks_exact_mut(g)
            .zip(c_prev.chunks_exact(d.u))
            .zip(c_rest[..state_block].chunks_exact_mut(d.u))
            .zip(tanh_block.chunks_exact_mut(d.u))
            .zip(h_rest[..state_block].chunks_exact_mut(d.u));
        for ((((z, c_prev), c), tanh_c), h) in rows {
            cell_forward(z, c_prev, c, tanh_c, h);
        }
    }
    Ok(Trace {
        inputs,
        gates,
        cells,
        cell_tanh,
        hidden,
    })
}

/// One batch row of one step: activates the pre-activations `z` (4U) in
/// place and writes the new cell state `c`, its tanh and the hidden state
/// `h` (U each).
fn cell_forward<T: Real>(z: &mut [T], c_prev: &[T], c: &mut [T], tanh_c: &mut [T], h: &mut [T]) {
    let u = c.len();
    let (ifc, o) = z.split_at_mut(3 * u);
    let (i_f, cand) = ifc.split_at_mut(2 * u);
    // Separate passes, each a plain loop the compiler vectorizes.
    i_f.iter_mut().for_each(|v| *v = v.sigmoid());
    cand.iter_mut().for_each(|v| *v = v.tanh());
    o.iter_mut().for_each(|v| *v = v.sigmoid());
    let (i, f) = i_f.split_at(u);
    let cells = c.iter_mut().zip(c_prev).zip(i.iter().zip(f)).zip(&*cand);
    for (((c, &c_prev), (&i, &f)), &cand) in cells {
        *c = f * c_prev + i * cand;
    }
    let out = tanh_c.iter_mut().zip(h.iter_mut()).zip(c.iter().zip(&*o));
    for ((tanh_c, h), (&c, &o)) in out {
        *tanh_c = c.tanh();
        *h = o * *tanh_c;
    }
}

/// Backpropagation through time: the gradient of the gate
/// pre-activations, step-major `(T, B, 4U)` in processing order, given
/// the gradient `dhs` of the output `(B, T, U)`.
fn backward<T: Real>(trace: &Trace<T>, rk: &[T], dhs: &[T], d: Dims) -> Result<Vec<T>> {
    let (g, gate_block, state_block) = (4 * d.u, d.gate_block(), d.state_block());
    if dhs.len() != d.t * state_block || trace.gates.len() != d.t * gate_block {
        bail!("lstm gradient of {} elements for {d:?}", dhs.len());
    }
    let mut dz = vec![<T as Elem>::ZERO; d.t * gate_block];
    // The gradients reaching step k's hidden and cell states from step k+1.
    let mut dh_next = vec![<T as Elem>::ZERO; state_block];
    let mut dc = vec![<T as Elem>::ZERO; state_block];
    let zeros = vec![<T as Elem>::ZERO; state_block];
    for k in (0..d.t).rev() {
        let c_prev = if k > 0 {
            &trace.cells[(k - 1) * state_block..k * state_block]
        } else {
            &zeros[..]
        };
        let dz_k = &mut dz[k * gate_block..(k + 1) * gate_block];
        let rows = dz_k
            .chunks_exact_mut(g)
            .zip(trace.gates[k * gate_block..].chunks_exact(g))
            .zip(trace.cell_tanh[k * state_block..].chunks_exact(d.u))
            .zip(c_prev.chunks_exact(d.u))
            .zip(dhs.chunks_exact(d.t * d.u))
            .zip(dh_next.chunks_exact(d.u))
            .zip(dc.chunks_exact_mut(d.u));
        for ((((((dz, gates), tanh_c), c_prev), dhs_row), dh_next), dc) in rows {
            let dh_out = &dhs_row[k * d.u..(k + 1) * d.u];
            cell_backward(gates, tanh_c, c_prev, dh_out, dh_next, dc, dz);
        }
        if k > 0 {
            let dz_k = &dz[k * gate_block..(k + 1) * gate_block];
            let rk_t = Mat::rows(rk, d.u, g).t();
            gemm(&mut dh_next, d.u, Mat::rows(dz_k, d.b, g), rk_t, false)?;
        }
    }
    Ok(dz)
}

/// One batch row of one step backwards: from the activated `gates` (4U),
/// this step's `tanh_c`, the previous cell state and the hidden-state gradient (`dh_out` from the output
/// plus `dh_next` from the next step), writes the pre-activation gradient
/// `dz` (4U) and turns `dc` (U) from this step's cell-state gradient into
/// the previous step's.
fn cell_backward<T: Real>(
    gates: &[T],
    tanh_c: &[T],
    c_prev: &[T],
    dh_out: &[T],
    dh_next: &[T],
    dc: &mut [T],
    dz: &mut [T],
) {
    let one = <T as Elem>::ONE;
    let u = tanh_c.len();
    let (i, rest) = gates.split_at(u);
    let (f, rest) = rest.split_at(u);
    let (cand, o) = rest.split_at(u);
    let (dzi, rest) = dz.split_at_mut(u);
    let (dzf, rest) = rest.split_at_mut(u);
    let (dzc, dzo) = rest.split_at_mut(u);
    let (o, c_prev, dh_out, dh_next) = (&o[..u], &c_prev[..u], &dh_out[..u], &dh_next[..u]);
    let (dc, dzo) = (&mut dc[..u], &mut dzo[..u]);
    for j in 0..u {
        let tanh_c = tanh_c[j];
        let dh = dh_out[j] + dh_next[j];
        let dc_total = dc[j] + dh * o[j] * (one - tanh_c * tanh_c);
        dzo[j] = dh * tanh_c * o[j] * (one - o[j]);
        dzi[j] = dc_total * cand[j] * i[j] * (one - i[j]);
        dzf[j] = dc_total * c_prev[j] * f[j] * (one - f[j]);
        dzc[j] = dc_total * i[j] * (one - cand[j] * cand[j]);
        dc[j] = dc_total * f[j];
    }
}

/// The recurrent kernel's gradient, the sum over steps `k >= 1` of
/// `h_{k-1}^T dz_k`, as one matrix product over all steps.
fn recurrent_kernel_grad<T: Real>(trace: &Trace<T>, dz: &[T], d: Dims) -> Result<Vec<T>> {
    let g = 4 * d.u;
    let mut drk = vec![<T as Elem>::ZERO; d.u * g];
    if d.t > 1 {
        let rows = (d.t - 1) * d.b;
        let h_prev = Mat::rows(&trace.hidden[..rows * d.u], rows, d.u).t();
        let dz_next = Mat::rows(&dz[d.gate_block()..], rows, g);
        gemm(&mut drk, g, h_prev, dz_next, false)?;
    }
    Ok(drk)
}

/// A step-major `(T, B, W)` block of rows as batch-major `(B, T, W)`: step
/// `k`'s rows go to time `time(k)` (the hidden states keep processing
/// order, the input gradient goes back to time order).
fn batch_major<T: Real>(
    steps: &[T],
    width: usize,
    d: Dims,
    time: impl Fn(usize) -> usize,
) -> Vec<T> {
    let mut out = vec![<T as Elem>::ZERO; steps.len()];
    for (k, step) in steps.chunks_exact(d.b * width).enumerate() {
        let at = time(k) * width;
        for (row, sequence) in step
            .chunks_exact(width)
            .zip(out.chunks_exact_mut(d.t * width))
        {
            sequence[at..at + width].copy_from_slice(row);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::assert_agree;
    use super::*;
    use candle_core::Var;

    /// A layer's variables: inputs `(B, T, F)`, kernel, bias, recurrent
    /// kernel.
    fn variables<T: candle_core::FloatDType>(
        b: usize,
        t: usize,
        f: usize,
        u: usize,
    ) -> Result<[Var; 4]> {
        let zero = T::from_f64(0.0);
        let (one, half) = (T::from_f64(1.0), T::from_f64(0.5));
        Ok([
            Var::randn(zero, one, (b, t, f), &Device::Cpu)?,
            Var::randn(zero, half, (f, 4 * u), &Device::Cpu)?,
            Var::randn(zero, half, 4 * u, &Device::Cpu)?,
            Var::randn(zero, half, (u, 4 * u), &Device::Cpu)?,
        ])
    }

    /// The fused op (with `chunking`) and the candle composition agree on
    /// the hidden states and on every gradient, within `tolerance`, with
    /// and without a bias, in both directions.
    fn agree<T: candle_core::FloatDType>(
        (b, t, f, u): (usize, usize, usize, usize),
        chunking: Chunking,
        tolerance: f64,
    ) -> Result<()> {
        for (go_backwards, use_bias) in [(false, true), (true, true), (true, false)] {
            let vars = variables::<T>(b, t, f, u)?;
            let [x, kernel, bias, rk] = vars.each_ref().map(Var::as_tensor);
            let bias = use_bias.then_some(bias);
            let fast = fused(x, kernel, bias, rk, go_backwards, chunking)?;
            let plain = composition(&projection(x, kernel, bias)?, rk, go_backwards)?;
            assert_eq!(fast.dims(), &[b, t, u]);
            let what = format!("go_backwards={go_backwards}, bias={use_bias}");
            let all = [x, kernel, vars[2].as_tensor(), rk];
            let grads = assert_agree(&fast, &plain, &all, tolerance, &what)?;
            // Every weight in use gets a gradient; an unused bias none.
            for (k, v) in all.iter().enumerate() {
                let used = k != 2 || use_bias;
                assert_eq!(grads.get(v).is_some(), used, "variable {k}, {what}");
            }
        }
        Ok(())
    }

    /// The whole batch in one chunk, in f64.
    #[test]
    fn custom_op_matches_the_composition() -> Result<()> {
        let whole = Chunking {
            rows: 3,
            parallel: false,
        };
        agree::<f64>((3, 5, 2, 4), whole, 1e-10)
    }

    /// Chunks of batch rows (here 2, 2 and 1 rows, on the pool's threads
    /// and in order on this one) give the same hidden states and gradients
    /// as the composition.
    #[test]
    fn batch_chunks_match_the_composition() -> Result<()> {
        for parallel in [true, false] {
            agree::<f64>((5, 4, 3, 3), Chunking { rows: 2, parallel }, 1e-10)?;
        }
        Ok(())
    }

    /// f32 (the fast `exp`) agrees with the composition too.
    #[test]
    fn f32_matches_the_composition() -> Result<()> {
        agree::<f32>((4, 7, 3, 3), Chunking::plan(4, 7, 3, 3), 1e-5)
    }

    /// Splitting follows the work: a bench-sized batch goes to two threads
    /// when the pool has them, a tiny one stays whole.
    #[test]
    fn chunking_plan() {
        let tiny = Chunking::plan(3, 5, 4, 2);
        assert_eq!((tiny.rows, tiny.parallel), (3, false));
        let threads = candle_core::utils::get_num_threads();
        let big = Chunking::plan(32, 120, 32, 16);
        if threads > 1 && rayon::current_thread_index().is_none() {
            assert!(big.parallel);
            assert_eq!(big.rows, 32usize.div_ceil(threads.min(8)));
        } else {
            assert_eq!((big.rows, big.parallel), (32, false));
        }
    }

    /// The vectorizable `exp` against the standard library's over the
    /// range the gates use, and at the clamps; reference values from
    /// `f64::exp`.
    #[test]
    fn fast_exp_is_accurate() {
        let mut worst = 0f64;
        for k in -86_990..=86_990 {
            let x = k as f32 * 1e-3;
            let want = (x as f64).exp();
            let got = exp_f32(x) as f64;
            worst = worst.max(((got - want) / want).abs());
        }
        assert!(worst < 5e-7, "relative error {worst}");
        assert_eq!(exp_f32(0.0), 1.0);
        assert!(exp_f32(-1000.0) > 0.0 && exp_f32(-1000.0) < 1e-37);
        assert!(exp_f32(1000.0).is_finite() && exp_f32(1000.0) > 6e37);
        assert!(exp_f32(f32::NAN).is_nan());
        // The gates: sigmoid saturates to 0 and 1, tanh to -1 and 1.
        assert_eq!(Real::sigmoid(200f32), 1.0);
        // Saturated, but never subnormal.
        let low = Real::sigmoid(-200f32);
        assert!(low < 1e-37 && low.is_normal());
        assert_eq!(Real::tanh(50f32), 1.0);
        assert_eq!(Real::tanh(-50f32), -1.0);
        assert!((Real::tanh(0.5f32) - 0.5f32.tanh()).abs() < 1e-6);
    }

    /// Shapes that do not describe an LSTM layer are errors, not panics;
    /// an empty batch gives an empty result.
    #[test]
    fn mismatched_shapes_are_errors() -> Result<()> {
        let zeros = |shape: &[usize], dtype| Tensor::zeros(shape, dtype, &Device::Cpu);
        let x = zeros(&[2, 3, 5], DType::F32)?;
        let kernel = zeros(&[5, 8], DType::F32)?;
        let rk = zeros(&[2, 8], DType::F32)?;
        assert!(lstm_sequence(&x, &zeros(&[4, 8], DType::F32)?, None, &rk, false).is_err());
        assert!(lstm_sequence(&x, &kernel, None, &zeros(&[3, 12], DType::F32)?, false).is_err());
        let wide_bias = zeros(&[9], DType::F32)?;
        assert!(lstm_sequence(&x, &kernel, Some(&wide_bias), &rk, false).is_err());
        assert!(lstm_sequence(&x, &kernel, None, &zeros(&[2, 8], DType::F64)?, false).is_err());
        let empty = zeros(&[0, 3, 5], DType::F32)?;
        assert_eq!(
            lstm_sequence(&empty, &kernel, None, &rk, false)?.dims(),
            &[0, 3, 2]
        );
        Ok(())
    }
}
