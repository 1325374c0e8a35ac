//! The bridge between candle's CPU storage and the slices the CPU kernels
//! of the custom ops work on.

use candle_core::{CpuStorage, DType, Layout, Result, Storage, Tensor, WithDType, bail};

/// Whether the CPU custom ops handle tensors of this device and dtype;
/// the others take the plain compositions, differentiated by candle.
pub fn has_custom_op(x: &Tensor) -> bool {
    x.device().is_cpu() && matches!(x.dtype(), DType::F32 | DType::F64)
}

fn slice<T>(data: &[T], start: usize, end: usize) -> Result<&[T]> {
    match data.get(start..end) {
        Some(slice) => Ok(slice),
        None => bail!("layout {start}..{end} outside a storage of {}", data.len()),
    }
}

/// Runs `f` on the elements of a CPU tensor in row-major order, borrowed
/// from its storage when it is contiguous (copied once otherwise).
pub fn with_slice<T: WithDType, R>(t: &Tensor, f: impl FnOnce(&[T]) -> Result<R>) -> Result<R> {
    let t = t.contiguous()?;
    let (storage, layout) = t.storage_and_layout();
    let Storage::Cpu(cpu) = &*storage else {
        bail!("a CPU kernel given a tensor on {:?}", t.device());
    };
    let Some((start, end)) = layout.contiguous_offsets() else {
        bail!("custom op given a non-contiguous layout");
    };
    f(slice(cpu.as_slice::<T>()?, start, end)?)
}

/// The elements of a contiguous CPU storage under `layout`.
pub fn storage_slice<'a, T: WithDType>(
    storage: &'a CpuStorage,
    layout: &Layout,
) -> Result<&'a [T]> {
    let Some((start, end)) = layout.contiguous_offsets() else {
        bail!("custom op given a non-contiguous layout");
    };
    slice(storage.as_slice::<T>()?, start, end)
}
