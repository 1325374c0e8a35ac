//! Per-thread global state that Keras keeps in its backend: the random seed,
//! the float type, the device and the counters behind automatic layer names.
//! `clear_session` resets it (like `tf.keras.backend.clear_session`).

use std::cell::RefCell;
use std::collections::HashMap;

use candle_core::{DType, Device};

use crate::error::{KerasError, Result};

struct State {
    /// The host's settings for this run: kept by `clear_session`.
    config: SessionConfig,
    rng: Rng,
    dtype: DType,
    names: HashMap<String, usize>,
}

impl State {
    fn new(config: SessionConfig) -> Self {
        Self {
            rng: Rng::new(config.seed),
            dtype: DType::F32,
            names: HashMap::new(),
            config,
        }
    }
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::new(SessionConfig::default()));
}

/// The parameter limit unless the host sets another.
pub const DEFAULT_MAX_PARAMS: usize = 100_000_000;

/// The seed a session starts from unless the host gives another.
pub const DEFAULT_SEED: u64 = 0;

/// What the host decides for a whole run, set once when the run begins.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Where the generator of initialisers, dropout and shuffles starts, and
    /// where `clear_session` brings it back to.
    pub seed: u64,
    /// The device new weights are created on.
    pub device: Device,
    /// The most parameters a model (or one of its weights) may have.
    pub max_params: usize,
    /// Asked before weights or a batch's activations are allocated:
    /// `Err(message)` refuses `bytes` for `what` (the host's memory
    /// budget). `None` grants everything.
    pub memory: Option<MemoryCheck>,
}

/// The host's memory check: `Err(message)` refuses `bytes` for `what`.
pub type MemoryCheck = fn(bytes: u128, what: &str) -> std::result::Result<(), String>;

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            seed: DEFAULT_SEED,
            device: Device::Cpu,
            max_params: DEFAULT_MAX_PARAMS,
            memory: None,
        }
    }
}

/// Starts a run's session on this thread: fresh names, the float type's
/// default, the generator at `config.seed`, and the host's device and
/// parameter limit. The host calls this once per run; user code cannot.
pub fn begin(config: SessionConfig) {
    STATE.with(|s| *s.borrow_mut() = State::new(config));
}

/// `tf.keras.backend.clear_session()`: resets names, float type and the
/// generator to the run's start; the host's settings (seed, device,
/// parameter limit) stay.
pub fn clear_session() {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let config = s.config.clone();
        *s = State::new(config);
    });
}

/// The seed the run's session started from.
pub fn session_seed() -> u64 {
    STATE.with(|s| s.borrow().config.seed)
}

pub fn max_params() -> usize {
    STATE.with(|s| s.borrow().config.max_params)
}

/// Fails with [`KerasError::Memory`] if the host's memory budget cannot
/// spare `bytes` for `what`.
pub fn ensure_room(bytes: u128, what: &str) -> Result<()> {
    let check = STATE.with(|s| s.borrow().config.memory);
    match check {
        Some(check) => check(bytes, what).map_err(KerasError::Memory),
        None => Ok(()),
    }
}

/// Fails if `count` parameters exceed the limit.
pub fn check_params(count: Option<usize>, what: &str) -> Result<()> {
    let limit = max_params();
    match count {
        Some(count) if count <= limit => Ok(()),
        count => Err(KerasError::ParameterLimit {
            what: what.to_owned(),
            count,
            limit,
        }),
    }
}

/// Seeds every random choice that follows (weights, dropout, shuffling):
/// `keras.utils.set_random_seed` / `tf.random.set_seed`.
pub fn set_random_seed(seed: u64) {
    STATE.with(|s| s.borrow_mut().rng = Rng::new(seed));
}

/// Sets the float type of new weights: "float32" (default) or "float64".
pub fn set_floatx(name: &str) -> Result<()> {
    let dtype = match name {
        "float32" => DType::F32,
        "float64" => DType::F64,
        other => {
            return Err(KerasError::Argument(format!(
                "unsupported floatx '{other}'; Dojo supports 'float32' and 'float64'"
            )));
        }
    };
    STATE.with(|s| s.borrow_mut().dtype = dtype);
    Ok(())
}

/// The float type of new weights.
pub fn floatx() -> DType {
    STATE.with(|s| s.borrow().dtype)
}

/// The device new weights are created on.
pub fn device() -> Device {
    STATE.with(|s| s.borrow().config.device.clone())
}

/// Keras's automatic name: `prefix`, then `prefix_1`, `prefix_2`, ...
pub(crate) fn unique_name(prefix: &str) -> String {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let n = s.names.entry(prefix.to_string()).or_insert(0);
        let name = if *n == 0 {
            prefix.to_string()
        } else {
            format!("{prefix}_{n}")
        };
        *n += 1;
        name
    })
}

/// A small deterministic generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(1e-300);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Uniform integer in 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        (self.uniform() * n as f64) as usize % n.max(1)
    }

    /// A uniformly shuffled permutation of 0..n (Fisher-Yates).
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
        v
    }
}

/// Runs `f` with the session's generator.
pub(crate) fn with_rng<T>(f: impl FnOnce(&mut Rng) -> T) -> T {
    STATE.with(|s| f(&mut s.borrow_mut().rng))
}
