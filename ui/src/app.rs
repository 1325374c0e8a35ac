//! The app shell: a header with the navigation and the practice countdown,
//! and the current page (or an open task's workspace).

use leptos::prelude::*;

use crate::components::countdown_clock::CountdownClock;
use crate::pages::about::AboutPage;
use crate::pages::settings::SettingsPage;
use crate::pages::tasks::TasksPage;
use crate::pages::workspace::WorkspacePage;

/// The top-level screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Tasks,
    Settings,
    About,
}

impl Page {
    const ALL: [Page; 3] = [Page::Tasks, Page::Settings, Page::About];

    fn label(self) -> &'static str {
        match self {
            Page::Tasks => "Tasks",
            Page::Settings => "Settings",
            Page::About => "About",
        }
    }

    /// The `id` of the page's navigation button, used by the end-to-end tests.
    fn nav_id(self) -> &'static str {
        match self {
            Page::Tasks => "nav-tasks",
            Page::Settings => "nav-settings",
            Page::About => "nav-about",
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    let (page, set_page) = signal(Page::Tasks);
    // The task whose workspace is open, over the Tasks page.
    let open_task = RwSignal::new(None::<String>);
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
            <CountdownClock />
        </header>
        <main class:wide=move || open_task.with(Option::is_some)>
            {move || match (open_task.get(), page.get()) {
                (Some(task_id), _) => view! { <WorkspacePage task_id open_task /> }.into_any(),
                (None, Page::Tasks) => view! { <TasksPage open_task /> }.into_any(),
                (None, Page::Settings) => view! { <SettingsPage /> }.into_any(),
                (None, Page::About) => view! { <AboutPage /> }.into_any(),
            }}
        </main>
    }
}
