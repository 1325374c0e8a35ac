//! One module per screen.

pub mod about;
pub mod settings;
pub mod tasks;
pub mod workspace;
