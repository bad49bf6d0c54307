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
