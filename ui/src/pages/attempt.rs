//! One stored run in full (History's detail view) and two runs side by
//! side (its compare view).
//!
//! The detail shows the run's code (read-only, highlighted), its curves
//! through the workspace's chart, its console, grade and facts, and offers
//! to reopen its code in the editor, to re-run it with its seed and to
//! submit it. Everything shown comes from `attempt_detail` and
//! `compare_attempts`; the diff is the backend's.

use dojo_protocol::{
    AttemptComparison, AttemptDetail, DiffChange, Metric, RunId, TaskSummary, TrainingRequest,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::chart::Chart;
use crate::components::live_run::LiveContext;
use crate::components::mock_clock::MockContext;
use crate::components::score_card::ScoreCard;
use crate::curves::{self, Curves};
use crate::highlight;
use crate::history::{self, Side, side_by_side};
use crate::local_time::{local_time, now_ms};

/// The metric a task is graded by, from the task list (accuracy when the
/// list has not loaded: the chart then shows the first non-loss key).
fn task_metric(tasks: &[TaskSummary], task_id: &str) -> Metric {
    tasks
        .iter()
        .find(|task| task.id == task_id)
        .map_or(Metric::Accuracy, |task| task.metric)
}

fn task_title(tasks: &[TaskSummary], task_id: &str) -> String {
    tasks
        .iter()
        .find(|task| task.id == task_id)
        .map_or_else(|| task_id.to_owned(), |task| task.title.clone())
}

/// Code as highlighted HTML, without the trailing line a `<pre>` under a
/// textarea needs.
fn highlighted(code: &str) -> String {
    let mut html = highlight::to_html(code, &highlight::tokenize(code), &[]);
    html.pop();
    html
}

/// Fetches run `run_id` and shows it.
#[component]
pub fn AttemptView(
    run_id: RunId,
    /// Set to the run's task to open its workspace.
    open_task: RwSignal<Option<String>>,
) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let detail = LocalResource::new(move || {
        version.track();
        api::attempt_detail(run_id)
    });
    let tasks = LocalResource::new(async || api::list_tasks().await.unwrap_or_default());
    view! {
        <Transition fallback=|| view! { <p>"Loading the run…"</p> }>
            {move || {
                let tasks = tasks.get()?;
                detail
                    .get()
                    .map(|result| match result {
                        Ok(detail) => view! { <AttemptCard detail tasks open_task version /> }.into_any(),
                        Err(error) => view! { <p class="error">{error.message}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn AttemptCard(
    detail: AttemptDetail,
    tasks: Vec<TaskSummary>,
    open_task: RwSignal<Option<String>>,
    /// Bumped to reload the run (after a submission).
    version: RwSignal<u32>,
) -> impl IntoView {
    let live = LiveContext::get();
    let summary = detail.summary.clone();
    let run_id = summary.run_id;
    let task_id = summary.task_id.clone();
    let title = task_title(&tasks, &task_id);
    let metric = task_metric(&tasks, &task_id);
    let status = summary.status.as_str();
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let reopen = {
        let task_id = task_id.clone();
        let code = detail.code.clone();
        let title = title.clone();
        move |_| {
            let (task_id, code, title) = (task_id.clone(), code.clone(), title.clone());
            busy.set(true);
            spawn_local(async move {
                let result = reopen_in_editor(&task_id, &code, &title, run_id).await;
                busy.try_set(false);
                match result {
                    Ok(true) => open_task.set(Some(task_id)),
                    Ok(false) => {}
                    Err(error) => {
                        message.try_set(Some(error));
                    }
                }
            });
        }
    };
    let rerun = {
        let request = TrainingRequest {
            task_id: task_id.clone(),
            code: detail.code.clone(),
            max_epochs: None,
            max_steps: None,
            seed: Some(detail.seed),
        };
        move |_| {
            let request = request.clone();
            busy.set(true);
            spawn_local(async move {
                let task_id = request.task_id.clone();
                let started = async {
                    api::replace_draft(&request.task_id, &request.code).await?;
                    // The workspace attaches as it opens and follows the run.
                    live.start(request, |_| {}).await
                };
                let result = started.await;
                busy.try_set(false);
                match result {
                    Ok(_) => open_task.set(Some(task_id)),
                    Err(error) => {
                        message.try_set(Some(format!("Could not re-run: {}", error.message)));
                    }
                }
            });
        }
    };
    let submit = move |_| {
        busy.set(true);
        spawn_local(async move {
            let result = api::submit_run(run_id).await;
            busy.try_set(false);
            match result {
                Ok(_) => {
                    version.try_update(|version| *version += 1);
                }
                Err(error) => {
                    message.try_set(Some(format!("Grading failed: {}", error.message)));
                }
            }
        });
    };

    let curves = Curves::from_epochs(&detail.epochs);
    let loss_curves = curves.clone();
    let batches = detail.batches.clone();
    let smoothed = RwSignal::new(false);
    let revision = Signal::derive(move || u64::from(smoothed.get()));
    let ended = summary.ended_at;
    let duration = ended
        .unwrap_or_else(now_ms)
        .saturating_sub(summary.started_at);
    let duration = format!(
        "{}{}",
        history::duration_text(duration),
        if ended.is_none() { " so far" } else { "" }
    );
    // During its mock a run's grade is the public half's (the backend hides the rest).
    let public_only = summary.mock_id.filter(|mock| {
        MockContext::get()
            .current
            .with_untracked(|current| current.as_ref().map(|state| state.id) == Some(*mock))
    });
    let grade = match (detail.grade.clone(), detail.submissions.last()) {
        (Some(report), _) => view! { <ScoreCard report public_only /> }.into_any(),
        (None, Some(submission)) => view! {
            <p class="card" id="attempt-grade-withheld">
                "Submitted during mock " {submission.mock_id.map(|mock| mock.to_string()).unwrap_or_default()}
                ": public score " <b>{submission.report.score} "/5"</b>
                ". The full grade shows once the mock ends."
            </p>
        }
        .into_any(),
        (None, None) => view! { <p class="meta" id="attempt-not-submitted">"Not submitted yet."</p> }.into_any(),
    };
    let submissions = (!detail.submissions.is_empty()).then(|| {
        view! {
            <table class="facts submissions" id="attempt-submissions">
                {detail
                    .submissions
                    .iter()
                    .map(|submission| {
                        view! {
                            <tr>
                                <th>{local_time(submission.submitted_at)}</th>
                                <td>
                                    {submission.report.score} "/5 · " {submission.report.metric.label()} " "
                                    {history::value_text(submission.report.value)}
                                    {submission.mock_id.map(|mock| format!(" · mock {mock}"))}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </table>
        }
    });
    let code_html = highlighted(&detail.code);
    let gutter = highlight::gutter_html(&detail.code, &[]);
    let gradable = detail.gradable;
    view! {
        <section id="attempt-detail" class="attempt-detail" data-run-id=run_id.to_string() data-status=status>
            <div class="ws-head">
                <h1>"Run #" {run_id.to_string()} " · " {title}</h1>
                <span class=format!("run-status {status}")>{status}</span>
            </div>
            <div class="row controls">
                <button
                    id="attempt-reopen"
                    class="secondary"
                    title="Put this run's code in the task's editor"
                    disabled=busy
                    on:click=reopen
                >
                    "Reopen in editor"
                </button>
                <button
                    id="attempt-rerun"
                    class="secondary"
                    title=format!("Train this code again with seed {}", detail.seed)
                    disabled=busy
                    on:click=rerun
                >
                    "Re-run with seed"
                </button>
                <Show when=move || gradable>
                    <button
                        id="attempt-submit"
                        class="primary"
                        title="Grade this run's model on the hidden test data"
                        disabled=busy
                        on:click=submit
                    >
                        "Submit"
                    </button>
                </Show>
                <span id="attempt-message" class="error">{move || message.get()}</span>
            </div>
            <div class="ws-grid">
                <div class="ws-left">
                    <table class="facts" id="attempt-facts">
                        <tr><th>"Task"</th><td>{task_id.clone()}</td></tr>
                        <tr><th>"Device"</th><td>{summary.device.clone()}</td></tr>
                        <tr><th>"Seed"</th><td id="attempt-seed">{detail.seed.to_string()}</td></tr>
                        <tr>
                            <th>"Dojo version"</th>
                            <td>{detail.dojo_version.clone().unwrap_or_else(|| "not recorded".to_owned())}</td>
                        </tr>
                        <tr><th>"Started"</th><td>{local_time(summary.started_at)}</td></tr>
                        <tr><th>"Ended"</th><td>{ended.map_or_else(|| "still running".to_owned(), local_time)}</td></tr>
                        <tr><th>"Duration"</th><td>{duration}</td></tr>
                        <tr>
                            <th>"Mock"</th>
                            <td>{summary.mock_id.map_or_else(|| "practice".to_owned(), |mock| format!("mock {mock}"))}</td>
                        </tr>
                        {summary.error.clone().map(|error| view! { <tr><th>"Error"</th><td class="error">{error}</td></tr> })}
                    </table>
                    <div class="code-view">
                        <div class="gutter" inner_html=gutter></div>
                        <pre id="attempt-code" inner_html=code_html></pre>
                    </div>
                </div>
                <div class="ws-right">
                    {grade}
                    {submissions}
                    <pre id="attempt-console" class="console">{detail.console.clone()}</pre>
                    <div class="row chart-controls">
                        <label class="check">
                            <input type="checkbox" id="attempt-smoothing" prop:checked=smoothed on:change=move |event| smoothed.set(event_target_checked(&event)) />
                            "smooth the batch curve"
                        </label>
                    </div>
                    <Chart
                        id="chart-loss"
                        title="loss".to_owned()
                        revision=revision
                        data=move || curves::loss_chart(&loss_curves, false)
                    />
                    <Chart
                        id="chart-metric"
                        title=metric.label().to_owned()
                        revision=revision
                        data=move || curves::metric_chart(&curves, metric, false)
                    />
                    <Chart
                        id="chart-batch"
                        title="loss by batch".to_owned()
                        revision=revision
                        data=move || curves::batch_chart(&batches, "loss", smoothed.get_untracked())
                    />
                </div>
            </div>
        </section>
    }
}

/// Puts `code` in the task's draft, asking first when that replaces a
/// different draft. `Ok(false)`: the user said no.
async fn reopen_in_editor(
    task_id: &str,
    code: &str,
    title: &str,
    run_id: RunId,
) -> Result<bool, String> {
    let task = api::get_task(task_id)
        .await
        .map_err(|error| format!("Could not read the draft: {}", error.message))?;
    if let Some(draft) = task.draft
        && draft != code
    {
        let question = format!(
            "Replace the editor's draft of \u{201c}{title}\u{201d} with the code of run #{run_id}?\n\n\
             Your current draft is kept one step back: the workspace's \u{201c}Previous draft\u{201d} button brings it back."
        );
        let confirmed = web_sys::window()
            .and_then(|window| window.confirm_with_message(&question).ok())
            .unwrap_or(false);
        if !confirmed {
            return Ok(false);
        }
    }
    api::replace_draft(task_id, code)
        .await
        .map_err(|error| format!("Could not reopen: {}", error.message))?;
    Ok(true)
}

/// Fetches two runs' comparison and shows it.
#[component]
pub fn CompareView(left: RunId, right: RunId) -> impl IntoView {
    let comparison = LocalResource::new(move || api::compare_attempts(left, right));
    let tasks = LocalResource::new(async || api::list_tasks().await.unwrap_or_default());
    view! {
        <Suspense fallback=|| view! { <p>"Comparing…"</p> }>
            {move || {
                let tasks = tasks.get()?;
                comparison
                    .get()
                    .map(|result| match result {
                        Ok(comparison) => view! { <Comparison comparison tasks /> }.into_any(),
                        Err(error) => view! { <p class="error">{error.message}</p> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn Comparison(comparison: AttemptComparison, tasks: Vec<TaskSummary>) -> impl IntoView {
    let (left, right) = (&comparison.left, &comparison.right);
    let left_name = format!("A #{}", left.summary.run_id);
    let right_name = format!("B #{}", right.summary.run_id);
    let metric = task_metric(&tasks, &left.summary.task_id);
    let score = |detail: &AttemptDetail| {
        let summary = &detail.summary;
        let score = summary
            .score
            .map_or_else(|| "not submitted".to_owned(), |score| format!("{score}/5"));
        let value = summary
            .metric_value
            .map(|value| format!(" ({})", history::value_text(value)))
            .unwrap_or_default();
        format!(
            "#{} · {} · {} · {score}{value}",
            summary.run_id,
            task_title(&tasks, &summary.task_id),
            local_time(summary.started_at)
        )
    };
    let scores = view! {
        <table class="facts" id="compare-scores">
            <tr><th>"A"</th><td>{score(left)}</td></tr>
            <tr><th>"B"</th><td>{score(right)}</td></tr>
        </table>
    };
    let metrics = comparison
        .metrics
        .iter()
        .map(|(name, a, b)| {
            let shown =
                |value: &Option<f64>| value.map_or_else(|| "–".to_owned(), history::value_text);
            let change = history::delta(*a, *b).map_or_else(|| "–".to_owned(), history::delta_text);
            view! {
                <tr>
                    <th>{name.clone()}</th>
                    <td>{shown(a)}</td>
                    <td>{shown(b)}</td>
                    <td>{change}</td>
                </tr>
            }
        })
        .collect_view();
    let left_curves = Curves::from_epochs(&left.epochs);
    let right_curves = Curves::from_epochs(&right.epochs);
    let loss = curves::compared_chart(
        (&left_curves, &left_name),
        (&right_curves, &right_name),
        Some("loss"),
        metric,
    );
    let metric_chart = curves::compared_chart(
        (&left_curves, &left_name),
        (&right_curves, &right_name),
        None,
        metric,
    );
    let rows = side_by_side(&comparison.diff)
        .into_iter()
        .map(|row| {
            view! {
                <tr>
                    <DiffSide side=row.left />
                    <DiffSide side=row.right />
                </tr>
            }
        })
        .collect_view();
    let identical = comparison
        .diff
        .iter()
        .all(|row| row.change == DiffChange::Same)
        .then(|| view! { <p class="meta">"The two programs are identical."</p> });
    view! {
        <section id="attempt-compare" class="attempt-compare">
            <h1>"Run #" {left.summary.run_id.to_string()} " and run #" {right.summary.run_id.to_string()}</h1>
            {scores}
            <div class="ws-grid">
                <div class="ws-left">
                    <table class="metrics-compare" id="compare-metrics">
                        <tr><th>"final epoch"</th><th>"A"</th><th>"B"</th><th>"B − A"</th></tr>
                        {metrics}
                    </table>
                </div>
                <div class="ws-right">
                    <Chart id="chart-loss" title="loss".to_owned() revision=Signal::derive(|| 0) data=move || loss.clone() />
                    <Chart
                        id="chart-metric"
                        title=metric.label().to_owned()
                        revision=Signal::derive(|| 0)
                        data=move || metric_chart.clone()
                    />
                </div>
            </div>
            {identical}
            <div class="diff-wrap">
                <table class="diff" id="compare-diff">
                    <tr>
                        <th colspan="2">{left_name.clone()}</th>
                        <th colspan="2">{right_name.clone()}</th>
                    </tr>
                    {rows}
                </table>
            </div>
        </section>
    }
}

/// One side of a diff row: line number and highlighted text, tinted by
/// the change; empty where the line exists only on the other side.
#[component]
fn DiffSide(side: Option<Side>) -> impl IntoView {
    match side {
        None => view! {
            <td class="line-no empty"></td>
            <td class="code empty"></td>
        }
        .into_any(),
        Some(side) => {
            let class = match side.change {
                DiffChange::Same => "same",
                DiffChange::Removed => "removed",
                DiffChange::Added => "added",
            };
            view! {
                <td class=format!("line-no {class}")>{side.line.map(|line| line.to_string())}</td>
                <td class=format!("code {class}") inner_html=highlighted(&side.text)></td>
            }
            .into_any()
        }
    }
}
