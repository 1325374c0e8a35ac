//! The home screen: the practice tasks in exam order, as the engine lists
//! them, each with its attempts and best score. A card opens the task.

use dojo_protocol::{TaskStats, TaskSummary};
use leptos::prelude::*;

use crate::api;

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
