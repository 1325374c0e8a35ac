//! Dojo's user interface, rendered client-side by Leptos in the Tauri web view.
//!
//! Invariant: the UI holds no business logic. It shows what the backend
//! returns and sends what the user asks for; every backend call goes through
//! [`api`], typed with `dojo_protocol`. View-independent state lives in
//! [`progress`], plain Rust that is unit-tested natively.

mod api;
mod app;
mod components;
mod countdown;
mod curves;
mod highlight;
mod indent;
mod pages;
mod progress;
mod training;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
