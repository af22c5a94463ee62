//! The shared state handed to every handler: cheap to clone.

use std::sync::Arc;

/// Handles shared by all connections of one relay instance.
#[derive(Clone, Default)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {}

impl AppState {
    /// A relay with the embedded defaults: in-memory routing, no account gate.
    pub fn new() -> Self {
        Self { inner: Arc::new(Inner {}) }
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = &self.inner;
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}
