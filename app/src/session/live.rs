//! Data from the agent that stays current: reloaded whenever the agent reports a change.

use std::future::Future;
use std::rc::Rc;

use agentnet_agent::AgentError;
use dioxus::core::spawn_forever;
use dioxus::prelude::*;

use super::{AppAgent, use_session};

/// What a screen shows: nothing yet, the data, or the sentence saying why it failed.
pub(crate) type Live<T> = Signal<Option<Result<T, String>>>;

/// Loads `load(agent)` now and again on every visible change (a message, a booking, a
/// contact), and whenever a signal `load` reads before its first `.await` changes.
///
/// Each load runs to its end even if the screen goes away or a newer load starts: an
/// IndexedDB request abandoned half way fires into a dropped callback. The newest load
/// that finishes wins; a screen that is gone is simply not written to.
pub(crate) fn use_live<T, F>(mut load: impl FnMut(Rc<AppAgent>) -> F + 'static) -> Live<T>
where
    T: 'static,
    F: Future<Output = Result<T, AgentError>> + 'static,
{
    let session = use_session();
    let mut value: Live<T> = use_signal(|| None);
    let mut issued = use_signal(|| 0u64);
    let shown = use_signal(|| 0u64);
    use_effect(move || {
        // Reading the counter here is what subscribes the effect to changes.
        let _tick = (session.changes)();
        let pending = session.agent().map(&mut load);
        let ticket = *issued.peek() + 1;
        issued.set(ticket);
        let mut shown = shown;
        spawn_forever(async move {
            let result = match pending {
                Some(pending) => pending.await.map_err(|e| e.to_string()),
                None => Err("Your agent is locked.".to_owned()),
            };
            let newest = shown.try_peek().map(|s| ticket > *s).unwrap_or(false);
            if newest && let Ok(mut slot) = value.try_write() {
                *slot = Some(result);
                shown.set(ticket);
            }
        });
    });
    value
}
