//! Every call to the backend. Nothing else in the UI talks to Tauri.
//!
//! Commands go through `window.__TAURI__.core.invoke` (the app sets
//! `withGlobalTauri`); streamed job events arrive on a
//! `window.__TAURI__.core.Channel` created here.

use dojo_protocol::{
    AppInfo, CommandError, DatasetAttribution, DeviceCheckRequest, JobEvent, JobId, TaskSummary,
    commands,
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

/// A Tauri channel whose messages are handed to a Rust callback. Dropping
/// it stops delivery, so keep it until its job has ended.
pub struct EventChannel {
    channel: JsValue,
    _on_message: Closure<dyn FnMut(JsValue)>,
}

impl EventChannel {
    fn new(mut on_event: impl FnMut(JobEvent) + 'static) -> Result<EventChannel, CommandError> {
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
            match serde_wasm_bindgen::from_value::<JobEvent>(message) {
                Ok(event) => on_event(event),
                Err(error) => on_event(JobEvent::Failed {
                    message: format!("unreadable progress event: {error}"),
                }),
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
