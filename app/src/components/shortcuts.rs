//! Keyboard shortcuts for the main screens: Alt+1 to Alt+6 follow the navigation's order,
//! on every target, so the whole app can be used without a pointer.

use dioxus::prelude::*;

use crate::Route;

/// Listens on the document (not on an element: with nothing focused, keys go to the
/// body) and sends the digit of each Alt+digit press back to Rust.
const LISTEN: &str = r#"
document.addEventListener('keydown', (event) => {
  if (event.altKey && !event.ctrlKey && !event.metaKey && /^[1-6]$/.test(event.key)) {
    event.preventDefault();
    dioxus.send(Number(event.key));
    // Like a page load, the next Tab starts at the top of the new screen.
    document.querySelector('main')?.focus({ preventScroll: true });
  }
});
await new Promise(() => {});
"#;

/// The screen behind Alt+`digit`, in the navigation's order.
pub(crate) fn screen(digit: u8) -> Option<Route> {
    Some(match digit {
        1 => Route::Chat {},
        2 => Route::Contacts { invite: String::new() },
        3 => Route::Negotiations {},
        4 => Route::Approvals {},
        5 => Route::Calendar { code: String::new(), state: String::new() },
        6 => Route::Settings {},
        _ => return None,
    })
}

/// The `aria-keyshortcuts` value announcing the shortcut of `digit`.
pub(crate) fn announce(digit: u8) -> String {
    format!("Alt+{digit}")
}

/// Installs the shortcuts for as long as the calling component lives.
pub(crate) fn use_screen_shortcuts() {
    let navigator = navigator();
    use_future(move || async move {
        let mut keys = document::eval(LISTEN);
        while let Ok(digit) = keys.recv::<u8>().await {
            if let Some(route) = screen(digit) {
                navigator.push(route);
            }
        }
    });
}
