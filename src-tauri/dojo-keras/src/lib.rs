//! Keras on candle: layers, models, compile/fit/evaluate/predict,
//! optimizers, losses, metrics and callbacks with Keras's semantics and
//! defaults.
//!
//! This crate knows nothing of the Python interpreter: the engine binds its
//! API to the `tensorflow` module user code imports.

pub mod ops;
