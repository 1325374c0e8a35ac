//! `tf.keras.datasets.fashion_mnist.load_data()`: the gzip-compressed IDX
//! files that Dojo bundles, read from the virtual file system at
//! `/data/fashion_mnist/`.

use crate::arrays::candle_error;
use dojo_lang::error::{Exception, Result};
use dojo_lang::interp::{Args, Interpreter};
use dojo_lang::modules::files::vfs_exception;
use dojo_lang::ndarray::NdArray;
use dojo_lang::value::Value;

/// Where the bundled Fashion-MNIST files live on the virtual file system.
pub const FASHION_MNIST_DIR: &str = "/data/fashion_mnist";

/// Fashion-MNIST class names, in label order.
pub const FASHION_CLASSES: [&str; 10] = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
];

fn malformed(file: &str, why: &str) -> Box<Exception> {
    Exception::new(
        "ValueError",
        format!("{file} is not a valid gzip IDX file: {why}"),
    )
}

/// The payload of a gzip member (RFC 1952), header and trailer checked.
pub(crate) fn gunzip(bytes: &[u8], file: &str) -> Result<Vec<u8>> {
    const FEXTRA: u8 = 4;
    const FNAME: u8 = 8;
    const FCOMMENT: u8 = 16;
    const FHCRC: u8 = 2;
    if bytes.len() < 18 || bytes[0] != 0x1f || bytes[1] != 0x8b || bytes[2] != 8 {
        return Err(malformed(file, "not gzip data"));
    }
    let flags = bytes[3];
    let mut offset = 10;
    if flags & FEXTRA != 0 {
        let length = bytes
            .get(offset..offset + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
            .ok_or_else(|| malformed(file, "truncated header"))?;
        offset += 2 + length;
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let end = bytes
                .get(offset..)
                .and_then(|rest| rest.iter().position(|&b| b == 0))
                .ok_or_else(|| malformed(file, "truncated header"))?;
            offset += end + 1;
        }
    }
    if flags & FHCRC != 0 {
        offset += 2;
    }
    let body = bytes
        .get(offset..bytes.len() - 8)
        .ok_or_else(|| malformed(file, "truncated header"))?;
    let data = miniz_oxide::inflate::decompress_to_vec_with_limit(body, 1 << 30)
        .map_err(|error| malformed(file, &format!("corrupt deflate data ({:?})", error.status)))?;
    let trailer = &bytes[bytes.len() - 4..];
    let size = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
    if size != data.len() as u32 {
        return Err(malformed(file, "length does not match the trailer"));
    }
    Ok(data)
}

/// An IDX file of unsigned bytes: its dims and data.
fn idx(data: &[u8], file: &str, rank: usize) -> Result<(Vec<usize>, Vec<u8>)> {
    if data.len() < 4 + 4 * rank || data[0] != 0 || data[1] != 0 || data[2] != 8 {
        return Err(malformed(file, "not an IDX file of unsigned bytes"));
    }
    if usize::from(data[3]) != rank {
        return Err(malformed(
            file,
            &format!("expected {rank} dimensions, found {}", data[3]),
        ));
    }
    let dims: Vec<usize> = (0..rank)
        .map(|i| {
            let b = &data[4 + 4 * i..8 + 4 * i];
            u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize
        })
        .collect();
    let body = &data[4 + 4 * rank..];
    if body.len() != dims.iter().product::<usize>() {
        return Err(malformed(file, "the data does not match the dimensions"));
    }
    Ok((dims, body.to_vec()))
}

/// A bundled Fashion-MNIST IDX file's dims and bytes.
pub(crate) fn idx_file(
    interpreter: &Interpreter,
    name: &str,
    rank: usize,
) -> Result<(Vec<usize>, Vec<u8>)> {
    let path = format!("{FASHION_MNIST_DIR}/{name}");
    let vfs = interpreter.vfs();
    let bytes = vfs.read(&path).map_err(|error| {
        vfs_exception(error, &vfs).with_help(format!(
            "Dojo bundles Fashion-MNIST at {FASHION_MNIST_DIR}/; this task does not include it"
        ))
    })?;
    idx(&gunzip(&bytes, &path)?, &path, rank)
}

fn load(interpreter: &Interpreter, name: &str, rank: usize) -> Result<NdArray> {
    let (dims, data) = idx_file(interpreter, name, rank)?;
    NdArray::from_u8(&dims, data).map_err(candle_error)
}

pub(crate) fn fashion_mnist_load_data(interpreter: &mut Interpreter, args: Args) -> Result<Value> {
    args.check("load_data", 0, &[])?;
    let train_images = load(interpreter, "train-images-idx3-ubyte.gz", 3)?;
    let train_labels = load(interpreter, "train-labels-idx1-ubyte.gz", 1)?;
    let test_images = load(interpreter, "t10k-images-idx3-ubyte.gz", 3)?;
    let test_labels = load(interpreter, "t10k-labels-idx1-ubyte.gz", 1)?;
    Ok(Value::tuple(vec![
        Value::tuple(vec![train_images.into_value(), train_labels.into_value()]),
        Value::tuple(vec![test_images.into_value(), test_labels.into_value()]),
    ]))
}
