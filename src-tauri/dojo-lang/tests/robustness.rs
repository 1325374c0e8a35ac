//! A bounded, deterministic fuzz test: mutated and truncated versions of
//! exam-shaped programs go through the parser, the lowering and the
//! interpreter (with tight limits). Any panic fails the test; errors are
//! the expected outcome for most inputs.

use dojo_lang::{Interpreter, Limits, SourceFile, parse};

const SEEDS: &[&str] = &[
    r#"
import math
def windows(series, size):
    out = []
    for i in range(len(series) - size):
        out.append((series[i:i + size], series[i + size]))
    return out
data = [math.sin(i / 3) * 10 for i in range(60)]
pairs = windows(data, 5)
print(f"{len(pairs)} windows, first target {pairs[0][1]:.3f}")
"#,
    r#"
class Callback:
    def __init__(self, patience=3):
        self.best, self.wait, self.patience = None, 0, patience
    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("loss", 0.0)
        if self.best is None or loss < self.best:
            self.best, self.wait = loss, 0
        else:
            self.wait += 1
        return self.wait >= self.patience
cb = Callback()
stops = [cb.on_epoch_end(e, {"loss": 1 / (e + 1) if e < 4 else 1.0}) for e in range(10)]
print(stops.index(True) if True in stops else -1, {k: v for k, v in zip("abc", range(3))})
"#,
    r#"
rows = "mpg,cyl\n18,8\n15,8\n?,4\n".splitlines()
header, *body = [r.split(",") for r in rows]
clean = []
for r in body:
    try:
        clean.append([float(x) for x in r])
    except ValueError as e:
        print("skip", r, e)
print(header, sorted(clean, key=lambda r: r[0]), sum(r[0] for r in clean) / len(clean))
"#,
    r#"
import numpy as np
x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7
m = x > 1.5
x[m] = -1
y = x[:, ::-1, 1:3] * np.array([1, 2]) + x.mean(axis=(0, 2), keepdims=True)[..., :2]
idx = np.random.permutation(2)
print(y[idx][0, None].shape, np.unique(np.round(y, 2))[:3], y.argmax(axis=-1))
print(np.concatenate([y, y], axis=1).T.reshape(-1, 2)[:2], np.where(y > 0, y, 0).sum())
"#,
];

/// A small deterministic generator, so a failure reproduces exactly.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

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
    "==",
    "*",
    "**",
    "/",
    "//",
    "%",
    "-",
    "not ",
    " if ",
    " else ",
    "lambda x: ",
    "\n",
    "\n    ",
    "\t",
    "'",
    "\"",
    "f'{",
    "}'",
    "0",
    "-1",
    "1e308",
    "None",
    "[]",
    "{}",
    "()",
    "x",
    "self",
    "return ",
    "yield ",
    "await ",
    "async ",
    "del ",
    "global x\n",
    "import os\n",
    "__import__",
    ".",
    "..",
    "...",
    "é",
    "🦀",
    "\\",
    "while True: pass\n",
    "def f(*a, **k): return f(*a, **k)\nf()\n",
    "[0] * 10**9",
    "np.zeros((10**6, 10**6))",
    "[::-2, None]",
    "[..., 0]",
    "[[0, -1]]",
    ".T",
    ".astype('uint8')",
    ".reshape(-1)",
];

fn mutate(source: &str, random: &mut Lcg) -> String {
    let mut text: Vec<char> = source.chars().collect();
    for _ in 0..1 + random.below(4) {
        let position = random.below(text.len() + 1);
        match random.below(4) {
            0 => {
                let fragment = FRAGMENTS[random.below(FRAGMENTS.len())];
                text.splice(position..position, fragment.chars());
            }
            1 if position < text.len() => {
                let end = (position + 1 + random.below(12)).min(text.len());
                text.drain(position..end);
            }
            2 => text.truncate(position),
            _ if position < text.len() => {
                let other = random.below(text.len());
                text.swap(position, other);
            }
            _ => {}
        }
    }
    text.into_iter().collect()
}

#[test]
fn mutated_programs_never_panic() {
    let limits = Limits {
        max_steps: 20_000,
        max_call_depth: 50,
        max_collection_items: 100_000,
        max_array_bytes: 1 << 20,
        ..Limits::default()
    };
    let mut random = Lcg(0x5eed);
    let mut ran = 0;
    let mut failed_cleanly = 0;
    for round in 0..3000 {
        let seed = SEEDS[round % SEEDS.len()];
        let source = if round < SEEDS.len() {
            seed.to_owned()
        } else {
            mutate(seed, &mut random)
        };
        let parsed = parse(&source);
        let file = SourceFile::new("fuzz.py", source.as_str());
        for diagnostic in &parsed.diagnostics {
            let _ = file.render(diagnostic);
        }
        if !parsed.is_runnable() {
            continue;
        }
        ran += 1;
        let mut interpreter = Interpreter::new(limits, |_| {});
        if let Err(error) = interpreter.run(&parsed.module) {
            failed_cleanly += 1;
            let report = error.render(&file);
            assert!(report.contains(&error.kind), "{report}");
        }
    }
    // The unmutated seeds must run; many mutants parse and run too.
    assert!(ran >= 300, "only {ran} of 3000 programs were runnable");
    assert!(
        failed_cleanly > 0,
        "no mutant failed at run time; the mutations are too weak"
    );
}

#[test]
fn the_seed_programs_run_cleanly() {
    for seed in SEEDS {
        let parsed = parse(seed);
        assert!(parsed.is_runnable(), "{:?}", parsed.diagnostics);
        let mut interpreter = Interpreter::new(Limits::default(), |_| {});
        let result = interpreter.run(&parsed.module);
        assert!(result.is_ok(), "{:?}", result.err());
    }
}
