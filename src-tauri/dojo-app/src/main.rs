// Hides the console window of a release build on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[allow(unsafe_code)]
fn main() -> std::process::ExitCode {
    // SAFETY: first thing in `main`: no other thread exists yet.
    unsafe { dojo_app::configure_threads() };
    match dojo_app::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Dojo could not start: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
