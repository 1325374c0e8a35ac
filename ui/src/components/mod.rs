//! Reusable view pieces.

pub mod chart;
pub mod countdown_clock;
pub mod editor;
pub mod preview;
pub mod progress_bar;
pub mod score_card;
