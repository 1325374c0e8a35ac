//! Adversarial programs: each fails with a clear message and nothing
//! panics. The hidden test split is unreachable by any path.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::rc::Rc;

use dojo_engine::program::{self, Outcome, RunOptions};
use dojo_engine::taskdata::{HiddenSplit, task_data};
use dojo_engine::tasks::task;
use dojo_lang::Limits;

/// Runs `source` as a plain script with `task_id`'s data; returns the
/// outcome and what it printed.
fn run(task_id: &str, source: &str, limits: Limits) -> (Outcome, String) {
    let task = task(task_id).unwrap();
    let (data, _) = task_data(task).unwrap();
    let printed = Rc::new(RefCell::new(String::new()));
    let sink = Rc::clone(&printed);
    let options = RunOptions {
        limits,
        ..RunOptions::default()
    };
    let mut interpreter = program::interpreter(Some(&data), &options, move |text| {
        sink.borrow_mut().push_str(text)
    });
    let report = program::run(&mut interpreter, "attack.py", source, None);
    let text = printed.borrow().clone();
    (report.outcome, text)
}

fn failure(task_id: &str, source: &str) -> program::ProgramError {
    match run(task_id, source, Limits::default()).0 {
        Outcome::Failed(error) => error,
        Outcome::Invalid(mut errors) => errors.remove(0),
        Outcome::Finished { .. } => panic!("expected a failure:\n{source}"),
    }
}

#[test]
fn the_real_file_system_is_out_of_reach() {
    for path in [
        "/etc/passwd",
        "../../../../etc/passwd",
        "/data/../../etc/passwd",
        "/proc/self/environ",
        "~/.ssh/id_rsa",
        "C:\\\\Windows\\\\win.ini",
    ] {
        let error = failure("sunspots", &format!("open('{path}').read()"));
        assert_eq!(error.kind, "FileNotFoundError", "{path}: {}", error.report);
        assert!(error.message.contains("No such file"), "{}", error.message);
        assert_eq!(error.line, Some(1));
    }
}

#[test]
fn data_files_are_read_only_and_scratch_writes_stay_virtual() {
    let error = failure(
        "sunspots",
        "f = open('/data/monthly_sunspots/Sunspots.csv', 'w')\nf.write('x')",
    );
    assert_eq!(error.kind, "PermissionError", "{}", error.report);
    assert!(error.help.unwrap_or_default().contains("read-only"));
    let (outcome, printed) = run(
        "sunspots",
        "with open('/tmp/escape.txt', 'w') as f:\n    f.write('hello')\nprint(open('/tmp/escape.txt').read())",
        Limits::default(),
    );
    assert!(matches!(outcome, Outcome::Finished { .. }), "{outcome:?}");
    assert_eq!(printed, "hello\n");
    assert!(!std::path::Path::new("/tmp/escape.txt").exists());
}

#[test]
fn processes_imports_and_reflection_are_refused() {
    let cases = [
        ("import os\nos.system('ls')", "system"),
        ("import subprocess", "subprocess"),
        ("__import__('os')", "__import__"),
        ("import socket", "socket"),
        ("eval('1+1')", "eval"),
        ("exec('x = 1')", "exec"),
        ("import os\nprint(os.environ['HOME'])", "environ"),
        ("print((1).__class__.__bases__)", "__class__"),
        ("import ctypes", "ctypes"),
        ("import shutil\nshutil.rmtree('/')", "shutil"),
    ];
    for (source, word) in cases {
        let error = failure("sunspots", source);
        assert!(
            error.report.contains(word),
            "{source}: the report should name {word}:\n{}",
            error.report
        );
    }
}

#[test]
fn runaway_programs_hit_a_limit_with_a_clear_message() {
    let limits = Limits {
        max_steps: 100_000,
        ..Limits::default()
    };
    let (outcome, _) = run("sunspots", "while True:\n    pass", limits);
    let Outcome::Failed(error) = outcome else {
        panic!("{outcome:?}")
    };
    assert!(error.message.contains("steps"), "{}", error.report);
    assert_eq!(error.line, Some(2));

    let error = failure("sunspots", "def f(n):\n    return f(n + 1)\nf(0)");
    assert!(error.kind.contains("Recursion"), "{}", error.report);

    for source in ["x = [0] * (10 ** 10)", "s = 'ab' * (10 ** 10)"] {
        let error = failure("sunspots", source);
        assert_eq!(error.kind, "LimitExceeded", "{}", error.report);
        assert!(error.message.contains("too large"), "{}", error.report);
    }
}

#[test]
fn unknown_urls_fail_offline_with_the_bundled_list() {
    let error = failure(
        "sunspots",
        "import urllib.request\nurllib.request.urlretrieve('https://example.com/x.csv', 'x.csv')",
    );
    assert!(
        error.message.contains("Dojo works offline"),
        "{}",
        error.message
    );
    assert!(error.help.unwrap_or_default().contains("Sunspots.csv"));
}

/// Every file the program can list or fetch, by walking the virtual tree
/// and every bundled URL, holds none of the hidden split's content.
#[test]
fn the_hidden_split_cannot_be_reached_by_any_path() {
    for task_id in ["auto_mpg", "sms_spam", "sunspots", "horses_or_humans"] {
        let walker = r#"
import os
def walk(path):
    found = []
    for name in os.listdir(path):
        full = os.path.join(path, name)
        if os.path.isdir(full):
            found.extend(walk(full))
        else:
            found.append(full)
    return found
for path in walk('/'):
    print(path)
"#;
        let (outcome, listing) = run(task_id, walker, Limits::default());
        assert!(matches!(outcome, Outcome::Finished { .. }), "{outcome:?}");
        let files: Vec<&str> = listing.lines().collect();
        assert!(!files.is_empty());
        let (data, hidden) = task_data(task(task_id).unwrap()).unwrap();
        // The listing is exactly the visible files: nothing else exists.
        let mut expected: Vec<&str> = data.files.iter().map(|f| f.path.as_str()).collect();
        expected.sort();
        let mut listed = files.clone();
        listed.sort();
        assert_eq!(listed, expected, "{task_id}");
        let everything: Vec<u8> = data.files.iter().flat_map(|f| f.bytes.to_vec()).collect();
        let contains = |needle: &[u8]| everything.windows(needle.len()).any(|w| w == needle);
        match hidden {
            HiddenSplit::Rows { rows, .. } => {
                for row in rows.iter().take(40) {
                    assert!(!contains(row.as_bytes()), "{row}");
                }
            }
            HiddenSplit::Texts { items, .. } => {
                for (message, _) in items.iter().filter(|(m, _)| m.len() > 40).take(40) {
                    assert!(!contains(message.as_bytes()), "{message}");
                }
            }
            HiddenSplit::Series { hidden, .. } => {
                // The hidden sunspot months are dated 2018-08 .. 2025-06
                // in their file (the only series task walked here).
                let text = String::from_utf8_lossy(&everything);
                for date in ["2018-08-31", "2025-06-30"] {
                    assert!(!text.contains(date), "{date} ({} hidden)", hidden.len());
                }
            }
            HiddenSplit::Images { images, .. } => {
                for (_, bytes) in images.iter().take(5) {
                    assert!(!contains(&bytes[bytes.len() - 64..]));
                }
            }
            HiddenSplit::Grey28 { .. } => {}
        }
    }
}

#[test]
fn huge_models_and_endless_fits_are_refused_before_any_allocation() {
    let error = failure(
        "sunspots",
        "import tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(100000, input_shape=(100000,))])",
    );
    assert_eq!(error.kind, "LimitExceeded", "{}", error.report);
    assert!(
        error.message.contains("Dojo's limit is"),
        "{}",
        error.message
    );
    assert_eq!(error.line, Some(2));

    let error = failure(
        "sunspots",
        "import numpy as np\nimport tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])\nmodel.compile(loss='mse')\nmodel.fit(np.zeros((4, 1)), np.zeros((4, 1)), epochs=10 ** 9)",
    );
    assert_eq!(error.kind, "LimitExceeded", "{}", error.report);
    assert!(error.message.contains("epochs"), "{}", error.message);
}

/// Reaches for everything a program can: every directory under `/` and
/// under odd spellings of it, every registered URL and guessed ones, the
/// members of every archive, reading every text file it finds. Prints
/// `FILE path` for each data file found and the text of each it could read.
const EXPLORER: &str = r#"
import os
import urllib.request
import zipfile

found = []

def walk(path, depth=0):
    if depth > 12:
        return
    for name in os.listdir(path):
        full = os.path.join(path, name)
        if os.path.isdir(full):
            walk(full, depth + 1)
        else:
            found.append(full)

try:
    os.walk('/')
except Exception as error:
    print('NO os.walk:', error)
for top in ['/', '..', '../..', '/data/..', '/workspace/../../..', '//', '/./data/../',
            '/tmp/..', '\\', 'C:\\', '/data/../../hidden', '/hidden', '/data/.hidden']:
    try:
        walk(top)
    except Exception as error:
        print('DENIED', top, error)

count = 0
for url in URLS:
    count += 1
    target = f'/tmp/url{count}'
    try:
        urllib.request.urlretrieve(url, target)
        found.append(target)
    except Exception as error:
        print('URLFAIL', url, error)

for path in list(found):
    if path.endswith('.zip') or path.startswith('/tmp/url'):
        try:
            folder = f'/tmp/unzipped/{len(found)}'
            zipfile.ZipFile(path).extractall(folder)
            walk(folder)
        except Exception as error:
            print('NOTZIP', path, error)

texts = 0
for path in found:
    if not path.startswith('/tmp/'):
        print('FILE', path)
    try:
        text = open(path).read()
        texts += 1
        print(text)
    except Exception as error:
        print('BINARY', path)
print('TEXTS', texts)
"#;

/// A path as seen from the working directory `/workspace`, without `.`,
/// `..` or repeated separators.
fn normalise(path: &str) -> String {
    let absolute = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/workspace/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in absolute.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    format!("/{}", parts.join("/"))
}

#[test]
fn no_path_url_or_archive_reaches_the_hidden_split() {
    for t in dojo_engine::tasks::TASKS {
        let (data, hidden) = task_data(t).unwrap();
        let mut urls: Vec<String> = data.urls.iter().map(|(url, _)| url.clone()).collect();
        for (url, _) in &data.urls {
            urls.push(format!("{url}?split=test"));
            let guess = url
                .replace(".zip", "-test.zip")
                .replace(".csv", "-hidden.csv")
                .replace(".data", ".test");
            if !data.urls.iter().any(|(known, _)| *known == guess) {
                urls.push(guess);
            }
        }
        urls.extend(
            [
                "file:///hidden",
                "file:///data/../hidden",
                "https://storage.googleapis.com/tensorflow/tf-keras-datasets/t10k-images-idx3-ubyte-hidden.gz",
                "dojo://hidden",
            ]
            .map(String::from),
        );
        let source = format!("URLS = {urls:?}\n{EXPLORER}");
        let (outcome, printed) = run(t.id, &source, Limits::default());
        assert!(
            matches!(outcome, Outcome::Finished { .. }),
            "{}: {outcome:?}",
            t.id
        );
        // Every data file reached is one of the visible files.
        let visible: Vec<&str> = data.files.iter().map(|f| f.path.as_str()).collect();
        let reached: Vec<String> = printed
            .lines()
            .filter_map(|line| line.strip_prefix("FILE "))
            .map(normalise)
            .collect();
        assert!(!reached.is_empty(), "{}", t.id);
        for path in &reached {
            assert!(visible.contains(&path.as_str()), "{}: reached {path}", t.id);
        }
        // The guessed URLs fail; only the registered ones resolve.
        let failed = printed.lines().filter(|l| l.starts_with("URLFAIL")).count();
        assert_eq!(failed, urls.len() - data.urls.len(), "{}\n{printed}", t.id);
        let everything: Vec<u8> = data.files.iter().flat_map(|f| f.bytes.to_vec()).collect();
        let in_files = |needle: &[u8]| everything.windows(needle.len()).any(|w| w == needle);
        match &hidden {
            HiddenSplit::Texts { items, visible } => {
                // Positive control: what the program read holds visible messages.
                assert!(printed.contains(visible[0].as_str()), "{}", t.id);
                let unique = items.iter().filter(|(m, _)| {
                    m.len() > 30 && !visible.iter().any(|v| v.contains(m.as_str()))
                });
                let mut checked = 0;
                for (message, _) in unique {
                    assert!(!printed.contains(message.as_str()), "{message}");
                    checked += 1;
                }
                assert!(checked > 100, "{checked}");
            }
            HiddenSplit::Rows { rows, .. } => {
                for row in rows {
                    assert!(!printed.contains(row.as_str()), "{row}");
                }
                assert!(printed.contains("chevrolet chevelle malibu"));
            }
            HiddenSplit::Series { hidden, .. } => {
                assert!(hidden.len() >= 83);
                // The first and last hidden steps' dates, and the first visible one.
                let (hidden_dates, first) = match t.id {
                    "sunspots" => (["2018-08-31", "2025-06-30"], "1749-01-31"),
                    _ => (["1990-01-01", "1990-12-31"], "1981-01-01"),
                };
                for date in hidden_dates {
                    assert!(!printed.contains(date), "{}: {date}", t.id);
                }
                assert!(printed.contains(first), "{}", t.id);
            }
            HiddenSplit::Images { images, .. } => {
                // No visible file is a hidden image; the archives (searched
                // byte by byte, so only for a few) hold none either.
                let hidden: std::collections::HashSet<&[u8]> =
                    images.iter().map(|(_, bytes)| &bytes[..]).collect();
                assert!(data.files.iter().all(|f| !hidden.contains(&f.bytes[..])));
                for (_, bytes) in images.iter().take(5) {
                    assert!(!in_files(&bytes[bytes.len() - 64..]));
                }
            }
            HiddenSplit::Grey28 { labels, .. } => {
                // The IDX files are binary: the Keras loader shows that the
                // test images end where the hidden half begins.
                assert_eq!(labels.len(), 5000);
                let shapes = run(
                    t.id,
                    "import tensorflow as tf\n(a, b), (c, d) = tf.keras.datasets.fashion_mnist.load_data()\nprint(a.shape, c.shape, d.shape)",
                    Limits::default(),
                );
                assert_eq!(shapes.1.trim(), "(60000, 28, 28) (5000, 28, 28) (5000,)");
            }
        }
    }
}
