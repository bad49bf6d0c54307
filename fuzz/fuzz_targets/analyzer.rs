//! The analyzer on any text: terms come in order, each naming a range of the input on
//! character boundaries; the words behind them too.
#![no_main]

use citedex::analysis::{analyze, each_word};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let mut last = 0;
    for (i, t) in analyze(text).iter().enumerate() {
        assert!(t.from <= t.to && t.to <= text.len(), "{t:?}");
        assert!(text.is_char_boundary(t.from) && text.is_char_boundary(t.to), "{t:?}");
        assert!(!t.text.is_empty(), "{t:?}");
        assert!(t.position >= last || i == 0, "positions go forward: {t:?}");
        last = t.position;
    }
    each_word(text, |from, to, word| {
        assert!(from <= to && to <= text.len());
        assert_eq!(&text[from..to], word, "a word is its range");
    });
});
