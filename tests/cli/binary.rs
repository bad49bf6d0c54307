//! The built binary itself: how it is linked (see `build.rs`).

/// The types of an ELF file's program headers (64-bit, little-endian), or None for another
/// kind of file.
fn program_header_types(bytes: &[u8]) -> Option<Vec<u32>> {
    if bytes.len() < 64 || &bytes[..4] != b"\x7fELF" || bytes[4] != 2 || bytes[5] != 1 {
        return None;
    }
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize;
    let offset = u64::from_le_bytes(bytes[0x20..0x28].try_into().ok()?) as usize;
    let (size, count) = (u16_at(0x36), u16_at(0x38));
    (0..count)
        .map(|i| {
            let at = offset.checked_add(i * size)?;
            Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
        })
        .collect()
}

const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;

#[test]
fn a_linux_binary_that_needs_shared_libraries_names_its_loader() {
    let bytes = std::fs::read(env!("CARGO_BIN_EXE_citedex")).expect("read the binary");
    let Some(types) = program_header_types(&bytes) else {
        return; // not a 64-bit little-endian ELF file: another platform
    };
    let (dynamic, interp) = (types.contains(&PT_DYNAMIC), types.contains(&PT_INTERP));
    // A link that pulled a shared library into a `-static` link leaves a binary with dynamic
    // sections and no loader, which crashes at once.
    assert_eq!(dynamic, interp, "PT_DYNAMIC {dynamic}, PT_INTERP {interp}");
    if option_env!("CITEDEX_LINKED_STATICALLY") == Some("1") {
        assert!(!dynamic && !interp, "build.rs linked statically, but the binary has a loader");
    }
    let run = crate::env::TestEnv::empty().run(&["--version"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn mimalloc_starts_for_indexing_and_not_for_a_search() {
    // Only where mimalloc is built without its constructor (`.cargo/config.toml`, Linux).
    let without_constructor = [option_env!("CFLAGS_x86_64_unknown_linux_gnu"), option_env!("CFLAGS")]
        .iter()
        .any(|f| f.is_some_and(|f| f.contains("MI_PRIM_HAS_PROCESS_ATTACH")));
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) || !without_constructor {
        return;
    }
    let env = crate::env::TestEnv::seed();
    let stderr = |args: &[&str]| {
        let out = env.command(args).env("MIMALLOC_VERBOSE", "1").output().expect("run citedex");
        assert!(out.status.success(), "{args:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // Indexing starts it on the main thread (`_mi_auto_process_init`, which prints this when
    // MIMALLOC_VERBOSE is set); a search never does (a build with the constructor prints it
    // in every process).
    let indexing = stderr(&["index"]);
    assert!(indexing.contains("mimalloc: process init"), "{indexing}");
    let search = stderr(&["search", "--no-update", "treaty"]);
    assert!(!search.contains("mimalloc:"), "{search}");
}
