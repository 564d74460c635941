//! The formats around pickles, and the formats without them, each checked to the letter of its specification
//! as far as code execution and malformation go.

use std::io::{BufRead, BufReader, Read, SeekFrom};

use super::{Findings, Kind, Level, Source};

/// Nested archives deeper than this are not opened (a ZIP quine cannot loop the scanner).
const DEPTH: usize = 4;
/// A nested archive is read into memory up to this size; larger ones are reported as not inspected.
const NESTED: u64 = 256 << 20;
/// The longest JSON header, config or template read whole.
const HEADER: u64 = 100 << 20;

fn peek<S: Source>(source: &mut S, n: usize) -> std::io::Result<Vec<u8>> {
    let start = source.stream_position()?;
    let mut buf = Vec::with_capacity(n);
    (&mut *source).take(n as u64).read_to_end(&mut buf)?;
    source.seek(SeekFrom::Start(start))?;
    Ok(buf)
}

/// Extensions under which a file is a pickle even without PROTO (protocols 0 and 1).
const PICKLE_EXTENSIONS: &[&str] = &[
    "pkl", "pickle", "joblib", "pt", "pth", "ckpt", "bin", "dat", "data", "pkl.gz",
];

/// Recognises and scans one byte source; returns the format's name.
pub fn scan<S: Source>(
    source: &mut S,
    length: u64,
    extension: &str,
    findings: &mut Findings<'_>,
    depth: usize,
) -> std::io::Result<String> {
    let head = peek(source, 512)?;
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return zip(source, length, extension, findings, depth);
    }
    if head.starts_with(b"\x93NUMPY") {
        numpy(source, findings)?;
        return Ok("numpy".into());
    }
    if head.starts_with(b"GGUF") {
        gguf(source, length, findings)?;
        return Ok("gguf".into());
    }
    if head.starts_with(b"\x89HDF\r\n\x1a\n") {
        hdf5(source, findings)?;
        return Ok("hdf5".into());
    }
    if head.starts_with(b"7z\xbc\xaf\x27\x1c") {
        seven_zip(source, findings)?;
        return Ok("7z".into());
    }
    if head.len() >= 262 && &head[257..262] == b"ustar" {
        tar(source, length, findings, depth)?;
        return Ok("tar".into());
    }
    if extension == "safetensors" || looks_like_safetensors(&head, length) {
        safetensors(source, length, findings)?;
        return Ok("safetensors".into());
    }
    if extension == "onnx" {
        onnx(source, length, findings)?;
        return Ok("onnx".into());
    }
    let proto = head.first() == Some(&0x80) && head.get(1).is_some_and(|p| *p <= 5);
    if proto || PICKLE_EXTENSIONS.contains(&extension) {
        let report = super::pickle::scan(BufReader::with_capacity(1 << 16, &mut *source));
        // without PROTO, a file that never completes a pickle is data that happens to start with an opcode
        // byte, unless what the stream reaches first imports something dangerous (kept: the unpickler performs
        // imports as it reads, and such a file was made to be loaded)
        let danger = report.imports.iter().any(|i| {
            let allowed = &findings.options.allow_globals;
            let class = if i.called {
                super::policy::classify_call(&i.module, &i.name, allowed)
            } else {
                super::policy::classify(&i.module, &i.name, allowed)
            };
            class == super::policy::Class::Dangerous
        });
        if !proto && report.pickles == 0 && !danger {
            return Ok("data".into());
        }
        findings.pickle(&report, proto);
        return Ok("pickle".into());
    }
    Ok("data".into())
}

fn looks_like_safetensors(head: &[u8], length: u64) -> bool {
    if head.len() < 9 {
        return false;
    }
    let n = u64::from_le_bytes(head[..8].try_into().unwrap_or_default());
    n >= 2 && n.checked_add(8).is_some_and(|end| end <= length) && head[8] == b'{'
}

fn zip<S: Source>(
    source: &mut S,
    length: u64,
    extension: &str,
    findings: &mut Findings<'_>,
    depth: usize,
) -> std::io::Result<String> {
    let members = match super::zip::members(source, length) {
        Ok(members) => members,
        Err(error) => {
            findings.push(
                Kind::Malformed,
                Level::Error,
                None,
                format!("a damaged ZIP archive: {error}"),
            );
            return Ok("zip".into());
        }
    };
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    let torchscript = names.iter().any(|n| n.contains("/code/") && n.ends_with(".py"));
    let format = if torchscript {
        "torchscript"
    } else if names.iter().any(|n| n.ends_with("data.pkl")) {
        "pytorch-zip"
    } else if extension == "keras" || names.contains(&"config.json") && names.contains(&"metadata.json") {
        "keras"
    } else if extension == "npz" || names.iter().all(|n| n.ends_with(".npy")) {
        "numpy-zip"
    } else {
        "zip"
    };
    let parent = findings.member.clone();
    for member in &members {
        let label = match &parent {
            Some(parent) => format!("{parent}!{}", member.name),
            None => member.name.clone(),
        };
        findings.member = Some(label.clone());
        let lower = member.name.to_ascii_lowercase();
        // PyTorch's raw tensor storages (`archive/data/0`) are numbers, not pickles
        let tensor_data = lower
            .rsplit('/')
            .next()
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
            && lower.contains("/data/");
        let mut reader = match super::zip::open(source, member) {
            Ok(reader) => reader,
            Err(error) => {
                findings.push(
                    Kind::Uninspectable,
                    Level::Warning,
                    None,
                    format!("member not read: {error}"),
                );
                continue;
            }
        };
        let mut head = [0u8; 8];
        let got = read_up_to(&mut reader, &mut head)?;
        let head = &head[..got];
        let encrypted = member.flags & 1 != 0;
        let chained = head.chain_reader(reader);
        if lower.ends_with("config.json") && format == "keras" {
            keras_config(chained, findings)?;
        } else if head.starts_with(b"PK\x03\x04") {
            if depth + 1 >= DEPTH {
                findings.push(
                    Kind::Uninspectable,
                    Level::Warning,
                    None,
                    "an archive nested too deep is not opened".into(),
                );
                continue;
            }
            let mut bytes = Vec::new();
            chained.take(NESTED + 1).read_to_end(&mut bytes)?;
            if bytes.len() as u64 > NESTED {
                findings.push(
                    Kind::Uninspectable,
                    Level::Warning,
                    None,
                    "a nested archive over 256 MiB is not opened".into(),
                );
                continue;
            }
            let length = bytes.len() as u64;
            scan(&mut std::io::Cursor::new(bytes), length, "", findings, depth + 1)?;
        } else if lower.ends_with(".npy") || head.starts_with(b"\x93NUMPY") {
            let mut bytes = BufReader::new(chained);
            numpy_stream(&mut bytes, findings)?;
        } else if lower.ends_with(".pkl")
            || lower.ends_with(".pickle")
            || (!tensor_data
                && head.first() == Some(&0x80)
                && head.get(1).is_some_and(|p| (2..=5).contains(p)))
        {
            let report = super::pickle::scan(BufReader::with_capacity(1 << 16, chained));
            if encrypted && report.imports.is_empty() && !report.problems.is_empty() {
                findings.push(
                    Kind::Uninspectable,
                    Level::Warning,
                    None,
                    "an encrypted member cannot be inspected".into(),
                );
            } else {
                let named = lower.ends_with(".pkl") || lower.ends_with(".pickle");
                findings.pickle(&report, named);
            }
        } else if encrypted {
            findings.push(
                Kind::Uninspectable,
                Level::Warning,
                None,
                "an encrypted member cannot be inspected".into(),
            );
        }
    }
    findings.member = parent;
    if torchscript {
        findings.push(
            Kind::Uninspectable,
            Level::Warning,
            None,
            "a TorchScript archive: its code/ members are programs that `torch.jit.load` compiles and runs; aitrust scanned its pickles but does not analyse TorchScript code".into(),
        );
    }
    Ok(format.into())
}

fn read_up_to<R: Read>(reader: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error)
                if error.kind() == std::io::ErrorKind::InvalidInput
                    || error.kind() == std::io::ErrorKind::InvalidData =>
            {
                break;
            }
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

trait ChainReader<'a> {
    fn chain_reader<R: Read + 'a>(self, rest: R) -> Box<dyn Read + 'a>;
}

impl<'a> ChainReader<'a> for &'a [u8] {
    fn chain_reader<R: Read + 'a>(self, rest: R) -> Box<dyn Read + 'a> {
        Box::new(self.chain(rest))
    }
}

/// A `.npy` header: a Python dict literal. An object dtype (`'O'`, `|O`) means the data is a pickle.
fn numpy<S: Source>(source: &mut S, findings: &mut Findings<'_>) -> std::io::Result<()> {
    let mut reader = BufReader::new(source);
    numpy_stream(&mut reader, findings)
}

fn numpy_stream<R: BufRead>(reader: &mut R, findings: &mut Findings<'_>) -> std::io::Result<()> {
    let mut magic = [0u8; 8];
    if read_up_to(reader, &mut magic)? < 8 || &magic[..6] != b"\x93NUMPY" {
        findings.push(
            Kind::Malformed,
            Level::Error,
            Some(0),
            "not a NumPy file (no \\x93NUMPY magic)".into(),
        );
        return Ok(());
    }
    let header_len = match magic[6] {
        1 => {
            let mut b = [0u8; 2];
            reader.read_exact(&mut b)?;
            u64::from(u16::from_le_bytes(b))
        }
        2 | 3 => {
            let mut b = [0u8; 4];
            reader.read_exact(&mut b)?;
            u64::from(u32::from_le_bytes(b))
        }
        version => {
            findings.push(
                Kind::Malformed,
                Level::Error,
                Some(6),
                format!("NumPy format version {version} does not exist"),
            );
            return Ok(());
        }
    };
    if header_len > HEADER {
        findings.push(
            Kind::Malformed,
            Level::Error,
            Some(8),
            "the NumPy header is implausibly long".into(),
        );
        return Ok(());
    }
    let mut header = Vec::new();
    reader.take(header_len).read_to_end(&mut header)?;
    let header = String::from_utf8_lossy(&header);
    let descr = header
        .split("'descr':")
        .nth(1)
        .map(|rest| rest.trim_start().chars().take(16).collect::<String>())
        .unwrap_or_default();
    let object = descr.starts_with("'|O'")
        || descr.starts_with("'O'")
        || descr.starts_with("\"|O\"")
        || header.contains("'descr': [") && header.contains("'O'");
    if object {
        // the data is a pickle of the array's objects
        let report = super::pickle::scan(reader);
        findings.pickle(&report, true);
    }
    Ok(())
}

/// safetensors: 8-byte little-endian header length, a JSON object of `name: {dtype, shape, data_offsets}` and
/// an optional `__metadata__` of strings, then the tensors' bytes. Checked: the length fits the file, the JSON
/// parses with no duplicate keys, dtypes are the format's, shape × dtype size = the offsets' span, offsets are
/// in bounds, contiguous from 0 without overlap or gap and end at the file's end, metadata holds strings only.
/// (The safetensors crate validates the same at load time; aitrust reads only the header, so a 10 GB file costs
/// the header's size.)
fn safetensors<S: Source>(source: &mut S, length: u64, findings: &mut Findings<'_>) -> std::io::Result<()> {
    let mut bad = |offset: u64, what: String| {
        findings.push(
            Kind::Malformed,
            Level::Error,
            Some(offset),
            format!("invalid safetensors: {what}"),
        )
    };
    let mut len = [0u8; 8];
    source.seek(SeekFrom::Start(0))?;
    if read_up_to(source, &mut len)? < 8 {
        bad(0, "shorter than its 8-byte header length".into());
        return Ok(());
    }
    let n = u64::from_le_bytes(len);
    if n > HEADER || n.checked_add(8).is_none_or(|end| end > length) {
        bad(
            0,
            format!("the header length {n} does not fit the file ({length} bytes)"),
        );
        return Ok(());
    }
    let mut header = Vec::new();
    (&mut *source).take(n).read_to_end(&mut header)?;
    let text = match std::str::from_utf8(&header) {
        Ok(text) => text.trim_end_matches(' '),
        Err(_) => {
            bad(8, "the header is not UTF-8".into());
            return Ok(());
        }
    };
    // duplicate keys: serde_json keeps the last silently, so count them with a streaming map visitor
    let parsed: Result<DistinctMap, _> = serde_json::from_str(text);
    let map = match parsed {
        Ok(DistinctMap(Some(map))) => map,
        Ok(DistinctMap(None)) => {
            bad(8, "the header repeats a key".into());
            return Ok(());
        }
        Err(error) => {
            bad(8, format!("the header is not a JSON object: {error}"));
            return Ok(());
        }
    };
    let data_len = length - 8 - n;
    let mut spans = Vec::new();
    for (name, value) in &map {
        if name == "__metadata__" {
            if !value
                .as_object()
                .is_some_and(|m| m.values().all(serde_json::Value::is_string))
            {
                bad(8, "__metadata__ must map strings to strings".into());
            }
            continue;
        }
        let size = match value["dtype"].as_str() {
            Some("BOOL" | "U8" | "I8" | "F8_E5M2" | "F8_E4M3") => 1u64,
            Some("I16" | "U16" | "F16" | "BF16") => 2,
            Some("I32" | "U32" | "F32") => 4,
            Some("I64" | "U64" | "F64") => 8,
            other => {
                bad(
                    8,
                    format!("tensor {name:?} has dtype {other:?}, which the format does not define"),
                );
                continue;
            }
        };
        let shape: Option<Vec<u64>> = value["shape"]
            .as_array()
            .and_then(|s| s.iter().map(serde_json::Value::as_u64).collect());
        let offsets: Option<Vec<u64>> = value["data_offsets"]
            .as_array()
            .and_then(|s| s.iter().map(serde_json::Value::as_u64).collect());
        let (Some(shape), Some(offsets)) = (shape, offsets) else {
            bad(
                8,
                format!("tensor {name:?} lacks a shape or data_offsets of integers"),
            );
            continue;
        };
        if offsets.len() != 2 || offsets[0] > offsets[1] || offsets[1] > data_len {
            bad(
                8,
                format!("tensor {name:?} has data_offsets {offsets:?} outside the {data_len} data bytes"),
            );
            continue;
        }
        let elements = shape.iter().try_fold(1u64, |acc, d| acc.checked_mul(*d));
        if elements.and_then(|e| e.checked_mul(size)) != Some(offsets[1] - offsets[0]) {
            bad(
                8,
                format!(
                    "tensor {name:?}: shape {shape:?} × {size} bytes is not its {} bytes",
                    offsets[1] - offsets[0]
                ),
            );
            continue;
        }
        spans.push((offsets[0], offsets[1], name.clone()));
    }
    spans.sort();
    let mut end = 0;
    for (start, stop, name) in &spans {
        if *start != end {
            bad(
                8,
                format!(
                    "tensor {name:?} starts at {start}, not where the previous one ended ({end}): a gap or an overlap"
                ),
            );
        }
        end = *stop;
    }
    if end != data_len {
        bad(
            8,
            format!("the tensors cover {end} bytes, but {data_len} bytes follow the header"),
        );
    }
    if !findings.issues.iter().any(|i| i.kind == Kind::Malformed) {
        findings.push(
            Kind::SafeFormat,
            Level::Note,
            None,
            format!(
                "safetensors with {} tensors: data only, nothing runs when it loads",
                spans.len()
            ),
        );
    }
    Ok(())
}

/// A JSON object whose keys are distinct (`None` when one repeats).
struct DistinctMap(Option<serde_json::Map<String, serde_json::Value>>);

impl<'de> serde::Deserialize<'de> for DistinctMap {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = DistinctMap;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<DistinctMap, A::Error> {
                let mut map = serde_json::Map::new();
                let mut repeated = false;
                while let Some((key, value)) = access.next_entry::<String, serde_json::Value>()? {
                    repeated |= map.insert(key, value).is_some();
                }
                Ok(DistinctMap((!repeated).then_some(map)))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// Jinja constructs that reach Python internals from a chat template (CVE-2024-34359 and its relatives: the
/// template renderer of llama-cpp-python and others ran GGUF templates unsandboxed).
const TEMPLATE_INJECTION: &[&str] = &[
    "__class__",
    "__subclasses__",
    "__globals__",
    "__builtins__",
    "__import__",
    "__init__",
    "__mro__",
    "__base__",
    "__dict__",
    "__getattribute__",
    "__code__",
    "__reduce__",
    "os.popen",
    "os.system",
    "subprocess",
    "popen(",
    "eval(",
    "exec(",
    "lipsum",
    "cycler",
    "joiner",
    "self._TemplateReference__context",
    "request.application",
    "config.items",
    "url_for",
    "get_flashed_messages",
    "attr('__",
];

fn template_issues(template: &str, findings: &mut Findings<'_>, key: &str) {
    let compact: String = template
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let found: Vec<&str> = TEMPLATE_INJECTION
        .iter()
        .filter(|p| compact.contains(&p.to_ascii_lowercase().replace(' ', "")))
        .copied()
        .collect();
    if !found.is_empty() {
        findings.push(
            Kind::Code,
            Level::Error,
            None,
            format!(
                "the {key} reaches Python internals ({}): a template-injection payload (CVE-2024-34359)",
                found.join(", ")
            ),
        );
    }
}

/// GGUF (versions 1–3): magic, version, tensor and metadata counts, then typed key/value pairs. Checked: the
/// header's structure, bounded counts and lengths, and every string value whose key is a chat template.
/// Why a GGUF file's metadata could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GgufError {
    /// Not GGUF, or a version that does not exist.
    Version(u32),
    /// The metadata is malformed: what is wrong.
    Metadata(String),
}

/// The string-valued metadata of a GGUF file in file order (`general.name`, `general.license`,
/// `general.base_model.0.repo_url`, `tokenizer.chat_template`, …), read from its header only: arrays and
/// numbers are skipped, every length is checked against the file's `length` before anything is read.
pub fn gguf_strings<R: Read>(reader: &mut R, length: u64) -> Result<Vec<(String, String)>, GgufError> {
    let mut header = [0u8; 8];
    reader
        .read_exact(&mut header)
        .map_err(|_| GgufError::Metadata("truncated header".into()))?;
    let version = u32::from_le_bytes(header[4..8].try_into().unwrap_or_default());
    if &header[..4] != b"GGUF" || !(1..=3).contains(&version) {
        return Err(GgufError::Version(version));
    }
    let wide = version >= 2;
    let count = |r: &mut R| -> Result<u64, GgufError> {
        let truncated = |_| GgufError::Metadata("truncated header".into());
        if wide {
            let mut b = [0u8; 8];
            r.read_exact(&mut b).map_err(truncated)?;
            Ok(u64::from_le_bytes(b))
        } else {
            let mut b = [0u8; 4];
            r.read_exact(&mut b).map_err(truncated)?;
            Ok(u64::from(u32::from_le_bytes(b)))
        }
    };
    let tensors = count(reader)?;
    let entries = count(reader)?;
    if tensors > length / 8 || entries > length / 8 {
        return Err(GgufError::Metadata(format!(
            "{tensors} tensors and {entries} metadata entries cannot fit {length} bytes"
        )));
    }
    let mut strings = Vec::new();
    for _ in 0..entries {
        let key = gguf_string(reader, wide, length).map_err(GgufError::Metadata)?;
        let kind = read_u32(reader).map_err(GgufError::Metadata)?;
        if let Some(value) = gguf_value(reader, kind, wide, length, 0).map_err(GgufError::Metadata)? {
            strings.push((key, value));
        }
    }
    Ok(strings)
}

fn gguf<S: Source>(source: &mut S, length: u64, findings: &mut Findings<'_>) -> std::io::Result<()> {
    source.seek(SeekFrom::Start(0))?;
    let mut reader = BufReader::new(source);
    match gguf_strings(&mut reader, length) {
        Err(GgufError::Version(version)) => findings.push(
            Kind::Malformed,
            Level::Error,
            Some(4),
            format!("GGUF version {version} does not exist"),
        ),
        Err(GgufError::Metadata(what)) => findings.push(
            Kind::Malformed,
            Level::Error,
            None,
            format!("invalid GGUF metadata: {what}"),
        ),
        Ok(strings) => {
            for (key, text) in &strings {
                if key.contains("chat_template") {
                    template_issues(text, findings, key);
                }
            }
            if !findings.issues.iter().any(|i| i.level == Level::Error) {
                findings.push(
                    Kind::SafeFormat,
                    Level::Note,
                    None,
                    "GGUF: tensors and metadata only; its chat templates hold nothing that reaches Python internals"
                        .into(),
                );
            }
        }
    }
    Ok(())
}

fn read_u32<R: Read>(reader: &mut R) -> Result<u32, String> {
    let mut b = [0u8; 4];
    reader
        .read_exact(&mut b)
        .map_err(|_| "truncated metadata".to_string())?;
    Ok(u32::from_le_bytes(b))
}

fn gguf_string<R: Read>(reader: &mut R, wide: bool, length: u64) -> Result<String, String> {
    let n = if wide {
        let mut b = [0u8; 8];
        reader
            .read_exact(&mut b)
            .map_err(|_| "truncated metadata".to_string())?;
        u64::from_le_bytes(b)
    } else {
        u64::from(read_u32(reader)?)
    };
    if n > length || n > HEADER {
        return Err(format!("a string of {n} bytes cannot fit the file"));
    }
    let mut bytes = Vec::new();
    reader
        .take(n)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 != n {
        return Err("truncated metadata".into());
    }
    String::from_utf8(bytes).map_err(|_| "a metadata string is not UTF-8".to_string())
}

/// Reads one typed value; returns it when it is a string.
fn gguf_value<R: Read>(
    reader: &mut R,
    kind: u32,
    wide: bool,
    length: u64,
    depth: usize,
) -> Result<Option<String>, String> {
    let skip = |reader: &mut R, n: u64| -> Result<Option<String>, String> {
        let copied = std::io::copy(&mut reader.take(n), &mut std::io::sink()).map_err(|e| e.to_string())?;
        if copied == n {
            Ok(None)
        } else {
            Err("truncated metadata".into())
        }
    };
    match kind {
        0 | 1 | 7 => skip(reader, 1),
        2 | 3 => skip(reader, 2),
        4..=6 => skip(reader, 4),
        10..=12 => skip(reader, 8),
        8 => gguf_string(reader, wide, length).map(Some),
        9 => {
            if depth > 2 {
                return Err("arrays nested too deep".into());
            }
            let inner = read_u32(reader)?;
            let n = if wide {
                let mut b = [0u8; 8];
                reader
                    .read_exact(&mut b)
                    .map_err(|_| "truncated metadata".to_string())?;
                u64::from_le_bytes(b)
            } else {
                u64::from(read_u32(reader)?)
            };
            if n > length {
                return Err(format!("an array of {n} items cannot fit the file"));
            }
            for _ in 0..n {
                gguf_value(reader, inner, wide, length, depth + 1)?;
            }
            Ok(None)
        }
        other => Err(format!("metadata value type {other} does not exist")),
    }
}

/// Keras 3 `.keras` config: a Lambda layer carries Python code; a `module` outside keras, or a registered
/// custom object, names code the loader imports.
fn keras_config<R: Read>(reader: R, findings: &mut Findings<'_>) -> std::io::Result<()> {
    let mut text = Vec::new();
    reader.take(HEADER).read_to_end(&mut text)?;
    let config: serde_json::Value = match serde_json::from_slice(&text) {
        Ok(config) => config,
        Err(error) => {
            findings.push(
                Kind::Malformed,
                Level::Error,
                None,
                format!("config.json is not JSON: {error}"),
            );
            return Ok(());
        }
    };
    let mut stack = vec![&config];
    let mut visited = 0;
    while let Some(value) = stack.pop() {
        visited += 1;
        if visited > 1_000_000 {
            break;
        }
        match value {
            serde_json::Value::Object(map) => {
                if map.get("class_name").and_then(|c| c.as_str()) == Some("Lambda") {
                    findings.push(
                        Kind::Code,
                        Level::Error,
                        None,
                        "a Lambda layer: its function is Python bytecode that runs when the model loads"
                            .into(),
                    );
                }
                if let Some(module) = map.get("module").and_then(|m| m.as_str())
                    && !(module.starts_with("keras")
                        || module.starts_with("tensorflow")
                        || module == "builtins")
                {
                    let class = map.get("class_name").and_then(|c| c.as_str()).unwrap_or("?");
                    findings.push(Kind::Unknown, Level::Warning, None, format!("layer or object `{class}` comes from module `{module}`, outside Keras: its code runs at load"));
                }
                if let Some(registered) = map.get("registered_name").and_then(|r| r.as_str())
                    && registered.contains('>')
                {
                    findings.push(
                        Kind::Unknown,
                        Level::Warning,
                        None,
                        format!("custom object `{registered}`: code registered outside Keras runs at load"),
                    );
                }
                stack.extend(map.values());
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    Ok(())
}

/// Legacy Keras HDF5: aitrust does not parse HDF5; it searches the file's bytes for the model configuration's
/// Lambda layers (the JSON attribute is stored as plain bytes), and says that the rest was not inspected.
fn hdf5<S: Source>(source: &mut S, findings: &mut Findings<'_>) -> std::io::Result<()> {
    source.seek(SeekFrom::Start(0))?;
    let mut reader = BufReader::with_capacity(1 << 16, source);
    let needles: [&[u8]; 2] = [b"\"class_name\": \"Lambda\"", b"\"class_name\":\"Lambda\""];
    let mut carry: Vec<u8> = Vec::new();
    let mut found = false;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let mut window = std::mem::take(&mut carry);
        window.extend_from_slice(buf);
        let n = buf.len();
        reader.consume(n);
        if needles
            .iter()
            .any(|needle| window.windows(needle.len()).any(|w| w == *needle))
        {
            found = true;
            break;
        }
        let keep = window.len().min(32);
        carry = window[window.len() - keep..].to_vec();
    }
    if found {
        findings.push(Kind::Code, Level::Error, None, "a Keras Lambda layer in the HDF5 model config: its function is Python bytecode that runs when the model loads".into());
    } else {
        findings.push(Kind::Uninspectable, Level::Warning, None, "HDF5 is not parsed by aitrust: no Lambda layer appears in its bytes, but custom objects and compressed attributes were not inspected".into());
    }
    Ok(())
}

/// 7z: aitrust does not decompress LZMA; the packed streams right after the 32-byte signature header are read
/// when they are stored (LZMA2's uncompressed chunks, control byte 1 or 2 and a 16-bit size) and scanned as a
/// pickle, and anything else is reported as not inspected.
fn seven_zip<S: Source>(source: &mut S, findings: &mut Findings<'_>) -> std::io::Result<()> {
    source.seek(SeekFrom::Start(32))?;
    let mut stored = Vec::new();
    loop {
        let mut control = [0u8; 3];
        if read_up_to(source, &mut control)? < 3 || !matches!(control[0], 1 | 2) {
            break;
        }
        let size = u64::from(u16::from_be_bytes([control[1], control[2]])) + 1;
        let before = stored.len();
        (&mut *source).take(size).read_to_end(&mut stored)?;
        if (stored.len() - before) as u64 != size || stored.len() as u64 > NESTED {
            break;
        }
    }
    if stored.first() == Some(&0x80) {
        let report = super::pickle::scan(&stored[..]);
        findings.member = Some("(7z stored stream)".into());
        findings.pickle(&report, false);
        findings.member = None;
        if !report.imports.is_empty() || report.pickles > 0 {
            return Ok(());
        }
    }
    findings.push(
        Kind::Uninspectable,
        Level::Warning,
        None,
        "a 7z archive: aitrust does not decompress LZMA, so its compressed members were not inspected".into(),
    );
    Ok(())
}

/// tar (PyTorch's legacy `torch.save` tar format: `pickle`, `storages`, `tensors`): every member that is a pickle.
fn tar<S: Source>(
    source: &mut S,
    length: u64,
    findings: &mut Findings<'_>,
    depth: usize,
) -> std::io::Result<()> {
    let mut at = 0u64;
    while at + 512 <= length {
        let header = {
            source.seek(SeekFrom::Start(at))?;
            let mut h = [0u8; 512];
            source.read_exact(&mut h)?;
            h
        };
        if header.iter().all(|b| *b == 0) {
            break;
        }
        let name = String::from_utf8_lossy(&header[..100])
            .trim_end_matches('\0')
            .to_string();
        let size_text = String::from_utf8_lossy(&header[124..136])
            .trim_matches(|c: char| c == '\0' || c == ' ')
            .to_string();
        let Ok(size) = u64::from_str_radix(&size_text, 8) else {
            findings.push(
                Kind::Malformed,
                Level::Error,
                Some(at),
                format!("tar member {name:?} has no valid size"),
            );
            break;
        };
        let data = at + 512;
        if data.checked_add(size).is_none_or(|end| end > length) {
            findings.push(
                Kind::Malformed,
                Level::Error,
                Some(at),
                format!("tar member {name:?} runs past the end of the file"),
            );
            break;
        }
        let kind = header[156];
        if matches!(kind, 0 | b'0') && depth < DEPTH {
            source.seek(SeekFrom::Start(data))?;
            let head = peek(source, 2)?;
            if head.first() == Some(&0x80) || name.ends_with("pickle") || name.ends_with(".pkl") {
                let parent = findings.member.replace(name.clone());
                let report = super::pickle::scan(BufReader::new((&mut *source).take(size)));
                findings.pickle(&report, name.ends_with("pickle") || name.ends_with(".pkl"));
                findings.member = parent;
            }
        }
        at = data + size.div_ceil(512) * 512;
    }
    Ok(())
}

/// One protobuf field: its number and, for a length-delimited one, its bytes; `Err` when the wire is broken.
type Field<'a> = Result<(u64, Option<&'a [u8]>), ()>;

/// A minimal reader of protobuf's wire format (varints, length-delimited fields), enough for ONNX's ModelProto.
struct Wire<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Wire<'a> {
    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    /// The next field: its number and, for length-delimited ones, its bytes.
    fn field(&mut self) -> Option<Field<'a>> {
        if self.at >= self.bytes.len() {
            return None;
        }
        let Some(key) = self.varint() else {
            return Some(Err(()));
        };
        let (number, wire) = (key >> 3, key & 7);
        let value = match wire {
            0 => self.varint().map(|_| None),
            1 => (self.at + 8 <= self.bytes.len()).then(|| {
                self.at += 8;
                None
            }),
            2 => self.varint().and_then(|n| {
                let end = self.at.checked_add(usize::try_from(n).ok()?)?;
                let slice = self.bytes.get(self.at..end)?;
                self.at = end;
                Some(Some(slice))
            }),
            5 => (self.at + 4 <= self.bytes.len()).then(|| {
                self.at += 4;
                None
            }),
            _ => None,
        };
        Some(value.map(|v| (number, v)).ok_or(()))
    }
}

/// ONNX: tensors whose data lives in external files name them by `location`; one that is absolute or climbs
/// out of the model's directory makes the loader read (or, on save, write) anywhere. Operators of custom
/// domains need code that ships elsewhere.
fn onnx<S: Source>(source: &mut S, length: u64, findings: &mut Findings<'_>) -> std::io::Result<()> {
    if length > 2 << 30 {
        findings.push(
            Kind::Uninspectable,
            Level::Warning,
            None,
            "an ONNX file over 2 GiB (protobuf's limit) was not parsed".into(),
        );
        return Ok(());
    }
    source.seek(SeekFrom::Start(0))?;
    let mut bytes = Vec::new();
    source.read_to_end(&mut bytes)?;
    let mut problems = Vec::new();
    let mut locations = Vec::new();
    let mut domains = Vec::new();
    // ModelProto: 7 graph, 8 opset_import (OperatorSetIdProto: 1 domain), 14 functions
    let mut model = Wire { bytes: &bytes, at: 0 };
    let mut graphs = Vec::new();
    while let Some(field) = model.field() {
        match field {
            Ok((7, Some(graph))) => graphs.push(graph),
            Ok((8, Some(opset))) => {
                let mut w = Wire { bytes: opset, at: 0 };
                while let Some(Ok((number, value))) = w.field() {
                    if number == 1
                        && let Some(domain) = value
                    {
                        domains.push(String::from_utf8_lossy(domain).into_owned());
                    }
                }
            }
            Ok(_) => {}
            Err(()) => {
                problems.push("not a valid ONNX protobuf".to_string());
                break;
            }
        }
    }
    // GraphProto: 1 node (NodeProto: 7 domain; 5 attribute → AttributeProto 6 g, 11 graphs), 5 initializer
    // (TensorProto: 13 external_data → StringStringEntryProto 1 key, 2 value), 15 sparse_initializer
    let mut seen = 0;
    while let Some(graph) = graphs.pop() {
        seen += 1;
        if seen > 10_000 {
            break;
        }
        let mut w = Wire { bytes: graph, at: 0 };
        while let Some(Ok((number, value))) = w.field() {
            let Some(value) = value else { continue };
            match number {
                5 => tensor_locations(value, &mut locations),
                1 => {
                    let mut node = Wire { bytes: value, at: 0 };
                    while let Some(Ok((n, v))) = node.field() {
                        match (n, v) {
                            (7, Some(domain)) => domains.push(String::from_utf8_lossy(domain).into_owned()),
                            (5, Some(attribute)) => {
                                let mut a = Wire {
                                    bytes: attribute,
                                    at: 0,
                                };
                                while let Some(Ok((an, av))) = a.field() {
                                    if let (6 | 11, Some(sub)) = (an, av) {
                                        graphs.push(sub);
                                    }
                                    if let (5, Some(tensor)) = (an, av) {
                                        tensor_locations(tensor, &mut locations);
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
    }
    for problem in problems {
        findings.push(Kind::Malformed, Level::Error, None, problem);
    }
    for location in &locations {
        let path = std::path::Path::new(location);
        let escapes = path.is_absolute()
            || location.contains('\\')
            || path.components().any(|c| {
                matches!(
                    c,
                    std::path::Component::ParentDir | std::path::Component::Prefix(_)
                )
            });
        if escapes {
            findings.push(
                Kind::Escape,
                Level::Error,
                None,
                format!("external data location {location:?} leaves the model's directory"),
            );
        }
    }
    domains.sort();
    domains.dedup();
    for domain in domains.iter().filter(|d| {
        !d.is_empty()
            && *d != "ai.onnx"
            && *d != "ai.onnx.ml"
            && *d != "ai.onnx.training"
            && *d != "ai.onnx.preview.training"
            && *d != "com.microsoft"
    }) {
        findings.push(
            Kind::Unknown,
            Level::Warning,
            None,
            format!("operators of the custom domain {domain:?} need code that is not in the model"),
        );
    }
    if !findings.issues.iter().any(|i| i.level >= Level::Warning) {
        findings.push(
            Kind::SafeFormat,
            Level::Note,
            None,
            format!(
                "ONNX: a graph of standard operators ({} external data files, all inside its directory)",
                locations.len()
            ),
        );
    }
    Ok(())
}

fn tensor_locations(tensor: &[u8], out: &mut Vec<String>) {
    let mut t = Wire { bytes: tensor, at: 0 };
    while let Some(Ok((number, value))) = t.field() {
        if let (13, Some(entry)) = (number, value) {
            let mut e = Wire { bytes: entry, at: 0 };
            let mut key = None;
            let mut val = None;
            while let Some(Ok((n, v))) = e.field() {
                match (n, v) {
                    (1, Some(k)) => key = Some(String::from_utf8_lossy(k).into_owned()),
                    (2, Some(v)) => val = Some(String::from_utf8_lossy(v).into_owned()),
                    _ => {}
                }
            }
            if key.as_deref() == Some("location")
                && let Some(location) = val
            {
                out.push(location);
            }
        }
    }
}
