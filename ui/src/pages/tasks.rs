//! The home screen: the practice tasks in exam order, as the engine lists them.

use dojo_protocol::TaskSummary;
use leptos::prelude::*;

use crate::api;

#[component]
pub fn TasksPage() -> impl IntoView {
    let tasks = LocalResource::new(api::list_tasks);
    view! {
        <h1>"Tasks"</h1>
        <p class="lead">
            "Five model-building tasks in the order of the exam. Each is graded out of 5 on test data your code never sees."
        </p>
        <Suspense fallback=|| view! { <p>"Loading tasks…"</p> }>
            {move || {
                tasks
                    .get()
                    .map(|result| match result {
                        Ok(tasks) => {
                            view! {
                                <div class="task-grid" id="task-list">
                                    {tasks
                                        .into_iter()
                                        .map(|task| view! { <TaskCard task /> })
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
) -> impl IntoView {
    view! {
        <article class="card task-card" data-task-id=task.id.clone()>
            <span class="number">{task.exam_number}</span>
            <h2>{task.title}</h2>
            <div class="meta">
                {task.category.label()} " · graded by " {task.metric.label()}
            </div>
            <p>{task.summary}</p>
        </article>
    }
}
