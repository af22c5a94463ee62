//! When each negotiation's timer fires, kept in memory beside the store: a wake of the run
//! loop opens only the negotiations that are due, instead of decrypting every one.

use std::collections::HashMap;

use jiff::Timestamp;

use crate::Negotiation;

/// Negotiation id to due time, for the unsettled negotiations with a timer.
#[derive(Debug, Default)]
pub(crate) struct Timers {
    /// `None` until the first wake has read every negotiation once.
    due: Option<HashMap<String, Timestamp>>,
}

impl Timers {
    /// Whether the index has been built from the store.
    pub(crate) fn is_loaded(&self) -> bool {
        self.due.is_some()
    }

    /// Builds the index from every stored negotiation.
    pub(crate) fn load<'a>(&mut self, all: impl IntoIterator<Item = &'a Negotiation>) {
        self.due = Some(all.into_iter().filter_map(|n| Some((n.id.clone(), armed(n)?))).collect());
    }

    /// Records `n` as just saved. Before the index is loaded there is nothing to update:
    /// loading reads the saved state anyway.
    pub(crate) fn note(&mut self, n: &Negotiation) {
        let Some(due) = &mut self.due else { return };
        match armed(n) {
            Some(at) => due.insert(n.id.clone(), at),
            None => due.remove(&n.id),
        };
    }

    /// Forgets `id` (its record is gone).
    pub(crate) fn forget(&mut self, id: &str) {
        if let Some(due) = &mut self.due {
            due.remove(id);
        }
    }

    /// The negotiations due at `at`, soonest first.
    pub(crate) fn due_at(&self, at: Timestamp) -> Vec<String> {
        let mut ids: Vec<(Timestamp, &String)> = self.due.iter().flatten().filter(|(_, due)| **due <= at).map(|(id, due)| (*due, id)).collect();
        ids.sort();
        ids.into_iter().map(|(_, id)| id.clone()).collect()
    }

    /// The earliest timer still armed.
    pub(crate) fn next(&self) -> Option<Timestamp> {
        self.due.iter().flatten().map(|(_, due)| *due).min()
    }
}

/// When `n` wants to be woken, if it is still open.
fn armed(n: &Negotiation) -> Option<Timestamp> {
    if n.is_settled() { None } else { n.timer }
}
