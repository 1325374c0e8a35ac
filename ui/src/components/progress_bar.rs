//! A horizontal progress bar with ARIA attributes, so assistive technology
//! and the end-to-end tests can read its value.

use leptos::prelude::*;

/// Shows `fraction` (0 to 1) as a filled bar.
#[component]
pub fn ProgressBar(
    /// The element id, for tests and labels.
    id: &'static str,
    /// How much is done, 0 to 1.
    #[prop(into)]
    fraction: Signal<f64>,
) -> impl IntoView {
    // One decimal, so slow progress on a long job still shows as movement.
    let percent = move || (fraction.get() * 1000.0).round() / 10.0;
    view! {
        <div
            class="progress"
            id=id
            role="progressbar"
            aria-valuemin="0"
            aria-valuemax="100"
            aria-valuenow=move || format!("{:.1}", percent())
        >
            <div style:width=move || format!("{}%", percent())></div>
        </div>
    }
}
