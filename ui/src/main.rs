//! Dojo's user interface, rendered client-side by Leptos in the Tauri web view.
//!
//! Invariant: the UI holds no business logic. It shows what the backend
//! returns and sends what the user asks for; every backend call goes through
//! [`api`], typed with `dojo_protocol`. View-independent logic is plain
//! Rust, unit-tested natively: [`progress`] (a device check),
//! [`training`] and [`curves`] (a training run and its charts), [`live`]
//! (the run in progress, for the header), [`history`] (stored runs and
//! their comparison), [`mock`] (the mock exam's clock and report layout),
//! [`highlight`] (read-only code views) and [`markers`] (the editor's
//! diagnostics), [`countdown`] and
//! [`statement`].

mod api;
mod app;
mod components;
mod countdown;
mod curves;
mod highlight;
mod history;
mod live;
mod local_time;
mod markers;
mod mock;
mod monaco;
mod pages;
mod progress;
mod statement;
mod training;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
