//! `open()` and file objects over the [`VirtualFs`](crate::vfs::VirtualFs).

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::error::{Exception, Result, type_error, value_error};
use crate::interp::Interpreter;
use crate::object::{Args, NativeObject, native_method};
use crate::value::Value;
use crate::vfs::{VfsError, VirtualFs};

/// Turns a file-system error into the exception Python would raise.
pub fn vfs_exception(error: VfsError, vfs: &VirtualFs) -> Box<Exception> {
    match error {
        VfsError::NotFound(path) => {
            let files = vfs.data_files();
            let wanted = crate::vfs::normalize(&path);
            let close = crate::error::did_you_mean(&wanted, files.iter().map(String::as_str));
            let help = if let Some(close) = close {
                if close.eq_ignore_ascii_case(&wanted) {
                    format!("did you mean '{close}'? (file names are case-sensitive)")
                } else {
                    format!("did you mean '{close}'?")
                }
            } else if files.is_empty() {
                "Dojo programs see only their task's data files and what they write themselves"
                    .to_owned()
            } else {
                format!(
                    "Dojo programs see only their task's data files ({}) and what they write themselves",
                    describe_files(&files)
                )
            };
            Exception::new(
                "FileNotFoundError",
                format!("[Errno 2] No such file or directory: '{path}'"),
            )
            .with_help(help)
        }
        VfsError::ReadOnly(path) => Exception::new(
            "PermissionError",
            format!("[Errno 13] Permission denied: '{path}'"),
        )
        .with_help("the task's data files are read-only; write to a new file name instead"),
        VfsError::IsADirectory(path) => Exception::new(
            "IsADirectoryError",
            format!("[Errno 21] Is a directory: '{path}'"),
        ),
        VfsError::NameTooLong(start) => Exception::new(
            "OSError",
            format!("[Errno 36] File name too long: '{start}...'"),
        ),
        VfsError::ScratchFull { limit } => Exception::new(
            "LimitExceeded",
            format!("the program wrote more than {} MiB of files", limit >> 20),
        ),
    }
}

/// The most files a help line names one by one.
const FILES_LISTED: usize = 6;

/// A few files by name; more as their folders' top-level entries
/// (`/data/x/ (train/, a.zip; 1000 files)`), so a help line stays short.
fn describe_files(files: &[String]) -> String {
    if files.len() <= FILES_LISTED {
        return files.join(", ");
    }
    let mut folders: Vec<(String, Vec<String>)> = Vec::new();
    for file in files {
        // `/data/<dataset>/<entry>[/...]`: group by the dataset folder.
        let parts: Vec<&str> = file.trim_start_matches('/').splitn(3, '/').collect();
        let (folder, entry) = match parts.as_slice() {
            [top, dataset, rest] => {
                let entry = match rest.split_once('/') {
                    Some((directory, _)) => format!("{directory}/"),
                    None => (*rest).to_owned(),
                };
                (format!("/{top}/{dataset}/"), entry)
            }
            _ => ("/".to_owned(), file.trim_start_matches('/').to_owned()),
        };
        match folders.iter_mut().find(|(name, _)| *name == folder) {
            Some((_, entries)) if entries.contains(&entry) => {}
            Some((_, entries)) => entries.push(entry),
            None => folders.push((folder, vec![entry])),
        }
    }
    let folders: Vec<String> = folders
        .into_iter()
        .map(|(folder, entries)| format!("{folder} with {}", entries.join(", ")))
        .collect();
    format!("{}; {} files in all", folders.join("; "), files.len())
}

pub(crate) fn path_argument(
    args: &Args,
    position: usize,
    name: &str,
    function: &str,
) -> Result<String> {
    match args.required(position, name, function)? {
        Value::Str(path) => Ok(path.to_string()),
        other => Err(type_error(format!(
            "{function}() expected str, bytes or os.PathLike object, not {}",
            other.type_name()
        ))),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Read,
    Write,
    Append,
}

/// An open text file.
struct File {
    path: String,
    mode: Mode,
    vfs: Rc<VirtualFs>,
    /// Read mode: the whole text. Write modes: what was written so far.
    text: RefCell<String>,
    /// Read position in bytes.
    position: Cell<usize>,
    closed: Cell<bool>,
}

impl File {
    fn check_open(&self) -> Result<()> {
        if self.closed.get() {
            return Err(value_error("I/O operation on closed file."));
        }
        Ok(())
    }

    fn check_mode(&self, reading: bool) -> Result<()> {
        self.check_open()?;
        match (reading, self.mode) {
            (true, Mode::Read) | (false, Mode::Write | Mode::Append) => Ok(()),
            (true, _) => Err(Exception::new("UnsupportedOperation", "not readable")),
            (false, _) => Err(Exception::new("UnsupportedOperation", "not writable")),
        }
    }

    /// The rest of the text from the read position, consumed.
    fn take_rest(&self) -> String {
        let text = self.text.borrow();
        let start = self.position.get().min(text.len());
        self.position.set(text.len());
        text[start..].to_owned()
    }

    fn take_line(&self) -> String {
        let text = self.text.borrow();
        let start = self.position.get().min(text.len());
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |offset| start + offset + 1);
        self.position.set(end);
        text[start..end].to_owned()
    }

    fn flush(&self) -> Result<()> {
        if self.mode != Mode::Read && !self.closed.get() {
            self.vfs
                .write(&self.path, self.text.borrow().as_bytes().to_vec())
                .map_err(|error| vfs_exception(error, &self.vfs))?;
        }
        Ok(())
    }

    fn close(&self) -> Result<()> {
        self.flush()?;
        self.closed.set(true);
        Ok(())
    }
}

impl NativeObject for File {
    fn type_name(&self) -> String {
        "TextIOWrapper".to_owned()
    }

    fn repr(&self) -> String {
        let mode = match self.mode {
            Mode::Read => "r",
            Mode::Write => "w",
            Mode::Append => "a",
        };
        format!("<_io.TextIOWrapper name='{}' mode='{mode}'>", self.path)
    }

    fn get_attribute(&self, this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        let method = |name: &str, body: fn(&File, Args) -> Result<Value>| {
            native_method(this, name, move |file, _, _, args| body(file, args))
        };
        Ok(Some(match name {
            "name" => Value::str(&self.path),
            "closed" => Value::Bool(self.closed.get()),
            "read" => method("read", |file, _| {
                file.check_mode(true)?;
                Ok(Value::str(&file.take_rest()))
            }),
            "readline" => method("readline", |file, _| {
                file.check_mode(true)?;
                Ok(Value::str(&file.take_line()))
            }),
            "readlines" => method("readlines", |file, _| {
                file.check_mode(true)?;
                let rest = file.take_rest();
                Ok(Value::list(
                    rest.split_inclusive('\n').map(Value::str).collect(),
                ))
            }),
            "write" => method("write", |file, args| {
                file.check_mode(false)?;
                let Value::Str(text) = args.required(0, "s", "write")? else {
                    return Err(type_error("write() argument must be str"));
                };
                file.text.borrow_mut().push_str(&text);
                Ok(Value::Int(text.chars().count() as i64))
            }),
            "close" => method("close", |file, _| {
                file.close()?;
                Ok(Value::None)
            }),
            _ => return Ok(None),
        }))
    }

    fn iterate(&self, _interpreter: &mut Interpreter) -> Option<Result<Vec<Value>>> {
        Some(self.check_mode(true).map(|()| {
            self.take_rest()
                .split_inclusive('\n')
                .map(Value::str)
                .collect()
        }))
    }

    fn enter(&self, this: &Rc<dyn NativeObject>) -> Option<Result<Value>> {
        Some(self.check_open().map(|()| Value::Native(Rc::clone(this))))
    }

    fn exit(&self) -> Result<()> {
        self.close()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `open(path, mode='r', encoding=None, newline=None)`.
pub(crate) fn open(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("open", 2, &["mode", "encoding", "newline", "errors"])?;
    let path = path_argument(&args, 0, "file", "open")?;
    let mode_text = match args.get(1, "mode") {
        None => "r".to_owned(),
        Some(Value::Str(mode)) => mode.to_string(),
        Some(other) => {
            return Err(type_error(format!(
                "open() argument 'mode' must be str, not {}",
                other.type_name()
            )));
        }
    };
    if mode_text.contains('b') {
        return Err(Exception::new("NotSupportedInDojo", "binary file modes are not supported")
            .with_help("open files in text mode, or use the module that reads the format (csv, json, zipfile)"));
    }
    let mode = match mode_text.trim_end_matches(['t', '+']) {
        "r" => Mode::Read,
        "w" | "x" => Mode::Write,
        "a" => Mode::Append,
        _ => return Err(value_error(format!("invalid mode: '{mode_text}'"))),
    };
    let vfs = interpreter.vfs();
    let text = match mode {
        Mode::Read => {
            let bytes = vfs
                .read(&path)
                .map_err(|error| vfs_exception(error, &vfs))?;
            String::from_utf8(bytes.to_vec()).map_err(|_| {
                Exception::new(
                    "UnicodeDecodeError",
                    format!("'utf-8' codec can't decode the file '{path}'"),
                )
            })?
        }
        Mode::Append => match vfs.read(&path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(_) => String::new(),
        },
        Mode::Write => String::new(),
    };
    let file = File {
        path,
        mode,
        vfs,
        text: RefCell::new(text),
        position: Cell::new(0),
        closed: Cell::new(false),
    };
    // Creating the file at open time reports a bad directory or a read-only target early.
    if mode != Mode::Read {
        file.flush()?;
    }
    Ok(Value::Native(Rc::new(file)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_file_lists_shrink_to_their_folders() {
        let few: Vec<String> = ["/data/a/x.csv", "/data/a/y.csv"]
            .map(String::from)
            .to_vec();
        assert_eq!(describe_files(&few), "/data/a/x.csv, /data/a/y.csv");
        let mut many: Vec<String> = (0..40)
            .map(|i| format!("/data/h/train/horses/h{i}.jpg"))
            .collect();
        many.push("/data/h/train.zip".into());
        many.push("/data/h/validation/humans/m.jpg".into());
        assert_eq!(
            describe_files(&many),
            "/data/h/ with train/, train.zip, validation/; 42 files in all"
        );
    }
}
