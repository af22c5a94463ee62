//! Data from the agent that stays current: reloaded whenever the agent reports a change.

use std::future::Future;
use std::rc::Rc;

use agentnet_platform::agent::AgentError;
use dioxus::prelude::*;

use super::{AppAgent, use_session};

/// Loads `load(agent)` now and again on every visible change (a message, a booking, a
/// contact). Errors come back as the sentence to show.
pub(crate) fn use_live<T, F>(mut load: impl FnMut(Rc<AppAgent>) -> F + 'static) -> Resource<Result<T, String>>
where
    T: 'static,
    F: Future<Output = Result<T, AgentError>> + 'static,
{
    let session = use_session();
    use_resource(move || {
        // Reading the counter here is what subscribes the resource to changes.
        let _tick = (session.changes)();
        let pending = session.agent().map(&mut load);
        async move {
            match pending {
                Some(pending) => pending.await.map_err(|e| e.to_string()),
                None => Err("Your agent is locked.".to_owned()),
            }
        }
    })
}
