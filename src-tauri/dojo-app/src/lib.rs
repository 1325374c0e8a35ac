//! Dojo's desktop shell.
//!
//! Thin by design: [`run`] builds the Tauri app, [`state::AppState`] holds
//! the engine's job runner and the store, and every command in [`commands`]
//! is a one-line delegation. Progress streams to the UI over a
//! `tauri::ipc::Channel` per job (Tauri events are not meant for high
//! throughput, and events sent before the UI listens are lost).

pub mod commands;
pub mod error;
pub mod live;
pub mod mock;
pub mod practice;
pub mod state;

use tauri::Manager;

/// Process set-up before any thread starts: training leaves a core to the
/// window (see `dojo_engine::device::configure_process`). Call first thing
/// in `main`.
///
/// # Safety
///
/// As [`dojo_engine::device::configure_process`]: before any other thread
/// of the process starts.
#[allow(unsafe_code)]
pub unsafe fn configure_threads() {
    // SAFETY: our caller's guarantee is the one `configure_process` needs.
    unsafe { dojo_engine::device::configure_process(dojo_engine::device::Workload::Interactive) };
}

/// Runs the desktop app until its window closes.
pub fn run() -> tauri::Result<()> {
    tauri::Builder::default()
        .setup(|app| {
            let state = state::AppState::open()?;
            app.manage(state);
            mock::watch_deadline(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::list_tasks,
            commands::list_datasets,
            commands::start_device_check,
            commands::cancel_job,
            commands::get_task,
            commands::check_code,
            commands::complete_code,
            commands::signature_help,
            commands::hover_code,
            commands::save_draft,
            commands::start_training,
            commands::submit_run,
            commands::task_stats,
            commands::list_attempts,
            commands::history_page,
            commands::attempt_detail,
            commands::compare_attempts,
            commands::attach_training,
            commands::replace_draft,
            commands::previous_draft,
            commands::export_history,
            commands::import_history,
            commands::start_mock,
            commands::current_mock,
            commands::end_mock,
            commands::mock_report,
            commands::list_mocks,
        ])
        .run(tauri::generate_context!("../../tauri.conf.json"))
}
