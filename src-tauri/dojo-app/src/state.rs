//! What the app keeps while it runs.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use dojo_engine::device::ComputeDevice;
use dojo_engine::jobs::JobRunner;
use dojo_protocol::JobId;
use dojo_store::Store;

use crate::error::CommandError;

/// Shared by every command through `tauri::State`.
pub struct AppState {
    pub runner: JobRunner,
    pub device: ComputeDevice,
    pub data_dir: PathBuf,
    store: Arc<Mutex<Store>>,
    /// The training run in progress, if any: one at a time, since two would
    /// share the same CPU cores.
    training: Mutex<Option<JobId>>,
}

impl AppState {
    /// Opens the store in the user data directory (creating and migrating it
    /// on first start), marks runs cut off by a previous crash as
    /// interrupted, and selects the compute device.
    pub fn open() -> Result<AppState, CommandError> {
        let data_dir = dojo_store::data_dir()?;
        let mut store = Store::open_in(&data_dir)?;
        store.mark_interrupted_runs()?;
        Ok(AppState {
            runner: JobRunner::new(),
            device: ComputeDevice::select()?,
            data_dir,
            store: Arc::new(Mutex::new(store)),
            training: Mutex::new(None),
        })
    }

    /// The store, even if a previous holder panicked: every store write is
    /// one transaction, so a poisoned lock guards a consistent database.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
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
