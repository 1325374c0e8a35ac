//! Running a user's program, optionally against a task's data.
//!
//! A program runs in Dojo's interpreter with the standard modules, numpy
//! and TensorFlow, and a virtual file system holding only the task's
//! visible files and the public URLs that resolve to them (see
//! [`crate::taskdata`]). With a task, the program is imported the way the
//! exam's grader imported it (`__name__` is `"solution"`, so an
//! `if __name__ == '__main__':` block does not run) and then its
//! `solution_model()` is called; the model it returns is the one trained,
//! summarised and later graded. Without a task it runs as a plain script.

use std::rc::Rc;

use dojo_lang::vfs::VirtualFs;
use dojo_lang::{Args, Interpreter, SourceFile, Value};
use dojo_tf::TrainingContext;

pub use dojo_tf::RunOptions;

use crate::taskdata::TaskData;
use crate::tasks::Task;

/// A problem in the program, located in its source.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProgramError {
    /// `SyntaxError`, `TypeError`, `NotSupportedInDojo`, …
    pub kind: String,
    pub message: String,
    pub help: Option<String>,
    /// 1-based line and column of the innermost location, if known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The full Python-style report (traceback or caret diagnostic).
    pub report: String,
}

/// What running a program produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The program ran to its end; with a task, `solution_model()` returned.
    Finished {
        /// The returned model's description (its `summary()` when it is a
        /// Keras model), if a task's `solution_model()` returned one.
        model_summary: Option<String>,
    },
    /// The program could not be parsed; every problem is listed.
    Invalid(Vec<ProgramError>),
    /// The program raised an exception or hit a limit.
    Failed(ProgramError),
}

/// The outcome and the interpreter's step count.
#[derive(Debug, Clone)]
pub struct Report {
    pub outcome: Outcome,
    pub steps: u64,
    /// The model `solution_model()` returned (always a Keras model; `None`
    /// without a task or when the run did not finish), for grading. It
    /// lives in the interpreter's thread, like every [`Value`].
    pub model: Option<Value>,
}

/// A fresh interpreter for the run `context` describes (Dojo's modules,
/// the session begun with its seed and device) and, if given, a task's data;
/// training reports to `context`.
pub fn interpreter_with(
    data: Option<&TaskData>,
    context: Rc<TrainingContext>,
    output: impl FnMut(&str) + 'static,
) -> Interpreter {
    let mut interpreter = dojo_tf::interpreter(context, output);
    let vfs = VirtualFs::new();
    if let Some(data) = data {
        for file in &data.files {
            vfs.add_read_only(&file.path, Rc::<[u8]>::from(&*file.bytes));
        }
        for (url, path) in &data.urls {
            if let Some(file) = data.file(path) {
                vfs.add_url(url, Rc::<[u8]>::from(&*file.bytes));
            }
        }
    }
    interpreter.set_vfs(vfs);
    interpreter
}

/// [`interpreter_with`] a context that follows `options` and ignores events.
pub fn interpreter(
    data: Option<&TaskData>,
    options: &RunOptions,
    output: impl FnMut(&str) + 'static,
) -> Interpreter {
    interpreter_with(data, TrainingContext::quiet(options.clone()), output)
}

fn syntax_errors(parsed: &dojo_lang::Parsed, file: &SourceFile) -> Vec<ProgramError> {
    parsed
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity == dojo_lang::Severity::Error)
        .map(|diagnostic| {
            let start = file.line_column(diagnostic.span.start);
            ProgramError {
                kind: diagnostic.kind.label().to_owned(),
                message: diagnostic.message.clone(),
                help: diagnostic.help.clone(),
                line: Some(start.line),
                column: Some(start.column),
                report: file.render(diagnostic),
            }
        })
        .collect()
}

fn exception_error(error: &dojo_lang::Exception, file: &SourceFile) -> ProgramError {
    let position = error.span().map(|span| file.line_column(span.start));
    ProgramError {
        kind: error.kind.clone(),
        message: error.message.clone(),
        help: error.help.clone(),
        line: position.map(|position| position.line),
        column: position.map(|position| position.column),
        report: error.render(file),
    }
}

/// Parses and runs `source` (named `file_name` in reports) in `interpreter`.
pub fn run(
    interpreter: &mut Interpreter,
    file_name: &str,
    source: &str,
    task: Option<&Task>,
) -> Report {
    let parsed = dojo_lang::parse(source);
    let file = SourceFile::new(file_name, source);
    if !parsed.is_runnable() {
        return Report {
            outcome: Outcome::Invalid(syntax_errors(&parsed, &file)),
            steps: 0,
            model: None,
        };
    }
    let result = match task {
        None => interpreter.run(&parsed.module).map(|()| None),
        Some(task) => interpreter
            .run_as(&parsed.module, "solution")
            .and_then(|()| call_solution_model(interpreter, task)),
    };
    let (outcome, model) = match result {
        Ok(returned) => (
            Outcome::Finished {
                model_summary: returned.as_ref().map(describe),
            },
            returned,
        ),
        Err(error) => (Outcome::Failed(exception_error(&error, &file)), None),
    };
    Report {
        outcome,
        steps: interpreter.steps(),
        model,
    }
}

/// Calls the program's `solution_model()` as the grader does; it must
/// return a Keras model.
fn call_solution_model(
    interpreter: &mut Interpreter,
    task: &Task,
) -> dojo_lang::error::Result<Option<Value>> {
    // Practice sets in the exam's layout (Dicoding's, for one) name the
    // entry `solution_A1()` and so on: a lone `solution_*` function without
    // parameters is called in its place, and the console says so.
    let entry = match interpreter.global("solution_model") {
        Some(function) => Some(("solution_model".to_owned(), function)),
        None => lone_solution_function(interpreter).inspect(|(name, _)| {
            interpreter.print(&format!(
                "[Dojo] this program has no solution_model(); calling {name}() as the exam's grader would call solution_model()\n"
            ));
        }),
    };
    let Some((entry_name, function)) = entry else {
        let error = dojo_lang::Exception::new(
            "NameError",
            format!(
                "the {} task calls solution_model(), but this program does not define it",
                task.id
            ),
        );
        let functions: Vec<String> = interpreter
            .global_names()
            .into_iter()
            .filter(|name| matches!(interpreter.global(name), Some(Value::Function(_))))
            .collect();
        let help = match functions.iter().find(|name| name.contains("solution")) {
            Some(name) => format!("rename `def {name}():` to `def solution_model():`"),
            None => "define `def solution_model():` that builds, trains and returns the model"
                .to_owned(),
        };
        return Err(error.with_help(help));
    };
    let returned = interpreter.call(&function, Args::new(Vec::new()))?;
    if dojo_tf::PyModel::of(&returned).is_none() {
        let mut error = dojo_lang::Exception::new(
            "TypeError",
            format!(
                "{entry_name}() must return the Keras model, but it returned {}",
                match &returned {
                    Value::None => "None".to_owned(),
                    other => format!("a value of type {}", other.type_name()),
                }
            ),
        )
        .with_help(format!("end {entry_name}() with `return model`"));
        if let Value::Function(function) = &function {
            error.traceback.push(dojo_lang::error::TraceFrame {
                function: entry_name.clone(),
                span: function.definition.span,
            });
        }
        return Err(error);
    }
    Ok(Some(returned))
}

/// The program's only top-level function named `solution_<something>`
/// that takes no arguments, if there is exactly one.
fn lone_solution_function(interpreter: &Interpreter) -> Option<(String, Value)> {
    let mut found = interpreter.global_names().into_iter().filter_map(|name| {
        let value = interpreter.global(&name)?;
        let Value::Function(function) = &value else {
            return None;
        };
        (name.starts_with("solution_") && function.definition.parameters.positional.is_empty())
            .then_some((name, value))
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// A returned value as the run report shows it: a model's summary, or its repr.
fn describe(value: &Value) -> String {
    dojo_tf::model_summary(value).unwrap_or_else(|| value.repr())
}
