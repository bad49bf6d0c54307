//! The analyzer: how text becomes index terms, the same way at index and at query time.
//!
//! - words are found by UAX #29 word boundaries (unicode-segmentation); punctuation is dropped,
//!   so `Russo-Japanese` and `1904-05` give two terms each, matched together as a phrase;
//! - every term is lowercased; compatibility forms are folded (NFKC: full-width `ＧＨＱ` is
//!   `ghq`, `１９４５` is `1945`); Latin letters lose their diacritics (`Jutarō` → `jutaro`),
//!   and Cyrillic `ё` becomes `е`;
//! - words are stemmed by their document's language, with its Snowball stemmer (German,
//!   French, Spanish, Swedish, Greek, … see [`Lang`]) for the words written in its script;
//!   the other words, and those of documents in English, Russian or a language of unknown
//!   stemming, by their script: Snowball English for Latin, Snowball Russian for Cyrillic.
//!   Languages Snowball has no stemmer for (Polish, Ukrainian, Czech, …) keep their words
//!   whole. The index is told a passage's language by [`tagged`]; a query, whose language is
//!   unknown, looks for the stems of every language the index holds ([`variants`]);
//! - Han, Hiragana and Katakana, written without spaces, give overlapping bigrams (a lone
//!   character gives itself), so a query of several characters matches exactly that run as a
//!   phrase; a one-character query looks for the bigrams that hold the character.
//!
//! [`CitedexTokenizer`] plugs this into tantivy; [`analyze`] is used directly by snippets.

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::LazyLock;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation;

/// Name under which the analyzer is registered in the index.
pub const ANALYZER: &str = "citedex";

/// The same analyzer for fields whose values repeat from one passage to the next (title,
/// section headings): it remembers the last values it analyzed on its thread.
pub const REPEATED_ANALYZER: &str = "citedex-repeated";

/// Words longer than this (in bytes) are not indexed.
pub(crate) const MAX_WORD_BYTES: usize = 80;

static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));
static RUSSIAN: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Russian));

/// The scripts a stemmer is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Greek,
    Arabic,
    Tamil,
}

/// The script of a folded word: that of its first letter of a known script.
fn script_of(word: &str) -> Option<Script> {
    word.chars().find_map(|c| match c as u32 {
        _ if c.is_ascii_alphabetic() || is_latin(c) => Some(Script::Latin),
        0x0400..=0x052F => Some(Script::Cyrillic),
        0x0370..=0x03FF | 0x1F00..=0x1FFF => Some(Script::Greek),
        0x0600..=0x06FF | 0x0750..=0x077F => Some(Script::Arabic),
        0x0B80..=0x0BFF => Some(Script::Tamil),
        _ => None,
    })
}

/// A language with its own stemming: its ISO 639-1 code, its script, and its Snowball
/// stemmer (None: Snowball has none, and its words are kept whole).
struct Language {
    code: &'static str,
    script: Script,
    stemmer: Option<Algorithm>,
}

const fn language(code: &'static str, script: Script, stemmer: Option<Algorithm>) -> Language {
    Language { code, script, stemmer }
}

/// The languages stemmed otherwise than by script. Entry 0 is stemming by script (English,
/// Russian, the languages written without spaces, unknown ones); the order is part of the
/// index format (a passage's language is written as its place here, see [`tagged`]).
const LANGUAGES: &[Language] = &[
    language("", Script::Latin, Some(Algorithm::English)),
    language("de", Script::Latin, Some(Algorithm::German)),
    language("fr", Script::Latin, Some(Algorithm::French)),
    language("es", Script::Latin, Some(Algorithm::Spanish)),
    language("it", Script::Latin, Some(Algorithm::Italian)),
    language("pt", Script::Latin, Some(Algorithm::Portuguese)),
    language("nl", Script::Latin, Some(Algorithm::Dutch)),
    language("sv", Script::Latin, Some(Algorithm::Swedish)),
    language("da", Script::Latin, Some(Algorithm::Danish)),
    language("nb", Script::Latin, Some(Algorithm::Norwegian)),
    language("fi", Script::Latin, Some(Algorithm::Finnish)),
    language("hu", Script::Latin, Some(Algorithm::Hungarian)),
    language("ro", Script::Latin, Some(Algorithm::Romanian)),
    language("tr", Script::Latin, Some(Algorithm::Turkish)),
    language("el", Script::Greek, Some(Algorithm::Greek)),
    language("ar", Script::Arabic, Some(Algorithm::Arabic)),
    language("ta", Script::Tamil, Some(Algorithm::Tamil)),
    language("pl", Script::Latin, None),
    language("cs", Script::Latin, None),
    language("sk", Script::Latin, None),
    language("sl", Script::Latin, None),
    language("hr", Script::Latin, None),
    language("lt", Script::Latin, None),
    language("lv", Script::Latin, None),
    language("et", Script::Latin, None),
    language("uk", Script::Cyrillic, None),
    language("be", Script::Cyrillic, None),
    language("bg", Script::Cyrillic, None),
    language("sr", Script::Cyrillic, None),
    language("mk", Script::Cyrillic, None),
];

/// How a document's words are stemmed: by its language where that differs from stemming by
/// script (see the module's documentation). `Lang::default()` is stemming by script.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(u8);

impl Lang {
    /// The stemming of a document in the language of ISO 639 code `code` (as
    /// [`detect_language`] gives it; `no`, `nn` and `nb` are Norwegian).
    pub fn of(code: &str) -> Lang {
        let code = if matches!(code, "no" | "nn") { "nb" } else { code };
        Lang(LANGUAGES.iter().position(|l| !l.code.is_empty() && l.code == code).unwrap_or(0) as u8)
    }

    /// The language's code; empty for stemming by script.
    pub fn code(self) -> &'static str {
        LANGUAGES[usize::from(self.0)].code
    }

    /// Whether this is stemming by script.
    pub fn by_script(self) -> bool {
        self.0 == 0
    }
}

/// Marks the start of a field value that says its language (see [`tagged`]): a Unicode
/// noncharacter, reserved for a program's internal use, so no text holds it.
const TAG: char = '\u{FDD0}';
/// The language's place in [`LANGUAGES`] follows the tag as this code point plus it.
const TAG_BASE: u32 = 0xE000;
/// Bytes of a tag: two three-byte characters.
const TAG_BYTES: usize = 6;

/// A field value as the index's analyzer reads it in language `lang`: the text itself for
/// stemming by script, else the text after a tag naming the language (the tokenizer reads the
/// tag and gives offsets in the text after it). Tantivy hands a tokenizer the value alone.
pub fn tagged(text: &str, lang: Lang) -> std::borrow::Cow<'_, str> {
    if lang.by_script() && !text.starts_with(TAG) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + TAG_BYTES);
    out.push(TAG);
    out.push(char::from_u32(TAG_BASE + u32::from(lang.0)).expect("a private-use code point"));
    out.push_str(text);
    out.into()
}

/// The language and the text of a field value written by [`tagged`].
fn untagged(value: &str) -> (Lang, &str) {
    let mut chars = value.chars();
    if chars.next() == Some(TAG)
        && let Some(c) = chars.next()
        && let Some(i) = (c as u32).checked_sub(TAG_BASE).filter(|&i| (i as usize) < LANGUAGES.len())
    {
        return (Lang(i as u8), &value[TAG_BYTES..]);
    }
    (Lang::default(), value)
}

/// One analyzed term with its byte range in the input and its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub from: usize,
    pub to: usize,
    pub position: usize,
}

/// Whether `c` belongs to a script written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF   // Hiragana, Katakana
        | 0x31F0..=0x31FF // Katakana phonetic extensions
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0xFF66..=0xFF9F // half-width Katakana
        | 0x20000..=0x2FFFF)
}

/// Hiragana, Katakana and their extensions, half-width Katakana.
fn is_kana(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F)
}

/// Whether `c` is a letter, told by its range for Cyrillic, Kana and CJK ideographs (where
/// `char::is_alphabetic` and `char::is_alphanumeric` agree); None for the other characters,
/// which the Unicode tables tell. The table search was 2% of a build's CPU.
fn letter_by_range(c: char) -> Option<bool> {
    match c as u32 {
        // What is no letter there (Unicode 16): Cyrillic signs, unassigned, Kana marks and
        // punctuation.
        0x0482..=0x0489 | 0x3040 | 0x3097..=0x309C | 0x30A0 | 0x30FB => Some(false),
        0x0400..=0x052F | 0x4E00..=0x9FFF => Some(true),
        _ if is_kana(c) => Some(true),
        _ => None,
    }
}

/// `char::is_alphanumeric`, without the Unicode tables for ASCII and [`letter_by_range`]'s
/// scripts.
pub fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    letter_by_range(c).unwrap_or_else(|| c.is_alphanumeric())
}

/// Whether `c` is a character without case (Kana and CJK ideographs): its lowercase is
/// itself.
pub fn is_caseless(c: char) -> bool {
    is_kana(c) || matches!(c as u32, 0x4E00..=0x9FFF)
}

fn is_latin(c: char) -> bool {
    matches!(c as u32, 0x00C0..=0x024F | 0x1E00..=0x1EFF)
}

fn is_cyrillic(c: char) -> bool {
    matches!(c as u32, 0x0400..=0x052F)
}

/// Lowercases and folds one word (no stemming). Compatibility forms are folded first (NFKC):
/// full-width `ＧＨＱ` and `１９４５` are `ghq` and `1945`, half-width `ｶﾀｶﾅ` is `カタカナ`,
/// ligatures such as `ﬁ` are `fi`.
pub fn fold(word: &str) -> String {
    // What the loop below makes of ASCII, without reading it a char at a time.
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    let compatible: String = word.nfkc().collect();
    let mut out = String::with_capacity(compatible.len());
    for c in compatible.chars().flat_map(char::to_lowercase) {
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' | 'ð' => out.push('d'),
            'þ' => out.push_str("th"),
            'ı' => out.push('i'),
            'ё' => out.push('е'),
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => out.push('\''),
            c if is_latin(c) => out.extend(c.nfd().filter(|d| !is_combining_mark(*d))),
            // Text in decomposed form: a mark after a Latin letter (`o` + macron), or the
            // diaeresis of a decomposed `ё`.
            c if is_combining_mark(c)
                && out
                    .chars()
                    .next_back()
                    .is_some_and(|p| p.is_ascii_alphabetic() || (p == 'е' && c == '\u{308}')) => {}
            c => out.push(c),
        }
    }
    out
}

/// The term of one word in a document of language `lang`.
pub fn term(word: &str, lang: Lang) -> String {
    let language = &LANGUAGES[usize::from(lang.0)];
    match script_of(word) {
        Some(script) if !lang.by_script() && script == language.script => match stemmer(lang) {
            // Stemmed before the diacritics go: Snowball's rules for French, German, Spanish …
            // read them (`-ité`, `-ación`); folded after, as every term is.
            Some(stemmer) => fold(&stemmer.stem(&lowercase(word))),
            None => fold(word),
        },
        _ => stem(&fold(word)),
    }
}

/// The word in lowercase and compatibility forms, its diacritics kept.
fn lowercase(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    word.nfkc().flat_map(char::to_lowercase).collect()
}

/// The Snowball stemmer of a language, made once.
fn stemmer(lang: Lang) -> Option<&'static Stemmer> {
    static STEMMERS: LazyLock<Vec<Option<Stemmer>>> =
        LazyLock::new(|| LANGUAGES.iter().map(|l| l.stemmer.map(Stemmer::create)).collect());
    STEMMERS[usize::from(lang.0)].as_ref()
}

/// Stems a folded word by its script.
pub fn stem(folded: &str) -> String {
    if folded.chars().any(is_cyrillic) {
        RUSSIAN.stem(folded).into_owned()
    } else if folded.chars().any(|c| c.is_ascii_alphabetic()) {
        let stemmed = ENGLISH.stem(folded);
        stemmed.trim_end_matches('\'').to_string()
    } else {
        folded.to_string()
    }
}

/// Analyzes `text` into terms, stemming by script (a query's words, text of no language).
pub fn analyze(text: &str) -> Vec<Term> {
    analyze_in(text, Lang::default())
}

/// Analyzes `text` of a document in language `lang` into terms.
pub fn analyze_in(text: &str, lang: Lang) -> Vec<Term> {
    analyze_for(text, lang, |_| true)
}

/// [`analyze_in`] for finding a query's terms in `text`: an ASCII word stemmed by script
/// whose first letter, lowercased, is not `wanted` gets an empty term, not its stem. English
/// stemming keeps a word's first letter (Snowball's Porter2 changes its ends only, and a UAX
/// #29 word never starts with the apostrophe it drops), so such a word cannot be a term that
/// starts with a wanted byte either way: positions and matches are the same, and a hit's
/// snippet skips stemming most of its words (it was three quarters of a snippet's
/// instructions) and copying them (its lowercase form was 258 allocations of a search).
pub fn analyze_for(text: &str, lang: Lang, wanted: impl Fn(u8) -> bool) -> Vec<Term> {
    let by_script = lang.by_script();
    let mut out = Vec::new();
    TERMS.with_borrow_mut(|caches| {
        let cache = caches.of(lang);
        each_word(text, |from, to, word| {
            let position = out.len();
            let unwanted = || !wanted(word.as_bytes()[0].to_ascii_lowercase()) && word.is_ascii();
            let text =
                if by_script && unwanted() { String::new() } else { cache.term(word, lang).to_string() };
            out.push(Term { text, from, to, position });
        });
    });
    out
}

/// The terms a query's `text` may have in the index: one sequence for stemming by script,
/// and one for each of `langs` whose stemming gives other terms (a query has no language, so
/// it looks for the words as each language of the index stems them). The first is always
/// stemming by script; none when the text holds no word.
pub fn variants(text: &str, langs: &[Lang]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![terms(text)];
    if out[0].is_empty() {
        return Vec::new();
    }
    for &lang in langs {
        if lang.by_script() {
            continue;
        }
        let ts: Vec<String> = analyze_in(text, lang).into_iter().map(|t| t.text).collect();
        if !out.contains(&ts) {
            out.push(ts);
        }
    }
    out
}

/// Cache of word → term: words repeat (Zipf), and folding and stemming cost more than a lookup.
/// Per thread, so the indexing threads never wait on each other; emptied when full but for
/// the words looked up again ([`TermCache::flush`]).
///
/// An open-addressing table of small slots over one byte arena holding each word followed by
/// its term: a lookup reads one slot and one stretch of the arena (a `HashMap<Box<str>, _>`
/// and a `Vec` of boxed terms read four places, each a likely cache miss: the cache was 12%
/// of a build's CPU).
#[derive(Default)]
struct TermCache {
    slots: Vec<Slot>,
    /// Every cached word followed by its term.
    arena: String,
    entries: usize,
    /// The term of a word too long to cache (none is: words have at most MAX_WORD_BYTES).
    spare: String,
}

/// A cached word: `tag` is the high half of its hash with the lowest bit set (0: empty),
/// its word starts at `at` in the arena, and its term follows it; `hit` once it has been
/// looked up again.
#[derive(Clone, Copy, Default)]
struct Slot {
    tag: u32,
    at: u32,
    word_len: u8,
    term_len: u8,
    hit: bool,
}

/// Words cached at most, before the cache is emptied; the table has twice as many slots (1.5
/// MB), and each thread has one cache per language it meets. 200 MB bench corpus, index wall
/// / CPU, means of 3 alternating runs: 65,536 words 23.01 s / 39.64 s (before look-ups were
/// prefetched), 262,144 words 23.36 / 40.16; with prefetching (`Analyzed::of`), 65,536
/// words 21.55 / 38.24 and 22.41 / 39.59, 262,144 words 21.24 / 37.65 and 21.67 / 38.33. The
/// larger cache was not kept: three languages on two threads took peak RSS at 2 GB from 347
/// MB to 394 MB, at the edge of the 400 MB bound, for 2% of the build.
const TERM_CACHE_SIZE: usize = 65_536;
const TERM_CACHE_SLOTS: usize = (2 * TERM_CACHE_SIZE).next_power_of_two();
/// The table's size when first used; it doubles up to [`TERM_CACHE_SLOTS`] as it fills.
const FIRST_SLOTS: usize = 1024;

impl TermCache {
    /// The term of `word`, computed once per thread while the cache holds it.
    fn term(&mut self, word: &str, lang: Lang) -> &str {
        self.term_hashed(word, word_hash(word), lang)
    }

    /// [`Self::term`] of a word whose [`word_hash`] is `hash`.
    fn term_hashed(&mut self, word: &str, hash: u64, lang: Lang) -> &str {
        if self.slots.is_empty() {
            self.slots = vec![Slot::default(); FIRST_SLOTS];
        }
        let mut i = match self.find(word, hash) {
            Ok(i) => {
                let slot = &mut self.slots[i];
                slot.hit = true;
                let end = slot.at as usize + usize::from(slot.word_len);
                return &self.arena[end..end + usize::from(slot.term_len)];
            }
            Err(free) => free,
        };
        let term = term(word, lang);
        // A term folding makes longer than a byte can say (a word of Arabic ligatures, say)
        // is not kept.
        let (Ok(word_len), Ok(term_len)) = (u8::try_from(word.len()), u8::try_from(term.len())) else {
            self.spare = term;
            return &self.spare;
        };
        if self.entries >= TERM_CACHE_SIZE
            || u32::try_from(self.arena.len() + word.len() + term.len()).is_err()
        {
            self.flush();
            i = self.find(word, hash).err().unwrap_or(i);
        } else if 2 * (self.entries + 1) > self.slots.len() {
            // Grown as it fills: a search's process looks up a few words, and a table made at
            // full size costs it a page fault for every 4 KB of it.
            self.grow();
            i = self.find(word, hash).err().unwrap_or(i);
        }
        let at = self.arena.len();
        self.arena.push_str(word);
        self.arena.push_str(&term);
        self.slots[i] = Slot { tag: tag(hash), at: at as u32, word_len, term_len, hit: false };
        self.entries += 1;
        &self.arena[at + word.len()..]
    }

    /// The slot holding `word`, or the free slot where it would go.
    fn find(&self, word: &str, hash: u64) -> Result<usize, usize> {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.tag == 0 {
                return Err(i);
            }
            let (at, end) = (slot.at as usize, slot.at as usize + usize::from(slot.word_len));
            if slot.tag == tag(hash) && &self.arena[at..end] == word {
                return Ok(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// Asks the CPU to load the slot where a word of hash `hash` is looked up first, so that
    /// the look-up a few words later finds it in cache.
    fn prefetch(&self, hash: u64) {
        #[cfg(target_arch = "x86_64")]
        if let Some(slot) = self.slots.get(hash as usize & self.slots.len().wrapping_sub(1)) {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            // SAFETY: a prefetch is a hint that never faults; the address is a live slot.
            unsafe { _mm_prefetch::<_MM_HINT_T0>((slot as *const Slot).cast::<i8>()) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = hash;
    }

    /// Empties the cache but for the words looked up again since they were cached, up to
    /// half of it: the common words, which would otherwise all be folded and stemmed again
    /// after each emptying. On the 200 MB bench corpus, emptying it whole made 4.0 M misses
    /// for 31.5 M hits (59 emptyings; computing the terms of the misses was 4.7% of a build's
    /// CPU).
    fn flush(&mut self) {
        let empty = vec![Slot::default(); self.slots.len()];
        let slots = std::mem::replace(&mut self.slots, empty);
        let arena = std::mem::take(&mut self.arena);
        self.entries = 0;
        for slot in slots.iter().filter(|s| s.tag != 0 && s.hit).take(TERM_CACHE_SIZE / 2) {
            let at = self.arena.len();
            let (from, word_end) = (slot.at as usize, slot.at as usize + usize::from(slot.word_len));
            self.arena.push_str(&arena[from..word_end + usize::from(slot.term_len)]);
            let i = self.empty_slot(word_hash(&arena[from..word_end]));
            self.slots[i] = Slot { at: at as u32, hit: false, ..*slot };
            self.entries += 1;
        }
    }

    /// The empty slot a word of hash `hash`, not in the table, goes to.
    fn empty_slot(&self, hash: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        while self.slots[i].tag != 0 {
            i = (i + 1) & mask;
        }
        i
    }

    /// Doubles the table, placing every entry again.
    fn grow(&mut self) {
        debug_assert!(2 * self.slots.len() <= TERM_CACHE_SLOTS);
        let doubled = vec![Slot::default(); 2 * self.slots.len()];
        let old = std::mem::replace(&mut self.slots, doubled);
        for slot in old.into_iter().filter(|s| s.tag != 0) {
            let word = &self.arena[slot.at as usize..slot.at as usize + usize::from(slot.word_len)];
            let i = self.empty_slot(word_hash(word));
            self.slots[i] = slot;
        }
    }
}

fn word_hash(word: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0).hash_one(word)
}

/// A slot's tag: the high half of the word's hash, never 0 (an empty slot).
fn tag(hash: u64) -> u32 {
    (hash >> 32) as u32 | 1
}

/// One [`TermCache`] per language met on the thread.
#[derive(Default)]
struct TermCaches {
    caches: Vec<TermCache>,
    /// The words of the value being analyzed: start, end, hash ([`Analyzed::of`]).
    words: Vec<(usize, usize, u64)>,
}

/// How many words ahead [`Analyzed::of`] asks for a word's slot.
const PREFETCH_AHEAD: usize = 4;

impl TermCaches {
    fn of(&mut self, lang: Lang) -> &mut TermCache {
        let i = usize::from(lang.0);
        if self.caches.len() <= i {
            self.caches.resize_with(i + 1, TermCache::default);
        }
        &mut self.caches[i]
    }
}

thread_local! {
    static TERMS: std::cell::RefCell<TermCaches> = std::cell::RefCell::new(TermCaches::default());
}

/// The terms of `text`, without offsets.
pub fn terms(text: &str) -> Vec<String> {
    analyze(text).into_iter().map(|t| t.text).collect()
}

/// Calls `f(start, segment)` for every UAX #29 word segment of `text` that holds a letter or
/// a digit. The text is taken in stretches that end before ASCII whitespace (where UAX #29
/// always breaks, and no rule looks across); a stretch in ASCII (most of them, in most
/// corpora) takes [`ascii_words`], which gives the same segments several times faster, the
/// others the full rules, read from the whitespace before them (a combining mark after a
/// space belongs to the space).
pub fn word_segments(text: &str, mut f: impl FnMut(usize, &str)) {
    word_segments_while(text, |i, w| {
        f(i, w);
        true
    });
}

/// [`word_segments`] as long as `f` returns true.
fn word_segments_while(text: &str, mut f: impl FnMut(usize, &str) -> bool) {
    if text.is_ascii() {
        ascii_words(text, f);
        return;
    }
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let ws_start = i;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        let mut ascii = true;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            ascii &= b[i].is_ascii();
            i += 1;
        }
        if start == i {
            continue;
        }
        let more = if ascii {
            ascii_words(&text[start..i], |s, w| f(start + s, w))
        } else {
            text[ws_start..i]
                .split_word_bound_indices()
                .filter(|(_, segment)| segment.chars().any(is_alnum))
                .all(|(s, segment)| f(ws_start + s, segment))
        };
        if !more {
            return;
        }
    }
}

/// The number of UAX #29 words in `s` (segments holding a letter or a digit).
pub fn word_count(s: &str) -> usize {
    let mut n = 0;
    word_segments(s, |_, _| n += 1);
    n
}

/// Calls `f(start, end)` for every UAX #29 sentence of `text`, in order, covering it: the
/// pieces of `split_sentence_bound_indices`. Text in ASCII, or whose other characters are
/// [`inert_in_sentences`] and stand away from every sentence end, takes [`plain_sentences`],
/// which gives the same pieces several times faster (the rules' state machine was the
/// splitter's largest cost on long paragraphs).
pub fn sentences(text: &str, mut f: impl FnMut(usize, usize)) {
    let plain = (text.is_ascii() || text.chars().all(inert_in_sentences)).then(|| plain_sentences(text));
    match plain.flatten() {
        Some(pieces) => pieces.into_iter().for_each(|(s, e)| f(s, e)),
        None => text.split_sentence_bound_indices().for_each(|(i, s)| f(i, i + s.len())),
    }
}

/// Whether `c` never ends a sentence or a paragraph (it is none of UAX #29's ATerm, STerm or
/// Sep): ASCII but `.` `!` `?` (which [`plain_sentences`] reads), letters and digits, combining
/// marks, no-break space, guillemets, and the dashes, quotation marks and ellipsis of General
/// Punctuation. A test checks each of them against unicode-segmentation.
fn inert_in_sentences(c: char) -> bool {
    c.is_ascii()
        || c.is_alphanumeric()
        || matches!(c, '\u{A0}' | '\u{AB}' | '\u{BB}' | '\u{300}'..='\u{36F}' | '\u{2010}'..='\u{201F}' | '\u{2026}')
}

/// UAX #29 sentence boundaries, read in ASCII's classes: `.` ATerm, `!` `?` STerm, `"` `'`
/// `(` `)` `[` `]` `{` `}` Close, `,` `-` `:` `;` SContinue, letters Upper and Lower, digits
/// Numeric, tab, space, VT and FF Sp, CR and LF (no Extend or Format). A break follows a
/// line break (SB3, SB4), or a sentence end with its closing brackets and spaces and at most
/// one line break (SB9–SB11), unless `.` stands between digits or letters (SB6, SB7), the
/// next sentence continues with punctuation (SB8a), or the next letter after a `.` is lower
/// case (SB8). None when a character outside ASCII stands where a rule would read it (the
/// caller leaves other characters that end sentences to the full rules).
fn plain_sentences(text: &str) -> Option<Vec<(usize, usize)>> {
    let b = text.as_bytes();
    let n = b.len();
    let is_close = |c: u8| matches!(c, b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}');
    let is_sp = |c: u8| matches!(c, b' ' | b'\t' | 0x0B | 0x0C);
    let is_term = |c: u8| matches!(c, b'.' | b'!' | b'?');
    let line_break = |i: usize| match b.get(i) {
        Some(b'\r') if b.get(i + 1) == Some(&b'\n') => Some(i + 2),
        Some(b'\r' | b'\n') => Some(i + 1),
        _ => None,
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < n {
        if let Some(end) = line_break(i) {
            out.push((start, end));
            (start, i) = (end, end);
            continue;
        }
        if !is_term(b[i]) {
            i += 1;
            continue;
        }
        let aterm = b[i] == b'.';
        let next = b.get(i + 1).copied().unwrap_or(0);
        if !next.is_ascii() || (next.is_ascii_uppercase() && i > 0 && !b[i - 1].is_ascii()) {
            return None;
        }
        if aterm
            && (next.is_ascii_digit()
                || (i > 0 && b[i - 1].is_ascii_alphabetic() && next.is_ascii_uppercase()))
        {
            i += 1; // SB6, SB7
            continue;
        }
        let mut j = i + 1;
        while j < n && is_close(b[j]) {
            j += 1;
        }
        while j < n && is_sp(b[j]) {
            j += 1;
        }
        if line_break(j).is_some() {
            i = j; // The sentence ends after the line break, as any line break ends one.
            continue;
        }
        let Some(&c) = b.get(j) else { break };
        if !c.is_ascii() {
            return None;
        }
        let sb8 = || match b[j..]
            .iter()
            .find(|&&c| !c.is_ascii() || c.is_ascii_alphabetic() || matches!(c, b'\r' | b'\n') || is_term(c))
        {
            Some(c) if !c.is_ascii() => None,
            found => Some(found.is_some_and(u8::is_ascii_lowercase)),
        };
        let continues = matches!(c, b',' | b'-' | b':' | b';') || is_term(c) // SB8a
            || (aterm && sb8()?); // SB8
        if !continues {
            out.push((start, j));
            start = j;
        }
        i = j;
    }
    if start < n {
        out.push((start, n));
    }
    Some(out)
}

/// Whether the words of `text` are those of `text[..i]` and of `text[i..]`, where they were:
/// at either end, and where an ASCII character other than a space follows ASCII whitespace
/// (segmentation breaks there and reads no further back; see [`word_segments`]). A count of
/// words then adds up across `i`.
pub fn words_split_at(text: &str, i: usize) -> bool {
    let b = text.as_bytes();
    i == 0 || i == b.len() || (b[i - 1].is_ascii_whitespace() && b.get(i).is_some_and(u8::is_ascii_graphic))
}

/// UAX #29 word segmentation restricted to ASCII, for the segments holding a letter or a
/// digit: letters, digits and `_` join (WB5, WB8–WB10, WB13a/b); `:`, `.` and `'` join two
/// letters (WB6/7); `,`, `;`, `.` and `'` join two digits (WB11/12); anything else breaks.
/// Stops, returning false, when `f` does.
fn ascii_words(text: &str, mut f: impl FnMut(usize, &str) -> bool) -> bool {
    let b = text.as_bytes();
    let joins = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        if !joins(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut alnum = false;
        loop {
            alnum |= b[i].is_ascii_alphanumeric();
            let next = i + 1;
            if next < b.len() && joins(b[next]) {
                i = next;
                continue;
            }
            // A middle character joins when the same kind of character stands on both sides.
            let (Some(&m), Some(&after)) = (b.get(next), b.get(next + 1)) else { break };
            let letters =
                b[i].is_ascii_alphabetic() && after.is_ascii_alphabetic() && matches!(m, b':' | b'.' | b'\'');
            let digits =
                b[i].is_ascii_digit() && after.is_ascii_digit() && matches!(m, b',' | b';' | b'.' | b'\'');
            if letters || digits {
                i = next + 1;
            } else {
                break;
            }
        }
        i += 1;
        if alnum && !f(start, &text[start..i]) {
            return false;
        }
    }
    true
}

/// Calls `f(from, to, word)` for every word of `text`. A run of CJK characters (written
/// without spaces, so without word boundaries) gives its overlapping bigrams, as Lucene's
/// CJK analyzer does: `ポーツマス` → `ポー ーツ ツマ マス`; a character standing alone gives
/// itself. A query of several characters then matches exactly that run as a phrase of rarer
/// terms than single characters (see [`is_lone_cjk`] for a one-character query).
pub fn each_word(text: &str, mut f: impl FnMut(usize, usize, &str)) {
    // The CJK run being read: its characters' byte ranges.
    let mut run: Vec<(usize, usize)> = Vec::new();
    let flush = |run: &mut Vec<(usize, usize)>, f: &mut dyn FnMut(usize, usize, &str)| {
        match run.len() {
            0 => {}
            1 => f(run[0].0, run[0].1, &text[run[0].0..run[0].1]),
            _ => {
                for pair in run.windows(2) {
                    f(pair[0].0, pair[1].1, &text[pair[0].0..pair[1].1]);
                }
            }
        }
        run.clear();
    };
    word_segments(text, |start, segment| {
        // Kana and the ideographs are from U+3040 on, written from lead byte 0xE3 on: a word
        // without such a byte is read no further.
        if segment.bytes().all(|b| b < 0xE3) || !segment.chars().any(is_cjk) {
            flush(&mut run, &mut f);
            if segment.len() <= MAX_WORD_BYTES {
                f(start, start + segment.len(), segment);
            }
            return;
        }
        // Split into CJK characters and runs of other characters.
        let mut other: Option<usize> = None;
        for (i, c) in segment.char_indices() {
            if is_cjk(c) {
                if let Some(rs) = other.take() {
                    flush(&mut run, &mut f);
                    emit_run(segment, start, rs, i, &mut f);
                }
                let (from, to) = (start + i, start + i + c.len_utf8());
                if run.last().is_some_and(|&(_, end)| end != from) {
                    flush(&mut run, &mut f);
                }
                run.push((from, to));
            } else if other.is_none() {
                other = Some(i);
            }
        }
        if let Some(rs) = other {
            flush(&mut run, &mut f);
            emit_run(segment, start, rs, segment.len(), &mut f);
        }
    });
    flush(&mut run, &mut f);
}

/// Whether `term` is one CJK character: a query for it also looks inside the bigrams that
/// hold it (the index has the character alone only where it stood alone).
pub fn is_lone_cjk(term: &str) -> bool {
    let mut chars = term.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if is_cjk(c))
}

fn emit_run(segment: &str, base: usize, from: usize, to: usize, f: &mut dyn FnMut(usize, usize, &str)) {
    let run = &segment[from..to];
    if run.chars().any(is_alnum) && run.len() <= MAX_WORD_BYTES {
        f(base + from, base + to, run);
    }
}

/// The letters of a text, by script: ASCII and Latin-1 to Latin Extended-B and Latin Extended
/// Additional are Latin; Kana, Han (counted apart); Cyrillic; any other letter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Letters {
    latin: usize,
    cyrillic: usize,
    kana: usize,
    han: usize,
    other: usize,
}

impl Letters {
    fn add(&mut self, t: &str) {
        // ASCII bytes first, without decoding a character: the Unicode letter tables, and
        // decoding, cost more than the rest of the loop.
        let b = t.as_bytes();
        let mut i = 0;
        // Up to where the bytes are read one at a time: the rest of a block of 32 that is not
        // all ASCII.
        let mut bytewise = 0;
        while i < b.len() {
            if let Some(block) = b.get(i..i + 32).filter(|_| i >= bytewise) {
                // Both passes are branch-free, so the compiler reads 32 bytes at once (`| 0x20`
                // lowercases the ASCII letters, and makes no other byte one).
                if block.iter().fold(0, |any, &c| any | c).is_ascii() {
                    let letters: u8 =
                        block.iter().map(|&c| u8::from((c | 0x20).wrapping_sub(b'a') < 26)).sum();
                    self.latin += usize::from(letters);
                    i += 32;
                    continue;
                }
                bytewise = i + 32;
            }
            if b[i].is_ascii() {
                self.latin += usize::from(b[i].is_ascii_alphabetic());
                i += 1;
                continue;
            }
            let c = t[i..].chars().next().expect("a character starts here");
            i += c.len_utf8();
            // The letters of the scripts counted are told by their ranges; the letter table
            // is read for the other characters only.
            if !letter_by_range(c).unwrap_or_else(|| c.is_alphabetic()) {
                continue;
            }
            match c {
                _ if is_kana(c) => self.kana += 1,
                _ if is_cjk(c) => self.han += 1,
                _ if is_cyrillic(c) => self.cyrillic += 1,
                _ if is_latin(c) => self.latin += 1,
                _ => self.other += 1,
            }
        }
    }

    /// [`Letters::add`], a character at a time (what the tests hold it to).
    #[cfg(test)]
    fn add_each(&mut self, t: &str) {
        for c in t.chars().filter(|&c| c.is_alphabetic()) {
            match c {
                _ if c.is_ascii() || is_latin(c) => self.latin += 1,
                _ if is_kana(c) => self.kana += 1,
                _ if is_cjk(c) => self.han += 1,
                _ if is_cyrillic(c) => self.cyrillic += 1,
                _ => self.other += 1,
            }
        }
    }
}

/// Guesses a document's language: `ja` for Japanese kana, `zh` for Han without kana; for
/// other scripts, the language of the trigram model ([`trigram_language`]) when it is sure,
/// else `ru` for Cyrillic and, for Latin script, the language whose most common function
/// words occur most (`en`, `de`, `fr`, `es`, `it`, `pt`, `nl`), `en` when none stands out;
/// `und` when there are no letters or the script is not known.
pub fn detect_language<'a>(texts: impl Iterator<Item = &'a str>) -> &'static str {
    let texts: Vec<&str> = texts.collect();
    let mut letters = Letters::default();
    texts.iter().for_each(|t| letters.add(t));
    let Letters { latin, cyrillic, kana, han, other } = letters;
    let cjk = kana + han;
    // A CJK character carries a word's worth of meaning: weigh it like several letters.
    let scores =
        [(latin, "en"), (cyrillic, "ru"), (cjk * 3, if kana > 0 { "ja" } else { "zh" }), (other, "und")];
    match scores.iter().max_by_key(|(n, _)| *n) {
        // Most documents are in Latin script alone, English, and say so in their commonest
        // words: the trigram model (a fixed cost of ~0.1 ms a document, 4% of a build's CPU)
        // is asked about the rest.
        Some(&(_, "en")) if (cyrillic + cjk + other) * 20 <= latin && plainly_english(&texts) => "en",
        Some(&(n, lang @ ("en" | "ru"))) if n > 0 => trigram_language(&texts)
            .unwrap_or_else(|| if lang == "ru" { "ru" } else { latin_language(&texts) }),
        // Greek, Arabic, Hebrew, Devanagari, …: the trigram model knows them.
        Some(&(n, "und")) if n > 0 => trigram_language(&texts).unwrap_or("und"),
        Some(&(n, lang)) if n > 0 => lang,
        _ => "und",
    }
}

/// How much of a document the trigram model reads: enough to be sure, little enough to cost
/// nothing next to indexing it.
const SAMPLE_BYTES: usize = 2048;

/// The language of Latin or Cyrillic text by letter trigrams (`whatlang`: 69 languages, so
/// Polish is `pl` and Ukrainian `uk`), as an ISO 639-1 code where there is one, else ISO
/// 639-3; None when the model is not sure.
fn trigram_language(texts: &[&str]) -> Option<&'static str> {
    let mut sample = String::with_capacity(SAMPLE_BYTES + 64);
    for t in texts {
        if sample.len() >= SAMPLE_BYTES {
            break;
        }
        let mut end = t.len().min(SAMPLE_BYTES - sample.len() + 1);
        while !t.is_char_boundary(end) {
            end -= 1;
        }
        sample.push_str(&t[..end]);
        sample.push('\n');
    }
    let info = whatlang::detect(&sample).filter(|i| i.is_reliable())?;
    let code = info.lang().code();
    Some(ISO_639_1.iter().find(|(three, _)| *three == code).map_or(code, |(_, two)| two))
}

/// ISO 639-3 codes (whatlang's) with their ISO 639-1 codes.
const ISO_639_1: &[(&str, &str)] = &[
    ("eng", "en"),
    ("rus", "ru"),
    ("ukr", "uk"),
    ("bel", "be"),
    ("bul", "bg"),
    ("srp", "sr"),
    ("mkd", "mk"),
    ("pol", "pl"),
    ("ces", "cs"),
    ("slk", "sk"),
    ("slv", "sl"),
    ("hrv", "hr"),
    ("deu", "de"),
    ("fra", "fr"),
    ("spa", "es"),
    ("ita", "it"),
    ("por", "pt"),
    ("nld", "nl"),
    ("swe", "sv"),
    ("dan", "da"),
    ("nob", "nb"),
    ("fin", "fi"),
    ("est", "et"),
    ("lav", "lv"),
    ("lit", "lt"),
    ("hun", "hu"),
    ("ron", "ro"),
    ("tur", "tr"),
    ("ell", "el"),
    ("cat", "ca"),
    ("epo", "eo"),
    ("lat", "la"),
    ("afr", "af"),
    ("ind", "id"),
    ("vie", "vi"),
    ("aze", "az"),
    ("uzb", "uz"),
    ("kat", "ka"),
    ("hye", "hy"),
    ("heb", "he"),
    ("ara", "ar"),
    ("pes", "fa"),
    ("hin", "hi"),
    ("ben", "bn"),
    ("tha", "th"),
    ("kor", "ko"),
    ("jpn", "ja"),
    ("cmn", "zh"),
    ("tgl", "tl"),
    ("yid", "yi"),
    ("tam", "ta"),
    ("cym", "cy"),
    ("urd", "ur"),
    ("mar", "mr"),
    ("nep", "ne"),
    ("tel", "te"),
    ("kan", "kn"),
    ("mal", "ml"),
    ("guj", "gu"),
    ("pan", "pa"),
    ("ori", "or"),
    ("sin", "si"),
    ("khm", "km"),
    ("mya", "my"),
    ("amh", "am"),
    ("tuk", "tk"),
    ("zul", "zu"),
    ("aka", "ak"),
    ("sna", "sn"),
    ("jav", "jv"),
];

/// Function words frequent in one language and rare in the others.
const FUNCTION_WORDS: &[(&str, &[&str])] = &[
    ("en", &["the", "and", "of", "to", "is", "was", "with", "that", "for", "which"]),
    ("de", &["der", "die", "und", "das", "ist", "nicht", "mit", "ein", "eine", "von"]),
    ("fr", &["le", "les", "et", "des", "est", "une", "dans", "pour", "qui", "sur"]),
    ("es", &["el", "los", "las", "y", "es", "una", "por", "para", "con", "del"]),
    ("it", &["il", "gli", "che", "è", "della", "di", "per", "una", "sono", "con"]),
    ("pt", &["o", "os", "e", "não", "uma", "para", "com", "do", "da", "em"]),
    ("nl", &["de", "het", "een", "en", "van", "is", "niet", "met", "voor", "zijn"]),
];

fn latin_language(texts: &[&str]) -> &'static str {
    let (_, counts) = function_words(texts, 5000);
    let (best, n) = counts.iter().enumerate().max_by_key(|(_, n)| **n).map_or((0, 0), |(i, n)| (i, *n));
    if n == 0 { "en" } else { FUNCTION_WORDS[best].0 }
}

/// Whether the first words of `texts` are English beyond doubt: of at least 50 words, an
/// eighth or more are English function words (English prose has a fifth, technical text a
/// tenth or more), four times as many as those of any other language of [`FUNCTION_WORDS`]
/// (`is` is Dutch too, `do` Portuguese). A language without a list there shares none of
/// these words with English often enough to pass.
fn plainly_english(texts: &[&str]) -> bool {
    let (words, counts) = function_words(texts, 400);
    let (english, others) = counts.split_first().expect("English comes first");
    let other = others.iter().copied().max().unwrap_or(0);
    words >= 50 && english * 8 >= words && *english >= 4 * other
}

/// The number of words read, up to `limit`, and how many of them each language's list in
/// [`FUNCTION_WORDS`] holds (in its order).
fn function_words(texts: &[&str], limit: usize) -> (usize, [usize; FUNCTION_WORDS.len()]) {
    /// Longer words are in none of the lists (the longest, `nicht`, `which`, has 5 letters).
    const LONGEST: usize = 6;
    let mut counts = [0usize; FUNCTION_WORDS.len()];
    let mut words = 0;
    let mut lower = String::new();
    let table = FUNCTION_WORD_TABLE.get_or_init(FunctionWordTable::new);
    for text in texts {
        if words >= limit {
            break;
        }
        word_segments_while(text, |_, word| {
            words += 1;
            let key = if word.len() <= LONGEST { word_key(word, &mut lower) } else { None };
            if let Some(key) = key {
                let languages = table.languages(key);
                for (i, n) in counts.iter_mut().enumerate() {
                    *n += usize::from(languages >> i & 1);
                }
            }
            words < limit
        });
    }
    (words, counts)
}

/// A lowercased word of at most 8 bytes as a number: its bytes, zero-padded (no word holds a
/// zero byte). ASCII is lowercased on the way, other words in `lower`.
fn word_key(word: &str, lower: &mut String) -> Option<u64> {
    let bytes = if word.is_ascii() {
        word.as_bytes()
    } else {
        lower.clear();
        lower.extend(word.chars().flat_map(char::to_lowercase));
        lower.as_bytes()
    };
    if bytes.len() > 8 {
        return None;
    }
    let ascii_lowercase = |c: u8| c | u8::from(c.is_ascii_uppercase()) << 5;
    Some(bytes.iter().rev().fold(0, |key, &c| key << 8 | u64::from(ascii_lowercase(c))))
}

/// Every word of [`FUNCTION_WORDS`] as its [`word_key`], with the lists it is in (bit `i` for
/// list `i`), in an open-addressed table: one probe a word, most often, instead of a
/// comparison with each of seventy (the comparisons were 5% of the passage splitter's time).
struct FunctionWordTable {
    slots: [(u64, u8); 128],
}

const _: () = assert!(FUNCTION_WORDS.len() <= 8, "a list is a bit of a u8");

static FUNCTION_WORD_TABLE: std::sync::OnceLock<FunctionWordTable> = std::sync::OnceLock::new();

impl FunctionWordTable {
    fn new() -> Self {
        let mut table = FunctionWordTable { slots: [(0, 0); 128] };
        for (i, (_, list)) in FUNCTION_WORDS.iter().enumerate() {
            for word in *list {
                let key = word_key(word, &mut String::new()).expect("function words are short");
                let slot = table.find(key);
                table.slots[slot] = (key, table.slots[slot].1 | 1 << i);
            }
        }
        table
    }

    /// The slot holding `key`, or the empty one where it would go.
    fn find(&self, key: u64) -> usize {
        let mut slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 57) as usize;
        while self.slots[slot].0 != key && self.slots[slot].0 != 0 {
            slot = (slot + 1) % self.slots.len();
        }
        slot
    }

    /// The lists `key` is in.
    fn languages(&self, key: u64) -> u8 {
        self.slots[self.find(key)].1
    }
}

/// The analyzer as a tantivy tokenizer. With `repeated`, the last field values analyzed on
/// the thread are kept and reused ([`REPEATED_ANALYZER`]).
#[derive(Clone, Default)]
pub struct CitedexTokenizer {
    pub repeated: bool,
}

/// A field value's terms, written back to back in one string, with their spans.
#[derive(Default)]
struct Analyzed {
    /// Every term's text, back to back.
    terms: String,
    /// `(offset_from, offset_to, end of the term in terms)`, in order.
    spans: Vec<(usize, usize, usize)>,
}

impl Analyzed {
    /// The terms of a field value, in the language its tag names (see [`tagged`]); offsets
    /// are in the value, tag included.
    fn of(value: &str) -> Analyzed {
        let (lang, text) = untagged(value);
        let shift = value.len() - text.len();
        let mut a = Analyzed { terms: String::with_capacity(text.len()), spans: Vec::new() };
        TERMS.with_borrow_mut(|caches| {
            // The words first, with their hashes, so that each word's slot is asked for a few
            // words before it is read: a look-up otherwise waits on memory (the table does
            // not stay in cache beside the indexer's own).
            let mut words = std::mem::take(&mut caches.words);
            words.clear();
            each_word(text, |from, to, word| words.push((from, to, word_hash(word))));
            let cache = caches.of(lang);
            a.spans.reserve_exact(words.len());
            for (i, &(from, to, hash)) in words.iter().enumerate() {
                if let Some(&(_, _, ahead)) = words.get(i + PREFETCH_AHEAD) {
                    cache.prefetch(ahead);
                }
                a.terms.push_str(cache.term_hashed(&text[from..to], hash, lang));
                a.spans.push((shift + from, shift + to, a.terms.len()));
            }
            caches.words = words;
        });
        a
    }
}

/// The last field values analyzed on this thread: a document's title and section headings
/// come again with each of its passages, and are analyzed once.
const RECENT: usize = 8;

thread_local! {
    static RECENT_VALUES: std::cell::RefCell<Vec<(Box<str>, std::rc::Rc<Analyzed>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Values this long or longer are not kept.
const RECENT_MAX_BYTES: usize = 256;

fn analyzed(text: &str, repeated: bool) -> std::rc::Rc<Analyzed> {
    if !repeated || text.len() >= RECENT_MAX_BYTES {
        return std::rc::Rc::new(Analyzed::of(text));
    }
    RECENT_VALUES.with_borrow_mut(|recent| {
        if let Some(i) = recent.iter().position(|(t, _)| &**t == text) {
            return recent[i].1.clone();
        }
        let a = std::rc::Rc::new(Analyzed::of(text));
        if recent.len() >= RECENT {
            recent.remove(0);
        }
        recent.push((text.into(), a.clone()));
        a
    })
}

/// Token stream over a field value's analyzed terms; one [`Token`] is reused for all of them.
pub struct CitedexTokenStream {
    analyzed: std::rc::Rc<Analyzed>,
    next: usize,
    token: Token,
}

impl Tokenizer for CitedexTokenizer {
    type TokenStream<'a> = CitedexTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CitedexTokenStream {
        CitedexTokenStream { analyzed: analyzed(text, self.repeated), next: 0, token: Token::default() }
    }
}

impl TokenStream for CitedexTokenStream {
    fn advance(&mut self) -> bool {
        let Some(&(from, to, end)) = self.analyzed.spans.get(self.next) else { return false };
        let start = self.next.checked_sub(1).map_or(0, |p| self.analyzed.spans[p].2);
        self.token.text.clear();
        self.token.text.push_str(&self.analyzed.terms[start..end]);
        (self.token.offset_from, self.token.offset_to) = (from, to);
        self.token.position = self.next;
        self.token.position_length = 1;
        self.next += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_half_width_forms_fold_to_their_usual_forms() {
        assert_eq!(terms("ＧＨＱ"), terms("GHQ"));
        assert_eq!(terms("１９４５年"), terms("1945年"));
        assert_eq!(terms("ｶﾀｶﾅ"), terms("カタカナ"));
        assert_eq!(terms("ﬁnance"), terms("finance"));
        // Offsets stay those of the text as written.
        let t = analyze("占領軍ＧＨＱの");
        let ghq = t.iter().find(|t| t.text == "ghq").expect("ghq");
        assert_eq!(&"占領軍ＧＨＱの"[ghq.from..ghq.to], "ＧＨＱ");
    }

    #[test]
    fn folds_diacritics_and_stems_english() {
        assert_eq!(terms("Komura Jutarō"), vec!["komura", "jutaro"]);
        assert_eq!(terms("Satō"), terms("Sato"));
        assert_eq!(terms("negotiations"), terms("negotiate"));
        assert_eq!(terms("Japan's"), vec!["japan"]);
        assert_eq!(terms("Jutaro\u{304}"), vec!["jutaro"], "decomposed macron");
        assert_eq!(terms("е\u{308}лка"), terms("ёлка"), "decomposed ё");
    }

    #[test]
    fn hyphenated_and_numeric_forms_split_into_parts() {
        let t = analyze("the 1904-05 Russo-Japanese War");
        let got: Vec<(&str, usize, usize)> = t.iter().map(|t| (t.text.as_str(), t.from, t.to)).collect();
        assert_eq!(
            got,
            vec![
                ("the", 0, 3),
                ("1904", 4, 8),
                ("05", 9, 11),
                ("russo", 12, 17),
                ("japanes", 18, 26),
                ("war", 27, 30)
            ]
        );
    }

    #[test]
    fn russian_is_stemmed_and_folded() {
        assert_eq!(terms("договоры"), terms("договор"));
        assert_eq!(terms("Рузвельта"), terms("Рузвельт"));
        assert_eq!(terms("ёлка"), terms("елка"));
    }

    #[test]
    fn cjk_runs_give_overlapping_bigrams() {
        let t = analyze("日比谷焼打事件とポーツマス");
        // 13 characters in one run (UAX #29 splits them differently): 12 bigrams.
        assert_eq!(t.len(), 12);
        assert_eq!(t[0].text, "日比");
        assert_eq!((t[0].from, t[0].to), (0, 6));
        assert_eq!(t[11].text, "マス");
        assert_eq!(terms("東京abc"), vec!["東京", "abc"]);
        // Punctuation and other scripts end a run; a lone character stays itself.
        assert_eq!(terms("日、本"), vec!["日", "本"]);
        assert_eq!(terms("a日b"), vec!["a", "日", "b"]);
        assert!(is_lone_cjk("日") && !is_lone_cjk("日本") && !is_lone_cjk("a"));
    }

    #[test]
    fn english_is_told_by_its_function_words_where_it_is_plain() {
        let english = "The Treaty of Portsmouth formally ended the Russo-Japanese War of 1904 and 1905. \
            It was negotiated in August 1905 at the Portsmouth Naval Shipyard in Kittery, Maine, \
            and signed on September 5, 1905, after the intervention of the President of the \
            United States, who was awarded the Nobel Peace Prize for the work that led to it.";
        assert!(plainly_english(&[english]));
        assert_eq!(detect_language([english].into_iter()), "en");
        // Too few words to tell; other languages' function words.
        assert!(!plainly_english(&["The treaty was signed."]));
        let dutch = "Het verdrag van Portsmouth is een vredesverdrag dat de oorlog tussen Rusland en \
            Japan beeindigde. Het is in 1905 getekend en de onderhandelingen van de delegaties \
            met de president waren niet eenvoudig, want de eisen van Japan waren voor Rusland \
            niet te aanvaarden en de oorlog had voor beide landen veel gekost.";
        assert!(!plainly_english(&[dutch]));
        assert_eq!(detect_language([dutch].into_iter()), "nl");
        // A page in Russian that quotes English at length (a translated manual page): more
        // Latin letters than Cyrillic, but a Cyrillic share, so the trigram model is asked.
        let russian = "Сначала пользователя попросят ввести старый пароль, если он был. Этот пароль \
            зашифровывается и сравнивается с имеющимся. У пользователя есть только одна попытка \
            ввести правильный пароль. Для суперпользователя этот шаг пропускается, для того \
            чтобы можно было изменить забытый пароль. Затем пользователю предложат дважды ввести \
            новый пароль. Значение второго ввода сравнивается с первым и для изменения пароли из \
            обеих попыток должны совпасть.";
        let page = [russian, russian, russian, english, english, english, english, english, english];
        assert!(plainly_english(&page));
        assert_eq!(detect_language(page.into_iter()), "ru");
    }

    #[test]
    fn function_words_are_counted_for_each_list_they_are_in_up_to_the_limit() {
        // `una` is Spanish and Italian; case and `è` are folded.
        let (words, counts) = function_words(&["De una Nicht È", "und which, worte"], 100);
        assert_eq!(words, 7);
        let count = |lang: &str| counts[FUNCTION_WORDS.iter().position(|(l, _)| *l == lang).unwrap()];
        let expected = [("en", 1), ("de", 2), ("fr", 0), ("es", 1), ("it", 2), ("pt", 0), ("nl", 1)];
        assert_eq!(expected.map(|(l, _)| count(l)), expected.map(|(_, n)| n));
        // The reading stops at the limit, inside a text.
        let (words, counts) = function_words(&["the the the the", "the"], 3);
        assert_eq!((words, counts[0]), (3, 3));
        // Every listed word is found in its lists, and only there.
        let table = FunctionWordTable::new();
        for word in FUNCTION_WORDS.iter().flat_map(|(_, l)| l.iter()) {
            let lists = FUNCTION_WORDS.iter().enumerate().filter(|(_, (_, l))| l.contains(word));
            let bits = lists.fold(0u8, |bits, (i, _)| bits | 1 << i);
            assert_eq!(table.languages(word_key(word, &mut String::new()).unwrap()), bits, "{word}");
        }
    }

    #[test]
    fn languages_by_script() {
        assert_eq!(detect_language(["The treaty was signed."].into_iter()), "en");
        assert_eq!(detect_language(["Договор был подписан в Портсмуте."].into_iter()), "ru");
        assert_eq!(detect_language(["ポーツマス条約は1905年に調印された。"].into_iter()), "ja");
        assert_eq!(detect_language(["朴茨茅斯和约签订于美国。"].into_iter()), "zh");
        assert_eq!(detect_language(["1905 — 1906"].into_iter()), "und");
        let de = "Der Vertrag wurde in Portsmouth unterzeichnet und das ist nicht alles, was die Geschichte kennt.";
        assert_eq!(detect_language([de].into_iter()), "de");
        let fr = "Le traité est signé à Portsmouth et les négociations sont longues pour les délégués.";
        assert_eq!(detect_language([fr].into_iter()), "fr");
        let es =
            "El tratado se firmó en Portsmouth y los delegados discutieron por semanas con el presidente.";
        assert_eq!(detect_language([es].into_iter()), "es");
        let pl = "Traktat pokojowy został podpisany w Portsmouth po długich rozmowach obu delegacji, \
                  które trwały prawie cały miesiąc.";
        assert_eq!(detect_language([pl].into_iter()), "pl");
        let uk = "Мирний договір було підписано в Портсмуті після довгих переговорів між делегаціями \
                  обох країн, які тривали майже місяць.";
        assert_eq!(detect_language([uk].into_iter()), "uk");
    }

    /// The segments of the UAX #29 rules, as unicode-segmentation gives them. (`segments` of
    /// ASCII text goes straight to `ascii_words`.)
    fn uax29(text: &str) -> Vec<(usize, String)> {
        text.split_word_bound_indices()
            .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
            .map(|(i, w)| (i, w.to_string()))
            .collect()
    }

    #[test]
    fn ascii_words_follow_uax29() {
        for text in [
            "don't stop: a.b.c 3.14 1,000,000 U.S.A. x_y __ _a a_ 12ab a1.b a.1 1.a a:b a::b a..b",
            "end.",
            ".start",
            "a'",
            "'a",
            "1,",
            ",1",
            "Ph.D. e.g. 1904-05 p.86-90 mid;1;2 2;a",
            "",
            " ",
            "_",
            "a",
            "\t\r\nline\r\n",
            "x.y'z:w",
            "9'9 9:9 a;b",
        ] {
            assert_eq!(segments(text), uax29(text), "{text:?}");
        }
    }

    fn segments(text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        word_segments(text, |i, w| out.push((i, w.to_string())));
        out
    }

    #[test]
    fn mixed_text_follows_uax29() {
        for text in [
            "naïve café, Jutarō's 1904-05 日比谷 ok",
            "a \u{301}b",
            "a \u{345}b x",
            "  \u{345}",
            "Ёлка и ёж.",
            "e\u{301}t\u{e9} z",
            "\u{1F1EB}\u{1F1F7} \u{1F1EB}",
            "x\u{200D} y",
            "1\u{a0}000 a.b",
        ] {
            assert_eq!(segments(text), uax29(text), "{text:?}");
        }
    }

    /// The pieces of [`sentences`].
    fn sentence_pieces(text: &str) -> Vec<&str> {
        let mut pieces = Vec::new();
        sentences(text, |s, e| pieces.push(&text[s..e]));
        pieces
    }

    #[test]
    fn characters_called_inert_end_no_sentence_or_paragraph() {
        let checked = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| !c.is_ascii() && inert_in_sentences(c))
            .inspect(|c| {
                // An ATerm or STerm would end the first; a Sep, either.
                assert_eq!(format!("x{c} Y").split_sentence_bounds().count(), 1, "{c:?}");
                assert_eq!(format!("x{c}y").split_sentence_bounds().count(), 1, "{c:?}");
            })
            .count();
        assert!(checked > 100_000, "{checked}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn word_segments_equal_uax29_on_mixed_text(
            text in "[a-c0-1_.,:' \t\n\u{a0}\u{e9}\u{301}\u{345}\u{200d}\u{5d0}\u{3042}\u{30a2}\u{65e5}\u{1f1eb}\u{0436}-]{0,30}"
        ) {
            proptest::prop_assert_eq!(segments(&text), uax29(&text));
        }

        #[test]
        fn ascii_words_equal_uax29_on_any_ascii(text in "[a-cA-C0-2_.,;:' \"\\-\t\n\r!?()]{0,40}") {
            proptest::prop_assert_eq!(segments(&text), uax29(&text));
        }

        #[test]
        fn ascii_sentences_equal_uax29_on_any_ascii(text in "[aBz0 .!?\t\n\r,;:\\-\"'()\\[\\]{}#\x0b]{0,40}") {
            proptest::prop_assert_eq!(sentence_pieces(&text), text.split_sentence_bounds().collect::<Vec<_>>());
        }

        #[test]
        fn sentences_equal_uax29_on_text_beyond_ascii(text in "[aBz0 .!?\n,;\\-\"()#éÉ日кД\u{A0}\u{301}—“”«»…]{0,40}") {
            proptest::prop_assert_eq!(sentence_pieces(&text), text.split_sentence_bounds().collect::<Vec<_>>());
        }

        #[test]
        fn sentences_equal_uax29_with_other_sentence_ends(text in "[aB .!?\né“\u{AD}。！\u{2029}\u{85}\u{2024}]{0,30}") {
            proptest::prop_assert_eq!(sentence_pieces(&text), text.split_sentence_bounds().collect::<Vec<_>>());
        }

        /// Long ASCII runs (read 32 bytes at a time) with the bytes around the letters
        /// (`@[`{`), between letters of other scripts, marks and Kana punctuation.
        #[test]
        fn letters_are_counted_as_one_character_at_a_time_counts_them(
            text in "([a-zA-Z0-9 .,@\\[`{\n]{0,70}[é\u{430}\u{3042}\u{4e00}\u{5d0}\u{301}\u{30fb}\u{30fc}\u{1e00}]?){0,6}",
        ) {
            let (mut fast, mut each) = (Letters::default(), Letters::default());
            fast.add(&text);
            each.add_each(&text);
            proptest::prop_assert_eq!(fast, each);
        }

        #[test]
        fn words_stay_where_they_were_when_text_is_split_where_words_split_at(
            text in "([a-c0_'.ä\u{301}\u{93E}]{1,30}[ ,;\t\n!日-]{0,2}){0,4}",
        ) {
            let starts = |t: &str, base: usize| {
                let mut v = Vec::new();
                word_segments(t, |i, _| v.push(base + i));
                v
            };
            let whole = starts(&text, 0);
            for i in (0..=text.len()).filter(|&i| text.is_char_boundary(i) && words_split_at(&text, i)) {
                let mut parts = starts(&text[..i], 0);
                parts.extend(starts(&text[i..], i));
                proptest::prop_assert_eq!(&parts, &whole, "split at {}", i);
            }
        }

        /// What `passage::chunks` relies on to leave a short paragraph uncounted.
        #[test]
        fn ascii_text_has_at_most_a_word_in_two_bytes(text in "[a-c0-2_.,;:' \n!-]{0,40}") {
            proptest::prop_assert!(word_count(&text) <= text.len().div_ceil(2));
        }
    }

    #[test]
    fn the_term_cache_gives_what_term_gives_before_and_after_it_is_emptied() {
        let mut cache = TermCache::default();
        let lang = Lang::of("en");
        let words: Vec<String> =
            (0..TERM_CACHE_SIZE + 500).map(|i| format!("Running{i}s Ｘ{}", i % 7).replace(' ', "")).collect();
        for round in 0..2 {
            for w in words.iter().take(1000).chain(words.iter().rev().take(1000)).chain(&words) {
                assert_eq!(cache.term(w, lang), term(w, lang), "round {round}, {w}");
            }
            assert!(cache.entries <= TERM_CACHE_SIZE);
        }
        // A term longer than its slot can say (each ligature folds to 33 characters).
        for w in ["organizations", "Straße", "ＧＨＱ", "ё", "x", &"\u{FDFA}".repeat(5)] {
            assert_eq!(cache.term(w, lang), term(w, lang));
            assert_eq!(cache.term(w, lang), term(w, lang));
        }
    }

    #[test]
    fn the_term_cache_keeps_the_words_looked_up_again_when_it_is_emptied() {
        let mut cache = TermCache::default();
        let lang = Lang::of("en");
        let cached = |cache: &TermCache, w: &str| cache.find(w, word_hash(w)).is_ok();
        for w in ["treaty", "treaty", "once"] {
            cache.term(w, lang);
        }
        for i in 0..TERM_CACHE_SIZE {
            cache.term(&format!("w{i}"), lang);
        }
        assert!(cached(&cache, "treaty") && !cached(&cache, "once"));
        assert!(cache.entries < TERM_CACHE_SIZE / 2);
        assert_eq!(cache.term("treaty", lang), "treati");
    }

    #[test]
    fn token_stream_reuses_recent_values_and_matches_analyze() {
        let mut tok = CitedexTokenizer { repeated: true };
        for text in
            ["Treaty of Portsmouth", "Treaty of Portsmouth", "日比谷 Jutarō's 1904-05", &"word ".repeat(100)]
        {
            let mut stream = tok.token_stream(text);
            let mut got = Vec::new();
            while stream.advance() {
                let t = stream.token();
                got.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
            }
            let want: Vec<_> =
                analyze(text).into_iter().map(|t| (t.text, t.from, t.to, t.position)).collect();
            assert_eq!(got, want, "{text}");
        }
    }

    fn terms_in(text: &str, code: &str) -> Vec<String> {
        analyze_in(text, Lang::of(code)).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn each_language_snowball_has_is_stemmed_with_its_own_stemmer() {
        // German inflections English stemming leaves apart.
        assert_eq!(terms_in("Verhandlungen", "de"), terms_in("Verhandlung", "de"));
        assert_ne!(terms("Verhandlungen"), terms("Verhandlung"));
        // French is stemmed with its accents, then folded like every term.
        assert_eq!(terms_in("signèrent", "fr"), terms_in("signer", "fr"));
        assert_eq!(terms_in("négociations", "fr"), vec!["negoci"]);
        assert_eq!(terms_in("förhandlingar", "sv"), terms_in("förhandling", "sv"));
        assert_eq!(terms_in("διαπραγματεύσεις", "el"), terms_in("διαπραγματεύσεων", "el"));
        // A language Snowball has no stemmer for keeps its words whole (not English-stemmed).
        assert_eq!(terms_in("traktaty", "pl"), vec!["traktaty"]);
        assert_eq!(terms("traktaty"), vec!["traktati"]);
        assert_eq!(terms_in("Портсмуті", "uk"), vec!["портсмуті"]);
        // Words of another script than the language's are stemmed by their script.
        assert_eq!(terms_in("договоры", "de"), terms("договоры"));
        assert_eq!(terms_in("negotiations", "el"), terms("negotiations"));
        // English and Russian are stemming by script; unknown codes too.
        for code in ["en", "ru", "ja", "und", "xx", ""] {
            assert!(Lang::of(code).by_script(), "{code}");
        }
        assert_eq!(Lang::of("nn"), Lang::of("nb"));
        assert_eq!(Lang::of("de").code(), "de");
    }

    #[test]
    fn a_query_looks_for_the_stems_of_each_language_of_the_index() {
        let langs = [Lang::of("de"), Lang::of("sv")];
        let v = variants("Verhandlungen", &langs);
        assert_eq!(v[0], terms("Verhandlungen"), "stemming by script first");
        assert!(v.contains(&terms_in("Verhandlungen", "de")) && v.contains(&terms_in("Verhandlungen", "sv")));
        // The same terms are listed once; no words, no variants.
        assert_eq!(variants("Portsmouth", &langs), vec![vec!["portsmouth".to_string()]]);
        assert!(variants("—", &langs).is_empty());
        assert_eq!(variants("negotiations", &[]), vec![terms("negotiations")]);
    }

    #[test]
    fn the_tokenizer_reads_a_value_in_the_language_its_tag_names() {
        let mut tok = CitedexTokenizer::default();
        for (text, code) in
            [("Die Verhandlungen in Portsmouth", "de"), ("The negotiations", "en"), ("", "fr")]
        {
            let lang = Lang::of(code);
            let value = tagged(text, lang);
            assert_eq!(lang.by_script(), matches!(value, std::borrow::Cow::Borrowed(_)), "{code}");
            let shift = value.len() - text.len();
            let mut stream = tok.token_stream(&value);
            let mut got = Vec::new();
            while stream.advance() {
                let t = stream.token();
                got.push((t.text.clone(), t.offset_from - shift, t.offset_to - shift, t.position));
            }
            let want: Vec<_> =
                analyze_in(text, lang).into_iter().map(|t| (t.text, t.from, t.to, t.position)).collect();
            assert_eq!(got, want, "{text}");
        }
        // A text that happens to start with the tag's character keeps it as text.
        let odd = "\u{FDD0}\u{E001}Verhandlungen";
        assert_eq!(untagged(&tagged(odd, Lang::default())), (Lang::default(), odd));
    }

    #[test]
    fn the_ranges_told_without_the_unicode_tables_are_told_right() {
        // `detect_language` and `is_alnum` take these ranges' letters without asking the
        // tables, but for the characters named as no letter.
        for c in (0..=0xFFFF).filter_map(char::from_u32) {
            if let Some(letter) = letter_by_range(c) {
                assert_eq!(c.is_alphabetic(), letter, "U+{:04X}", c as u32);
                assert_eq!(c.is_alphanumeric(), letter, "U+{:04X}", c as u32);
            }
            assert_eq!(is_alnum(c), c.is_alphanumeric(), "U+{:04X}", c as u32);
            if is_caseless(c) {
                assert!(c.to_lowercase().eq([c]), "U+{:04X}", c as u32);
            }
        }
        // The ranges hold what they were written for.
        for c in ['Ж', 'ё', 'あ', 'カ', 'ｶ', 'ㇰ', '日', '龍'] {
            assert_eq!(letter_by_range(c), Some(true), "{c}");
        }
        for c in ['\u{0483}', '゛', '・', '゠'] {
            assert_eq!(letter_by_range(c), Some(false), "{c}");
        }
    }

    #[test]
    fn languages_of_other_scripts_are_detected() {
        let el = "Η συνθήκη υπογράφηκε στο Πόρτσμουθ μετά από μακρές διαπραγματεύσεις μεταξύ των \
                  αντιπροσωπειών των δύο χωρών.";
        assert_eq!(detect_language([el].into_iter()), "el");
    }

    #[test]
    fn punctuation_only_is_skipped() {
        assert!(analyze("______________. — ...").is_empty());
    }
}
