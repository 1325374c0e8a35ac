//! The Tauri commands. Each one delegates to the engine or the store.

use dojo_engine::jobs::DeviceCheck;
use dojo_protocol::{
    AppInfo, DatasetAttribution, DeviceCheckRequest, JobEvent, JobId, TaskSummary,
};
use tauri::State;
use tauri::ipc::Channel;

use crate::error::CommandError;
use crate::state::AppState;

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: dojo_engine::VERSION.to_owned(),
        device: state.device.description().to_owned(),
        compiled_backends: dojo_engine::device::compiled_backends(),
        data_dir: state.data_dir.display().to_string(),
        database_path: state.store().path().display().to_string(),
    }
}

#[tauri::command]
pub fn list_tasks() -> Vec<TaskSummary> {
    dojo_engine::tasks::summaries()
}

#[tauri::command]
pub fn list_datasets() -> Vec<DatasetAttribution> {
    dojo_engine::datasets::attributions()
}

/// Starts a device check in the background; its events arrive on `on_event`.
#[tauri::command]
pub fn start_device_check(
    request: DeviceCheckRequest,
    on_event: Channel<JobEvent>,
    state: State<'_, AppState>,
) -> Result<JobId, CommandError> {
    let job = DeviceCheck {
        steps: request.steps,
        device: state.device.clone(),
    };
    // A closed window drops the channel; the job then runs to its end unseen.
    Ok(state.runner.start(job, move |event| {
        let _ = on_event.send(event);
    })?)
}

#[tauri::command]
pub fn cancel_job(job_id: JobId, state: State<'_, AppState>) -> Result<(), CommandError> {
    Ok(state.runner.cancel(job_id)?)
}
