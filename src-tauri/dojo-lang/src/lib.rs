//! The front end of Dojo's Python subset.
//!
//! Users write exam-style Python (`def solution_model(): ... return model`).
//! Dojo never runs CPython: it parses the text with ruff's error-tolerant
//! parser, lowers it into its own small tree ([`syntax`]), and reports every
//! problem at once as [`diagnostic::Diagnostic`]s with byte spans. The
//! interpreter walks the lowered tree.
//!
//! Invariants:
//! - [`parse`] never panics and never stops at the first error.
//! - Only [`lower`] knows the parser crate's types; swapping the parser
//!   touches that module alone.

mod builtins;
pub mod diagnostic;
pub mod error;
pub mod figure;
pub mod interp;
pub mod lower;
pub mod memory;
pub mod modules;
pub mod ndarray;
pub mod object;
pub mod syntax;
pub mod value;
pub mod vfs;

pub use diagnostic::{Diagnostic, DiagnosticKind, Severity, SourceFile};
pub use error::Exception;
pub use interp::{Interpreter, Limits};
pub use lower::{Parsed, parse};
pub use object::{ArgName, Args};
pub use value::Value;

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{Expect, expect};

    /// Renders every diagnostic of `source` as the console would show it.
    fn check_diagnostics(source: &str, expect: Expect) {
        let parsed = parse(source);
        let file = SourceFile::new("solution.py", source);
        let rendered: Vec<String> = parsed
            .diagnostics
            .iter()
            .map(|diagnostic| file.render(diagnostic))
            .collect();
        expect.assert_eq(&rendered.join("\n\n"));
    }

    #[test]
    fn an_exam_shaped_program_parses_cleanly() {
        let parsed = parse(
            r#"
import csv
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

def windowed_dataset(series, window_size, batch_size=32, *, shuffle_buffer=1000):
    dataset = tf.data.Dataset.from_tensor_slices(series)
    dataset = dataset.window(window_size + 1, shift=1, drop_remainder=True)
    dataset = dataset.flat_map(lambda w: w.batch(window_size + 1))
    return dataset.map(lambda w: (w[:-1], w[-1])).batch(batch_size).prefetch(1)

class Stop(tf.keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if logs.get('mae') < 0.1:
            self.model.stop_training = True

def solution_model():
    rows = []
    with open('Sunspots.csv') as f:
        reader = csv.reader(f, delimiter=',')
        next(reader)
        for row in reader:
            rows.append(float(row[2]))
    series = np.array(rows)
    print(f"{len(rows)=} rows, max {series.max():.1f}")
    model = tf.keras.Sequential([layers.Dense(1, input_shape=[30])])
    model.compile(loss='mae', optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3))
    model.fit(windowed_dataset(series, 30), epochs=5, callbacks=[Stop()])
    return model

if __name__ == '__main__':
    model = solution_model()
    model.save("mymodel.h5")
"#,
        );
        assert!(parsed.is_runnable(), "{:?}", parsed.diagnostics);
        assert_eq!(parsed.module.body.len(), 8);
    }

    #[test]
    fn several_syntax_errors_are_reported_at_once() {
        check_diagnostics(
            "x = (1 +\ny = 2\ndef f(:\n    pass\n",
            expect![[r#"
                  File "solution.py", line 1, column 6
                    x = (1 +
                         ^^^
                SyntaxError: Invalid assignment target

                  File "solution.py", line 2, column 3
                    y = 2
                      ^
                SyntaxError: Expected `)`, found `=`

                  File "solution.py", line 3, column 7
                    def f(:
                          ^
                SyntaxError: Expected a parameter or the end of the parameter list

                  File "solution.py", line 3, column 8
                    def f(:
                           ^
                SyntaxError: Expected `)`, found newline"#]],
        );
    }

    #[test]
    fn unsupported_constructs_are_named_with_a_hint() {
        check_diagnostics(
            "async def f():\n    await g()\n\nmatch x:\n    case 1:\n        pass\n",
            expect![[r#"
                  File "solution.py", line 1, column 1
                    async def f():
                    ^^^^^^^^^^^^^^
                NotSupportedInDojo: `async def` is not supported in Dojo
                  help: write a plain `def`

                  File "solution.py", line 2, column 5
                    await g()
                    ^^^^^^^^^
                NotSupportedInDojo: `await` is not supported in Dojo

                  File "solution.py", line 4, column 1
                    match x:
                    ^^^^^^^^
                NotSupportedInDojo: `match` is not supported in Dojo
                  help: use `if`/`elif`"#]],
        );
    }

    #[test]
    fn lowering_folds_elif_chains() {
        let parsed = parse("if a:\n    x = 1\nelif b:\n    x = 2\nelse:\n    x = 3\n");
        let [stmt] = parsed.module.body.as_slice() else {
            panic!("{:?}", parsed.module.body);
        };
        let syntax::StmtKind::If { orelse, .. } = &stmt.kind else {
            panic!("{stmt:?}");
        };
        let [inner] = orelse.as_slice() else {
            panic!("{orelse:?}");
        };
        let syntax::StmtKind::If { orelse, .. } = &inner.kind else {
            panic!("{inner:?}");
        };
        assert_eq!(orelse.len(), 1, "the else branch is the innermost orelse");
    }

    #[test]
    fn fstrings_keep_literals_conversions_and_specs() {
        let parsed = parse("f'a{x!r}b{y:.2f}{z=}'");
        let [stmt] = parsed.module.body.as_slice() else {
            panic!()
        };
        let syntax::StmtKind::Expr(syntax::Expr {
            kind: syntax::ExprKind::FString(parts),
            ..
        }) = &stmt.kind
        else {
            panic!("{stmt:?}")
        };
        let summary: Vec<String> = parts
            .iter()
            .map(|part| match part {
                syntax::FStringPart::Literal(text) => format!("lit {text}"),
                syntax::FStringPart::Interpolation {
                    conversion,
                    format_spec,
                    debug_text,
                    ..
                } => format!("{conversion:?} {format_spec:?} {debug_text:?}"),
            })
            .collect();
        expect![[r#"
            [
                "lit a",
                "Repr None None",
                "lit b",
                "None Some([Literal(\".2f\")]) None",
                "None None Some(\"z=\")",
            ]
        "#]]
        .assert_debug_eq(&summary);
    }

    #[test]
    fn oversized_and_garbage_input_never_panics() {
        let huge = "x = 1\n".repeat(lower::MAX_SOURCE_BYTES / 6 + 10);
        let parsed = parse(&huge);
        assert!(!parsed.is_runnable());
        for garbage in [
            "\u{0}\u{1}(((",
            "def",
            "'''",
            "f'{",
            "x = [1, 2",
            "\t\t  \n  x",
            "🦀 = 1",
        ] {
            let parsed = parse(garbage);
            assert!(!parsed.is_runnable(), "{garbage:?} should not be runnable");
            let file = SourceFile::new("s.py", garbage);
            for diagnostic in &parsed.diagnostics {
                let _ = file.render(diagnostic);
            }
        }
    }
}
