//! The virtual file system a program sees instead of the real one.
//!
//! It holds the task's data files, read-only, and a scratch area for what
//! the program writes. Nothing maps to the host's disk: the host copies the
//! task's files in before the run, and the hidden test split is simply
//! never added. Paths are normalised lexically (`..` cannot climb above
//! `/`), so no spelling of a path reaches anything else.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// The working directory of every program; relative paths resolve here.
pub const WORKING_DIR: &str = "/workspace";

/// The most bytes a program may write to its scratch area.
pub const MAX_SCRATCH_BYTES: usize = 512 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VfsError {
    NotFound(String),
    ReadOnly(String),
    IsADirectory(String),
    ScratchFull {
        limit: usize,
    },
    /// A path longer than [`MAX_PATH_BYTES`] (Linux's `PATH_MAX`).
    NameTooLong(String),
}

/// The longest path the file system takes, as Linux's `PATH_MAX`: a
/// `makedirs` of a deeper path would store every one of its prefixes.
pub const MAX_PATH_BYTES: usize = 4096;

#[derive(Debug, Clone)]
struct Entry {
    bytes: Rc<[u8]>,
    read_only: bool,
}

/// Files by normalised absolute path.
#[derive(Debug, Default)]
pub struct VirtualFs {
    files: RefCell<BTreeMap<String, Entry>>,
    directories: RefCell<std::collections::BTreeSet<String>>,
    scratch_bytes: RefCell<usize>,
    /// Public dataset URLs and the bundled bytes they stand for.
    urls: RefCell<BTreeMap<String, Rc<[u8]>>>,
}

/// Resolves `path` against [`WORKING_DIR`] and removes `.`, `..` and
/// repeated slashes. `..` at the root stays at the root.
pub fn normalize(path: &str) -> String {
    let absolute = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("{WORKING_DIR}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in absolute.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

fn parent(path: &str) -> Option<&str> {
    match path.rfind('/') {
        Some(0) if path.len() > 1 => Some("/"),
        Some(0) | None => None,
        Some(index) => Some(&path[..index]),
    }
}

/// A URL without its scheme, a leading `www.` or a trailing slash, so that
/// `http://` and `https://` spellings of one dataset match.
pub fn normalize_url(url: &str) -> String {
    let trimmed = url.trim();
    let without_scheme = trimmed.split_once("://").map_or(trimmed, |(_, rest)| rest);
    without_scheme
        .strip_prefix("www.")
        .unwrap_or(without_scheme)
        .trim_end_matches('/')
        .to_owned()
}

impl VirtualFs {
    pub fn new() -> Rc<VirtualFs> {
        let vfs = VirtualFs::default();
        vfs.mark_directories(WORKING_DIR);
        // Course code downloads and extracts under /tmp.
        vfs.mark_directories("/tmp");
        Rc::new(vfs)
    }

    fn mark_directories(&self, path: &str) {
        let mut directories = self.directories.borrow_mut();
        let mut current = Some(path);
        while let Some(directory) = current {
            directories.insert(directory.to_owned());
            current = parent(directory);
        }
    }

    /// Adds a read-only file (a task's data) at `path`.
    pub fn add_read_only(&self, path: &str, bytes: impl Into<Rc<[u8]>>) {
        let path = normalize(path);
        if let Some(directory) = parent(&path) {
            self.mark_directories(directory);
        }
        self.files.borrow_mut().insert(
            path,
            Entry {
                bytes: bytes.into(),
                read_only: true,
            },
        );
    }

    pub fn read(&self, path: &str) -> Result<Rc<[u8]>, VfsError> {
        let normalized = normalize(path);
        if let Some(entry) = self.files.borrow().get(&normalized) {
            return Ok(Rc::clone(&entry.bytes));
        }
        if self.directories.borrow().contains(&normalized) {
            return Err(VfsError::IsADirectory(path.to_owned()));
        }
        Err(VfsError::NotFound(path.to_owned()))
    }

    /// Writes (replaces) a scratch file; data files cannot be overwritten.
    pub fn write(&self, path: &str, bytes: Vec<u8>) -> Result<(), VfsError> {
        let normalized = normalize(path);
        if normalized.len() > MAX_PATH_BYTES {
            return Err(VfsError::NameTooLong(path.chars().take(60).collect()));
        }
        if self.directories.borrow().contains(&normalized) {
            return Err(VfsError::IsADirectory(path.to_owned()));
        }
        let directory = parent(&normalized).unwrap_or("/").to_owned();
        if !self.directories.borrow().contains(&directory) {
            return Err(VfsError::NotFound(path.to_owned()));
        }
        let mut files = self.files.borrow_mut();
        let previous = match files.get(&normalized) {
            Some(entry) if entry.read_only => return Err(VfsError::ReadOnly(path.to_owned())),
            Some(entry) => entry.bytes.len(),
            None => 0,
        };
        let mut used = self.scratch_bytes.borrow_mut();
        let total = *used - previous + bytes.len();
        if total > MAX_SCRATCH_BYTES {
            return Err(VfsError::ScratchFull {
                limit: MAX_SCRATCH_BYTES,
            });
        }
        *used = total;
        files.insert(
            normalized,
            Entry {
                bytes: bytes.into(),
                read_only: false,
            },
        );
        Ok(())
    }

    pub fn is_file(&self, path: &str) -> bool {
        self.files.borrow().contains_key(&normalize(path))
    }

    pub fn is_dir(&self, path: &str) -> bool {
        self.directories.borrow().contains(&normalize(path))
    }

    /// Creates a directory and its parents (`os.makedirs`).
    pub fn make_dirs(&self, path: &str) -> Result<(), VfsError> {
        let normalized = normalize(path);
        if normalized.len() > MAX_PATH_BYTES {
            return Err(VfsError::NameTooLong(path.chars().take(60).collect()));
        }
        if self.files.borrow().contains_key(&normalized) {
            return Err(VfsError::ReadOnly(path.to_owned()));
        }
        self.mark_directories(&normalized);
        Ok(())
    }

    /// Names directly inside a directory, sorted.
    pub fn list(&self, path: &str) -> Result<Vec<String>, VfsError> {
        let directory = normalize(path);
        if !self.directories.borrow().contains(&directory) {
            return Err(VfsError::NotFound(path.to_owned()));
        }
        let prefix = if directory == "/" {
            "/".to_owned()
        } else {
            format!("{directory}/")
        };
        let mut names: Vec<String> = self
            .files
            .borrow()
            .keys()
            .chain(self.directories.borrow().iter())
            .filter_map(|entry| entry.strip_prefix(&prefix))
            .filter(|rest| !rest.is_empty() && !rest.contains('/'))
            .map(str::to_owned)
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// Makes `url` resolve to `bytes` (a bundled copy of a public dataset).
    pub fn add_url(&self, url: &str, bytes: impl Into<Rc<[u8]>>) {
        self.urls
            .borrow_mut()
            .insert(normalize_url(url), bytes.into());
    }

    /// The bundled bytes behind a URL; the scheme and `www.` do not matter.
    pub fn fetch(&self, url: &str) -> Option<Rc<[u8]>> {
        self.urls.borrow().get(&normalize_url(url)).cloned()
    }

    /// The URLs that resolve, for error messages.
    pub fn urls(&self) -> Vec<String> {
        self.urls.borrow().keys().cloned().collect()
    }

    /// Every data file's path, for error messages.
    pub fn data_files(&self) -> Vec<String> {
        self.files
            .borrow()
            .iter()
            .filter(|(_, entry)| entry.read_only)
            .map(|(path, _)| path.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape_the_root() {
        assert_eq!(normalize("data.csv"), "/workspace/data.csv");
        assert_eq!(normalize("./a/../b.csv"), "/workspace/b.csv");
        assert_eq!(normalize("../../../../etc/passwd"), "/etc/passwd");
        assert_eq!(normalize("/data//x/./y"), "/data/x/y");
        assert_eq!(normalize(".."), "/");
    }

    #[test]
    fn urls_match_across_schemes() {
        let vfs = VirtualFs::new();
        vfs.add_url("https://www.example.org/data/x.csv", b"1".to_vec());
        assert!(vfs.fetch("http://example.org/data/x.csv").is_some());
        assert!(vfs.fetch("example.org/data/x.csv/").is_some());
        assert!(vfs.fetch("https://example.org/data/y.csv").is_none());
    }

    #[test]
    fn data_is_read_only_and_scratch_is_writable() {
        let vfs = VirtualFs::new();
        vfs.add_read_only("/data/Sunspots.csv", b"a,b\n".to_vec());
        assert_eq!(&*vfs.read("/data/../data/Sunspots.csv").unwrap(), b"a,b\n");
        assert_eq!(
            vfs.write("/data/Sunspots.csv", b"x".to_vec()),
            Err(VfsError::ReadOnly("/data/Sunspots.csv".into()))
        );
        vfs.write("out.txt", b"hello".to_vec()).unwrap();
        assert!(vfs.is_file("/workspace/out.txt"));
        assert_eq!(vfs.list("/").unwrap(), vec!["data", "tmp", "workspace"]);
        assert_eq!(vfs.list("/data").unwrap(), vec!["Sunspots.csv"]);
        assert!(matches!(
            vfs.read("/etc/passwd"),
            Err(VfsError::NotFound(_))
        ));
        assert!(matches!(
            vfs.write("/nowhere/x.txt", vec![]),
            Err(VfsError::NotFound(_))
        ));
        assert!(matches!(vfs.read("/data"), Err(VfsError::IsADirectory(_))));
    }
}
