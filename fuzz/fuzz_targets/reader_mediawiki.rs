//! The MediaWiki reader on any text: every passage maps back to the input exactly
//! (`citedex::passage::check_maps_back`), with short and default passage lengths.
#![no_main]

use citedex::passage::{DEFAULT_MAX_WORDS, read_and_check};
use citedex::source::MediaWiki;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for max_words in [8, DEFAULT_MAX_WORDS] {
        if let Err(broken) = read_and_check(&MediaWiki, text, "corpus/fuzz.wiki", max_words) {
            panic!("{broken}");
        }
    }
});
