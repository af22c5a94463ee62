//! Moving the keyboard focus to where the owner will type next.

use dioxus::prelude::*;

/// An `onmounted` handler that focuses the element, so a screen opens ready for typing
/// (HTML's `autofocus` only applies to the first page load, not to screens rendered later).
pub(crate) async fn focus_when_mounted(element: MountedEvent) {
    // Focus is a convenience: a webview that refuses it leaves the page as it was.
    let _ = element.set_focus(true).await;
}
