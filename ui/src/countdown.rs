//! The practice countdown: a timer the user sets, starts, pauses and
//! resets. Time is passed in (wall-clock milliseconds, so a running
//! countdown saved with [`Countdown::encode`] keeps running across a reload
//! or a restart), so the logic is independent of the browser.

/// Below this many milliseconds left the countdown shows as urgent.
pub const WARNING_MS: u64 = 5 * 60 * 1000;

/// `mm:ss` of a duration, rounded down to the second; minutes may pass 99.
pub fn clock(ms: u64) -> String {
    let seconds = ms / 1000;
    format!("{:02}:{:02}", seconds / 60, seconds % 60)
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Countdown {
    /// The length the user set.
    pub total_ms: u64,
    /// What was left when the countdown last paused (or was set).
    left_ms: u64,
    /// When it was last started, while running.
    started_at: Option<f64>,
}

impl Countdown {
    pub fn new(minutes: u32) -> Countdown {
        let total_ms = u64::from(minutes) * 60_000;
        Countdown {
            total_ms,
            left_ms: total_ms,
            started_at: None,
        }
    }

    pub fn is_running(&self) -> bool {
        self.started_at.is_some()
    }

    /// Milliseconds left at `now`; never below zero.
    pub fn left_ms(&self, now: f64) -> u64 {
        match self.started_at {
            None => self.left_ms,
            Some(started) => {
                let spent = (now - started).max(0.0) as u64;
                self.left_ms.saturating_sub(spent)
            }
        }
    }

    pub fn start(&mut self, now: f64) {
        if self.started_at.is_none() && self.left_ms > 0 {
            self.started_at = Some(now);
        }
    }

    pub fn pause(&mut self, now: f64) {
        self.left_ms = self.left_ms(now);
        self.started_at = None;
    }

    /// Back to the full length, stopped.
    pub fn reset(&mut self) {
        self.left_ms = self.total_ms;
        self.started_at = None;
    }

    /// Sets a new length in minutes, stopped.
    pub fn set_minutes(&mut self, minutes: u32) {
        *self = Countdown::new(minutes);
    }

    /// The display, e.g. `04:59`.
    pub fn label(&self, now: f64) -> String {
        clock(self.left_ms(now))
    }

    /// Whether time is short (under five minutes left, including none).
    pub fn is_urgent(&self, now: f64) -> bool {
        self.left_ms(now) < WARNING_MS
    }

    /// The state as text for the window's storage: `total,left,started`
    /// (`started` empty while paused).
    pub fn encode(&self) -> String {
        let started = self.started_at.map(|at| at.to_string()).unwrap_or_default();
        format!("{},{},{started}", self.total_ms, self.left_ms)
    }

    /// A state [`Countdown::encode`] wrote; `None` for anything else.
    pub fn decode(text: &str) -> Option<Countdown> {
        let mut parts = text.split(',');
        let total_ms = parts.next()?.parse().ok()?;
        let left_ms: u64 = parts.next()?.parse().ok()?;
        let started_at = match parts.next()? {
            "" => None,
            at => Some(at.parse::<f64>().ok().filter(|at| at.is_finite())?),
        };
        (parts.next().is_none() && left_ms <= total_ms).then_some(Countdown {
            total_ms,
            left_ms,
            started_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_pads_minutes_and_seconds() {
        assert_eq!(clock(0), "00:00");
        assert_eq!(clock(61_999), "01:01");
        assert_eq!(clock(300 * 60_000), "300:00");
    }

    #[test]
    fn it_runs_pauses_and_resumes() {
        let mut countdown = Countdown::new(10);
        assert_eq!(countdown.label(0.0), "10:00");
        countdown.start(1_000.0);
        assert_eq!(countdown.label(61_000.0), "09:00");
        countdown.pause(61_000.0);
        // Paused time does not count.
        assert_eq!(countdown.label(500_000.0), "09:00");
        countdown.start(500_000.0);
        assert_eq!(countdown.label(530_500.0), "08:29");
        assert!(countdown.is_running());
    }

    #[test]
    fn it_turns_urgent_under_five_minutes_and_stops_at_zero() {
        let mut countdown = Countdown::new(6);
        countdown.start(0.0);
        assert!(!countdown.is_urgent(60_000.0));
        assert!(countdown.is_urgent(60_001.0));
        assert_eq!(countdown.left_ms(1e9), 0);
        assert_eq!(countdown.label(1e9), "00:00");
    }

    #[test]
    fn a_saved_running_countdown_keeps_counting_after_a_reload() {
        let mut countdown = Countdown::new(30);
        countdown.start(1_000.0);
        let saved = countdown.encode();
        // The window reloads ten minutes later.
        let restored = Countdown::decode(&saved).unwrap_or_else(|| Countdown::new(1));
        assert_eq!(restored.label(601_000.0), "20:00");
        countdown.pause(601_000.0);
        let paused = Countdown::decode(&countdown.encode()).unwrap_or_else(|| Countdown::new(1));
        assert!(!paused.is_running());
        assert_eq!(paused.label(9e12), "20:00");
        for bad in ["", "1,2", "5,9,", "a,b,c", "10,5,x", "10,5,1,2"] {
            assert_eq!(Countdown::decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn reset_and_set_stop_it_at_the_full_length() {
        let mut countdown = Countdown::new(3);
        countdown.start(0.0);
        countdown.reset();
        assert!(!countdown.is_running());
        assert_eq!(countdown.label(99_000.0), "03:00");
        countdown.set_minutes(45);
        assert_eq!(countdown.left_ms(0.0), 45 * 60_000);
    }
}
