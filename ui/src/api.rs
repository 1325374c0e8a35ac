//! Every call to the backend. Nothing else in the UI talks to Tauri.
//!
//! Commands go through `window.__TAURI__.core.invoke` (the app sets
//! `withGlobalTauri`); streamed job events arrive on a
//! `window.__TAURI__.core.Channel` created here. Argument keys are the
//! commands' Rust parameter names in camelCase, as Tauri expects.

use dojo_protocol::{
    AppInfo, AttemptComparison, AttemptDetail, AttemptSummary, CodeDiagnostic, CommandError,
    CompletionItem, DatasetAttribution, DeviceCheckRequest, ExportedFile, HistoryPage,
    HistoryQuery, HoverInfo, ImportSummary, JobEvent, JobId, LiveTraining, MockId, MockReport,
    MockRequest, MockState, RunId, SignatureHelp, Submission, SubmitRequest, TaskDetail, TaskStats,
    TaskSummary, TrainingEvent, TrainingRequest, commands,
};
use js_sys::{Array, Function, Object, Reflect};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(command: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

/// Turns whatever a rejected invoke carried into our error shape.
fn command_error(value: JsValue) -> CommandError {
    serde_wasm_bindgen::from_value(value.clone()).unwrap_or_else(|_| CommandError {
        code: "ipc_error".to_owned(),
        message: value
            .as_string()
            .unwrap_or_else(|| format!("the backend could not be reached: {value:?}")),
    })
}

fn ipc_error(message: impl std::fmt::Display) -> CommandError {
    CommandError {
        code: "ipc_error".to_owned(),
        message: message.to_string(),
    }
}

async fn invoke<T: DeserializeOwned>(command: &str, args: JsValue) -> Result<T, CommandError> {
    let value = tauri_invoke(command, args).await.map_err(command_error)?;
    serde_wasm_bindgen::from_value(value).map_err(ipc_error)
}

/// Builds a command's argument object; Tauri expects camelCase keys.
fn args(entries: &[(&str, JsValue)]) -> Result<JsValue, CommandError> {
    let object = Object::new();
    for (key, value) in entries {
        Reflect::set(&object, &JsValue::from_str(key), value)
            .map_err(|error| ipc_error(format!("{error:?}")))?;
    }
    Ok(object.into())
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, CommandError> {
    serde_wasm_bindgen::to_value(value).map_err(ipc_error)
}

pub async fn app_info() -> Result<AppInfo, CommandError> {
    invoke(commands::APP_INFO, JsValue::UNDEFINED).await
}

pub async fn list_tasks() -> Result<Vec<TaskSummary>, CommandError> {
    invoke(commands::LIST_TASKS, JsValue::UNDEFINED).await
}

pub async fn list_datasets() -> Result<Vec<DatasetAttribution>, CommandError> {
    invoke(commands::LIST_DATASETS, JsValue::UNDEFINED).await
}

/// An event a job streams over a channel.
pub trait StreamEvent: DeserializeOwned + 'static {
    /// The terminal event standing for a message that could not be read.
    fn unreadable(message: String) -> Self;
}

impl StreamEvent for JobEvent {
    fn unreadable(message: String) -> JobEvent {
        JobEvent::Failed { message }
    }
}

impl StreamEvent for TrainingEvent {
    fn unreadable(message: String) -> TrainingEvent {
        TrainingEvent::Failed {
            run_id: None,
            error: CodeDiagnostic {
                kind: "IpcError".to_owned(),
                message,
                help: None,
                line: None,
                column: None,
                end_line: None,
                end_column: None,
            },
            report: String::new(),
        }
    }
}

/// A Tauri channel whose messages are handed to a Rust callback. Dropping
/// it stops delivery, so keep it until its job has ended.
pub struct EventChannel {
    channel: JsValue,
    _on_message: Closure<dyn FnMut(JsValue)>,
}

impl EventChannel {
    fn new<E: StreamEvent>(
        mut on_event: impl FnMut(E) + 'static,
    ) -> Result<EventChannel, CommandError> {
        let core = Reflect::get(&js_sys::global(), &JsValue::from_str("__TAURI__"))
            .and_then(|tauri| Reflect::get(&tauri, &JsValue::from_str("core")))
            .map_err(|_| ipc_error("the Tauri API is not available in this window"))?;
        let constructor: Function = Reflect::get(&core, &JsValue::from_str("Channel"))
            .ok()
            .and_then(|value| value.dyn_into().ok())
            .ok_or_else(|| ipc_error("the Tauri Channel class is not available"))?;
        let channel = Reflect::construct(&constructor, &Array::new())
            .map_err(|error| ipc_error(format!("cannot create a channel: {error:?}")))?;
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |message: JsValue| {
            match serde_wasm_bindgen::from_value::<E>(message) {
                Ok(event) => on_event(event),
                Err(error) => {
                    on_event(E::unreadable(format!("unreadable progress event: {error}")))
                }
            }
        });
        Reflect::set(
            &channel,
            &JsValue::from_str("onmessage"),
            on_message.as_ref().unchecked_ref(),
        )
        .map_err(|error| ipc_error(format!("{error:?}")))?;
        Ok(EventChannel {
            channel,
            _on_message: on_message,
        })
    }
}

/// Starts a device check; `on_event` sees its events in order.
pub async fn start_device_check(
    request: DeviceCheckRequest,
    on_event: impl FnMut(JobEvent) + 'static,
) -> Result<(JobId, EventChannel), CommandError> {
    let channel = EventChannel::new(on_event)?;
    let arguments = args(&[
        ("request", to_js(&request)?),
        ("onEvent", channel.channel.clone()),
    ])?;
    let job_id = invoke(commands::START_DEVICE_CHECK, arguments).await?;
    Ok((job_id, channel))
}

pub async fn cancel_job(job_id: JobId) -> Result<(), CommandError> {
    invoke(commands::CANCEL_JOB, args(&[("jobId", to_js(&job_id)?)])?).await
}

pub async fn get_task(task_id: &str) -> Result<TaskDetail, CommandError> {
    invoke(
        commands::GET_TASK,
        args(&[("taskId", JsValue::from_str(task_id))])?,
    )
    .await
}

/// Static problems in `code` (syntax, unsupported constructs), located.
pub async fn check_code(task_id: &str, code: &str) -> Result<Vec<CodeDiagnostic>, CommandError> {
    let arguments = args(&[
        ("taskId", JsValue::from_str(task_id)),
        ("code", JsValue::from_str(code)),
    ])?;
    invoke(commands::CHECK_CODE, arguments).await
}

/// The editor's completions at a 1-based `line` and UTF-16 `column`.
pub async fn complete_code(
    code: &str,
    line: u32,
    column: u32,
) -> Result<Vec<CompletionItem>, CommandError> {
    invoke(commands::COMPLETE_CODE, position_args(code, line, column)?).await
}

/// The signature of the call the cursor is in, with its active argument.
pub async fn signature_help(
    code: &str,
    line: u32,
    column: u32,
) -> Result<Option<SignatureHelp>, CommandError> {
    invoke(commands::SIGNATURE_HELP, position_args(code, line, column)?).await
}

/// The signature and description of the name under the cursor.
pub async fn hover_code(
    code: &str,
    line: u32,
    column: u32,
) -> Result<Option<HoverInfo>, CommandError> {
    invoke(commands::HOVER_CODE, position_args(code, line, column)?).await
}

/// The arguments of the editor's position commands.
fn position_args(code: &str, line: u32, column: u32) -> Result<JsValue, CommandError> {
    args(&[
        ("code", JsValue::from_str(code)),
        ("line", JsValue::from(line)),
        ("column", JsValue::from(column)),
    ])
}

pub async fn save_draft(task_id: &str, code: &str) -> Result<(), CommandError> {
    let arguments = args(&[
        ("taskId", JsValue::from_str(task_id)),
        ("code", JsValue::from_str(code)),
    ])?;
    invoke(commands::SAVE_DRAFT, arguments).await
}

/// Starts a training run; `on_event` sees its events in order.
pub async fn start_training(
    request: TrainingRequest,
    on_event: impl FnMut(TrainingEvent) + 'static,
) -> Result<(JobId, EventChannel), CommandError> {
    let channel = EventChannel::new(on_event)?;
    let arguments = args(&[
        ("request", to_js(&request)?),
        ("onEvent", channel.channel.clone()),
    ])?;
    let job_id = invoke(commands::START_TRAINING, arguments).await?;
    Ok((job_id, channel))
}

/// Grades the model a run trained.
pub async fn submit_run(run_id: RunId) -> Result<Submission, CommandError> {
    let request = SubmitRequest { run_id };
    invoke(
        commands::SUBMIT_RUN,
        args(&[("request", to_js(&request)?)])?,
    )
    .await
}

pub async fn task_stats() -> Result<Vec<TaskStats>, CommandError> {
    invoke(commands::TASK_STATS, JsValue::UNDEFINED).await
}

/// Stored runs, newest first as the backend orders them; all tasks' when `task_id` is `None`.
pub async fn list_attempts(task_id: Option<String>) -> Result<Vec<AttemptSummary>, CommandError> {
    invoke(
        commands::LIST_ATTEMPTS,
        args(&[("taskId", to_js(&task_id)?)])?,
    )
    .await
}

/// One page of the attempt history, filtered and ordered by `query`.
pub async fn history_page(query: &HistoryQuery) -> Result<HistoryPage, CommandError> {
    invoke(commands::HISTORY_PAGE, args(&[("query", to_js(query)?)])?).await
}

/// Everything kept about one run.
pub async fn attempt_detail(run_id: RunId) -> Result<AttemptDetail, CommandError> {
    invoke(
        commands::ATTEMPT_DETAIL,
        args(&[("runId", to_js(&run_id)?)])?,
    )
    .await
}

/// Two runs side by side, their code diffed by the backend.
pub async fn compare_attempts(
    left: RunId,
    right: RunId,
) -> Result<AttemptComparison, CommandError> {
    let arguments = args(&[("left", to_js(&left)?), ("right", to_js(&right)?)])?;
    invoke(commands::COMPARE_ATTEMPTS, arguments).await
}

/// The training run in progress, if any, with its events so far; its
/// further events go to `on_event` (and no longer to the channel that
/// followed it before). Keep the returned channel as long as the events
/// matter.
pub async fn attach_training(
    on_event: impl FnMut(TrainingEvent) + 'static,
) -> Result<(Option<LiveTraining>, EventChannel), CommandError> {
    let channel = EventChannel::new(on_event)?;
    let arguments = args(&[("onEvent", channel.channel.clone())])?;
    let live = invoke(commands::ATTACH_TRAINING, arguments).await?;
    Ok((live, channel))
}

/// Puts `code` in the task's draft; the replaced draft is kept one step back.
pub async fn replace_draft(task_id: &str, code: &str) -> Result<(), CommandError> {
    let arguments = args(&[
        ("taskId", JsValue::from_str(task_id)),
        ("code", JsValue::from_str(code)),
    ])?;
    invoke(commands::REPLACE_DRAFT, arguments).await
}

/// The draft that the last `replace_draft` of the task replaced, if any.
pub async fn previous_draft(task_id: &str) -> Result<Option<String>, CommandError> {
    invoke(
        commands::PREVIOUS_DRAFT,
        args(&[("taskId", JsValue::from_str(task_id))])?,
    )
    .await
}

/// Writes the runs `run_ids` (every run when `None`) to a file.
pub async fn export_history(run_ids: Option<Vec<RunId>>) -> Result<ExportedFile, CommandError> {
    invoke(
        commands::EXPORT_HISTORY,
        args(&[("runIds", to_js(&run_ids)?)])?,
    )
    .await
}

/// Reads an exported history file into the history.
pub async fn import_history(path: &str) -> Result<ImportSummary, CommandError> {
    invoke(
        commands::IMPORT_HISTORY,
        args(&[("path", JsValue::from_str(path))])?,
    )
    .await
}

/// Starts a mock exam of `minutes` (one of [`MockRequest::LENGTHS`]).
pub async fn start_mock(minutes: u32) -> Result<MockState, CommandError> {
    let request = MockRequest { minutes };
    invoke(
        commands::START_MOCK,
        args(&[("request", to_js(&request)?)])?,
    )
    .await
}

/// The mock in progress, if any.
pub async fn current_mock() -> Result<Option<MockState>, CommandError> {
    invoke(commands::CURRENT_MOCK, JsValue::UNDEFINED).await
}

/// Ends the mock now; `abandon` ends it without counting it.
pub async fn end_mock(mock_id: MockId, abandon: bool) -> Result<MockState, CommandError> {
    let arguments = args(&[
        ("mockId", to_js(&mock_id)?),
        ("abandon", JsValue::from_bool(abandon)),
    ])?;
    invoke(commands::END_MOCK, arguments).await
}

/// A mock's report: public scores while it runs, both halves at the end.
pub async fn mock_report(mock_id: MockId) -> Result<MockReport, CommandError> {
    invoke(
        commands::MOCK_REPORT,
        args(&[("mockId", to_js(&mock_id)?)])?,
    )
    .await
}

/// Every mock, newest first as the backend orders them.
pub async fn list_mocks() -> Result<Vec<MockState>, CommandError> {
    invoke(commands::LIST_MOCKS, JsValue::UNDEFINED).await
}
