//! `import zipfile`: reading archives on the virtual file system (the
//! course's `horse-or-human.zip`, the SMS spam collection).
//!
//! Stored and deflated members are supported; ZIP64 and encryption are not.
//! Every size is checked against the scratch cap before inflating, so a zip
//! bomb ends with an error instead of exhausting memory.

use std::any::Any;
use std::rc::Rc;

use crate::error::{Exception, Result};
use crate::interp::Interpreter;
use crate::modules::files::{path_argument, vfs_exception};
use crate::object::{Args, Builtin, NativeObject, native_method};
use crate::value::Value;
use crate::vfs::{MAX_SCRATCH_BYTES, VirtualFs};

fn bad_zip(message: impl Into<String>) -> Box<Exception> {
    Exception::new("BadZipFile", message)
}

fn u16_at(bytes: &[u8], offset: usize) -> Result<usize> {
    bytes
        .get(offset..offset + 2)
        .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
        .ok_or_else(|| bad_zip("truncated zip file"))
}

fn u32_at(bytes: &[u8], offset: usize) -> Result<usize> {
    bytes
        .get(offset..offset + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .ok_or_else(|| bad_zip("truncated zip file"))
}

struct Member {
    name: String,
    method: usize,
    compressed_size: usize,
    size: usize,
    header_offset: usize,
}

/// The members listed in the central directory, in archive order.
fn members(bytes: &[u8]) -> Result<Vec<Member>> {
    const END_SIGNATURE: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    const ENTRY_SIGNATURE: [u8; 4] = [0x50, 0x4b, 0x01, 0x02];
    let earliest = bytes.len().saturating_sub(22 + 65_535);
    let end = (earliest..bytes.len().saturating_sub(21))
        .rev()
        .find(|&offset| bytes[offset..].starts_with(&END_SIGNATURE))
        .ok_or_else(|| bad_zip("File is not a zip file"))?;
    let count = u16_at(bytes, end + 10)?;
    let mut offset = u32_at(bytes, end + 16)?;
    if count == 0xffff || offset == 0xffff_ffff {
        return Err(bad_zip("ZIP64 archives are not supported"));
    }
    let mut members = Vec::with_capacity(count);
    for _ in 0..count {
        if !bytes
            .get(offset..)
            .is_some_and(|rest| rest.starts_with(&ENTRY_SIGNATURE))
        {
            return Err(bad_zip("Bad magic number for central directory"));
        }
        let flags = u16_at(bytes, offset + 8)?;
        if flags & 1 != 0 {
            return Err(bad_zip("encrypted zip members are not supported"));
        }
        let name_length = u16_at(bytes, offset + 28)?;
        let name = bytes
            .get(offset + 46..offset + 46 + name_length)
            .ok_or_else(|| bad_zip("truncated zip file"))?;
        members.push(Member {
            name: String::from_utf8_lossy(name).into_owned(),
            method: u16_at(bytes, offset + 10)?,
            compressed_size: u32_at(bytes, offset + 20)?,
            size: u32_at(bytes, offset + 24)?,
            header_offset: u32_at(bytes, offset + 42)?,
        });
        offset += 46 + name_length + u16_at(bytes, offset + 30)? + u16_at(bytes, offset + 32)?;
    }
    Ok(members)
}

fn contents(bytes: &[u8], member: &Member) -> Result<Vec<u8>> {
    if member.size > MAX_SCRATCH_BYTES {
        return Err(Exception::new(
            "LimitExceeded",
            format!(
                "the zip member '{}' unpacks to {} bytes, more than Dojo allows",
                member.name, member.size
            ),
        ));
    }
    let header = member.header_offset;
    let start = header + 30 + u16_at(bytes, header + 26)? + u16_at(bytes, header + 28)?;
    let data = bytes
        .get(start..start + member.compressed_size)
        .ok_or_else(|| bad_zip("truncated zip file"))?;
    match member.method {
        0 => Ok(data.to_vec()),
        8 => miniz_oxide::inflate::decompress_to_vec_with_limit(data, member.size.max(1)).map_err(
            |_| {
                bad_zip(format!(
                    "Error -3 while decompressing data of '{}'",
                    member.name
                ))
            },
        ),
        other => Err(bad_zip(format!(
            "compression method {other} is not supported"
        ))),
    }
}

/// A member name made safe to join under a target directory.
fn safe_name(name: &str) -> String {
    name.split('/')
        .filter(|part| !part.is_empty() && *part != "." && *part != "..")
        .collect::<Vec<_>>()
        .join("/")
}

struct ZipFile {
    path: String,
    bytes: Rc<[u8]>,
    vfs: Rc<VirtualFs>,
}

impl ZipFile {
    fn member(&self, name: &str) -> Result<Member> {
        members(&self.bytes)?
            .into_iter()
            .find(|member| member.name == name)
            .ok_or_else(|| {
                Exception::new(
                    "KeyError",
                    format!("\"There is no item named '{name}' in the archive\""),
                )
            })
    }

    fn extract(&self, member: &Member, target: &str) -> Result<()> {
        let name = safe_name(&member.name);
        if name.is_empty() {
            return Ok(());
        }
        let path = format!("{}/{name}", target.trim_end_matches('/'));
        if member.name.ends_with('/') {
            return self
                .vfs
                .make_dirs(&path)
                .map_err(|error| vfs_exception(error, &self.vfs));
        }
        if let Some((directory, _)) = path.rsplit_once('/') {
            self.vfs
                .make_dirs(directory)
                .map_err(|error| vfs_exception(error, &self.vfs))?;
        }
        let data = contents(&self.bytes, member)?;
        self.vfs
            .write(&path, data)
            .map_err(|error| vfs_exception(error, &self.vfs))
    }
}

impl NativeObject for ZipFile {
    fn type_name(&self) -> String {
        "ZipFile".to_owned()
    }

    fn repr(&self) -> String {
        format!("<zipfile.ZipFile filename='{}' mode='r'>", self.path)
    }

    fn get_attribute(&self, this: &Rc<dyn NativeObject>, name: &str) -> Result<Option<Value>> {
        let method = |name: &str, body: fn(&ZipFile, Args) -> Result<Value>| {
            native_method(this, name, move |zip, _, _, args| body(zip, args))
        };
        Ok(Some(match name {
            "filename" => Value::str(&self.path),
            "namelist" => method("namelist", |zip, _| {
                Ok(Value::list(
                    members(&zip.bytes)?
                        .iter()
                        .map(|member| Value::str(&member.name))
                        .collect(),
                ))
            }),
            "extractall" => method("extractall", |zip, args| {
                args.check("extractall", 2, &["path", "members"])?;
                let target = match args.get(0, "path") {
                    None | Some(Value::None) => ".".to_owned(),
                    Some(_) => path_argument(&args, 0, "path", "extractall")?,
                };
                zip.vfs
                    .make_dirs(&target)
                    .map_err(|error| vfs_exception(error, &zip.vfs))?;
                for member in members(&zip.bytes)? {
                    zip.extract(&member, &target)?;
                }
                Ok(Value::None)
            }),
            "extract" => method("extract", |zip, args| {
                args.check("extract", 2, &["member", "path"])?;
                let name = path_argument(&args, 0, "member", "extract")?;
                let target = match args.get(1, "path") {
                    None | Some(Value::None) => ".".to_owned(),
                    Some(_) => path_argument(&args, 1, "path", "extract")?,
                };
                zip.extract(&zip.member(&name)?, &target)?;
                Ok(Value::str(&format!(
                    "{}/{}",
                    target.trim_end_matches('/'),
                    safe_name(&name)
                )))
            }),
            "read" => method("read", |zip, args| {
                args.check("read", 1, &["name"])?;
                let name = path_argument(&args, 0, "name", "read")?;
                let data = contents(&zip.bytes, &zip.member(&name)?)?;
                // Dojo has no bytes type: members are read as text.
                Ok(Value::str(&String::from_utf8_lossy(&data)))
            }),
            "close" => method("close", |_, _| Ok(Value::None)),
            _ => return Ok(None),
        }))
    }

    fn enter(&self, this: &Rc<dyn NativeObject>) -> Option<Result<Value>> {
        Some(Ok(Value::Native(Rc::clone(this))))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub(super) fn module(interpreter: &mut Interpreter) -> Result<Value> {
    let vfs = interpreter.vfs();
    let open = Builtin::value("ZipFile", move |_, args| {
        args.check("ZipFile", 2, &["mode", "compression"])?;
        let path = path_argument(&args, 0, "file", "ZipFile")?;
        if let Some(Value::Str(mode)) = args.get(1, "mode")
            && &*mode != "r"
        {
            return Err(Exception::new(
                "NotSupportedInDojo",
                "zip archives can only be read in Dojo",
            ));
        }
        let bytes = vfs
            .read(&path)
            .map_err(|error| vfs_exception(error, &vfs))?;
        members(&bytes)?;
        Ok(Value::Native(Rc::new(ZipFile {
            path,
            bytes,
            vfs: Rc::clone(&vfs),
        })))
    });
    Ok(Value::Module(crate::object::ModuleObject::new(
        "zipfile",
        vec![("ZipFile", open)],
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spam_archive() -> Vec<u8> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../assets/datasets/sms_spam/smsspamcollection.zip"
        );
        std::fs::read(path).unwrap()
    }

    #[test]
    fn reads_the_bundled_uci_archive() {
        // Reference: CPython's zipfile on the same file: one deflated member,
        // 'SMSSpamCollection', 477,907 bytes, 5,574 lines starting "ham\tGo until jurong point".
        let bytes = spam_archive();
        let members = members(&bytes).unwrap();
        assert_eq!(members.len(), 1);
        assert_eq!(members[0].name, "SMSSpamCollection");
        assert_eq!(members[0].method, 8);
        let text = String::from_utf8(contents(&bytes, &members[0]).unwrap()).unwrap();
        assert_eq!(text.len(), 477_907);
        assert_eq!(text.lines().count(), 5_574);
        assert!(text.starts_with("ham\tGo until jurong point"));
    }

    #[test]
    fn damaged_archives_are_errors_not_panics() {
        let bytes = spam_archive();
        for cut in [
            0,
            10,
            100,
            bytes.len() / 2,
            bytes.len() - 30,
            bytes.len() - 1,
        ] {
            let truncated = &bytes[..cut];
            if let Ok(members) = members(truncated) {
                for member in &members {
                    let _ = contents(truncated, member);
                }
            }
        }
        let mut flipped = bytes.clone();
        for position in (0..flipped.len()).step_by(997) {
            flipped[position] ^= 0x5a;
        }
        if let Ok(members) = members(&flipped) {
            for member in &members {
                let _ = contents(&flipped, member);
            }
        }
        assert!(members(b"not a zip").is_err());
    }

    #[test]
    fn member_names_cannot_climb_out() {
        assert_eq!(safe_name("../../etc/passwd"), "etc/passwd");
        assert_eq!(safe_name("/abs/./x.jpg"), "abs/x.jpg");
        assert_eq!(safe_name("horses/horse01-0.png"), "horses/horse01-0.png");
    }
}
