//! Keras's LSTM recurrence over a whole sequence (gates i, f, c, o;
//! recurrent activation sigmoid, activation tanh; zero initial state) as
//! one autograd node on the CPU: the forward pass and backpropagation
//! through time run as plain loops over slices with one small matrix
//! product per step, instead of a dozen candle ops per step each recorded
//! for candle's autograd.
//!
//! Shapes: `xw` is `(B, T, 4U)`, the inputs already multiplied by the
//! kernel with the bias added; `rk` is the recurrent kernel `(U, 4U)`; the
//! result `hs` is `(B, T, U)`, the hidden state after each step in
//! *processing* order: step `k` reads time `k`, or time `T - 1 - k` with
//! `go_backwards`.
//!
//! Batch rows never interact in the recurrence, so a batch worth splitting
//! runs as chunks of rows, one per thread of the pool, each through the
//! whole sequence with no synchronisation between steps (see [`Chunking`]).

use std::ops::Neg;
use std::sync::{Mutex, MutexGuard};

use super::cpu;
use super::gemm::{Elem, Mat, gemm, map_blocks, parallel_threads};
use crate::activations::sigmoid;
use candle_core::{
    CpuStorage, CustomOp2, DType, Device, Layout, Result, Shape, Tensor, WithDType, bail,
};

/// The hidden states of an LSTM over `xw` (see the module docs): on the
/// CPU (f32/f64) the fused [`LstmSequence`] op, elsewhere the same
/// recurrence as candle ops.
pub fn lstm_sequence(xw: &Tensor, rk: &Tensor, go_backwards: bool) -> Result<Tensor> {
    let (b, t, g) = xw.dims3()?;
    let (u, rk_g) = rk.dims2()?;
    if g != 4 * u || rk_g != g {
        bail!("lstm of a {g}-wide input by a {u}x{rk_g} recurrent kernel");
    }
    if rk.dtype() != xw.dtype() {
        bail!(
            "a {:?} recurrent kernel over a {:?} input",
            rk.dtype(),
            xw.dtype()
        );
    }
    if b == 0 || t == 0 || u == 0 {
        // No elements to compute: an empty `(B, T, U)` slice of the input.
        return xw.narrow(2, 0, u);
    }
    if cpu::has_custom_op(xw) {
        fused(xw, rk, go_backwards, Chunking::plan(b, t, u))
    } else {
        composition(xw, rk, go_backwards)
    }
}

/// The fused op with the given split of the batch.
fn fused(xw: &Tensor, rk: &Tensor, go_backwards: bool, chunking: Chunking) -> Result<Tensor> {
    xw.contiguous()?.apply_op2(
        &rk.contiguous()?,
        LstmSequence {
            go_backwards,
            chunking,
            trace: Mutex::new(None),
        },
    )
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

    /// One chunk per thread worth using for the recurrence's `B x T x U x
    /// 4U` multiply-adds (see [`parallel_threads`]), each of at least
    /// [`Self::MIN_ROWS`] rows; the whole batch in one chunk on this thread
    /// otherwise.
    fn plan(b: usize, t: usize, u: usize) -> Self {
        let threads = parallel_threads(b * t * u * 4 * u)
            .min(b / Self::MIN_ROWS)
            .max(1);
        Self {
            rows: b.div_ceil(threads).max(1),
            parallel: threads > 1,
        }
    }
}

/// The recurrence as candle ops, one step at a time; differentiated by
/// candle. Needs `B, T, U >= 1`.
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
/// from its bits. `x` is clamped to [-87, 88] so that `2^n` stays a normal
/// number: e^-87 is 1.6e-38 where the exact result would be smaller, and
/// e^88 is 1.7e38; the gates only ever use `1 / (1 + e^x)`, where both
/// ends round to the same 0 or 1. NaN stays NaN.
fn exp_f32(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    // ln 2 split in two so that n * LN2_HI is exact for |n| < 2^9.
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    const ROUND: f32 = 12_582_912.0; // 1.5 * 2^23
    let x = x.clamp(-87.0, 88.0);
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

/// Batch, sequence length and units of one call.
#[derive(Debug, Clone, Copy)]
struct Dims {
    b: usize,
    t: usize,
    u: usize,
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
/// `gates` `(T, B, 4U)` after their activations (i, f, c, o), `cells`
/// `(T, B, U)` the cell states, `cell_tanh` `(T, B, U)` their tanh,
/// `hidden` `(T, B, U)` the hidden states.
struct Trace<T> {
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

/// The LSTM sequence as one autograd node. `trace` holds what `cpu_fwd`
/// computed (the op is shared into the graph and `cpu_fwd` gets `&self`);
/// it is freed with the graph.
struct LstmSequence {
    go_backwards: bool,
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

    fn fwd_typed<T: Real>(
        &self,
        xw: &CpuStorage,
        xw_layout: &Layout,
        rk: &CpuStorage,
        rk_layout: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let xw = cpu::storage_slice::<T>(xw, xw_layout)?;
        let rk = cpu::storage_slice::<T>(rk, rk_layout)?;
        let (b, t, _) = xw_layout.shape().dims3()?;
        let (u, _) = rk_layout.shape().dims2()?;
        let g = 4 * u;
        let Chunking { rows, parallel } = self.chunking;
        let traces = map_blocks(xw.chunks(rows * t * g).collect(), parallel, |xw| {
            let dims = Dims {
                b: xw.len() / (t * g),
                t,
                u,
            };
            let trace = forward(xw, rk, dims, self.go_backwards)?;
            let hs = batch_major(&trace.hidden, dims);
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
        xw: &Tensor,
        rk: &Tensor,
        dhs: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        let (b, t, g) = xw.dims3()?;
        let u = g / 4;
        let saved = self.trace();
        let Some(traces) = saved.as_ref().and_then(T::unwrap) else {
            bail!("lstm backward pass without its forward pass");
        };
        let (want_dxw, want_drk) = (xw.track_op(), rk.track_op());
        let rows = self.chunking.rows;
        // Each chunk's input gradient and recurrent-kernel gradient.
        let chunks = cpu::with_slice::<T, _>(rk, |rk| {
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
                    };
                    let dz = backward(trace, rk, dhs, dims)?;
                    let dxw = want_dxw.then(|| time_major_to_input(&dz, dims, self.go_backwards));
                    let drk = want_drk
                        .then(|| recurrent_kernel_grad(trace, &dz, dims))
                        .transpose()?;
                    Ok((dxw, drk))
                })
            })
        })?;
        let mut dxw = Vec::with_capacity(if want_dxw { b * t * g } else { 0 });
        let mut drk: Option<Vec<T>> = None;
        for (chunk_dxw, chunk_drk) in chunks {
            dxw.extend_from_slice(chunk_dxw.as_deref().unwrap_or_default());
            if let Some(chunk_drk) = chunk_drk {
                match &mut drk {
                    Some(sum) => sum.iter_mut().zip(&chunk_drk).for_each(|(s, d)| *s += *d),
                    None => drk = Some(chunk_drk),
                }
            }
        }
        let dxw = want_dxw
            .then(|| Tensor::from_vec(dxw, (b, t, g), &Device::Cpu))
            .transpose()?;
        let drk = drk
            .map(|drk| Tensor::from_vec(drk, (u, g), &Device::Cpu))
            .transpose()?;
        Ok((dxw, drk))
    }
}

impl CustomOp2 for LstmSequence {
    fn name(&self) -> &'static str {
        "dojo-lstm"
    }

    fn cpu_fwd(
        &self,
        xw: &CpuStorage,
        xw_layout: &Layout,
        rk: &CpuStorage,
        rk_layout: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        match xw {
            CpuStorage::F32(_) => self.fwd_typed::<f32>(xw, xw_layout, rk, rk_layout),
            CpuStorage::F64(_) => self.fwd_typed::<f64>(xw, xw_layout, rk, rk_layout),
            _ => bail!("lstm over elements that are not f32 or f64"),
        }
    }

    fn bwd(
        &self,
        xw: &Tensor,
        rk: &Tensor,
        _hs: &Tensor,
        dhs: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        if !xw.track_op() && !rk.track_op() {
            return Ok((None, None));
        }
        match xw.dtype() {
            DType::F32 => self.bwd_typed::<f32>(xw, rk, dhs),
            DType::F64 => self.bwd_typed::<f64>(xw, rk, dhs),
            other => bail!("lstm over {other:?}, not f32 or f64"),
        }
    }
}

/// Runs the recurrence. `xw` is `(B, T, 4U)` and `rk` `(U, 4U)`, both
/// row-major; `B, T, U >= 1` (chunk sizes are never zero).
fn forward<T: Real>(xw: &[T], rk: &[T], d: Dims, go_backwards: bool) -> Result<Trace<T>> {
    let (g, gate_block, state_block) = (4 * d.u, d.gate_block(), d.state_block());
    if xw.len() != d.t * gate_block || rk.len() != d.u * g {
        bail!(
            "lstm inputs of {} and {} elements for {d:?}",
            xw.len(),
            rk.len()
        );
    }
    let mut gates = vec![<T as Elem>::ZERO; d.t * gate_block];
    let mut cells = vec![<T as Elem>::ZERO; d.t * state_block];
    let mut cell_tanh = vec![<T as Elem>::ZERO; d.t * state_block];
    let mut hidden = vec![<T as Elem>::ZERO; d.t * state_block];
    let zeros = vec![<T as Elem>::ZERO; state_block];
    for k in 0..d.t {
        let time = d.time(k, go_backwards);
        let z = &mut gates[k * gate_block..(k + 1) * gate_block];
        for (z_row, sequence) in z.chunks_exact_mut(g).zip(xw.chunks_exact(d.t * g)) {
            z_row.copy_from_slice(&sequence[time * g..(time + 1) * g]);
        }
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

/// The step-major `(T, B, U)` hidden states as the output `(B, T, U)`.
fn batch_major<T: Real>(hidden: &[T], d: Dims) -> Vec<T> {
    let mut out = vec![<T as Elem>::ZERO; hidden.len()];
    for (k, step) in hidden.chunks_exact(d.state_block()).enumerate() {
        for (row, sequence) in step.chunks_exact(d.u).zip(out.chunks_exact_mut(d.t * d.u)) {
            sequence[k * d.u..(k + 1) * d.u].copy_from_slice(row);
        }
    }
    out
}

/// The step-major `(T, B, 4U)` gradient in processing order as the
/// gradient of `xw` `(B, T, 4U)` in time order.
fn time_major_to_input<T: Real>(dz: &[T], d: Dims, go_backwards: bool) -> Vec<T> {
    let g = 4 * d.u;
    let mut out = vec![<T as Elem>::ZERO; dz.len()];
    for (k, step) in dz.chunks_exact(d.gate_block()).enumerate() {
        let time = d.time(k, go_backwards);
        for (row, sequence) in step.chunks_exact(g).zip(out.chunks_exact_mut(d.t * g)) {
            sequence[time * g..(time + 1) * g].copy_from_slice(row);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Var;

    fn max_diff(a: &Tensor, b: &Tensor) -> Result<f64> {
        (a - b)?.abs()?.max_all()?.to_dtype(DType::F64)?.to_scalar()
    }

    /// The fused op and the step-by-step candle composition agree on the
    /// hidden states and on both gradients, in both directions.
    #[test]
    fn custom_op_matches_the_composition() -> Result<()> {
        let (b, t, u) = (3, 5, 4);
        for go_backwards in [false, true] {
            let xw = Var::randn(0f64, 1.0, (b, t, 4 * u), &Device::Cpu)?;
            let rk = Var::randn(0f64, 0.5, (u, 4 * u), &Device::Cpu)?;
            let fast = lstm_sequence(xw.as_tensor(), rk.as_tensor(), go_backwards)?;
            let plain = composition(xw.as_tensor(), rk.as_tensor(), go_backwards)?;
            assert_eq!(fast.dims(), &[b, t, u]);
            assert!(max_diff(&fast, &plain)? < 1e-10);
            let weights = Tensor::randn(0f64, 1.0, fast.shape(), &Device::Cpu)?;
            let fast_grads = (&fast * &weights)?.sum_all()?.backward()?;
            let plain_grads = (&plain * &weights)?.sum_all()?.backward()?;
            for v in [&xw, &rk] {
                let (Some(a), Some(b)) = (fast_grads.get(v), plain_grads.get(v)) else {
                    panic!("missing gradient");
                };
                assert!(max_diff(a, b)? < 1e-10, "go_backwards={go_backwards}");
            }
        }
        Ok(())
    }

    /// Chunks of batch rows (here 2, 2 and 1 rows, on the pool's threads
    /// and in order on this one) give the same hidden states and gradients
    /// as the composition.
    #[test]
    fn batch_chunks_match_the_composition() -> Result<()> {
        let (b, t, u) = (5, 4, 3);
        for (go_backwards, parallel) in [(false, true), (true, true), (true, false)] {
            let xw = Var::randn(0f64, 1.0, (b, t, 4 * u), &Device::Cpu)?;
            let rk = Var::randn(0f64, 0.5, (u, 4 * u), &Device::Cpu)?;
            let chunking = Chunking { rows: 2, parallel };
            let fast = fused(xw.as_tensor(), rk.as_tensor(), go_backwards, chunking)?;
            let plain = composition(xw.as_tensor(), rk.as_tensor(), go_backwards)?;
            assert!(max_diff(&fast, &plain)? < 1e-10);
            let weights = Tensor::randn(0f64, 1.0, fast.shape(), &Device::Cpu)?;
            let fast_grads = (&fast * &weights)?.sum_all()?.backward()?;
            let plain_grads = (&plain * &weights)?.sum_all()?.backward()?;
            for v in [&xw, &rk] {
                let (Some(a), Some(b)) = (fast_grads.get(v), plain_grads.get(v)) else {
                    panic!("missing gradient");
                };
                assert!(max_diff(a, b)? < 1e-10, "go_backwards={go_backwards}");
            }
        }
        Ok(())
    }

    /// Splitting follows the work: a bench-sized batch goes to two threads
    /// when the pool has them, a tiny one stays whole.
    #[test]
    fn chunking_plan() {
        let tiny = Chunking::plan(3, 5, 4);
        assert_eq!((tiny.rows, tiny.parallel), (3, false));
        let threads = candle_core::utils::get_num_threads();
        let big = Chunking::plan(32, 120, 32);
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
        for k in -86_990..=87_990 {
            let x = k as f32 * 1e-3;
            let want = (x as f64).exp();
            let got = exp_f32(x) as f64;
            worst = worst.max(((got - want) / want).abs());
        }
        assert!(worst < 5e-7, "relative error {worst}");
        assert_eq!(exp_f32(0.0), 1.0);
        assert!(exp_f32(-1000.0) > 0.0 && exp_f32(-1000.0) < 1e-37);
        assert!(exp_f32(1000.0).is_finite() && exp_f32(1000.0) > 1e38);
        assert!(exp_f32(f32::NAN).is_nan());
        // The gates: sigmoid saturates to 0 and 1, tanh to -1 and 1.
        assert_eq!(Real::sigmoid(200f32), 1.0);
        assert!(Real::sigmoid(-200f32) < 1e-37);
        assert_eq!(Real::tanh(50f32), 1.0);
        assert_eq!(Real::tanh(-50f32), -1.0);
        assert!((Real::tanh(0.5f32) - 0.5f32.tanh()).abs() < 1e-6);
    }

    /// As `return_sequences=False` uses it: only the last processed step
    /// reaches the loss, and f32 agrees with the composition too.
    #[test]
    fn last_step_gradients_match_in_f32() -> Result<()> {
        let (b, t, u) = (2, 7, 3);
        let xw = Var::randn(0f32, 1.0, (b, t, 4 * u), &Device::Cpu)?;
        let rk = Var::randn(0f32, 0.5, (u, 4 * u), &Device::Cpu)?;
        let last = |hs: Tensor| hs.narrow(1, t - 1, 1)?.squeeze(1)?.sum_all();
        let fast = last(lstm_sequence(xw.as_tensor(), rk.as_tensor(), true)?)?;
        let plain = last(composition(xw.as_tensor(), rk.as_tensor(), true)?)?;
        assert!(max_diff(&fast, &plain)? < 1e-5);
        let (fast_grads, plain_grads) = (fast.backward()?, plain.backward()?);
        for v in [&xw, &rk] {
            let (Some(a), Some(b)) = (fast_grads.get(v), plain_grads.get(v)) else {
                panic!("missing gradient");
            };
            assert!(max_diff(a, b)? < 1e-5);
        }
        Ok(())
    }

    /// Shapes that do not describe an LSTM are errors, not panics; an
    /// empty batch gives an empty result.
    #[test]
    fn mismatched_shapes_are_errors() -> Result<()> {
        let xw = Tensor::zeros((2, 3, 8), DType::F32, &Device::Cpu)?;
        let rk = Tensor::zeros((3, 12), DType::F32, &Device::Cpu)?;
        assert!(lstm_sequence(&xw, &rk, false).is_err());
        let rk64 = Tensor::zeros((2, 8), DType::F64, &Device::Cpu)?;
        assert!(lstm_sequence(&xw, &rk64, false).is_err());
        let empty = Tensor::zeros((0, 3, 8), DType::F32, &Device::Cpu)?;
        let rk = Tensor::zeros((2, 8), DType::F32, &Device::Cpu)?;
        assert_eq!(lstm_sequence(&empty, &rk, false)?.dims(), &[0, 3, 2]);
        Ok(())
    }
}
