//! What citedex gives the shell: completion scripts and a manual page.

use crate::env::TestEnv;

#[test]
fn completions_for_each_shell_name_the_subcommands_and_options() {
    let env = TestEnv::empty();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = env.run(&["completions", shell]).expect(0);
        for word in ["search", "cite", "files-with-matches", "color"] {
            assert!(r.stdout.contains(word), "{shell}: no {word}");
        }
    }
    let r = env.run(&["completions", "tcsh"]).expect(2);
    assert!(r.stderr.contains("possible values"), "{}", r.stderr);
    // No corpus or index is needed, and none is made.
    assert!(!env.path("index").exists());
}

#[test]
fn the_manual_page_is_roff_for_section_1() {
    let env = TestEnv::empty();
    let r = env.run(&["man"]).expect(0);
    assert!(r.stdout.contains(".TH citedex 1"), "{}", r.stdout);
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(r.stdout.contains(section), "no {section}");
    }
    assert!(r.stdout.contains("citedex\\-search") || r.stdout.contains("search"));
}
