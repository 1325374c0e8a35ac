//! Reusable view pieces.

pub mod chart;
pub mod countdown_clock;
pub mod editor;
pub mod live_run;
pub mod mock_clock;
pub mod mock_report;
pub mod preview;
pub mod progress_bar;
pub mod score_card;
