//! A generator of hostile programs (issue 18): big and small integers in
//! every place a count, an index or a size comes from, slices with extreme
//! steps, cyclic and deeply nested data, `tf.data` windows and Keras layers
//! with odd shapes. Each statement sits in its own `try`, so one program
//! reaches many operations. Shared by the CI fuzz slice
//! (`tests/fuzz_slice.rs`) and the coverage-guided targets in `tests/fuzz/`,
//! which feed it the fuzzer's bytes as its choices.

/// Where the generator's choices come from: `pick(n)` is in `0..n`.
pub trait Choices {
    fn pick(&mut self, n: usize) -> usize;
}

/// A small deterministic generator, so a failure reproduces exactly.
pub struct Lcg(pub u64);

impl Choices for Lcg {
    fn pick(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n.max(1) as u64) as usize
    }
}

/// Choices read from a fuzzer's bytes; zeros once they run out.
pub struct Bytes<'a>(pub &'a [u8]);

impl Choices for Bytes<'_> {
    fn pick(&mut self, n: usize) -> usize {
        match self.0.split_first() {
            Some((&byte, rest)) => {
                self.0 = rest;
                usize::from(byte) % n.max(1)
            }
            None => 0,
        }
    }
}

const INTEGERS: &[&str] = &[
    "0", "1", "-1", "2", "3", "7", "-7", "30", "255", "256", "1000", "2**31", "-2**31", "2**32",
    "2**53", "2**62", "-2**62", "MAX", "MIN", "MAX - 1", "10**18", "-10**18", "HUGE",
];

const PRELUDE: &str = "import json\nimport math\nimport numpy as np\nimport tensorflow as tf\nMAX = 2**62 - 1 + 2**62\nMIN = -MAX - 1\nHUGE = 2**40\n";

fn int(choices: &mut impl Choices) -> &'static str {
    INTEGERS[choices.pick(INTEGERS.len())]
}

fn pick<'a>(choices: &mut impl Choices, items: &[&'a str]) -> &'a str {
    items[choices.pick(items.len())]
}

/// One statement that may raise.
fn statement(choices: &mut impl Choices) -> String {
    let a = int(choices);
    let b = int(choices);
    let c = int(choices);
    match choices.pick(16) {
        0 => {
            let op = pick(
                choices,
                &["+", "-", "*", "//", "%", "**", "<<", ">>", "&", "|", "^", "/"],
            );
            format!("r = ({a}) {op} ({b})")
        }
        1 => format!(
            "r = {}",
            pick(
                choices,
                &[
                    "abs(MIN)", "-MIN", "divmod(MIN, -1)", "pow(2, MAX)", "round(1e308)",
                    "int(float('inf'))", "hex(MIN)", "chr(MAX)", "math.factorial(HUGE)",
                    "sum([MAX, MAX])", "int('9' * 30)", "float(MAX) // 0.5", "math.isqrt(MAX)",
                ]
            )
        ),
        2 => {
            let seq = pick(choices, &["[1, 2, 3]", "(1, 2, 3)", "'abc'", "range(10)", "list(range(5))"]);
            format!("r = {seq}[{a}:{b}:{c}]")
        }
        3 => {
            let seq = pick(choices, &["[1, 2, 3]", "(1, 2)", "'ab'", "range(3)"]);
            format!("r = {seq}[{a}]")
        }
        4 => format!(
            "r = len(range({a}, {b}, {c})), range({a}, {b}, {c})[{}]",
            int(choices)
        ),
        5 => {
            let thing = pick(choices, &["[0]", "(0,)", "'ab'", "[[]]"]);
            format!("r = len({thing} * ({a}))")
        }
        6 => {
            let method = pick(choices, &["zfill", "center", "ljust", "rjust", "expandtabs"]);
            format!("r = len('x'.{method}({a}))")
        }
        7 => format!(
            "r = {}",
            pick(
                choices,
                &[
                    "f'{1:{A}}'", "'{:>{}}'.format(1, A)", "'%*d' % (A, 1)", "'-' * A + 'x'",
                    "', '.join(['ab'] * A)", "'ab'.replace('', 'x' * A)",
                ]
            )
            .replace('A', a)
        ),
        8 => {
            let shape = pick(
                choices,
                &["(A,)", "(A, B)", "(A, 0, B)", "(A, B, C)", "[A, -1]", "(-1, A)"],
            )
            .replace('A', a)
            .replace('B', b)
            .replace('C', c);
            let call = pick(
                choices,
                &[
                    "np.zeros(S)", "np.ones(S)", "np.arange(24).reshape(S)", "np.empty(S)",
                    "np.full(S, 1.0)", "np.random.rand(*S)", "np.eye(A)", "np.linspace(0, 1, A)",
                    "np.tile(np.ones(2), S)", "np.repeat(np.ones(2), A)", "np.arange(A, B, C)",
                    "np.expand_dims(np.ones(3), A)", "np.ones((2, 3)).sum(axis=A)",
                    "np.arange(10)[A:B:C]", "np.arange(10)[A]", "np.pad(np.ones(2), A)",
                    "tf.zeros(S)", "tf.reshape(tf.range(6), S)", "tf.one_hot([1, 2], A)",
                    "np.ones((4, 4))[::A, ::B]", "np.arange(6).reshape(2, 3).transpose(A, B)",
                ],
            )
            .replace('S', &shape)
            .replace('A', a)
            .replace('B', b)
            .replace('C', c);
            format!("r = {call}")
        }
        9 => {
            let window = format!(
                "tf.data.Dataset.range({}).window({a}, shift={b}, stride={c}, drop_remainder={})",
                pick(choices, &["10", "0", "1", "100"]),
                pick(choices, &["True", "False"])
            );
            let tail = pick(
                choices,
                &[
                    ".flat_map(lambda w: w.batch(3))", ".flat_map(lambda w: w.batch(A))",
                    "", ".take(A)", ".skip(A)", ".shuffle(A).batch(2)", ".repeat(2).batch(A)",
                    ".prefetch(A)", ".cache().batch(A, drop_remainder=True)",
                ],
            )
            .replace('A', int(choices));
            format!("r = [x for x in {window}{tail}.take(5)]")
        }
        10 => format!(
            "r = list(tf.data.Dataset.range({a}, {b}, {c}).take(3).as_numpy_iterator())"
        ),
        11 => {
            let build = pick(
                choices,
                &[
                    "l = [1]\nl.append(l)\nr = (l == l, repr(l), l in [l], sorted([l, l]))",
                    "a = [1]\na.append(a)\nb = [1]\nb.append(b)\nr = a == b",
                    "d = {}\nd['d'] = d\nr = (repr(d), json.dumps(d))",
                    "x = []\nfor _ in range(N):\n    x = [x]\nr = len(repr(x))",
                    "t = ()\nfor _ in range(N):\n    t = (t,)\nr = hash(t) if N < 50 else {t: 1}",
                    "x = []\nfor _ in range(N):\n    x = [x, x]\nr = x == x",
                    "z = []\nz.append(z)\nr = np.array(z)",
                    "l = [1]\nl.append(l)\nl.remove([1, l])",
                    "l = [3, 1]\nl.append(l)\nl.sort()",
                ],
            );
            build.replace(
                'N',
                pick(choices, &["3", "100", "1000", "5000"]),
            )
        }
        12 => {
            let input = pick(choices, &["(A,)", "(A, B)", "(A, B, 1)", "(None, A)"])
                .replace('A', pick(choices, &["1", "3", "30", "0", "HUGE", "-1"]))
                .replace('B', pick(choices, &["1", "2", "28", "0", "HUGE"]));
            let layer = pick(
                choices,
                &[
                    "tf.keras.layers.Dense(U)",
                    "tf.keras.layers.Conv1D(U, K, strides=S, padding='P')",
                    "tf.keras.layers.Conv2D(U, K, padding='P')",
                    "tf.keras.layers.LSTM(U, return_sequences=True)",
                    "tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(U))",
                    "tf.keras.layers.Embedding(U, K)",
                    "tf.keras.layers.MaxPooling1D(K)",
                    "tf.keras.layers.MaxPooling2D(K)",
                    "tf.keras.layers.Reshape((U, K))",
                    "tf.keras.layers.Flatten()",
                    "tf.keras.layers.Dropout(0.5)",
                    "tf.keras.layers.Lambda(lambda x: x[:0])",
                    "tf.keras.layers.GlobalAveragePooling1D()",
                    "tf.keras.layers.BatchNormalization()",
                ],
            )
            .replace('U', pick(choices, &["1", "4", "0", "-1", "HUGE"]))
            .replace('K', pick(choices, &["1", "3", "0", "HUGE"]))
            .replace('S', pick(choices, &["1", "2", "0"]))
            .replace('P', pick(choices, &["valid", "same", "causal"]));
            let batch = pick(choices, &["1", "2", "0"]);
            let feed = input.replace("None", "4").replace("HUGE", "2");
            format!(
                "m = tf.keras.Sequential([tf.keras.Input(shape={input}), {layer}, tf.keras.layers.Dense(1)])\nm.compile(loss='mse', optimizer='adam')\nx = np.zeros(({batch},) + {feed})\nr = m.predict(x, verbose=0)\nm.fit(x, r, epochs=1, verbose=0)"
            )
        }
        13 => format!(
            "r = {}",
            pick(
                choices,
                &[
                    "tf.keras.preprocessing.sequence.pad_sequences([[1, 2]], maxlen=A)",
                    "tf.keras.preprocessing.sequence.pad_sequences([[1, 2], []], maxlen=A, truncating='pre')",
                    "tf.keras.preprocessing.text.Tokenizer(num_words=A).texts_to_sequences(['a b'])",
                    "tf.image.resize(np.zeros((2, 2, 3)), [A, B])",
                    "tf.image.resize(np.zeros((0, 2, 3)), [2, 2])",
                    "tf.keras.utils.to_categorical([1, 2], A)",
                ]
            )
            .replace('A', a)
            .replace('B', b)
        ),
        14 => format!(
            "r = {}",
            pick(
                choices,
                &[
                    "json.loads('[' * A + ']' * A)", "json.dumps([[1]], indent=A)",
                    "sorted(range(A))[:3]", "list(zip(range(A), range(3)))",
                    "[i for i in range(A)][:3]", "max(range(A, B))", "list(enumerate('ab', A))",
                    "'abc'.split(maxsplit=A)", "[1, 2, 3].pop(A)", "[1, 2].insert(A, 0)",
                ]
            )
            .replace('A', a)
            .replace('B', b)
        ),
        _ => format!("r = str({a})[{b}:{c}] + repr(float({a}))"),
    }
}

/// A program of a few hostile statements, each in its own `try`.
pub fn program(choices: &mut impl Choices) -> String {
    let mut source = PRELUDE.to_owned();
    for _ in 0..1 + choices.pick(5) {
        source.push_str("try:\n");
        for line in statement(choices).lines() {
            source.push_str("    ");
            source.push_str(line);
            source.push('\n');
        }
        source.push_str("except Exception as error:\n    print(type(error).__name__)\n");
    }
    source
}
