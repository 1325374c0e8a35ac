//! The mock exam as the window shows it, independent of any view: the
//! clock counted down from the backend's `deadline - now`, the warnings at
//! 30 and 5 minutes, noticing that a mock ended, and the layout of the
//! report's timeline.
//!
//! The backend decides everything that counts (the deadline, the draw, the
//! scores and totals); this module only displays it. Local time is passed
//! in (milliseconds from any monotonic clock), so the logic is testable.

use dojo_protocol::{MockId, MockReport, MockState, MockStatus};

/// At or under this many milliseconds left the clock shows a warning.
pub const WARNING_MS: i64 = 30 * 60_000;
/// At or under this many milliseconds left the clock shows as urgent.
pub const URGENT_MS: i64 = 5 * 60_000;

/// `H:MM:SS` of a duration, rounded down to the second; never negative.
pub fn hms(ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    format!(
        "{}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// `H:MM` of a duration, rounded down to the minute; never negative.
pub fn hm(ms: i64) -> String {
    let minutes = ms.max(0) / 60_000;
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

/// The length of a mock in words: `5 h`, `1 h 30 min`, `45 min`.
pub fn length_label(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, rest) => format!("{rest} min"),
        (hours, 0) => format!("{hours} h"),
        (hours, rest) => format!("{hours} h {rest} min"),
    }
}

/// How pressing the time left is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Calm,
    /// 30 minutes or less.
    Warning,
    /// 5 minutes or less.
    Urgent,
}

impl Level {
    pub fn of(left_ms: i64) -> Level {
        if left_ms <= URGENT_MS {
            Level::Urgent
        } else if left_ms <= WARNING_MS {
            Level::Warning
        } else {
            Level::Calm
        }
    }

    /// The clock's CSS class and `data-level` (read by tests).
    pub fn label(self) -> &'static str {
        match self {
            Level::Calm => "calm",
            Level::Warning => "warning",
            Level::Urgent => "urgent",
        }
    }
}

/// The clock of the mock in progress, synced at each fetch of its state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MockClock {
    pub mock_id: MockId,
    /// `deadline - now` as the backend's clock said at the fetch.
    left_at_sync_ms: i64,
    /// The local clock at the fetch.
    synced_at: f64,
}

impl MockClock {
    /// The clock as of a state fetched at `local_now`.
    pub fn sync(state: &MockState, local_now: f64) -> MockClock {
        MockClock {
            mock_id: state.id,
            left_at_sync_ms: state.deadline - state.now,
            synced_at: local_now,
        }
    }

    /// Milliseconds left at `local_now`; never below zero.
    pub fn left_ms(&self, local_now: f64) -> i64 {
        let spent = (local_now - self.synced_at).max(0.0) as i64;
        (self.left_at_sync_ms - spent).max(0)
    }
}

/// The one-time messages of a mock: each threshold speaks once, and a
/// mock first seen under 5 minutes gets only the 5-minute message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Alerts {
    warned: bool,
    urged: bool,
}

impl Alerts {
    /// The message due at `left_ms`, if one has not been given yet.
    pub fn check(&mut self, left_ms: i64) -> Option<&'static str> {
        match Level::of(left_ms) {
            Level::Urgent if !self.urged => {
                self.urged = true;
                self.warned = true;
                Some("5 minutes left in the mock exam. Submit your best models now.")
            }
            Level::Warning if !self.warned => {
                self.warned = true;
                Some("30 minutes left in the mock exam.")
            }
            _ => None,
        }
    }
}

/// The mock that ended between two fetches: the one we had, when the
/// backend no longer reports it as the mock in progress (its deadline
/// passed, or it was ended elsewhere).
pub fn ended(previous: Option<MockId>, current: Option<&MockState>) -> Option<MockId> {
    let previous = previous?;
    match current {
        Some(state) if state.id == previous => None,
        _ => Some(previous),
    }
}

/// The key under which the window remembers that it showed a mock's
/// report. A mock's start and seed name it across databases (ids restart
/// at 1 in a fresh data directory; the window's storage does not).
pub fn seen_key(state: &MockState) -> String {
    format!("dojo.mock-report-shown.{}.{}", state.started_at, state.seed)
}

/// The mock whose report opens when the app starts: the newest one, if it
/// finished (by its deadline while the app was closed, say) and its report
/// was never shown in this window.
pub fn unseen_report(mocks: &[MockState], shown: impl Fn(&MockState) -> bool) -> Option<MockId> {
    let newest = mocks
        .iter()
        .max_by_key(|state| (state.started_at, state.id))?;
    (newest.status == MockStatus::Finished && !shown(newest)).then_some(newest.id)
}

/// A percentage as the report shows it: `86.7 %`.
pub fn percent(value: f64) -> String {
    format!("{value:.1} %")
}

/// Size of the timeline's SVG, in its own units.
pub const TIMELINE_WIDTH: f64 = 640.0;
pub const TIMELINE_HEIGHT: f64 = 200.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 26.0;

/// A submission on the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    pub x: f64,
    pub y: f64,
    /// Index of the task in the report's task list: its colour.
    pub task: usize,
    pub title: String,
}

/// A mark on an axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// x for the time axis, y for the score axis.
    pub at: f64,
    pub label: String,
}

/// Where everything on the timeline goes: x is the time since the mock's
/// start over its whole length, y the public score 0–5.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub dots: Vec<Dot>,
    /// One path per task through its submissions in time order:
    /// `(task index, "x,y x,y …")`.
    pub lines: Vec<(usize, String)>,
    pub time_ticks: Vec<Tick>,
    pub score_ticks: Vec<Tick>,
    /// The plot's corners: left, top, right, bottom.
    pub frame: (f64, f64, f64, f64),
}

/// Lays out the report's submissions.
pub fn timeline(report: &MockReport) -> Timeline {
    let span = (i64::from(report.mock.minutes) * 60_000).max(1) as f64;
    let (left, top) = (LEFT, TOP);
    let (right, bottom) = (TIMELINE_WIDTH - RIGHT, TIMELINE_HEIGHT - BOTTOM);
    let x_of = |after_ms: i64| left + (after_ms as f64 / span).clamp(0.0, 1.0) * (right - left);
    let y_of = |score: u8| bottom - f64::from(score.min(5)) / 5.0 * (bottom - top);
    let task_index = |task_id: &str| {
        report
            .tasks
            .iter()
            .position(|task| task.task_id == task_id)
            .unwrap_or(report.tasks.len())
    };
    let mut points: Vec<(i64, &dojo_protocol::TimelinePoint)> = report
        .timeline
        .iter()
        .map(|point| (point.after_ms, point))
        .collect();
    points.sort_by_key(|(after_ms, _)| *after_ms);
    let dots: Vec<Dot> = points
        .iter()
        .map(|(after_ms, point)| {
            let task = task_index(&point.task_id);
            let title = report
                .tasks
                .get(task)
                .map_or(point.task_id.as_str(), |task| task.title.as_str());
            Dot {
                x: x_of(*after_ms),
                y: y_of(point.public_score),
                task,
                title: format!("{title}: {}/5 at {}", point.public_score, hm(*after_ms)),
            }
        })
        .collect();
    let mut lines = Vec::new();
    for task in 0..=report.tasks.len() {
        let path: Vec<String> = dots
            .iter()
            .filter(|dot| dot.task == task)
            .map(|dot| format!("{:.1},{:.1}", dot.x, dot.y))
            .collect();
        if path.len() > 1 {
            lines.push((task, path.join(" ")));
        }
    }
    // An hour per tick, or a quarter of an hour for mocks of an hour or less.
    let step_ms: i64 = if report.mock.minutes > 60 {
        3_600_000
    } else {
        900_000
    };
    let time_ticks = (0..)
        .map(|index| index * step_ms)
        .take_while(|at| *at as f64 <= span)
        .map(|at| Tick {
            at: x_of(at),
            label: hm(at),
        })
        .collect();
    let score_ticks = (0..=5u8)
        .map(|score| Tick {
            at: y_of(score),
            label: score.to_string(),
        })
        .collect();
    Timeline {
        dots,
        lines,
        time_ticks,
        score_ticks,
        frame: (left, top, right, bottom),
    }
}

#[cfg(test)]
mod tests {
    use dojo_protocol::{Metric, MockTaskResult, TimelinePoint};

    use super::*;

    fn state(id: i64, now: i64, deadline: i64) -> MockState {
        MockState {
            id: MockId(id),
            status: MockStatus::Running,
            started_at: 0,
            deadline,
            ended_at: None,
            minutes: 60,
            seed: 1,
            tasks: Vec::new(),
            now,
        }
    }

    #[test]
    fn durations_read_as_hours_minutes_and_seconds() {
        assert_eq!(hms(5 * 3_600_000), "5:00:00");
        assert_eq!(hms(3_599_999), "0:59:59");
        assert_eq!(hms(-20), "0:00:00");
        assert_eq!(hm(65 * 60_000 + 59_999), "1:05");
        assert_eq!(length_label(300), "5 h");
        assert_eq!(length_label(90), "1 h 30 min");
        assert_eq!(length_label(45), "45 min");
    }

    #[test]
    fn the_clock_counts_down_from_the_backends_now_and_stops_at_zero() {
        // The backend's clock and the window's differ: only the difference counts.
        let clock = MockClock::sync(&state(1, 1_000_000, 1_000_000 + 90_000), 5.0);
        assert_eq!(clock.left_ms(5.0), 90_000);
        assert_eq!(clock.left_ms(30_005.0), 60_000);
        assert_eq!(clock.left_ms(1e9), 0);
        assert_eq!(Level::of(WARNING_MS + 1), Level::Calm);
        assert_eq!(Level::of(WARNING_MS), Level::Warning);
        assert_eq!(Level::of(URGENT_MS), Level::Urgent);
    }

    #[test]
    fn each_warning_is_given_once_and_a_late_start_skips_the_first() {
        let mut alerts = Alerts::default();
        assert_eq!(alerts.check(WARNING_MS + 1), None);
        assert!(
            alerts
                .check(WARNING_MS)
                .is_some_and(|m| m.starts_with("30"))
        );
        assert_eq!(alerts.check(WARNING_MS - 1_000), None);
        assert!(alerts.check(URGENT_MS).is_some_and(|m| m.starts_with("5 ")));
        assert_eq!(alerts.check(0), None);
        let mut late = Alerts::default();
        assert!(late.check(60_000).is_some_and(|m| m.starts_with("5 ")));
        assert_eq!(late.check(50_000), None);
    }

    #[test]
    fn a_mock_ends_when_the_backend_stops_reporting_it() {
        let running = state(3, 0, 1);
        assert_eq!(ended(None, Some(&running)), None);
        assert_eq!(ended(Some(MockId(3)), Some(&running)), None);
        assert_eq!(ended(Some(MockId(3)), None), Some(MockId(3)));
        assert_eq!(ended(Some(MockId(2)), Some(&running)), Some(MockId(2)));
    }

    #[test]
    fn the_newest_finished_mock_opens_its_report_once() {
        let mock = |id: i64, started_at: i64, status: MockStatus| MockState {
            started_at,
            status,
            ..state(id, 0, 1)
        };
        let mocks = [
            mock(2, 2_000, MockStatus::Finished),
            mock(1, 1_000, MockStatus::Finished),
        ];
        assert_eq!(unseen_report(&mocks, |_| false), Some(MockId(2)));
        assert_eq!(unseen_report(&mocks, |state| state.id == MockId(2)), None);
        let abandoned = [mock(3, 3_000, MockStatus::Abandoned), mocks[0].clone()];
        assert_eq!(unseen_report(&abandoned, |_| false), None);
        assert_eq!(unseen_report(&[], |_| false), None);
        assert_ne!(seen_key(&mocks[0]), seen_key(&mocks[1]));
    }

    #[test]
    fn the_timeline_places_submissions_by_time_and_public_score() {
        let task = |id: &str| MockTaskResult {
            task_id: id.into(),
            title: id.to_uppercase(),
            category: 1,
            metric: Metric::Accuracy,
            best_run: None,
            best: None,
            runs: 0,
            submissions: 0,
            first_submission_after_ms: None,
        };
        let point = |id: &str, after_ms: i64, public_score: u8| TimelinePoint {
            task_id: id.into(),
            after_ms,
            public_score,
        };
        let report = MockReport {
            mock: state(1, 0, 3_600_000),
            tasks: vec![task("a"), task("b")],
            timeline: vec![
                point("b", 1_800_000, 5),
                point("a", 0, 0),
                point("b", 900_000, 3),
            ],
            public_percent: 0.0,
            private_percent: None,
            pass_percent: 90.0,
            passed: None,
        };
        let layout = timeline(&report);
        let (left, top, right, bottom) = layout.frame;
        let first = &layout.dots[0];
        assert_eq!((first.x, first.y, first.task), (left, bottom, 0));
        let last = &layout.dots[2];
        assert!((last.x - (left + right) / 2.0).abs() < 1e-9);
        assert_eq!((last.y, last.task), (top, 1));
        assert_eq!(last.title, "B: 5/5 at 0:30");
        assert_eq!(layout.lines.len(), 1, "only b has two submissions");
        let ticks: Vec<&str> = layout.time_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(ticks, vec!["0:00", "0:15", "0:30", "0:45", "1:00"]);
        assert_eq!(layout.score_ticks.len(), 6);
    }
}
