//! The allocator the `citedex` binary installs, and what the indexer tells it.
//!
//! Two allocators, each where it pays:
//! - **mimalloc** for bulk work (building the index, serving): indexing makes and frees many
//!   small strings on several threads at once, where glibc's allocator spent a tenth of the
//!   CPU and waited on its arena locks;
//! - **the system allocator** until then: a search is a process of a few milliseconds, in
//!   which mimalloc's start (reserving an arena, initialising its bitmaps and fresh pages)
//!   cost 95 of its 503 page faults and 0.1 ms (200 MB bench corpus, `search --no-update
//!   memory`, `perf stat`: 2.69 ms against 2.59 ms with the system allocator alone).
//!
//! [`bulk_work`] switches new allocations to mimalloc for the rest of the process (a search
//! that finds the index stale and rebuilds it switches then). A block is always freed or
//! resized by the allocator that made it, told apart by address
//! (`mi_is_in_heap_region`): the switch can happen at any time, with blocks of both alive.

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Whether new allocations go to mimalloc.
static BULK: AtomicBool = AtomicBool::new(false);

/// The address range of every block the system allocator made (`[LOW, HIGH)`): a block
/// outside it is mimalloc's without asking mimalloc, which is most of them (the system's
/// blocks are the few made before the switch, mimalloc's arenas lie apart from them).
static LOW: AtomicUsize = AtomicUsize::new(usize::MAX);
static HIGH: AtomicUsize = AtomicUsize::new(0);

/// From now on, allocate with mimalloc: for work that allocates much on several threads
/// (indexing, serving). Has an effect only where [`Allocator`] is the global allocator.
pub fn bulk_work() {
    start_mimalloc();
    BULK.store(true, Ordering::Relaxed);
}

// mimalloc's own start-up (its internal.h), which upstream builds run as a C constructor.
unsafe extern "C" {
    fn _mi_auto_process_init();
    fn _mi_preloading() -> bool;
}

/// Starts mimalloc, once, on the process's main thread. On Linux with glibc
/// `.cargo/config.toml` builds mimalloc without its start-up constructor
/// (`MI_PRIM_HAS_PROCESS_ATTACH`), so that a search, which never allocates with it, does not
/// pay for it in every process (its options read from the environment, four `cpuid`s, its
/// main heap: 151K instructions; the kit's queries 0.95× the time). This runs what the
/// constructor would (`_mi_auto_process_init`: it takes mimalloc out of its "preloading"
/// state, in which it makes no arenas, purges nothing and does not hand a thread's memory
/// back when the thread ends, and it registers that thread-exit hook). What is lost is the
/// constructor's counterpart at exit (statistics of `MIMALLOC_SHOW_STATS`), which a process
/// of one command does not need.
///
/// Only on the main thread: the call makes the calling thread mimalloc's main one, and that
/// thread's end would free what other threads still use (a test thread did crash so). The
/// binary's first bulk work is on its main thread (index, serve, a search that re-indexes).
/// A library caller on a thread of its own leaves mimalloc to start itself on first use, in
/// the preloading state (correct, slower). Safe because nothing allocates with mimalloc
/// before [`BULK`] is set, right after this: had mimalloc started itself lazily on another
/// thread first, this call would hand that thread's main heap to the main thread. Where
/// mimalloc kept its constructor (other platforms, or a `CFLAGS` of your own), it has left
/// the preloading state and this does nothing.
fn start_mimalloc() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    // SAFETY: both are mimalloc's functions; `_mi_auto_process_init` is what its constructor
    // calls, here at most once, on the main thread, while mimalloc is still preloading and
    // (see above) before anything allocated with it.
    STARTED.call_once(|| unsafe {
        if _mi_preloading() && is_main_thread() {
            _mi_auto_process_init();
        }
    });
}

/// Whether the calling thread is the process's first (Linux: its thread id is the process id).
/// Elsewhere mimalloc keeps its constructor and is never preloading here.
fn is_main_thread() -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: two system calls without arguments.
        unsafe { libc::gettid() == libc::getpid() }
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// The global allocator of the `citedex` binary (see the module's documentation).
pub struct Allocator;

// SAFETY: each block is made by one of two allocators and given back to the same one:
// mimalloc's blocks are recognised by their address (`mi_is_in_heap_region` looks the address
// up in mimalloc's page map, which covers every block it hands out), every other block came
// from the system allocator. Both honour the layout's size and alignment.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { alloc_in(BULK.load(Ordering::Relaxed), layout, false) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { alloc_in(BULK.load(Ordering::Relaxed), layout, true) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if unsafe { mimalloc_owns(ptr) } {
            unsafe { mi::mi_free(ptr.cast()) }
        } else {
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if unsafe { mimalloc_owns(ptr) } {
            unsafe { mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast() }
        } else {
            system_block(unsafe { System.realloc(ptr, layout, new_size) }, new_size)
        }
    }
}

/// A new block from mimalloc (`bulk`) or the system allocator, zeroed if asked.
///
/// # Safety
/// As [`GlobalAlloc::alloc`]: `layout` has a non-zero size.
unsafe fn alloc_in(bulk: bool, layout: Layout, zeroed: bool) -> *mut u8 {
    unsafe {
        match (bulk, zeroed) {
            (true, false) => mi::mi_malloc_aligned(layout.size(), layout.align()).cast(),
            (true, true) => mi::mi_zalloc_aligned(layout.size(), layout.align()).cast(),
            (false, false) => system_block(System.alloc(layout), layout.size()),
            (false, true) => system_block(System.alloc_zeroed(layout), layout.size()),
        }
    }
}

/// `ptr`, a block of `size` bytes the system allocator made, recorded in [`LOW`]..[`HIGH`].
fn system_block(ptr: *mut u8, size: usize) -> *mut u8 {
    if !ptr.is_null() {
        let (start, end) = (ptr as usize, (ptr as usize).saturating_add(size));
        if start < LOW.load(Ordering::Relaxed) {
            LOW.fetch_min(start, Ordering::Relaxed);
        }
        if end > HIGH.load(Ordering::Relaxed) {
            HIGH.fetch_max(end, Ordering::Relaxed);
        }
    }
    ptr
}

/// Whether mimalloc made the block at `ptr`.
///
/// # Safety
/// `ptr` is a block handed out by [`Allocator`].
unsafe fn mimalloc_owns(ptr: *mut u8) -> bool {
    // Before the switch mimalloc has made nothing; outside the system's range, only it has.
    if !BULK.load(Ordering::Relaxed) {
        return false;
    }
    let at = ptr as usize;
    if at < LOW.load(Ordering::Relaxed) || at >= HIGH.load(Ordering::Relaxed) {
        return true;
    }
    // SAFETY: a lookup in mimalloc's page map; it reads no memory at `ptr`.
    unsafe { mi::mi_is_in_heap_region(ptr.cast::<c_void>().cast_const()) }
}

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`, mimalloc v3).
const MI_OPTION_PURGE_DELAY: mi::mi_option_t = 15;

/// How long memory mimalloc frees stays with the process while documents are added to an
/// index ([`purge_freed_memory_lazily`]), in milliseconds: long enough that a segment's
/// buffers, freed when it is written, are the next segment's without being faulted in again.
/// 200 MB bench corpus, three alternating builds each, against mimalloc v3's default of
/// 1000 ms: 277 K → 187 K page faults, system time 2.36 → 2.00 s, wall 20.96 → 20.82 s, peak
/// RSS 299 → 314 MB; at 2 GB the peak stays the final merges' (375 MB). Longer delays keep
/// more (10 s: 354 MB at 200 MB; never returning it: 116 K faults, 379 MB).
const BUILD_PURGE_DELAY_MS: std::ffi::c_long = 3000;

/// From now on, memory mimalloc frees is returned to the system after
/// [`BUILD_PURGE_DELAY_MS`]. The indexer calls it before it adds documents; its commit calls
/// [`purge_freed_memory_promptly`], which returns what is kept before the final merge maps
/// the segments.
pub fn purge_freed_memory_lazily() {
    start_mimalloc();
    // SAFETY: sets an integer option, which mimalloc reads atomically.
    unsafe { mi::mi_option_set(MI_OPTION_PURGE_DELAY, BUILD_PURGE_DELAY_MS) }
}

/// From now on, memory mimalloc frees is returned to the system after 10 ms, not mimalloc
/// v3's default of a second, and what is free now is returned at once. The indexer calls it
/// when it commits: that frees the writer's buffers just before the final merge maps the
/// segments, and the second's delay made them overlap (peak RSS 409 → 378 MB at 200 MB).
/// Not for the whole run: while documents are added, a 10 ms delay returned pages that the
/// next segment's buffers faulted in again (200 MB bench corpus: 1.7 s more system time,
/// 0.9 s more wall time).
pub fn purge_freed_memory_promptly() {
    start_mimalloc();
    // SAFETY: sets an integer option, which mimalloc reads atomically; then returns what is
    // free in mimalloc's arenas to the system (process-wide in mimalloc v3).
    unsafe {
        mi::mi_option_set(MI_OPTION_PURGE_DELAY, 10);
        mi::mi_collect(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // mimalloc v3's default purge delay is 1000 ms: reading it back names the right option.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            let before = unsafe { mi::mi_option_get(MI_OPTION_PURGE_DELAY) };
            assert!(matches!(before, 1000 | 10 | BUILD_PURGE_DELAY_MS), "{before}");
            purge_freed_memory_lazily();
            assert_eq!(unsafe { mi::mi_option_get(MI_OPTION_PURGE_DELAY) }, BUILD_PURGE_DELAY_MS);
            purge_freed_memory_promptly();
            assert_eq!(unsafe { mi::mi_option_get(MI_OPTION_PURGE_DELAY) }, 10);
        }
    }

    #[test]
    fn blocks_go_back_to_the_allocator_that_made_them() {
        let a = Allocator;
        // Sizes and alignments as Rust asks for them, small and large.
        let layouts: Vec<Layout> = [(8, 8), (24, 8), (100, 16), (4096, 64), (1 << 20, 4096), (3, 1)]
            .iter()
            .map(|&(size, align)| Layout::from_size_align(size, align).unwrap())
            .collect();
        unsafe {
            let from_system: Vec<*mut u8> = layouts.iter().map(|&l| alloc_in(false, l, false)).collect();
            // Then the switch, with the system's blocks still alive.
            bulk_work();
            let from_mimalloc: Vec<*mut u8> = layouts.iter().map(|&l| alloc_in(true, l, true)).collect();
            for (&p, &l) in from_system.iter().zip(&layouts) {
                assert!(!p.is_null() && (p as usize).is_multiple_of(l.align()));
                assert!(!mimalloc_owns(p), "a system block is not mimalloc's");
            }
            for (&p, &l) in from_mimalloc.iter().zip(&layouts) {
                assert!(!p.is_null() && (p as usize).is_multiple_of(l.align()));
                assert!(mimalloc_owns(p), "a mimalloc block is mimalloc's");
                assert!(std::slice::from_raw_parts(p, l.size()).iter().all(|&b| b == 0));
            }
            // Grown and freed by the allocator that made each, whichever is in force now.
            for (&p, &l) in from_system.iter().chain(&from_mimalloc).zip(layouts.iter().cycle()) {
                p.write(7);
                let owned_before = mimalloc_owns(p);
                let q = a.realloc(p, l, l.size() * 2 + 1);
                assert_eq!(q.read(), 7);
                assert_eq!(mimalloc_owns(q), owned_before, "a block stays with its allocator");
                a.dealloc(q, Layout::from_size_align(l.size() * 2 + 1, l.align()).unwrap());
            }
        }
    }
}
