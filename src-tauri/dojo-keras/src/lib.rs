//! Keras on candle: layers, models, compile/fit/evaluate/predict,
//! optimizers, losses, metrics and callbacks with Keras 3's semantics and
//! defaults. Pure Rust; it knows nothing of the Python interpreter.
//!
//! # Binding guide
//!
//! The binding forwards Python calls by name with generic arguments
//! ([`ConfigValue`]): positional values and `(keyword, value)` pairs, exactly
//! as written by the user. Errors come back as [`KerasError`] values whose
//! messages read like Python's/Keras's (unknown keyword with a
//! did-you-mean, wrong types, unavailable classes listing what exists).
//!
//! | Python | Rust |
//! |---|---|
//! | `layers.Dense(10, activation="relu")` | [`layers::build`]`("Dense", vec![Int(10)], vec![("activation", Str("relu"))])` → [`LayerRef`] |
//! | `layers.Lambda(lambda x: x * 400)` | trace the lambda into a [`LambdaExpr`], pass `ConfigValue::Lambda` |
//! | `layers.Bidirectional(LSTM(32))` | pass the inner layer as `ConfigValue::Layer` |
//! | `tf.keras.Input(shape=(28, 28))` | [`model::input`] → [`SymbolicTensor`] (its [`SymbolicTensor::layer`] can be `add`ed to a Sequential) |
//! | `layer(t)` on symbolic tensors | [`model::call_symbolic`] |
//! | `layer(x)` on arrays | [`LayerRef::call`] |
//! | `norm.adapt(data)` | [`LayerRef::adapt`] |
//! | `Sequential([...])`, `.add`, `.pop` | [`Model::sequential`], [`Model::add`], [`Model::pop`] |
//! | `Model(inputs, outputs)` | [`Model::functional`] |
//! | `model.summary()` | [`Model::summary`] (returns the text to print) |
//! | `count_params`, `get_weights`, `set_weights`, `layers`, `trainable` | [`Model::count_params`], [`Model::get_weights`], [`Model::set_weights`], [`Model::layers`], [`Model::set_trainable`] / [`LayerRef::set_trainable`] |
//! | `model.compile(optimizer, loss, metrics)` | [`optimizers::build`], [`losses::build`], [`metrics::build`] then [`Model::compile`]; a string `"adam"` is `build("adam", vec![], vec![])` |
//! | `model.fit(x, y, ...)` | [`Model::fit`] with [`Data::Arrays`] and [`FitOptions`] |
//! | `model.fit(dataset, ...)` | [`Model::fit`] with [`Data::Host`]: the host implements [`FitHost::next_train_batch`] |
//! | callbacks | built-ins via [`callbacks::build`] into [`FitOptions::callbacks`]; Python callbacks and `LearningRateScheduler` run in the host's [`FitHost`] methods and act through [`TrainControl`] |
//! | `evaluate`, `predict` | [`Model::evaluate`], [`Model::evaluate_batches`], [`Model::predict`] |
//! | `model.save(p)`, `load_model(p)` | [`Model::save_to_bytes`], [`Model::load_from_bytes`] (the host does file I/O) |
//! | `tf.random.set_seed`, `clear_session`, `set_floatx` | [`session::set_random_seed`], [`session::clear_session`], [`session::set_floatx`] |
//!
//! Layer shapes are [`Dims`] (batch axis first, `None` unknown), tensors are
//! channels-last as in Keras. All state (seed, automatic names such as
//! `dense_1`, float type, device) is per thread in [`session`]; layers and
//! models are `Rc`-shared (not `Send`), so a model lives and trains on the
//! interpreter's thread.
//!
//! The convolution and pooling kernels sit behind one private adapter
//! (`layers::backend`), whose signatures match the fast `ops` module.

pub mod activations;
pub mod callbacks;
pub mod config;
pub mod error;
pub mod initializers;
pub mod layers;
pub mod losses;
pub mod metrics;
pub mod model;
pub mod ops;
pub mod optimizers;
pub mod regularizers;
mod serial;
pub mod session;
pub mod signatures;
mod summary;
pub mod training;

pub use config::{ConfigValue, LambdaExpr};
pub use error::{KerasError, Result};
pub use layers::{Dims, LayerRef};
pub use model::{Model, SymbolicTensor};
pub use training::{Data, FitHost, FitOptions, History, Logs, NoHost, TrainControl, Validation};
