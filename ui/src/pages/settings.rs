//! Settings: what this installation is, and a device check that trains a
//! small model in the background with live progress.

use dojo_protocol::{AppInfo, DeviceCheckRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, EventChannel};
use crate::components::progress_bar::ProgressBar;
use crate::progress::{JobProgress, Phase};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let info = LocalResource::new(api::app_info);
    view! {
        <h1>"Settings"</h1>
        <p class="lead">"This installation of Dojo and the device it trains on."</p>
        <section class="card">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    info.get()
                        .map(|result| match result {
                            Ok(info) => view! { <AppFacts info /> }.into_any(),
                            Err(error) => view! { <p class="error">{error.message}</p> }.into_any(),
                        })
                }}
            </Suspense>
        </section>
        <DeviceCheckPanel />
    }
}

/// The facts table.
#[component]
fn AppFacts(
    /// What the backend reported.
    info: AppInfo,
) -> impl IntoView {
    view! {
        <table class="facts">
            <tr>
                <th>"Version"</th>
                <td id="app-version">{info.version}</td>
            </tr>
            <tr>
                <th>"Compute device"</th>
                <td id="device-name">{info.device}</td>
            </tr>
            <tr>
                <th>"Compiled backends"</th>
                <td id="device-backends">{info.compiled_backends.join(", ")}</td>
            </tr>
            <tr>
                <th>"Data directory"</th>
                <td id="data-dir">{info.data_dir}</td>
            </tr>
            <tr>
                <th>"Attempt history"</th>
                <td id="database-path">{info.database_path}</td>
            </tr>
        </table>
    }
}

/// Runs the engine's device check with a progress bar and a cancel button.
#[component]
fn DeviceCheckPanel() -> impl IntoView {
    let progress = RwSignal::new(JobProgress::default());
    let steps = RwSignal::new(2_000u32);
    // Keeps the running job's channel alive; replaced by the next run.
    let channel = StoredValue::<Option<EventChannel>, LocalStorage>::new_local(None);

    let start = move |_| {
        if progress.get_untracked().is_active() {
            return;
        }
        progress.set(JobProgress::starting());
        let request = DeviceCheckRequest {
            steps: steps.get_untracked(),
        };
        spawn_local(async move {
            let on_event = move |event| progress.update(|state| state.apply(event));
            match api::start_device_check(request, on_event).await {
                Ok((_job_id, job_channel)) => channel.set_value(Some(job_channel)),
                Err(error) => progress.update(|state| state.fail(&error.message)),
            }
        });
    };
    let cancel = move |_| {
        let Some(job_id) = progress.get_untracked().job_id else {
            return;
        };
        spawn_local(async move {
            // A job that ended meanwhile is not an error worth showing.
            if let Err(error) = api::cancel_job(job_id).await
                && error.code != "job_not_found"
            {
                progress.update(|state| state.fail(&error.message));
            }
        });
    };
    let status_class = move || match progress.with(|state| state.phase) {
        Phase::Failed => "status failed",
        Phase::Finished => "status finished",
        _ => "status",
    };

    view! {
        <section class="card">
            <h1>"Device check"</h1>
            <p class="lead">
                "Trains a small built-in network for a number of steps and measures how fast this machine trains."
            </p>
            <div class="row">
                <label for="check-steps">"Steps"</label>
                <input
                    type="number"
                    id="check-steps"
                    min="1"
                    prop:value=move || steps.get().to_string()
                    on:input=move |event| {
                        if let Ok(value) = event_target_value(&event).trim().parse::<u32>() {
                            steps.set(value);
                        }
                    }
                />
                <button
                    class="primary"
                    id="check-start"
                    disabled=move || progress.with(JobProgress::is_active)
                    on:click=start
                >
                    "Run device check"
                </button>
                <button
                    class="secondary"
                    id="check-cancel"
                    disabled=move || !progress.with(JobProgress::is_active)
                    on:click=cancel
                >
                    "Cancel"
                </button>
                <ProgressBar id="check-progress" fraction=Signal::derive(move || progress.with(JobProgress::fraction)) />
            </div>
            <div class=status_class id="check-status">
                {move || progress.with(|state| state.message.clone())}
            </div>
        </section>
    }
}
