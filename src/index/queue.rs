//! Bounded hand-off of documents to tantivy's indexing threads.
//!
//! Ranking needs a document's passages at consecutive doc ids in one segment
//! (`schema::FORMAT_VERSION`), so the writer sends each document as one batch
//! (`IndexWriter::run`), which tantivy gives to a single indexing thread. tantivy's queue holds
//! 10,000 batches, thousands of whole documents: on a 200 MB corpus 1.3 GB in memory. Each
//! passage therefore travels as a [`Queued`] document holding a share of a counter
//! ([`Queue`]); tantivy drops it once indexed, which frees its share, and the reader waits
//! while more than [`MAX_IN_FLIGHT`] passages are on their way.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use tantivy::TantivyDocument;
use tantivy::schema::document::Document;

/// Passages sent to tantivy and not yet indexed, at most (a document larger than this goes
/// alone).
pub const MAX_IN_FLIGHT: usize = 20_000;

/// Counts the passages on their way to tantivy.
///
/// A passage given back only decrements the count; waiting readers are woken when the count
/// comes down to [`WAKE_AT`] or to 0, not at every passage: a wake-up per passage made the
/// indexing threads spend 3% of a build's CPU in `futex_wake` and the readers as much in
/// context switches (perf, 200 MB bench corpus). A reader that waits wants the count at most
/// `MAX_IN_FLIGHT - n`: one of `n ≤ MAX_IN_FLIGHT - WAKE_AT` is let through at `WAKE_AT`,
/// any other at 0, which lets every reader through.
#[derive(Clone, Default)]
pub struct Queue {
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    in_flight: AtomicUsize,
    /// Held while a reader checks the count and while a wake-up is sent, so that none is
    /// lost between the two.
    lock: Mutex<()>,
    freed: Condvar,
}

/// The count at which waiting readers are woken (besides 0).
const WAKE_AT: usize = MAX_IN_FLIGHT / 2;

impl Queue {
    /// Waits until `n` more passages may be sent, then counts them; one [`Queued`] per
    /// passage must follow.
    pub fn reserve(&self, n: usize) -> Vec<Permit> {
        let state = &*self.state;
        let mut guard = state.lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let in_flight = state.in_flight.load(Ordering::Acquire);
            if in_flight == 0 || in_flight + n <= MAX_IN_FLIGHT {
                break;
            }
            guard = state.freed.wait(guard).unwrap_or_else(|e| e.into_inner());
        }
        // Only readers add, and they hold the lock: the count checked above can only have
        // come down since.
        state.in_flight.fetch_add(n, Ordering::AcqRel);
        drop(guard);
        (0..n).map(|_| Permit { queue: self.clone() }).collect()
    }

    /// Passages sent and not yet indexed.
    pub fn in_flight(&self) -> usize {
        self.state.in_flight.load(Ordering::Acquire)
    }
}

/// One passage's share of the queue, given back when dropped.
pub struct Permit {
    queue: Queue,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let state = &*self.queue.state;
        let before = state.in_flight.fetch_sub(1, Ordering::AcqRel);
        let now = before.saturating_sub(1);
        if now == 0 || now == WAKE_AT {
            // Taking the lock orders this wake-up after any reader's check of the count.
            let _guard = state.lock.lock().unwrap_or_else(|e| e.into_inner());
            state.freed.notify_all();
        }
    }
}

/// A passage's tantivy document with its permit: tantivy drops it once indexed.
pub struct Queued {
    pub doc: TantivyDocument,
    pub permit: Permit,
}

impl Document for Queued {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }

    fn into_tantivy_document(self) -> TantivyDocument {
        self.doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permits_are_given_back_when_dropped() {
        let q = Queue::default();
        let permits = q.reserve(3);
        assert_eq!(q.in_flight(), 3);
        drop(permits);
        assert_eq!(q.in_flight(), 0);
    }

    #[test]
    fn a_full_queue_waits_for_indexed_passages() {
        let q = Queue::default();
        let held = q.reserve(MAX_IN_FLIGHT);
        let q2 = q.clone();
        let waiter = std::thread::spawn(move || {
            let p = q2.reserve(1);
            assert_eq!(p.len(), 1);
        });
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!waiter.is_finished(), "it waits while the queue is full");
        drop(held);
        waiter.join().unwrap();
        // A batch larger than the bound goes alone rather than waiting forever.
        assert_eq!(q.reserve(MAX_IN_FLIGHT * 2).len(), MAX_IN_FLIGHT * 2);
    }

    #[test]
    fn waiting_readers_are_woken_half_way_and_when_empty() {
        let q = Queue::default();
        let mut held = q.reserve(MAX_IN_FLIGHT);
        let spawn = |n: usize| {
            let q = q.clone();
            std::thread::spawn(move || q.reserve(n).len())
        };
        let small = spawn(1);
        let large = spawn(MAX_IN_FLIGHT - WAKE_AT + 1);
        let pause = || std::thread::sleep(std::time::Duration::from_millis(50));
        pause();
        // Down to one above the wake-up mark: room for the small one, but nobody is woken.
        held.truncate(WAKE_AT + 1);
        pause();
        assert!(!small.is_finished() && !large.is_finished());
        // At the mark the small one goes; the large one needs more room than is left.
        held.pop();
        assert_eq!(small.join().unwrap(), 1);
        pause();
        assert!(!large.is_finished());
        // Empty (but for the small one's permit, dropped when its thread ended): it goes.
        held.clear();
        assert_eq!(large.join().unwrap(), MAX_IN_FLIGHT - WAKE_AT + 1);
        assert_eq!(q.in_flight(), 0);
    }
}
