//! What the app keeps while it runs.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use dojo_engine::device::ComputeDevice;
use dojo_engine::jobs::JobRunner;
use dojo_protocol::JobId;
use dojo_store::Store;

use crate::error::CommandError;
use crate::live::Live;

/// Debug builds only: milliseconds added to the system clock (tests).
pub const CLOCK_OFFSET_ENV: &str = "DOJO_TEST_CLOCK_OFFSET_MS";

/// Shared by every command through `tauri::State`.
pub struct AppState {
    pub runner: JobRunner,
    pub device: ComputeDevice,
    pub data_dir: PathBuf,
    store: Arc<Mutex<Store>>,
    /// The training run in progress, if any: one at a time, since two would
    /// share the same CPU cores.
    training: Mutex<Option<JobId>>,
    /// The run in progress's events and the page following them.
    pub live: Live,
}

impl AppState {
    /// Opens the store in the user data directory (creating and migrating it
    /// on first start), marks runs cut off by a previous crash as
    /// interrupted, and selects the compute device.
    pub fn open() -> Result<AppState, CommandError> {
        let data_dir = dojo_store::data_dir()?;
        let mut store = Store::open_in(&data_dir)?;
        // The end-to-end tests move the clock forward across restarts (the
        // mock's deadline); a release build never reads this.
        #[cfg(debug_assertions)]
        if let Some(offset) = std::env::var(CLOCK_OFFSET_ENV)
            .ok()
            .and_then(|offset| offset.trim().parse::<i64>().ok())
        {
            store.set_clock_offset_ms(offset);
        }
        store.mark_interrupted_runs()?;
        Ok(AppState {
            runner: JobRunner::new(),
            device: ComputeDevice::select()?,
            data_dir,
            store: Arc::new(Mutex::new(store)),
            training: Mutex::new(None),
            live: Live::default(),
        })
    }

    /// Stops the training run in progress if it belongs to `mock`.
    pub fn stop_mock_training(&self, mock: dojo_protocol::MockId) {
        let Some((job, run, _)) = self.live.current() else {
            return;
        };
        let belongs = self
            .store()
            .run(run)
            .map(|record| record.mock_id == Some(mock))
            .unwrap_or(false);
        if belongs {
            let _ = self.runner.cancel(job);
        }
    }

    /// The store, even if a previous holder panicked: every store write is
    /// one transaction, so a poisoned lock guards a consistent database.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    /// The store for reading the history: first, `running` rows whose
    /// process has ended since the store was opened (a `dojo run` killed
    /// while the app was open, or the previous app still exiting when this
    /// one started) become `interrupted`, so no list shows a dead run as
    /// training. A failure to mark leaves the rows as they were.
    pub fn history(&self) -> MutexGuard<'_, Store> {
        let mut store = self.store();
        let _ = store.mark_interrupted_runs();
        store
    }

    /// A handle on the store for a job's thread.
    pub fn shared_store(&self) -> Arc<Mutex<Store>> {
        Arc::clone(&self.store)
    }

    /// The training run still in progress, if any.
    pub fn running_training(&self) -> Option<JobId> {
        let current = *lock(&self.training);
        current.filter(|job| self.runner.running_jobs().contains(job))
    }

    pub fn set_training(&self, job: JobId) {
        *lock(&self.training) = Some(job);
    }
}

/// Locks `mutex` even if a previous holder panicked.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
