//! `dojo bench history`: the History page's reads on a database of 10,000
//! runs (a benchmark, not a test). The runs are synthetic but shaped like
//! real ones: a 60-line program, 20 epochs, a 500-point batch curve, a
//! console and a grade, spread over six tasks with a fifth submitted.

use std::time::Instant;

use dojo_protocol::{BatchPoint, HistoryQuery, HistorySort, RunEnd, RunStatus};
use dojo_store::{NewRun, Store};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct HistoryBench {
    pub runs: usize,
    pub repetitions: usize,
    pub fill_s: f64,
    pub first_page_median_ms: f64,
    pub first_page_by_score_median_ms: f64,
    pub filtered_page_median_ms: f64,
    pub detail_median_ms: f64,
}

const TASKS: [&str; 6] = [
    "auto_mpg",
    "fashion_mnist",
    "horses_or_humans",
    "sms_spam",
    "sunspots",
    "daily_min_temperatures",
];

pub fn run(runs: usize, repetitions: usize) -> anyhow::Result<HistoryBench> {
    let dir = tempfile::tempdir()?;
    let mut store = Store::open_in(dir.path())?;
    let code: String = (0..60)
        .map(|line| format!("x{line} = tf.keras.layers.Dense({line})\n"))
        .collect();
    let batches: Vec<BatchPoint> = (0..BatchPoint::MAX_POINTS as u64)
        .map(|step| BatchPoint {
            step,
            fit: 1,
            epoch: (step / 25) as u32,
            logs: [("loss".to_owned(), 1.0 / (step + 1) as f64)].into(),
        })
        .collect();
    let grade = r#"{"task_id":"sunspots","metric":"mean_absolute_error","value":14.2,"score":4,"thresholds":{"metric":"mean_absolute_error","levels":[40,30,20,15]},"samples":300,"classes":[],"confusion":[],"notes":[]}"#;
    let grade: dojo_protocol::GradeReport = serde_json::from_str(grade)?;
    let started = Instant::now();
    let mut middle = None;
    for index in 0..runs {
        let run = store.start_run(&NewRun {
            task_id: TASKS[index % TASKS.len()].to_owned(),
            code: code.clone(),
            seed: index as u64,
            device: "CPU".to_owned(),
            dojo_version: dojo_engine::VERSION.to_owned(),
            mock_id: None,
        })?;
        for epoch in 0..20 {
            store.record_epoch(run, epoch, r#"{"loss":0.5,"val_loss":0.6,"mae":14.0}"#)?;
        }
        store.finish_run(
            run,
            &RunEnd {
                final_logs: [("loss".to_owned(), 0.5)].into(),
                console: "Epoch 20/20\n".repeat(20),
                batches: batches.clone(),
                grade: Some(grade.clone()),
                ..RunEnd::status(RunStatus::Finished)
            },
        )?;
        if index % 5 == 0 {
            store.submit_run(run, 4, 14.2)?;
        }
        if index == runs / 2 {
            middle = Some(run);
        }
    }
    let fill_s = started.elapsed().as_secs_f64();
    let time = |work: &mut dyn FnMut() -> anyhow::Result<usize>| -> anyhow::Result<f64> {
        let mut times = Vec::with_capacity(repetitions);
        for _ in 0..repetitions {
            let start = Instant::now();
            std::hint::black_box(work()?);
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        Ok(times[times.len() / 2])
    };
    let first_page = time(&mut || Ok(store.history_page(&HistoryQuery::default())?.rows.len()))?;
    let by_score = time(&mut || {
        Ok(store
            .history_page(&HistoryQuery {
                sort: HistorySort::Score,
                ..HistoryQuery::default()
            })?
            .rows
            .len())
    })?;
    let filtered = time(&mut || {
        Ok(store
            .history_page(&HistoryQuery {
                task_id: Some("sunspots".to_owned()),
                min_score: Some(3),
                ..HistoryQuery::default()
            })?
            .rows
            .len())
    })?;
    let middle = middle.ok_or_else(|| anyhow::anyhow!("no runs to open"))?;
    let detail = time(&mut || Ok(store.attempt_detail(middle)?.epochs.len()))?;
    Ok(HistoryBench {
        runs,
        repetitions,
        fill_s,
        first_page_median_ms: first_page,
        first_page_by_score_median_ms: by_score,
        filtered_page_median_ms: filtered,
        detail_median_ms: detail,
    })
}
