//! One module per screen.

pub mod about;
pub mod attempt;
pub mod history;
pub mod settings;
pub mod tasks;
pub mod workspace;
