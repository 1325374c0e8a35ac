//! One fuzz execution of the interpreter: a run's interpreter with tight
//! limits (a few thousand steps, small arrays and models, one short
//! epoch). Shared by the CI slice (`tests/fuzz_slice.rs`) and the
//! coverage-guided targets in `tests/fuzz/`.

use dojo_lang::{Limits, SourceFile, parse};
use dojo_tf::keras::TrainingContext;
use dojo_tf::{RunOptions, interpreter};

/// Runs `source`: `None` if it does not parse, else `"ok"` or the kind of
/// the exception it ended with (whose report must name it).
pub fn run_once(source: &str) -> Option<String> {
    let parsed = parse(source);
    if !parsed.is_runnable() {
        return None;
    }
    let options = RunOptions {
        limits: Limits {
            max_steps: 20_000,
            max_call_depth: 50,
            max_collection_items: 200_000,
            max_array_bytes: 16 << 20,
            max_model_params: 200_000,
            max_epochs: 2,
            // Each request above this is refused at once, counted or not.
            max_run_bytes: 64 << 20,
        },
        max_epochs: Some(1),
        max_steps: Some(2),
        ..RunOptions::default()
    };
    let mut interpreter = interpreter(TrainingContext::quiet(options), |_| {});
    match interpreter.run(&parsed.module) {
        Ok(()) => Some("ok".to_owned()),
        Err(error) => {
            let report = error.render(&SourceFile::new("fuzz.py", source));
            assert!(report.contains(&error.kind), "{report}");
            Some(error.kind.clone())
        }
    }
}
