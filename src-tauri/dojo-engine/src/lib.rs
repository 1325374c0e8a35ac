//! Dojo's training engine.
//!
//! Everything that decides what Dojo does lives here, free of any GUI or
//! storage: the task registry, the bundled datasets' credits, the compute
//! device, and background jobs that stream typed [`JobEvent`]s to a sink.
//! The Tauri app and the `dojo` CLI are thin shells over this crate.
//!
//! Invariants:
//! - No dependency on tauri, wry, webkit, rusqlite or leptos (checked in CI
//!   with `cargo tree`).
//! - Nothing derived from user input panics: errors are values.
//!
//! [`JobEvent`]: dojo_protocol::JobEvent

pub mod assets;
pub mod bench;
pub mod curves;
pub mod datasets;
pub mod device;
pub mod editor;
mod error;
pub mod figures;
pub mod grading;
pub mod jobs;
pub mod memory;
pub mod mock;
pub mod practice;
mod preview;
pub mod program;
pub mod taskdata;
pub mod tasks;

pub use error::{Error, Result};

/// The engine's version, shown on the Settings page and by `dojo --version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
