//! `citedex show ID`.

use crate::env::{TestEnv, seed_line};

#[test]
fn show_prints_the_passage_with_its_neighbours() {
    let env = TestEnv::seed();
    let v = env.search_json("\"Building 86\"", &[]);
    let id = v["hits"][0]["id"].as_str().unwrap().to_string();
    let r = env.run(&["show", &id]).expect(0);
    assert!(r.stdout.contains("Mahogany furniture"));
    assert!(r.stdout.contains("[before: "));
    assert!(r.stdout.contains("[after: "));
    assert!(r.stdout.contains(&format!("corpus/treaty-of-portsmouth.txt:{}", seed_line("Building 86"))));
    let r = env.run(&["show", "--json", &id]).expect(0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["id"], id.as_str());
    assert!(j["before"].is_string() && j["after"].is_string());
}

#[test]
fn show_of_an_unknown_id_is_an_error() {
    let env = TestEnv::seed();
    let r = env.run(&["show", "no/such/1"]).expect(2);
    assert!(r.stderr.contains("no passage with id `no/such/1`"), "{}", r.stderr);
}

#[test]
fn show_list_and_stats_see_edits_and_removals_unless_told_not_to() {
    let env = TestEnv::empty();
    env.write("corpus/a.txt", "Alpha\n\nThe first version of the paragraph.\n");
    env.write("corpus/b.txt", "Beta\n\nAnother file.\n");
    env.run(&["index"]).expect(0);
    let id = env.search_json("version", &[])["hits"][0]["id"].as_str().unwrap().to_string();
    // Edited with a line added before: show quotes the new text at its new line.
    std::thread::sleep(std::time::Duration::from_millis(20));
    env.write("corpus/a.txt", "Alpha\n\nA new first paragraph.\n\nThe second version of the paragraph.\n");
    let stale = env.run(&["show", "--no-update", "--json", &id]).expect(0);
    assert!(stale.stdout.contains("first version"), "--no-update shows the index as it is");
    let r = env.run(&["show", "--json", &id]).expect(0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["text"], "A new first paragraph.");
    assert!(r.stderr.contains("indexed"), "the update is reported: {}", r.stderr);
    // Removed: list and stats no longer count it.
    std::fs::remove_file(env.path("corpus/b.txt")).unwrap();
    let r = env.run(&["list", "--no-update"]).expect(0);
    assert!(r.stdout.contains("corpus/b.txt"), "{}", r.stdout);
    let r = env.run(&["list"]).expect(0);
    assert!(!r.stdout.contains("corpus/b.txt"), "{}", r.stdout);
    let v: serde_json::Value = serde_json::from_str(&env.run(&["stats", "--json"]).expect(0).stdout).unwrap();
    assert_eq!(v["documents"], 1, "{v}");
}
