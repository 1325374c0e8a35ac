//! A history that survives damage: an empty or damaged database file is
//! kept aside with a clear notice and a fresh one started, never
//! overwritten or silently replaced; an unreadable row is skipped and
//! reported without hiding the others.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use dojo_protocol::HistoryQuery;
use dojo_store::{DATABASE_FILE, NewRun, RunEnd, RunStatus, Store};

fn new_run() -> NewRun {
    NewRun {
        task_id: "sunspots".into(),
        code: "def solution_model():\n    return model\n".into(),
        seed: 1,
        device: "CPU".into(),
        dojo_version: "test".into(),
        mock_id: None,
    }
}

/// A database with `runs` finished runs, closed (checkpointed into the file).
fn history_with(dir: &Path, runs: usize) {
    let mut store = Store::open_in(dir).unwrap();
    for _ in 0..runs {
        let id = store.start_run(&new_run()).unwrap();
        store.record_epoch(id, 0, r#"{"loss":1.5}"#).unwrap();
        store
            .finish_run(id, &RunEnd::status(RunStatus::Finished))
            .unwrap();
    }
    assert!(store.notice().is_none());
}

/// The files beside the database whose names start with its own.
fn kept_aside(dir: &Path, what: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.starts_with(&format!("{DATABASE_FILE}.{what}-"))
        })
        .collect()
}

#[test]
fn an_empty_file_is_kept_aside_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(DATABASE_FILE), b"").unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let notice = store.notice().expect("a notice").to_owned();
    assert!(notice.contains("was empty"), "{notice}");
    let kept = kept_aside(dir.path(), "empty");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(notice.contains(&kept[0].display().to_string()), "{notice}");
    assert_eq!(std::fs::metadata(&kept[0]).unwrap().len(), 0);
    // The fresh history works.
    store.start_run(&new_run()).unwrap();
    drop(store);
    assert!(Store::open_in(dir.path()).unwrap().notice().is_none());
}

#[test]
fn a_file_that_is_not_a_database_is_kept_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    history_with(dir.path(), 3);
    let path = dir.path().join(DATABASE_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[..16].copy_from_slice(b"not a database!!");
    std::fs::write(&path, &bytes).unwrap();

    let store = Store::open_in(dir.path()).unwrap();
    let notice = store.notice().expect("a notice");
    assert!(notice.contains("is damaged"), "{notice}");
    let kept = kept_aside(dir.path(), "damaged");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(
        std::fs::read(&kept[0]).unwrap(),
        bytes,
        "kept byte for byte"
    );
    assert_eq!(
        store.history_page(&HistoryQuery::default()).unwrap().total,
        0
    );
}

#[test]
fn a_damaged_last_page_is_found_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    // Enough runs for several pages of the runs table.
    history_with(dir.path(), 200);
    let path = dir.path().join(DATABASE_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    let page_size = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    let pages = bytes.len() / page_size;
    assert!(pages > 3, "{pages} pages");
    // Garbage over the last page, as a torn write or a bad sector leaves it.
    let last = (pages - 1) * page_size;
    for (offset, byte) in bytes[last..].iter_mut().enumerate() {
        *byte = (offset * 7 + 13) as u8;
    }
    std::fs::write(&path, &bytes).unwrap();

    let store = Store::open_in(dir.path()).unwrap();
    let notice = store.notice().expect("the damage is noticed");
    assert!(notice.contains("is damaged"), "{notice}");
    let kept = kept_aside(dir.path(), "damaged");
    assert_eq!(
        std::fs::read(&kept[0]).unwrap(),
        bytes,
        "kept byte for byte"
    );
}

#[test]
fn an_unreadable_row_is_skipped_and_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    history_with(dir.path(), 3);
    {
        let connection = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        connection
            .execute("UPDATE runs SET metrics = '{not json' WHERE id = 2", [])
            .unwrap();
    }
    let store = Store::open_in(dir.path()).unwrap();
    let page = store.history_page(&HistoryQuery::default()).unwrap();
    assert_eq!(page.rows.len(), 2, "the other runs are listed");
    assert_eq!(page.skipped.len(), 1, "{:?}", page.skipped);
    assert!(page.skipped[0].contains("run 2"), "{:?}", page.skipped);
    let attempts = store.attempts(None).unwrap();
    assert_eq!(attempts.len(), 2);
    let skipped = store.take_skipped_rows();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(store.take_skipped_rows().is_empty(), "reported once");
}
