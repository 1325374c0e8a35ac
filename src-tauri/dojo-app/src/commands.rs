//! The Tauri commands. Each one delegates to the engine or the store.

use dojo_engine::jobs::DeviceCheck;
use dojo_protocol::{
    AppInfo, AttemptSummary, CodeDiagnostic, DatasetAttribution, DeviceCheckRequest, JobEvent,
    JobId, Submission, SubmitRequest, TaskDetail, TaskStats, TaskSummary, TrainingEvent,
    TrainingRequest,
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

/// A task's page: statement, contract, starter, thresholds, preview and the
/// user's saved draft. Async: building the preview decodes images (about
/// half a second for horses), which must not block the window's thread.
#[tauri::command]
pub async fn get_task(
    task_id: String,
    state: State<'_, AppState>,
) -> Result<TaskDetail, CommandError> {
    let task = dojo_engine::tasks::task(&task_id)?;
    let mut detail = dojo_engine::tasks::detail(task)?;
    detail.draft = state.store().draft(task.id)?;
    Ok(detail)
}

/// Syntax and support problems in `code`, located, without running it.
#[tauri::command]
pub fn check_code(code: String) -> Vec<CodeDiagnostic> {
    dojo_engine::practice::check_code(&code)
}

#[tauri::command]
pub fn save_draft(
    task_id: String,
    code: String,
    state: State<'_, AppState>,
) -> Result<(), CommandError> {
    Ok(state.store().save_draft(&task_id, &code)?)
}

/// Starts training `request.code` on its task; events arrive on `on_event`.
#[tauri::command]
pub fn start_training(
    request: TrainingRequest,
    on_event: Channel<TrainingEvent>,
    state: State<'_, AppState>,
) -> Result<JobId, CommandError> {
    // A closed window drops the channel; the run still ends and is stored.
    crate::practice::start_training(&state, request, move |event| {
        let _ = on_event.send(event);
    })
}

#[tauri::command]
pub fn submit_run(
    request: SubmitRequest,
    state: State<'_, AppState>,
) -> Result<Submission, CommandError> {
    Ok(state.store().submit(request.run_id)?)
}

#[tauri::command]
pub fn task_stats(state: State<'_, AppState>) -> Result<Vec<TaskStats>, CommandError> {
    Ok(state
        .store()
        .task_stats(&crate::practice::task_directions())?)
}

#[tauri::command]
pub fn list_attempts(
    task_id: Option<String>,
    state: State<'_, AppState>,
) -> Result<Vec<AttemptSummary>, CommandError> {
    Ok(state.store().attempts(task_id.as_deref())?)
}
