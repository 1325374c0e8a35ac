//! End-to-end scenarios of the attempt history, background runs and the
//! mock exam in the real app window: train two variants, open History,
//! an attempt's detail and the comparison of the two, reopen the older
//! one in the editor and submit a past run; leave the workspace mid-run
//! and come back to a live chart that still stops; sit a short mock
//! across restarts with the clock moved forward (the debug build's
//! `DOJO_TEST_CLOCK_OFFSET_MS`, never a sleep).
//!
//! One window at a time (see `window.rs`). The programs train tiny models
//! on the time-series and auto-mpg tasks so each run takes seconds.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use dojo_e2e::Session;
use tokio::sync::Mutex;

static ONE_WINDOW_AT_A_TIME: Mutex<()> = Mutex::const_new(());

const RUN_TIMEOUT: Duration = Duration::from_secs(240);

/// A tiny windowed-series model with `units` hidden units.
fn series_program(units: u32) -> String {
    format!(
        "import numpy as np
import tensorflow as tf

def solution_model():
    x = (np.arange(64 * 30) % 97).reshape(64, 30, 1).astype('float32')
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(30, 1)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense({units}),
        tf.keras.layers.Dense(1),
    ])
    model.compile(loss='mae', optimizer='adam')
    model.fit(x, x[:, -1, 0], epochs=3, batch_size=8)
    return model
"
    )
}

/// A tiny auto-mpg model on the contract's nine features.
const AUTO_MPG: &str = "import numpy as np
import tensorflow as tf

def solution_model():
    x = np.random.rand(64, 9).astype('float32')
    y = x.sum(axis=1) * 3.0
    model = tf.keras.Sequential([tf.keras.Input(shape=(9,)), tf.keras.layers.Dense(1)])
    model.compile(loss='mae', optimizer='adam')
    model.fit(x, y, epochs=2, verbose=0)
    return model
";

/// Fifty long epochs: far longer than a test waits.
const LONG_RUN: &str = "import tensorflow as tf

def solution_model():
    (x_train, y_train), _ = tf.keras.datasets.fashion_mnist.load_data()
    model = tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    model.fit(x_train / 255.0, y_train, epochs=50, batch_size=32)
    return model
";

async fn open_task(session: &Session, task_id: &str) -> Result<()> {
    session.click("#nav-tasks").await?;
    session.click(&format!("#task-card-{task_id}")).await?;
    session
        .eventually(
            "the task's code loads",
            Duration::from_secs(30),
            async || {
                let shown = session.attribute("#workspace", "data-task-id").await?;
                let code = session.editor_text().await?;
                Ok(
                    (shown.as_deref() == Some(task_id) && code.contains("def solution_model"))
                        .then_some(()),
                )
            },
        )
        .await
}

async fn wait_for_status(session: &Session, wanted: &str, timeout: Duration) -> Result<()> {
    session
        .eventually(&format!("the run is {wanted}"), timeout, async || {
            let now = session
                .attribute("#run-status", "data-status")
                .await?
                .unwrap_or_default();
            if now == "failed" && wanted != "failed" {
                let console = session.text("#console").await.unwrap_or_default();
                anyhow::bail!("the run failed:\n{console}");
            }
            Ok((now == wanted).then_some(()))
        })
        .await
}

/// Trains `code` on the open task to its end.
async fn train(session: &Session, code: &str) -> Result<()> {
    session.set_editor(code).await?;
    session.click("#btn-train").await?;
    wait_for_status(session, "finished", RUN_TIMEOUT).await
}

#[tokio::test]
async fn history_shows_compares_reopens_and_submits_past_attempts() -> Result<()> {
    let _one = ONE_WINDOW_AT_A_TIME.lock().await;
    let session = Session::start().await?;
    session
        .run("history", async |session| {
            open_task(session, "sunspots").await?;
            train(session, &series_program(4)).await?;
            train(session, &series_program(8)).await?;

            session.click("#nav-history").await?;
            session.wait_for("#history-row-2").await?;
            let listed = session.text("#history-row-1").await?;
            ensure!(listed.contains("sunspots"), "row 1 reads {listed:?}");
            session.screenshot("history").await?;

            // The older attempt's detail: code, curves, console.
            session.click("#history-row-1").await?;
            let detail = session.text("#attempt-detail").await?;
            ensure!(
                detail.contains("Dense(4)"),
                "the detail lacks the code:\n{detail}"
            );
            ensure!(
                detail.contains("Epoch 3/3"),
                "the detail lacks the console:\n{detail}"
            );
            let points = session
                .number("#attempt-detail #chart-loss", "data-points")
                .await?;
            ensure!(points >= 3.0, "the detail's loss chart has {points} points");
            session.screenshot("attempt-detail").await?;

            // Submit the past run from its detail.
            session.click("#attempt-submit").await?;
            let score = session
                .eventually(
                    "the past run is graded",
                    Duration::from_secs(60),
                    async || {
                        session
                            .attribute("#attempt-detail #score-card", "data-score")
                            .await
                    },
                )
                .await?;
            ensure!(score.parse::<u8>().is_ok_and(|s| s <= 5), "score {score:?}");

            // Compare the two.
            session.click("#nav-history").await?;
            session.click("#history-pick-1").await?;
            session.click("#history-pick-2").await?;
            session.click("#history-compare").await?;
            let comparison = session.text("#attempt-compare").await?;
            ensure!(
                comparison.contains("Dense(4)") && comparison.contains("Dense(8)"),
                "the diff lacks the changed line:\n{comparison}"
            );
            ensure!(
                comparison.contains("loss"),
                "no metrics side by side:\n{comparison}"
            );
            session.screenshot("attempt-compare").await?;

            // Reopen the older one: the editor holds the newer code, so the
            // app asks first.
            session.click("#nav-history").await?;
            session.click("#history-row-1").await?;
            session.click("#attempt-reopen").await?;
            session
                .eventually(
                    "the app asks before replacing the draft",
                    Duration::from_secs(10),
                    async || Ok(session.client().get_alert_text().await.ok()),
                )
                .await?;
            session
                .client()
                .accept_alert()
                .await
                .context("accepting the confirmation")?;
            session
                .eventually(
                    "the editor holds the reopened code",
                    Duration::from_secs(30),
                    async || {
                        let code = session.editor_text().await?;
                        Ok(code.contains("Dense(4)").then_some(()))
                    },
                )
                .await?;
            session.screenshot("attempt-reopened").await?;
            Ok(())
        })
        .await
}

#[tokio::test]
async fn a_run_keeps_going_when_the_user_leaves_and_comes_back() -> Result<()> {
    let _one = ONE_WINDOW_AT_A_TIME.lock().await;
    let session = Session::start().await?;
    session
        .run("leave_and_return", async |session| {
            open_task(session, "fashion_mnist").await?;
            session.set_editor(LONG_RUN).await?;
            session.click("#btn-train").await?;
            session
                .eventually("two epochs end", RUN_TIMEOUT, async || {
                    let points = session.number("#chart-loss", "data-points").await?;
                    Ok((points >= 2.0).then_some(points))
                })
                .await?;
            // Leave: the header keeps showing the run on every page.
            session.click("#nav-settings").await?;
            let indicator = session.text("#live-run").await?;
            ensure!(
                indicator.contains("fashion"),
                "the header shows {indicator:?}"
            );
            session.screenshot("live-run-elsewhere").await?;
            tokio::time::sleep(Duration::from_secs(3)).await;

            // Come back: the chart holds the epochs trained meanwhile and grows.
            open_task(session, "fashion_mnist").await?;
            let back = session
                .eventually(
                    "the chart reattaches",
                    Duration::from_secs(30),
                    async || {
                        let points = session.number("#chart-loss", "data-points").await?;
                        Ok((points >= 2.0).then_some(points))
                    },
                )
                .await?;
            session
                .eventually("the live chart continues", RUN_TIMEOUT, async || {
                    let points = session.number("#chart-loss", "data-points").await?;
                    Ok((points > back).then_some(()))
                })
                .await?;
            session.screenshot("live-run-reattached").await?;
            session.click("#btn-stop").await?;
            wait_for_status(session, "cancelled", Duration::from_secs(60)).await?;
            Ok(())
        })
        .await
}

/// The remaining time the header shows, in seconds (`H:MM:SS`).
async fn remaining_seconds(session: &Session) -> Result<u64> {
    let text = session.text("#mock-clock").await?;
    let clock = text
        .split_whitespace()
        .find(|word| word.matches(':').count() == 2)
        .with_context(|| format!("no H:MM:SS in {text:?}"))?;
    let parts: Vec<u64> = clock
        .split(':')
        .map(|part| part.parse().unwrap_or(0))
        .collect();
    Ok(parts[0] * 3600 + parts[1] * 60 + parts[2])
}

#[tokio::test]
async fn a_mock_keeps_its_clock_across_restarts_and_reports_at_the_deadline() -> Result<()> {
    let _one = ONE_WINDOW_AT_A_TIME.lock().await;
    let data_dir = std::sync::Arc::new(tempfile::Builder::new().prefix("dojo-e2e-").tempdir()?);
    let first = Session::start_in(std::sync::Arc::clone(&data_dir)).await?;
    first
        .run("mock_start", async |session| {
            session.click("#nav-tasks").await?;
            let rules = session.text("#mock-start").await?;
            ensure!(
                rules.contains("90"),
                "the rules do not state the pass line:\n{rules}"
            );
            session
                .client()
                .execute(
                    "const select = document.getElementById('mock-length');
                     select.value = '60';
                     select.dispatchEvent(new Event('change', { bubbles: true }));",
                    vec![],
                )
                .await?;
            session.click("#mock-start-button").await?;
            let remaining = session
                .eventually("the mock clock runs", Duration::from_secs(10), async || {
                    Ok(remaining_seconds(session).await.ok().filter(|s| *s > 0))
                })
                .await?;
            ensure!(
                (3500..=3600).contains(&remaining),
                "a 1-hour mock shows {remaining} s"
            );
            session.screenshot("mock-started").await?;

            // Submit on two tasks of the mock: auto-mpg and its time series.
            open_task(session, "auto_mpg").await?;
            train(session, AUTO_MPG).await?;
            session.click("#btn-submit").await?;
            session.wait_for("#score-card").await?;
            let series = session
                .eventually(
                    "the mock lists its tasks",
                    Duration::from_secs(10),
                    async || {
                        session.click("#nav-tasks").await?;
                        for task in ["sunspots", "daily_min_temperatures"] {
                            if !session
                                .find_all(&format!("#mock-task-{task}"))
                                .await?
                                .is_empty()
                            {
                                return Ok(Some(task));
                            }
                        }
                        Ok(None)
                    },
                )
                .await?;
            open_task(session, series).await?;
            train(session, &series_program(4)).await?;
            session.click("#btn-submit").await?;
            let card = session.text("#score-card").await?;
            ensure!(
                card.contains("public"),
                "a mock submission shows the public half:\n{card}"
            );
            session.screenshot("mock-submitted").await?;
            Ok(())
        })
        .await?;

    // Closed for 30 minutes: the clock kept running.
    let later = Session::start_with(
        std::sync::Arc::clone(&data_dir),
        &[("DOJO_TEST_CLOCK_OFFSET_MS", "1800000")],
    )
    .await?;
    later
        .run("mock_restarted", async |session| {
            let remaining = session
                .eventually("the mock clock runs", Duration::from_secs(10), async || {
                    Ok(remaining_seconds(session).await.ok().filter(|s| *s > 0))
                })
                .await?;
            ensure!(
                remaining <= 1800 && remaining > 1500,
                "30 minutes later the mock shows {remaining} s left"
            );
            session.screenshot("mock-after-restart").await?;
            Ok(())
        })
        .await?;

    // Past the deadline: the report, with the private half revealed.
    let after = Session::start_with(data_dir, &[("DOJO_TEST_CLOCK_OFFSET_MS", "3700000")]).await?;
    after
        .run("mock_report", async |session| {
            let report = session.text("#mock-report").await?;
            for wanted in ["public", "private", "auto_mpg", "first submission", "folk"] {
                ensure!(
                    report.to_lowercase().contains(&wanted.to_lowercase()),
                    "the report lacks {wanted:?}:\n{report}"
                );
            }
            session.screenshot("mock-report").await?;
            Ok(())
        })
        .await
}
