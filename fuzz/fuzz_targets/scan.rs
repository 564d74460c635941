//! The serialization scanner on any bytes, under every extension it treats differently: it must never panic,
//! hang or grow without bound, whatever a publisher's file holds.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = aitrust::scan::Options::default();
    for name in ["model.pkl", "model.safetensors", "model.onnx", "model.bin", "archive.zip"] {
        let path = common::put(name, data);
        let _ = aitrust::scan::scan_file(&path, &options);
    }
    // the pickle machine over the bytes directly
    let _ = aitrust::scan::pickle::scan(data);
});
