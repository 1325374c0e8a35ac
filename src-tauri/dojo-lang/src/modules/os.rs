//! `import os` and `os.path`, over the virtual file system. Process,
//! environment and real-disk functions are refused with a clear message.

use crate::error::{Exception, Result};
use crate::interp::Interpreter;
use crate::modules::files::{path_argument, vfs_exception};
use crate::object::{Args, Builtin, ModuleObject};
use crate::value::Value;
use crate::vfs::{WORKING_DIR, normalize};

fn strings(args: &Args, function: &str) -> Result<Vec<String>> {
    (0..args.positional.len())
        .map(|position| path_argument(args, position, "path", function))
        .collect()
}

fn join(parts: &[String]) -> String {
    let mut joined = String::new();
    for part in parts {
        if part.starts_with('/') {
            joined = part.clone();
        } else if joined.is_empty() || joined.ends_with('/') {
            joined.push_str(part);
        } else {
            joined.push('/');
            joined.push_str(part);
        }
    }
    joined
}

fn split_name(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(index) => (
            &path[..index.max(usize::from(index == 0))],
            &path[index + 1..],
        ),
        None => ("", path),
    }
}

pub(super) fn path_module(interpreter: &mut Interpreter) -> Result<Value> {
    let vfs = interpreter.vfs();
    let exists_vfs = vfs.clone();
    let isfile_vfs = vfs.clone();
    let isdir_vfs = vfs;
    Ok(Value::Module(ModuleObject::new(
        "os.path",
        vec![
            ("sep", Value::str("/")),
            (
                "join",
                Builtin::value("join", |_, args| {
                    Ok(Value::str(&join(&strings(&args, "join")?)))
                }),
            ),
            (
                "exists",
                Builtin::value("exists", move |_, args| {
                    let path = path_argument(&args, 0, "path", "exists")?;
                    Ok(Value::Bool(
                        exists_vfs.is_file(&path) || exists_vfs.is_dir(&path),
                    ))
                }),
            ),
            (
                "isfile",
                Builtin::value("isfile", move |_, args| {
                    Ok(Value::Bool(
                        isfile_vfs.is_file(&path_argument(&args, 0, "path", "isfile")?),
                    ))
                }),
            ),
            (
                "isdir",
                Builtin::value("isdir", move |_, args| {
                    Ok(Value::Bool(
                        isdir_vfs.is_dir(&path_argument(&args, 0, "path", "isdir")?),
                    ))
                }),
            ),
            (
                "basename",
                Builtin::value("basename", |_, args| {
                    let path = path_argument(&args, 0, "p", "basename")?;
                    Ok(Value::str(split_name(&path).1))
                }),
            ),
            (
                "dirname",
                Builtin::value("dirname", |_, args| {
                    let path = path_argument(&args, 0, "p", "dirname")?;
                    Ok(Value::str(split_name(&path).0))
                }),
            ),
            (
                "splitext",
                Builtin::value("splitext", |_, args| {
                    let path = path_argument(&args, 0, "p", "splitext")?;
                    let (_, name) = split_name(&path);
                    let (stem_length, extension) = match name.rfind('.') {
                        Some(dot) if dot > 0 => (path.len() - name.len() + dot, &name[dot..]),
                        _ => (path.len(), ""),
                    };
                    Ok(Value::tuple(vec![
                        Value::str(&path[..stem_length]),
                        Value::str(extension),
                    ]))
                }),
            ),
            (
                "abspath",
                Builtin::value("abspath", |_, args| {
                    Ok(Value::str(&normalize(&path_argument(
                        &args, 0, "path", "abspath",
                    )?)))
                }),
            ),
        ],
    )))
}

pub(super) fn module(interpreter: &mut Interpreter) -> Result<Value> {
    let path = interpreter.import("os.path")?;
    let list_vfs = interpreter.vfs();
    let make_vfs = interpreter.vfs();
    let mut attributes = vec![
        ("path", path),
        // The program's own environment, empty: `os.environ["TF_CPP_MIN_LOG_LEVEL"]
        // = "3"` works and nothing of the machine's environment is visible.
        ("environ", Value::dict(crate::value::Dict::new())),
        ("sep", Value::str("/")),
        (
            "getcwd",
            Builtin::value("getcwd", |_, _| Ok(Value::str(WORKING_DIR))),
        ),
        (
            "listdir",
            Builtin::value("listdir", move |_, args| {
                let path = match args.positional.first() {
                    None => WORKING_DIR.to_owned(),
                    Some(_) => path_argument(&args, 0, "path", "listdir")?,
                };
                let names = list_vfs
                    .list(&path)
                    .map_err(|error| vfs_exception(error, &list_vfs))?;
                Ok(Value::list(
                    names.iter().map(|name| Value::str(name)).collect(),
                ))
            }),
        ),
        (
            "makedirs",
            Builtin::value("makedirs", move |_, args| {
                args.check("makedirs", 2, &["exist_ok", "mode"])?;
                let path = path_argument(&args, 0, "name", "makedirs")?;
                let exist_ok = args.get(1, "exist_ok").is_some_and(|value| value.truthy());
                if make_vfs.is_dir(&path) && !exist_ok {
                    return Err(Exception::new(
                        "FileExistsError",
                        format!("[Errno 17] File exists: '{path}'"),
                    ));
                }
                make_vfs
                    .make_dirs(&path)
                    .map_err(|error| vfs_exception(error, &make_vfs))?;
                Ok(Value::None)
            }),
        ),
    ];
    for refused in [
        "system", "popen", "getenv", "putenv", "remove", "unlink", "rmdir", "chdir", "kill",
        "fork", "execv",
    ] {
        let message = format!("os.{refused}() is not available in Dojo");
        attributes.push((
            refused,
            Builtin::value(refused, move |_, _| {
                Err(Exception::new("NotSupportedInDojo", message.clone()).with_help(
                    "a solution cannot reach the operating system; it sees only its task's files",
                ))
            }),
        ));
    }
    let mkdir = attributes
        .iter()
        .find(|(name, _)| *name == "makedirs")
        .map(|(_, value)| value.clone())
        .unwrap_or(Value::None);
    attributes.push(("mkdir", mkdir));
    Ok(Value::Module(ModuleObject::new("os", attributes)))
}
