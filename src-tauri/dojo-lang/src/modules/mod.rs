//! Standard-library modules implemented in Rust, installed by
//! [`install_standard_modules`]. Host-specific modules (numpy, tensorflow,
//! the virtual file system) are registered by the engine.

mod math;
mod random;

use crate::interp::Interpreter;

/// Registers the pure standard modules that need nothing from the host.
pub fn install_standard_modules(interpreter: &mut Interpreter) {
    interpreter.register_module("math", math::module);
    interpreter.register_module("random", random::module);
}
