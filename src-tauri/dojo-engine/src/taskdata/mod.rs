//! What a task's program may read, and the hidden test split it may not.
//!
//! Each task's dataset is split once, deterministically (a fixed hash of a
//! stable key, never a random generator whose stream could change), into
//! the part the program sees and a hidden test split used only for
//! grading. [`TaskData`] holds the visible files, re-packed in the formats
//! of the public originals (CSV, gzip IDX, zip), and the public URLs that
//! resolve to them; [`HiddenSplit`] holds the rest and never reaches the
//! interpreter.
//!
//! Splits (see each builder for the exact rule):
//! - auto_mpg: ~20% of the 398 cars, by row.
//! - fashion_mnist: the second half of the 10,000 test images.
//! - horses_or_humans: ~15% of the rendered figures (all renders of a figure
//!   go to one side), and another ~15% as the `validation` set.
//! - sms_spam: ~15% of the distinct messages (duplicates stay together).
//! - sunspots: none of the public file (served whole); the 83 months that
//!   followed it (2018-08 to 2025-06) are the hidden test.
//! - daily temperatures: the last 365 days.

pub mod archive;
mod builders;

pub use builders::task_data;
pub(crate) use builders::{csv_fields, gunzip};

/// A file the program can read, at its virtual path.
#[derive(Debug, Clone)]
pub struct DataFile {
    pub path: String,
    pub bytes: std::sync::Arc<[u8]>,
}

/// The visible side of a task's dataset.
#[derive(Debug, Clone)]
pub struct TaskData {
    /// Files under `/data/<dataset>/`.
    pub files: Vec<DataFile>,
    /// Public URLs and the virtual path of the file each resolves to.
    pub urls: Vec<(String, String)>,
}

impl TaskData {
    pub fn file(&self, path: &str) -> Option<&DataFile> {
        self.files.iter().find(|file| file.path == path)
    }
}

/// The held-out data a submission is graded on.
#[derive(Debug, Clone)]
pub enum HiddenSplit {
    /// Table rows (CSV lines without the header) of a tabular dataset,
    /// and the visible rows (what the program sees), whose statistics the
    /// grader's notes may use.
    Rows {
        header: String,
        rows: Vec<String>,
        visible: Vec<String>,
    },
    /// Images with their class index; `classes` in label order.
    Images {
        classes: Vec<String>,
        images: Vec<(usize, std::sync::Arc<[u8]>)>,
    },
    /// 28x28 greyscale images (row-major bytes) and labels.
    Grey28 { pixels: Vec<u8>, labels: Vec<u8> },
    /// Text messages with a 0/1 label (1 = spam), and the visible messages
    /// in file order, on which the grader fits its tokenizer.
    Texts {
        items: Vec<(String, u8)>,
        visible: Vec<String>,
    },
    /// A series: everything the program saw, then the hidden continuation.
    Series { visible: Vec<f64>, hidden: Vec<f64> },
}

impl HiddenSplit {
    pub fn len(&self) -> usize {
        match self {
            HiddenSplit::Rows { rows, .. } => rows.len(),
            HiddenSplit::Images { images, .. } => images.len(),
            HiddenSplit::Grey28 { labels, .. } => labels.len(),
            HiddenSplit::Texts { items, .. } => items.len(),
            HiddenSplit::Series { hidden, .. } => hidden.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Which side of a split the item with stable `key` falls on: a percentage
/// bucket in `0..100` from FNV-1a, stable across platforms and releases.
pub(crate) fn bucket(key: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // Fold the high bits in: FNV's low bits mix poorly for short keys.
    (hash ^ (hash >> 32)) % 100
}
