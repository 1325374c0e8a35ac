//! The mock's deadline while the app runs: a watcher that closes the mock
//! at zero and stops a run of it still training (the run is recorded as
//! cancelled, and a later submission of it counts for practice only).

use std::time::Duration;

use tauri::{AppHandle, Manager};

use crate::state::AppState;

/// Checks the running mock once a second for the app's lifetime.
pub fn watch_deadline(app: AppHandle) {
    let spawned = std::thread::Builder::new()
        .name("mock-deadline".to_owned())
        .spawn(move || {
            let mut running = None;
            loop {
                std::thread::sleep(Duration::from_secs(1));
                let state = app.state::<AppState>();
                // `running_mock` closes a mock whose deadline has passed.
                let now = state
                    .store()
                    .running_mock()
                    .ok()
                    .flatten()
                    .map(|mock| mock.id);
                if let Some(ended) = running.filter(|_| now.is_none()) {
                    state.stop_mock_training(ended);
                }
                running = now;
            }
        });
    if let Err(error) = spawned {
        eprintln!("dojo: the mock's deadline watcher could not start: {error}");
    }
}
