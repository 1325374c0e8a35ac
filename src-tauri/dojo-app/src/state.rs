//! What the app keeps while it runs.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use dojo_engine::device::ComputeDevice;
use dojo_engine::jobs::JobRunner;
use dojo_store::Store;

use crate::error::CommandError;

/// Shared by every command through `tauri::State`.
pub struct AppState {
    pub runner: JobRunner,
    pub device: ComputeDevice,
    pub data_dir: PathBuf,
    store: Mutex<Store>,
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
            store: Mutex::new(store),
        })
    }

    /// The store, even if a previous holder panicked: every store write is
    /// one transaction, so a poisoned lock guards a consistent database.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
