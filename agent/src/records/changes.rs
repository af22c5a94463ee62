//! [`Changes`]: the counter front ends redraw on. Only the record types move it, from
//! their own write paths.

use std::sync::Arc;

use tokio::sync::watch;

/// Moves whenever a record the owner can see was written.
#[derive(Clone)]
pub(crate) struct Changes(Arc<watch::Sender<u64>>);

impl Default for Changes {
    fn default() -> Self {
        Changes(Arc::new(watch::channel(0).0))
    }
}

impl Changes {
    /// Tells every subscriber that something visible changed.
    pub(super) fn announce(&self) {
        self.0.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that sees every announcement from now on.
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.0.subscribe()
    }
}
