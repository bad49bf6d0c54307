//! One bibliography entry in any shape: parsing is deterministic, needs no previous entry
//! to succeed, and the reference survives the JSON the index stores it as.
#![no_main]

use citedex::cite::bibliography::{Reference, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &str| {
    let first = parse(raw, None);
    assert_eq!(parse(raw, None), first, "parsing must be deterministic");
    // A ditto entry (`———. Title`) takes its authors from the entry above.
    let next = parse(raw, Some(&first));
    for r in [&first, &next] {
        let json = serde_json::to_string(r).expect("a reference is JSON");
        let back: Reference = serde_json::from_str(&json).expect("stored references read back");
        assert_eq!(&back, r);
        if let Some(year) = r.year {
            assert!(r.years.contains(&year), "the year is one of the years given");
        }
    }
});
