//! A mock exam's report: per task the best score on the public and the
//! private half, its metric values, runs, submissions and the time to the
//! first submission; a timeline of every submission; the weighted totals
//! and the folk pass line. Shown when a mock ends and from History.

use dojo_protocol::{MockId, MockReport, MockStatus, MockTaskResult};
use leptos::prelude::*;

use crate::api;
use crate::history::value_text;
use crate::local_time::local_time;
use crate::mock::{self, TIMELINE_HEIGHT, TIMELINE_WIDTH};

/// Fetches and shows the report of `mock_id`.
#[component]
pub fn MockReportView(
    /// The mock to report on.
    mock_id: MockId,
) -> impl IntoView {
    let report = LocalResource::new(move || api::mock_report(mock_id));
    view! {
        <Suspense fallback=|| view! { <p>"Loading the report…"</p> }>
            {move || {
                report
                    .get()
                    .map(|result| match result {
                        Ok(report) => view! { <ReportCard report /> }.into_any(),
                        Err(error) => {
                            view! {
                                <p class="error" id="mock-report-error">
                                    "The report could not be loaded: " {error.message}
                                </p>
                            }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
}

#[component]
fn ReportCard(report: MockReport) -> impl IntoView {
    let revealed = report.mock.status != MockStatus::Running;
    let status = report.mock.status.as_str();
    let verdict = match report.passed {
        Some(true) => format!(
            "Pass: the private total reaches {}",
            mock::percent(report.pass_percent)
        ),
        Some(false) => format!(
            "Below the pass line of {}",
            mock::percent(report.pass_percent)
        ),
        None => format!(
            "The pass line is {}; the private half decides, revealed at the end",
            mock::percent(report.pass_percent)
        ),
    };
    let verdict_class = match report.passed {
        Some(true) => "verdict pass",
        Some(false) => "verdict fail",
        None => "verdict",
    };
    let private_total = report
        .private_percent
        .map_or_else(|| "revealed at the end".to_owned(), mock::percent);
    let abandoned = (report.mock.status == MockStatus::Abandoned)
        .then(|| view! { <p class="meta">"Abandoned: this mock counts for nothing."</p> });
    let rows = report
        .tasks
        .iter()
        .enumerate()
        .map(|(index, task)| view! { <TaskRow index task=task.clone() revealed /> })
        .collect_view();
    let timeline = mock::timeline(&report);
    let legend = report
        .tasks
        .iter()
        .enumerate()
        .map(|(index, task)| {
            view! {
                <span class="legend-item">
                    <span class=format!("swatch task-colour-{index}")></span>
                    {task.title.clone()}
                </span>
            }
        })
        .collect_view();
    view! {
        <section
            class="card mock-report"
            id="mock-report"
            data-mock-id=report.mock.id.to_string()
            data-status=status
        >
            <h2>
                "Mock exam " {report.mock.id.to_string()} " · "
                {mock::length_label(report.mock.minutes)} " · " {status}
            </h2>
            <p class="meta">"Started " {local_time(report.mock.started_at)}</p>
            {abandoned}
            <div class="totals">
                <div>
                    "Public total " <b id="mock-public-total">{mock::percent(report.public_percent)}</b>
                </div>
                <div>
                    "Private total " <b id="mock-private-total">{private_total}</b>
                </div>
                <div id="mock-verdict" class=verdict_class>
                    {verdict} " (a folk figure, not official)"
                </div>
            </div>
            <table class="mock-tasks">
                <tr>
                    <th>"task"</th>
                    <th title="task k weighs k of 15">"weight"</th>
                    <th>"public"</th>
                    <th>"private"</th>
                    <th>"metric (public / private)"</th>
                    <th>"runs"</th>
                    <th>"submissions"</th>
                    <th>"first submission"</th>
                </tr>
                {rows}
            </table>
            <h3>"Submissions over the mock"</h3>
            <svg
                id="mock-timeline"
                class="timeline"
                viewBox=format!("0 0 {TIMELINE_WIDTH} {TIMELINE_HEIGHT}")
                data-points=timeline.dots.len().to_string()
                role="img"
                aria-label="public score of every submission over the mock's time"
            >
                <rect
                    class="frame"
                    x=timeline.frame.0
                    y=timeline.frame.1
                    width=timeline.frame.2 - timeline.frame.0
                    height=timeline.frame.3 - timeline.frame.1
                ></rect>
                {timeline
                    .score_ticks
                    .iter()
                    .map(|tick| {
                        view! {
                            <line class="grid" x1=timeline.frame.0 x2=timeline.frame.2 y1=tick.at y2=tick.at></line>
                            <text class="tick" x=timeline.frame.0 - 6.0 y=tick.at + 4.0 text-anchor="end">
                                {tick.label.clone()}
                            </text>
                        }
                    })
                    .collect_view()}
                {timeline
                    .time_ticks
                    .iter()
                    .map(|tick| {
                        view! {
                            <text class="tick" x=tick.at y=timeline.frame.3 + 16.0 text-anchor="middle">
                                {tick.label.clone()}
                            </text>
                        }
                    })
                    .collect_view()}
                {timeline
                    .lines
                    .iter()
                    .map(|(task, points)| {
                        view! { <polyline class=format!("trace task-colour-{task}") points=points.clone()></polyline> }
                    })
                    .collect_view()}
                {timeline
                    .dots
                    .iter()
                    .map(|dot| {
                        view! {
                            <circle class=format!("dot task-colour-{}", dot.task) cx=dot.x cy=dot.y r="4">
                                <title>{dot.title.clone()}</title>
                            </circle>
                        }
                    })
                    .collect_view()}
            </svg>
            <div class="legend">{legend}</div>
        </section>
    }
}

/// One task of the report.
#[component]
fn TaskRow(
    /// Its place in the report: its colour on the timeline.
    index: usize,
    task: MockTaskResult,
    /// Whether the private half may be shown.
    revealed: bool,
) -> impl IntoView {
    let public = task
        .best
        .map_or_else(|| "–".to_owned(), |best| format!("{}/5", best.public_score));
    let private = match (task.best, revealed) {
        (Some(best), true) => format!("{}/5", best.private_score),
        (None, true) => "–".to_owned(),
        (_, false) => "hidden".to_owned(),
    };
    let values = task.best.map_or_else(
        || "–".to_owned(),
        |best| {
            let private = if revealed && best.private_value.is_finite() {
                value_text(best.private_value)
            } else {
                "hidden".to_owned()
            };
            format!(
                "{} {} / {private}",
                task.metric.label(),
                value_text(best.public_value)
            )
        },
    );
    let first = task
        .first_submission_after_ms
        .map_or_else(|| "–".to_owned(), mock::hm);
    view! {
        <tr class="mock-task" id=format!("mock-report-task-{}", task.task_id)>
            <td>
                <span class=format!("swatch task-colour-{index}")></span>
                {task.category} ". " {task.title} " " <code>{task.task_id.clone()}</code>
            </td>
            <td>{task.category} "/15"</td>
            <td class="public">{public}</td>
            <td class="private">{private}</td>
            <td class="mono">{values}</td>
            <td>{task.runs}</td>
            <td>{task.submissions}</td>
            <td class="mono">{first}</td>
        </tr>
    }
}
