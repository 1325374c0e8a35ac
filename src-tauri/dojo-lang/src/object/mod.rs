//! The object model: user functions and lambdas, built-in functions,
//! classes, instances, modules, and the [`NativeObject`] trait through which
//! the host exposes arrays, datasets, models and files; and (in `args.rs`)
//! [`Args`], the arguments of a call.
//!
//! Dependencies point one way: [`crate::value`] and this module are the data
//! the interpreter works on, and the execution code in [`crate::interp`]
//! (statements, expressions, calls, attribute access) works on them. Nothing
//! here runs user code. The only names taken from `interp` are two types:
//! [`Interpreter`], which native functions and methods receive so they can
//! call back into user code, and [`Scope`], the environment a [`Function`]
//! closes over.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::error::{Result, type_error};
use crate::interp::{Interpreter, Scope};
use crate::syntax::{BinaryOp, CompareOp, FunctionDef, UnaryOp};
use crate::value::Value;

mod args;

pub use args::{ArgName, Args, as_index};

/// A user-defined function or lambda with its defaults and enclosing scope.
pub struct Function {
    pub definition: Rc<FunctionDef>,
    /// Defaults of `parameters.positional`, aligned with it.
    pub defaults: Vec<Option<Value>>,
    pub keyword_defaults: Vec<Option<Value>>,
    pub scope: Rc<Scope>,
}

/// The signature of a function implemented in Rust.
pub type NativeFn = dyn Fn(&mut Interpreter, Args) -> Result<Value>;

/// A function implemented in Rust.
pub struct Builtin {
    pub name: String,
    pub function: Box<NativeFn>,
}

impl Builtin {
    pub fn value(
        name: &str,
        function: impl Fn(&mut Interpreter, Args) -> Result<Value> + 'static,
    ) -> Value {
        Value::Builtin(Rc::new(Builtin {
            name: name.to_owned(),
            function: Box::new(function),
        }))
    }
}

/// A class defined by user code.
pub struct Class {
    pub name: String,
    pub bases: Vec<Value>,
    pub attributes: RefCell<HashMap<String, Value>>,
}

impl Class {
    /// Looks an attribute up on the class and its bases, depth first.
    pub fn lookup(&self, name: &str) -> Option<Value> {
        if let Some(value) = self.attributes.borrow().get(name) {
            return Some(value.clone());
        }
        self.bases.iter().find_map(|base| match base {
            Value::Class(class) => class.lookup(name),
            Value::Native(native) => native.class_attribute(name),
            _ => None,
        })
    }

    /// Whether this class is `other` or derives from it.
    pub fn is_subclass_of(&self, other: &Value) -> bool {
        self.bases.iter().any(|base| match (base, other) {
            (Value::Class(base), Value::Class(other_class)) => {
                Rc::ptr_eq(base, other_class) || base.is_subclass_of(other)
            }
            (Value::Native(base), Value::Native(other)) => base.type_name() == other.type_name(),
            (Value::Class(base), _) => base.is_subclass_of(other),
            _ => false,
        })
    }
}

/// An instance of a user class.
pub struct Instance {
    pub class: Rc<Class>,
    pub attributes: RefCell<HashMap<String, Value>>,
}

/// A chain of instances (`node.next = Node(...)` a million times) is
/// dropped without recursion, like nested lists.
impl Drop for Instance {
    fn drop(&mut self) {
        crate::value::drop_values(self.attributes.get_mut().drain().map(|(_, v)| v).collect());
    }
}

/// A module: a named bag of attributes.
pub struct ModuleObject {
    pub name: String,
    pub attributes: RefCell<HashMap<String, Value>>,
}

impl ModuleObject {
    pub fn new(name: &str, attributes: Vec<(&str, Value)>) -> Rc<ModuleObject> {
        Rc::new(ModuleObject {
            name: name.to_owned(),
            attributes: RefCell::new(
                attributes
                    .into_iter()
                    .map(|(key, value)| (key.to_owned(), value))
                    .collect(),
            ),
        })
    }
}

/// An object implemented by the host (arrays, models, datasets, files…).
pub trait NativeObject: Any {
    fn type_name(&self) -> String;
    fn repr(&self) -> String {
        format!("<{} object>", self.type_name())
    }
    fn to_str(&self) -> String {
        self.repr()
    }
    fn truthy(&self) -> bool {
        true
    }
    /// `obj.name`; `None` means no such attribute.
    fn get_attribute(&self, _this: &Rc<dyn NativeObject>, _name: &str) -> Result<Option<Value>> {
        Ok(None)
    }
    /// The names [`NativeObject::get_attribute`] answers that a listing
    /// (the editor's completions, did-you-mean) should offer. An object
    /// that answers any name (a stand-in) lists none; the default lists none.
    fn attribute_names(&self) -> Vec<String> {
        Vec::new()
    }
    /// `obj.name = value`; `false` means the attribute cannot be set.
    fn set_attribute(&self, _name: &str, _value: Value) -> Result<bool> {
        Ok(false)
    }
    /// Attributes inherited by a user class deriving from this native class.
    fn class_attribute(&self, _name: &str) -> Option<Value> {
        None
    }
    /// `obj(...)`; `None` means not callable.
    fn call(
        &self,
        _this: &Rc<dyn NativeObject>,
        _interpreter: &mut Interpreter,
        _args: Args,
    ) -> Option<Result<Value>> {
        None
    }
    /// `iter(obj)`: the items, or `None` if not iterable.
    fn iterate(&self, _interpreter: &mut Interpreter) -> Option<Result<Vec<Value>>> {
        None
    }
    /// The number a size-1 object stands for (numpy's `__float__`,
    /// `__int__` and `__index__`): `float(obj)`, `int(obj)` and integer
    /// arguments such as `range(obj)` use it. `None`: not a number.
    fn to_number(&self) -> Option<Result<Value>> {
        None
    }
    /// `len(obj)`.
    fn length(&self) -> Option<usize> {
        None
    }
    /// `obj[index]`.
    fn get_item(&self, _index: &Value) -> Option<Result<Value>> {
        None
    }
    /// `obj[index] = value`.
    fn set_item(&self, _index: &Value, _value: Value) -> Option<Result<()>> {
        None
    }
    /// `self <op> other` (or `other <op> self` when `reflected`).
    fn binary(&self, _op: BinaryOp, _other: &Value, _reflected: bool) -> Option<Result<Value>> {
        None
    }
    /// `self <op> other` for comparisons.
    fn compare(&self, _op: CompareOp, _other: &Value) -> Option<Result<Value>> {
        None
    }
    /// `-self`, `+self`, `~self`.
    fn unary(&self, _op: UnaryOp) -> Option<Result<Value>> {
        None
    }
    /// `with obj:` entry and exit.
    fn enter(&self, this: &Rc<dyn NativeObject>) -> Option<Result<Value>> {
        let _ = this;
        None
    }
    fn exit(&self) -> Result<()> {
        Ok(())
    }
    fn as_any(&self) -> &dyn Any;
}

/// What `super()` returns: attribute lookups start after `after`.
pub(crate) struct SuperObject {
    pub(crate) after: Rc<Class>,
    pub(crate) receiver: Value,
}

impl NativeObject for SuperObject {
    fn type_name(&self) -> String {
        "super".to_owned()
    }

    fn get_attribute(&self, _this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        let found = self.after.bases.iter().find_map(|base| match base {
            Value::Class(class) => class.lookup(name),
            Value::Native(native) => native.class_attribute(name),
            _ => None,
        });
        Ok(match found {
            Some(function @ Value::Function(_)) => Some(Value::BoundMethod(Rc::new((
                self.receiver.clone(),
                function,
            )))),
            Some(Value::Builtin(builtin)) if name == "__init__" => {
                // A native base's `__init__` takes the instance first.
                let receiver = self.receiver.clone();
                Some(Builtin::value("__init__", move |interpreter, mut args| {
                    args.positional.insert(0, receiver.clone());
                    (builtin.function)(interpreter, args)
                }))
            }
            Some(other) => Some(other),
            None if name == "__init__" => Some(Builtin::value("__init__", |_, _| Ok(Value::None))),
            None => None,
        })
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Python's `...` (`Ellipsis`), which numpy indexing gives a meaning.
#[derive(Debug)]
pub struct EllipsisObject;

impl NativeObject for EllipsisObject {
    fn type_name(&self) -> String {
        "ellipsis".to_owned()
    }
    fn repr(&self) -> String {
        "Ellipsis".to_owned()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A method of the native object `this` (of concrete type `T`), as a value
/// that `obj.name(...)` can call. The body gets the receiver, the receiver
/// as a value (for methods that return `self`), the interpreter and the
/// arguments. This is the one helper every crate's native methods use.
pub fn native_method<T: NativeObject>(
    this: &Rc<dyn NativeObject>,
    name: &str,
    body: impl Fn(&T, &Rc<dyn NativeObject>, &mut Interpreter, Args) -> Result<Value> + 'static,
) -> Value {
    let this = Rc::clone(this);
    let method_name = name.to_owned();
    Builtin::value(name, move |interpreter, args| {
        let receiver = this.as_any().downcast_ref::<T>().ok_or_else(|| {
            type_error(format!(
                "{method_name}() called on the wrong kind of object"
            ))
        })?;
        body(receiver, &this, interpreter, args)
    })
}
