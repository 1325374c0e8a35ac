//! About Dojo and the datasets it bundles, with the credit their licences ask for.

use dojo_protocol::DatasetAttribution;
use leptos::prelude::*;

use crate::api;

#[component]
pub fn AboutPage() -> impl IntoView {
    let datasets = LocalResource::new(api::list_datasets);
    view! {
        <h1>"About Dojo"</h1>
        <p class="lead">
            "An offline practice room for TensorFlow-certificate-style model building. Your code runs in Dojo's own sandboxed interpreter and trains on candle, on this machine."
        </p>
        <h1>"Bundled datasets"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                datasets
                    .get()
                    .map(|result| match result {
                        Ok(datasets) => {
                            view! {
                                <div id="dataset-list">
                                    {datasets
                                        .into_iter()
                                        .map(|dataset| view! { <DatasetCredit dataset /> })
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

/// One dataset's credit.
#[component]
fn DatasetCredit(
    /// The dataset to credit.
    dataset: DatasetAttribution,
) -> impl IntoView {
    view! {
        <section class="card dataset" data-dataset-id=dataset.id.clone()>
            <h2>{dataset.title}</h2>
            <span class="licence">{dataset.licence}</span>
            <p>{dataset.attribution}</p>
            <p>"By " {dataset.creator} ". Source: " {dataset.source_url}</p>
            <p>"Changes: " {dataset.changes}</p>
        </section>
    }
}
