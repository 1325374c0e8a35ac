//! The Python face of an array: attributes, methods, operators, indexing,
//! iteration, `len`, `float()`/`int()` and printing.

use std::any::Any;
use std::rc::Rc;

use super::convert;
use super::dtype::DTypeObject;
use super::ops::{self, Op, Operand};
use super::reduce::{Reduction, reduce};
use super::shape;
use crate::error::{Result, type_error};
use crate::interp::Interpreter;
use crate::ndarray::{NdArray, PyArray};
use crate::object::{Args, NativeObject, native_method};
use crate::syntax::{BinaryOp, CompareOp, UnaryOp};
use crate::value::Value;

impl PyArray {
    fn current(&self) -> NdArray {
        self.array.borrow().clone()
    }

    fn wrap(&self, array: NdArray) -> Value {
        array.into_value_limited(self.max_bytes())
    }
}

fn flag(args: &Args, name: &str) -> bool {
    args.keyword(name).is_some_and(|value| value.truthy())
}

/// `array.sum(axis=None, keepdims=False)` and the other reductions.
fn run_reduction(this: &PyArray, kind: Reduction, args: Args) -> Result<Value> {
    args.check(
        kind.method_name(),
        1,
        &["axis", "keepdims", "ddof", "dtype", "out"],
    )?;
    let ddof = match args.keyword("ddof") {
        Some(Value::Int(ddof)) => ddof,
        _ => 0,
    };
    reduce(
        &this.current(),
        kind,
        args.get(0, "axis").as_ref(),
        flag(&args, "keepdims"),
        ddof,
        this.max_bytes(),
    )
}

/// A method body per reduction (method bodies are plain `fn`s).
fn reduction_method(kind: Reduction) -> fn(&PyArray, Args) -> Result<Value> {
    macro_rules! method {
        ($kind:expr) => {
            |this: &PyArray, args: Args| run_reduction(this, $kind, args)
        };
    }
    match kind {
        Reduction::Sum => method!(Reduction::Sum),
        Reduction::Prod => method!(Reduction::Prod),
        Reduction::Mean => method!(Reduction::Mean),
        Reduction::Var => method!(Reduction::Var),
        Reduction::Std => method!(Reduction::Std),
        Reduction::Max => method!(Reduction::Max),
        Reduction::Min => method!(Reduction::Min),
        Reduction::ArgMax => method!(Reduction::ArgMax),
        Reduction::ArgMin => method!(Reduction::ArgMin),
        Reduction::Any => method!(Reduction::Any),
        Reduction::All => method!(Reduction::All),
    }
}

/// The reduction a method name stands for.
pub(crate) fn reduction_named(name: &str) -> Option<Reduction> {
    Some(match name {
        "sum" => Reduction::Sum,
        "prod" => Reduction::Prod,
        "mean" => Reduction::Mean,
        "var" => Reduction::Var,
        "std" => Reduction::Std,
        "max" | "amax" => Reduction::Max,
        "min" | "amin" => Reduction::Min,
        "argmax" => Reduction::ArgMax,
        "argmin" => Reduction::ArgMin,
        "any" => Reduction::Any,
        "all" => Reduction::All,
        _ => return None,
    })
}

fn method(this: &Rc<dyn NativeObject>, name: &str) -> Option<Value> {
    if let Some(kind) = reduction_named(name) {
        let body = reduction_method(kind);
        return Some(native_method::<PyArray>(
            this,
            name,
            move |array, _, _, args| body(array, args),
        ));
    }
    let body: fn(&PyArray, Args) -> Result<Value> = match name {
        "reshape" => |this, args| {
            let array = this.current();
            let requested = shape::shape_argument(&args.positional)?;
            let new_shape = shape::resolve_shape(&requested, array.len())?;
            Ok(this.wrap(shape::reshape(&array, &new_shape)?))
        },
        "astype" => |this, args| {
            args.check("astype", 1, &["dtype", "copy"])?;
            let dtype = super::dtype::parse(&args.required(0, "dtype", "astype")?)?;
            Ok(this.wrap(convert::cast(&this.current(), dtype, this.max_bytes())?))
        },
        "flatten" | "ravel" => |this, args| {
            args.check("flatten", 0, &[])?;
            let array = this.current();
            Ok(this.wrap(shape::contiguous(&shape::reshape(&array, &[array.len()])?)?))
        },
        "copy" => |this, args| {
            args.check("copy", 0, &[])?;
            Ok(this.wrap(shape::contiguous(&this.current())?))
        },
        "tolist" => |this, args| {
            args.check("tolist", 0, &[])?;
            convert::to_list(&this.current())
        },
        "item" => |this, args| {
            args.check("item", 1, &[])?;
            let array = this.current();
            match args.positional.first() {
                None => convert::item(&array),
                Some(index) => {
                    let flat = shape::reshape(&array, &[array.len()])?;
                    super::index::get(&flat, index, this.max_bytes())
                }
            }
        },
        "transpose" => |this, args| {
            let axes = if args.positional.is_empty() {
                None
            } else {
                Some(shape::shape_argument(&args.positional)?)
            };
            Ok(this.wrap(shape::transpose(&this.current(), axes)?))
        },
        "squeeze" => |this, args| {
            args.check("squeeze", 1, &["axis"])?;
            let axis = match args.get(0, "axis") {
                None | Some(Value::None) => None,
                Some(Value::Int(axis)) => Some(axis),
                Some(other) => {
                    return Err(type_error(format!(
                        "axis must be an integer, not {}",
                        other.type_name()
                    )));
                }
            };
            Ok(this.wrap(shape::squeeze(&this.current(), axis)?))
        },
        "argsort" => |this, args| {
            args.check("argsort", 1, &["axis", "kind"])?;
            let axis = args.get(0, "axis").unwrap_or(Value::Int(-1));
            Ok(this.wrap(super::reduce::sort(&this.current(), Some(&axis), true)?))
        },
        "sort" => |this, args| {
            args.check("sort", 1, &["axis", "kind"])?;
            let axis = args.get(0, "axis").unwrap_or(Value::Int(-1));
            let sorted = super::reduce::sort(&this.current(), Some(&axis), false)?;
            *this.array.borrow_mut() = sorted;
            Ok(Value::None)
        },
        "clip" => |this, args| {
            args.check("clip", 2, &["min", "max", "a_min", "a_max"])?;
            let low = args.get(0, "min").or_else(|| args.keyword("a_min"));
            let high = args.get(1, "max").or_else(|| args.keyword("a_max"));
            Ok(this.wrap(super::clip(&this.current(), low, high, this.max_bytes())?))
        },
        "round" => |this, args| {
            args.check("round", 1, &["decimals"])?;
            let decimals = match args.get(0, "decimals") {
                Some(Value::Int(decimals)) => decimals,
                _ => 0,
            };
            Ok(this.wrap(ops::round(&this.current(), decimals)?))
        },
        "fill" => |this, args| {
            args.check("fill", 1, &["value"])?;
            let value = args.required(0, "value", "fill")?;
            let array = this.current();
            let filled =
                super::create::filled(array.shape(), &value, array.dtype(), this.max_bytes())?;
            *this.array.borrow_mut() = filled;
            Ok(Value::None)
        },
        _ => return None,
    };
    Some(native_method::<PyArray>(
        this,
        name,
        move |array, _, _, args| body(array, args),
    ))
}

impl NativeObject for PyArray {
    fn type_name(&self) -> String {
        "ndarray".to_owned()
    }

    fn repr(&self) -> String {
        super::format::repr(&self.array.borrow())
    }

    fn to_str(&self) -> String {
        super::format::to_str(&self.array.borrow())
    }

    /// numpy refuses the truth value of arrays with more than one item.
    fn truthy(&self) -> bool {
        let array = self.array.borrow();
        array.len() == 1 && convert::item(&array).is_ok_and(|value| value.truthy())
    }

    fn get_attribute(&self, this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        let array = self.array.borrow();
        Ok(Some(match name {
            "shape" => Value::tuple(
                array
                    .shape()
                    .iter()
                    .map(|&d| Value::Int(d as i64))
                    .collect(),
            ),
            "ndim" => Value::Int(array.ndim() as i64),
            "size" => Value::Int(array.len() as i64),
            "dtype" => DTypeObject::of(&array),
            "itemsize" => Value::Int(array.dtype().item_size() as i64),
            "nbytes" => Value::Int((array.dtype().item_size() * array.len() as u64) as i64),
            "T" => self.wrap(shape::transpose(&array, None)?),
            _ => return Ok(method(this, name)),
        }))
    }

    fn iterate(&self, _interpreter: &mut Interpreter) -> Option<Result<Vec<Value>>> {
        Some(super::index::rows(&self.current(), self.max_bytes()))
    }

    fn length(&self) -> Option<usize> {
        self.array.borrow().shape().first().copied()
    }

    fn to_number(&self) -> Option<Result<Value>> {
        let array = self.array.borrow();
        // numpy 2.4 refuses `float(np.array([2.5]))` too.
        if array.ndim() != 0 {
            return Some(Err(type_error(
                "only 0-dimensional arrays can be converted to Python scalars",
            )));
        }
        Some(convert::item(&array))
    }

    fn get_item(&self, index: &Value) -> Option<Result<Value>> {
        Some(super::index::get(
            &self.array.borrow(),
            index,
            self.max_bytes(),
        ))
    }

    fn set_item(&self, index: &Value, value: Value) -> Option<Result<()>> {
        let updated = super::index::set(&self.current(), index, &value, self.max_bytes());
        Some(updated.map(|updated| {
            *self.array.borrow_mut() = updated;
        }))
    }

    fn binary(&self, op: BinaryOp, other: &Value, reflected: bool) -> Option<Result<Value>> {
        let op = Op::of(op)?;
        Some((|| {
            let this = Operand::Array(self.current());
            let other = Operand::of(other, self.max_bytes())?;
            let (left, right) = if reflected {
                (other, this)
            } else {
                (this, other)
            };
            Ok(self.wrap(ops::binary(op, &left, &right, self.max_bytes())?))
        })())
    }

    fn compare(&self, op: CompareOp, other: &Value) -> Option<Result<Value>> {
        if !matches!(
            op,
            CompareOp::Eq
                | CompareOp::NotEq
                | CompareOp::Lt
                | CompareOp::LtE
                | CompareOp::Gt
                | CompareOp::GtE
        ) {
            return None;
        }
        Some((|| {
            let this = Operand::Array(self.current());
            let other = Operand::of(other, self.max_bytes())?;
            Ok(self.wrap(ops::compare(op, &this, &other, self.max_bytes())?))
        })())
    }

    fn unary(&self, op: UnaryOp) -> Option<Result<Value>> {
        Some(ops::unary(op, &self.current()).map(|array| self.wrap(array)))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `np.ndarray`, for `isinstance(x, np.ndarray)` (which compares type names).
#[derive(Debug)]
pub(crate) struct ArrayType;

impl NativeObject for ArrayType {
    fn type_name(&self) -> String {
        "ndarray".to_owned()
    }

    fn repr(&self) -> String {
        "<class 'numpy.ndarray'>".to_owned()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
