//! The CI slice of the fuzz campaign (issue 18): the same two targets as
//! the coverage-guided ones in `tests/fuzz/` (`cargo fuzz`), run here on
//! stable over inputs made deterministically, 10,000 executions each.
//!
//! - **parser**: mutations of the error corpus and of generated programs
//!   through `parse` and every diagnostic's rendering;
//! - **interpreter**: generated hostile programs ([`common::hostile`]) and
//!   mutations of them, run in a run's interpreter with tight limits.
//!
//! Any panic fails the test (an abort or a stack overflow ends the test
//! process, which fails it too). The longer campaign is
//! `tests/fuzz/run.sh`; see `tests/fuzz/README.md`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use common::fuzz_run::run_once;
use common::hostile::{Choices, Lcg, program};
use dojo_lang::{SourceFile, parse};

/// Executions per target in CI.
const EXECUTIONS: usize = 10_000;

const FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    "=",
    "**",
    "//",
    "-",
    "not ",
    " if ",
    " else ",
    "lambda x: ",
    "\n",
    "\n    ",
    "'",
    "\"",
    "f'{",
    "}'",
    "0",
    "-1",
    "2**63",
    "MIN",
    "MAX",
    "None",
    "[]",
    "x",
    ".",
    "...",
    "\\",
    "[::-1]",
    "[::MIN]",
    ".reshape(-1)",
    "*",
    "@",
];

fn mutate(source: &str, random: &mut Lcg) -> String {
    let mut text: Vec<char> = source.chars().collect();
    for _ in 0..1 + random.pick(4) {
        let position = random.pick(text.len() + 1);
        match random.pick(4) {
            0 => {
                let fragment = FRAGMENTS[random.pick(FRAGMENTS.len())];
                text.splice(position..position, fragment.chars());
            }
            1 if position < text.len() => {
                let end = (position + 1 + random.pick(12)).min(text.len());
                text.drain(position..end);
            }
            2 => text.truncate(position),
            _ if position < text.len() => {
                let other = random.pick(text.len());
                text.swap(position, other);
            }
            _ => {}
        }
    }
    text.into_iter().collect()
}

/// The error corpus (`tests/corpus/errors/*.py`): the parser target's seeds.
fn error_corpus() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/errors");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "py"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect()
}

fn panic_text(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[test]
fn the_parser_target_never_panics() {
    let seeds = error_corpus();
    assert!(seeds.len() >= 20, "{} seed files", seeds.len());
    let mut random = Lcg(0xf022);
    for execution in 0..EXECUTIONS {
        let source = match execution % 3 {
            0 => mutate(&seeds[random.pick(seeds.len())], &mut random),
            1 => mutate(&program(&mut random), &mut random),
            _ => {
                let once = mutate(&seeds[random.pick(seeds.len())], &mut random);
                mutate(&once, &mut random)
            }
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let parsed = parse(&source);
            let file = SourceFile::new("fuzz.py", source.as_str());
            for diagnostic in &parsed.diagnostics {
                let _ = file.render(diagnostic);
            }
        }));
        if let Err(panic) = outcome {
            panic!(
                "execution {execution} panicked: {}\n{source}",
                panic_text(panic)
            );
        }
    }
}

#[test]
fn the_interpreter_target_never_panics() {
    let mut random = Lcg(0x18);
    let mut ran = 0;
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    for execution in 0..EXECUTIONS {
        let generated = program(&mut random);
        let source = match execution % 4 {
            3 => mutate(&generated, &mut random),
            _ => generated,
        };
        match catch_unwind(AssertUnwindSafe(|| run_once(&source))) {
            Ok(Some(kind)) => {
                ran += 1;
                *kinds.entry(kind).or_default() += 1;
            }
            Ok(None) => {}
            Err(panic) => {
                panic!(
                    "execution {execution} panicked: {}\n{source}",
                    panic_text(panic)
                )
            }
        }
    }
    // Most programs are well formed: the generated three quarters at least.
    assert!(ran >= EXECUTIONS * 7 / 10, "only {ran} ran: {kinds:?}");
    assert!(kinds.contains_key("ok"), "{kinds:?}");
}
