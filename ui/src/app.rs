//! The app shell: a header with the navigation, and the current page.

use leptos::prelude::*;

use crate::pages::about::AboutPage;
use crate::pages::settings::SettingsPage;
use crate::pages::tasks::TasksPage;

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
                                on:click=move |_| set_page.set(target)
                            >
                                {target.label()}
                            </button>
                        }
                    })
                    .collect_view()}
            </nav>
        </header>
        <main>
            {move || match page.get() {
                Page::Tasks => view! { <TasksPage /> }.into_any(),
                Page::Settings => view! { <SettingsPage /> }.into_any(),
                Page::About => view! { <AboutPage /> }.into_any(),
            }}
        </main>
    }
}
