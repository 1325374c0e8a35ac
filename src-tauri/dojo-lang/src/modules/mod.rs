//! Standard-library modules implemented in Rust, installed by
//! [`install_standard_modules`]: `math`, `random`, `numpy`, `csv`, `json`, `os`/`os.path`, `urllib.request`, `zipfile`, `matplotlib`/`IPython.display` stand-ins that
//! draw nothing, and the `open` built-in, the last three over the interpreter's virtual file
//! system. The `tensorflow` and `keras` module tree is the `dojo-tf` crate's.

mod csv;
pub mod files;
mod json;
mod math;
pub(crate) mod numpy;
mod os;
mod plots;
pub mod random;
pub(crate) mod unavailable;
mod urllib;
mod zipfile;

use crate::interp::Interpreter;

/// Registers the pure standard modules that need nothing from the host.
pub fn install_standard_modules(interpreter: &mut Interpreter) {
    interpreter.register_module("math", math::module);
    interpreter.register_module("random", random::module);
    interpreter.register_module("numpy", numpy::module);
    interpreter.register_module("csv", csv::module);
    interpreter.register_module("json", json::module);
    interpreter.register_module("os", os::module);
    interpreter.register_module("os.path", os::path_module);
    interpreter.register_module("urllib", urllib::module);
    interpreter.register_module("zipfile", zipfile::module);
    interpreter.register_module("urllib.request", urllib::request_module);
    interpreter.register_module("matplotlib", plots::matplotlib);
    interpreter.register_module("matplotlib.pyplot", plots::pyplot);
    interpreter.register_module("matplotlib.image", plots::matplotlib_image);
    interpreter.register_module("matplotlib.ticker", plots::matplotlib_ticker);
    interpreter.register_module("IPython", plots::ipython);
    interpreter.register_module("IPython.display", plots::ipython_display);
    interpreter.define_builtin("open", crate::object::Builtin::value("open", files::open));
}
