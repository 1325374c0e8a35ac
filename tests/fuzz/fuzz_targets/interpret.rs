//! The interpreter on any source text (seeded with the error corpus and
//! generated programs): it must end in a result or a Python exception.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../../src-tauri/dojo-tf/tests/common/fuzz_run.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(source) = std::str::from_utf8(data) {
        let _ = common::run_once(source);
    }
});
