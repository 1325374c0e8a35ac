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
    /// Bytes per item as numpy stores it (strings: an estimate per character).
    pub fn item_size(self) -> u64 {
        match self {
            DType::Bool | DType::UInt8 => 1,
            DType::Int32 | DType::Float32 | DType::Str => 4,
            DType::Int64 | DType::Float64 => 8,
        }
    }

    pub fn is_float(self) -> bool {
        matches!(self, DType::Float32 | DType::Float64)
    }

    /// Bool, unsigned and signed integers.
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            DType::Bool | DType::UInt8 | DType::Int32 | DType::Int64
        )
    }

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

impl NdArray {
    /// The number of items.
    pub fn len(&self) -> usize {
        self.shape().iter().product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn ndim(&self) -> usize {
        self.shape().len()
    }

    /// The array as a Python value, under the default array-size limit.
    pub fn into_value(self) -> crate::value::Value {
        self.into_value_limited(crate::interp::Limits::default().max_array_bytes)
    }

    /// The array as a Python value whose operations may allocate at most
    /// `max_bytes` per result array.
    pub fn into_value_limited(self, max_bytes: u64) -> crate::value::Value {
        crate::value::Value::Native(Rc::new(PyArray::new(self, max_bytes)))
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

/// The Python object of an array (`type(a).__name__ == 'ndarray'`). The
/// array sits in a `RefCell` so in-place operations (`a[mask] = 0`,
/// `np.random.shuffle(a)`) change every alias, as in numpy. Its methods
/// and operators live in `modules::numpy`.
///
/// `max_bytes` is the run's `Limits::max_array_bytes`, carried by each
/// array because operators (`a + b`) run without the interpreter; results
/// inherit it.
#[derive(Debug)]
pub struct PyArray {
    pub array: std::cell::RefCell<NdArray>,
    max_bytes: u64,
}

impl PyArray {
    pub fn new(array: NdArray, max_bytes: u64) -> PyArray {
        PyArray {
            array: std::cell::RefCell::new(array),
            max_bytes,
        }
    }

    /// The largest array this object's operations may allocate, in bytes.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }
}

/// Any Python value as an array, as `np.asarray(value, dtype)` converts it:
/// nested lists and tuples of numbers, booleans or strings, arrays, ranges
/// and scalars, with numpy's dtype inference (bool < int64 < float64;
/// strings make a string array). Arrays come back without a copy when no
/// dtype change is asked for. Sizes are checked against the interpreter's
/// `Limits::max_array_bytes` before anything is allocated.
pub fn to_ndarray(
    interpreter: &crate::interp::Interpreter,
    value: &crate::value::Value,
    dtype: Option<DType>,
) -> crate::error::Result<NdArray> {
    crate::modules::numpy::convert::to_array(value, dtype, interpreter.limits.max_array_bytes)
}

/// Fails with numpy's `MemoryError` if an array of `shape` and `dtype`
/// would pass the interpreter's per-array limit or the run's memory
/// budget: what a host module asks before it allocates an array whose
/// size the program chose (`tf.one_hot(depth=...)`, `pad_sequences(maxlen=...)`).
pub fn check_array(
    interpreter: &crate::interp::Interpreter,
    shape: &[usize],
    dtype: DType,
) -> crate::error::Result<()> {
    crate::modules::numpy::check_bytes(shape, dtype, interpreter.limits.max_array_bytes)
}

/// The number of elements of `shape`, or `None` when it does not fit in a
/// `usize` (a shape the program chose, such as `(2**62, 4)`). An empty
/// shape's other axes must fit too, as numpy requires: the strides of
/// `(0, 2**40, 2**40)` do not.
pub fn checked_elements(shape: &[usize]) -> Option<usize> {
    let nonzero = shape
        .iter()
        .filter(|&&d| d != 0)
        .try_fold(1usize, |total, &d| total.checked_mul(d))?;
    Some(if shape.contains(&0) { 0 } else { nonzero })
}
