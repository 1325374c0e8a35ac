//! Expressions: literals, names, attribute and item reads, calls,
//! comprehensions, f-strings and call arguments, and the operators
//! (arithmetic, comparison, membership, identity, unary) with the hooks
//! through which native objects overload them.

use std::cell::RefCell;
use std::rc::Rc;

use crate::error::{Exception, Result, TraceFrame, type_error};
use crate::object::{Args, EllipsisObject};
use crate::syntax::*;
use crate::value::{Dict, SliceValue, Unhashable, Value};

use super::attributes::unhashable;
use super::{Interpreter, STACK_GROWTH, STACK_RED_ZONE, Scope};

impl Interpreter {
    // ----- expressions ------------------------------------------------------

    /// Evaluates an expression in `scope`, growing the stack when nesting is deep.
    pub(super) fn eval(&mut self, expr: &Expr, scope: &Rc<Scope>) -> Result<Value> {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || {
            self.eval_inner(expr, scope)
        })
    }

    fn eval_inner(&mut self, expr: &Expr, scope: &Rc<Scope>) -> Result<Value> {
        let at = |interpreter: &Interpreter, error| interpreter.error_at(error, expr.span);
        Ok(match &expr.kind {
            ExprKind::Name(name) => self.load_name(name, expr.span, scope)?,
            ExprKind::None => Value::None,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Int(i) => Value::Int(*i),
            ExprKind::Float(x) => Value::Float(*x),
            ExprKind::Str(s) => Value::Str(s.clone()),
            ExprKind::Bytes(_) => {
                return Err(at(
                    self,
                    Exception::new("NotSupportedInDojo", "bytes literals are not supported"),
                ));
            }
            ExprKind::Ellipsis => Value::Native(Rc::new(EllipsisObject)),
            ExprKind::FString(parts) => Value::str(&self.format_fstring(parts, scope)?),
            ExprKind::List(items) => Value::list(self.eval_items(items, scope)?),
            ExprKind::Tuple(items) => Value::tuple(self.eval_items(items, scope)?),
            ExprKind::Set(items) => {
                let mut set = Dict::new();
                for item in self.eval_items(items, scope)? {
                    set.insert(item.clone(), Value::None)
                        .map_err(|Unhashable| at(self, unhashable(&item)))?;
                }
                Value::Set(Rc::new(RefCell::new(set)))
            }
            ExprKind::Dict(entries) => {
                let mut dict = Dict::new();
                for (key, value) in entries {
                    match key {
                        Some(key) => {
                            let key = self.eval(key, scope)?;
                            let value = self.eval(value, scope)?;
                            dict.insert(key.clone(), value)
                                .map_err(|Unhashable| at(self, unhashable(&key)))?;
                        }
                        None => match self.eval(value, scope)? {
                            Value::Dict(other) => {
                                for (key, value) in other.borrow().iter() {
                                    let _ = dict.insert(key.clone(), value.clone());
                                }
                            }
                            other => {
                                return Err(at(
                                    self,
                                    type_error(format!(
                                        "'{}' object is not a mapping",
                                        other.type_name()
                                    )),
                                ));
                            }
                        },
                    }
                }
                Value::dict(dict)
            }
            ExprKind::Attribute { value, attr } => {
                let object = self.eval(value, scope)?;
                self.get_attribute(&object, attr, expr.span)?
            }
            ExprKind::Subscript { value, index } => {
                let object = self.eval(value, scope)?;
                let index = self.eval(index, scope)?;
                self.get_item(&object, &index)
                    .map_err(|error| at(self, error))?
            }
            ExprKind::Slice { lower, upper, step } => {
                let mut bound = |bound: &Option<Box<Expr>>| -> Result<Option<i64>> {
                    match bound {
                        None => Ok(None),
                        Some(expr) => match self.eval(expr, scope)? {
                            Value::None => Ok(None),
                            other => crate::object::as_index(&other).map(Some).ok_or_else(|| {
                                self.error_at(
                                    type_error(format!(
                                        "slice indices must be integers or None, not {}",
                                        other.type_name()
                                    )),
                                    expr.span,
                                )
                            }),
                        },
                    }
                };
                let start = bound(lower)?;
                let stop = bound(upper)?;
                let step = bound(step)?;
                Value::Slice(Rc::new(SliceValue { start, stop, step }))
            }
            ExprKind::Call {
                function,
                arguments,
            } => {
                let callee = self.eval(function, scope)?;
                let args = self.eval_arguments(arguments, scope)?;
                self.tick(expr.span)?;
                self.call(&callee, args).map_err(|mut error| {
                    error.traceback.push(TraceFrame {
                        function: self.current_function(),
                        span: expr.span,
                    });
                    error
                })?
            }
            ExprKind::Binary { left, op, right } => {
                let left = self.eval(left, scope)?;
                let right = self.eval(right, scope)?;
                self.binary(*op, &left, &right)
                    .map_err(|error| at(self, error))?
            }
            ExprKind::Unary { op, operand } => {
                let operand = self.eval(operand, scope)?;
                unary(*op, &operand).map_err(|error| at(self, error))?
            }
            ExprKind::Logical { op, values } => {
                let mut result = Value::None;
                for value in values {
                    result = self.eval(value, scope)?;
                    let decided = match op {
                        LogicalOp::And => !result.truthy(),
                        LogicalOp::Or => result.truthy(),
                    };
                    if decided {
                        break;
                    }
                }
                result
            }
            ExprKind::Compare { left, comparisons } => {
                let mut left = self.eval(left, scope)?;
                for (op, right) in comparisons {
                    let right = self.eval(right, scope)?;
                    let result = self
                        .compare(*op, &left, &right)
                        .map_err(|error| at(self, error))?;
                    // A native comparison (an array mask) is returned as is.
                    if comparisons.len() == 1 {
                        return Ok(result);
                    }
                    if !result.truthy() {
                        return Ok(Value::Bool(false));
                    }
                    left = right;
                }
                Value::Bool(true)
            }
            ExprKind::Conditional { test, body, orelse } => {
                if self.eval(test, scope)?.truthy() {
                    self.eval(body, scope)?
                } else {
                    self.eval(orelse, scope)?
                }
            }
            ExprKind::Lambda(definition) => self.make_function(definition, scope)?,
            ExprKind::Comprehension {
                kind,
                element,
                clauses,
            } => {
                let inner = Scope::new(Some(Rc::clone(scope)));
                let mut items = Vec::new();
                self.comprehend(clauses, &inner, &mut |interpreter, scope| {
                    items.push(interpreter.eval(element, scope)?);
                    interpreter.check_size(items.len())
                })?;
                match kind {
                    ComprehensionKind::List | ComprehensionKind::Generator => Value::list(items),
                    ComprehensionKind::Set => {
                        let mut set = Dict::new();
                        for item in items {
                            set.insert(item.clone(), Value::None)
                                .map_err(|Unhashable| at(self, unhashable(&item)))?;
                        }
                        Value::Set(Rc::new(RefCell::new(set)))
                    }
                }
            }
            ExprKind::DictComprehension {
                key,
                value,
                clauses,
            } => {
                let inner = Scope::new(Some(Rc::clone(scope)));
                let mut dict = Dict::new();
                let span = expr.span;
                self.comprehend(clauses, &inner, &mut |interpreter, scope| {
                    let key = interpreter.eval(key, scope)?;
                    let value = interpreter.eval(value, scope)?;
                    dict.insert(key.clone(), value)
                        .map_err(|Unhashable| interpreter.error_at(unhashable(&key), span))
                })?;
                Value::dict(dict)
            }
            ExprKind::Starred(_) => {
                return Err(at(
                    self,
                    Exception::new("SyntaxError", "can't use starred expression here"),
                ));
            }
            ExprKind::Walrus { name, value } => {
                let value = self.eval(value, scope)?;
                self.store_name(name, value.clone(), scope);
                value
            }
        })
    }

    fn comprehend(
        &mut self,
        clauses: &[ComprehensionClause],
        scope: &Rc<Scope>,
        body: &mut dyn FnMut(&mut Interpreter, &Rc<Scope>) -> Result<()>,
    ) -> Result<()> {
        let Some((clause, rest)) = clauses.split_first() else {
            return body(self, scope);
        };
        let iterable = self.eval(&clause.iter, scope)?;
        let items = self
            .iterate(&iterable)
            .map_err(|error| self.error_at(error, clause.iter.span))?;
        'items: for item in items {
            self.tick(clause.iter.span)?;
            self.assign(&clause.target, item, scope)?;
            for condition in &clause.conditions {
                if !self.eval(condition, scope)?.truthy() {
                    continue 'items;
                }
            }
            self.comprehend(rest, scope, body)?;
        }
        Ok(())
    }

    fn eval_items(&mut self, items: &[Expr], scope: &Rc<Scope>) -> Result<Vec<Value>> {
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            match &item.kind {
                ExprKind::Starred(inner) => {
                    let value = self.eval(inner, scope)?;
                    let expanded = self
                        .iterate(&value)
                        .map_err(|error| self.error_at(error, item.span))?;
                    values.extend(expanded);
                }
                _ => values.push(self.eval(item, scope)?),
            }
        }
        self.check_size(values.len())?;
        Ok(values)
    }

    fn eval_arguments(&mut self, arguments: &[Argument], scope: &Rc<Scope>) -> Result<Args> {
        let mut args = Args::default();
        for argument in arguments {
            match argument {
                Argument::Positional(expr) => args.positional.push(self.eval(expr, scope)?),
                Argument::Unpack(expr) => {
                    let value = self.eval(expr, scope)?;
                    let items = self
                        .iterate(&value)
                        .map_err(|error| self.error_at(error, expr.span))?;
                    args.positional.extend(items);
                }
                Argument::Keyword(name, expr) => {
                    let value = self.eval(expr, scope)?;
                    args.keywords.push((name.clone(), value));
                }
                Argument::UnpackKeywords(expr) => match self.eval(expr, scope)? {
                    Value::Dict(dict) => {
                        for (key, value) in dict.borrow().iter() {
                            match key {
                                Value::Str(key) => {
                                    args.keywords.push((key.to_string(), value.clone()))
                                }
                                _ => {
                                    return Err(self.error_at(
                                        type_error("keywords must be strings"),
                                        expr.span,
                                    ));
                                }
                            }
                        }
                    }
                    other => {
                        return Err(self.error_at(
                            type_error(format!(
                                "argument after ** must be a mapping, not {}",
                                other.type_name()
                            )),
                            expr.span,
                        ));
                    }
                },
            }
        }
        Ok(args)
    }

    fn format_fstring(&mut self, parts: &[FStringPart], scope: &Rc<Scope>) -> Result<String> {
        let mut text = String::new();
        for part in parts {
            match part {
                FStringPart::Literal(literal) => text.push_str(literal),
                FStringPart::Interpolation {
                    expr,
                    debug_text,
                    conversion,
                    format_spec,
                } => {
                    let value = self.eval(expr, scope)?;
                    if let Some(debug_text) = debug_text {
                        text.push_str(debug_text);
                    }
                    let spec = match format_spec {
                        Some(spec) => self.format_fstring(spec, scope)?,
                        None => String::new(),
                    };
                    let conversion = match conversion {
                        Conversion::None if debug_text.is_some() && spec.is_empty() => {
                            Conversion::Repr
                        }
                        other => *other,
                    };
                    let value = match conversion {
                        Conversion::Repr | Conversion::Ascii => Value::str(&value.repr()),
                        Conversion::Str => Value::str(&value.to_str()),
                        Conversion::None => value,
                    };
                    let formatted = crate::builtins::format_value(&value, &spec)
                        .map_err(|error| self.error_at(error, expr.span))?;
                    text.push_str(&formatted);
                }
            }
        }
        self.check_size(text.len())?;
        Ok(text)
    }

    // ----- operators -------------------------------------------------------------

    pub(super) fn binary_in_place(
        &mut self,
        op: BinaryOp,
        left: &Value,
        right: &Value,
    ) -> Result<Value> {
        // `xs += ys` extends the list in place, so aliases see the change.
        if let (BinaryOp::Add, Value::List(items)) = (op, left) {
            let extra = self.iterate(right)?;
            items.borrow_mut().extend(extra);
            self.check_size(items.borrow().len())?;
            return Ok(left.clone());
        }
        self.binary(op, left, right)
    }

    /// `left <op> right`.
    pub fn binary(&mut self, op: BinaryOp, left: &Value, right: &Value) -> Result<Value> {
        if let Value::Native(native) = left
            && let Some(result) = native.binary(op, right, false)
        {
            return result;
        }
        if let Value::Native(native) = right
            && let Some(result) = native.binary(op, left, true)
        {
            return result;
        }
        let result = crate::builtins::binary(op, left, right)?;
        if let Value::Str(text) = &result {
            self.check_size(text.len())?;
        }
        if let Value::List(items) = &result {
            self.check_size(items.borrow().len())?;
        }
        Ok(result)
    }

    fn compare(&mut self, op: CompareOp, left: &Value, right: &Value) -> Result<Value> {
        if let Value::Native(native) = left
            && let Some(result) = native.compare(op, right)
        {
            return result;
        }
        if let Value::Native(native) = right
            && let Some(result) = native.compare(reflect(op), left)
        {
            return result;
        }
        Ok(Value::Bool(match op {
            CompareOp::Eq => crate::builtins::equals(left, right)?,
            CompareOp::NotEq => !crate::builtins::equals(left, right)?,
            CompareOp::Is => identical(left, right),
            CompareOp::IsNot => !identical(left, right),
            CompareOp::In => self.contains(right, left)?,
            CompareOp::NotIn => !self.contains(right, left)?,
            CompareOp::Lt | CompareOp::LtE | CompareOp::Gt | CompareOp::GtE => {
                let ordering = crate::builtins::order(left, right)?.ok_or_else(|| {
                    type_error(format!(
                        "'{}' not supported between instances of '{}' and '{}'",
                        op.symbol(),
                        left.type_name(),
                        right.type_name()
                    ))
                })?;
                match op {
                    CompareOp::Lt => ordering.is_lt(),
                    CompareOp::LtE => ordering.is_le(),
                    CompareOp::Gt => ordering.is_gt(),
                    _ => ordering.is_ge(),
                }
            }
        }))
    }

    fn contains(&mut self, container: &Value, item: &Value) -> Result<bool> {
        match container {
            Value::Str(text) => match item {
                Value::Str(needle) => Ok(text.contains(&**needle)),
                other => Err(type_error(format!(
                    "'in <string>' requires string as left operand, not {}",
                    other.type_name()
                ))),
            },
            Value::Dict(dict) | Value::Set(dict) => Ok(dict.borrow().contains(item)),
            other => {
                for candidate in self.iterate(other)? {
                    if crate::builtins::equals(&candidate, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
        }
    }
}

fn reflect(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Lt => CompareOp::Gt,
        CompareOp::LtE => CompareOp::GtE,
        CompareOp::Gt => CompareOp::Lt,
        CompareOp::GtE => CompareOp::LtE,
        other => other,
    }
}

fn identical(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::None, Value::None) => true,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::List(a), Value::List(b)) => Rc::ptr_eq(a, b),
        (Value::Dict(a), Value::Dict(b)) => Rc::ptr_eq(a, b),
        (Value::Instance(a), Value::Instance(b)) => Rc::ptr_eq(a, b),
        (Value::Class(a), Value::Class(b)) => Rc::ptr_eq(a, b),
        (Value::Native(a), Value::Native(b)) => Rc::ptr_eq(a, b),
        (Value::Int(a), Value::Int(b)) => a == b,
        (Value::Str(a), Value::Str(b)) => a == b,
        _ => false,
    }
}

fn unary(op: UnaryOp, operand: &Value) -> Result<Value> {
    if let Value::Native(native) = operand
        && op != UnaryOp::Not
        && let Some(result) = native.unary(op)
    {
        return result;
    }
    match (op, operand) {
        (UnaryOp::Not, value) => Ok(Value::Bool(!value.truthy())),
        (UnaryOp::Negate, Value::Int(i)) => i
            .checked_neg()
            .map(Value::Int)
            .ok_or_else(|| Exception::new("OverflowError", "integer overflow")),
        (UnaryOp::Negate, Value::Bool(b)) => Ok(Value::Int(-i64::from(*b))),
        (UnaryOp::Negate, Value::Float(x)) => Ok(Value::Float(-x)),
        (UnaryOp::Plus, Value::Int(_) | Value::Float(_)) => Ok(operand.clone()),
        (UnaryOp::Plus, Value::Bool(b)) => Ok(Value::Int(i64::from(*b))),
        (UnaryOp::Invert, Value::Int(i)) => Ok(Value::Int(!i)),
        (UnaryOp::Invert, Value::Bool(b)) => Ok(Value::Int(!i64::from(*b))),
        (op, value) => Err(type_error(format!(
            "bad operand type for unary {}: '{}'",
            match op {
                UnaryOp::Negate => "-",
                UnaryOp::Plus => "+",
                UnaryOp::Invert => "~",
                UnaryOp::Not => "not",
            },
            value.type_name()
        ))),
    }
}
