//! The array type behind Dojo's numpy subset.
//!
//! A numeric [`NdArray`] *is* a candle [`Tensor`] (on the CPU) plus the numpy
//! dtype it stands for, so arrays built by user code reach the trainer
//! without a copy: Keras code receives `array.tensor()` as it is. Arrays of
//! strings (`np.array(sentences)`) keep their items in a flat vector.
//!
//! Invariant: `shape()` always equals the tensor's dims for numeric arrays.

use std::rc::Rc;

use candle_core::{Device, Tensor};

/// numpy's dtypes that Dojo supports, and the candle storage of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    /// Stored as `u8` 0/1.
    Bool,
    /// Stored as `u8`.
    UInt8,
    /// Stored as `i64` (candle's integer ops are most complete there).
    Int32,
    Int64,
    Float32,
    Float64,
    /// `<U…`: items in [`Storage::Strings`].
    Str,
}

impl DType {
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::UInt8 => "uint8",
            DType::Int32 => "int32",
            DType::Int64 => "int64",
            DType::Float32 => "float32",
            DType::Float64 => "float64",
            DType::Str => "str",
        }
    }

    /// The candle dtype that stores this numpy dtype.
    pub fn storage(self) -> Option<candle_core::DType> {
        match self {
            DType::Bool | DType::UInt8 => Some(candle_core::DType::U8),
            DType::Int32 | DType::Int64 => Some(candle_core::DType::I64),
            DType::Float32 => Some(candle_core::DType::F32),
            DType::Float64 => Some(candle_core::DType::F64),
            DType::Str => None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Storage {
    Numeric(Tensor),
    Strings {
        shape: Vec<usize>,
        items: Rc<[Rc<str>]>,
    },
}

/// A numpy array: immutable storage shared between clones (numpy views and
/// in-place updates are emulated by replacing the storage of the Python
/// object that owns it).
#[derive(Debug, Clone)]
pub struct NdArray {
    dtype: DType,
    storage: Storage,
}

impl NdArray {
    /// Wraps a tensor; `dtype` must be stored as the tensor's dtype.
    pub fn from_tensor(tensor: Tensor, dtype: DType) -> NdArray {
        debug_assert_eq!(dtype.storage(), Some(tensor.dtype()));
        NdArray {
            dtype,
            storage: Storage::Numeric(tensor),
        }
    }

    /// Wraps a tensor with the numpy dtype that matches its storage.
    pub fn from_candle(tensor: Tensor) -> NdArray {
        let dtype = match tensor.dtype() {
            candle_core::DType::U8 => DType::UInt8,
            candle_core::DType::F64 => DType::Float64,
            candle_core::DType::I64 | candle_core::DType::I32 | candle_core::DType::U32 => {
                DType::Int64
            }
            _ => DType::Float32,
        };
        let tensor = match dtype.storage() {
            Some(storage) if storage != tensor.dtype() => match tensor.to_dtype(storage) {
                Ok(converted) => converted,
                Err(_) => tensor,
            },
            _ => tensor,
        };
        NdArray {
            dtype,
            storage: Storage::Numeric(tensor),
        }
    }

    pub fn from_f32(shape: &[usize], data: Vec<f32>) -> candle_core::Result<NdArray> {
        Ok(NdArray::from_tensor(
            Tensor::from_vec(data, shape, &Device::Cpu)?,
            DType::Float32,
        ))
    }

    pub fn from_f64(shape: &[usize], data: Vec<f64>) -> candle_core::Result<NdArray> {
        Ok(NdArray::from_tensor(
            Tensor::from_vec(data, shape, &Device::Cpu)?,
            DType::Float64,
        ))
    }

    pub fn from_i64(shape: &[usize], data: Vec<i64>, dtype: DType) -> candle_core::Result<NdArray> {
        Ok(NdArray::from_tensor(
            Tensor::from_vec(data, shape, &Device::Cpu)?,
            dtype,
        ))
    }

    pub fn from_u8(shape: &[usize], data: Vec<u8>) -> candle_core::Result<NdArray> {
        Ok(NdArray::from_tensor(
            Tensor::from_vec(data, shape, &Device::Cpu)?,
            DType::UInt8,
        ))
    }

    pub fn from_strings(shape: &[usize], items: Vec<Rc<str>>) -> NdArray {
        debug_assert_eq!(shape.iter().product::<usize>(), items.len());
        NdArray {
            dtype: DType::Str,
            storage: Storage::Strings {
                shape: shape.to_vec(),
                items: items.into(),
            },
        }
    }

    pub fn dtype(&self) -> DType {
        self.dtype
    }

    pub fn shape(&self) -> &[usize] {
        match &self.storage {
            Storage::Numeric(tensor) => tensor.dims(),
            Storage::Strings { shape, .. } => shape,
        }
    }

    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The tensor of a numeric array; `None` for strings.
    pub fn tensor(&self) -> Option<&Tensor> {
        match &self.storage {
            Storage::Numeric(tensor) => Some(tensor),
            Storage::Strings { .. } => None,
        }
    }
}

/// The Python object of an array (`type(a).__name__ == 'ndarray'`). The
/// array sits in a `RefCell` so in-place operations (`a[mask] = 0`,
/// `np.random.shuffle(a)`) change every alias, as in numpy.
#[derive(Debug)]
pub struct PyArray {
    pub array: std::cell::RefCell<NdArray>,
}

impl NdArray {
    /// The array as a Python value.
    pub fn into_value(self) -> crate::value::Value {
        crate::value::Value::Native(Rc::new(PyArray {
            array: std::cell::RefCell::new(self),
        }))
    }

    /// The array held by `value`, if it is an ndarray (no conversion).
    pub fn from_value(value: &crate::value::Value) -> Option<NdArray> {
        match value {
            crate::value::Value::Native(native) => native
                .as_any()
                .downcast_ref::<PyArray>()
                .map(|py| py.array.borrow().clone()),
            _ => None,
        }
    }
}

impl crate::interp::NativeObject for PyArray {
    fn type_name(&self) -> String {
        "ndarray".to_owned()
    }

    fn length(&self) -> Option<usize> {
        self.array.borrow().shape().first().copied()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
