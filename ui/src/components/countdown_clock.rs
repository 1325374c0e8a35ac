//! The practice countdown in the header: set minutes, start/pause, reset;
//! shows mm:ss and turns red under five minutes. Its state is kept in the
//! window's storage against the wall clock, so it survives a reload and a
//! restart (a running countdown keeps running while the app is closed).

use std::time::Duration;

use leptos::prelude::*;

use crate::countdown::Countdown;

/// Wall-clock milliseconds.
fn now() -> f64 {
    js_sys::Date::now()
}

const STORAGE_KEY: &str = "dojo.practice-countdown";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}

fn saved() -> Option<Countdown> {
    Countdown::decode(&storage()?.get_item(STORAGE_KEY).ok().flatten()?)
}

fn save(countdown: &Countdown) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(STORAGE_KEY, &countdown.encode());
    }
}

#[component]
pub fn CountdownClock() -> impl IntoView {
    let countdown = RwSignal::new(saved().unwrap_or_else(|| Countdown::new(60)));
    let clock = RwSignal::new(now());
    // Ticks only while running; the handle is cleared when paused.
    let ticker = StoredValue::new(None::<IntervalHandle>);
    let set_ticking = move |on: bool| {
        if let Some(handle) = ticker.get_value() {
            handle.clear();
        }
        let handle = on
            .then(|| {
                set_interval_with_handle(move || clock.set(now()), Duration::from_millis(250)).ok()
            })
            .flatten();
        ticker.set_value(handle);
    };
    if countdown.get_untracked().is_running() {
        set_ticking(true);
    }
    // Every change is saved, so a reload picks up where it was.
    Effect::new(move |_| save(&countdown.get()));
    on_cleanup(move || {
        if let Some(handle) = ticker.get_value() {
            handle.clear();
        }
    });
    let toggle = move |_| {
        let at = now();
        clock.set(at);
        let running = countdown.get_untracked().is_running();
        countdown.update(|state| {
            if running {
                state.pause(at)
            } else {
                state.start(at)
            }
        });
        set_ticking(!running);
    };
    let reset = move |_| {
        countdown.update(Countdown::reset);
        set_ticking(false);
    };
    let label = move || countdown.get().label(clock.get());
    let urgent = move || countdown.get().is_urgent(clock.get());
    let running = move || countdown.get().is_running();
    view! {
        <div class="countdown-box" title="Practice countdown">
            <input
                type="number"
                id="countdown-minutes"
                min="1"
                max="600"
                aria-label="countdown minutes"
                disabled=running
                prop:value=move || (countdown.get().total_ms / 60_000).to_string()
                on:change=move |event| {
                    if let Ok(minutes) = event_target_value(&event).trim().parse::<u32>() {
                        countdown.update(|state| state.set_minutes(minutes.clamp(1, 600)));
                    }
                }
            />
            <span id="countdown" class="countdown" class:urgent=urgent>{label}</span>
            <button id="countdown-toggle" on:click=toggle>
                {move || if running() { "Pause" } else { "Start" }}
            </button>
            <button id="countdown-reset" on:click=reset>"Reset"</button>
        </div>
    }
}
