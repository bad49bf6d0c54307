//! The inline-citation finder on any paragraph: citations come in order, without overlap,
//! each a range of the paragraph on character boundaries that holds the citation's text.
#![no_main]

use citedex::cite::inline::find;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|paragraph: &str| {
    let found = find(paragraph);
    let mut last_end = 0;
    for c in &found {
        assert!(last_end <= c.start && c.start <= c.end && c.end <= paragraph.len(), "{c:?}");
        assert!(paragraph.is_char_boundary(c.start) && paragraph.is_char_boundary(c.end), "{c:?}");
        assert!(paragraph[c.start..c.end].contains(c.raw.as_str()), "{c:?} is not its range");
        last_end = c.end;
    }
});
