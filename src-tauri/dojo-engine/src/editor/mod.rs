//! The editor's completions, signature help and hover, from the engine's
//! own module tree: the names offered are exactly those Dojo's interpreter
//! provides, so the editor never offers a name that fails when run.
//!
//! How a request is answered: the text before the cursor is scanned
//! (`source`), never parsed, because the code being typed is rarely valid
//! Python. The dotted name at the cursor (`tf.keras.layers.De`) has its
//! first name resolved through the file's imports (`import tensorflow as
//! tf`, `from tensorflow.keras.layers import Dense as D`, …), then each
//! attribute is looked up on the real module values of an interpreter that
//! holds the standard modules and the `tensorflow` / `keras` tree
//! ([`dojo_tf::module_tree`]) and runs no user code. A module lists what its
//! attributes are ([`dojo_lang::Interpreter::attribute_names`]; native
//! namespaces such as `tf.keras.layers` and `tf.data.Dataset` through
//! `NativeObject::attribute_names`), and each listed name is kept only if
//! looking it up succeeds. Signatures and one-line descriptions come from
//! tables: Keras's in [`dojo_keras::signatures`], the rest in
//! `signatures.rs`; a name without an entry shows `name(...)` or its kind.
//!
//! Invariants: no input panics (positions out of range, any text); user
//! code is never run, only imported modules are looked at; the interpreter
//! begins no Keras session and no memory count, so a run on another thread
//! is not disturbed. One interpreter is kept per thread and reused.

mod signatures;
mod source;

use std::cell::RefCell;

use dojo_keras::signatures::Signature;
use dojo_lang::syntax::Span;
use dojo_lang::{Interpreter, Value};
use dojo_protocol::{CompletionItem, HoverInfo, ParameterInfo, SignatureHelp, SymbolKind};

use source::{Binding, LocalKind};

pub use signatures::tabulated as tabulated_signatures;

/// What the editor may offer at the cursor: the members of the dotted name
/// before it (`tf.keras.layers.` lists every layer), the modules after
/// `import`, the names of a module after `from … import`, and otherwise
/// the file's own names, the built-ins and the keywords. The editor
/// filters by the partial name typed; sorted by label.
pub fn complete(code: &str, line: u32, column: u32) -> Vec<CompletionItem> {
    let Some(offset) = source::cursor_offset(code, line, column) else {
        return Vec::new();
    };
    let prefix = code.get(..offset).unwrap_or_default();
    if source::scan(prefix).in_string_or_comment {
        return Vec::new();
    }
    let line_prefix = prefix.rsplit('\n').next().unwrap_or_default();
    let mut items = match import_context(line_prefix) {
        Some(ImportContext::Module(partial)) => with_tree(|tree| module_items(tree, &partial)),
        Some(ImportContext::Names(module)) => with_tree(|tree| {
            tree.import(&module)
                .ok()
                .map(|value| member_items(tree, &value, &split_path(&module)))
                .unwrap_or_default()
        }),
        Some(ImportContext::Nothing) => Vec::new(),
        None => match source::chain_before(prefix) {
            None => Vec::new(),
            Some(parts) if parts.len() == 1 => {
                let cursor_line = usize::try_from(line.saturating_sub(1)).unwrap_or(0);
                plain_name_items(code, cursor_line, line_prefix)
            }
            Some(parts) => {
                let base = &parts[..parts.len() - 1];
                let bindings = source::imports(code);
                with_tree(|tree| match resolve(tree, &bindings, base) {
                    Some(found) => member_items(tree, &found.value, &found.path),
                    None if is_model_variable(tree, &bindings, code, base) => model_items(),
                    None => Vec::new(),
                })
            }
        },
    };
    items.sort_by(|a, b| a.label.cmp(&b.label));
    items.dedup_by(|a, b| a.label == b.label);
    items
}

/// The signature of the call whose parentheses hold the cursor, with the
/// argument being written: the count of top-level commas, or the
/// parameter a `name=` names.
pub fn signature_help(code: &str, line: u32, column: u32) -> Option<SignatureHelp> {
    let offset = source::cursor_offset(code, line, column)?;
    let prefix = code.get(..offset)?;
    let scan = source::scan(prefix);
    if scan.in_string_or_comment {
        return None;
    }
    let frame = scan.frames.last().filter(|frame| frame.open == '(')?;
    let callee: Vec<String> = frame
        .callee
        .as_ref()?
        .split('.')
        .map(str::to_owned)
        .collect();
    let bindings = source::imports(code);
    let resolved = with_tree(|tree| match resolve(tree, &bindings, &callee) {
        Some(found) => Some(signatures::lookup(&found.path)),
        // `model.fit(` on a model the file made.
        None => match callee.as_slice() {
            [_, method] if is_model_variable(tree, &bindings, code, &callee[..1]) => {
                Some(signatures::model_member(method).and_then(|member| member.method.as_ref()))
            }
            _ => None,
        },
    });
    let (label_name, params, documentation) = match resolved {
        Some(signature) => {
            let signature = signature?;
            (
                signature.name.to_owned(),
                table_params(signature),
                Some(signature.doc.to_owned()),
            )
        }
        None => {
            // A function the file defines.
            let [name] = callee.as_slice() else {
                return None;
            };
            let cursor_line = usize::try_from(line.saturating_sub(1)).unwrap_or(0);
            let locals = source::locals(code, cursor_line, "");
            let function = locals.functions.into_iter().rfind(|f| &f.name == name)?;
            (function.name, function.params, None)
        }
    };
    let parameters: Vec<ParameterInfo> = params
        .into_iter()
        .map(|(name, default)| ParameterInfo {
            label: match &default {
                Some(default) => format!("{name}={default}"),
                None => name.clone(),
            },
            name,
            default,
        })
        .collect();
    let label = format!(
        "{label_name}({})",
        parameters
            .iter()
            .map(|parameter| parameter.label.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let bare = |parameter: &ParameterInfo| parameter.name.trim_start_matches('*').to_owned();
    let active = match &frame.keyword {
        Some(keyword) => parameters
            .iter()
            .position(|parameter| bare(parameter) == *keyword)
            .unwrap_or(parameters.len()),
        None if frame.used_keywords.is_empty() => {
            usize::try_from(frame.commas).unwrap_or(usize::MAX)
        }
        // After keyword arguments, the next parameter not given yet.
        None => {
            let positional = usize::try_from(frame.commas)
                .unwrap_or(usize::MAX)
                .saturating_sub(frame.used_keywords.len());
            parameters
                .iter()
                .enumerate()
                .skip(positional)
                .find(|(_, parameter)| !frame.used_keywords.contains(&bare(parameter)))
                .map_or(parameters.len(), |(index, _)| index)
        }
    };
    Some(SignatureHelp {
        label,
        documentation,
        parameters,
        active_parameter: u32::try_from(active).unwrap_or(u32::MAX),
    })
}

/// The dotted name under the cursor: its signature (or its kind and full
/// name) and its one-line description.
pub fn hover(code: &str, line: u32, column: u32) -> Option<HoverInfo> {
    let offset = source::cursor_offset(code, line, column)?;
    let prefix = code.get(..offset)?;
    if source::scan(prefix).in_string_or_comment {
        return None;
    }
    // The rest of the word the cursor is in.
    let rest = code.get(offset..)?;
    let end = rest
        .char_indices()
        .find(|(_, c)| !source::is_identifier_char(*c))
        .map_or(rest.len(), |(index, _)| index);
    let word_end = code.get(..offset + end)?;
    let parts = source::chain_before(word_end)?;
    if parts.iter().any(String::is_empty) {
        return None;
    }
    let bindings = source::imports(code);
    with_tree(|tree| {
        let Some(found) = resolve(tree, &bindings, &parts) else {
            if let [_, member] = parts.as_slice()
                && is_model_variable(tree, &bindings, code, &parts[..1])
            {
                let member = signatures::model_member(member)?;
                return Some(HoverInfo {
                    signature: member
                        .method
                        .as_ref()
                        .map_or_else(|| member.name.to_owned(), signature_label),
                    documentation: Some(member.doc.to_owned()),
                });
            }
            let [name] = parts.as_slice() else {
                return None;
            };
            return tree.builtin_names().contains(name).then(|| HoverInfo {
                signature: format!("{name}(...)"),
                documentation: Some("built-in".to_owned()),
            });
        };
        let name = found.path.last()?.clone();
        Some(match signatures::lookup(&found.path) {
            Some(signature) => HoverInfo {
                signature: signature_label(signature),
                documentation: Some(signature.doc.to_owned()),
            },
            None => HoverInfo {
                signature: plain_detail(&found.value, &name, &found.path, false),
                documentation: None,
            },
        })
    })
}

thread_local! {
    static TREE: RefCell<Option<Interpreter>> = const { RefCell::new(None) };
}

/// Runs `body` with this thread's module-tree interpreter.
fn with_tree<R>(body: impl FnOnce(&mut Interpreter) -> R) -> R {
    TREE.with(|cell| match cell.try_borrow_mut() {
        Ok(mut slot) => body(slot.get_or_insert_with(dojo_tf::module_tree)),
        // Re-entered (never expected): a fresh tree for this call.
        Err(_) => body(&mut dojo_tf::module_tree()),
    })
}

/// A name resolved to its value and full dotted name, module first.
struct Resolved {
    path: Vec<String>,
    value: Value,
}

fn split_path(dotted: &str) -> Vec<String> {
    dotted.split('.').map(str::to_owned).collect()
}

/// `parts` (`["tf", "keras", "layers"]`) through the file's imports and the
/// module tree. `None` when the first name is not imported or an attribute
/// does not exist.
fn resolve(
    tree: &mut Interpreter,
    bindings: &std::collections::HashMap<String, Binding>,
    parts: &[String],
) -> Option<Resolved> {
    let (first, rest) = parts.split_first()?;
    let (mut path, mut value) = match bindings.get(first)? {
        Binding::Module(module) => (split_path(module), tree.import(module).ok()?),
        Binding::Member { module, name } => {
            let parent = tree.import(module).ok()?;
            let value = match tree.get_attribute(&parent, name, Span::default()) {
                Ok(value) => value,
                Err(_) => tree.import(&format!("{module}.{name}")).ok()?,
            };
            let mut path = split_path(module);
            path.push(name.clone());
            (path, value)
        }
    };
    for name in rest {
        if !source::is_name(name) {
            return None;
        }
        value = tree.get_attribute(&value, name, Span::default()).ok()?;
        path.push(name.clone());
    }
    Some(Resolved { path, value })
}

/// Whether `base` is one name that the file's latest `name = …(…)` makes a
/// Keras model with (`model = tf.keras.Sequential([...])`,
/// `net = Model(inputs, outputs)` after `from keras import Model`).
fn is_model_variable(
    tree: &mut Interpreter,
    bindings: &std::collections::HashMap<String, Binding>,
    code: &str,
    base: &[String],
) -> bool {
    let [name] = base else {
        return false;
    };
    let Some((_, callee)) = source::assigned_calls(code)
        .into_iter()
        .rfind(|(target, _)| target == name)
    else {
        return false;
    };
    resolve(tree, bindings, &split_path(&callee)).is_some_and(|found| {
        found.path.iter().any(|part| part == "keras")
            && matches!(
                found.path.last().map(String::as_str),
                Some("Sequential" | "Model")
            )
    })
}

/// The members of a Keras model, as the file's model variable offers them.
fn model_items() -> Vec<CompletionItem> {
    signatures::MODEL_MEMBERS
        .iter()
        .map(|member| CompletionItem {
            label: member.name.to_owned(),
            kind: if member.method.is_some() {
                SymbolKind::Method
            } else {
                SymbolKind::Variable
            },
            detail: Some(
                member
                    .method
                    .as_ref()
                    .map_or_else(|| member.name.to_owned(), signature_label),
            ),
            documentation: Some(member.doc.to_owned()),
        })
        .collect()
}

/// The members of `value` (a module, namespace or class) at `path`: the
/// names it lists that look up without an error, private names left out.
fn member_items(tree: &mut Interpreter, value: &Value, path: &[String]) -> Vec<CompletionItem> {
    let is_class = is_class(value);
    let mut names = tree.attribute_names(value);
    names.retain(|name| !name.starts_with('_') || name == "__version__");
    names.sort_unstable();
    names.dedup();
    let mut items = Vec::new();
    for name in names {
        let Ok(member) = tree.get_attribute(value, &name, Span::default()) else {
            continue;
        };
        let mut member_path = path.to_vec();
        member_path.push(name.clone());
        let kind = kind_of(&member, &name, is_class);
        let (detail, documentation) = match signatures::lookup(&member_path) {
            Some(signature) => (signature_label(signature), Some(signature.doc.to_owned())),
            None => (plain_detail(&member, &name, &member_path, is_class), None),
        };
        items.push(CompletionItem {
            label: name,
            kind,
            detail: Some(detail),
            documentation,
        });
    }
    items
}

fn is_class(value: &Value) -> bool {
    match value {
        Value::Class(_) => true,
        Value::Native(native) => native.type_name() == "type",
        _ => false,
    }
}

fn is_module(value: &Value) -> bool {
    match value {
        Value::Module(_) => true,
        Value::Native(native) => native.type_name() == "module",
        _ => false,
    }
}

fn kind_of(value: &Value, name: &str, member_of_class: bool) -> SymbolKind {
    match value {
        _ if is_module(value) => SymbolKind::Module,
        _ if is_class(value) => SymbolKind::Class,
        Value::Builtin(_) | Value::Function(_) | Value::BoundMethod(_) => {
            if member_of_class {
                SymbolKind::Method
            } else if name.starts_with(|c: char| c.is_uppercase()) {
                // Keras's classes are constructors here.
                SymbolKind::Class
            } else {
                SymbolKind::Function
            }
        }
        Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_) => {
            SymbolKind::Constant
        }
        Value::Native(native) if native.type_name() == "dtype" => SymbolKind::Constant,
        _ => SymbolKind::Variable,
    }
}

/// The detail of a name without a tabulated signature: `name(...)` for a
/// callable, else its kind (and full name for a module).
fn plain_detail(value: &Value, name: &str, path: &[String], member_of_class: bool) -> String {
    match kind_of(value, name, member_of_class) {
        SymbolKind::Module => format!("module {}", path.join(".")),
        SymbolKind::Class | SymbolKind::Function | SymbolKind::Method => format!("{name}(...)"),
        SymbolKind::Constant => {
            let repr = value.repr();
            if repr.chars().count() <= 40 {
                format!("{name} = {repr}")
            } else {
                format!("{name}: {}", value.type_name())
            }
        }
        _ => format!("{name}: {}", value.type_name()),
    }
}

fn table_params(signature: &Signature) -> Vec<(String, Option<String>)> {
    signature
        .params
        .iter()
        .map(|param| (param.name.to_owned(), param.default.map(str::to_owned)))
        .collect()
}

/// `Dense(units, activation=None, ...)`: every tabulated parameter.
fn signature_label(signature: &Signature) -> String {
    let params: Vec<String> = signature
        .params
        .iter()
        .map(|param| match param.default {
            Some(default) => format!("{}={default}", param.name),
            None => param.name.to_owned(),
        })
        .collect();
    format!("{}({})", signature.name, params.join(", "))
}

/// Where on an import line the cursor is.
enum ImportContext {
    /// `import tensorflow.ke`, `from nu`: the dotted module name typed so far.
    Module(String),
    /// `from tensorflow.keras.layers import De`: the module's names.
    Names(String),
    /// `import numpy as n`: a new name, nothing to offer.
    Nothing,
}

fn import_context(line_prefix: &str) -> Option<ImportContext> {
    let text = line_prefix.trim_start();
    if let Some(rest) = text.strip_prefix("import ") {
        let last = rest.rsplit(',').next().unwrap_or_default().trim_start();
        return Some(if last.contains(' ') {
            ImportContext::Nothing
        } else {
            ImportContext::Module(last.to_owned())
        });
    }
    let rest = text.strip_prefix("from ")?;
    let Some((module, names)) = rest.split_once(" import") else {
        return Some(if rest.contains(' ') {
            ImportContext::Nothing
        } else {
            ImportContext::Module(rest.to_owned())
        });
    };
    if !names.starts_with([' ', '(']) {
        return Some(ImportContext::Nothing);
    }
    let last = names.rsplit(',').next().unwrap_or_default();
    let last = last.trim_start().trim_start_matches('(').trim_start();
    Some(if last.contains(' ') {
        ImportContext::Nothing
    } else {
        ImportContext::Names(module.trim().to_owned())
    })
}

/// The next segment of every importable module under the typed prefix
/// (`tensorflow.ke` offers `keras`; `nu` every top-level module).
fn module_items(tree: &mut Interpreter, partial: &str) -> Vec<CompletionItem> {
    let base = match partial.rsplit_once('.') {
        Some((base, _)) => format!("{base}."),
        None => String::new(),
    };
    let mut items: Vec<CompletionItem> = Vec::new();
    for module in tree.module_names() {
        let Some(rest) = module.strip_prefix(&base) else {
            continue;
        };
        let segment = rest.split('.').next().unwrap_or(rest);
        let full = format!("{base}{segment}");
        // Stand-ins that fail at import (`keras.applications.vgg16`) are not offered.
        if segment.is_empty()
            || items.iter().any(|item| item.label == segment)
            || tree.import(&full).is_err()
        {
            continue;
        }
        items.push(CompletionItem {
            label: segment.to_owned(),
            kind: SymbolKind::Module,
            detail: Some(format!("module {full}")),
            documentation: None,
        });
    }
    items
}

/// With no dot before the cursor: the file's names visible there, the
/// built-ins and the keywords.
fn plain_name_items(code: &str, cursor_line: usize, line_prefix: &str) -> Vec<CompletionItem> {
    let locals = source::locals(code, cursor_line, line_prefix);
    let bindings = source::imports(code);
    let mut items = Vec::new();
    with_tree(|tree| {
        for local in &locals.visible {
            let (kind, detail) = match local.kind {
                LocalKind::Function => (
                    SymbolKind::Function,
                    locals
                        .functions
                        .iter()
                        .rfind(|function| function.name == local.name)
                        .map(|function| {
                            let params: Vec<String> = function
                                .params
                                .iter()
                                .map(|(name, default)| match default {
                                    Some(default) => format!("{name}={default}"),
                                    None => name.clone(),
                                })
                                .collect();
                            format!("def {}({})", function.name, params.join(", "))
                        }),
                ),
                LocalKind::Class => (SymbolKind::Class, Some(format!("class {}", local.name))),
                LocalKind::Variable => (SymbolKind::Variable, None),
                LocalKind::Import => {
                    match resolve(tree, &bindings, std::slice::from_ref(&local.name)) {
                        Some(found) => (
                            kind_of(&found.value, &local.name, false),
                            Some(match signatures::lookup(&found.path) {
                                Some(signature) => signature_label(signature),
                                None => plain_detail(&found.value, &local.name, &found.path, false),
                            }),
                        ),
                        // An import of a module Dojo does not provide.
                        None => continue,
                    }
                }
            };
            items.push(CompletionItem {
                label: local.name.clone(),
                kind,
                detail,
                documentation: None,
            });
        }
        for name in tree.builtin_names() {
            let kind = if name.starts_with(|c: char| c.is_uppercase()) {
                SymbolKind::Class
            } else {
                SymbolKind::Function
            };
            items.push(CompletionItem {
                detail: Some(format!("{name}(...)")),
                label: name,
                kind,
                documentation: Some("built-in".to_owned()),
            });
        }
    });
    for keyword in source::KEYWORDS {
        items.push(CompletionItem {
            label: (*keyword).to_owned(),
            kind: SymbolKind::Keyword,
            detail: None,
            documentation: None,
        });
    }
    items
}
