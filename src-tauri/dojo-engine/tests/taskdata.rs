//! The split of each bundled dataset: deterministic, disjoint, and the
//! hidden side absent from every visible file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;

use dojo_engine::taskdata::{HiddenSplit, task_data};
use dojo_engine::tasks::{TASKS, task};

fn visible_text(task_id: &str, path: &str) -> String {
    let (data, _) = task_data(task(task_id).unwrap()).unwrap();
    String::from_utf8(data.file(path).unwrap().bytes.to_vec()).unwrap()
}

#[test]
fn every_task_builds_with_a_non_empty_hidden_split_and_resolvable_urls() {
    for task in TASKS {
        let (data, hidden) = task_data(task).unwrap();
        assert!(!hidden.is_empty(), "{}", task.id);
        assert!(!data.files.is_empty(), "{}", task.id);
        for (url, path) in &data.urls {
            assert!(data.file(path).is_some(), "{url} -> {path} missing");
        }
        for file in &data.files {
            assert!(
                file.path
                    .starts_with(&format!("/data/{}/", task.dataset_id)),
                "{}",
                file.path
            );
        }
    }
}

#[test]
fn the_split_is_the_same_on_every_build() {
    for task in TASKS {
        let (first, hidden_first) = task_data(task).unwrap();
        let (second, hidden_second) = task_data(task).unwrap();
        assert_eq!(hidden_first.len(), hidden_second.len());
        for (a, b) in first.files.iter().zip(&second.files) {
            assert_eq!(a.path, b.path);
            assert_eq!(a.bytes, b.bytes, "{}", a.path);
        }
    }
}

#[test]
fn auto_mpg_hides_about_a_fifth_of_the_cars_and_never_shows_them() {
    let (_, hidden) = task_data(task("auto_mpg").unwrap()).unwrap();
    let HiddenSplit::Rows {
        header,
        rows,
        visible: seen,
    } = hidden
    else {
        panic!("rows expected")
    };
    assert!(header.starts_with("mpg,"));
    assert!((60..=100).contains(&rows.len()), "{}", rows.len());
    let visible = visible_text("auto_mpg", "/data/auto_mpg/auto_mpg.csv");
    let visible_rows: HashSet<&str> = visible.lines().skip(1).collect();
    assert_eq!(visible_rows.len() + rows.len(), 398);
    for row in &rows {
        assert!(!visible_rows.contains(row.as_str()), "{row}");
    }
    let uci = visible_text("auto_mpg", "/data/auto_mpg/auto-mpg.data");
    assert_eq!(uci.lines().count(), visible_rows.len());
    // The grader's copy of the visible rows is exactly what the program sees.
    assert_eq!(seen, visible.lines().skip(1).collect::<Vec<_>>());
}

#[test]
fn horses_or_humans_keeps_each_figure_on_one_side() {
    let (data, hidden) = task_data(task("horses_or_humans").unwrap()).unwrap();
    let HiddenSplit::Images { classes, images } = hidden else {
        panic!("images expected")
    };
    assert_eq!(classes, ["horses", "humans"]);
    for class in 0..2 {
        assert!(images.iter().filter(|(label, _)| *label == class).count() > 30);
    }
    let figures = |folder: &str| -> HashSet<String> {
        data.files
            .iter()
            .filter(|file| {
                file.path.contains(&format!("/{folder}/")) && file.path.ends_with(".jpg")
            })
            .map(|file| {
                let name = file.path.rsplit('/').next().unwrap();
                name.split('-').next().unwrap().to_owned()
            })
            .collect()
    };
    let train = figures("train");
    let validation = figures("validation");
    assert!(train.len() > validation.len() && !validation.is_empty());
    assert!(train.is_disjoint(&validation));
    let visible_jpgs = data
        .files
        .iter()
        .filter(|f| f.path.ends_with(".jpg"))
        .count();
    assert_eq!(visible_jpgs + images.len(), 1027);
    let visible: HashSet<&[u8]> = data.files.iter().map(|f| &*f.bytes).collect();
    assert!(images.iter().all(|(_, bytes)| !visible.contains(&**bytes)));
}

#[test]
fn sms_spam_hides_whole_messages_and_keeps_both_classes() {
    let (_, hidden) = task_data(task("sms_spam").unwrap()).unwrap();
    let HiddenSplit::Texts { items, .. } = hidden else {
        panic!("texts expected")
    };
    let spam = items.iter().filter(|(_, label)| *label == 1).count();
    assert!(items.len() > 600 && spam > 60, "{} {spam}", items.len());
    let visible = visible_text("sms_spam", "/data/sms_spam/sms_spam.csv");
    let visible_messages: HashSet<&str> = visible.lines().collect();
    for (message, _) in &items {
        let as_line_ham = format!("{message},ham");
        let as_line_spam = format!("{message},spam");
        assert!(!visible_messages.contains(as_line_ham.as_str()));
        assert!(!visible_messages.contains(as_line_spam.as_str()));
    }
    let json = visible_text("sms_spam", "/data/sms_spam/sms_spam.json");
    let parsed: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed.len() + items.len(), 5574);
}

#[test]
fn series_tasks_hide_later_data_or_their_tail() {
    let (_, hidden) = task_data(task("sunspots").unwrap()).unwrap();
    let HiddenSplit::Series { visible, hidden } = hidden else {
        panic!("series expected")
    };
    // Sunspots.csv is served whole: 3,235 months, January 1749 (96.7) to
    // July 2018 (1.6). The hidden test is the 83 months after it, August
    // 2018 (8.7) to June 2025 (116.3), from SOURCE.md's CelesTrak file.
    assert_eq!((visible.len(), hidden.len()), (3235, 83));
    assert_eq!((visible[0], *visible.last().unwrap()), (96.7, 1.6));
    assert_eq!((hidden[0], *hidden.last().unwrap()), (8.7, 116.3));
    let csv = visible_text("sunspots", "/data/monthly_sunspots/Sunspots.csv");
    let public = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../assets/datasets/monthly_sunspots/Sunspots.csv"),
    )
    .unwrap();
    assert_eq!(
        csv.as_bytes(),
        &public[..],
        "the public file, byte for byte"
    );

    let (_, hidden) = task_data(task("daily_min_temperatures").unwrap()).unwrap();
    assert_eq!(hidden.len(), 365);
}

#[test]
fn fashion_mnist_shows_half_of_the_test_images() {
    let (data, hidden) = task_data(task("fashion_mnist").unwrap()).unwrap();
    let HiddenSplit::Grey28 { pixels, labels } = hidden else {
        panic!("images expected")
    };
    assert_eq!((pixels.len(), labels.len()), (5000 * 784, 5000));
    let labels_gz = &data
        .file("/data/fashion_mnist/t10k-labels-idx1-ubyte.gz")
        .unwrap()
        .bytes;
    let body = &labels_gz[10..labels_gz.len() - 8];
    let raw = miniz_oxide::inflate::decompress_to_vec(body).unwrap();
    assert_eq!(&raw[..8], &[0, 0, 8, 1, 0, 0, 0x13, 0x88]);
    assert_eq!(raw.len(), 8 + 5000);
}

/// The re-packed archives open with Python's zipfile, as exam code opens them.
#[test]
fn the_repacked_zip_archives_extract_in_a_program() {
    use dojo_engine::program::{self, Outcome, RunOptions};
    use std::cell::RefCell;
    use std::rc::Rc;
    for (task_id, url, expect) in [
        (
            "horses_or_humans",
            "https://storage.googleapis.com/download.tensorflow.org/data/horse-or-human.zip",
            "horses humans",
        ),
        (
            "sms_spam",
            "https://archive.ics.uci.edu/ml/machine-learning-databases/00228/smsspamcollection.zip",
            "SMSSpamCollection",
        ),
    ] {
        let (data, _) = task_data(task(task_id).unwrap()).unwrap();
        let printed = Rc::new(RefCell::new(String::new()));
        let sink = Rc::clone(&printed);
        let mut interpreter = program::interpreter(Some(&data), &RunOptions::default(), move |t| {
            sink.borrow_mut().push_str(t)
        });
        let source = format!(
            "import os, urllib.request, zipfile\nurllib.request.urlretrieve('{url}', 'a.zip')\nzipfile.ZipFile('a.zip').extractall('out')\nprint(' '.join(sorted(os.listdir('out'))))\n"
        );
        let report = program::run(&mut interpreter, "unzip.py", &source, None);
        assert!(
            matches!(report.outcome, Outcome::Finished { .. }),
            "{:?}",
            report.outcome
        );
        assert_eq!(printed.borrow().trim(), expect);
    }
}
