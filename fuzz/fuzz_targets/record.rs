//! A passage's stored record (`index::record`): any bytes decode to a passage or an error,
//! never a panic; and every passage a reader makes of the input, encoded, decodes to itself.
#![no_main]

use citedex::index::record::{decode, encode};
use citedex::passage::{DEFAULT_MAX_WORDS, read_and_check};
use citedex::source::format_for;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|bytes: &[u8]| {
    let _ = decode(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    for name in ["fuzz.wiki", "fuzz.md", "fuzz.bib"] {
        let path = Path::new("corpus").join(name);
        let format = format_for(&path, text);
        let Ok(passages) = read_and_check(format, text, &path.to_string_lossy(), DEFAULT_MAX_WORDS) else { return };
        for p in passages {
            let mut q = p.clone();
            let record = encode(&mut q).expect("a passage encodes");
            assert_eq!(decode(&record).as_ref(), Ok(&p), "{name}: a record reads back as written");
        }
    }
});
