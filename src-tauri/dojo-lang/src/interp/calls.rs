//! Calls: dispatching on the callee (user function, built-in, bound method,
//! class, native object), `super()`, instantiation, and binding arguments to
//! a user function's parameters (defaults, `*args`, `**kwargs`,
//! keyword-only parameters) with Python's error messages.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::error::{Exception, Result, did_you_mean, type_error};
use crate::object::{Args, Class, Function, Instance, SuperObject};
use crate::syntax::*;
use crate::value::{Dict, Value};

use super::attributes::unsupported_by;
use super::{Flow, Interpreter, Scope};

impl Interpreter {
    // ----- calls -----------------------------------------------------------------

    /// Calls any callable value.
    pub fn call(&mut self, callee: &Value, args: Args) -> Result<Value> {
        match callee {
            Value::Function(function) => self.call_function(function, args),
            Value::Builtin(builtin) => (builtin.function)(self, args),
            Value::BoundMethod(bound) => {
                let (receiver, function) = bound.as_ref();
                let mut args = args;
                args.positional.insert(0, receiver.clone());
                self.call(function, args)
            }
            Value::Class(class) => self.instantiate(class, args),
            Value::Native(native) => match native.call(native, self, args) {
                Some(result) => result,
                None => Err(unsupported_by(callee, "is not callable")),
            },
            other => Err(unsupported_by(other, "is not callable")),
        }
    }

    /// `super()` inside a method: a proxy that looks attributes up in the
    /// bases of the class defining the running method, bound to `self`.
    /// `super(Class, obj)` names both explicitly.
    pub fn super_object(&mut self, args: &Args) -> Result<Value> {
        let (after, receiver) = match (args.positional.first(), args.positional.get(1)) {
            (Some(Value::Class(class)), Some(receiver)) => (Rc::clone(class), receiver.clone()),
            (None, None) => {
                let Some((definition, Some(receiver))) = self.frames.last().cloned() else {
                    return Err(Exception::new(
                        "RuntimeError",
                        "super(): no arguments (call it inside a method)",
                    ));
                };
                let Value::Instance(instance) = &receiver else {
                    return Err(Exception::new(
                        "RuntimeError",
                        "super(): the method's first argument is not an instance",
                    ));
                };
                let defining = defining_class(&instance.class, &definition).ok_or_else(|| {
                    Exception::new("RuntimeError", "super(): __class__ cell not found")
                })?;
                (defining, receiver)
            }
            _ => {
                return Err(type_error(
                    "super() takes no arguments, or a class and an instance",
                ));
            }
        };
        Ok(Value::Native(Rc::new(SuperObject { after, receiver })))
    }

    fn instantiate(&mut self, class: &Rc<Class>, args: Args) -> Result<Value> {
        let instance = Value::Instance(Rc::new(Instance {
            class: Rc::clone(class),
            attributes: RefCell::new(HashMap::new()),
        }));
        match class.lookup("__init__") {
            Some(init) => {
                let mut args = args;
                args.positional.insert(0, instance.clone());
                self.call(&init, args)?;
            }
            None if !args.positional.is_empty() || !args.keywords.is_empty() => {
                return Err(type_error(format!("{}() takes no arguments", class.name)));
            }
            None => {}
        }
        Ok(instance)
    }

    fn call_function(&mut self, function: &Rc<Function>, args: Args) -> Result<Value> {
        let definition = &function.definition;
        if self.call_stack.len() > self.limits.max_call_depth {
            return Err(Exception::new(
                "RecursionError",
                format!(
                    "maximum recursion depth exceeded ({} nested calls)",
                    self.limits.max_call_depth
                ),
            ));
        }
        let scope = Scope::for_call(Rc::clone(&function.scope), Rc::clone(definition));
        let first = args.positional.first().cloned();
        self.bind_arguments(function, args, &scope)?;
        self.call_stack.push(definition.name.clone());
        self.frames.push((Rc::clone(definition), first));
        let outcome = match &definition.body {
            FunctionBody::Block(body) => self.exec_block(body, &scope).map(|flow| match flow {
                Flow::Return(value) => value,
                _ => Value::None,
            }),
            FunctionBody::Expr(expr) => self.eval(expr, &scope),
        };
        self.call_stack.pop();
        self.frames.pop();
        outcome
    }

    fn bind_arguments(&mut self, function: &Function, args: Args, scope: &Rc<Scope>) -> Result<()> {
        let parameters = &function.definition.parameters;
        let name = &function.definition.name;
        let mut bound: HashMap<String, Value> = HashMap::new();
        let mut positional = args.positional.into_iter();
        for parameter in &parameters.positional {
            match positional.next() {
                Some(value) => {
                    bound.insert(parameter.name.clone(), value);
                }
                None => break,
            }
        }
        let extra: Vec<Value> = positional.collect();
        match &parameters.varargs {
            Some(varargs) => {
                bound.insert(varargs.clone(), Value::tuple(extra));
            }
            None if !extra.is_empty() => {
                return Err(type_error(format!(
                    "{name}() takes {} positional argument{} but {} were given",
                    parameters.positional.len(),
                    if parameters.positional.len() == 1 {
                        ""
                    } else {
                        "s"
                    },
                    parameters.positional.len() + extra.len()
                )));
            }
            None => {}
        }
        let mut kwargs = Dict::new();
        for (key, value) in args.keywords {
            let known = parameters
                .positional
                .iter()
                .chain(&parameters.keyword_only)
                .any(|p| p.name == key);
            if known {
                if bound.contains_key(&key) {
                    return Err(type_error(format!(
                        "{name}() got multiple values for argument '{key}'"
                    )));
                }
                bound.insert(key, value);
            } else if parameters.kwargs.is_some() {
                let _ = kwargs.insert(Value::str(&key), value);
            } else {
                let names = parameters
                    .positional
                    .iter()
                    .chain(&parameters.keyword_only)
                    .map(|p| p.name.as_str());
                let error = type_error(format!(
                    "{name}() got an unexpected keyword argument '{key}'"
                ));
                return Err(match did_you_mean(&key, names) {
                    Some(suggestion) => error.with_help(format!("did you mean '{suggestion}'?")),
                    None => error,
                });
            }
        }
        let defaults = parameters.positional.iter().zip(&function.defaults).chain(
            parameters
                .keyword_only
                .iter()
                .zip(&function.keyword_defaults),
        );
        for (parameter, default) in defaults {
            if !bound.contains_key(&parameter.name) {
                match default {
                    Some(default) => {
                        bound.insert(parameter.name.clone(), default.clone());
                    }
                    None => {
                        return Err(type_error(format!(
                            "{name}() missing required argument: '{}'",
                            parameter.name
                        )));
                    }
                }
            }
        }
        if let Some(kwargs_name) = &parameters.kwargs {
            bound.insert(kwargs_name.clone(), Value::dict(kwargs));
        }
        scope.variables.borrow_mut().extend(bound);
        Ok(())
    }
}

/// The class among `class` and its bases whose body defines `definition`.
fn defining_class(class: &Rc<Class>, definition: &Rc<FunctionDef>) -> Option<Rc<Class>> {
    let defines = class.attributes.borrow().values().any(|value| {
        matches!(value, Value::Function(function) if Rc::ptr_eq(&function.definition, definition))
    });
    if defines {
        return Some(Rc::clone(class));
    }
    class.bases.iter().find_map(|base| match base {
        Value::Class(base) => defining_class(base, definition),
        _ => None,
    })
}
