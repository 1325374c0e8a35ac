//! The home screen: the mock exam (start one, the one in progress, the
//! report of the one that just ended) and the practice tasks in exam
//! order, as the engine lists them, each with its attempts and best score.
//! A card opens the task.

use dojo_protocol::{MockId, MockRequest, TaskStats, TaskSummary};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::mock_clock::MockContext;
use crate::components::mock_report::MockReportView;
use crate::mock;

#[component]
pub fn TasksPage(
    /// Set to a task's id to open its workspace.
    open_task: RwSignal<Option<String>>,
) -> impl IntoView {
    let tasks = LocalResource::new(api::list_tasks);
    // Without a record (a fresh install, or an older backend) cards show none.
    let stats = LocalResource::new(async || api::task_stats().await.unwrap_or_default());
    view! {
        <h1>"Tasks"</h1>
        <p class="lead">
            "Five model-building tasks in the order of the exam. Each is graded out of 5 on test data your code never sees."
        </p>
        <MockPanel open_task />
        <Suspense fallback=|| view! { <p>"Loading tasks…"</p> }>
            {move || {
                let stats = stats.get()?;
                tasks
                    .get()
                    .map(|result| match result {
                        Ok(tasks) => {
                            view! {
                                <div class="task-grid" id="task-list">
                                    {tasks
                                        .into_iter()
                                        .map(|task| {
                                            let record = stats
                                                .iter()
                                                .find(|record| record.task_id == task.id)
                                                .cloned();
                                            view! { <TaskCard task record open_task /> }
                                        })
                                        .collect_view()}
                                </div>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <p class="error">{error.message}</p> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// One task on the home screen.
#[component]
fn TaskCard(
    /// The task to show.
    task: TaskSummary,
    /// Its attempts and best score, if any.
    record: Option<TaskStats>,
    open_task: RwSignal<Option<String>>,
) -> impl IntoView {
    let attempts = record.as_ref().map_or(0, |record| record.attempts);
    let best = record.and_then(|record| record.best_score);
    let id = task.id.clone();
    let open = move || open_task.set(Some(id.clone()));
    let open_by_key = open.clone();
    view! {
        <article
            class="card task-card"
            id=format!("task-card-{}", task.id)
            data-task-id=task.id.clone()
            data-attempts=attempts.to_string()
            data-best-score=best.map(|score| score.to_string()).unwrap_or_default()
            role="button"
            tabindex="0"
            on:click=move |_| open()
            on:keydown=move |event| {
                if event.key() == "Enter" || event.key() == " " {
                    event.prevent_default();
                    open_by_key();
                }
            }
        >
            <span class="number">{task.exam_number}</span>
            <h2>{task.title}</h2>
            <div class="meta">
                {task.category.label()} " · graded by " {task.metric.label()}
            </div>
            <p>{task.summary}</p>
            <div class="record">
                <span class="best">
                    {best.map_or_else(|| "not graded yet".to_owned(), |score| format!("best score {score}/5"))}
                </span>
                <span class="attempts">
                    {if attempts == 1 { "1 attempt".to_owned() } else { format!("{attempts} attempts") }}
                </span>
            </div>
        </article>
    }
}

/// The mock exam on the home screen: the report of the mock that just
/// ended, the mock in progress with its five tasks, or the start panel.
#[component]
fn MockPanel(open_task: RwSignal<Option<String>>) -> impl IntoView {
    let mock = MockContext::get();
    let tasks = LocalResource::new(async || api::list_tasks().await.unwrap_or_default());
    // Each poll brings a fresh state; the panel changes only with the mock.
    let running = Memo::new(move |_| {
        mock.current.with(|current| {
            current
                .as_ref()
                .map(|state| (state.id, state.tasks.clone()))
        })
    });
    view! {
        {move || {
            mock.ended
                .get()
                .map(|mock_id| {
                    view! {
                        <div class="mock-ended">
                            <MockReportView mock_id />
                            <button id="mock-report-close" class="secondary" on:click=move |_| mock.ended.set(None)>
                                "Close the report"
                            </button>
                        </div>
                    }
                })
        }}
        {move || match running.get() {
            Some((mock_id, task_ids)) => view! { <MockRunning mock_id task_ids tasks open_task /> }.into_any(),
            None => view! { <MockStart /> }.into_any(),
        }}
    }
}

/// The rules and the Start button.
#[component]
fn MockStart() -> impl IntoView {
    let mock = MockContext::get();
    let minutes = RwSignal::new(MockRequest::LENGTHS[0]);
    let error = RwSignal::new(None::<String>);
    let starting = RwSignal::new(false);
    let start = move |_| {
        starting.set(true);
        error.set(None);
        let length = minutes.get_untracked();
        spawn_local(async move {
            match api::start_mock(length).await {
                Ok(state) => mock.started(state),
                Err(failure) => {
                    error.try_set(Some(failure.message));
                }
            }
            starting.try_set(false);
        });
    };
    view! {
        <section class="card mock-start" id="mock-start">
            <h2>"Start a mock exam"</h2>
            <ul class="rules">
                <li>"Five tasks, one per exam category, drawn for this mock."</li>
                <li>
                    "The clock is a wall-clock deadline: it keeps running while the app is closed."
                </li>
                <li>"A task's score is its best submission within the mock."</li>
                <li>
                    "During the mock you see each submission's score on the public half of the hidden test data; the private half is revealed when the mock ends."
                </li>
                <li>"Task k weighs k of 15 in the total."</li>
                <li>"90 % is a folk pass line, not an official one."</li>
            </ul>
            <div class="row">
                <label>
                    "Length "
                    <select
                        id="mock-length"
                        on:change=move |event| {
                            if let Ok(value) = event_target_value(&event).parse::<u32>() {
                                minutes.set(value);
                            }
                        }
                    >
                        {MockRequest::LENGTHS
                            .into_iter()
                            .map(|length| {
                                view! {
                                    <option value=length.to_string() selected=move || minutes.get() == length>
                                        {mock::length_label(length)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <button id="mock-start-button" class="primary" disabled=starting on:click=start>
                    "Start the mock"
                </button>
                <span class="error">{move || error.get()}</span>
            </div>
        </section>
    }
}

/// The mock in progress: the time left, its five tasks, End and Abandon.
#[component]
fn MockRunning(
    mock_id: MockId,
    /// Its five tasks, in exam order.
    task_ids: Vec<String>,
    tasks: LocalResource<Vec<TaskSummary>>,
    open_task: RwSignal<Option<String>>,
) -> impl IntoView {
    let mock = MockContext::get();
    let error = RwSignal::new(None::<String>);
    let ending = RwSignal::new(false);
    let end = move |abandon: bool| {
        if abandon {
            let confirmed = web_sys::window()
                .and_then(|window| {
                    window
                        .confirm_with_message(
                            "Abandon this mock exam? It ends now and no report counts it.",
                        )
                        .ok()
                })
                .unwrap_or(false);
            if !confirmed {
                return;
            }
        }
        ending.set(true);
        spawn_local(async move {
            match api::end_mock(mock_id, abandon).await {
                Ok(_) => mock.closed(mock_id, !abandon),
                Err(failure) => {
                    error.try_set(Some(failure.message));
                }
            }
            ending.try_set(false);
        });
    };
    let now = RwSignal::new(0.0);
    let ticker = set_interval_with_handle(
        move || {
            now.set(
                web_sys::window()
                    .and_then(|window| window.performance())
                    .map_or(0.0, |performance| performance.now()),
            )
        },
        std::time::Duration::from_millis(500),
    )
    .ok();
    on_cleanup(move || {
        if let Some(handle) = ticker {
            handle.clear();
        }
    });
    let left = move || {
        now.track();
        mock.left_ms(now.get_untracked()).map(mock::hms)
    };
    view! {
        <section class="card mock-running" id="mock-running" data-mock-id=mock_id.to_string()>
            <h2>
                "Mock exam " {mock_id.to_string()} " in progress · "
                <span class="mono">{left}</span> " left"
            </h2>
            <ol class="mock-task-list">
                {move || {
                    let known = tasks.get().unwrap_or_default();
                    task_ids
                        .iter()
                        .map(|task_id| {
                            let summary = known.iter().find(|task| &task.id == task_id).cloned();
                            let label = summary
                                .as_ref()
                                .map_or_else(|| task_id.clone(), |task| format!("{} · {}", task.title, task.category.label()));
                            let id = task_id.clone();
                            view! {
                                <li>
                                    <button
                                        id=format!("mock-task-{task_id}")
                                        class="link"
                                        on:click=move |_| open_task.set(Some(id.clone()))
                                    >
                                        {label}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
            <div class="row">
                <button id="mock-end" class="primary" disabled=ending on:click=move |_| end(false)>
                    "End mock now"
                </button>
                <button id="mock-abandon" class="secondary" disabled=ending on:click=move |_| end(true)>
                    "Abandon"
                </button>
                <span class="error">{move || error.get()}</span>
            </div>
        </section>
    }
}
