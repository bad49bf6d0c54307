//! Bounded hand-off of documents to tantivy's indexing threads.
//!
//! Ranking needs a document's passages at consecutive doc ids in one segment
//! (`schema::FORMAT_VERSION`), so the writer sends each document as one batch
//! (`IndexWriter::run`), which tantivy gives to a single indexing thread. tantivy's queue holds
//! 10,000 batches, thousands of whole documents: on a 200 MB corpus 1.3 GB in memory. Each
//! passage therefore travels as a [`Queued`] document holding a share of a counter
//! ([`Queue`]); tantivy drops it once indexed, which frees its share, and the reader waits
//! while more than [`MAX_IN_FLIGHT`] passages are on their way.

use std::sync::{Arc, Condvar, Mutex};
use tantivy::TantivyDocument;
use tantivy::schema::document::Document;

/// Passages sent to tantivy and not yet indexed, at most (a document larger than this goes
/// alone).
pub const MAX_IN_FLIGHT: usize = 20_000;

/// Counts the passages on their way to tantivy.
#[derive(Clone, Default)]
pub struct Queue {
    state: Arc<(Mutex<usize>, Condvar)>,
}

impl Queue {
    /// Waits until `n` more passages may be sent, then counts them; one [`Queued`] per
    /// passage must follow.
    pub fn reserve(&self, n: usize) -> Vec<Permit> {
        let (count, freed) = &*self.state;
        let mut in_flight = count.lock().unwrap_or_else(|e| e.into_inner());
        while *in_flight > 0 && *in_flight + n > MAX_IN_FLIGHT {
            in_flight = freed.wait(in_flight).unwrap_or_else(|e| e.into_inner());
        }
        *in_flight += n;
        (0..n).map(|_| Permit { queue: self.clone() }).collect()
    }

    /// Passages sent and not yet indexed.
    pub fn in_flight(&self) -> usize {
        *self.state.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One passage's share of the queue, given back when dropped.
pub struct Permit {
    queue: Queue,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let (count, freed) = &*self.queue.state;
        let mut in_flight = count.lock().unwrap_or_else(|e| e.into_inner());
        *in_flight = in_flight.saturating_sub(1);
        freed.notify_all();
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
}
