//! Writers for the archive formats exam code downloads: gzip members (the
//! Fashion-MNIST IDX files) and zip archives (the horses and SMS archives).
//! Only what is needed to re-pack a dataset without its hidden split.

/// CRC-32 (IEEE), as gzip and zip use it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (index, slot) in table.iter_mut().enumerate() {
        let mut value = index as u32;
        for _ in 0..8 {
            value = if value & 1 == 1 {
                0xEDB8_8320 ^ (value >> 1)
            } else {
                value >> 1
            };
        }
        *slot = value;
    }
    let mut crc = !0u32;
    for &byte in bytes {
        crc = table[((crc ^ u32::from(byte)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// One gzip member holding `bytes`, deflated at a fast level.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend(miniz_oxide::deflate::compress_to_vec(bytes, 1));
    out.extend(crc32(bytes).to_le_bytes());
    out.extend((bytes.len() as u32).to_le_bytes());
    out
}

/// A zip archive of `(name, bytes)` entries, stored without compression
/// (JPEGs do not shrink; text archives are small).
pub fn zip_stored(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, bytes) in entries {
        let offset = out.len() as u32;
        let crc = crc32(bytes);
        let size = bytes.len() as u32;
        let name_len = name.len() as u16;
        // Local file header.
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend(20u16.to_le_bytes()); // version needed
        out.extend(0u16.to_le_bytes()); // flags
        out.extend(0u16.to_le_bytes()); // method: stored
        out.extend(0u16.to_le_bytes()); // time
        out.extend(0x21u16.to_le_bytes()); // date: 1980-01-01
        out.extend(crc.to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend(name_len.to_le_bytes());
        out.extend(0u16.to_le_bytes()); // extra length
        out.extend(name.as_bytes());
        out.extend(bytes);
        // Central directory record.
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(20u16.to_le_bytes()); // version made by
        central.extend(20u16.to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend(0x21u16.to_le_bytes());
        central.extend(crc.to_le_bytes());
        central.extend(size.to_le_bytes());
        central.extend(size.to_le_bytes());
        central.extend(name_len.to_le_bytes());
        central.extend([0u8; 8]); // extra and comment lengths, disk, internal attrs
        central.extend(0u32.to_le_bytes()); // external attrs
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let central_offset = out.len() as u32;
    let central_size = central.len() as u32;
    out.extend(central);
    let count = entries.len() as u16;
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]); // disk numbers
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend(central_size.to_le_bytes());
    out.extend(central_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        // The CRC-32/ISO-HDLC check value of "123456789" (reveng catalogue).
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    /// The offsets of the central directory records, read through the
    /// end-of-central-directory record, each checked for its signature.
    fn central_names(zip: &[u8]) -> Vec<String> {
        let read16 = |at: usize| usize::from(u16::from_le_bytes([zip[at], zip[at + 1]]));
        let read32 =
            |at: usize| u32::from_le_bytes([zip[at], zip[at + 1], zip[at + 2], zip[at + 3]]);
        let end = zip.len() - 22;
        assert_eq!(read32(end), 0x0605_4b50);
        let count = read16(end + 10);
        let mut at = read32(end + 16) as usize;
        let mut names = Vec::new();
        for _ in 0..count {
            assert_eq!(read32(at), 0x0201_4b50, "central record signature");
            let name_len = read16(at + 28);
            let extra_len = read16(at + 30);
            let comment_len = read16(at + 32);
            let local = read32(at + 42) as usize;
            assert_eq!(read32(local), 0x0403_4b50, "local header signature");
            names.push(String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap());
            at += 46 + name_len + extra_len + comment_len;
        }
        assert_eq!(
            at, end,
            "the central directory ends where the end record starts"
        );
        names
    }

    #[test]
    fn zip_central_directory_records_are_46_bytes_plus_the_name() {
        let zip = zip_stored(&[
            ("horses/a.jpg".to_owned(), vec![1, 2, 3]),
            ("humans/b.jpg".to_owned(), vec![4; 10]),
        ]);
        assert_eq!(central_names(&zip), ["horses/a.jpg", "humans/b.jpg"]);
    }

    #[test]
    fn gzip_round_trips_through_an_inflater() {
        let text = b"sunspots sunspots sunspots".repeat(100);
        let packed = gzip(&text);
        assert_eq!(&packed[..2], &[0x1f, 0x8b]);
        let body = &packed[10..packed.len() - 8];
        let unpacked = miniz_oxide::inflate::decompress_to_vec(body).unwrap();
        assert_eq!(unpacked, text);
    }
}
