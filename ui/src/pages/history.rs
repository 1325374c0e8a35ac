//! History: every stored run, newest first, filtered, ordered and paged by
//! the backend; two runs picked for comparison; the past mocks with their
//! reports; export and import. A row opens the run's detail, a sub-view of
//! this page (see [`attempt`](crate::pages::attempt)).

use dojo_protocol::{
    AttemptSummary, HistoryQuery, HistorySort, MockId, MockState, RunId, RunStatus, TaskSummary,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::mock_report::MockReportView;
use crate::history::{self, compared_pair, toggle_pick};
use crate::local_time::local_time;
use crate::mock;
use crate::pages::attempt::{AttemptView, CompareView};

/// Every status a run can have, in the order the filter lists them.
const STATUSES: [RunStatus; 5] = [
    RunStatus::Finished,
    RunStatus::Cancelled,
    RunStatus::Failed,
    RunStatus::Interrupted,
    RunStatus::Running,
];

/// The orders the page offers, with their words.
const SORTS: [(HistorySort, &str, &str); 4] = [
    (HistorySort::Started, "started", "started"),
    (HistorySort::Score, "score", "score"),
    (HistorySort::Metric, "metric", "metric value"),
    (HistorySort::Duration, "duration", "duration"),
];

/// What the page shows: the list or one of its sub-views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Showing {
    List,
    Attempt(RunId),
    Compare(RunId, RunId),
    MockReport(MockId),
}

#[component]
pub fn HistoryPage(
    /// Set to a task's id to open its workspace (reopen, re-run).
    open_task: RwSignal<Option<String>>,
) -> impl IntoView {
    let showing = RwSignal::new(Showing::List);
    let tasks = LocalResource::new(async || api::list_tasks().await.unwrap_or_default());
    // The list's state lives here, so coming back from a sub-view keeps it.
    let filters = Filters::new();
    let picks = RwSignal::new(Vec::<RunId>::new());
    let back = move |_| showing.set(Showing::List);
    view! {
        <div id="history" class="history">
            {move || match showing.get() {
                Showing::List => view! { <HistoryList showing filters picks tasks /> }.into_any(),
                Showing::Attempt(run_id) => {
                    view! {
                        <button id="history-back" class="secondary" on:click=back>"← History"</button>
                        <AttemptView run_id open_task />
                    }
                        .into_any()
                }
                Showing::Compare(left, right) => {
                    view! {
                        <button id="history-back" class="secondary" on:click=back>"← History"</button>
                        <CompareView left right />
                    }
                        .into_any()
                }
                Showing::MockReport(mock_id) => {
                    view! {
                        <button id="history-back" class="secondary" on:click=back>"← History"</button>
                        <MockReportView mock_id />
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// The list's filters, order and page.
#[derive(Clone, Copy)]
struct Filters {
    task: RwSignal<Option<String>>,
    status: RwSignal<Option<RunStatus>>,
    min_score: RwSignal<Option<u8>>,
    mock: RwSignal<Option<MockId>>,
    sort: RwSignal<HistorySort>,
    ascending: RwSignal<bool>,
    offset: RwSignal<u32>,
    /// Bumped to reload (after an import).
    version: RwSignal<u32>,
}

impl Filters {
    fn new() -> Filters {
        Filters {
            task: RwSignal::new(None),
            status: RwSignal::new(None),
            min_score: RwSignal::new(None),
            mock: RwSignal::new(None),
            sort: RwSignal::new(HistorySort::Started),
            ascending: RwSignal::new(false),
            offset: RwSignal::new(0),
            version: RwSignal::new(0),
        }
    }

    fn query(self) -> HistoryQuery {
        HistoryQuery {
            task_id: self.task.get(),
            status: self.status.get(),
            min_score: self.min_score.get(),
            mock_id: self.mock.get(),
            sort: self.sort.get(),
            ascending: self.ascending.get(),
            limit: HistoryQuery::DEFAULT_LIMIT,
            offset: self.offset.get(),
        }
    }

    /// Sets a filter and goes back to the first page.
    fn set<T: Send + Sync + 'static>(self, signal: RwSignal<T>, value: T) {
        signal.set(value);
        self.offset.set(0);
    }
}

#[component]
fn HistoryList(
    showing: RwSignal<Showing>,
    filters: Filters,
    picks: RwSignal<Vec<RunId>>,
    tasks: LocalResource<Vec<TaskSummary>>,
) -> impl IntoView {
    let page = LocalResource::new(move || {
        filters.version.track();
        let query = filters.query();
        async move { api::history_page(&query).await }
    });
    let mocks = LocalResource::new(move || {
        filters.version.track();
        async move { api::list_mocks().await.unwrap_or_default() }
    });
    let title = move |task_id: &str| {
        tasks
            .get()
            .and_then(|tasks| tasks.into_iter().find(|task| task.id == task_id))
            .map_or_else(|| task_id.to_owned(), |task| task.title)
    };
    let pair = move || picks.with(|picks| compared_pair(picks));
    let compare = move |_| {
        if let Some((left, right)) = pair() {
            showing.set(Showing::Compare(left, right));
        }
    };
    let limit = HistoryQuery::DEFAULT_LIMIT;
    view! {
        <h1>"History"</h1>
        <p class="lead">"Every training run, newest first. Click a run to see it in full; tick two to compare them."</p>
        <div class="row history-filters">
            <label>
                "Task "
                <select
                    id="history-filter-task"
                    on:change=move |event| {
                        let value = event_target_value(&event);
                        filters.set(filters.task, (!value.is_empty()).then_some(value));
                    }
                >
                    <option value="" selected=move || filters.task.with(Option::is_none)>"all tasks"</option>
                    {move || {
                        tasks
                            .get()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|task| {
                                let id = task.id.clone();
                                let selected = move || filters.task.with(|chosen| chosen.as_deref() == Some(id.as_str()));
                                view! { <option value=task.id.clone() selected=selected>{task.title}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <label>
                "Status "
                <select
                    id="history-filter-status"
                    on:change=move |event| {
                        filters.set(filters.status, RunStatus::parse(&event_target_value(&event)));
                    }
                >
                    <option value="" selected=move || filters.status.with(Option::is_none)>"any"</option>
                    {STATUSES
                        .into_iter()
                        .map(|status| {
                            view! {
                                <option value=status.as_str() selected=move || filters.status.get() == Some(status)>
                                    {status.as_str()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Score at least "
                <select
                    id="history-filter-score"
                    on:change=move |event| {
                        filters.set(filters.min_score, event_target_value(&event).parse::<u8>().ok());
                    }
                >
                    <option value="" selected=move || filters.min_score.with(Option::is_none)>"any"</option>
                    {(1..=5u8)
                        .map(|score| {
                            view! {
                                <option value=score.to_string() selected=move || filters.min_score.get() == Some(score)>
                                    {format!("{score}/5")}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Mock "
                <select
                    id="history-filter-mock"
                    on:change=move |event| {
                        let value = event_target_value(&event).parse::<i64>().ok().map(MockId);
                        filters.set(filters.mock, value);
                    }
                >
                    <option value="" selected=move || filters.mock.with(Option::is_none)>"any run"</option>
                    {move || {
                        mocks
                            .get()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|state| {
                                let id = state.id;
                                view! {
                                    <option value=id.to_string() selected=move || filters.mock.get() == Some(id)>
                                        {format!("mock {id}")}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <label>
                "Sort by "
                <select
                    id="history-sort"
                    on:change=move |event| {
                        let value = event_target_value(&event);
                        if let Some((sort, _, _)) = SORTS.iter().find(|(_, key, _)| *key == value) {
                            filters.set(filters.sort, *sort);
                        }
                    }
                >
                    {SORTS
                        .into_iter()
                        .map(|(sort, key, words)| {
                            view! { <option value=key selected=move || filters.sort.get() == sort>{words}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <label class="check">
                <input
                    type="checkbox"
                    id="history-ascending"
                    prop:checked=filters.ascending
                    on:change=move |event| filters.set(filters.ascending, event_target_checked(&event))
                />
                "ascending"
            </label>
            <span class="spacer"></span>
            <button id="history-compare" class="primary" disabled=move || pair().is_none() on:click=compare>
                {move || match pair() {
                    Some((left, right)) => format!("Compare #{left} and #{right}"),
                    None => "Compare (tick two)".to_owned(),
                }}
            </button>
        </div>
        <Transition fallback=|| view! { <p>"Loading the history…"</p> }>
            {move || {
                page.get()
                    .map(|result| match result {
                        Ok(page) => {
                            let total = page.total;
                            let offset = filters.offset.get_untracked();
                            let label = history::page_label(offset, page.rows.len(), total);
                            let has_next = u64::from(offset) + u64::from(limit) < total;
                            let skipped = (!page.skipped.is_empty()).then(|| {
                                let problems = page.skipped.join("; ");
                                view! {
                                    <p id="history-skipped" class="error">
                                        {format!(
                                            "{} attempt(s) on this page could not be read and are not shown: {problems}",
                                            page.skipped.len()
                                        )}
                                    </p>
                                }
                            });
                            let rows = page
                                .rows
                                .into_iter()
                                .map(|attempt| {
                                    let task_title = title(&attempt.task_id);
                                    view! { <HistoryRow attempt task_title showing picks /> }
                                })
                                .collect_view();
                            view! {
                                {skipped}
                                // Rows are grid rows, not <tr>s: WebKit's WebDriver
                                // cannot click a table row.
                                <div class="history-table" id="history-table" role="table">
                                    <div class="history-head" role="row">
                                        <span role="columnheader" title="tick two to compare"></span>
                                        <span role="columnheader">"run"</span>
                                        <span role="columnheader">"task"</span>
                                        <span role="columnheader">"status"</span>
                                        <span role="columnheader">"started"</span>
                                        <span role="columnheader">"duration"</span>
                                        <span role="columnheader">"score"</span>
                                        <span role="columnheader">"final metrics"</span>
                                    </div>
                                    {rows}
                                </div>
                                <div class="row pager">
                                    <button
                                        id="history-prev"
                                        class="secondary"
                                        disabled=offset == 0
                                        on:click=move |_| filters.offset.update(|at| *at = at.saturating_sub(limit))
                                    >
                                        "← Prev"
                                    </button>
                                    <span id="history-total" data-total=total.to_string()>{label}</span>
                                    <button
                                        id="history-next"
                                        class="secondary"
                                        disabled=!has_next
                                        on:click=move |_| filters.offset.update(|at| *at += limit)
                                    >
                                        "Next →"
                                    </button>
                                </div>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <p class="error">{error.message}</p> }.into_any(),
                    })
            }}
        </Transition>
        <PastMocks mocks showing filters />
        <ExportImport version=filters.version />
    }
}

/// One run of the list.
#[component]
fn HistoryRow(
    attempt: AttemptSummary,
    task_title: String,
    showing: RwSignal<Showing>,
    picks: RwSignal<Vec<RunId>>,
) -> impl IntoView {
    let run_id = attempt.run_id;
    let status = attempt.status.as_str();
    let duration = history::run_duration_ms(&attempt).map(history::duration_text);
    let score = attempt.score.map_or_else(
        || "–".to_owned(),
        |score| match attempt.metric_value {
            Some(value) => format!("{score}/5 ({})", history::value_text(value)),
            None => format!("{score}/5"),
        },
    );
    let mock = attempt
        .mock_id
        .map(|mock| view! { <span class="tag mock-tag">{format!("mock {mock}")}</span> });
    let picked = move || picks.with(|picks| picks.contains(&run_id));
    view! {
        <div
            id=format!("history-row-{run_id}")
            class="history-row"
            role="row"
            class:picked=picked
            data-status=status
            data-task-id=attempt.task_id.clone()
            title=attempt.error.clone().unwrap_or_default()
            on:click=move |event| {
                // The pick box has its own meaning; the rest of the row opens the run.
                if !clicked_a_control(&event) {
                    showing.set(Showing::Attempt(run_id));
                }
            }
        >
            <span role="cell">
                <input
                    type="checkbox"
                    id=format!("history-pick-{run_id}")
                    aria-label=format!("pick run {run_id} to compare")
                    prop:checked=picked
                    on:change=move |_| picks.update(|picks| toggle_pick(picks, run_id))
                />
            </span>
            <span role="cell" class="mono">"#" {run_id.to_string()}</span>
            <span role="cell">{task_title} " " {mock}</span>
            <span role="cell"><span class=format!("status-tag {status}")>{status}</span></span>
            <span role="cell" class="mono">{local_time(attempt.started_at)}</span>
            <span role="cell" class="mono">{duration.unwrap_or_else(|| "–".to_owned())}</span>
            <span role="cell" class="score">{score}</span>
            <span role="cell" class="mono metrics">{history::metrics_text(&attempt.final_logs)}</span>
        </div>
    }
}

/// Whether a click landed on a form control (the row's pick box).
fn clicked_a_control(event: &web_sys::MouseEvent) -> bool {
    event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|element| matches!(element.tag_name().as_str(), "INPUT" | "LABEL"))
}

/// The past mocks, each with its report.
#[component]
fn PastMocks(
    mocks: LocalResource<Vec<MockState>>,
    showing: RwSignal<Showing>,
    filters: Filters,
) -> impl IntoView {
    view! {
        <section class="card past-mocks" id="history-mocks">
            <h2>"Past mocks"</h2>
            <Transition fallback=|| ()>
                {move || {
                    let mocks = mocks.get()?;
                    if mocks.is_empty() {
                        return Some(view! { <p class="meta">"No mock exam yet: start one on the Tasks page."</p> }.into_any());
                    }
                    let rows = mocks
                        .into_iter()
                        .map(|state| {
                            let id = state.id;
                            view! {
                                <tr id=format!("history-mock-{id}") data-status=state.status.as_str()>
                                    <td>"Mock " {id.to_string()}</td>
                                    <td class="mono">{local_time(state.started_at)}</td>
                                    <td>{mock::length_label(state.minutes)}</td>
                                    <td>{state.status.as_str()}</td>
                                    <td>
                                        <button
                                            id=format!("history-mock-report-{id}")
                                            class="secondary"
                                            on:click=move |_| showing.set(Showing::MockReport(id))
                                        >
                                            "Report"
                                        </button>
                                        " "
                                        <button
                                            id=format!("history-mock-runs-{id}")
                                            class="secondary"
                                            on:click=move |_| filters.set(filters.mock, Some(id))
                                        >
                                            "Its runs"
                                        </button>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view();
                    Some(view! { <table class="mocks-table">{rows}</table> }.into_any())
                }}
            </Transition>
        </section>
    }
}

/// Export every run to a file; import a file exported elsewhere.
#[component]
fn ExportImport(
    /// Bumped after an import so the list reloads.
    version: RwSignal<u32>,
) -> impl IntoView {
    let exported = RwSignal::new(None::<Result<String, String>>);
    let imported = RwSignal::new(None::<Result<String, String>>);
    let path = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let export = move |_| {
        busy.set(true);
        spawn_local(async move {
            let result = api::export_history(None)
                .await
                .map(|file| {
                    let runs = if file.runs == 1 { "run" } else { "runs" };
                    format!("Wrote {} {runs} to {}", file.runs, file.path)
                })
                .map_err(|error| error.message);
            exported.try_set(Some(result));
            busy.try_set(false);
        });
    };
    let import = move |_| {
        let file = path.get_untracked().trim().to_owned();
        if file.is_empty() {
            imported.set(Some(Err(
                "Type the path of an exported history file.".to_owned()
            )));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = api::import_history(&file)
                .await
                .map(|summary| {
                    format!(
                        "Imported {} runs; skipped {} already in the history.",
                        summary.imported, summary.skipped
                    )
                })
                .map_err(|error| error.message);
            imported.try_set(Some(result));
            busy.try_set(false);
            version.try_update(|version| *version += 1);
        });
    };
    let outcome = |result: Option<Result<String, String>>| match result {
        None => None,
        Some(Ok(text)) => Some(view! { <span class="ok">{text}</span> }.into_any()),
        Some(Err(text)) => Some(view! { <span class="error">{text}</span> }.into_any()),
    };
    view! {
        <section class="card export-import" id="history-export-import">
            <h2>"Export and import"</h2>
            <div class="row">
                <button id="history-export" class="secondary" disabled=busy on:click=export>
                    "Export all"
                </button>
                <span id="history-export-result" class="mono">{move || outcome(exported.get())}</span>
            </div>
            <div class="row">
                <input
                    type="text"
                    id="history-import-path"
                    class="path"
                    placeholder="/path/to/dojo-history.jsonl"
                    prop:value=path
                    on:input=move |event| path.set(event_target_value(&event))
                />
                <button id="history-import" class="secondary" disabled=busy on:click=import>
                    "Import"
                </button>
                <span id="history-import-result">{move || outcome(imported.get())}</span>
            </div>
        </section>
    }
}
