//! The compute device training runs on.
//!
//! CPU is always available. Builds with the `cuda` or `metal` cargo feature
//! prefer that backend when a device answers, and fall back to the CPU with
//! the reason recorded, so the Settings page can say why.
//! `DOJO_DEVICE=cpu|cuda|metal` forces a choice.

use std::sync::atomic::{AtomicBool, Ordering};

use candle_core::Device;

use crate::{Error, Result};

/// Environment variable that forces a backend.
pub const DEVICE_ENV: &str = "DOJO_DEVICE";

/// The device in use and how to describe it to a person.
#[derive(Debug, Clone)]
pub struct ComputeDevice {
    device: Device,
    description: String,
}

impl ComputeDevice {
    /// The plain CPU device.
    pub fn cpu() -> ComputeDevice {
        let mut features = Vec::new();
        if candle_core::utils::with_avx() {
            features.push("avx");
        }
        if candle_core::utils::with_f16c() {
            features.push("f16c");
        }
        if candle_core::utils::with_neon() {
            features.push("neon");
        }
        if candle_core::utils::with_simd128() {
            features.push("simd128");
        }
        let threads = candle_core::utils::get_num_threads();
        let plural = if threads == 1 { "" } else { "s" };
        let description = if features.is_empty() {
            format!("CPU ({threads} thread{plural})")
        } else {
            format!("CPU ({threads} thread{plural}, {})", features.join(", "))
        };
        ComputeDevice {
            device: Device::Cpu,
            description,
        }
    }

    /// Chooses the device: `DOJO_DEVICE` if set, else the best compiled backend
    /// that answers, else the CPU.
    pub fn select() -> Result<ComputeDevice> {
        match std::env::var(DEVICE_ENV).ok().as_deref() {
            None | Some("") | Some("auto") => Ok(ComputeDevice::best_available()),
            Some(name) => ComputeDevice::named(name),
        }
    }

    /// The device called `name` (`cpu`, `cuda` or `metal`), or an error
    /// saying why it cannot be used.
    pub fn named(name: &str) -> Result<ComputeDevice> {
        match name {
            "cpu" => Ok(ComputeDevice::cpu()),
            "cuda" => cuda(),
            "metal" => metal(),
            other => Err(Error::DeviceUnavailable {
                device: other.to_owned(),
                reason: "unknown device; use cpu, cuda or metal".to_owned(),
            }),
        }
    }

    fn best_available() -> ComputeDevice {
        cuda()
            .or_else(|_| metal())
            .unwrap_or_else(|_| ComputeDevice::cpu())
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    pub fn description(&self) -> &str {
        &self.description
    }
}

/// The backends this build was compiled with.
pub fn compiled_backends() -> Vec<String> {
    let mut backends = vec!["cpu".to_owned()];
    if cfg!(feature = "cuda") {
        backends.push("cuda".to_owned());
    }
    if cfg!(feature = "metal") {
        backends.push("metal".to_owned());
    }
    backends
}

fn cuda() -> Result<ComputeDevice> {
    if !cfg!(feature = "cuda") {
        return Err(not_compiled("cuda"));
    }
    let device = Device::new_cuda(0).map_err(|error| Error::DeviceUnavailable {
        device: "cuda".to_owned(),
        reason: error.to_string(),
    })?;
    Ok(ComputeDevice {
        device,
        description: "CUDA GPU 0".to_owned(),
    })
}

fn metal() -> Result<ComputeDevice> {
    if !cfg!(feature = "metal") {
        return Err(not_compiled("metal"));
    }
    let device = Device::new_metal(0).map_err(|error| Error::DeviceUnavailable {
        device: "metal".to_owned(),
        reason: error.to_string(),
    })?;
    Ok(ComputeDevice {
        device,
        description: "Metal GPU 0".to_owned(),
    })
}

fn not_compiled(backend: &str) -> Error {
    Error::DeviceUnavailable {
        device: backend.to_owned(),
        reason: format!("this build of Dojo was compiled without the `{backend}` feature"),
    }
}

/// What the process is doing while it trains, which decides how many CPU
/// threads training may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// The desktop app: a window must keep drawing live charts while a model
    /// trains, so training leaves one core to the web view and the UI.
    Interactive,
    /// The command line and the benchmark: training may use every core.
    Batch,
}

/// How many threads the CPU backend should use: `RAYON_NUM_THREADS` if set
/// to a positive number, else by workload, from the machine's available
/// parallelism `n`: `Batch` takes `n`, `Interactive` takes `n - 1` (at
/// least 1). Measured on the 2-core build machine (tests/bench/README.md):
/// two threads train the convolutional and recurrent bench models 15-40%
/// faster than one, only the smallest dense models lose 10-30%; the app's
/// one thread keeps an epoch's chart point within 100 ms of the epoch's end
/// while training runs.
///
/// The binaries export the answer with [`configure_process`].
pub fn thread_count_policy(workload: Workload) -> usize {
    let cores = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1);
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|value| value.parse::<usize>().ok())
        .filter(|&threads| threads > 0)
        .unwrap_or(match workload {
            Workload::Batch => cores,
            Workload::Interactive => cores.saturating_sub(1).max(1),
        })
}

/// mimalloc's `mi_option_purge_delay` (its position in `mi_option_e`,
/// `mimalloc.h`, in both the v2 and v3 sources `libmimalloc-sys` 0.1.49
/// builds; not exported as a constant by the crate).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long mimalloc keeps freed memory before returning it to the OS. The
/// default (10 ms) is shorter than a training step, so every step's large
/// activations came back as fresh pages the kernel had to zero. Measured on
/// the Fashion-MNIST task model (2 epochs of 1024 samples, one thread, with
/// `MIMALLOC_PURGE_DELAY`): 600-2800 page faults and 1.06-1.23 s of CPU at
/// the default, about 465 and 0.84-0.86 s at 1000 ms (tests/bench/README.md).
/// Memory still goes back to the OS a second after training stops.
const PURGE_DELAY_MS: std::ffi::c_long = 1000;

/// The variable through which candle's CPU worker pool (elementwise ops)
/// reads how long an idle worker spins before it parks.
const CANDLE_SPIN_LIMIT: &str = "CANDLE_BARRIER_POOL_SPIN_LIMIT";

/// Spins before an idle candle worker parks (candle's default: 25 000).
/// With as many workers as cores, a spinning worker takes a core from the
/// training thread between ops; measured with two threads on the 2-core
/// build machine (tests/bench/README.md), 100 made 6 of 8 bench models
/// faster (CNN 0.83 -> 0.73 s an epoch, Fashion-MNIST 0.39 -> 0.35).
const SPIN_LIMIT: u32 = 100;

/// Process-wide set-up for training; call first thing in `main`, before any
/// other thread starts. Exports `RAYON_NUM_THREADS` from
/// [`thread_count_policy`] (candle reads it on every matrix product and,
/// when it is unset, re-reads the CPU topology each time), shortens the
/// spinning of candle's idle workers unless `CANDLE_BARRIER_POOL_SPIN_LIMIT`
/// is set, and sets mimalloc's purge delay (harmless where mimalloc is not
/// the allocator).
///
/// For [`Workload::Interactive`] it also makes training a background
/// activity: the rayon pool is built here with threads that lower their
/// own scheduling priority, and [`enter_background`] (which every job
/// thread calls) does the same for the thread that runs the job, so the
/// window's threads win any core they contend for.
///
/// # Safety
///
/// Call it before the process starts any other thread (first thing in
/// `main`): it writes the environment and mimalloc's options, which are not
/// safe to change while another thread may read them.
#[allow(unsafe_code)]
pub unsafe fn configure_process(workload: Workload) {
    let threads = thread_count_policy(workload);
    // SAFETY: the caller guarantees no other thread exists, so nothing can
    // read the environment concurrently.
    unsafe { std::env::set_var("RAYON_NUM_THREADS", threads.to_string()) };
    if std::env::var_os(CANDLE_SPIN_LIMIT).is_none() {
        // SAFETY: as above, no other thread exists yet.
        unsafe { std::env::set_var(CANDLE_SPIN_LIMIT, SPIN_LIMIT.to_string()) };
    }
    // SAFETY: `mi_option_set` is not thread safe; no other thread exists
    // yet (as above). The option index is in range for the linked mimalloc.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    if workload == Workload::Interactive {
        BACKGROUND.store(true, Ordering::Relaxed);
        // Fails only if something built the global pool already; its
        // threads then keep the normal priority, which is no error.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .start_handler(|_| lower_thread_priority())
            .build_global();
    }
}

/// Whether [`configure_process`] made training a background activity.
static BACKGROUND: AtomicBool = AtomicBool::new(false);

/// The nice value (Linux) of training threads in the desktop app: the
/// scheduler then gives the window's threads (nice 0) about ten times
/// their share of a contended core. Measured with the end-to-end test's
/// chart latency (tests/bench/README.md, "Process settings").
const BACKGROUND_NICE: i32 = 10;

/// Called first thing on a job's thread: in a process configured for
/// [`Workload::Interactive`], lowers this thread's scheduling priority (and
/// so that of the threads it starts, such as candle's); elsewhere nothing.
pub fn enter_background() {
    if BACKGROUND.load(Ordering::Relaxed) {
        lower_thread_priority();
    }
}

/// Raises the calling thread's nice value to [`BACKGROUND_NICE`] if it is
/// lower (never the other way). Linux only: elsewhere `setpriority` would
/// change the whole process. A refusal leaves the priority as it was.
#[allow(unsafe_code)]
fn lower_thread_priority() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `gettid` has no preconditions; `getpriority` and
        // `setpriority` on one thread id read and change only that thread's
        // nice value, and report failure through their return values (a
        // failed read gives -1, which at worst asks for the change anyway).
        unsafe {
            let tid = libc::gettid() as libc::id_t;
            if libc::getpriority(libc::PRIO_PROCESS, tid) < BACKGROUND_NICE {
                let _ = libc::setpriority(libc::PRIO_PROCESS, tid, BACKGROUND_NICE);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A background thread really runs at the lower priority; the thread
    /// that asked for nothing keeps its own.
    #[cfg(target_os = "linux")]
    #[test]
    #[allow(unsafe_code)]
    fn background_threads_run_at_a_lower_priority() {
        // SAFETY: `getpriority` on the calling thread's id reads its nice
        // value; -1 is a valid result, so errno is not consulted.
        let nice =
            || unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) };
        let before = nice();
        let lowered = std::thread::spawn(move || {
            lower_thread_priority();
            nice()
        })
        .join()
        .unwrap_or(before);
        assert_eq!(lowered, BACKGROUND_NICE.max(before));
        assert_eq!(nice(), before);
    }

    #[test]
    fn cpu_is_always_compiled_and_described() {
        assert_eq!(compiled_backends()[0], "cpu");
        let cpu = ComputeDevice::named("cpu").unwrap();
        assert!(
            cpu.description().starts_with("CPU ("),
            "{}",
            cpu.description()
        );
        assert!(cpu.device().is_cpu());
    }

    #[test]
    fn unknown_and_uncompiled_devices_say_why() {
        let error = ComputeDevice::named("tpu").unwrap_err().to_string();
        assert!(error.contains("use cpu, cuda or metal"), "{error}");
        if !cfg!(feature = "cuda") {
            let error = ComputeDevice::named("cuda").unwrap_err().to_string();
            assert!(error.contains("without the `cuda` feature"), "{error}");
        }
    }

    #[test]
    fn thread_policy_is_positive() {
        assert!(thread_count_policy(Workload::Batch) >= 1);
        assert!(thread_count_policy(Workload::Interactive) >= 1);
        assert!(thread_count_policy(Workload::Interactive) <= thread_count_policy(Workload::Batch));
    }
}
