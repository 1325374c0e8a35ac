//! Statements: blocks, control flow, `try`/`with`/`raise`, imports,
//! function and class definitions, and the names, assignment targets and
//! `del` targets they bind.

use std::cell::RefCell;
use std::rc::Rc;

use crate::error::{Exception, Result, did_you_mean, type_error, value_error};
use crate::object::{Class, Function};
use crate::syntax::*;
use crate::value::{ExceptionValue, Value};

use super::attributes::{normalize_index, unsupported_by};
use super::{Flow, Interpreter, STACK_GROWTH, STACK_RED_ZONE, Scope};

impl Interpreter {
    // ----- statements ---------------------------------------------------------

    pub(super) fn exec_block(&mut self, body: &[Stmt], scope: &Rc<Scope>) -> Result<Flow> {
        for stmt in body {
            match self.exec(stmt, scope)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn exec(&mut self, stmt: &Stmt, scope: &Rc<Scope>) -> Result<Flow> {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || {
            self.exec_inner(stmt, scope)
        })
    }

    fn exec_inner(&mut self, stmt: &Stmt, scope: &Rc<Scope>) -> Result<Flow> {
        self.tick(stmt.span)?;
        match &stmt.kind {
            StmtKind::Expr(expr) => {
                self.eval(expr, scope)?;
            }
            StmtKind::Assign { targets, value } => {
                let value = self.eval(value, scope)?;
                for target in targets {
                    self.assign(target, value.clone(), scope)?;
                }
            }
            StmtKind::AugAssign { target, op, value } => {
                let current = match target {
                    Target::Name(name, span) => self.load_name(name, *span, scope)?,
                    Target::Attribute { value, attr, span } => {
                        let object = self.eval(value, scope)?;
                        self.get_attribute(&object, attr, *span)?
                    }
                    Target::Subscript { value, index, span } => {
                        let object = self.eval(value, scope)?;
                        let index = self.eval(index, scope)?;
                        self.get_item(&object, &index)
                            .map_err(|error| self.error_at(error, *span))?
                    }
                    other => {
                        return Err(self.error_at(
                            Exception::new(
                                "SyntaxError",
                                "illegal target for augmented assignment",
                            ),
                            other.span(),
                        ));
                    }
                };
                let operand = self.eval(value, scope)?;
                let result = self
                    .binary_in_place(*op, &current, &operand)
                    .map_err(|error| self.error_at(error, stmt.span))?;
                self.assign(target, result, scope)?;
            }
            StmtKind::AnnAssign { target, value } => {
                if let Some(value) = value {
                    let value = self.eval(value, scope)?;
                    self.assign(target, value, scope)?;
                }
            }
            StmtKind::FunctionDef(definition) => {
                let function = self.make_function(definition, scope)?;
                self.store_name(&definition.name, function, scope);
            }
            StmtKind::ClassDef(definition) => {
                let class = self.make_class(definition, scope)?;
                self.store_name(&definition.name, class, scope);
            }
            StmtKind::Return(value) => {
                let value = match value {
                    Some(value) => self.eval(value, scope)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(value));
            }
            StmtKind::If { test, body, orelse } => {
                let branch = if self.eval(test, scope)?.truthy() {
                    body
                } else {
                    orelse
                };
                return self.exec_block(branch, scope);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                let iterable = self.eval(iter, scope)?;
                let items = self
                    .iterate(&iterable)
                    .map_err(|error| self.error_at(error, iter.span))?;
                for item in items {
                    self.tick(stmt.span)?;
                    self.assign(target, item, scope)?;
                    match self.exec_block(body, scope)? {
                        Flow::Break => return Ok(Flow::Normal),
                        Flow::Return(value) => return Ok(Flow::Return(value)),
                        Flow::Normal | Flow::Continue => {}
                    }
                }
                return self.exec_block(orelse, scope);
            }
            StmtKind::While { test, body, orelse } => {
                while self.eval(test, scope)?.truthy() {
                    self.tick(stmt.span)?;
                    match self.exec_block(body, scope)? {
                        Flow::Break => return Ok(Flow::Normal),
                        Flow::Return(value) => return Ok(Flow::Return(value)),
                        Flow::Normal | Flow::Continue => {}
                    }
                }
                return self.exec_block(orelse, scope);
            }
            StmtKind::Break => return Ok(Flow::Break),
            StmtKind::Continue => return Ok(Flow::Continue),
            StmtKind::Pass => {}
            StmtKind::Import(names) => {
                for import in names {
                    let module = self
                        .import(&import.name)
                        .map_err(|error| self.error_at(error, import.span))?;
                    match &import.alias {
                        Some(alias) => self.store_name(alias, module, scope),
                        None => {
                            let top = import.name.split('.').next().unwrap_or(&import.name);
                            let top_module = self
                                .import(top)
                                .map_err(|error| self.error_at(error, import.span))?;
                            self.store_name(top, top_module, scope);
                        }
                    }
                }
            }
            StmtKind::ImportFrom { module, names } => {
                let module_value = self
                    .import(module)
                    .map_err(|error| self.error_at(error, stmt.span))?;
                for import in names {
                    // A host namespace (`tensorflow.keras.layers`) answers itself,
                    // with its own message for names it lacks.
                    if let Value::Native(_) = &module_value {
                        let value = self
                            .get_attribute(&module_value, &import.name, import.span)
                            .map_err(|error| self.error_at(error, import.span))?;
                        let name = import.alias.as_ref().unwrap_or(&import.name);
                        self.store_name(name, value, scope);
                        continue;
                    }
                    let value = match self.module_attribute(&module_value, &import.name) {
                        Some(value) => value,
                        None => {
                            self.import(&format!("{module}.{}", import.name))
                                .map_err(|_| {
                                    let available = self.attribute_names(&module_value);
                                    let error = Exception::new(
                                        "ImportError",
                                        format!(
                                            "cannot import name '{}' from '{module}'",
                                            import.name
                                        ),
                                    );
                                    let error = match did_you_mean(
                                        &import.name,
                                        available.iter().map(String::as_str),
                                    ) {
                                        Some(suggestion) => {
                                            error.with_help(format!("did you mean '{suggestion}'?"))
                                        }
                                        None => error,
                                    };
                                    self.error_at(error, import.span)
                                })?
                        }
                    };
                    let name = import.alias.as_ref().unwrap_or(&import.name);
                    self.store_name(name, value, scope);
                }
            }
            StmtKind::With { items, body } => {
                let mut entered = Vec::new();
                for item in items {
                    let context = self.eval(&item.context, scope)?;
                    let value = match &context {
                        Value::Native(native) => match native.enter(native) {
                            Some(result) => {
                                result.map_err(|error| self.error_at(error, item.context.span))?
                            }
                            None => context.clone(),
                        },
                        _ => context.clone(),
                    };
                    entered.push(context);
                    if let Some(target) = &item.target {
                        self.assign(target, value, scope)?;
                    }
                }
                let outcome = self.exec_block(body, scope);
                for context in entered.iter().rev() {
                    if let Value::Native(native) = context {
                        native
                            .exit()
                            .map_err(|error| self.error_at(error, stmt.span))?;
                    }
                }
                return outcome;
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                let outcome = match self.exec_block(body, scope) {
                    Ok(Flow::Normal) => self.exec_block(orelse, scope),
                    Ok(flow) => Ok(flow),
                    Err(exception) if super::UNCATCHABLE.contains(&exception.kind.as_str()) => {
                        Err(exception)
                    }
                    Err(exception) => self.handle(exception, handlers, scope),
                };
                let finally = self.exec_block(finalbody, scope)?;
                return match finally {
                    Flow::Normal => outcome,
                    other => Ok(other),
                };
            }
            StmtKind::Raise(value) => {
                let exception = match value {
                    None => Exception::new("RuntimeError", "No active exception to reraise"),
                    Some(expr) => {
                        let value = self.eval(expr, scope)?;
                        exception_from_value(&value)
                    }
                };
                return Err(self.error_at(exception, stmt.span));
            }
            StmtKind::Assert { test, message } => {
                if !self.eval(test, scope)?.truthy() {
                    let message = match message {
                        Some(message) => self.eval(message, scope)?.to_str(),
                        None => String::new(),
                    };
                    return Err(self.error_at(Exception::new("AssertionError", message), stmt.span));
                }
            }
            StmtKind::Global(names) => {
                let mut declared = scope.declared_global.borrow_mut();
                for name in names {
                    declared.insert(name.clone());
                }
            }
            StmtKind::Delete(targets) => {
                for target in targets {
                    self.delete(target, scope)?;
                }
            }
        }
        Ok(Flow::Normal)
    }

    fn handle(
        &mut self,
        exception: Box<Exception>,
        handlers: &[ExceptHandler],
        scope: &Rc<Scope>,
    ) -> Result<Flow> {
        for handler in handlers {
            let matches = match &handler.kind {
                None => true,
                Some(kind) => {
                    let kind = self.eval(kind, scope)?;
                    exception_matches(&exception.kind, &kind)
                }
            };
            if matches {
                if let Some(name) = &handler.name {
                    let value = Value::Exception(Rc::new(ExceptionValue {
                        kind: exception.kind.clone(),
                        message: exception.message.clone(),
                    }));
                    self.store_name(name, value, scope);
                }
                return self.exec_block(&handler.body, scope);
            }
        }
        Err(exception)
    }

    pub(super) fn make_function(
        &mut self,
        definition: &Rc<FunctionDef>,
        scope: &Rc<Scope>,
    ) -> Result<Value> {
        let mut defaults = Vec::new();
        for parameter in &definition.parameters.positional {
            defaults.push(match &parameter.default {
                Some(default) => Some(self.eval(default, scope)?),
                None => None,
            });
        }
        let mut keyword_defaults = Vec::new();
        for parameter in &definition.parameters.keyword_only {
            keyword_defaults.push(match &parameter.default {
                Some(default) => Some(self.eval(default, scope)?),
                None => None,
            });
        }
        Ok(Value::Function(Rc::new(Function {
            definition: Rc::clone(definition),
            defaults,
            keyword_defaults,
            scope: Rc::clone(scope),
        })))
    }

    fn make_class(&mut self, definition: &Rc<ClassDef>, scope: &Rc<Scope>) -> Result<Value> {
        let mut bases = Vec::new();
        for base in &definition.bases {
            let value = self.eval(base, scope)?;
            match &value {
                Value::Class(_) | Value::Native(_) => bases.push(value),
                other => {
                    return Err(self.error_at(
                        type_error(format!(
                            "a class can only derive from a class, not {}",
                            other.type_name()
                        )),
                        base.span,
                    ));
                }
            }
        }
        let class_scope = Scope::new(Some(Rc::clone(scope)));
        self.exec_block(&definition.body, &class_scope)?;
        let attributes = class_scope.variables.borrow().clone();
        Ok(Value::Class(Rc::new(Class {
            name: definition.name.clone(),
            bases,
            attributes: RefCell::new(attributes),
        })))
    }

    // ----- names and assignment -------------------------------------------------

    pub(super) fn store_name(&mut self, name: &str, value: Value, scope: &Rc<Scope>) {
        if scope.declared_global.borrow().contains(name) {
            self.globals
                .variables
                .borrow_mut()
                .insert(name.to_owned(), value);
        } else {
            scope.variables.borrow_mut().insert(name.to_owned(), value);
        }
    }

    pub(super) fn load_name(&self, name: &str, span: Span, scope: &Rc<Scope>) -> Result<Value> {
        if scope.is_unbound_local(name) {
            let error = Exception::new(
                "UnboundLocalError",
                format!(
                    "cannot access local variable '{name}' where it is not associated with a value"
                ),
            );
            let help = if self.globals.variables.borrow().contains_key(name) {
                format!(
                    "the function assigns '{name}', which makes it local to the function; to change the module's '{name}', put `global {name}` first in the function"
                )
            } else {
                format!("assign '{name}' before this line")
            };
            return Err(self.error_at(error.with_help(help), span));
        }
        if let Some(value) = scope.lookup(name) {
            return Ok(value);
        }
        if let Some(value) = self.builtins.get(name) {
            return Ok(value.clone());
        }
        let mut candidates = scope.names();
        candidates.extend(self.builtins.keys().cloned());
        let error = Exception::new("NameError", format!("name '{name}' is not defined"));
        let error = match did_you_mean(name, candidates.iter().map(String::as_str)) {
            Some(suggestion) => error.with_help(format!("did you mean '{suggestion}'?")),
            None if ["np", "tf", "keras", "csv", "json", "os"].contains(&name) => {
                error.with_help(format!("did you forget to import {name}?"))
            }
            None => error,
        };
        Err(self.error_at(error, span))
    }

    pub(super) fn assign(
        &mut self,
        target: &Target,
        value: Value,
        scope: &Rc<Scope>,
    ) -> Result<()> {
        match target {
            Target::Name(name, _) => {
                self.store_name(name, value, scope);
                Ok(())
            }
            Target::Attribute {
                value: object,
                attr,
                span,
            } => {
                let object = self.eval(object, scope)?;
                self.set_attribute(&object, attr, value)
                    .map_err(|error| self.error_at(error, *span))
            }
            Target::Subscript {
                value: object,
                index,
                span,
            } => {
                let object = self.eval(object, scope)?;
                let index = self.eval(index, scope)?;
                self.set_item(&object, &index, value)
                    .map_err(|error| self.error_at(error, *span))
            }
            Target::Sequence(targets, span) => {
                let items = self
                    .iterate(&value)
                    .map_err(|error| self.error_at(error, *span))?;
                let starred = targets
                    .iter()
                    .position(|target| matches!(target, Target::Starred(..)));
                match starred {
                    None => {
                        if items.len() != targets.len() {
                            let message = if items.len() > targets.len() {
                                format!("too many values to unpack (expected {})", targets.len())
                            } else {
                                format!(
                                    "not enough values to unpack (expected {}, got {})",
                                    targets.len(),
                                    items.len()
                                )
                            };
                            return Err(self.error_at(value_error(message), *span));
                        }
                        for (target, item) in targets.iter().zip(items) {
                            self.assign(target, item, scope)?;
                        }
                    }
                    Some(star) => {
                        let after = targets.len() - star - 1;
                        if items.len() < star + after {
                            return Err(self.error_at(
                                value_error(format!(
                                    "not enough values to unpack (expected at least {}, got {})",
                                    star + after,
                                    items.len()
                                )),
                                *span,
                            ));
                        }
                        let mut items = items;
                        let tail = items.split_off(items.len() - after);
                        let middle = items.split_off(star);
                        for (target, item) in targets[..star].iter().zip(items) {
                            self.assign(target, item, scope)?;
                        }
                        if let Target::Starred(inner, _) = &targets[star] {
                            self.assign(inner, Value::list(middle), scope)?;
                        }
                        for (target, item) in targets[star + 1..].iter().zip(tail) {
                            self.assign(target, item, scope)?;
                        }
                    }
                }
                Ok(())
            }
            Target::Starred(_, span) => Err(self.error_at(
                Exception::new(
                    "SyntaxError",
                    "starred assignment target must be in a list or tuple",
                ),
                *span,
            )),
        }
    }

    fn delete(&mut self, target: &Target, scope: &Rc<Scope>) -> Result<()> {
        match target {
            Target::Name(name, span) => {
                if scope.variables.borrow_mut().remove(name).is_none() {
                    return Err(self.error_at(
                        Exception::new("NameError", format!("name '{name}' is not defined")),
                        *span,
                    ));
                }
                Ok(())
            }
            Target::Subscript { value, index, span } => {
                let object = self.eval(value, scope)?;
                let index = self.eval(index, scope)?;
                let result = match &object {
                    Value::Dict(dict) => dict
                        .borrow_mut()
                        .remove(&index)
                        .map(drop)
                        .ok_or_else(|| Exception::new("KeyError", index.repr())),
                    Value::List(items) => {
                        let length = items.borrow().len();
                        normalize_index(&index, length).map(|position| {
                            items.borrow_mut().remove(position);
                        })
                    }
                    other => Err(unsupported_by(other, "does not support item deletion")),
                };
                result.map_err(|error| self.error_at(error, *span))
            }
            Target::Sequence(targets, _) => {
                for target in targets {
                    self.delete(target, scope)?;
                }
                Ok(())
            }
            other => Err(self.error_at(
                Exception::new("SyntaxError", "cannot delete this target"),
                other.span(),
            )),
        }
    }
}

/// Whether an exception named `kind` is caught by `except <handler>`.
fn exception_matches(kind: &str, handler: &Value) -> bool {
    match handler {
        Value::Tuple(handlers) => handlers
            .iter()
            .any(|handler| exception_matches(kind, handler)),
        Value::Builtin(builtin) => crate::builtins::exception_is_subclass(kind, &builtin.name),
        Value::Class(class) => class.name == kind,
        _ => false,
    }
}

fn exception_from_value(value: &Value) -> Box<Exception> {
    match value {
        Value::Exception(exception) => Exception::new(&exception.kind, exception.message.clone()),
        Value::Builtin(builtin) if crate::builtins::is_exception_name(&builtin.name) => {
            Exception::new(&builtin.name, "")
        }
        Value::Instance(instance) => Exception::new(&instance.class.name, ""),
        other => type_error(format!(
            "exceptions must derive from BaseException, not {}",
            other.type_name()
        )),
    }
}
