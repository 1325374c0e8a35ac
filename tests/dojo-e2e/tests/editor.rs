//! End-to-end scenarios of the code editor (Monaco) in the real app window:
//! completions from Dojo's own module tree, signature help, find and
//! replace, comment toggling, "Reset to starter" asked first and undone,
//! a syntax error marked while typing, copy and paste. Key events are real WebDriver
//! input actions, typed into Monaco as a person would.
//!
//! Also a probe, not a test of speed: how long a key takes to paint in a
//! 500-line file. It prints the figures and writes them to
//! `<artifacts>/typing-latency.json`; it asserts only that every key was
//! measured (see the README's benchmark section for the figures).

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use dojo_e2e::{Key, Session, artifacts_dir};
use tokio::sync::Mutex;

static ONE_WINDOW_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// How long a widget (suggestions, parameter hints, find) may take to show.
const WIDGET_TIMEOUT: Duration = Duration::from_secs(15);

async fn open_task(session: &Session, task_id: &str) -> Result<()> {
    session.click(&format!("#task-card-{task_id}")).await?;
    session.wait_for_editor().await?;
    session
        .eventually(
            "the task's code loads",
            Duration::from_secs(30),
            async || {
                Ok(session
                    .editor_text()
                    .await?
                    .contains("def solution_model")
                    .then_some(()))
            },
        )
        .await
}

/// Waits until the editor's text satisfies `check`; returns the text.
async fn wait_for_text(
    session: &Session,
    what: &str,
    check: impl Fn(&str) -> bool,
) -> Result<String> {
    session
        .eventually(what, WIDGET_TIMEOUT, async || {
            let text = session.editor_text().await?;
            Ok(check(&text).then_some(text))
        })
        .await
}

/// The labels of the suggestion list, once it shows one containing `label`.
async fn suggestions_with(session: &Session, label: &str) -> Result<Vec<String>> {
    session
        .eventually(
            &format!("the suggestion list offers {label}"),
            WIDGET_TIMEOUT,
            async || {
                let rows = session
                    .find_all(".suggest-widget.visible .monaco-list-row .label-name")
                    .await?;
                let mut labels = Vec::new();
                for row in rows {
                    labels.push(row.text().await.unwrap_or_default());
                }
                Ok(labels.iter().any(|shown| shown == label).then_some(labels))
            },
        )
        .await
}

/// Focuses the element matching `css` (a click on Monaco's find widget
/// lands on its overlay, so WebDriver refuses it).
async fn focus(session: &Session, css: &str) -> Result<()> {
    let element = session.wait_for(css).await?;
    session
        .client()
        .execute(
            "arguments[0].focus();",
            vec![serde_json::to_value(&element).context("naming the element")?],
        )
        .await
        .with_context(|| format!("focusing `{css}`"))?;
    Ok(())
}

#[tokio::test]
async fn the_editor_completes_what_dojo_runs_and_edits_like_an_ide() -> Result<()> {
    let _one = ONE_WINDOW_AT_A_TIME.lock().await;
    let session = Session::start().await?;
    session
        .run("editor", async |session| {
            open_task(session, "auto_mpg").await?;
            let starter = session.editor_text().await?;

            // A short program, typed with completion.
            session
                .set_editor("import tensorflow as tf\n\n\ndef solution_model():\n    \n")
                .await?;
            session.focus_editor_at(5, 5).await?;
            session.type_keys("first = tf.keras.layers.").await?;
            let offered = suggestions_with(session, "Dense").await?;
            ensure!(
                offered.iter().all(|label| !label.is_empty()),
                "empty suggestion rows: {offered:?}"
            );
            session.screenshot("editor-completion").await?;
            // Narrow the list to Dense and accept it.
            session.type_keys("Dens").await?;
            suggestions_with(session, "Dense").await?;
            session.chord(&[], char::from(Key::Enter)).await?;
            wait_for_text(session, "Dense is inserted", |text| {
                text.contains("first = tf.keras.layers.Dense\n")
            })
            .await?;

            // `(` closes itself and shows the signature with its first argument.
            session.type_keys("(").await?;
            let hint = session
                .eventually("the signature help shows", WIDGET_TIMEOUT, async || {
                    let text = session
                        .text(".parameter-hints-widget.visible .signature")
                        .await
                        .unwrap_or_default();
                    Ok(text.contains("units").then_some(text))
                })
                .await?;
            ensure!(
                hint.contains("activation"),
                "the signature lacks activation: {hint}"
            );
            session.screenshot("editor-signature-help").await?;
            session.type_keys("8, activation='relu'").await?;
            wait_for_text(session, "the call is closed by the editor", |text| {
                text.contains("first = tf.keras.layers.Dense(8, activation='relu')")
            })
            .await?;
            session.chord(&[], char::from(Key::Escape)).await?;

            // Find and replace: every `first` becomes `hidden`.
            session.chord(&[Key::Control], 'h').await?;
            focus(session, ".find-widget.visible .find-part textarea").await?;
            session.type_keys("first").await?;
            focus(session, ".find-widget.visible .replace-part textarea").await?;
            session.type_keys("hidden").await?;
            session.screenshot("editor-find-replace").await?;
            session
                .chord(&[Key::Control, Key::Alt], char::from(Key::Enter))
                .await?;
            wait_for_text(session, "the replacement is made", |text| {
                text.contains("hidden = tf.keras.layers.Dense(8") && !text.contains("first")
            })
            .await?;
            session.chord(&[], char::from(Key::Escape)).await?;

            // Ctrl+/ comments the caret's line out, and in again.
            session.focus_editor_at(5, 5).await?;
            session.chord(&[Key::Control], '/').await?;
            wait_for_text(session, "the line is commented out", |text| {
                text.contains("    # hidden = tf.keras.layers.Dense")
            })
            .await?;
            session.screenshot("editor-comment-toggle").await?;
            session.chord(&[Key::Control], '/').await?;
            let program = wait_for_text(session, "the line is commented in", |text| {
                text.contains("    hidden = tf.keras.layers.Dense") && !text.contains('#')
            })
            .await?;

            // A syntax error is marked while typing.
            session.focus_editor_at(4, 19).await?;
            session.type_keys(":").await?;
            session
                .eventually(
                    "the syntax error is marked",
                    Duration::from_secs(20),
                    async || {
                        Ok(session
                            .editor_marker_lines()
                            .await?
                            .contains(&4)
                            .then_some(()))
                    },
                )
                .await?;
            session.screenshot("editor-syntax-error").await?;
            session.chord(&[Key::Control], 'z').await?;
            wait_for_text(session, "the typo is undone", |text| text == program).await?;
            session
                .eventually("the marker goes", Duration::from_secs(20), async || {
                    Ok(session
                        .editor_marker_lines()
                        .await?
                        .is_empty()
                        .then_some(()))
                })
                .await?;

            // Reset to starter asks first, and Ctrl+Z brings the code back.
            session.click("#btn-reset").await?;
            let question = session
                .eventually(
                    "the app asks before the reset",
                    Duration::from_secs(10),
                    async || Ok(session.client().get_alert_text().await.ok()),
                )
                .await?;
            ensure!(
                question.contains("starter"),
                "unexpected question: {question}"
            );
            session
                .client()
                .accept_alert()
                .await
                .context("accepting the reset")?;
            wait_for_text(session, "the starter is back", |text| text == starter).await?;
            session.screenshot("editor-reset").await?;
            session.focus_editor_at(1, 1).await?;
            session.chord(&[Key::Control], 'z').await?;
            wait_for_text(session, "the reset is undone", |text| text == program).await?;
            session.screenshot("editor-reset-undone").await?;

            // Copy and paste go through the system clipboard.
            session.chord(&[Key::Control], 'a').await?;
            session.chord(&[Key::Control], 'c').await?;
            session.chord(&[Key::Control], char::from(Key::End)).await?;
            session.chord(&[Key::Control], 'v').await?;
            let doubled = format!("{program}{program}");
            wait_for_text(session, "the copied code is pasted", |text| text == doubled).await?;
            Ok(())
        })
        .await
}

/// The numbers of a JSON array (none for anything else).
fn numbers(value: &serde_json::Value) -> Vec<f64> {
    value
        .as_array()
        .map(|list| list.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn typing_latency_in_a_500_line_file_is_measured() -> Result<()> {
    const KEYS: usize = 120;
    let _one = ONE_WINDOW_AT_A_TIME.lock().await;
    let session = Session::start().await?;
    session
        .run("typing_latency", async |session| {
            open_task(session, "sunspots").await?;
            let starter = session.editor_text().await?;
            let mut long = starter.clone();
            while long.lines().count() < 500 {
                long.push_str("\n# padding: a comment line to make the file long\nx = [1, 2, 3]\n");
            }
            session.set_editor(&long).await?;
            // Type in the middle of the file, where Monaco re-renders the most.
            session.focus_editor_at(250, 1).await?;
            // Each key's delay: from its keydown to the frame after the
            // editor's text changed (a requestAnimationFrame, then a task
            // after it, so the paint has happened).
            session
                .editor_script(
                    "installing the latency probe",
                    "const probe = self.__dojoLatency = { samples: [], pending: null };
                     editor.getDomNode().addEventListener('keydown', (event) => {
                         probe.pending = event.timeStamp;
                     }, true);
                     editor.onDidChangeModelContent(() => {
                         const start = probe.pending;
                         if (start === null) return;
                         probe.pending = null;
                         probe.input = probe.input || [];
                         probe.input.push(performance.now() - start);
                         requestAnimationFrame(() => {
                             const channel = new MessageChannel();
                             channel.port1.onmessage = () => probe.samples.push(performance.now() - start);
                             channel.port2.postMessage(0);
                         });
                     });",
                    vec![],
                )
                .await?;
            let text: String = "abcdefghij".chars().cycle().take(KEYS).collect();
            // At a fast typist's pace (about 12 keys a second), in batches
            // of one WebDriver call each.
            for chunk in text.as_bytes().chunks(10) {
                session
                    .type_keys_paced(std::str::from_utf8(chunk)?, Duration::from_millis(80))
                    .await?;
            }
            let samples = session
                .eventually("every key is measured", Duration::from_secs(20), async || {
                    let value = session
                        .editor_script(
                            "reading the latency probe",
                            "return self.__dojoLatency.samples;",
                            vec![],
                        )
                        .await?;
                    let samples = numbers(&value);
                    Ok((samples.len() >= KEYS).then_some(samples))
                })
                .await?;
            let mut sorted = samples.clone();
            sorted.sort_by(f64::total_cmp);
            let median = sorted[sorted.len() / 2];
            let p95 = sorted[sorted.len() * 95 / 100];
            let worst = sorted[sorted.len() - 1];
            let input = session
                .editor_script(
                    "reading the latency probe",
                    "return self.__dojoLatency.input;",
                    vec![],
                )
                .await?;
            let mut input = numbers(&input);
            input.sort_by(f64::total_cmp);
            let input_median = input.get(input.len() / 2).copied().unwrap_or(f64::NAN);
            let lines = session.editor_text().await?.lines().count();
            let report = serde_json::json!({
                "lines": lines,
                "keys": samples.len(),
                "median_ms": median,
                "p95_ms": p95,
                "max_ms": worst,
                "input_median_ms": input_median,
                "samples_ms": samples,
            });
            println!(
                "typing latency, {lines}-line file, {} keys: median {median:.1} ms, p95 {p95:.1} ms, max {worst:.1} ms (key to text changed: median {input_median:.1} ms)",
                samples.len()
            );
            std::fs::create_dir_all(artifacts_dir())?;
            std::fs::write(
                artifacts_dir().join("typing-latency.json"),
                serde_json::to_string_pretty(&report)?,
            )?;
            ensure!(lines >= 500, "the file has {lines} lines");
            Ok(())
        })
        .await
}
