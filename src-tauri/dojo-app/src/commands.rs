//! The Tauri commands. Each one delegates to the engine or the store.

use dojo_engine::jobs::DeviceCheck;
use dojo_protocol::{
    AppInfo, AttemptComparison, AttemptDetail, AttemptSummary, CodeDiagnostic, CompletionItem,
    DatasetAttribution, DeviceCheckRequest, ExportedFile, HistoryPage, HistoryQuery, HoverInfo,
    ImportSummary, JobEvent, JobId, LiveTraining, MockId, MockReport, MockRequest, MockState,
    MockStatus, RunId, SignatureHelp, Submission, SubmitRequest, TaskDetail, TaskStats,
    TaskSummary, TrainingEvent, TrainingRequest,
};
use tauri::State;
use tauri::ipc::Channel;

use crate::error::CommandError;
use crate::state::AppState;

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    // One lock for both fields: a second `state.store()` in the same
    // expression would wait on the guard the first one still holds.
    let store = state.store();
    AppInfo {
        version: dojo_engine::VERSION.to_owned(),
        device: state.device.description().to_owned(),
        compiled_backends: dojo_engine::device::compiled_backends(),
        data_dir: state.data_dir.display().to_string(),
        database_path: store.path().display().to_string(),
        store_notice: store.notice().map(str::to_owned),
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
///
/// Asynchronous, so it never runs on the window's main thread, and parsed
/// on a thread of its own with a large stack: whatever is pasted into the
/// editor, the check cannot take the window down.
#[tauri::command]
pub async fn check_code(code: String) -> Vec<CodeDiagnostic> {
    tauri::async_runtime::spawn_blocking(move || {
        std::thread::Builder::new()
            .name("check-code".into())
            .stack_size(CHECK_STACK_BYTES)
            .spawn(move || dojo_engine::practice::check_code(&code))
            .ok()
            .and_then(|checker| checker.join().ok())
            .unwrap_or_default()
    })
    .await
    .unwrap_or_default()
}

/// The editor's completions at a 1-based line and UTF-16 column. On the
/// blocking pool, whose threads keep the engine's module tree between calls.
#[tauri::command]
pub async fn complete_code(code: String, line: u32, column: u32) -> Vec<CompletionItem> {
    tauri::async_runtime::spawn_blocking(move || dojo_engine::editor::complete(&code, line, column))
        .await
        .unwrap_or_default()
}

/// The signature of the call the cursor is in, and its argument.
#[tauri::command]
pub async fn signature_help(code: String, line: u32, column: u32) -> Option<SignatureHelp> {
    tauri::async_runtime::spawn_blocking(move || {
        dojo_engine::editor::signature_help(&code, line, column)
    })
    .await
    .unwrap_or_default()
}

/// The signature and description of the name under the cursor.
#[tauri::command]
pub async fn hover_code(code: String, line: u32, column: u32) -> Option<HoverInfo> {
    tauri::async_runtime::spawn_blocking(move || dojo_engine::editor::hover(&code, line, column))
        .await
        .unwrap_or_default()
}

/// The stack of the editor's check thread (the parser recurses per level
/// of nesting, which `dojo_lang::parse` bounds).
const CHECK_STACK_BYTES: usize = 32 << 20;

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
        .history()
        .task_stats(&crate::practice::task_directions())?)
}

#[tauri::command]
pub fn list_attempts(
    task_id: Option<String>,
    state: State<'_, AppState>,
) -> Result<Vec<AttemptSummary>, CommandError> {
    Ok(state.history().attempts(task_id.as_deref())?)
}

#[tauri::command]
pub fn history_page(
    query: HistoryQuery,
    state: State<'_, AppState>,
) -> Result<HistoryPage, CommandError> {
    Ok(state.history().history_page(&query)?)
}

#[tauri::command]
pub fn attempt_detail(
    run_id: RunId,
    state: State<'_, AppState>,
) -> Result<AttemptDetail, CommandError> {
    Ok(state.history().attempt_detail(run_id)?)
}

#[tauri::command]
pub fn compare_attempts(
    left: RunId,
    right: RunId,
    state: State<'_, AppState>,
) -> Result<AttemptComparison, CommandError> {
    Ok(state.history().compare_attempts(left, right)?)
}

/// The training run in progress with its events so far, if any; its
/// further events arrive on `on_event` (the page that followed it before
/// stops receiving them).
#[tauri::command]
pub fn attach_training(
    on_event: Channel<TrainingEvent>,
    state: State<'_, AppState>,
) -> Option<LiveTraining> {
    state.live.attach(Box::new(move |event| {
        let _ = on_event.send(event);
    }))
}

/// Puts `code` in the task's editor draft, keeping the replaced draft one
/// step back (reopening a past attempt).
#[tauri::command]
pub fn replace_draft(
    task_id: String,
    code: String,
    state: State<'_, AppState>,
) -> Result<(), CommandError> {
    dojo_engine::tasks::task(&task_id)?;
    Ok(state.store().replace_draft(&task_id, &code)?)
}

#[tauri::command]
pub fn previous_draft(
    task_id: String,
    state: State<'_, AppState>,
) -> Result<Option<String>, CommandError> {
    Ok(state.store().previous_draft(&task_id)?)
}

/// Writes the runs `run_ids` (every run when absent) to a JSON-lines file
/// in the data directory's `exports` folder.
#[tauri::command]
pub fn export_history(
    run_ids: Option<Vec<RunId>>,
    state: State<'_, AppState>,
) -> Result<ExportedFile, CommandError> {
    let text = state.store().export(run_ids.as_deref())?;
    let folder = state.data_dir.join("exports");
    let stamp = state.store().now_ms();
    let path = folder.join(format!("dojo-history-{stamp}.jsonl"));
    let written = std::fs::create_dir_all(&folder).and_then(|()| std::fs::write(&path, &text));
    written.map_err(|source| CommandError::Export {
        path: path.display().to_string(),
        source,
    })?;
    Ok(ExportedFile {
        path: path.display().to_string(),
        runs: text.lines().count().saturating_sub(1) as u32,
    })
}

#[tauri::command]
pub fn import_history(
    path: String,
    state: State<'_, AppState>,
) -> Result<ImportSummary, CommandError> {
    let text = std::fs::read_to_string(&path).map_err(|source| CommandError::Import {
        path: path.clone(),
        source,
    })?;
    Ok(state.store().import(&text)?)
}

/// Starts a mock: one task per exam category, drawn with a fresh seed.
#[tauri::command]
pub fn start_mock(
    request: MockRequest,
    state: State<'_, AppState>,
) -> Result<MockState, CommandError> {
    if !MockRequest::LENGTHS.contains(&request.minutes) {
        return Err(CommandError::MockLength(request.minutes));
    }
    let seed = dojo_engine::practice::fresh_seed();
    let tasks: Vec<String> = dojo_engine::mock::draw(seed)
        .iter()
        .map(|task| task.id.to_owned())
        .collect();
    Ok(state.store().start_mock(request.minutes, seed, &tasks)?)
}

/// The mock in progress, if any (one past its deadline is closed first).
#[tauri::command]
pub fn current_mock(state: State<'_, AppState>) -> Result<Option<MockState>, CommandError> {
    Ok(state.store().running_mock()?)
}

/// Ends the mock now (`abandon`: without counting it); a run of it still
/// training is stopped.
#[tauri::command]
pub fn end_mock(
    mock_id: MockId,
    abandon: bool,
    state: State<'_, AppState>,
) -> Result<MockState, CommandError> {
    let status = match abandon {
        true => MockStatus::Abandoned,
        false => MockStatus::Finished,
    };
    let ended = state.store().end_mock(mock_id, status)?;
    state.stop_mock_training(mock_id);
    Ok(ended)
}

#[tauri::command]
pub fn mock_report(
    mock_id: MockId,
    state: State<'_, AppState>,
) -> Result<MockReport, CommandError> {
    let mut store = state.store();
    // Closes the mock first if its deadline has passed.
    store.running_mock()?;
    let tasks = dojo_engine::mock::task_infos(&store.mock(mock_id)?.tasks);
    Ok(store.mock_report(mock_id, &tasks)?)
}

#[tauri::command]
pub fn list_mocks(state: State<'_, AppState>) -> Result<Vec<MockState>, CommandError> {
    let mut store = state.store();
    store.running_mock()?;
    Ok(store.mocks()?)
}
