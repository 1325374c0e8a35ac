//! End-to-end scenarios in the real app window.
//!
//! Each test launches the app binary under its own Xvfb display with an
//! empty data directory. They run one at a time: a lock serialises them,
//! because two WebKit windows training at once on two cores would make the
//! timeouts meaningless.

use std::time::Duration;

use anyhow::{Result, ensure};
use dojo_e2e::Session;
use tokio::sync::Mutex;

static ONE_WINDOW_AT_A_TIME: Mutex<()> = Mutex::const_new(());

async fn progress_value(session: &Session) -> Result<f64> {
    let value = session
        .attribute("#check-progress", "aria-valuenow")
        .await?
        .unwrap_or_default();
    Ok(value.parse().unwrap_or(0.0))
}

#[tokio::test]
async fn the_app_opens_and_lists_the_tasks() -> Result<()> {
    let _one = ONE_WINDOW_AT_A_TIME.lock().await;
    let session = Session::start().await?;
    session
        .run("lists_the_tasks", async |session| {
            session.wait_for("#task-list .task-card").await?;
            let cards = session.find_all("#task-list .task-card").await?;
            // The engine's registry is the single source of the task list.
            ensure!(
                cards.len() == 6,
                "expected 6 task cards, found {}",
                cards.len()
            );
            let first = session.text("#task-list .task-card:first-child").await?;
            ensure!(first.contains("Fuel efficiency"), "first card: {first}");
            ensure!(first.contains("Basic model"), "first card: {first}");
            let titles = session.text("#task-list").await?;
            for title in [
                "Fashion-MNIST",
                "Horses or humans",
                "SMS spam",
                "Monthly sunspots",
            ] {
                ensure!(titles.contains(title), "{title} missing from:\n{titles}");
            }
            session.screenshot("home").await?;
            Ok(())
        })
        .await
}

#[tokio::test]
async fn settings_show_the_device_and_the_data_dir() -> Result<()> {
    let _one = ONE_WINDOW_AT_A_TIME.lock().await;
    let session = Session::start().await?;
    let data_dir = session.data_dir.path().display().to_string();
    session
        .run("settings", async |session| {
            session.click("#nav-settings").await?;
            let device = session.text("#device-name").await?;
            ensure!(device.starts_with("CPU ("), "device: {device}");
            let shown_dir = session.text("#data-dir").await?;
            ensure!(shown_dir == data_dir, "data dir {shown_dir} != {data_dir}");
            let database = session.text("#database-path").await?;
            ensure!(
                std::path::Path::new(&database).is_file(),
                "the database {database} was not created at start"
            );
            let version = session.text("#app-version").await?;
            ensure!(version == env!("CARGO_PKG_VERSION"), "version {version}");
            session.screenshot("settings").await?;
            Ok(())
        })
        .await
}

#[tokio::test]
async fn a_streamed_job_shows_rising_progress_and_can_be_cancelled() -> Result<()> {
    let _one = ONE_WINDOW_AT_A_TIME.lock().await;
    let session = Session::start().await?;
    session
        .run("device_check", async |session| {
            session.click("#nav-settings").await?;
            // Long enough that it cannot finish before we cancel it.
            session.type_into("#check-steps", "100000").await?;
            session.click("#check-start").await?;

            let first = session
                .eventually("progress passes 0", Duration::from_secs(60), async || {
                    let value = progress_value(session).await?;
                    let status = session.text("#check-status").await?;
                    Ok((value > 0.0 && status.contains("step")).then_some(value))
                })
                .await?;
            let later = session
                .eventually("progress rises", Duration::from_secs(120), async || {
                    let value = progress_value(session).await?;
                    Ok((value > first).then_some(value))
                })
                .await?;
            let status = session.text("#check-status").await?;
            ensure!(status.contains("loss"), "status while running: {status}");
            session.screenshot("device-check-running").await?;

            session.click("#check-cancel").await?;
            let status = session
                .eventually(
                    "the job reports cancellation",
                    Duration::from_secs(30),
                    async || {
                        let status = session.text("#check-status").await?;
                        Ok(status.contains("cancelled").then_some(status))
                    },
                )
                .await?;
            let stopped_at = progress_value(session).await?;
            ensure!(
                stopped_at >= later && stopped_at < 100.0,
                "stopped at {stopped_at}%: {status}"
            );
            // The start button is enabled again once the job has ended.
            let disabled = session.attribute("#check-start", "disabled").await?;
            ensure!(disabled.is_none(), "start stays disabled");
            session.screenshot("device-check-cancelled").await?;
            Ok(())
        })
        .await
}

#[tokio::test]
async fn about_credits_every_bundled_dataset() -> Result<()> {
    let _one = ONE_WINDOW_AT_A_TIME.lock().await;
    let session = Session::start().await?;
    session
        .run("about", async |session| {
            session.click("#nav-about").await?;
            session.wait_for("#dataset-list .dataset").await?;
            let credits = session.find_all("#dataset-list .dataset").await?;
            ensure!(
                credits.len() == 6,
                "expected 6 dataset credits, found {}",
                credits.len()
            );
            let text = session.text("#dataset-list").await?;
            for needle in ["CC BY-NC 4.0", "Laurence Moroney", "Zalando", "Almeida"] {
                ensure!(
                    text.contains(needle),
                    "{needle} missing from the About page"
                );
            }
            session.screenshot("about").await?;
            Ok(())
        })
        .await
}
