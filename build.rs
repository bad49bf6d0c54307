//! Links the `citedex` binary as a position-dependent executable on Linux with glibc: the
//! dynamic loader then has no relative relocations to apply at start-up (28,000 of them, a
//! third of a `citedex --version`'s page faults), which a search pays in every process.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
