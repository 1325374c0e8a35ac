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

use std::ops::Neg;
use std::sync::{Mutex, MutexGuard};

use super::cpu;
use super::gemm::{Elem, Mat, gemm};
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
        xw.contiguous()?.apply_op2(
            &rk.contiguous()?,
            LstmSequence {
                go_backwards,
                trace: Mutex::new(None),
            },
        )
    } else {
        composition(xw, rk, go_backwards)
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
    fn wrap(trace: Trace<Self>) -> Saved;
    fn unwrap(saved: &Saved) -> Option<&Trace<Self>>;
}

impl Real for f32 {
    fn exp(self) -> Self {
        f32::exp(self)
    }
    fn wrap(trace: Trace<Self>) -> Saved {
        Saved::F32(trace)
    }
    fn unwrap(saved: &Saved) -> Option<&Trace<Self>> {
        match saved {
            Saved::F32(trace) => Some(trace),
            Saved::F64(_) => None,
        }
    }
}

impl Real for f64 {
    fn exp(self) -> Self {
        f64::exp(self)
    }
    fn wrap(trace: Trace<Self>) -> Saved {
        Saved::F64(trace)
    }
    fn unwrap(saved: &Saved) -> Option<&Trace<Self>> {
        match saved {
            Saved::F64(trace) => Some(trace),
            Saved::F32(_) => None,
        }
    }
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

enum Saved {
    F32(Trace<f32>),
    F64(Trace<f64>),
}

/// The LSTM sequence as one autograd node. `trace` holds what `cpu_fwd`
/// computed (the op is shared into the graph and `cpu_fwd` gets `&self`);
/// it is freed with the graph.
struct LstmSequence {
    go_backwards: bool,
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
        let dims = Dims { b, t, u };
        let trace = forward(xw, rk, dims, self.go_backwards)?;
        let hs = batch_major(&trace.hidden, dims);
        *self.trace() = Some(T::wrap(trace));
        Ok((T::to_cpu_storage_owned(hs), Shape::from((b, t, u))))
    }

    fn bwd_typed<T: Real>(
        &self,
        xw: &Tensor,
        rk: &Tensor,
        dhs: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        let (b, t, g) = xw.dims3()?;
        let dims = Dims { b, t, u: g / 4 };
        let saved = self.trace();
        let Some(trace) = saved.as_ref().and_then(T::unwrap) else {
            bail!("lstm backward pass without its forward pass");
        };
        let dz = cpu::with_slice::<T, _>(rk, |rk| {
            cpu::with_slice::<T, _>(dhs, |dhs| backward(trace, rk, dhs, dims))
        })?;
        let dxw = if xw.track_op() {
            let dxw = time_major_to_input(&dz, dims, self.go_backwards);
            Some(Tensor::from_vec(dxw, (b, t, g), &Device::Cpu)?)
        } else {
            None
        };
        let drk = if rk.track_op() {
            Some(Tensor::from_vec(
                recurrent_kernel_grad(trace, &dz, dims)?,
                (dims.u, g),
                &Device::Cpu,
            )?)
        } else {
            None
        };
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
    let (i, rest) = z.split_at_mut(u);
    let (f, rest) = rest.split_at_mut(u);
    let (cand, o) = rest.split_at_mut(u);
    let (o, c_prev) = (&mut o[..u], &c_prev[..u]);
    let (tanh_c, h) = (&mut tanh_c[..u], &mut h[..u]);
    for j in 0..u {
        i[j] = i[j].sigmoid();
        f[j] = f[j].sigmoid();
        cand[j] = cand[j].tanh();
        o[j] = o[j].sigmoid();
        c[j] = f[j] * c_prev[j] + i[j] * cand[j];
        tanh_c[j] = c[j].tanh();
        h[j] = o[j] * tanh_c[j];
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
