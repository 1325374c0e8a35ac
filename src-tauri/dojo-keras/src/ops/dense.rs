//! The pieces of a dense or convolution layer after its matrix product, as
//! CPU kernels: a matrix product that computes no gradient for an input
//! that does not need one, and the bias and activation in one pass.
//!
//! Through candle's autograd, `activation(x @ w + b)` costs a matmul whose
//! backward always computes both operand gradients, a broadcast add whose
//! bias gradient is a strided reduction, and an activation whose backward is
//! three to five elementwise passes with an allocation each. Here the
//! forward is one gemm and one pass, the backward one pass (which also sums
//! the bias gradient) and the gemms that are needed.

use super::cpu;
use super::gemm::{Elem, Fresh, Mat};
use candle_core::backend::BackendStorage;
use candle_core::{CpuStorage, CustomOp1, CustomOp2, DType, Layout, Result, Shape, Tensor, bail};

/// The activations fused after a bias: those whose derivative is a function
/// of their output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointwise {
    Linear,
    Relu,
    Sigmoid,
    Tanh,
}

impl Pointwise {
    /// `(d input, d bias)` from the activation's output and its gradient,
    /// rows of `units`.
    pub(super) fn chain<T: Elem>(
        self,
        out: &[T],
        dout: &[T],
        units: usize,
    ) -> Result<(Vec<T>, Vec<T>)> {
        match self {
            Self::Linear => chain(out, dout, units, |_, d| d),
            Self::Relu => chain(
                out,
                dout,
                units,
                |o, d| if o > T::ZERO { d } else { T::ZERO },
            ),
            Self::Sigmoid => chain(out, dout, units, |o, d| d * o * (T::ONE - o)),
            Self::Tanh => chain(out, dout, units, |o, d| d * (T::ONE - o * o)),
        }
    }

    /// `y = activation(y + bias)` in place, rows of `bias.len()`.
    pub(super) fn add_bias_in_place<T: Elem>(self, y: &mut [T], bias: &[T]) -> Result<()> {
        if bias.is_empty() || !y.len().is_multiple_of(bias.len()) {
            bail!("a bias of {} over rows of {} elements", bias.len(), y.len());
        }
        match self {
            Self::Linear => in_place(y, bias, |v| v),
            Self::Relu => in_place(y, bias, |v| if v > T::ZERO { v } else { T::ZERO }),
            Self::Sigmoid => in_place(y, bias, |v| Self::Sigmoid.apply(v)),
            Self::Tanh => in_place(y, bias, |v| Self::Tanh.apply(v)),
        }
        Ok(())
    }

    /// The gradient of the activation's input from its output `o` and the
    /// output's gradient `d`.
    pub(super) fn backprop<T: Elem>(self, o: T, d: T) -> T {
        match self {
            Self::Linear => d,
            Self::Relu => {
                if o > T::ZERO {
                    d
                } else {
                    T::ZERO
                }
            }
            Self::Sigmoid => d * o * (T::ONE - o),
            Self::Tanh => d * (T::ONE - o * o),
        }
    }

    fn apply<T: Elem>(self, v: T) -> T {
        match self {
            Self::Linear => v,
            Self::Relu => {
                if v > T::ZERO {
                    v
                } else {
                    T::ZERO
                }
            }
            Self::Sigmoid => T::from_f64(1.0 / (1.0 + (-v.to_f64()).exp())),
            Self::Tanh => T::from_f64(v.to_f64().tanh()),
        }
    }
}

/// `activation(y + bias)` over the last axis of `y` (`bias` has its size),
/// or `activation(y)` without a bias. CPU f32/f64 only (see
/// [`cpu::has_custom_op`]).
pub fn bias_activation(y: &Tensor, bias: Option<&Tensor>, act: Pointwise) -> Result<Tensor> {
    let y = y.contiguous()?;
    match bias {
        Some(bias) => y.apply_op2(&bias.contiguous()?, BiasActivation(act)),
        None if act == Pointwise::Linear => Ok(y),
        None => y.apply_op1(BiasActivation(act)),
    }
}

/// `x @ w` for a 2-D `x` `(m, k)` and `w` `(k, n)`, whose backward computes
/// the gradient of `x` only when `x` tracks one. CPU f32/f64 only.
pub fn linear(x: &Tensor, w: &Tensor) -> Result<Tensor> {
    x.contiguous()?.apply_op2(&w.contiguous()?, Linear)
}

struct BiasActivation(Pointwise);

/// `f(y + bias)` row by row (`f(y)` without a bias); `f` is monomorphised
/// per activation so the loop vectorises.
fn add_bias<T: Elem>(y: &[T], bias: Option<&[T]>, f: impl Fn(T) -> T) -> Result<Vec<T>> {
    let Some(bias) = bias else {
        return Ok(y.iter().map(|&v| f(v)).collect());
    };
    if bias.is_empty() || !y.len().is_multiple_of(bias.len()) {
        bail!("a bias of {} over rows of {} elements", bias.len(), y.len());
    }
    let mut out = Vec::with_capacity(y.len());
    for row in y.chunks_exact(bias.len()) {
        out.extend(row.iter().zip(bias).map(|(&v, &b)| f(v + b)));
    }
    Ok(out)
}

/// `y = f(y + bias)` row by row, blocks of rows in parallel; `f`
/// monomorphised so the loop vectorises.
fn in_place<T: Elem>(y: &mut [T], bias: &[T], f: impl Fn(T) -> T + Send + Sync) {
    /// Rows per parallel block: enough work to pay for a task.
    const BLOCK_ELEMENTS: usize = 1 << 14;
    let block = bias.len() * (BLOCK_ELEMENTS / bias.len()).max(1);
    super::gemm::each_chunk(y, block, |rows| {
        for row in rows.chunks_exact_mut(bias.len()) {
            for (v, &b) in row.iter_mut().zip(bias) {
                *v = f(*v + b);
            }
        }
    });
}

/// The input gradient `g(out, d out)` and its column sums (the bias
/// gradient), rows of `units`.
fn chain<T: Elem>(
    out: &[T],
    dout: &[T],
    units: usize,
    g: impl Fn(T, T) -> T,
) -> Result<(Vec<T>, Vec<T>)> {
    if out.len() != dout.len() || units == 0 || !out.len().is_multiple_of(units) {
        bail!(
            "bias gradient over {} and {} elements",
            out.len(),
            dout.len()
        );
    }
    let mut din = Vec::with_capacity(out.len());
    let mut dbias = vec![T::ZERO; units];
    for (row, drow) in out.chunks_exact(units).zip(dout.chunks_exact(units)) {
        let start = din.len();
        din.extend(row.iter().zip(drow).map(|(&o, &d)| g(o, d)));
        for (db, &x) in dbias.iter_mut().zip(&din[start..]) {
            *db += x;
        }
    }
    Ok((din, dbias))
}

impl BiasActivation {
    fn forward<T: Elem>(&self, y: &[T], bias: Option<&[T]>) -> Result<Vec<T>> {
        match self.0 {
            Pointwise::Linear => add_bias(y, bias, |v| v),
            Pointwise::Relu => add_bias(y, bias, |v| if v > T::ZERO { v } else { T::ZERO }),
            Pointwise::Sigmoid => add_bias(y, bias, |v| Pointwise::Sigmoid.apply(v)),
            Pointwise::Tanh => add_bias(y, bias, |v| Pointwise::Tanh.apply(v)),
        }
    }

    fn gradients<T: Elem>(&self, out: &Tensor, dout: &Tensor) -> Result<(Tensor, Tensor)> {
        let units = out.dims().last().copied().unwrap_or(1);
        let (din, dbias) = cpu::with_slice::<T, _>(out, |o| {
            cpu::with_slice::<T, _>(dout, |d| self.0.chain(o, d, units))
        })?;
        Ok((
            Tensor::from_vec(din, out.shape(), out.device())?,
            Tensor::from_vec(dbias, units, out.device())?,
        ))
    }

    fn run(
        &self,
        y: &CpuStorage,
        yl: &Layout,
        bias: Option<(&CpuStorage, &Layout)>,
    ) -> Result<CpuStorage> {
        Ok(match y {
            CpuStorage::F32(_) => CpuStorage::F32(self.forward(
                cpu::storage_slice(y, yl)?,
                bias.map(|(b, bl)| cpu::storage_slice(b, bl)).transpose()?,
            )?),
            CpuStorage::F64(_) => CpuStorage::F64(self.forward(
                cpu::storage_slice(y, yl)?,
                bias.map(|(b, bl)| cpu::storage_slice(b, bl)).transpose()?,
            )?),
            _ => bail!("bias and activation over {:?}", y.dtype()),
        })
    }

    fn dispatch(&self, out: &Tensor, dout: &Tensor) -> Result<(Tensor, Tensor)> {
        match out.dtype() {
            DType::F32 => self.gradients::<f32>(out, dout),
            DType::F64 => self.gradients::<f64>(out, dout),
            other => bail!("bias and activation gradient for {other:?}"),
        }
    }
}

impl CustomOp1 for BiasActivation {
    fn name(&self) -> &'static str {
        "dojo-activation"
    }

    fn cpu_fwd(&self, y: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        Ok((self.run(y, layout, None)?, layout.shape().clone()))
    }

    fn bwd(&self, _y: &Tensor, out: &Tensor, dout: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(self.dispatch(out, dout)?.0))
    }
}

impl CustomOp2 for BiasActivation {
    fn name(&self) -> &'static str {
        "dojo-bias-activation"
    }

    fn cpu_fwd(
        &self,
        y: &CpuStorage,
        yl: &Layout,
        bias: &CpuStorage,
        bl: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        if bl.dims().len() != 1 || yl.dims().last() != bl.dims().first() {
            bail!("a bias of shape {:?} over {:?}", bl.dims(), yl.dims());
        }
        Ok((self.run(y, yl, Some((bias, bl)))?, yl.shape().clone()))
    }

    fn bwd(
        &self,
        _y: &Tensor,
        _bias: &Tensor,
        out: &Tensor,
        dout: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        let (din, dbias) = self.dispatch(out, dout)?;
        Ok((Some(din), Some(dbias)))
    }
}

struct Linear;

impl Linear {
    fn dims(x: &[usize], w: &[usize]) -> Result<(usize, usize, usize)> {
        match (x, w) {
            (&[m, k], &[k2, n]) if k == k2 => Ok((m, k, n)),
            _ => bail!("matrix product of {x:?} and {w:?}"),
        }
    }

    fn forward<T: Elem>(x: &[T], w: &[T], (m, k, n): (usize, usize, usize)) -> Result<Vec<T>> {
        let mut y = Fresh::new(m, n);
        y.gemm(Mat::rows(x, m, k), Mat::rows(w, k, n))?;
        y.finish()
    }

    fn gradients<T: Elem>(
        x: &Tensor,
        w: &Tensor,
        dy: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        let (m, k, n) = Self::dims(x.dims(), w.dims())?;
        let (dx, dw) = cpu::with_slice::<T, _>(x, |xs| {
            cpu::with_slice::<T, _>(w, |ws| {
                cpu::with_slice::<T, _>(dy, |dys| {
                    let dy = Mat::rows(dys, m, n);
                    let dw = if w.track_op() {
                        let mut dw = Fresh::new(k, n);
                        dw.gemm(Mat::rows(xs, m, k).t(), dy)?;
                        Some(dw.finish()?)
                    } else {
                        None
                    };
                    let dx = if x.track_op() {
                        let mut dx = Fresh::new(m, k);
                        dx.gemm(dy, Mat::rows(ws, k, n).t())?;
                        Some(dx.finish()?)
                    } else {
                        None
                    };
                    Ok((dx, dw))
                })
            })
        })?;
        Ok((
            dx.map(|v| Tensor::from_vec(v, (m, k), x.device()))
                .transpose()?,
            dw.map(|v| Tensor::from_vec(v, (k, n), w.device()))
                .transpose()?,
        ))
    }
}

impl CustomOp2 for Linear {
    fn name(&self) -> &'static str {
        "dojo-linear"
    }

    fn cpu_fwd(
        &self,
        x: &CpuStorage,
        xl: &Layout,
        w: &CpuStorage,
        wl: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let dims = Self::dims(xl.dims(), wl.dims())?;
        let y = match (x, w) {
            (CpuStorage::F32(_), CpuStorage::F32(_)) => CpuStorage::F32(Self::forward(
                cpu::storage_slice(x, xl)?,
                cpu::storage_slice(w, wl)?,
                dims,
            )?),
            (CpuStorage::F64(_), CpuStorage::F64(_)) => CpuStorage::F64(Self::forward(
                cpu::storage_slice(x, xl)?,
                cpu::storage_slice(w, wl)?,
                dims,
            )?),
            _ => bail!("matrix product of {:?} by {:?}", x.dtype(), w.dtype()),
        };
        Ok((y, Shape::from((dims.0, dims.2))))
    }

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        _y: &Tensor,
        dy: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        match x.dtype() {
            DType::F32 => Self::gradients::<f32>(x, w, dy),
            DType::F64 => Self::gradients::<f64>(x, w, dy),
            other => bail!("matrix product gradient for {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, Var};

    fn max_diff(a: &Tensor, b: &Tensor) -> Result<f64> {
        (a - b)?.abs()?.max_all()?.to_dtype(DType::F64)?.to_scalar()
    }

    /// The fused ops and candle's own composition agree on the output and on
    /// every gradient, for each activation, with and without a bias.
    #[test]
    fn fused_ops_match_candle() -> Result<()> {
        let x = Var::randn(0f64, 1.0, (6, 5), &Device::Cpu)?;
        let w = Var::randn(0f64, 1.0, (5, 4), &Device::Cpu)?;
        let b = Var::randn(0f64, 1.0, 4, &Device::Cpu)?;
        let g = Tensor::randn(0f64, 1.0, (6, 4), &Device::Cpu)?;
        for act in [
            Pointwise::Linear,
            Pointwise::Relu,
            Pointwise::Sigmoid,
            Pointwise::Tanh,
        ] {
            for with_bias in [true, false] {
                let bias = with_bias.then(|| b.as_tensor());
                let fast = bias_activation(&linear(&x, &w)?, bias, act)?;
                let mut plain = x.matmul(&w)?;
                if with_bias {
                    plain = plain.broadcast_add(&b)?;
                }
                let plain = match act {
                    Pointwise::Linear => plain,
                    Pointwise::Relu => plain.relu()?,
                    Pointwise::Sigmoid => (plain.neg()?.exp()? + 1.0)?.recip()?,
                    Pointwise::Tanh => plain.tanh()?,
                };
                assert!(max_diff(&fast, &plain)? < 1e-12, "{act:?}");
                let fast_grads = (&fast * &g)?.sum_all()?.backward()?;
                let plain_grads = (&plain * &g)?.sum_all()?.backward()?;
                let mut vars = vec![&x, &w];
                if with_bias {
                    vars.push(&b);
                }
                for v in vars {
                    let (Some(a), Some(b)) = (fast_grads.get(v), plain_grads.get(v)) else {
                        panic!("missing gradient for {act:?}");
                    };
                    assert!(max_diff(a, b)? < 1e-12, "{act:?} bias {with_bias}");
                }
            }
        }
        Ok(())
    }

    /// Large outputs are processed in parallel blocks of rows; every row
    /// gets the bias and the activation, whichever block it falls in.
    #[test]
    fn bias_in_place_covers_every_block() -> Result<()> {
        let units = 7;
        let rows = 10_000;
        let mut y: Vec<f32> = (0..rows * units).map(|i| (i % 13) as f32 - 6.0).collect();
        let want: Vec<f32> = y
            .iter()
            .enumerate()
            .map(|(i, &v)| (v + (i % units) as f32).max(0.0))
            .collect();
        let bias: Vec<f32> = (0..units).map(|u| u as f32).collect();
        Pointwise::Relu.add_bias_in_place(&mut y, &bias)?;
        assert_eq!(y, want);
        Ok(())
    }

    /// Data under a first layer gets no gradient.
    #[test]
    fn no_gradient_for_an_untracked_input() -> Result<()> {
        let x = Tensor::randn(0f32, 1.0, (3, 2), &Device::Cpu)?;
        let w = Var::randn(0f32, 1.0, (2, 2), &Device::Cpu)?;
        let grads = linear(&x, &w)?.sum_all()?.backward()?;
        assert!(grads.get(&x).is_none());
        assert!(grads.get(w.as_tensor()).is_some());
        Ok(())
    }
}
