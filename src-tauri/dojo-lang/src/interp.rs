//! The tree-walking interpreter.
//!
//! It runs a lowered [`Module`] with Python semantics for the subset Dojo
//! supports. There is no access to the host: no files, network, processes
//! or environment, except what a host module registered with
//! [`Interpreter::register_module`] chooses to offer (the engine registers
//! numpy, tensorflow and a virtual file system). Every loop iteration,
//! statement and call counts against [`Limits`], so a runaway program ends
//! with a clear `LimitExceeded` error instead of hanging the app.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::error::{Exception, Result, TraceFrame, did_you_mean, type_error, value_error};
use crate::object::SuperObject;
use crate::syntax::*;
use crate::value::{Dict, ExceptionValue, IteratorState, SliceValue, Unhashable, Value, range_len};

// The object model lives in `crate::object`; these paths stay for the host crates.
pub use crate::object::{
    Args, Builtin, Class, EllipsisObject, Function, Instance, ModuleObject, NativeFn, NativeObject,
    native_method,
};

/// Stack left before a nested evaluation moves to a fresh segment.
const STACK_RED_ZONE: usize = 256 * 1024;
/// Size of each fresh stack segment.
const STACK_GROWTH: usize = 4 * 1024 * 1024;

/// Resource limits of one run, each with its own error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Statements, loop iterations and calls, together.
    pub max_steps: u64,
    /// Nested user function calls.
    pub max_call_depth: usize,
    /// Items in one list, tuple, dict, set or string built by user code.
    pub max_collection_items: usize,
    /// Bytes of one numpy array; every numpy allocation checks it first, so
    /// `np.zeros((100000, 100000))` is a `MemoryError`, never an abort.
    pub max_array_bytes: u64,
    /// Parameters of one model (the host checks it before allocating
    /// weights), so a 10-billion-parameter model is refused, not attempted.
    pub max_model_params: u64,
    /// Epochs of one `fit`.
    pub max_epochs: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_steps: 200_000_000,
            max_call_depth: 200,
            max_collection_items: 50_000_000,
            max_array_bytes: 4 << 30,
            max_model_params: 100_000_000,
            max_epochs: 10_000,
        }
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

/// What to use instead of a well-known module that Dojo does not provide.
fn substitute_module(name: &str) -> Option<&'static str> {
    Some(match name {
        "pandas" => {
            "pandas is not available in Dojo: read CSV files with the csv module (csv.reader) \
             and build numpy arrays from the rows"
        }
        "torch" | "torchvision" | "jax" | "flax" => {
            "the exam is written with TensorFlow: use `import tensorflow as tf` and tf.keras"
        }
        "sklearn" => {
            "scikit-learn is not available in Dojo: split arrays by slicing (x[:n], x[n:]) \
             and use tf.keras.metrics for scores"
        }
        "tensorflow_datasets" => {
            "tensorflow_datasets is not available offline: use tf.keras.datasets or the \
             files under /data"
        }
        "matplotlib" | "seaborn" => {
            "plotting is not available in Dojo: print the values (e.g. history.history) instead"
        }
        _ => return None,
    })
}

/// A variable scope: a function call's locals, or the module's globals.
pub struct Scope {
    variables: RefCell<HashMap<String, Value>>,
    parent: Option<Rc<Scope>>,
    declared_global: RefCell<HashSet<String>>,
    /// The function whose call this scope is, for its local names.
    function: Option<Rc<FunctionDef>>,
}

impl Scope {
    fn new(parent: Option<Rc<Scope>>) -> Rc<Scope> {
        Rc::new(Scope {
            variables: RefCell::new(HashMap::new()),
            parent,
            declared_global: RefCell::new(HashSet::new()),
            function: None,
        })
    }

    fn for_call(parent: Rc<Scope>, function: Rc<FunctionDef>) -> Rc<Scope> {
        Rc::new(Scope {
            variables: RefCell::new(HashMap::new()),
            parent: Some(parent),
            declared_global: RefCell::new(HashSet::new()),
            function: Some(function),
        })
    }

    /// Whether `name` is local to this call but not bound (yet).
    fn is_unbound_local(&self, name: &str) -> bool {
        self.function.as_ref().is_some_and(|function| {
            function
                .locals
                .binary_search_by(|local| local.as_str().cmp(name))
                .is_ok()
        }) && !self.variables.borrow().contains_key(name)
            && !self.declared_global.borrow().contains(name)
    }

    fn lookup(&self, name: &str) -> Option<Value> {
        if let Some(value) = self.variables.borrow().get(name) {
            return Some(value.clone());
        }
        self.parent.as_ref().and_then(|parent| parent.lookup(name))
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.variables.borrow().keys().cloned().collect();
        if let Some(parent) = &self.parent {
            names.extend(parent.names());
        }
        names
    }
}

/// How a statement ended.
enum Flow {
    Normal,
    Return(Value),
    Break,
    Continue,
}

type ModuleFactory = Rc<dyn Fn(&mut Interpreter) -> Result<Value>>;

/// Runs programs. One interpreter runs one program.
pub struct Interpreter {
    pub limits: Limits,
    globals: Rc<Scope>,
    builtins: HashMap<String, Value>,
    module_factories: HashMap<String, ModuleFactory>,
    loaded_modules: HashMap<String, Value>,
    output: Box<dyn FnMut(&str)>,
    vfs: Rc<crate::vfs::VirtualFs>,
    steps: Cell<u64>,
    call_stack: Vec<String>,
    /// The user functions running, innermost last, with their first
    /// argument (`self` in a method): what `super()` needs.
    frames: Vec<(Rc<FunctionDef>, Option<Value>)>,
}

impl Drop for Interpreter {
    /// A function keeps the scope it was defined in and the module's globals
    /// keep its functions: a cycle of `Rc`s that would outlive the program.
    /// Emptying the globals and the loaded modules when the interpreter goes
    /// frees what the program made (arrays, models, the host's callbacks).
    fn drop(&mut self) {
        if let Ok(mut variables) = self.globals.variables.try_borrow_mut() {
            let globals = std::mem::take(&mut *variables);
            drop(variables);
            drop(globals);
        }
        self.loaded_modules.clear();
    }
}

impl Interpreter {
    /// A fresh interpreter whose `print` writes to `output`.
    pub fn new(limits: Limits, output: impl FnMut(&str) + 'static) -> Interpreter {
        let mut interpreter = Interpreter {
            limits,
            globals: Scope::new(None),
            builtins: HashMap::new(),
            module_factories: HashMap::new(),
            loaded_modules: HashMap::new(),
            output: Box::new(output),
            vfs: crate::vfs::VirtualFs::new(),
            steps: Cell::new(0),
            call_stack: vec!["<module>".to_owned()],
            frames: Vec::new(),
        };
        crate::builtins::install(&mut interpreter);
        crate::modules::install_standard_modules(&mut interpreter);
        interpreter
    }

    /// The file system the program sees.
    pub fn vfs(&self) -> Rc<crate::vfs::VirtualFs> {
        Rc::clone(&self.vfs)
    }

    /// Replaces the file system (before the run starts).
    pub fn set_vfs(&mut self, vfs: Rc<crate::vfs::VirtualFs>) {
        self.vfs = vfs;
    }

    pub fn define_builtin(&mut self, name: &str, value: Value) {
        self.builtins.insert(name.to_owned(), value);
    }

    /// Makes `import name` load the module `factory` builds (once).
    pub fn register_module(
        &mut self,
        name: &str,
        factory: impl Fn(&mut Interpreter) -> Result<Value> + 'static,
    ) {
        self.module_factories
            .insert(name.to_owned(), Rc::new(factory));
    }

    /// Writes text to the run's console.
    pub fn print(&mut self, text: &str) {
        (self.output)(text);
    }

    pub fn global(&self, name: &str) -> Option<Value> {
        self.globals.variables.borrow().get(name).cloned()
    }

    /// The names the program's module defines.
    pub fn global_names(&self) -> Vec<String> {
        self.globals.variables.borrow().keys().cloned().collect()
    }

    pub fn set_global(&self, name: &str, value: Value) {
        self.globals
            .variables
            .borrow_mut()
            .insert(name.to_owned(), value);
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps.get()
    }

    /// Runs a module's statements in the global scope as `__main__`.
    pub fn run(&mut self, module: &Module) -> Result<()> {
        self.run_as(module, "__main__")
    }

    /// Runs a module's statements with `__name__` set to `name` (a grader
    /// imports the solution, so its `if __name__ == '__main__':` block is
    /// skipped).
    pub fn run_as(&mut self, module: &Module, name: &str) -> Result<()> {
        self.set_global("__name__", Value::str(name));
        let globals = Rc::clone(&self.globals);
        match self.exec_block(&module.body, &globals)? {
            Flow::Normal | Flow::Return(_) => Ok(()),
            Flow::Break | Flow::Continue => Ok(()),
        }
    }

    fn tick(&self, span: Span) -> Result<()> {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps > self.limits.max_steps {
            return Err(self.error_at(
                Exception::new(
                    "LimitExceeded",
                    format!("the program ran more than {} steps", self.limits.max_steps),
                )
                .with_help(
                    "look for a loop that never ends; training itself does not count as steps",
                ),
                span,
            ));
        }
        Ok(())
    }

    /// Attaches the current frame at `span` to an exception that has no location yet.
    fn error_at(&self, mut exception: Box<Exception>, span: Span) -> Box<Exception> {
        if exception.traceback.is_empty() {
            exception.traceback.push(TraceFrame {
                function: self.current_function(),
                span,
            });
        }
        exception
    }

    fn current_function(&self) -> String {
        self.call_stack.last().cloned().unwrap_or_default()
    }

    fn check_size(&self, items: usize) -> Result<()> {
        if items > self.limits.max_collection_items {
            return Err(Exception::new(
                "LimitExceeded",
                format!(
                    "a collection of {items} items exceeds Dojo's limit of {}",
                    self.limits.max_collection_items
                ),
            ));
        }
        Ok(())
    }

    // ----- statements ---------------------------------------------------------

    fn exec_block(&mut self, body: &[Stmt], scope: &Rc<Scope>) -> Result<Flow> {
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
                    Err(exception) if exception.kind == "LimitExceeded" => Err(exception),
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

    fn make_function(&mut self, definition: &Rc<FunctionDef>, scope: &Rc<Scope>) -> Result<Value> {
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

    fn store_name(&mut self, name: &str, value: Value, scope: &Rc<Scope>) {
        if scope.declared_global.borrow().contains(name) {
            self.globals
                .variables
                .borrow_mut()
                .insert(name.to_owned(), value);
        } else {
            scope.variables.borrow_mut().insert(name.to_owned(), value);
        }
    }

    fn load_name(&self, name: &str, span: Span, scope: &Rc<Scope>) -> Result<Value> {
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

    fn assign(&mut self, target: &Target, value: Value, scope: &Rc<Scope>) -> Result<()> {
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

    // ----- expressions ------------------------------------------------------

    /// Evaluates an expression in `scope`, growing the stack when nesting is deep.
    fn eval(&mut self, expr: &Expr, scope: &Rc<Scope>) -> Result<Value> {
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
                            Value::Int(i) => Ok(Some(i)),
                            Value::Bool(b) => Ok(Some(i64::from(b))),
                            other => Err(self.error_at(
                                type_error(format!(
                                    "slice indices must be integers or None, not {}",
                                    other.type_name()
                                )),
                                expr.span,
                            )),
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

    // ----- imports ---------------------------------------------------------------

    /// Loads a module by dotted name, once.
    pub fn import(&mut self, name: &str) -> Result<Value> {
        if let Some(module) = self.loaded_modules.get(name) {
            return Ok(module.clone());
        }
        let Some(factory) = self.module_factories.get(name).cloned() else {
            let mut available: Vec<&str> = self
                .module_factories
                .keys()
                .map(String::as_str)
                .filter(|module| !module.contains('.'))
                .collect();
            available.sort_unstable();
            let error = Exception::new("ModuleNotFoundError", format!("No module named '{name}'"));
            let top = name.split('.').next().unwrap_or(name);
            let help = match (
                substitute_module(top),
                did_you_mean(name, self.module_factories.keys().map(String::as_str)),
            ) {
                (Some(substitute), _) => substitute.to_owned(),
                (None, Some(suggestion)) => format!("did you mean '{suggestion}'?"),
                (None, None) => format!("Dojo provides these modules: {}", available.join(", ")),
            };
            return Err(error.with_help(help));
        };
        let module = factory(self)?;
        self.loaded_modules.insert(name.to_owned(), module.clone());
        // `import a.b` also makes `b` an attribute of `a`.
        if let Some((parent, child)) = name.rsplit_once('.')
            && let Ok(Value::Module(parent)) = self.import(parent)
        {
            parent
                .attributes
                .borrow_mut()
                .entry(child.to_owned())
                .or_insert_with(|| module.clone());
        }
        Ok(module)
    }

    fn module_attribute(&self, module: &Value, name: &str) -> Option<Value> {
        match module {
            Value::Module(module) => module.attributes.borrow().get(name).cloned(),
            _ => None,
        }
    }

    fn attribute_names(&self, value: &Value) -> Vec<String> {
        match value {
            Value::Module(module) => module.attributes.borrow().keys().cloned().collect(),
            Value::Instance(instance) => {
                let mut names: Vec<String> = instance.attributes.borrow().keys().cloned().collect();
                names.extend(instance.class.attributes.borrow().keys().cloned());
                names
            }
            Value::Class(class) => class.attributes.borrow().keys().cloned().collect(),
            other => crate::builtins::method_names(other)
                .iter()
                .map(|name| (*name).to_owned())
                .collect(),
        }
    }

    // ----- attributes and items -------------------------------------------------

    /// `object.name`.
    pub fn get_attribute(&mut self, object: &Value, name: &str, span: Span) -> Result<Value> {
        let found = match object {
            Value::Module(module) => {
                let found = module.attributes.borrow().get(name).cloned();
                // A module-level `__getattr__` (PEP 562) answers missing names,
                // typically with an error that knows the module.
                let fallback = module.attributes.borrow().get("__getattr__").cloned();
                match (found, fallback) {
                    (None, Some(fallback)) => Some(
                        self.call(&fallback, Args::new(vec![Value::str(name)]))
                            .map_err(|error| self.error_at(error, span))?,
                    ),
                    (found, _) => found,
                }
            }
            Value::Instance(instance) => {
                let own = instance.attributes.borrow().get(name).cloned();
                own.or_else(|| {
                    instance
                        .class
                        .lookup(name)
                        .map(|attribute| match attribute {
                            Value::Function(_) | Value::Builtin(_) => {
                                Value::BoundMethod(Rc::new((object.clone(), attribute)))
                            }
                            other => other,
                        })
                })
            }
            Value::Class(class) => class.lookup(name),
            Value::Native(native) => native
                .get_attribute(native, name)
                .map_err(|error| self.error_at(error, span))?,
            Value::Exception(exception) if name == "args" => {
                Some(Value::tuple(vec![Value::str(&exception.message)]))
            }
            other => crate::builtins::method(other, name),
        };
        found.ok_or_else(|| {
            let (kind, message) = match object {
                Value::Module(module) => (
                    "AttributeError",
                    format!("module '{}' has no attribute '{name}'", module.name),
                ),
                other => (
                    "AttributeError",
                    format!("'{}' object has no attribute '{name}'", other.type_name()),
                ),
            };
            let names = self.attribute_names(object);
            let error = Exception::new(kind, message);
            let error = match did_you_mean(name, names.iter().map(String::as_str)) {
                Some(suggestion) => error.with_help(format!("did you mean '{suggestion}'?")),
                None => error,
            };
            self.error_at(error, span)
        })
    }

    fn set_attribute(&mut self, object: &Value, name: &str, value: Value) -> Result<()> {
        match object {
            Value::Instance(instance) => {
                // A native base (e.g. a Keras callback) may own the attribute.
                for base in &instance.class.bases {
                    if let Value::Native(native) = base
                        && native.set_attribute(name, value.clone())?
                    {
                        return Ok(());
                    }
                }
                instance
                    .attributes
                    .borrow_mut()
                    .insert(name.to_owned(), value);
                Ok(())
            }
            Value::Class(class) => {
                class.attributes.borrow_mut().insert(name.to_owned(), value);
                Ok(())
            }
            Value::Native(native) => {
                if native.set_attribute(name, value)? {
                    Ok(())
                } else {
                    Err(Exception::new(
                        "AttributeError",
                        format!(
                            "'{}' object attribute '{name}' cannot be set",
                            native.type_name()
                        ),
                    ))
                }
            }
            other => Err(Exception::new(
                "AttributeError",
                format!(
                    "'{}' object attribute '{name}' is read-only",
                    other.type_name()
                ),
            )),
        }
    }

    /// `object[index]`.
    pub fn get_item(&mut self, object: &Value, index: &Value) -> Result<Value> {
        match object {
            Value::List(items) => index_sequence(&items.borrow(), index, Value::list),
            Value::Tuple(items) => index_sequence(items, index, Value::tuple),
            Value::Str(text) => match index {
                // A plain index needs one character, not a value per character.
                Value::Int(_) | Value::Bool(_) => {
                    let position = normalize_index(index, text.chars().count())?;
                    Ok(Value::str(
                        text.chars()
                            .nth(position)
                            .map(String::from)
                            .unwrap_or_default()
                            .as_str(),
                    ))
                }
                _ => {
                    let chars: Vec<Value> =
                        text.chars().map(|c| Value::str(&c.to_string())).collect();
                    index_sequence(&chars, index, |items| {
                        Value::str(&items.iter().map(Value::to_str).collect::<String>())
                    })
                }
            },
            Value::Range { start, stop, step } => {
                let length = range_len(*start, *stop, *step);
                let position = normalize_index(index, length as usize)?;
                Ok(Value::Int(start + step * position as i64))
            }
            Value::Dict(dict) => {
                let dict = dict.borrow();
                dict.get(index)
                    .cloned()
                    .ok_or_else(|| missing_key(&dict, index))
            }
            Value::Native(native) => match native.get_item(index) {
                Some(result) => result,
                None => Err(unsupported_by(object, "is not subscriptable")),
            },
            Value::Instance(instance) => match instance.class.lookup("__getitem__") {
                Some(method) => self.call(&method, Args::new(vec![object.clone(), index.clone()])),
                None => Err(unsupported_by(object, "is not subscriptable")),
            },
            other => Err(unsupported_by(other, "is not subscriptable")),
        }
    }

    fn set_item(&mut self, object: &Value, index: &Value, value: Value) -> Result<()> {
        match object {
            Value::List(items) => {
                if let Value::Slice(slice) = index {
                    let replacement = self.iterate(&value)?;
                    let mut items = items.borrow_mut();
                    let (start, stop, step) = slice_bounds(slice, items.len())?;
                    if step != 1 {
                        return Err(value_error(
                            "assignment to an extended slice is not supported",
                        ));
                    }
                    let stop = stop.max(start) as usize;
                    items.splice(start as usize..stop, replacement);
                    return Ok(());
                }
                let length = items.borrow().len();
                let position = normalize_index(index, length)?;
                items.borrow_mut()[position] = value;
                Ok(())
            }
            Value::Dict(dict) => dict
                .borrow_mut()
                .insert(index.clone(), value)
                .map_err(|Unhashable| unhashable(index)),
            Value::Native(native) => match native.set_item(index, value) {
                Some(result) => result,
                None => Err(unsupported_by(object, "does not support item assignment")),
            },
            other => Err(unsupported_by(other, "does not support item assignment")),
        }
    }

    /// The items of an iterable, materialised.
    pub fn iterate(&mut self, value: &Value) -> Result<Vec<Value>> {
        let items = match value {
            Value::List(items) => items.borrow().clone(),
            Value::Tuple(items) => items.to_vec(),
            Value::Str(text) => text.chars().map(|c| Value::str(&c.to_string())).collect(),
            Value::Dict(dict) | Value::Set(dict) => dict.borrow().keys(),
            Value::Range { start, stop, step } => {
                let length = range_len(*start, *stop, *step);
                self.check_size(usize::try_from(length).unwrap_or(usize::MAX))?;
                (0..length).map(|i| Value::Int(start + i * step)).collect()
            }
            Value::Iterator(state) => {
                let mut state = state.borrow_mut();
                match &mut *state {
                    IteratorState::Items { items, position } => {
                        let rest = items.get(*position..).unwrap_or_default().to_vec();
                        *position = items.len();
                        rest
                    }
                    IteratorState::Range { next, stop, step } => {
                        let length = range_len(*next, *stop, *step);
                        self.check_size(usize::try_from(length).unwrap_or(usize::MAX))?;
                        let items = (0..length).map(|i| Value::Int(*next + i * *step)).collect();
                        *next = *stop;
                        items
                    }
                }
            }
            Value::Native(native) => match native.iterate(self) {
                Some(result) => result?,
                None => return Err(unsupported_by(value, "is not iterable")),
            },
            other => return Err(unsupported_by(other, "is not iterable")),
        };
        Ok(items)
    }

    // ----- operators -------------------------------------------------------------

    fn binary_in_place(&mut self, op: BinaryOp, left: &Value, right: &Value) -> Result<Value> {
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
            CompareOp::Eq => crate::builtins::equals(left, right),
            CompareOp::NotEq => !crate::builtins::equals(left, right),
            CompareOp::Is => identical(left, right),
            CompareOp::IsNot => !identical(left, right),
            CompareOp::In => self.contains(right, left)?,
            CompareOp::NotIn => !self.contains(right, left)?,
            CompareOp::Lt | CompareOp::LtE | CompareOp::Gt | CompareOp::GtE => {
                let ordering = crate::builtins::order(left, right).ok_or_else(|| {
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
            other => Ok(self
                .iterate(other)?
                .iter()
                .any(|candidate| crate::builtins::equals(candidate, item))),
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

/// `TypeError: '<type>' object <what>`, for an operation a value does not support.
/// The most keys a `KeyError`'s help names.
const KEYS_LISTED: usize = 12;

/// `KeyError` for `index`, with the dict's keys (or the closest) as help.
fn missing_key(dict: &Dict, index: &Value) -> Box<Exception> {
    let error = Exception::new("KeyError", index.repr());
    let keys: Vec<String> = dict.keys().iter().map(Value::repr).collect();
    if keys.is_empty() {
        return error.with_help("the dict is empty");
    }
    if let Some(close) = did_you_mean(&index.repr(), keys.iter().map(String::as_str)) {
        return error.with_help(format!("did you mean {close}?"));
    }
    let more = keys.len().saturating_sub(KEYS_LISTED);
    let mut listed = keys
        .into_iter()
        .take(KEYS_LISTED)
        .collect::<Vec<_>>()
        .join(", ");
    if more > 0 {
        listed.push_str(&format!(" and {more} more"));
    }
    error.with_help(format!("the dict's keys are {listed}"))
}

fn unsupported_by(value: &Value, what: &str) -> Box<Exception> {
    type_error(format!("'{}' object {what}", value.type_name()))
}

pub(crate) fn unhashable(value: &Value) -> Box<Exception> {
    type_error(format!("unhashable type: '{}'", value.type_name()))
}

/// A Python index into a sequence of `length` items, negative from the end.
pub(crate) fn normalize_index(index: &Value, length: usize) -> Result<usize> {
    let raw = match index {
        Value::Int(i) => *i,
        Value::Bool(b) => i64::from(*b),
        other => {
            return Err(type_error(format!(
                "indices must be integers or slices, not {}",
                other.type_name()
            )));
        }
    };
    let length = length as i64;
    let position = if raw < 0 { raw + length } else { raw };
    if position < 0 || position >= length {
        let help = if length == 0 {
            "the sequence is empty".to_owned()
        } else {
            format!(
                "it has {length} item{}: indexes 0 to {} (or -{length} to -1)",
                if length == 1 { "" } else { "s" },
                length - 1
            )
        };
        return Err(
            Exception::new("IndexError", format!("index {raw} is out of range")).with_help(help),
        );
    }
    Ok(position as usize)
}

/// Resolves a slice against `length` items: `(start, stop, step)` as Python's `slice.indices`.
pub(crate) fn slice_bounds(slice: &SliceValue, length: usize) -> Result<(i64, i64, i64)> {
    let length = length as i64;
    let step = slice.step.unwrap_or(1);
    if step == 0 {
        return Err(value_error("slice step cannot be zero"));
    }
    let clamp = |bound: i64, low: i64, high: i64| {
        let bound = if bound < 0 { bound + length } else { bound };
        bound.clamp(low, high)
    };
    let (start, stop) = if step > 0 {
        (
            slice.start.map_or(0, |start| clamp(start, 0, length)),
            slice.stop.map_or(length, |stop| clamp(stop, 0, length)),
        )
    } else {
        (
            slice
                .start
                .map_or(length - 1, |start| clamp(start, -1, length - 1)),
            slice.stop.map_or(-1, |stop| clamp(stop, -1, length - 1)),
        )
    };
    Ok((start, stop, step))
}

fn index_sequence(
    items: &[Value],
    index: &Value,
    build: impl Fn(Vec<Value>) -> Value,
) -> Result<Value> {
    match index {
        Value::Slice(slice) => {
            let (start, stop, step) = slice_bounds(slice, items.len())?;
            let mut picked = Vec::new();
            let mut position = start;
            while (step > 0 && position < stop) || (step < 0 && position > stop) {
                if let Some(item) = items.get(position as usize) {
                    picked.push(item.clone());
                }
                position += step;
            }
            Ok(build(picked))
        }
        _ => {
            let position = normalize_index(index, items.len())?;
            Ok(items[position].clone())
        }
    }
}
