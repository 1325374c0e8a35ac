// Hides the console window of a release build on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[global_allocator]
/// mimalloc, counting what it holds for the run's memory budget.
static GLOBAL: dojo_engine::memory::Counting<mimalloc::MiMalloc> =
    dojo_engine::memory::Counting(mimalloc::MiMalloc);

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
