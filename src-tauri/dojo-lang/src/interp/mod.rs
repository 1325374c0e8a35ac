//! The tree-walking interpreter.
//!
//! It runs a lowered [`Module`] with Python semantics for the subset Dojo
//! supports. There is no access to the host: no files, network, processes
//! or environment, except what a host module registered with
//! [`Interpreter::register_module`] chooses to offer (the engine registers
//! numpy, tensorflow and a virtual file system). Every loop iteration,
//! statement and call counts against [`Limits`], so a runaway program ends
//! with a clear `LimitExceeded` error instead of hanging the app.
//!
//! This file holds the [`Interpreter`] itself, its [`Limits`], variable
//! [`Scope`]s, the public API and imports. The execution code is split by
//! what it runs: `exec.rs` statements, names and assignment; `eval.rs`
//! expressions and operators; `calls.rs` calls, `super()` and argument
//! binding; `attributes.rs` attribute and item access and iteration. The
//! values it works on come from [`crate::value`] and [`crate::object`],
//! which do not depend on this execution code.

use std::cell::Cell;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::error::{Exception, Result, TraceFrame, did_you_mean};
use crate::syntax::*;
use crate::value::Value;

mod attributes;
mod calls;
mod eval;
mod exec;

pub(crate) use attributes::{normalize_index, slice_bounds, slice_positions, unhashable};
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
    /// Bytes the whole run may hold beyond what the process held when it
    /// began (see [`crate::memory`]): arrays, lists, strings, images,
    /// scratch files, weights and activations together.
    pub max_run_bytes: u64,
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
            max_run_bytes: crate::memory::default_budget() as u64,
        }
    }
}

/// What to use instead of a well-known module that Dojo does not provide and
/// refuses at the import (pandas, scikit-learn and seaborn import and refuse
/// their first use instead: `crate::modules::unavailable`).
fn substitute_module(name: &str) -> Option<&'static str> {
    Some(match name {
        "torch" | "torchvision" | "jax" | "flax" => {
            "the exam is written with TensorFlow: use `import tensorflow as tf` and tf.keras"
        }
        "plotly" | "bokeh" => {
            "this plotting library is not available in Dojo: draw with matplotlib.pyplot, which Dojo shows \
             under the console"
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
    /// Where shown and saved figures go; `None`: they are not drawn.
    figures: Option<Box<dyn FnMut(crate::figure::Figure)>>,
    vfs: Rc<crate::vfs::VirtualFs>,
    steps: Cell<u64>,
    call_stack: Vec<String>,
    /// The user functions running, innermost last, with their first
    /// argument (`self` in a method): what `super()` needs.
    frames: Vec<(Rc<FunctionDef>, Option<Value>)>,
    /// Asked every [`INTERRUPT_EVERY`] steps: true stops the program with
    /// an exception user code cannot catch (the user pressed Stop).
    interrupt: Option<Box<dyn Fn() -> bool>>,
}

/// How often, in steps, the interpreter asks whether the run was stopped.
const INTERRUPT_EVERY: u64 = 256;

/// Exception kinds that `except` (even a bare one) never catches: the
/// host's limits and a stop the user asked for end the program whatever
/// it does.
pub const UNCATCHABLE: &[&str] = &["LimitExceeded", "TrainingCancelled", "RunStopped"];

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
            figures: None,
            vfs: crate::vfs::VirtualFs::new(),
            steps: Cell::new(0),
            call_stack: vec!["<module>".to_owned()],
            frames: Vec::new(),
            interrupt: None,
        };
        crate::builtins::install(&mut interpreter);
        crate::modules::install_standard_modules(&mut interpreter);
        interpreter
    }

    /// Lets the host stop the program between any two steps: `stopped`
    /// is asked every few hundred steps and, once true, every step raises
    /// `RunStopped`, which no `except` catches.
    pub fn set_interrupt(&mut self, stopped: impl Fn() -> bool + 'static) {
        self.interrupt = Some(Box::new(stopped));
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

    /// The names of the built-in functions and exception classes a program
    /// can use, sorted; the refused escape hatches (`eval`, `exec`, …) are
    /// left out.
    pub fn builtin_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .builtins
            .keys()
            .filter(|name| {
                !crate::builtins::REFUSED
                    .iter()
                    .any(|(refused, _)| refused == name)
            })
            .cloned()
            .collect();
        names.sort_unstable();
        names
    }

    /// The dotted names `import` accepts (`numpy`, `os.path`,
    /// `tensorflow.keras.layers`, …), sorted.
    pub fn module_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .module_factories
            .keys()
            .filter(|name| !name.starts_with("__"))
            .cloned()
            .collect();
        names.sort_unstable();
        names
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

    /// Makes `plt.show()` and `plt.savefig(...)` hand their figures to
    /// `sink` (to draw them); without one they are not drawn.
    pub fn set_figure_sink(&mut self, sink: impl FnMut(crate::figure::Figure) + 'static) {
        self.figures = Some(Box::new(sink));
    }

    /// Hands `figure` to the figure sink; false when there is none.
    pub fn emit_figure(&mut self, figure: crate::figure::Figure) -> bool {
        match &mut self.figures {
            Some(sink) => {
                sink(figure);
                true
            }
            None => false,
        }
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
        if steps.is_multiple_of(INTERRUPT_EVERY)
            && let Some(stopped) = &self.interrupt
            && stopped()
        {
            return Err(self.error_at(Exception::new("RunStopped", "the run was stopped"), span));
        }
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
        crate::memory::ensure_room(
            (items as u128).saturating_mul(std::mem::size_of::<Value>() as u128),
            || format!("a collection of {items} items"),
        )?;
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

    // ----- imports ---------------------------------------------------------------

    /// `a.b` without a factory of its own: the module-valued attribute `b`
    /// of module `a`, as Python imports a package's submodule (`from
    /// keras.datasets import mnist` when `keras` has `datasets`). `None`
    /// when `a` does not import or `b` is no module.
    fn submodule_attribute(&mut self, name: &str) -> Option<Value> {
        let (parent, child) = name.rsplit_once('.')?;
        let parent = self.import(parent).ok()?;
        let value = self.get_attribute(&parent, child, Span::default()).ok()?;
        let is_module = match &value {
            Value::Module(_) => true,
            Value::Native(native) => native.type_name() == "module",
            _ => false,
        };
        is_module.then_some(value)
    }

    /// Loads a module by dotted name, once.
    pub fn import(&mut self, name: &str) -> Result<Value> {
        if let Some(module) = self.loaded_modules.get(name) {
            return Ok(module.clone());
        }
        let Some(factory) = self.module_factories.get(name).cloned() else {
            if let Some(module) =
                crate::modules::unavailable::module(name).or_else(|| self.submodule_attribute(name))
            {
                self.loaded_modules.insert(name.to_owned(), module.clone());
                return Ok(module);
            }
            let mut available: Vec<&str> = self
                .module_factories
                .keys()
                .map(String::as_str)
                .filter(|module| !module.contains('.') && !module.starts_with("__"))
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

    /// The attribute names of `value` a listing offers: a module's
    /// attributes, an instance's and its class's, a native object's
    /// [`NativeObject::attribute_names`], the methods of a built-in type.
    /// Unordered; a module's `__getattr__` and other dunder names included.
    pub fn attribute_names(&self, value: &Value) -> Vec<String> {
        match value {
            Value::Module(module) => module.attributes.borrow().keys().cloned().collect(),
            Value::Native(native) => native.attribute_names(),
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
}
