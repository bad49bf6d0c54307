//! Links the `citedex` binary on Linux with glibc so that a process starts with as little work
//! as it can: a search is one process, and its start is a third of its time.
//!
//! - Position-dependent (`-no-pie`): the dynamic loader has no relative relocations to apply
//!   at start-up (28,000 of them, a third of a `citedex --version`'s page faults).
//! - Statically linked, where the C toolchain has glibc's static archives (Debian's
//!   `libc6-dev` does): no dynamic loader at all, so no loading and binding of libc, libm
//!   and libgcc_s in every process (200 MB bench corpus: 0.88x the time of a search, median
//!   of the kit's queries, against the same build linked dynamically; see the commit).
//!
//! rustc links statically only with `-C target-feature=+crt-static`, which Cargo would also
//! pass to the proc-macros it builds for the host (they cannot be linked so) unless every
//! build names a `--target`. So the binary is linked with `-static` here, and the system
//! libraries rustc asks for (`-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc`) are found, through
//! a search folder given to the binary's link alone, as small linker scripts that name
//! glibc's and libgcc's static archives (what `crt-static` links). Where any archive is
//! missing, or when cross-compiling, or with `CITEDEX_DYNAMIC=1` in the environment, the
//! binary is linked dynamically as before.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CITEDEX_DYNAMIC");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux" || var("CARGO_CFG_TARGET_ENV") != "gnu" {
        return;
    }
    println!("cargo:rustc-link-arg-bins=-no-pie");
    if var("CITEDEX_DYNAMIC") == "1" || var("TARGET") != var("HOST") {
        return;
    }
    let linker = std::env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".to_string());
    let folder = PathBuf::from(var("OUT_DIR")).join("static-libraries");
    if let Some(folder) = static_libraries(&linker, &folder) {
        println!("cargo:rustc-link-arg-bins=-static");
        println!("cargo:rustc-link-arg-bins=-L{}", folder.display());
    }
}

/// Each library rustc links a Linux binary with, and the static archives that stand for it.
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
/// (`libc.a`: the linker looks in this folder before the system's), naming its archives by
/// their full paths; None when the linker cannot find one of them.
fn static_libraries(linker: &str, folder: &Path) -> Option<PathBuf> {
    let mut scripts = Vec::new();
    for (name, archives) in LIBRARIES {
        let mut paths = Vec::new();
        for archive in *archives {
            paths.push(find(linker, archive)?);
        }
        let quoted: Vec<String> = paths.iter().map(|p| format!("\"{}\"", p.display())).collect();
        scripts.push((format!("lib{name}.a"), format!("GROUP ( {} )\n", quoted.join(" "))));
    }
    std::fs::create_dir_all(folder).ok()?;
    for (file, script) in scripts {
        std::fs::write(folder.join(file), script).ok()?;
    }
    Some(folder.to_path_buf())
}

/// The full path of `archive` as the C toolchain finds it (`cc -print-file-name`), if it has it.
fn find(linker: &str, archive: &str) -> Option<PathBuf> {
    let out = Command::new(linker).arg(format!("-print-file-name={archive}")).output().ok()?;
    let path = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    (out.status.success() && path.is_absolute() && path.is_file()).then_some(path)
}
