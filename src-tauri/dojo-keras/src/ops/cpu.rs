//! The bridge between a custom op's CPU storage and candle tensors, so the
//! forward passes of the custom ops reuse the tensor compositions.

use candle_core::{CpuStorage, DType, Device, Layout, Result, Tensor, bail};

/// Whether the CPU custom ops handle tensors of this device and dtype;
/// the others take the plain compositions, differentiated by candle.
pub fn has_custom_op(x: &Tensor) -> bool {
    x.device().is_cpu() && matches!(x.dtype(), DType::F32 | DType::F64)
}

/// A tensor (without autograd history) holding a copy of the storage's
/// elements under `layout`.
pub fn tensor(storage: &CpuStorage, layout: &Layout) -> Result<Tensor> {
    let Some((start, end)) = layout.contiguous_offsets() else {
        bail!("custom op given a non-contiguous layout");
    };
    let shape = layout.shape();
    match storage {
        CpuStorage::F32(data) => Tensor::from_slice(slice(data, start, end)?, shape, &Device::Cpu),
        CpuStorage::F64(data) => Tensor::from_slice(slice(data, start, end)?, shape, &Device::Cpu),
        _ => bail!("custom op given elements that are not f32 or f64"),
    }
}

fn slice<T>(data: &[T], start: usize, end: usize) -> Result<&[T]> {
    match data.get(start..end) {
        Some(slice) => Ok(slice),
        None => bail!("layout {start}..{end} outside a storage of {}", data.len()),
    }
}

/// The elements of a CPU tensor as a storage, in row-major order.
pub fn storage(t: &Tensor) -> Result<CpuStorage> {
    let flat = t.flatten_all()?;
    match t.dtype() {
        DType::F32 => Ok(CpuStorage::F32(flat.to_vec1()?)),
        DType::F64 => Ok(CpuStorage::F64(flat.to_vec1()?)),
        other => bail!("custom op produced {other:?}, not f32 or f64"),
    }
}
