//! Where the bundled datasets live at run time.
//!
//! Looked up in order: `DOJO_ASSETS_DIR`; an `assets/` folder beside the
//! executable or in its bundle's resource folders (installed builds); the
//! repository's `assets/` (development builds and tests). The first folder
//! that holds `datasets/` wins. Nothing ever reads `../shared`.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The folder that holds `datasets/<id>/…`.
pub fn assets_dir() -> Result<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("DOJO_ASSETS_DIR") {
        candidates.push(PathBuf::from(dir));
    }
    if let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    {
        candidates.push(exe_dir.join("assets"));
        candidates.push(exe_dir.join("../Resources/assets"));
        candidates.push(exe_dir.join("../lib/dojo/assets"));
        candidates.push(exe_dir.join("../share/dojo/assets"));
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets"));
    candidates
        .iter()
        .find(|dir| dir.join("datasets").is_dir())
        .cloned()
        .ok_or_else(|| Error::AssetsMissing {
            searched: candidates
                .iter()
                .map(|dir| dir.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Reads `datasets/<dataset>/<file>` from the assets folder.
pub fn read_dataset_file(dataset: &str, file: &str) -> Result<Vec<u8>> {
    let path = assets_dir()?.join("datasets").join(dataset).join(file);
    std::fs::read(&path).map_err(|source| Error::AssetRead {
        path: path.display().to_string(),
        source,
    })
}

/// The files under `datasets/<dataset>/<folder>`, recursively, as paths
/// relative to `datasets/<dataset>/`, sorted.
pub fn list_dataset_folder(dataset: &str, folder: &str) -> Result<Vec<String>> {
    let root = assets_dir()?.join("datasets").join(dataset);
    let mut found = Vec::new();
    let mut pending = vec![root.join(folder)];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|source| Error::AssetRead {
            path: dir.display().to_string(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| Error::AssetRead {
                path: dir.display().to_string(),
                source,
            })?;
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(&root) {
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Reads `tasks/<task>/<file>` (statement, starter, contract) from the
/// assets folder.
pub fn read_task_file(task: &str, file: &str) -> Result<Vec<u8>> {
    let path = assets_dir()?.join("tasks").join(task).join(file);
    std::fs::read(&path).map_err(|source| Error::AssetRead {
        path: path.display().to_string(),
        source,
    })
}
