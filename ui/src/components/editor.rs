//! The code editor: Monaco, the editor of VS Code (see `ui/editor-bridge.js`
//! and [`monaco`](crate::monaco)), with Dojo's diagnostics as markers and
//! completions, signature help and hovers from the engine's module tree.
//!
//! Invariant: `code` and the editor's text agree. Typing writes `code`;
//! a change of `code` from elsewhere (reset, restore, reopen) is applied to
//! the editor as one undoable edit, so the caret never moves while typing
//! and "Reset to starter" can be undone.

use dojo_protocol::CodeDiagnostic;
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;

use crate::api;
use crate::markers;
use crate::monaco::{self, Handle, Hooks};

/// A place in the code: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: u32,
    pub column: u32,
}

#[component]
pub fn Editor(
    /// The code; the editor writes every edit back.
    code: RwSignal<String>,
    /// Problems to mark.
    #[prop(into)]
    diagnostics: Signal<Vec<CodeDiagnostic>>,
    /// Ctrl/Cmd+Enter.
    on_run: Callback<()>,
    /// Where the parent asks the caret to go.
    #[prop(into)]
    goto: Signal<Option<Location>>,
) -> impl IntoView {
    let container = NodeRef::<Div>::new();
    let handle = StoredValue::new_local(None::<Handle>);
    let hooks = StoredValue::new_local(None::<Hooks>);
    let ready = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let shown_markers = StoredValue::new(Vec::<markers::Marker>::new());

    container.on_load(move |element| {
        let new_hooks = Hooks {
            change: Closure::new(move |text: String| {
                if code.try_with_untracked(|current| *current != text) == Some(true) {
                    code.try_set(text);
                }
            }),
            run: Closure::new(move || on_run.run(())),
            complete: Closure::new(|text: String, line: u32, column: u32| {
                wasm_bindgen_futures::future_to_promise(async move {
                    let items = api::complete_code(&text, line, column)
                        .await
                        .unwrap_or_default();
                    to_js(&items)
                })
            }),
            signature: Closure::new(|text: String, line: u32, column: u32| {
                wasm_bindgen_futures::future_to_promise(async move {
                    let help = api::signature_help(&text, line, column)
                        .await
                        .ok()
                        .flatten();
                    to_js(&help)
                })
            }),
            hover: Closure::new(|text: String, line: u32, column: u32| {
                wasm_bindgen_futures::future_to_promise(async move {
                    let info = api::hover_code(&text, line, column).await.ok().flatten();
                    to_js(&info)
                })
            }),
        };
        spawn_local(async move {
            let text = code.get_untracked();
            match monaco::create(&element, &text, &new_hooks).await {
                Ok(editor) => {
                    // The workspace may have closed while Monaco loaded.
                    if let Some(Some(editor)) = handle.try_set_value(Some(editor)) {
                        editor.dispose();
                        return;
                    }
                    hooks.set_value(Some(new_hooks));
                    ready.set(true);
                }
                Err(error) => {
                    leptos::logging::error!("the code editor did not load: {error}");
                    failed.try_set(Some(error));
                }
            }
        });
    });
    on_cleanup(move || {
        if let Some(Some(editor)) = handle.try_update_value(Option::take) {
            editor.dispose();
        }
        // The closures go after the editor that calls them.
        hooks.try_update_value(Option::take);
    });

    // The code changed elsewhere (or while Monaco loaded).
    Effect::new(move |_| {
        let text = code.get();
        if !ready.get() {
            return;
        }
        handle.with_value(|editor| {
            if let Some(editor) = editor
                && editor.value() != text
            {
                editor.replace(&text);
            }
        });
    });
    Effect::new(move |_| {
        if !ready.get() {
            return;
        }
        let list =
            diagnostics.with(|diagnostics| code.with(|text| markers::markers(text, diagnostics)));
        // Most keystrokes change no marker: Monaco redraws only for a change.
        if shown_markers.with_value(|shown| *shown == list) {
            return;
        }
        handle.with_value(|editor| {
            if let (Some(editor), Ok(markers)) = (editor, to_js(&list)) {
                editor.set_markers(markers);
            }
        });
        shown_markers.set_value(list);
    });
    Effect::new(move |_| {
        let Some(place) = goto.get() else {
            return;
        };
        if !ready.get() {
            return;
        }
        handle.with_value(|editor| {
            if let Some(editor) = editor {
                editor.reveal(place.line, place.column);
            }
        });
    });

    view! {
        <div
            id="editor"
            class="editor"
            node_ref=container
            data-ready=move || ready.get().then_some("true")
        ></div>
        {move || failed.get().map(|error| view! {
            <p class="error">"The code editor did not load: " {error}</p>
        })}
    }
}

fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    serde_wasm_bindgen::to_value(value).map_err(JsValue::from)
}
