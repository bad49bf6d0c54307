//! `citedex index`.

use crate::env::TestEnv;

#[test]
fn index_prints_one_summary_line() {
    let env = TestEnv::seed();
    let r = env.run(&["index"]).expect(0);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", r.stderr);
    assert!(lines[0].starts_with("indexed 1 document, 46 passages in "), "{}", lines[0]);
}

#[test]
fn several_articles_in_one_file() {
    let env = TestEnv::seed();
    env.write(
        "corpus/two.txt",
        "[[First Article]]\n\nAlpha paragraph.\n\n[[Second Article]]\n\nBeta paragraph.\n",
    );
    env.run(&["index"]).expect(0);
    let v = env.search_json("beta", &[]);
    assert_eq!(v["hits"][0]["document"], "Second Article");
    assert_eq!(v["hits"][0]["id"], "second-article/lead/1");
    assert_eq!(v["hits"][0]["source"]["line_start"], 7);
}
