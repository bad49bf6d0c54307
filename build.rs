//! Links the `citedex` binary on Linux with glibc so that a process starts with as little work
//! as it can: a search is one process, and starting was a third of its time.
//!
//! - Statically, where the C toolchain has glibc's static archives (Debian's `libc6-dev`
//!   does): no dynamic loader, so no loading and binding of libc, libm and libgcc_s in every
//!   process (200 MB bench corpus, the kit's queries: 0.88x the time of a search against the
//!   same code linked dynamically; see the commits that made and mended this file).
//! - Position-dependent (`-no-pie`), static or not: no relative relocations to apply at
//!   start-up (28,000 of them, a third of a dynamic `citedex --version`'s page faults).
//!
//! rustc links statically only with `-C target-feature=+crt-static`, which Cargo would also
//! pass to the proc-macros it builds for the host (they cannot be linked so) unless every
//! build names a `--target`. So the binary is linked with `-static` here, and the system
//! libraries rustc asks for (`-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc`, after a
//! `-Bdynamic`) are found as small linker scripts naming glibc's and libgcc's static archives
//! (what `crt-static` links), in a folder given to the binary's link alone. Its `-L` comes
//! after rustc's and the dependencies' folders, which hold no system libraries here, and
//! before the C toolchain's own. A tiny C program is linked the same way and run first; the
//! binary is linked dynamically (position-dependent) when that fails, when an archive is
//! missing, when cross-compiling, when a linker or crt-static is chosen in RUSTFLAGS, when
//! zstd comes from the system (`ZSTD_SYS_USE_PKG_CONFIG`), or with `CITEDEX_DYNAMIC=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    for var in ["CITEDEX_DYNAMIC", "ZSTD_SYS_USE_PKG_CONFIG", "RUSTC_LINKER"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux" || var("CARGO_CFG_TARGET_ENV") != "gnu" {
        return;
    }
    if var("CARGO_CFG_TARGET_FEATURE").split(',').any(|f| f == "crt-static") {
        return; // rustc links statically itself (as a static PIE).
    }
    println!("cargo:rustc-link-arg-bins=-no-pie");
    let rustflags = var("CARGO_ENCODED_RUSTFLAGS");
    let own_linker = rustflags.split('\u{1f}').any(|f| f.trim_start_matches("-C").starts_with("linker="));
    if var("CITEDEX_DYNAMIC") == "1"
        || !var("ZSTD_SYS_USE_PKG_CONFIG").is_empty()
        || var("TARGET") != var("HOST")
        || own_linker
    {
        return;
    }
    let linker = std::env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".to_string());
    let out = PathBuf::from(var("OUT_DIR"));
    let folder = out.join("static-libraries");
    let Some(archives) = static_libraries(&linker, &folder) else { return };
    // A later upgrade of the C toolchain moves the archives: look them up again then.
    for archive in &archives {
        println!("cargo:rerun-if-changed={}", archive.display());
    }
    if links_and_runs(&linker, &folder, &out) {
        println!("cargo:rustc-link-arg-bins=-static");
        println!("cargo:rustc-link-arg-bins=-L{}", folder.display());
        // For the tests, which check the binary is what this says.
        println!("cargo:rustc-env=CITEDEX_LINKED_STATICALLY=1");
    }
}

/// Each library rustc links a Linux binary with, in its order, and the static archives that
/// stand for it.
/// libgcc_s (the unwinder and compiler helpers) is libgcc_eh plus libgcc; libc is grouped
/// with them because each needs the other.
const LIBRARIES: &[(&str, &[&str])] = &[
    ("gcc_s", &["libgcc_eh.a", "libgcc.a"]),
    ("util", &["libutil.a"]),
    ("rt", &["librt.a"]),
    ("pthread", &["libpthread.a"]),
    ("m", &["libm.a"]),
    ("dl", &["libdl.a"]),
    ("c", &["libc.a", "libgcc_eh.a", "libgcc.a"]),
];

/// Writes into `folder` one linker script per library of [`LIBRARIES`], named as the library
/// (`libc.a`), naming its archives by their full paths; returns the archives, or None when
/// the C toolchain cannot find one of them.
fn static_libraries(linker: &str, folder: &Path) -> Option<Vec<PathBuf>> {
    let mut scripts = Vec::new();
    let mut all = Vec::new();
    for (name, archives) in LIBRARIES {
        let mut paths = Vec::new();
        for archive in *archives {
            paths.push(find(linker, archive)?);
        }
        let quoted: Vec<String> = paths.iter().map(|p| format!("\"{}\"", p.display())).collect();
        scripts.push((format!("lib{name}.a"), format!("GROUP ( {} )\n", quoted.join(" "))));
        all.extend(paths);
    }
    std::fs::create_dir_all(folder).ok()?;
    for (file, script) in scripts {
        std::fs::write(folder.join(file), script).ok()?;
    }
    all.sort();
    all.dedup();
    Some(all)
}

/// The full path of `archive` as the C toolchain finds it (`cc -print-file-name`), if it has it.
fn find(linker: &str, archive: &str) -> Option<PathBuf> {
    let out = Command::new(linker).arg(format!("-print-file-name={archive}")).output().ok()?;
    let path = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    (out.status.success() && path.is_absolute() && path.is_file()).then_some(path)
}

/// Whether a C program linked as the binary will be (`-static`, rustc's libraries after a
/// `-Bdynamic`, the scripts' folder) links and runs: a link that pulled in a shared library
/// would leave a program without a dynamic loader, which cannot start.
fn links_and_runs(linker: &str, folder: &Path, out: &Path) -> bool {
    let source = out.join("static-check.c");
    let program = out.join("static-check");
    if std::fs::write(&source, "int main(void) { return 0; }\n").is_err() {
        return false;
    }
    let linked = Command::new(linker)
        .args(["-static", "-no-pie"])
        .arg(&source)
        .arg(format!("-L{}", folder.display()))
        .arg("-Wl,-Bdynamic")
        .args(LIBRARIES.iter().map(|(name, _)| format!("-l{name}")))
        .arg("-nodefaultlibs")
        .arg("-o")
        .arg(&program)
        .output()
        .is_ok_and(|o| o.status.success());
    linked && Command::new(&program).status().is_ok_and(|s| s.success())
}
