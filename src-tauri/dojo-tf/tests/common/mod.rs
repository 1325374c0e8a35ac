//! Code shared by this crate's integration tests and the fuzz targets.
#![allow(dead_code)]

pub mod fuzz_run;
pub mod hostile;
