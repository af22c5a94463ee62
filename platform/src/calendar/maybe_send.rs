//! `Send` where futures can move between threads, nothing in the browser.
//!
//! Native runtimes (tokio) move tasks between threads, so calendar futures must be `Send`
//! there; the browser's futures (IndexedDB, `fetch`) are not, and do not need to be.

/// `Send` on native targets; implemented by every type in the browser.
#[cfg(not(wasm_browser))]
pub trait MaybeSend: Send {}
#[cfg(not(wasm_browser))]
impl<T: Send + ?Sized> MaybeSend for T {}

/// `Send` on native targets; implemented by every type in the browser.
#[cfg(wasm_browser)]
pub trait MaybeSend {}
#[cfg(wasm_browser)]
impl<T: ?Sized> MaybeSend for T {}

/// `Sync` on native targets; implemented by every type in the browser.
#[cfg(not(wasm_browser))]
pub trait MaybeSync: Sync {}
#[cfg(not(wasm_browser))]
impl<T: Sync + ?Sized> MaybeSync for T {}

/// `Sync` on native targets; implemented by every type in the browser.
#[cfg(wasm_browser)]
pub trait MaybeSync {}
#[cfg(wasm_browser)]
impl<T: ?Sized> MaybeSync for T {}
