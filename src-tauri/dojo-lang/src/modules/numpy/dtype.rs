//! `np.float32`, `np.int64`, … and `array.dtype`: dtype objects, and the
//! parsing of `dtype=` arguments.

use std::any::Any;
use std::rc::Rc;

use super::convert;
use crate::error::{Result, type_error};
use crate::interp::Interpreter;
use crate::ndarray::{DType, NdArray};
use crate::object::{Args, NativeObject};
use crate::syntax::CompareOp;
use crate::value::Value;

/// A dtype as a Python object. `class` objects are the scalar types
/// (`np.float32`, callable: `np.float32(2)`); the others are what
/// `array.dtype` returns (`dtype('float32')`). Both compare equal to each
/// other, to the dtype's name and to the matching builtin type.
#[derive(Debug)]
pub(crate) struct DTypeObject {
    pub dtype: DType,
    pub class: bool,
    /// The length of the longest string, for `<U…` string dtypes.
    pub width: usize,
}

impl DTypeObject {
    pub fn value(dtype: DType, class: bool) -> Value {
        Value::Native(Rc::new(DTypeObject {
            dtype,
            class,
            width: 0,
        }))
    }

    /// `array.dtype`.
    pub fn of(array: &NdArray) -> Value {
        Value::Native(Rc::new(DTypeObject {
            dtype: array.dtype(),
            class: false,
            width: super::format::string_width(array),
        }))
    }

    fn text(&self) -> String {
        match self.dtype {
            DType::Str => format!("<U{}", self.width),
            dtype => dtype.name().to_owned(),
        }
    }
}

/// The dtype a `dtype=` argument names: a dtype object, a name
/// (`'float32'`) or a builtin type (`float`, `int`, `bool`, `str`).
pub(crate) fn parse(value: &Value) -> Result<DType> {
    let name = match value {
        Value::Native(native) => {
            if let Some(object) = native.as_any().downcast_ref::<DTypeObject>() {
                return Ok(object.dtype);
            }
            native.type_name()
        }
        Value::Str(text) => text.to_string(),
        Value::Builtin(builtin) => builtin.name.clone(),
        other => other.repr(),
    };
    Ok(match name.as_str() {
        "float32" | "f4" | "single" => DType::Float32,
        "float64" | "f8" | "float" | "double" | "float_" => DType::Float64,
        "int32" | "i4" | "intc" => DType::Int32,
        "int64" | "i8" | "int" | "int_" | "intp" => DType::Int64,
        "uint8" | "u1" | "ubyte" => DType::UInt8,
        "bool" | "bool_" | "?" => DType::Bool,
        "str" | "str_" | "U" | "unicode" => DType::Str,
        _ => {
            return Err(type_error(format!("data type '{name}' not understood"))
                .with_help("Dojo's dtypes: float32, float64, int32, int64, uint8, bool, str"));
        }
    })
}

/// The optional `dtype` argument at `position` or keyword `dtype`.
pub(crate) fn argument(args: &Args, position: usize) -> Result<Option<DType>> {
    match args.get(position, "dtype") {
        None | Some(Value::None) => Ok(None),
        Some(value) => parse(&value).map(Some),
    }
}

impl NativeObject for DTypeObject {
    fn type_name(&self) -> String {
        if self.class {
            "type".to_owned()
        } else {
            format!("dtype[{}]", self.dtype.name())
        }
    }

    fn repr(&self) -> String {
        match (self.class, self.dtype) {
            (true, DType::Bool) => "<class 'numpy.bool'>".to_owned(),
            (true, DType::Str) => "<class 'numpy.str_'>".to_owned(),
            (true, dtype) => format!("<class 'numpy.{}'>", dtype.name()),
            (false, DType::Str) => format!("dtype('{}')", self.text()),
            (false, dtype) => format!("dtype('{}')", dtype.name()),
        }
    }

    fn to_str(&self) -> String {
        if self.class { self.repr() } else { self.text() }
    }

    fn get_attribute(&self, _this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        Ok(match name {
            "name" => Some(Value::str(self.dtype.name())),
            "itemsize" => Some(Value::Int(self.dtype.item_size() as i64)),
            "kind" => Some(Value::str(match self.dtype {
                DType::Bool => "b",
                DType::UInt8 => "u",
                DType::Int32 | DType::Int64 => "i",
                DType::Float32 | DType::Float64 => "f",
                DType::Str => "U",
            })),
            "type" => Some(DTypeObject::value(self.dtype, true)),
            _ => None,
        })
    }

    fn compare(&self, op: CompareOp, other: &Value) -> Option<Result<Value>> {
        let same = parse(other).is_ok_and(|dtype| dtype == self.dtype);
        match op {
            CompareOp::Eq => Some(Ok(Value::Bool(same))),
            CompareOp::NotEq => Some(Ok(Value::Bool(!same))),
            _ => None,
        }
    }

    /// `np.float32(x)`: a scalar of that type (a Python number here), or
    /// an array cast to it.
    fn call(
        &self,
        _this: &Rc<dyn NativeObject>,
        interpreter: &mut Interpreter,
        args: Args,
    ) -> Option<Result<Value>> {
        if !self.class {
            return None;
        }
        let dtype = self.dtype;
        Some((|| {
            let value = args.get(0, "x").unwrap_or(Value::Int(0));
            let max_bytes = interpreter.limits.max_array_bytes;
            let array = convert::to_array(&value, Some(dtype), max_bytes)?;
            if array.ndim() == 0 {
                convert::item(&array)
            } else {
                Ok(array.into_value_limited(max_bytes))
            }
        })())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
