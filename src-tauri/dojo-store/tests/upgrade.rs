//! A real schema-2 history (written by the build before schema 3, see
//! `fixtures/README.md`) opens with today's store without losing anything.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use dojo_protocol::{HistoryQuery, RunId, RunStatus};
use dojo_store::{DATABASE_FILE, Store};

#[test]
fn a_schema_2_history_from_the_previous_build_upgrades_without_loss() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/schema2-dojo.sqlite3"
        ),
        dir.path().join(DATABASE_FILE),
    )
    .unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), 4);

    let good = store.run(RunId(1)).unwrap();
    assert_eq!(good.status, RunStatus::Finished);
    assert_eq!(good.seed, 7);
    assert!(good.code.contains("Dense(4)"), "{}", good.code);
    assert_eq!(good.epochs.len(), 2);
    assert!(good.console.as_deref().unwrap_or("").contains("Epoch 2/2"));
    assert!(good.grade_json.is_some());
    // Filled in from the stored submission.
    assert_eq!(good.best_score, Some(1));
    assert!(
        good.best_value
            .is_some_and(|value| (value - 131.058).abs() < 0.01)
    );
    assert_eq!(good.dojo_version, None, "older runs did not record it");

    let broken = store.run(RunId(2)).unwrap();
    assert_eq!(broken.status, RunStatus::Failed);
    assert!(broken.error.as_deref().unwrap_or("").contains("NameError"));

    // The run killed with `kill -9` keeps its epochs and became
    // interrupted when the store was opened (its process is gone).
    let killed = store.run(RunId(3)).unwrap();
    assert_eq!(killed.status, RunStatus::Interrupted);
    assert!(killed.epochs.len() > 10, "{}", killed.epochs.len());
    assert_eq!(store.mark_interrupted_runs().unwrap(), 0);

    let page = store.history_page(&HistoryQuery::default()).unwrap();
    assert_eq!(page.total, 3);
    let detail = store.attempt_detail(RunId(1)).unwrap();
    assert_eq!(detail.grade.map(|grade| grade.score), Some(1));
    assert_eq!(detail.submissions.len(), 1);
    assert!(detail.batches.is_empty(), "no batch curve was kept then");

    // Each old run got its own fingerprint: a round trip adds nothing.
    let file = store.export(None).unwrap();
    let summary = store.import(&file).unwrap();
    assert_eq!((summary.imported, summary.skipped), (0, 3));
}
