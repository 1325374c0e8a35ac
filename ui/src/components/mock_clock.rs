//! The mock exam in progress, on every page: the shared [`MockContext`]
//! and the header's clock.
//!
//! The clock asks the backend for the mock in progress (`current_mock`)
//! when the app starts and then every second. Each answer re-syncs the
//! countdown from the backend's `deadline - now`; between answers it counts
//! down on the window's clock. A mock we had that the backend no longer
//! reports has ended (its deadline passed, or it was ended): its report
//! opens on the home page and a message says so. The warnings at 30 and 5
//! minutes are given once each. A mock that finished while the app was
//! closed opens its report when the app starts, once: the window remembers
//! (in its local storage) which reports it has shown.

use std::time::Duration;

use dojo_protocol::{MockId, MockState};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::mock::{self, Alerts, Level, MockClock};

/// How often the backend is asked for the mock in progress.
const POLL: Duration = Duration::from_secs(1);
/// How often the displayed clock is recomputed.
const TICK: Duration = Duration::from_millis(250);

/// Milliseconds from the page's monotonic clock.
fn local_now() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}

/// The mock in progress and what the window says about it.
#[derive(Clone, Copy)]
pub struct MockContext {
    /// The mock in progress as last fetched.
    pub current: RwSignal<Option<MockState>>,
    clock: RwSignal<Option<MockClock>>,
    /// The mock whose report the home page shows, once it ended.
    pub ended: RwSignal<Option<MockId>>,
    /// A one-time message: time running out, the mock over.
    pub notice: RwSignal<Option<String>>,
    /// Bumped whenever the window itself starts or ends a mock, so that an
    /// answer to a poll sent before is dropped.
    generation: StoredValue<u64>,
    alerts: StoredValue<Alerts>,
    polling: StoredValue<bool>,
}

impl MockContext {
    /// Creates the context and provides it to the app.
    pub fn provide() -> MockContext {
        let context = MockContext {
            current: RwSignal::new(None),
            clock: RwSignal::new(None),
            ended: RwSignal::new(None),
            notice: RwSignal::new(None),
            generation: StoredValue::new(0),
            alerts: StoredValue::new(Alerts::default()),
            polling: StoredValue::new(false),
        };
        provide_context(context);
        context
    }

    /// The app's context (provided by `App`).
    pub fn get() -> MockContext {
        expect_context::<MockContext>()
    }

    /// Milliseconds left in the mock in progress, on the window's clock.
    pub fn left_ms(self, now: f64) -> Option<i64> {
        self.clock
            .with(|clock| clock.map(|clock| clock.left_ms(now)))
    }

    /// The window started `state`.
    pub fn started(self, state: MockState) {
        self.generation.update_value(|generation| *generation += 1);
        self.alerts.set_value(Alerts::default());
        self.clock.set(Some(MockClock::sync(&state, local_now())));
        self.current.set(Some(state));
        self.ended.set(None);
        self.notice.set(None);
    }

    /// The window ended the mock `id`; its report opens when `report`.
    pub fn closed(self, id: MockId, report: bool) {
        if let Some(state) = self.current.get_untracked().filter(|state| state.id == id) {
            remember_shown(&state);
        }
        self.generation.update_value(|generation| *generation += 1);
        self.clock.set(None);
        self.current.set(None);
        self.ended.set(report.then_some(id));
        self.notice.set(None);
    }

    /// Asks the backend for the mock in progress (one question at a time).
    fn poll(self) {
        if self.polling.get_value() {
            return;
        }
        self.polling.set_value(true);
        let generation = self.generation.get_value();
        spawn_local(async move {
            let answer = api::current_mock().await;
            self.polling.try_set_value(false);
            if self.generation.try_get_value() != Some(generation) {
                return;
            }
            match answer {
                Ok(state) => self.synced(state),
                Err(error) => leptos::logging::warn!("mock clock: {error}"),
            }
        });
    }

    fn synced(self, state: Option<MockState>) {
        let previous = self
            .current
            .with_untracked(|current| current.as_ref().map(|mock| mock.id));
        if let Some(id) = mock::ended(previous, state.as_ref()) {
            if let Some(ended) = self.current.get_untracked() {
                remember_shown(&ended);
            }
            self.ended.set(Some(id));
            self.notice.set(Some(format!(
                "Mock exam {id} is over. Its report is on the Tasks page."
            )));
        }
        if state.as_ref().map(|mock| mock.id) != previous {
            self.alerts.set_value(Alerts::default());
        }
        self.clock.set(
            state
                .as_ref()
                .map(|state| MockClock::sync(state, local_now())),
        );
        self.current.set(state);
    }

    /// When the app starts: opens the report of a mock that finished
    /// while the window was not watching.
    fn open_unseen_report(self) {
        let generation = self.generation.get_value();
        spawn_local(async move {
            let Ok(mocks) = api::list_mocks().await else {
                return;
            };
            if self.generation.try_get_value() != Some(generation)
                || self.ended.try_get_untracked().flatten().is_some()
            {
                return;
            }
            let Some(id) = mock::unseen_report(&mocks, was_shown) else {
                return;
            };
            if let Some(state) = mocks.iter().find(|state| state.id == id) {
                remember_shown(state);
            }
            self.ended.set(Some(id));
            self.notice.set(Some(format!(
                "Mock exam {id} ended while Dojo was closed. Its report is on the Tasks page."
            )));
        });
    }

    fn tick(self, now: f64) {
        let Some(left) = self
            .clock
            .with_untracked(|clock| clock.map(|clock| clock.left_ms(now)))
        else {
            return;
        };
        let mut alerts = self.alerts.get_value();
        if let Some(message) = alerts.check(left) {
            self.notice.set(Some(message.to_owned()));
        }
        self.alerts.set_value(alerts);
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}

/// Whether this window has shown the report of `state`. Without storage
/// every report counts as unseen: better shown twice than never.
fn was_shown(state: &MockState) -> bool {
    local_storage()
        .and_then(|storage| storage.get_item(&mock::seen_key(state)).ok().flatten())
        .is_some()
}

fn remember_shown(state: &MockState) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(&mock::seen_key(state), "1");
    }
}

/// The header's countdown of the mock in progress, `H:MM:SS`, with a
/// warning style at 30 minutes and an urgent one at 5. It also drives the
/// polling, so it is mounted once, in the header.
#[component]
pub fn MockClockView() -> impl IntoView {
    let mock = MockContext::get();
    let now = RwSignal::new(local_now());
    mock.poll();
    mock.open_unseen_report();
    let ticks = StoredValue::new(0u32);
    let ticker = set_interval_with_handle(
        move || {
            let at = local_now();
            now.set(at);
            mock.tick(at);
            ticks.update_value(|count| *count += 1);
            let per_poll = (POLL.as_millis() / TICK.as_millis()).max(1) as u32;
            if ticks.get_value().is_multiple_of(per_poll) {
                mock.poll();
            }
        },
        TICK,
    )
    .ok();
    on_cleanup(move || {
        if let Some(handle) = ticker {
            handle.clear();
        }
    });
    let left = move || mock.left_ms(now.get());
    let level = move || left().map_or(Level::Calm, Level::of);
    view! {
        <Show when=move || left().is_some()>
            <span
                id="mock-clock"
                class=move || format!("mock-clock {}", level().label())
                data-level=move || level().label()
                title="Time left in the mock exam (a wall-clock deadline: it runs while the app is closed)"
            >
                "Mock " {move || left().map(mock::hms)}
            </span>
        </Show>
    }
}
