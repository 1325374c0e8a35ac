//! Reusable view pieces.

pub mod progress_bar;
