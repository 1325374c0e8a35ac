//! The typed binding to `ui/editor-bridge.js`, Dojo's wrapper of Monaco.
//! Only [`Editor`](crate::components::editor::Editor) uses it.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// An open Monaco editor.
    pub type Handle;

    #[wasm_bindgen(js_namespace = DojoEditor, js_name = create, catch)]
    async fn create_editor(
        container: &web_sys::HtmlElement,
        value: &str,
        hooks: &JsValue,
    ) -> Result<JsValue, JsValue>;

    /// The whole text.
    #[wasm_bindgen(method)]
    pub fn value(this: &Handle) -> String;

    /// Replaces the whole text as one undoable edit.
    #[wasm_bindgen(method)]
    pub fn replace(this: &Handle, text: &str);

    /// Replaces Dojo's markers (an array of [`Marker`](crate::markers::Marker)).
    #[wasm_bindgen(method, js_name = setMarkers)]
    pub fn set_markers(this: &Handle, markers: JsValue);

    /// Moves the caret to a 1-based line and UTF-16 column, scrolls it into
    /// the middle and focuses the editor.
    #[wasm_bindgen(method)]
    pub fn reveal(this: &Handle, line: u32, column: u32);

    #[wasm_bindgen(method)]
    pub fn dispose(this: &Handle);
}

/// What the editor asks of Dojo. Kept alive as long as the editor.
pub struct Hooks {
    pub change: Closure<dyn Fn(String)>,
    pub run: Closure<dyn Fn()>,
    /// `(text, line, column)` to a promise of completion items.
    pub complete: Closure<dyn Fn(String, u32, u32) -> js_sys::Promise>,
    /// `(text, line, column)` to a promise of a signature help or `undefined`.
    pub signature: Closure<dyn Fn(String, u32, u32) -> js_sys::Promise>,
    /// `(text, line, column)` to a promise of a hover or `undefined`.
    pub hover: Closure<dyn Fn(String, u32, u32) -> js_sys::Promise>,
}

impl Hooks {
    fn to_object(&self) -> Result<JsValue, JsValue> {
        let object = js_sys::Object::new();
        for (name, function) in [
            ("change", self.change.as_ref()),
            ("run", self.run.as_ref()),
            ("complete", self.complete.as_ref()),
            ("signature", self.signature.as_ref()),
            ("hover", self.hover.as_ref()),
        ] {
            js_sys::Reflect::set(&object, &JsValue::from_str(name), function)?;
        }
        Ok(object.into())
    }
}

/// Opens an editor in `container` (loading Monaco on first use).
pub async fn create(
    container: &web_sys::HtmlElement,
    value: &str,
    hooks: &Hooks,
) -> Result<Handle, String> {
    let hooks = hooks.to_object().map_err(describe)?;
    create_editor(container, value, &hooks)
        .await
        .map(JsCast::unchecked_into)
        .map_err(describe)
}

fn describe(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|error| String::from(error.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}
