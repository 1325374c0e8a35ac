//! The interpreter on hostile programs built from the fuzzer's bytes by
//! the generator the CI slice uses (extreme integers, slices, cyclic and
//! deep data, windows, Keras layers with odd shapes).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../../src-tauri/dojo-tf/tests/common/fuzz_run.rs"]
mod common;
#[path = "../../../src-tauri/dojo-tf/tests/common/hostile.rs"]
mod hostile;

fuzz_target!(|data: &[u8]| {
    let source = hostile::program(&mut hostile::Bytes(data));
    let _ = common::run_once(&source);
});
