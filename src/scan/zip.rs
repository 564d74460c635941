//! ZIP archives as the loaders read them, and as an attacker builds them to slip past a scanner: members come
//! from the central directory (what PyTorch's and Python's readers use) *and* from a walk over the local headers
//! (what a lenient reader or a second-stage loader may use), so a name or size that differs between the two
//! hides nothing. Flag bits are not trusted: an "encrypted" member is still read as stored or deflated data,
//! and only if it is not readable is it reported as not inspectable. ZIP64 sizes and offsets are read.

use std::io::{Read, Seek, SeekFrom};

/// One member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// Its name (central directory's, else the local header's).
    pub name: String,
    /// The local header's offset.
    pub header: u64,
    /// Where its data starts.
    pub data: u64,
    /// Compression method (0 stored, 8 deflate).
    pub method: u16,
    /// General-purpose flags (bit 0: encrypted).
    pub flags: u16,
    /// Compressed size, when known.
    pub compressed: Option<u64>,
}

fn u16le(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32le(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u64le(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

/// The ZIP64 extended-information field's values, in order, for the 32-bit fields that were 0xFFFFFFFF.
fn zip64(extra: &[u8], wanted: &[bool]) -> Vec<Option<u64>> {
    let mut at = 0;
    while at + 4 <= extra.len() {
        let id = u16le(extra, at);
        let size = usize::from(u16le(extra, at + 2));
        let body = &extra[at + 4..(at + 4 + size).min(extra.len())];
        if id == 1 {
            let mut values = Vec::new();
            let mut offset = 0;
            for want in wanted {
                if *want && offset + 8 <= body.len() {
                    values.push(Some(u64le(body, offset)));
                    offset += 8;
                } else {
                    values.push(None);
                }
            }
            return values;
        }
        at += 4 + size;
    }
    vec![None; wanted.len()]
}

fn read_at<F: Read + Seek>(file: &mut F, at: u64, n: usize) -> std::io::Result<Vec<u8>> {
    file.seek(SeekFrom::Start(at))?;
    // no capacity reserved from a size the file states: only what is really there is allocated
    let mut buf = Vec::new();
    file.take(n as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// The local header at `at`: its name, flags, method, compressed size (unless a data descriptor follows) and
/// where the data starts.
fn local<F: Read + Seek>(file: &mut F, at: u64) -> Option<Member> {
    let header = read_at(file, at, 30).ok()?;
    if header.len() < 30 || u32le(&header, 0) != 0x0403_4b50 {
        return None;
    }
    let flags = u16le(&header, 6);
    let method = u16le(&header, 8);
    let compressed = u32le(&header, 18);
    let name_len = usize::from(u16le(&header, 26));
    let extra_len = usize::from(u16le(&header, 28));
    let tail = read_at(file, at + 30, name_len + extra_len).ok()?;
    if tail.len() < name_len + extra_len {
        return None;
    }
    let name = String::from_utf8_lossy(&tail[..name_len]).into_owned();
    let compressed = if compressed == u32::MAX {
        zip64(&tail[name_len..], &[true, true])[1]
    } else if flags & 0x08 != 0 && compressed == 0 {
        None
    } else {
        Some(u64::from(compressed))
    };
    Some(Member {
        name,
        header: at,
        data: at.checked_add(30 + (name_len + extra_len) as u64)?,
        method,
        flags,
        compressed,
    })
}

/// The central directory's entries, by local-header offset and name.
fn central<F: Read + Seek>(file: &mut F, length: u64) -> Result<Vec<(u64, String, Option<u64>)>, String> {
    let tail_len = length.min(65_557);
    let tail = read_at(file, length - tail_len, tail_len as usize).map_err(|e| e.to_string())?;
    let eocd = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| u32le(&tail, i) == 0x0605_4b50)
        .ok_or("no end-of-central-directory record")?;
    let mut entries = u64::from(u16le(&tail, eocd + 10));
    let mut size = u64::from(u32le(&tail, eocd + 12));
    let mut offset = u64::from(u32le(&tail, eocd + 16));
    // ZIP64: the locator just before the record points at the ZIP64 end record
    if eocd >= 20 && u32le(&tail, eocd - 20) == 0x0706_4b50 {
        let at = u64le(&tail, eocd - 20 + 8);
        let record = read_at(file, at, 56).map_err(|e| e.to_string())?;
        if record.len() == 56 && u32le(&record, 0) == 0x0606_4b50 {
            entries = u64le(&record, 32);
            size = u64le(&record, 40);
            offset = u64le(&record, 48);
        }
    }
    if offset.checked_add(size).is_none_or(|end| end > length) {
        return Err("the central directory lies outside the file".into());
    }
    let directory = read_at(file, offset, size.min(1 << 30) as usize).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut at = 0;
    for _ in 0..entries.min(1 << 20) {
        if at + 46 > directory.len() || u32le(&directory, at) != 0x0201_4b50 {
            return Err(format!("central directory entry {} is damaged", out.len()));
        }
        let compressed = u32le(&directory, at + 20);
        let size32 = u32le(&directory, at + 24);
        let name_len = usize::from(u16le(&directory, at + 28));
        let extra_len = usize::from(u16le(&directory, at + 30));
        let comment_len = usize::from(u16le(&directory, at + 32));
        let header = u32le(&directory, at + 42);
        let end = at + 46 + name_len + extra_len + comment_len;
        if end > directory.len() {
            return Err("a central directory entry runs past its end".into());
        }
        let name = String::from_utf8_lossy(&directory[at + 46..at + 46 + name_len]).into_owned();
        let extra = &directory[at + 46 + name_len..at + 46 + name_len + extra_len];
        let wide = zip64(
            extra,
            &[size32 == u32::MAX, compressed == u32::MAX, header == u32::MAX],
        );
        let compressed = if compressed == u32::MAX {
            wide[1]
        } else {
            Some(u64::from(compressed))
        };
        let header = if header == u32::MAX {
            wide[2].unwrap_or(u64::MAX)
        } else {
            u64::from(header)
        };
        out.push((header, name, compressed));
        at = end;
    }
    Ok(out)
}

/// Every member, from the central directory and from the local headers; `Err` when neither finds any.
pub fn members<F: Read + Seek>(file: &mut F, length: u64) -> Result<Vec<Member>, String> {
    let mut found: Vec<Member> = Vec::new();
    let directory = central(file, length);
    if let Ok(entries) = &directory {
        for (header, name, compressed) in entries {
            if let Some(mut member) = local(file, *header) {
                if member.name != *name {
                    // the central directory's name is what loaders look up; keep both visible
                    member.name = name.clone();
                }
                if member.compressed.is_none() {
                    member.compressed = *compressed;
                }
                found.push(member);
            }
        }
    }
    // the local headers, in order, following each member's size; a data descriptor without a known size stops
    // the walk there (the central directory covers those)
    let mut at = 0u64;
    for _ in 0..(1 << 20) {
        let Some(member) = local(file, at) else { break };
        let next = member.compressed.and_then(|c| member.data.checked_add(c));
        if !found.iter().any(|m| m.header == member.header) {
            found.push(member);
        }
        match next {
            Some(next) if next > at => at = next,
            _ => break,
        }
    }
    if found.is_empty() {
        return Err(directory.err().unwrap_or_else(|| "no members".into()));
    }
    Ok(found)
}

/// A reader over a member's (decompressed) bytes, bounded by its compressed size when known.
pub fn open<'a, F: Read + Seek>(file: &'a mut F, member: &Member) -> Result<Box<dyn Read + 'a>, String> {
    file.seek(SeekFrom::Start(member.data))
        .map_err(|e| e.to_string())?;
    let raw: Box<dyn Read + 'a> = match member.compressed {
        Some(size) => Box::new(file.take(size)),
        None => Box::new(file),
    };
    match member.method {
        0 => Ok(raw),
        8 => Ok(Box::new(flate2::read::DeflateDecoder::new(raw))),
        other => Err(format!("compression method {other} is not read by aitrust")),
    }
}
