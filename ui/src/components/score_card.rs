//! The grader's verdict: the score out of 5, the metric against the
//! thresholds, per-class accuracy and the confusion matrix for
//! classification, and the grader's notes.

use dojo_protocol::{GradeReport, Metric, MockId};
use leptos::prelude::*;

fn value_text(value: f64) -> String {
    format!("{value:.4}")
}

#[component]
pub fn ScoreCard(
    /// What the grader reported.
    report: GradeReport,
    /// The mock in progress the grade counts for: the report then holds
    /// the public half's score only, and the card says so.
    #[prop(optional_no_strip)]
    public_only: Option<MockId>,
) -> impl IntoView {
    let score = report.score;
    let comparison = match report.thresholds.metric {
        Metric::Accuracy => "≥",
        Metric::MeanAbsoluteError => "≤",
    };
    let levels = report
        .thresholds
        .levels
        .iter()
        .enumerate()
        .map(|(index, level)| {
            // levels[i] is what scores i + 2; the score says which were reached.
            let reached = usize::from(score) >= index + 2;
            view! {
                <td class:reached=reached>
                    <b>{index + 2}</b>
                    " " {comparison} " " {value_text(*level)}
                </td>
            }
        })
        .collect_view();
    let labels: Vec<String> = report
        .classes
        .iter()
        .map(|class| class.label.clone())
        .collect();
    let classes = (!report.classes.is_empty()).then(|| {
        view! {
            <table class="classes">
                <tr><th>"class"</th><th>"correct"</th><th>"accuracy"</th></tr>
                {report
                    .classes
                    .into_iter()
                    .map(|class| {
                        let share = if class.total == 0 {
                            "–".to_owned()
                        } else {
                            format!("{:.1}%", 100.0 * f64::from(class.correct) / f64::from(class.total))
                        };
                        view! {
                            <tr>
                                <td>{class.label}</td>
                                <td>{class.correct} " / " {class.total}</td>
                                <td>{share}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </table>
        }
    });
    let confusion = (!report.confusion.is_empty()).then(|| {
        let name = move |index: usize| labels.get(index).cloned().unwrap_or_else(|| index.to_string());
        view! {
            <div class="confusion-wrap">
            <table class="confusion" title="rows: true class, columns: predicted class">
                <tr>
                    <th>"true \\ predicted"</th>
                    {(0..report.confusion.len()).map(|index| view! { <th>{name(index)}</th> }).collect_view()}
                </tr>
                {report
                    .confusion
                    .into_iter()
                    .enumerate()
                    .map(|(truth, row)| {
                        view! {
                            <tr>
                                <th>{name(truth)}</th>
                                {row
                                    .into_iter()
                                    .enumerate()
                                    .map(|(predicted, count)| {
                                        view! { <td class:diagonal=predicted == truth>{count}</td> }
                                    })
                                    .collect_view()}
                            </tr>
                        }
                    })
                    .collect_view()}
            </table>
            </div>
        }
    });
    view! {
        <section class="card score-card" id="score-card" data-score=score.to_string()>
            <div class="score-head">
                <div class="score">{score}<span>"/5"</span></div>
                <div>
                    <div class="metric">
                        {report.metric.label()} ": " <b>{value_text(report.value)}</b>
                    </div>
                    <div class="meta">"on " {report.samples} " hidden examples"</div>
                </div>
            </div>
            {public_only.map(|mock| view! {
                <p class="public-only" id="score-card-public-only">
                    "Mock " {mock.to_string()} ": the score on the public half of the hidden test data. The private half is revealed when the mock ends."
                </p>
            })}
            <table class="levels"><tr>{levels}</tr></table>
            {classes}
            {confusion}
            <ul class="notes">
                {report.notes.into_iter().map(|note| view! { <li>{note}</li> }).collect_view()}
            </ul>
        </section>
    }
}
