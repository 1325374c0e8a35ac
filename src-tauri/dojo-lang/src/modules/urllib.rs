//! `urllib.request`: `urlretrieve` and `urlopen` resolve the public URLs of
//! the bundled datasets to their bundled copies. Dojo works offline: any
//! other URL is an error that says so.

use std::rc::Rc;

use crate::error::{Exception, Result};
use crate::interp::Interpreter;
use crate::modules::files::{path_argument, vfs_exception};
use crate::object::{Args, Builtin, ModuleObject};
use crate::value::Value;
use crate::vfs::VirtualFs;

fn fetch(vfs: &VirtualFs, url: &str) -> Result<Rc<[u8]>> {
    vfs.fetch(url).ok_or_else(|| {
        let known = vfs.urls();
        let help = if known.is_empty() {
            "this program's task bundles no downloadable files".to_owned()
        } else {
            format!("the URLs this task bundles: {}", known.join(", "))
        };
        Exception::new(
            "URLError",
            format!("Dojo works offline; this URL is not a bundled dataset: {url}"),
        )
        .with_help(help)
    })
}

pub(super) fn request_module(interpreter: &mut Interpreter) -> Result<Value> {
    let retrieve_vfs = interpreter.vfs();
    let open_vfs = interpreter.vfs();
    Ok(Value::Module(ModuleObject::new(
        "urllib.request",
        vec![
            (
                "urlretrieve",
                Builtin::value("urlretrieve", move |_, args| {
                    args.check("urlretrieve", 2, &["filename"])?;
                    let url = path_argument(&args, 0, "url", "urlretrieve")?;
                    let bytes = fetch(&retrieve_vfs, &url)?;
                    let filename = match args.get(1, "filename") {
                        None | Some(Value::None) => url
                            .trim_end_matches('/')
                            .rsplit('/')
                            .next()
                            .unwrap_or("download")
                            .to_owned(),
                        Some(_) => path_argument(&args, 1, "filename", "urlretrieve")?,
                    };
                    retrieve_vfs
                        .write(&filename, bytes.to_vec())
                        .map_err(|error| vfs_exception(error, &retrieve_vfs))?;
                    Ok(Value::tuple(vec![Value::str(&filename), Value::None]))
                }),
            ),
            (
                "urlopen",
                Builtin::value("urlopen", move |interpreter, args: Args| {
                    args.check("urlopen", 1, &["timeout"])?;
                    let url = path_argument(&args, 0, "url", "urlopen")?;
                    let bytes = fetch(&open_vfs, &url)?;
                    // The response reads like a text file holding the bundled bytes.
                    let name = url
                        .trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap_or("response");
                    let scratch = format!("/tmp/urlopen/{name}");
                    open_vfs
                        .make_dirs("/tmp/urlopen")
                        .and_then(|()| open_vfs.write(&scratch, bytes.to_vec()))
                        .map_err(|error| vfs_exception(error, &open_vfs))?;
                    crate::modules::files::open(interpreter, Args::new(vec![Value::str(&scratch)]))
                }),
            ),
        ],
    )))
}

pub(super) fn module(interpreter: &mut Interpreter) -> Result<Value> {
    let request = interpreter.import("urllib.request")?;
    Ok(Value::Module(ModuleObject::new(
        "urllib",
        vec![("request", request)],
    )))
}
