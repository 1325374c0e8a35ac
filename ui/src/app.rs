//! The app shell: a header with the navigation, the run in progress, the
//! mock exam's clock and the practice countdown; the one-time messages;
//! and the current page (or an open task's workspace).
//!
//! The shell provides the two app-wide contexts: the run in progress
//! ([`LiveContext`]) and the mock in progress ([`MockContext`]).

use leptos::prelude::*;

use crate::components::countdown_clock::CountdownClock;
use crate::components::live_run::{LiveContext, LiveRunIndicator};
use crate::components::mock_clock::{MockClockView, MockContext};
use crate::pages::about::AboutPage;
use crate::pages::history::HistoryPage;
use crate::pages::settings::SettingsPage;
use crate::pages::tasks::TasksPage;
use crate::pages::workspace::WorkspacePage;

/// The top-level screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Tasks,
    History,
    Settings,
    About,
}

impl Page {
    const ALL: [Page; 4] = [Page::Tasks, Page::History, Page::Settings, Page::About];

    fn label(self) -> &'static str {
        match self {
            Page::Tasks => "Tasks",
            Page::History => "History",
            Page::Settings => "Settings",
            Page::About => "About",
        }
    }

    /// The `id` of the page's navigation button, used by the end-to-end tests.
    fn nav_id(self) -> &'static str {
        match self {
            Page::Tasks => "nav-tasks",
            Page::History => "nav-history",
            Page::Settings => "nav-settings",
            Page::About => "nav-about",
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    LiveContext::provide();
    let mock = MockContext::provide();
    let (page, set_page) = signal(Page::Tasks);
    // The task whose workspace is open, over the current page.
    let open_task = RwSignal::new(None::<String>);
    let show_report = move |_| {
        mock.notice.set(None);
        open_task.set(None);
        set_page.set(Page::Tasks);
    };
    view! {
        <header class="top">
            <div class="brand">"Dojo" <span>"."</span></div>
            <nav class="tabs">
                {Page::ALL
                    .into_iter()
                    .map(|target| {
                        view! {
                            <button
                                id=target.nav_id()
                                class:active=move || page.get() == target
                                on:click=move |_| {
                                    open_task.set(None);
                                    set_page.set(target);
                                }
                            >
                                {target.label()}
                            </button>
                        }
                    })
                    .collect_view()}
            </nav>
            <div class="header-status">
                <LiveRunIndicator open_task />
                <MockClockView />
            </div>
            <CountdownClock />
        </header>
        {move || {
            mock.notice
                .get()
                .map(|message| {
                    view! {
                        <div id="mock-notice" class="notice" role="alert">
                            <span>{message}</span>
                            <Show when=move || mock.ended.with(Option::is_some)>
                                <button id="mock-notice-report" class="secondary" on:click=show_report>
                                    "Show the report"
                                </button>
                            </Show>
                            <button id="mock-notice-dismiss" class="secondary" on:click=move |_| mock.notice.set(None)>
                                "Dismiss"
                            </button>
                        </div>
                    }
                })
        }}
        <StoreNotice />
        <main class:wide=move || open_task.with(Option::is_some)>
            {move || match (open_task.get(), page.get()) {
                (Some(task_id), _) => view! { <WorkspacePage task_id open_task /> }.into_any(),
                (None, Page::Tasks) => view! { <TasksPage open_task /> }.into_any(),
                (None, Page::History) => view! { <HistoryPage open_task /> }.into_any(),
                (None, Page::Settings) => view! { <SettingsPage /> }.into_any(),
                (None, Page::About) => view! { <AboutPage /> }.into_any(),
            }}
        </main>
    }
}

/// What opening the history had to do (a damaged or empty file kept aside
/// and a fresh one started), once, until dismissed.
#[component]
fn StoreNotice() -> impl IntoView {
    let notice = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        if let Ok(info) = crate::api::app_info().await {
            notice.set(info.store_notice);
        }
    });
    move || {
        notice.get().map(|message| {
            view! {
                <div id="store-notice" class="notice" role="alert">
                    <span>{message}</span>
                    <button id="store-notice-dismiss" class="secondary" on:click=move |_| notice.set(None)>
                        "Dismiss"
                    </button>
                </div>
            }
        })
    }
}
