//! A run's interpreter with tight limits, as the CI slice uses it.

use dojo_lang::{Limits, SourceFile, parse};
use dojo_tf::keras::TrainingContext;
use dojo_tf::{RunOptions, interpreter};

pub fn run(source: &str) {
    let parsed = parse(source);
    if !parsed.is_runnable() {
        return;
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
    if let Err(error) = interpreter.run(&parsed.module) {
        let _ = error.render(&SourceFile::new("fuzz.py", source));
    }
}
