//! `matplotlib` and `IPython.display` as stand-ins that draw nothing.
//!
//! Exam files plot their data and their curves (`plt.plot(series)`,
//! `plt.show()`, `display(...)`) around the code that matters; Dojo draws
//! the training curves itself, so these calls are accepted and do nothing,
//! and the console says so once per run. Every attribute of a stand-in is
//! a stand-in, calling one returns one, so chains such as
//! `fig, ax = plt.subplots(); ax.plot(x); ax.set_title("loss")` run.

use std::any::Any;
use std::rc::Rc;

use crate::error::Result;
use crate::interp::Interpreter;
use crate::object::{Args, ModuleObject, NativeObject};
use crate::value::Value;

/// Something of a plotting library that does nothing.
struct StandIn {
    name: &'static str,
}

impl NativeObject for StandIn {
    fn type_name(&self) -> String {
        self.name.to_owned()
    }

    fn repr(&self) -> String {
        format!("<{} (not drawn in Dojo)>", self.name)
    }

    fn get_attribute(&self, this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        Ok(Some(match name {
            // `fig, ax = plt.subplots(...)` unpacks two.
            "subplots" => Value::Native(Rc::new(Subplots)),
            _ => Value::Native(Rc::clone(this)),
        }))
    }

    fn set_attribute(&self, _name: &str, _value: Value) -> Result<bool> {
        Ok(true)
    }

    fn call(
        &self,
        this: &Rc<dyn NativeObject>,
        _interpreter: &mut Interpreter,
        _args: Args,
    ) -> Option<Result<Value>> {
        Some(Ok(Value::Native(Rc::clone(this))))
    }

    fn iterate(&self, _interpreter: &mut Interpreter) -> Option<Result<Vec<Value>>> {
        Some(Ok(Vec::new()))
    }

    fn get_item(&self, _index: &Value) -> Option<Result<Value>> {
        Some(Ok(stand_in("Axes")))
    }

    fn set_item(&self, _index: &Value, _value: Value) -> Option<Result<()>> {
        Some(Ok(()))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `plt.subplots(...)`: a figure and its axes.
struct Subplots;

impl NativeObject for Subplots {
    fn type_name(&self) -> String {
        "function".to_owned()
    }

    fn call(
        &self,
        _this: &Rc<dyn NativeObject>,
        _interpreter: &mut Interpreter,
        _args: Args,
    ) -> Option<Result<Value>> {
        Some(Ok(Value::tuple(vec![stand_in("Figure"), stand_in("Axes")])))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn stand_in(name: &'static str) -> Value {
    Value::Native(Rc::new(StandIn { name }))
}

const NOTE: &str = "[Dojo] plots are not drawn: matplotlib and IPython.display calls do nothing here (Dojo charts the training curves itself)\n";

/// Prints [`NOTE`] the first time a plotting module is imported in a run.
fn note_once(interpreter: &mut Interpreter) {
    if interpreter.import("__dojo_plots_noted").is_err() {
        interpreter.register_module("__dojo_plots_noted", |_| Ok(Value::None));
        interpreter.print(NOTE);
    }
}

pub(super) fn matplotlib(interpreter: &mut Interpreter) -> Result<Value> {
    note_once(interpreter);
    Ok(Value::Module(ModuleObject::new(
        "matplotlib",
        vec![
            ("pyplot", stand_in("matplotlib.pyplot")),
            ("use", stand_in("matplotlib.use")),
            ("rcParams", stand_in("matplotlib.rcParams")),
            ("image", stand_in("matplotlib.image")),
            ("ticker", stand_in("matplotlib.ticker")),
        ],
    )))
}

pub(super) fn pyplot(interpreter: &mut Interpreter) -> Result<Value> {
    note_once(interpreter);
    Ok(stand_in("matplotlib.pyplot"))
}

pub(super) fn ipython(interpreter: &mut Interpreter) -> Result<Value> {
    note_once(interpreter);
    Ok(Value::Module(ModuleObject::new(
        "IPython",
        vec![("display", stand_in("IPython.display"))],
    )))
}

pub(super) fn ipython_display(interpreter: &mut Interpreter) -> Result<Value> {
    note_once(interpreter);
    Ok(Value::Module(ModuleObject::new(
        "IPython.display",
        vec![
            ("display", stand_in("IPython.display.display")),
            ("clear_output", stand_in("IPython.display.clear_output")),
            ("Image", stand_in("IPython.display.Image")),
            ("HTML", stand_in("IPython.display.HTML")),
        ],
    )))
}
