//! A model card from the Hub: its front matter, and the license strings it carries through normalisation.
#![no_main]

use aitrust::license::{self, kb::KnowledgeBase};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let kb = KnowledgeBase::embedded();
    // the raw text as a license string too: the manifest, cards and `licenses.allow` all reach normalize
    let _ = license::normalize::normalize(text, kb);
    let _ = license::canonical_or_given(text);
    if let Ok(Some(card)) = aitrust::bom::card::parse(text) {
        for given in card.license.iter().chain(card.license_name.iter()) {
            let _ = license::normalize::normalize(given, kb);
            let _ = license::canonical_or_given(given);
        }
    }
});
