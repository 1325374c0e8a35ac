//! The code editor: a transparent `<textarea>` over a syntax-highlighted
//! `<pre>`, scroll-synced, with a line-number gutter. Diagnostics are
//! underlined in the highlight; hovering their line shows the message.
//!
//! Invariant: the textarea and the `<pre>` share font, line height and
//! padding (see `style.css`, `.editor`), so the layers line up.

use dojo_protocol::CodeDiagnostic;
use leptos::html::{Div, Pre, Textarea};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlDocument, KeyboardEvent, MouseEvent};

use crate::highlight;
use crate::indent::{self, Edit};

/// Must match `.editor` in `style.css`.
const LINE_HEIGHT_PX: f64 = 20.0;
const PADDING_PX: f64 = 8.0;

#[component]
pub fn Editor(
    /// The code; the editor writes every edit back.
    code: RwSignal<String>,
    /// Problems to underline.
    #[prop(into)]
    diagnostics: Signal<Vec<CodeDiagnostic>>,
    /// Ctrl/Cmd+Enter.
    on_run: Callback<()>,
    /// Where the parent asks the caret to go (a 1-based line).
    #[prop(into)]
    goto_line: Signal<Option<u32>>,
) -> impl IntoView {
    let textarea = NodeRef::<Textarea>::new();
    let pre = NodeRef::<Pre>::new();
    let gutter = NodeRef::<Div>::new();
    let hover_line = RwSignal::new(None::<u32>);

    // The textarea is written only when the code changed elsewhere (reset,
    // restore), so typing never moves the caret.
    Effect::new(move |_| {
        let value = code.get();
        if let Some(element) = textarea.get()
            && element.value() != value
        {
            element.set_value(&value);
        }
    });
    Effect::new(move |_| {
        let Some(line) = goto_line.get() else {
            return;
        };
        if let Some(element) = textarea.get_untracked() {
            let at = code.with_untracked(|text| indent::line_offset(text, line));
            let _ = element.focus();
            let _ = element.set_selection_range(at, at);
            let top = (f64::from(line.saturating_sub(3)) * LINE_HEIGHT_PX) as i32;
            element.set_scroll_top(top);
        }
    });

    let marks = Memo::new(move |_| {
        diagnostics.with(|diagnostics| code.with(|text| highlight::marks(text, diagnostics)))
    });
    let highlighted = move || {
        code.with(|text| {
            marks.with(|marks| highlight::to_html(text, &highlight::tokenize(text), marks))
        })
    };
    let numbers = move || code.with(|text| marks.with(|marks| highlight::gutter_html(text, marks)));
    let hover_title = move || {
        let line = hover_line.get()?;
        let messages: Vec<String> = diagnostics.with(|diagnostics| {
            diagnostics
                .iter()
                .filter(|diagnostic| diagnostic.line == Some(line))
                .map(|diagnostic| format!("{}: {}", diagnostic.kind, diagnostic.message))
                .collect()
        });
        (!messages.is_empty()).then(|| messages.join("\n"))
    };

    let sync_scroll = move || {
        let Some(element) = textarea.get_untracked() else {
            return;
        };
        if let Some(layer) = pre.get_untracked() {
            layer.set_scroll_top(element.scroll_top());
            layer.set_scroll_left(element.scroll_left());
        }
        if let Some(numbers) = gutter.get_untracked() {
            numbers.set_scroll_top(element.scroll_top());
        }
    };
    let on_input = move |_| {
        if let Some(element) = textarea.get_untracked() {
            code.set(element.value());
        }
        sync_scroll();
    };
    let on_keydown = move |event: KeyboardEvent| {
        let Some(element) = textarea.get_untracked() else {
            return;
        };
        let key = event.key();
        let modifier = event.ctrl_key() || event.meta_key();
        if key == "Enter" && modifier {
            event.prevent_default();
            on_run.run(());
            return;
        }
        let (Ok(Some(start)), Ok(Some(end))) = (element.selection_start(), element.selection_end())
        else {
            return;
        };
        // WebKitGTK reports Shift+Tab as key "Unidentified" (ISO_Left_Tab);
        // its code and key code still say Tab.
        let tab = key == "Tab" || event.code() == "Tab" || event.key_code() == 9;
        let plain = !modifier && !event.alt_key();
        let edit = code.with_untracked(|text| {
            if tab && plain && event.shift_key() {
                Some(indent::outdent(text, start, end))
            } else if tab && plain {
                Some(indent::indent(text, start, end))
            } else if key == "Enter" && plain && !event.shift_key() {
                Some(indent::newline(text, start, end))
            } else {
                None
            }
        });
        if let Some(edit) = edit {
            event.prevent_default();
            apply(&element, &edit);
            code.set(element.value());
            sync_scroll();
        }
    };
    let on_mousemove = move |event: MouseEvent| {
        let scroll = textarea
            .get_untracked()
            .map_or(0.0, |element| f64::from(element.scroll_top()));
        let y = f64::from(event.offset_y()) + scroll - PADDING_PX;
        let line = (y / LINE_HEIGHT_PX).floor();
        let line = (line >= 0.0).then(|| line as u32 + 1);
        if hover_line.get_untracked() != line {
            hover_line.set(line);
        }
    };

    view! {
        <div class="editor">
            <div class="gutter" node_ref=gutter inner_html=numbers></div>
            <div class="layers">
                <pre id="editor-highlight" aria-hidden="true" node_ref=pre inner_html=highlighted></pre>
                <textarea
                    id="editor"
                    node_ref=textarea
                    spellcheck="false"
                    autocapitalize="off"
                    autocomplete="off"
                    wrap="off"
                    title=hover_title
                    on:input=on_input
                    on:scroll=move |_| sync_scroll()
                    on:keydown=on_keydown
                    on:mousemove=on_mousemove
                    on:mouseleave=move |_| hover_line.set(None)
                ></textarea>
            </div>
        </div>
    }
}

/// Applies an edit as one undoable insertion where the browser allows it,
/// then selects what the edit says.
fn apply(element: &web_sys::HtmlTextAreaElement, edit: &Edit) {
    let _ = element.set_selection_range(edit.from, edit.to);
    let inserted = element
        .owner_document()
        .and_then(|document| document.dyn_into::<HtmlDocument>().ok())
        .and_then(|document| {
            document
                .exec_command_with_show_ui_and_value("insertText", false, &edit.insert)
                .ok()
        })
        .unwrap_or(false);
    if !inserted {
        let _ = element.set_range_text_with_start_and_end(&edit.insert, edit.from, edit.to);
    }
    let _ = element.set_selection_range(edit.select_start, edit.select_end);
}
