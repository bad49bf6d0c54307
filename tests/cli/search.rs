//! Searching the bundled article: ranking, phrases, partial matches, snippets.

use crate::env::{TestEnv, seed_line};
use serde_json::Value;

fn first(v: &Value) -> &Value {
    &v["hits"][0]
}

#[test]
fn hibiya_riots_finds_the_effects_paragraph_with_its_line() {
    let env = TestEnv::seed();
    let v = env.search_json("Hibiya riots", &[]);
    let hit = first(&v);
    assert_eq!(hit["section"], serde_json::json!(["Effects"]));
    assert_eq!(hit["source"]["line_start"], seed_line("Hibiya riots"));
    assert_eq!(hit["source"]["path"], "corpus/treaty-of-portsmouth.txt");
    assert!(hit["text"].as_str().unwrap().contains("Hibiya riots"));
    assert_eq!(hit["kind"], "body");
}

#[test]
fn quoted_phrase_matches_as_a_phrase() {
    let env = TestEnv::seed();
    let v = env.search_json("\"Building 86\"", &[]);
    assert_eq!(v["total_hits"], 1);
    let hit = first(&v);
    assert_eq!(hit["section"], serde_json::json!(["Portsmouth Peace Conference"]));
    assert_eq!(hit["source"]["line_start"], seed_line("Building 86"));
    // The words apart do not make the phrase.
    let v = env.search_json("\"86 Building\"", &[]);
    assert_eq!(v["total_hits"], 0);
}

#[test]
fn more_matching_words_rank_higher_and_partial_matches_remain() {
    let env = TestEnv::seed();
    let v = env.search_json("Sakhalin reparations Hibiya", &["--limit", "50"]);
    let hits = v["hits"].as_array().unwrap();
    // Sakhalin and reparations occur together, Hibiya elsewhere: a passage with two of the
    // words comes before one with a single word, and single-word passages are still there.
    let texts: Vec<&str> = hits.iter().map(|h| h["text"].as_str().unwrap()).collect();
    let count = |t: &str| ["Sakhalin", "reparations", "Hibiya"].iter().filter(|w| t.contains(*w)).count();
    assert_eq!(count(texts[0]), 2, "{}", texts[0]);
    assert!(texts.iter().any(|t| t.contains("Hibiya")));
    let counts: Vec<usize> = texts.iter().map(|t| count(t)).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
}

#[test]
fn snippets_are_short_and_highlight_query_words() {
    let env = TestEnv::seed();
    let v = env.search_json("Witte Sakhalin", &[]);
    for hit in v["hits"].as_array().unwrap() {
        let snippet = hit["snippet"].as_str().unwrap();
        assert!(snippet.split_whitespace().count() <= 45, "{snippet}");
        for h in hit["highlights"].as_array().unwrap() {
            let (a, b) = (h[0].as_u64().unwrap() as usize, h[1].as_u64().unwrap() as usize);
            let word = snippet[a..b].to_lowercase();
            assert!(word == "witte" || word == "sakhalin", "{word}");
        }
    }
}

#[test]
fn text_output_has_rank_citation_line_and_snippet() {
    let env = TestEnv::seed();
    let r = env.run(&["search", "Hibiya", "riots"]).expect(0);
    let line = seed_line("Hibiya riots");
    assert!(
        r.stdout.contains(&format!(
            " 1. Treaty of Portsmouth › Effects ¶1 — corpus/treaty-of-portsmouth.txt:{line}"
        )),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("caused the Hibiya riots"));
    assert!(!r.stdout.contains('\x1b'), "no color when not a terminal");
}

#[test]
fn color_is_off_with_no_color_and_pipes() {
    let env = TestEnv::seed();
    let out = env.command(&["search", "Hibiya"]).env_remove("NO_COLOR").output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn color_follows_the_color_option_and_clicolor() {
    let env = TestEnv::seed();
    env.run(&["index"]).expect(0);
    let colored = |args: &[&str], vars: &[(&str, &str)]| {
        let mut c = env.command(args);
        c.env_remove("NO_COLOR").env_remove("CLICOLOR").env_remove("CLICOLOR_FORCE");
        for (k, v) in vars {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).contains("\x1b[")
    };
    let search = ["search", "--no-update", "Hibiya"];
    assert!(!colored(&search, &[]), "piped: plain");
    assert!(colored(&["--color", "always", "search", "--no-update", "Hibiya"], &[]));
    assert!(
        colored(&["search", "--color=always", "--no-update", "Hibiya"], &[("NO_COLOR", "1")]),
        "asked for"
    );
    assert!(colored(&search, &[("CLICOLOR_FORCE", "1")]));
    assert!(!colored(&search, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]), "NO_COLOR wins over auto");
    assert!(!colored(&["--color", "never", "search", "--no-update", "Hibiya"], &[("CLICOLOR_FORCE", "1")]));
    let r = env.run(&["--color", "sometimes", "search", "x"]).expect(2);
    assert!(r.stderr.contains("[possible values: auto, always, never]"), "{}", r.stderr);
}

#[test]
fn passage_kinds_of_the_seed() {
    let env = TestEnv::seed();
    let total = |q: &str| env.search_json(q, &["--limit", "100"])["total_hits"].as_u64().unwrap();
    assert_eq!(total("kind:reference"), 13);
    assert_eq!(total("kind:link"), 4);
    assert_eq!(total("kind:caption"), 6);
    assert_eq!(total("kind:note"), 3);
    let captions = env.search_json("kind:caption", &["--limit", "100"]);
    let files: Vec<&str> =
        captions["hits"].as_array().unwrap().iter().filter_map(|h| h["file"].as_str()).collect();
    assert_eq!(files.len(), 4, "gallery captions keep their file name");
    assert!(files.contains(&"Hotel Wentworth.jpg"));
    let lead: Vec<&Value> = captions["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["section"] == serde_json::json!([]))
        .collect();
    assert_eq!(lead.len(), 2, "two captions under the title");
}

#[test]
fn near_identical_notes_collapse_into_one_hit() {
    let env = TestEnv::seed();
    let v = env.search_json("kind:note", &[]);
    assert_eq!(v["hits"].as_array().unwrap().len(), 1);
    assert_eq!(v["hits"][0]["duplicates"].as_array().unwrap().len(), 2);
}

#[test]
fn limit_and_offset_page_through_hits() {
    let env = TestEnv::seed();
    let all = env.search_json("Portsmouth", &["--limit", "6"]);
    let page = env.search_json("Portsmouth", &["--limit", "3", "--offset", "3"]);
    let ids = |v: &Value| {
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&all)[3..], ids(&page)[..]);
    assert_eq!(page["hits"][0]["rank"], 4);
}

#[test]
fn first_search_builds_the_index() {
    let env = TestEnv::seed();
    assert!(!env.path("index/meta.json").exists());
    let r = env.run(&["search", "Roosevelt"]).expect(0);
    assert!(r.stderr.contains("building it"), "{}", r.stderr);
    assert!(env.path("index/meta.json").exists());
    let r = env.run(&["search", "Roosevelt"]).expect(0);
    assert!(!r.stderr.contains("building"), "{}", r.stderr);
}

#[test]
fn misspellings_are_corrected_and_said_unless_exact() {
    let env = TestEnv::seed();
    let v = env.search_json("Rooseveldt Nobel", &[]);
    assert_eq!(v["corrections"], serde_json::json!([{"from": "Rooseveldt", "to": "roosevelt"}]));
    assert!(v["hits"][0]["text"].as_str().unwrap().contains("Roosevelt"));
    let r = env.run(&["search", "Rooseveldt"]).expect(0);
    assert!(r.stdout.starts_with("showing results for \"roosevelt\""), "{}", r.stdout);
    env.run(&["search", "--exact", "Rooseveldt"]).expect(1);
    // Inside a phrase too, and the phrase stays a phrase.
    let v = env.search_json("\"Hibya riots\"", &[]);
    assert_eq!(v["total_hits"], 1);
    assert_eq!(v["corrections"][0]["to"], "hibiya");
}

#[test]
fn folding_stemming_and_explain() {
    let env = TestEnv::seed();
    let v = env.search_json("Jutaro", &[]);
    assert!(v["hits"][0]["text"].as_str().unwrap().contains("Jutarō"));
    assert_eq!(v["corrections"], serde_json::json!([]));
    let v = env.search_json("ratifying", &["--explain"]);
    assert!(v["hits"][0]["text"].as_str().unwrap().contains("ratified"));
    let e = &v["hits"][0]["explanation"];
    let part = |k: &str| e[k].as_f64().unwrap();
    assert!(part("passage") > 0.0 && part("document") > 0.0 && part("crowding") == 1.0, "{e}");
    let sum = (part("passage") + part("document")) * part("crowding");
    assert!((part("score") - sum).abs() < 1e-3, "score is the sum of its parts: {e}");
    let r = env.run(&["search", "--explain", "Sakhalin reparations"]).expect(0);
    assert!(r.stdout.contains("= (passage ") && r.stdout.contains("× crowding 1"), "{}", r.stdout);
}

#[test]
fn folding_keeps_distinct_passages_and_paging_within_bounds() {
    let env = TestEnv::empty();
    let mut text = String::from("Dup test\n\n");
    for _ in 0..40 {
        text.push_str("Sakhalin island.\n\n");
    }
    text.push_str("The long paragraph about the island of Sakhalin and its history in the war.\n");
    env.write("corpus/d.txt", text);
    let v = env.search_json("Sakhalin", &[]);
    assert_eq!(v["hits"].as_array().unwrap().len(), 2, "the copies fold, the distinct passage stays");
    assert_eq!(v["hits"][0]["duplicates_total"], 39);
    assert_eq!(v["hits"][0]["duplicates"].as_array().unwrap().len(), 39);
    let v = env.search_json("Sakhalin", &["--duplicates", "5"]);
    assert_eq!(v["hits"][0]["duplicates"].as_array().unwrap().len(), 5);
    assert_eq!(v["hits"][0]["duplicates_total"], 39);
    let r = env.run(&["search", "Sakhalin"]).expect(0);
    assert!(r.stdout.contains(" and 29 more"), "ten ids listed in text: {}", r.stdout);
    let r = env.run(&["search", "--duplicates", "0", "Sakhalin"]).expect(0);
    assert!(r.stdout.contains(" · same text at 39 other passages"), "{}", r.stdout);
    // Huge paging values are clamped, not a crash.
    env.run(&["search", "--limit", "1000000000", "Sakhalin"]).expect(0);
    env.run(&["search", "--offset", "9223372036854775793", "Sakhalin", "island"]).expect(0);
    env.run(&["search", "--limit", "0", "Sakhalin"]).expect(0);
}

#[test]
fn a_page_is_filled_past_a_line_repeated_more_often_than_the_candidates_first_read() {
    // A footer in 300 files outranks every other passage holding its word: the first
    // candidates fold into one hit, and the search reads deeper for the rest of the page.
    let env = TestEnv::empty();
    for i in 0..300 {
        env.write(
            &format!("corpus/f{i:03}.txt"),
            format!("Notes {i}\n\nScanned at the Gutenberg archive.\n"),
        );
    }
    let long = |topic: &str| {
        format!(
            "{topic} was printed with movable type long after Gutenberg first set a page in Mainz, and the printers of the town kept his methods for a century or more.\n"
        )
    };
    env.write("corpus/press.txt", format!("Press\n\n{}\n{}", long("The almanac"), long("The psalter")));
    let v = env.search_json("gutenberg", &[]);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3, "{v}");
    assert_eq!(hits[0]["duplicates_total"], 299);
    assert_eq!(hits[0]["duplicates_total_relation"], "eq", "every match was read");
    // Ids are listed from the candidates first read (twice the page, at least 200).
    assert_eq!(hits[0]["duplicates"].as_array().unwrap().len(), 199);
    assert!(hits[1..].iter().all(|h| h["text"].as_str().unwrap().contains("movable type")), "{v}");
    assert_eq!(v["total_hits"], 302);
    // One hit wanted: the first 200 candidates fill it, and the count is a lower bound.
    let v = env.search_json("gutenberg", &["--limit", "1"]);
    assert_eq!(v["hits"][0]["duplicates_total"], 199);
    assert_eq!(v["hits"][0]["duplicates_total_relation"], "gte");
    let r = env.run(&["search", "--limit", "1", "gutenberg"]).expect(0);
    assert!(r.stdout.contains(" and at least 189 more"), "{}", r.stdout);
}

#[test]
fn the_expansion_does_not_depend_on_the_page() {
    // The first 200 candidates are one document's copies of a line: the expansion reads the
    // best candidates only, not as deep as a page needs to fill.
    let env = TestEnv::empty();
    env.write("corpus/log.txt", format!("Log\n\n{}", "Memory leak found.\n\n".repeat(300)));
    env.write(
        "corpus/press.txt",
        "Press\n\nThe printers of Mainz kept the memory of the almanac and its type for a century.\n",
    );
    let run = |limit: &str| env.search_json("memory", &["--expand", "--limit", limit]);
    let (one, two) = (run("1"), run("2"));
    assert_eq!(one["expansion"], two["expansion"]);
    assert_eq!(one["hits"][0]["score"], two["hits"][0]["score"]);
}

#[test]
fn prefixes_match_stemmed_words_and_an_exclusion_taken_for_an_option_gets_a_tip() {
    let env = TestEnv::seed();
    assert!(env.search_json("negotiations*", &[])["total_hits"].as_u64().unwrap() >= 9);
    let r = env.run(&["search", "Sakhalin", "-Witte"]).expect(2);
    assert!(r.stderr.contains("tip: to exclude a word, quote the query"), "{}", r.stderr);
    assert!(r.stderr.contains("Usage: citedex search"), "{}", r.stderr);
    let r = env.run(&["search", "--", "Sakhalin", "-Witte"]).expect(0);
    assert!(!r.stdout.contains("Witte proposed"), "{}", r.stdout);
}

/// The texts of every hit of a query (all pages).
fn hit_texts(env: &TestEnv, query: &str) -> Vec<String> {
    let v = env.search_json(query, &["--limit", "1000"]);
    v["hits"].as_array().unwrap().iter().map(|h| h["text"].as_str().unwrap().to_lowercase()).collect()
}

#[test]
fn and_plus_not_and_parentheses_work_as_in_lucene() {
    let env = TestEnv::seed();
    let either = hit_texts(&env, "Sakhalin Korea");
    let both = hit_texts(&env, "Sakhalin AND Korea");
    assert!(!both.is_empty() && both.len() < either.len(), "{} of {}", both.len(), either.len());
    assert!(both.iter().all(|t| t.contains("sakhalin") && t.contains("korea")), "{both:?}");
    assert_eq!(hit_texts(&env, "Sakhalin && Korea"), both);
    assert_eq!(hit_texts(&env, "+Sakhalin +Korea"), both);
    let required = hit_texts(&env, "+Korea Sakhalin");
    assert!(required.iter().all(|t| t.contains("korea")), "{required:?}");
    assert!(required.len() > both.len(), "Sakhalin is optional beside +Korea");
    for q in ["Sakhalin NOT Witte", "Sakhalin -Witte", "Sakhalin !Witte", "Sakhalin AND NOT Witte"] {
        let texts = hit_texts(&env, q);
        assert!(!texts.is_empty() && texts.iter().all(|t| !t.contains("witte")), "{q}: {texts:?}");
    }
    let grouped = hit_texts(&env, "(Tsushima OR Mukden) AND battle");
    assert!(!grouped.is_empty());
    assert!(
        grouped.iter().all(|t| t.contains("battle") && (t.contains("tsushima") || t.contains("mukden"))),
        "{grouped:?}"
    );
    // `and` in lower case is a word, not the operator.
    assert!(env.search_json("war and peace", &[])["total_hits"].as_u64().unwrap() > 0);
    let r = env.run(&["search", "(Sakhalin OR Korea"]).expect(2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("unclosed `(`"), "{}", r.stderr);
}

#[test]
fn only_typos_are_corrected_and_shown_as_words_of_the_text() {
    let env = TestEnv::seed();
    // The stem `mahogani` is what the index holds; the word of the text is shown.
    let v = env.search_json("mahogony furniture", &[]);
    assert_eq!(v["corrections"], serde_json::json!([{"from": "mahogony", "to": "mahogany"}]));
    // A real word the corpus lacks is not turned into another word (`stations` → `nation`).
    assert_eq!(env.search_json("stations Portsmouth", &[])["corrections"], serde_json::json!([]));
    // Short words are left as typed.
    assert_eq!(env.search_json("waer", &[])["corrections"], serde_json::json!([]));
    // With enough known words the query is carried by them: the unknown one stays.
    let v = env.search_json("Roosevelt Japan Russia treaty Portsmuoth", &[]);
    assert_eq!(v["corrections"], serde_json::json!([]));
    let v = env.search_json("Portsmuoth Forum 1994", &[]);
    assert_eq!(v["corrections"], serde_json::json!([{"from": "Portsmuoth", "to": "portsmouth"}]));
}

#[test]
fn paging_never_changes_the_order_of_the_first_hits() {
    let env = TestEnv::seed();
    for q in ["treaty", "Roosevelt peace negotiations", "the war between Russia and Japan"] {
        let ids = |extra: &[&str]| -> Vec<String> {
            let v = env.search_json(q, extra);
            v["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect()
        };
        let all = ids(&["--limit", "100"]);
        assert_eq!(ids(&["--limit", "3"]), all[..3.min(all.len())].to_vec(), "{q}");
        assert_eq!(ids(&["--limit", "3", "--offset", "3"]), all[3.min(all.len())..6.min(all.len())].to_vec());
    }
}

/// Ids and explanations of a query's hits.
fn explained(env: &TestEnv, query: &str) -> Vec<(String, serde_json::Value)> {
    let v = env.search_json(query, &["--explain", "--limit", "50"]);
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["id"].as_str().unwrap().to_string(), h["explanation"].clone()))
        .collect()
}

/// Four articles: one about glaciers, one that mentions a glacier once, two about other things.
fn glacier_corpus(env: &TestEnv) {
    env.write(
        "corpus/glaciers.txt",
        "[[Glaciers]]\n\nA glacier is a body of ice that moves under its own weight.\n\n\
         The glacier carries rock and leaves a moraine where the ice melts.\n\n\
         Every glacier advances in cold years and retreats in warm ones, and a glacier \
         never stops moving.\n\n\
         Glacier ice is blue because it absorbs red light.\n",
    );
    env.write(
        "corpus/valleys.txt",
        "[[Valleys]]\n\nA valley is a low area between hills, often with a river.\n\n\
         Some valleys were carved by a glacier long ago and keep a moraine.\n",
    );
    env.write("corpus/rivers.txt", "[[Rivers]]\n\nA river flows downhill to the sea or a lake.\n");
    env.write("corpus/deserts.txt", "[[Deserts]]\n\nA desert gets little rain and few plants grow there.\n");
}

#[test]
fn a_passage_of_a_document_about_the_query_ranks_first() {
    let env = TestEnv::empty();
    glacier_corpus(&env);
    let hits = explained(&env, "glacier moraine");
    // Two passages hold both words; the one in the article about glaciers wins on its document.
    assert_eq!(hits[0].0, "glaciers/lead/2", "{hits:?}");
    let doc = |i: usize| hits[i].1["document"].as_f64().unwrap();
    let valley = hits.iter().position(|(id, _)| id == "valleys/lead/2").expect("the valley passage");
    assert!(doc(0) > doc(valley), "{hits:?}");
    // Every passage of one document has the same document score.
    let glacier_docs: Vec<f64> = hits
        .iter()
        .filter(|(id, _)| id.starts_with("glaciers/"))
        .map(|(_, e)| e["document"].as_f64().unwrap())
        .collect();
    assert!(
        glacier_docs.len() >= 4 && glacier_docs.windows(2).all(|w| (w[0] - w[1]).abs() < 1e-4),
        "{glacier_docs:?}"
    );
}

#[test]
fn crowding_spreads_the_first_hits_over_documents() {
    let env = TestEnv::empty();
    glacier_corpus(&env);
    let hits = explained(&env, "glacier");
    let docs: Vec<&str> = hits.iter().take(3).map(|(id, _)| id.split('/').next().unwrap()).collect();
    let mut distinct = docs.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(distinct.len() >= 2, "the first three hits come from more than one article: {docs:?}");
    // Within the glacier article the factors halve in rank order.
    let factors: Vec<f64> = hits
        .iter()
        .filter(|(id, _)| id.starts_with("glaciers/"))
        .map(|(_, e)| e["crowding"].as_f64().unwrap())
        .collect();
    assert_eq!(factors, vec![1.0, 0.5, 0.25, 0.125], "{hits:?}");
    assert_eq!(hits.len(), 5, "four glacier passages and the valley's: {hits:?}");
}

/// The glacier corpus indexed, then one article changed and another added (not yet indexed):
/// the next search updates only those files.
fn indexed_then_changed() -> TestEnv {
    let env = TestEnv::empty();
    glacier_corpus(&env);
    env.run(&["index"]).expect(0);
    env.write(
        "corpus/valleys.txt",
        "[[Valleys]]\n\nA valley is low ground.\n\nA glacier valley has a U shape and a moraine at its mouth.\n",
    );
    env.write("corpus/ice.txt", "[[Ice]]\n\nIce forms a glacier where snow outlasts the summer.\n");
    env
}

#[test]
fn an_updated_index_scores_as_a_rebuilt_one() {
    let env = indexed_then_changed();
    let updated = explained(&env, "glacier moraine");
    env.run(&["index", "--rebuild"]).expect(0);
    let rebuilt = explained(&env, "glacier moraine");
    // Until segments merge, tantivy's statistics still count the replaced passages (as
    // Lucene's do), so scores may differ a little; the passages found may not, and each
    // document's score must come from the same passages.
    let sorted = |h: &[(String, serde_json::Value)]| {
        let mut v: Vec<(String, f64)> =
            h.iter().map(|(id, e)| (id.clone(), e["document"].as_f64().unwrap())).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    let (u, r) = (sorted(&updated), sorted(&rebuilt));
    let ids = |v: &[(String, f64)]| v.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&u), ids(&r));
    assert!(ids(&u).contains(&"valleys/lead/2".to_string()), "{u:?}");
    for (a, b) in u.iter().zip(&r) {
        assert!(b.1 > 0.0 && (a.1 - b.1).abs() <= 0.25 * b.1, "{a:?} vs {b:?}");
    }
}

#[test]
fn an_index_of_several_segments_finds_what_a_rebuilt_one_finds() {
    // An update adds a segment beside the first (whose replaced passages are deleted): a
    // phrase and an intersection are then searched segment by segment, on several threads
    // where there are cores, and the best passages are found across the segments.
    let env = indexed_then_changed();
    env.write("corpus/moraines.txt", "[[Moraines]]\n\nA glacier leaves a moraine of rock.\n");
    let queries = ["\"a glacier\"", "glacier AND moraine", "glacier", "\"the ice\" OR moraine"];
    let found = |env: &TestEnv| -> Vec<(Vec<String>, u64, String)> {
        queries
            .iter()
            .map(|q| {
                let v = env.search_json(q, &["--limit", "50"]);
                let mut ids: Vec<String> = v["hits"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h["id"].as_str().unwrap().to_string())
                    .collect();
                ids.sort();
                (
                    ids,
                    v["total_hits"].as_u64().unwrap(),
                    v["total_hits_relation"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let updated = found(&env);
    env.run(&["index", "--rebuild"]).expect(0);
    let rebuilt = found(&env);
    assert_eq!(updated, rebuilt);
    assert!(updated[0].0.contains(&"moraines/lead/1".to_string()), "{:?}", updated[0]);
    assert!(updated[1].0.contains(&"valleys/lead/2".to_string()), "{:?}", updated[1]);
}

#[test]
fn a_word_only_a_later_segment_holds_is_known_to_the_spelling_check() {
    // `outlasts` is only in ice.txt, which the update indexes into a second segment: the
    // spelling check looks segment by segment and must not stop at the first.
    let env = indexed_then_changed();
    env.run(&["index"]).expect(0);
    let v = env.search_json("outlasts", &[]);
    assert_eq!(v["corrections"].as_array().map(Vec::len), Some(0), "{v}");
    assert_eq!(v["hits"][0]["id"].as_str(), Some("ice/lead/1"), "{v}");
}

#[test]
fn expand_adds_the_words_of_the_best_documents() {
    let env = TestEnv::empty();
    glacier_corpus(&env);
    let plain = env.search_json("moraine", &[]);
    assert!(plain.get("expansion").is_none(), "only with --expand: {plain}");
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(ids(&plain).len(), 2, "two passages say moraine");
    let v = env.search_json("moraine", &["--expand"]);
    let terms: Vec<&str> =
        v["expansion"].as_array().unwrap().iter().map(|e| e["term"].as_str().unwrap()).collect();
    assert!(terms.contains(&"glacier"), "{terms:?}");
    assert!(terms.len() <= 10 && !terms.contains(&"the") && !terms.contains(&"a"), "{terms:?}");
    let weights: Vec<f64> =
        v["expansion"].as_array().unwrap().iter().map(|e| e["weight"].as_f64().unwrap()).collect();
    assert!(weights.windows(2).all(|w| w[0] >= w[1]), "heaviest first: {weights:?}");
    assert!(
        (weights.iter().sum::<f64>() - 0.5).abs() < 1e-3,
        "the expansion holds half the weight: {weights:?}"
    );
    // The passages that say moraine still lead; passages about glaciers without the word follow.
    let expanded = ids(&v);
    assert_eq!(expanded[..2].iter().filter(|id| ids(&plain).contains(id)).count(), 2, "{expanded:?}");
    assert!(expanded.contains(&"glaciers/lead/1".to_string()), "{expanded:?}");
    let r = env.run(&["search", "--expand", "moraine"]).expect(0);
    assert!(r.stdout.starts_with("expanded with: "), "{}", r.stdout);
}

/// The highlighted parts of the first hit's snippet.
fn first_highlights(v: &Value) -> Vec<String> {
    let hit = first(v);
    let snippet = hit["snippet"].as_str().unwrap();
    hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| snippet[h[0].as_u64().unwrap() as usize..h[1].as_u64().unwrap() as usize].to_string())
        .collect()
}

#[test]
fn japanese_runs_are_found_whole_in_part_and_by_one_character() {
    let env = TestEnv::empty();
    env.add_fixture("relevance/hibiya-ja.txt");
    // A run of several characters: exactly that run, across Han and kana.
    let v = env.search_json("樺太の南半分", &[]);
    assert!(first(&v)["text"].as_str().unwrap().contains("樺太の南半分の割譲"), "{v}");
    assert_eq!(first_highlights(&v), vec!["樺太の南半分"]);
    // Characters that are not next to each other in the text do not match as a phrase.
    assert_eq!(env.search_json("\"樺南\"", &["--exact"])["total_hits"], 0);
    // One character is found inside longer runs.
    let v = env.search_json("樺", &[]);
    assert!(v["total_hits"].as_u64().unwrap() >= 1, "{v}");
    assert!(first(&v)["text"].as_str().unwrap().contains('樺'));
    assert!(first_highlights(&v).iter().all(|h| h.contains('樺')), "{v}");
}

#[test]
fn timings_name_every_stage_of_a_search() {
    let env = TestEnv::seed();
    env.run(&["index"]).expect(0);
    let r = env.run(&["search", "--timings", "--no-update", "Witte"]).expect(0);
    let line = r.stderr.lines().last().unwrap_or_default();
    assert!(line.starts_with("timings: "), "{}", r.stderr);
    for stage in
        ["opening the index", "spelling", "search", "count", "ranking", "reading the hits", "snippets"]
    {
        assert!(line.contains(&format!("{stage} ")), "{stage}: {line}");
    }
    // Not asked for: nothing on stderr.
    assert_eq!(env.run(&["search", "--no-update", "Witte"]).expect(0).stderr, "");
}

#[test]
fn counts_are_exact_up_to_ten_thousand_then_a_lower_bound() {
    let env = TestEnv::empty();
    // 10,001 passages hold "common", 10,000 of them "shared", 3 "rare".
    let mut text = String::from("[[Counting]]\n");
    for i in 0..10_001 {
        let shared = if i < 10_000 { "shared" } else { "other" };
        let rare = if i % 4000 == 0 { " rare" } else { "" };
        text.push_str(&format!("Line {i} has a common word and a {shared} one{rare}.\n"));
    }
    env.write("corpus/counting.txt", &text);
    env.run(&["index"]).expect(0);
    let v = env.search_json("common", &[]);
    assert_eq!((v["total_hits"].as_u64(), v["total_hits_relation"].as_str()), (Some(10_000), Some("gte")));
    let v = env.search_json("shared", &[]);
    assert_eq!((v["total_hits"].as_u64(), v["total_hits_relation"].as_str()), (Some(10_000), Some("eq")));
    let v = env.search_json("rare", &[]);
    assert_eq!((v["total_hits"].as_u64(), v["total_hits_relation"].as_str()), (Some(3), Some("eq")));
    // A phrase, and words that must all be there, are counted in the pass that ranks them,
    // which visits every match: exactly.
    for q in ["\"a common word\"", "common AND word", "+common +word"] {
        let v = env.search_json(q, &[]);
        assert_eq!(
            (v["total_hits"].as_u64(), v["total_hits_relation"].as_str()),
            (Some(10_001), Some("eq")),
            "{q}"
        );
    }
    let r = env.run(&["search", "--no-update", "common"]);
    let r = r.expect(0);
    assert!(r.stdout.contains("of at least 10000 matching passages"), "{}", r.stdout);
}

#[test]
fn highlights_are_also_given_in_characters() {
    let env = TestEnv::empty();
    env.add_fixture("relevance/hibiya-ja.txt");
    let v = env.search_json("樺太の南半分", &[]);
    let hit = first(&v);
    let chars: Vec<char> = hit["snippet"].as_str().unwrap().chars().collect();
    let in_chars: Vec<String> = hit["highlights_chars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| chars[h[0].as_u64().unwrap() as usize..h[1].as_u64().unwrap() as usize].iter().collect())
        .collect();
    assert_eq!(in_chars, first_highlights(&v));
    assert_eq!(in_chars, vec!["樺太の南半分"]);
}

#[test]
fn count_and_files_with_matches_as_grep_does() {
    let env = TestEnv::seed();
    env.write("corpus/notes.md", "# Notes\n\nSakhalin again, in a second file.\n\nNothing here.\n");
    let r = env.run(&["search", "--count", "Sakhalin"]).expect(0);
    let total = env.search_json("Sakhalin", &["--no-update"])["total_hits"].as_u64().unwrap();
    assert_eq!(r.stdout.trim().parse::<u64>().unwrap(), total);
    assert!(total >= 2);
    // Files in corpus order, each once.
    let r = env.run(&["search", "-l", "--no-update", "Sakhalin"]).expect(0);
    assert_eq!(r.stdout, "corpus/notes.md\ncorpus/treaty-of-portsmouth.txt\n");
    let r = env.run(&["search", "-l", "--no-update", "Witte"]).expect(0);
    assert_eq!(r.stdout, "corpus/treaty-of-portsmouth.txt\n");
    let v: Value =
        serde_json::from_str(&env.run(&["search", "-l", "--json", "--no-update", "second"]).expect(0).stdout)
            .unwrap();
    assert_eq!(v["count"], 1);
    assert_eq!(v["documents"][0]["path"], "corpus/notes.md");
    assert_eq!(v["documents"][0]["document"], "Notes");
    // Nothing matches: exit 1, nothing on stdout for -l, 0 for -c, and a line on stderr.
    let r = env.run(&["search", "-l", "--no-update", "--exact", "xylophone"]).expect(1);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr, "citedex: no passage matches `xylophone`\n");
    assert_eq!(env.run(&["search", "-c", "--no-update", "--exact", "xylophone"]).expect(1).stdout, "0\n");
    env.run(&["search", "-c", "-l", "x"]).expect(2);
}

#[test]
fn no_match_and_paging_past_the_end_say_so_on_stderr() {
    let env = TestEnv::seed();
    env.run(&["index"]).expect(0);
    let r = env.run(&["search", "--exact", "xylophone"]).expect(1);
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("", "citedex: no passage matches `xylophone`\n"));
    let r = env.run(&["search", "--no-update", "--offset", "50", "Witte"]).expect(0);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.starts_with("citedex: no hits past 50: `Witte` matches "), "{}", r.stderr);
    // JSON keeps stdout to the object.
    let r = env.run(&["search", "--no-update", "--json", "--exact", "xylophone"]).expect(1);
    assert_eq!(serde_json::from_str::<Value>(&r.stdout).unwrap()["total_hits"], 0);
}

#[test]
fn full_width_forms_are_found_by_their_usual_forms() {
    let env = TestEnv::empty();
    env.write(
        "corpus/occupation.txt",
        "[[占領]]\n\n１９４５年、ＧＨＱが東京に置かれた。\n\nA later paragraph in English about 1950.\n",
    );
    env.run(&["index"]).expect(0);
    let v = env.search_json("GHQ", &[]);
    assert_eq!(v["total_hits"], 1, "{v}");
    assert_eq!(first_highlights(&v), vec!["ＧＨＱ"]);
    let v = env.search_json("1945", &[]);
    assert_eq!(first_highlights(&v), vec!["１９４５"]);
    // And the other way round.
    assert_eq!(
        env.search_json("１９５０", &[])["hits"][0]["text"],
        "A later paragraph in English about 1950."
    );
}

#[test]
fn ids_end_in_the_paragraph_number_and_cut_paragraphs_number_their_parts() {
    let env = TestEnv::empty();
    let long: String =
        (1..=40).map(|i| format!("Sentence {i} of the long paragraph goes on a while. ")).collect();
    env.write(
        "corpus/long.md",
        format!("# Long\n\nA short lead about zebras.\n\n{long}\n\nThe last zebras.\n"),
    );
    env.run(&["index"]).expect(0);
    let v = env.search_json("paragraph", &["--limit", "100"]);
    let mut ids: Vec<String> =
        v["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect();
    ids.sort();
    assert!(ids.len() >= 3, "{ids:?}");
    assert!(ids.iter().all(|id| id.starts_with("long/lead/2.")), "{ids:?}");
    assert!(
        ids.contains(&"long/lead/2.1".to_string()) && ids.contains(&"long/lead/2.2".to_string()),
        "{ids:?}"
    );
    let v = env.search_json("zebras", &[]);
    for h in v["hits"].as_array().unwrap() {
        let n = h["paragraph"].as_u64().unwrap();
        assert_eq!(h["id"], format!("long/lead/{n}"), "{h}");
        assert!(h["cite_as"].as_str().unwrap().contains(&format!("¶{n} ")), "{h}");
    }
    // show finds a piece by its id, and a cut paragraph's number alone names its first piece.
    env.run(&["show", "--no-update", "long/lead/2.2"]).expect(0);
    let first = env.run(&["show", "--no-update", "--json", "long/lead/2.1"]).expect(0).stdout;
    assert_eq!(env.run(&["show", "--no-update", "--json", "long/lead/2"]).expect(0).stdout, first);
    env.run(&["show", "--no-update", "long/lead/9"]).expect(2);
}

/// The title is indexed on a document's first passage only; a passage further on still
/// scores its document's title (`rank::with_titles`) and is found by `doc:` with a word of
/// the title (`search::documents::Whole`).
#[test]
fn a_passage_after_the_first_scores_and_filters_by_its_documents_title() {
    let env = TestEnv::empty();
    // The same words in the same places, but only the second document's title holds "river";
    // the first document comes first in the corpus, so it wins a tie.
    env.write(
        "corpus/a.txt",
        "[[Notes on travel]]\n\nWe left the inn early.\n\n==Trip==\nThe river crossing at dawn was cold.\n",
    );
    env.write(
        "corpus/b.txt",
        "[[River crossings]]\n\nWe left the inn early.\n\n==Trip==\nThe river crossing at dusk was cold.\n",
    );
    let v = env.search_json("river", &[]);
    let hit = first(&v);
    assert_eq!(hit["document"], "River crossings", "{v:#}");
    assert_eq!(hit["section"], serde_json::json!(["Trip"]));
    // Only the first passage holds the title's words; the filter takes the whole document.
    let v = env.search_json("doc:river cold", &[]);
    assert_eq!(v["total_hits"], 1, "{v:#}");
    assert_eq!(first(&v)["document"], "River crossings");
    assert!(first(&v)["text"].as_str().unwrap().contains("at dusk"));
}

/// A passage that owes its place among the re-ranked candidates to its document's title is
/// found though the title is indexed on the document's first passage only: more passages
/// match than the first stage keeps (`rank::RERANK_DEPTH`, 200), and the one in the document
/// titled by the query's word mentions it once in a long paragraph, where 240 short ones
/// elsewhere repeat it (`rank::with_titles` looks into the documents whose title can lift a
/// passage into the 200).
#[test]
fn a_passage_lifted_by_its_title_is_found_among_more_matches_than_are_re_ranked() {
    let env = TestEnv::empty();
    let mut many = String::new();
    for i in 0..240 {
        many.push_str(&format!(
            "[[Log {i}]]\n\nEntry {i}.\n\n==Day==\nBoat {i} in the harbour, the harbour: harbour work.\n\n\n"
        ));
    }
    env.write("corpus/logs.txt", &many);
    let long = "Ships, crews and cargo came and went all through that long summer, and the town \
                grew around the quays, the warehouses and the old customs house by the harbour \
                while the merchants argued over tolls, weights and the price of salt and grain.";
    env.write("corpus/harbour.txt", format!("[[Harbour]]\n\nA town history.\n\n==Summer==\n{long}\n"));
    let v = env.search_json("harbour", &["--limit", "10"]);
    assert!(v["total_hits"].as_u64().unwrap() > 200, "{v:#}");
    let hits = v["hits"].as_array().unwrap();
    let ours: Vec<&serde_json::Value> = hits.iter().filter(|h| h["document"] == "Harbour").collect();
    assert!(
        ours.iter().any(|h| h["section"] == serde_json::json!(["Summer"])),
        "the Summer passage of the document titled Harbour is not among the first 10: {v:#}"
    );
}
