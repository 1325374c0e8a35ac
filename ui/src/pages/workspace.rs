//! The task workspace: the statement, the grader's contract and a look at
//! the data; the code editor; training with a console, progress and live
//! charts; stopping, submitting and the grader's score card.
//!
//! A run goes on when the workspace closes. On mount the workspace attaches
//! to the run in progress (see [`live_run`](crate::components::live_run)
//! for who receives a run's events): a run of this task is replayed into
//! the workspace's `RunState` through the same `apply` its live events go
//! through, and followed from there.

use std::time::Duration;

use dojo_protocol::{
    AttemptSummary, CodeDiagnostic, JobId, LiveTraining, Metric, RunId, Submission, TaskDetail,
    TrainingEvent, TrainingRequest,
};
use leptos::html::Pre;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::chart::Chart;
use crate::components::editor::{Editor, Location};
use crate::components::live_run::LiveContext;
use crate::components::mock_clock::MockContext;
use crate::components::preview::Preview;
use crate::components::progress_bar::ProgressBar;
use crate::components::score_card::ScoreCard;
use crate::curves;
use crate::statement::{self, Inline};
use crate::training::{self, ConsolePiece, RunState};

/// Quiet time after the last keystroke before the draft is saved and checked.
const DEBOUNCE: Duration = Duration::from_millis(400);
/// Caps of a quick run.
const QUICK_EPOCHS: u32 = 1;
const QUICK_STEPS: u32 = 20;

#[component]
pub fn WorkspacePage(
    task_id: String,
    /// Cleared by the back button.
    open_task: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = task_id.clone();
    let detail = LocalResource::new(move || {
        let id = id.clone();
        async move { api::get_task(&id).await }
    });
    view! {
        <div id="workspace" class="workspace" data-task-id=task_id>
            <Suspense fallback=|| view! { <p>"Loading the task…"</p> }>
                {move || {
                    detail
                        .get()
                        .map(|result| match result {
                            Ok(detail) => view! { <Workspace detail open_task /> }.into_any(),
                            Err(error) => {
                                view! {
                                    <button id="btn-back" class="secondary" on:click=move |_| open_task.set(None)>
                                        "← Tasks"
                                    </button>
                                    <p class="error">{error.message}</p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </div>
    }
}

#[component]
fn Workspace(detail: TaskDetail, open_task: RwSignal<Option<String>>) -> impl IntoView {
    let task_id = detail.summary.id.clone();
    let metric = detail.summary.metric;
    let starter = detail.starter.clone();
    let code = RwSignal::new(
        detail
            .draft
            .clone()
            .unwrap_or_else(|| detail.starter.clone()),
    );
    let checked = RwSignal::new(Vec::<CodeDiagnostic>::new());
    let run = RwSignal::new(RunState::default());
    // The code the latest run trained: its error is shown until the code changes.
    let ran_code = RwSignal::new(None::<String>);
    let live = LiveContext::get();
    let mock = MockContext::get();
    let last_gradable = RwSignal::new(None::<RunId>);
    let submission = RwSignal::new(None::<Result<Submission, String>>);
    let submitting = RwSignal::new(false);
    let quick = RwSignal::new(false);
    let smoothed = RwSignal::new(false);
    let goto = RwSignal::new(None::<Location>);
    let attempts_version = RwSignal::new(0u32);

    // Save and check the code once typing pauses; the first pass only checks.
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let check_sequence = StoredValue::new(0u64);
    let debounce_id = task_id.clone();
    Effect::new(move |previous: Option<()>| {
        let text = code.get();
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        let save = previous.is_some();
        let task_id = debounce_id.clone();
        let handle = set_timeout_with_handle(
            move || {
                // The workspace may have closed since the keystroke: the
                // draft is still saved, but there is nothing left to check.
                let sequence = check_sequence.try_update_value(|sequence| {
                    *sequence += 1;
                    *sequence
                });
                spawn_local(async move {
                    if save && let Err(error) = api::save_draft(&task_id, &text).await {
                        leptos::logging::warn!("draft not saved: {error}");
                    }
                    let Some(sequence) = sequence else {
                        return;
                    };
                    match api::check_code(&task_id, &text).await {
                        // A slower, older check must not replace a newer one.
                        Ok(found) if check_sequence.try_get_value() == Some(sequence) => {
                            checked.try_set(found);
                        }
                        Ok(_) => {}
                        Err(error) => leptos::logging::warn!("code not checked: {error}"),
                    }
                });
            },
            if save { DEBOUNCE } else { Duration::ZERO },
        );
        timer.set_value(handle.ok());
    });

    let diagnostics = Memo::new(move |_| {
        let mut all = checked.get();
        let current = code.with(|text| ran_code.with(|ran| ran.as_deref() == Some(text)));
        if current && let Some(error) = run.with(|state| state.error.clone()) {
            all.push(error);
        }
        all
    });

    // Every event of a run this workspace follows, live or replayed.
    let on_run_event = move |event: TrainingEvent| {
        let terminal = event.is_terminal();
        let epoch = matches!(event, TrainingEvent::Epoch { .. });
        run.try_update(|state| {
            state.apply(event);
            if epoch {
                state.last_epoch_received_at_ms = Some(js_sys::Date::now() as i64);
            }
        });
        if terminal {
            if let Some(run_id) = run.try_with_untracked(RunState::gradable_run).flatten() {
                last_gradable.try_set(Some(run_id));
            }
            attempts_version.try_update(|version| *version += 1);
        }
    };

    // Follow the run in progress: this task's is replayed and shown here,
    // another task's only in the header.
    let attach_id = task_id.clone();
    spawn_local(async move {
        let follows = std::rc::Rc::new(std::cell::Cell::new(false));
        let on_snapshot = {
            let follows = std::rc::Rc::clone(&follows);
            move |snapshot: Option<&LiveTraining>| {
                let Some(snapshot) = snapshot.filter(|snapshot| snapshot.task_id == attach_id)
                else {
                    return;
                };
                follows.set(true);
                let mut state = RunState::starting();
                for event in snapshot.events.iter().cloned() {
                    state.apply(event);
                }
                if snapshot.job_id != JobId(0) {
                    state.job_id = Some(snapshot.job_id);
                }
                run.try_set(state);
                // The error of the run marks the code it ran.
                let run_id = snapshot.run_id;
                spawn_local(async move {
                    if let Ok(detail) = api::attempt_detail(run_id).await {
                        ran_code.try_set(Some(detail.code));
                    }
                });
            }
        };
        let forward = move |event: TrainingEvent| {
            if follows.get() {
                on_run_event(event);
            }
        };
        if let Err(error) = live.attach(on_snapshot, forward).await {
            leptos::logging::warn!("cannot follow the run in progress: {error}");
        }
    });

    let train_id = task_id.clone();
    let train = Callback::new(move |()| {
        if run.with_untracked(RunState::is_active) {
            return;
        }
        let text = code.get_untracked();
        let caps = quick.get_untracked().then_some(());
        let request = TrainingRequest {
            task_id: train_id.clone(),
            code: text.clone(),
            max_epochs: caps.map(|()| QUICK_EPOCHS),
            max_steps: caps.map(|()| QUICK_STEPS),
            seed: None,
        };
        ran_code.set(Some(text));
        run.set(RunState::starting());
        spawn_local(async move {
            if let Err(error) = live.start(request, on_run_event).await {
                run.try_update(|state| state.fail(&error.message));
            }
        });
    });
    let stop = move |_| {
        let Some(job_id) = run.with_untracked(|state| state.job_id) else {
            return;
        };
        spawn_local(async move {
            // A run that ended meanwhile is not an error worth showing.
            if let Err(error) = api::cancel_job(job_id).await
                && error.code != "job_not_found"
            {
                leptos::logging::warn!("stop: {error}");
            }
        });
    };
    let submit = move |_| {
        let Some(run_id) = last_gradable.get_untracked() else {
            return;
        };
        submitting.set(true);
        spawn_local(async move {
            let result = api::submit_run(run_id).await.map_err(|error| error.message);
            submission.try_set(Some(result));
            submitting.try_set(false);
            attempts_version.try_update(|version| *version += 1);
        });
    };
    // Asks first; the replacement is one undoable edit in the editor.
    let reset = move |_| {
        if code.with_untracked(|text| *text == starter) {
            return;
        }
        let confirmed = web_sys::window()
            .and_then(|window| {
                window
                    .confirm_with_message(
                        "Replace your code with the starter file?\n\nCtrl+Z in the editor brings it back.",
                    )
                    .ok()
            })
            .unwrap_or(false);
        if confirmed {
            code.set(starter.clone());
        }
    };
    // The draft that reopening an attempt replaced, if any. A plain signal,
    // not a resource: a resource read here would suspend the page's
    // `Suspense` and rebuild the workspace when it loads.
    let previous = RwSignal::new(None::<String>);
    let previous_id = task_id.clone();
    spawn_local(async move {
        match api::previous_draft(&previous_id).await {
            Ok(found) => {
                previous.try_set(found);
            }
            Err(error) => leptos::logging::warn!("previous draft: {error}"),
        }
    });
    let has_previous = move || {
        previous.with(|found| {
            found
                .as_ref()
                .is_some_and(|text| code.with(|current| current != text))
        })
    };
    let restore_previous = move |_| {
        if let Some(text) = previous.get_untracked() {
            code.set(text);
        }
    };

    let active = move || run.with(RunState::is_active);
    let phase = move || run.with(|state| state.phase);
    let revision = Memo::new(move |_| run.with(|state| state.curves_revision));
    let chart_revision = Signal::derive(move || revision.get() * 2 + u64::from(smoothed.get()));
    let has_sweep = Memo::new(move |_| {
        revision.track();
        run.with_untracked(|state| state.curves.learning_rate_sweep().is_some())
    });

    let summary = detail.summary.clone();
    view! {
        <div class="ws-head">
            <button id="btn-back" class="secondary" on:click=move |_| open_task.set(None)>
                "← Tasks"
            </button>
            <span class="number">{summary.exam_number}</span>
            <h1>{summary.title}</h1>
            <span class="meta">
                {summary.category.label()} " · graded by " {summary.metric.label()}
            </span>
            <span
                id="run-status"
                class=move || format!("run-status {}", phase().label())
                data-status=move || phase().label()
            >
                {move || phase().label()}
            </span>
        </div>
        <div class="ws-grid">
            <div class="ws-left">
                <TaskInfo detail=detail.clone() />
                <Editor code diagnostics on_run=train goto />
                <div class="row controls">
                    <button
                        id="btn-train"
                        class="primary"
                        title="Train (Ctrl+Enter)"
                        disabled=active
                        on:click=move |_| train.run(())
                    >
                        "Train"
                    </button>
                    <label class="check" title="1 epoch of at most 20 batches">
                        <input type="checkbox" id="quick-run" prop:checked=quick on:change=move |event| quick.set(event_target_checked(&event)) />
                        "quick run"
                    </label>
                    <button
                        id="btn-stop"
                        class="secondary"
                        disabled=move || !active() || run.with(|state| state.job_id.is_none())
                        on:click=stop
                    >
                        "Stop"
                    </button>
                    <button
                        id="btn-submit"
                        class="primary"
                        title="Grade the latest trained model on the hidden test data"
                        disabled=move || active() || submitting.get() || last_gradable.get().is_none()
                        on:click=submit
                    >
                        {move || if submitting.get() { "Grading…" } else { "Submit" }}
                    </button>
                    <span class="spacer"></span>
                    <Show when=has_previous>
                        <button
                            id="btn-previous-draft"
                            class="secondary"
                            title="Bring back the draft that reopening a past run replaced"
                            on:click=restore_previous
                        >
                            "Previous draft"
                        </button>
                    </Show>
                    <button id="btn-reset" class="secondary" title="Replace the code with the starter file" on:click=reset>
                        "Reset to starter"
                    </button>
                </div>
                <ul id="diagnostics" class="diagnostics">
                    {move || {
                        diagnostics
                            .get()
                            .into_iter()
                            .map(|diagnostic| view! { <DiagnosticItem diagnostic goto /> })
                            .collect_view()
                    }}
                </ul>
            </div>
            <div class="ws-right">
                <div class="row">
                    <ProgressBar id="progress" fraction=Signal::derive(move || run.with(RunState::fraction)) />
                </div>
                <div id="progress-text" class="status">{move || run.with(RunState::progress_text)}</div>
                {move || match submission.get() {
                    None => None,
                    Some(Ok(submission)) => {
                        // A submission to the mock in progress shows the public half only.
                        let public_only = submission.mock_id.filter(|id| {
                            mock.current.with_untracked(|current| {
                                current.as_ref().map(|state| state.id) == Some(*id)
                            })
                        });
                        Some(view! { <ScoreCard report=submission.report public_only /> }.into_any())
                    }
                    Some(Err(message)) => Some(view! { <p class="error">"Grading failed: " {message}</p> }.into_any()),
                }}
                <ul id="hints" class="hints">
                    {move || {
                        run.with(|state| state.hints.clone())
                            .into_iter()
                            .map(|hint| view! { <li class="hint">{hint.message}</li> })
                            .collect_view()
                    }}
                </ul>
                <Console run goto />
                <Figures run />
                <div class="row chart-controls">
                    <label class="check">
                        <input type="checkbox" id="smoothing" prop:checked=smoothed on:change=move |event| smoothed.set(event_target_checked(&event)) />
                        "smooth batch curves"
                    </label>
                </div>
                <Chart
                    id="chart-loss"
                    title="loss".to_owned()
                    revision=chart_revision
                    epoch_sent_at=Signal::derive(move || run.with(|state| state.last_epoch_sent_at_ms))
                    epoch_received_at=Signal::derive(move || run.with(|state| state.last_epoch_received_at_ms))
                    data=move || run.with_untracked(|state| curves::loss_chart(&state.curves, smoothed.get_untracked()))
                />
                <Chart
                    id="chart-metric"
                    title=metric_title(metric)
                    revision=chart_revision
                    data=move || {
                        run.with_untracked(|state| {
                            curves::metric_chart(&state.curves, metric, smoothed.get_untracked())
                        })
                    }
                />
                <Show when=move || has_sweep.get()>
                    <Chart
                        id="chart-lr"
                        title="loss by learning rate".to_owned()
                        revision=chart_revision
                        data=move || {
                            run.with_untracked(|state| {
                                curves::learning_rate_chart(&state.curves, smoothed.get_untracked())
                                    .unwrap_or_else(|| curves::loss_chart(&curves::Curves::default(), false))
                            })
                        }
                    />
                </Show>
                <Attempts task_id=task_id.clone() version=attempts_version />
            </div>
        </div>
    }
}

fn metric_title(metric: Metric) -> String {
    match metric {
        Metric::Accuracy => "accuracy".to_owned(),
        Metric::MeanAbsoluteError => "mean absolute error".to_owned(),
    }
}

/// The statement, the grader's contract and the data preview.
#[component]
fn TaskInfo(detail: TaskDetail) -> impl IntoView {
    let paragraphs = statement::paragraphs(&detail.statement)
        .into_iter()
        .map(|pieces| {
            let pieces = pieces
                .into_iter()
                .map(|piece| match piece {
                    Inline::Text(text) => view! { <span>{text}</span> }.into_any(),
                    Inline::Code(text) => view! { <code>{text}</code> }.into_any(),
                })
                .collect_view();
            view! { <p>{pieces}</p> }
        })
        .collect_view();
    view! {
        <details class="card task-info" open>
            <summary>"Task, contract and data"</summary>
            <div class="statement">{paragraphs}</div>
            <table class="facts contract" id="contract">
                {detail
                    .contract
                    .into_iter()
                    .map(|item| view! { <tr><th>{item.name}</th><td>{item.value}</td></tr> })
                    .collect_view()}
            </table>
            <div class="preview" id="preview">
                <Preview preview=detail.preview />
            </div>
        </details>
    }
}

/// One problem in the list; clicking it puts the caret at its place.
#[component]
fn DiagnosticItem(diagnostic: CodeDiagnostic, goto: RwSignal<Option<Location>>) -> impl IntoView {
    let line = diagnostic.line;
    let column = diagnostic.column.unwrap_or(1);
    let place = match (diagnostic.line, diagnostic.column) {
        (Some(line), Some(column)) => format!("line {line}:{column}"),
        (Some(line), None) => format!("line {line}"),
        _ => String::new(),
    };
    view! {
        <li
            class="diagnostic"
            data-line=line.map(|line| line.to_string()).unwrap_or_default()
            on:click=move |_| {
                if let Some(line) = line {
                    goto.set(Some(Location { line, column }));
                }
            }
        >
            <span class="where">{place}</span>
            <b>{diagnostic.kind}</b>
            ": "
            {diagnostic.message}
            {diagnostic.help.map(|help| view! { <div class="help">{help}</div> })}
        </li>
    }
}

/// The run's printed output, kept scrolled to the end. A traceback line
/// is a link to its place in the code.
#[component]
fn Console(run: RwSignal<RunState>, goto: RwSignal<Option<Location>>) -> impl IntoView {
    let element = NodeRef::<Pre>::new();
    let text = Memo::new(move |_| run.with(|state| state.console.clone()));
    Effect::new(move |_| {
        text.track();
        if let Some(console) = element.get() {
            console.set_scroll_top(console.scroll_height());
        }
    });
    let pieces = move || {
        text.with(|text| training::console_pieces(text))
            .into_iter()
            .map(|piece| match piece {
                ConsolePiece::Text(text) => text.into_any(),
                ConsolePiece::Frame { text, line, column } => view! {
                    <a
                        class="console-frame"
                        data-line=line
                        title="Show this line in the editor"
                        on:click=move |_| goto.set(Some(Location { line, column }))
                    >
                        {text}
                    </a>
                }
                .into_any(),
            })
            .collect_view()
    };
    view! { <pre id="console" class="console" node_ref=element>{pieces}</pre> }
}

/// The figures the program drew (`plt.show()`, `plt.savefig`), under the
/// console: each as the engine drew it, with the console's name for it.
#[component]
fn Figures(run: RwSignal<RunState>) -> impl IntoView {
    let figures = Memo::new(move |_| run.with(|state| state.figures.clone()));
    move || {
        let figures = figures.get();
        (!figures.is_empty()).then(|| {
            view! {
                <div id="figures" class="figures">
                    {figures
                        .into_iter()
                        .map(|figure| {
                            let caption = figure.caption();
                            view! {
                                <figure class="figure">
                                    <img
                                        src=figure.data_url()
                                        alt=caption.clone()
                                        width=figure.width
                                        height=figure.height
                                    />
                                    <figcaption>{caption}</figcaption>
                                </figure>
                            }
                        })
                        .collect_view()}
                </div>
            }
        })
    }
}

/// This task's stored runs, refreshed when `version` changes.
#[component]
fn Attempts(task_id: String, version: RwSignal<u32>) -> impl IntoView {
    let attempts = LocalResource::new(move || {
        version.track();
        let task_id = task_id.clone();
        async move { api::list_attempts(Some(task_id)).await.unwrap_or_default() }
    });
    let row = |attempt: AttemptSummary| {
        let loss = attempt
            .final_logs
            .get("loss")
            .map(|loss| format!("{loss:.4}"))
            .unwrap_or_default();
        let status = format!("{:?}", attempt.status).to_lowercase();
        let shown = status.clone();
        view! {
            <tr class="attempt" data-status=status title=attempt.error.unwrap_or_default()>
                <td>"#" {attempt.run_id.0}</td>
                <td>{shown}</td>
                <td>{loss}</td>
                <td>{attempt.score.map(|score| format!("{score}/5")).unwrap_or_default()}</td>
            </tr>
        }
    };
    view! {
        <Transition fallback=|| ()>
            {move || {
                attempts
                    .get()
                    .filter(|list| !list.is_empty())
                    .map(|list| {
                        view! {
                            <details class="card attempts" id="attempts">
                                <summary>{format!("Past runs ({})", list.len())}</summary>
                                <table>
                                    <tr><th>"run"</th><th>"status"</th><th>"final loss"</th><th>"score"</th></tr>
                                    {list.into_iter().take(20).map(row).collect_view()}
                                </table>
                            </details>
                        }
                    })
            }}
        </Transition>
    }
}
