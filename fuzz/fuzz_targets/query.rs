//! The query parser on any string: it parses or refuses with a message, and a parsed query
//! written back (`Display`) parses to the same query.
#![no_main]

use citedex::search::query::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    match parse(input) {
        Ok(q) => {
            let written = q.to_string();
            assert_eq!(parse(&written).as_ref(), Ok(&q), "{input:?} written as {written:?}");
        }
        Err(e) => assert!(!e.0.is_empty() && !e.0.contains('\n'), "one line: {e:?}"),
    }
});
