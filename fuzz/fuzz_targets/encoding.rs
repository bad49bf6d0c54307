//! Bytes of any encoding into text, then the reader citedex picks for them: UTF-8 comes
//! through unchanged, what decodes is read and maps back to the decoded text.
#![no_main]

use citedex::corpus::decode;
use citedex::passage::{DEFAULT_MAX_WORDS, read_and_check};
use citedex::source::format_for;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|bytes: &[u8]| {
    let Ok(loaded) = decode(bytes.to_vec()) else { return };
    let bom = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if let (Ok(utf8), false) = (std::str::from_utf8(bytes), bom) {
        assert_eq!(loaded.text, utf8, "UTF-8 must come through unchanged");
        assert_eq!(loaded.decoded_from, None);
    }
    for name in ["fuzz.txt", "fuzz.wiki", "fuzz.md", "fuzz.bib"] {
        let path = Path::new("corpus").join(name);
        let format = format_for(&path, &loaded.text);
        if let Err(broken) = read_and_check(format, &loaded.text, &path.to_string_lossy(), DEFAULT_MAX_WORDS) {
            panic!("{}: {broken}", format.name());
        }
    }
});
