//! The owner's agent, held app-wide: whether a profile exists, unlocking it, the
//! running agent and what screens redraw on. Every screen reads it with
//! [`use_session`]; only this module knows how an agent is opened and driven.

mod chat_log;
mod lifecycle;
mod link;
mod live;

use std::rc::Rc;

use agentnet_agent::Agent;
use agentnet_platform::device::DeviceStore;
use dioxus::core::Task;
use dioxus::prelude::*;

pub(crate) use chat_log::{ChatLine, Speaker};
pub(crate) use link::Link;
pub(crate) use live::use_live;

/// The agent as the app runs it, on this device's store.
pub(crate) type AppAgent = Agent<DeviceStore>;

/// Where the app is between "nothing on this device" and "the agent runs".
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Phase {
    /// Looking for a profile on this device (and on the server: always).
    Checking,
    /// No profile yet: onboarding.
    New,
    /// A profile exists and is locked.
    Locked,
    /// Unlocked; the agent runs.
    Ready,
    /// The device store cannot be used (private window, blocked storage).
    Unavailable(String),
}

/// Handles to the app-wide state; cheap to copy into closures.
#[derive(Clone, Copy)]
pub(crate) struct Session {
    /// Where the app is.
    pub(crate) phase: Signal<Phase>,
    agent: Signal<Option<Rc<AppAgent>>>,
    /// Moves whenever the agent changed something visible: screens reload on it.
    pub(crate) changes: Signal<u64>,
    /// The relay connection, while unlocked.
    pub(crate) link: Signal<Link>,
    /// Why the agent's loop stopped, if it did.
    pub(crate) fault: Signal<Option<String>>,
    /// The conversation with the agent since unlocking (kept across screens).
    pub(crate) chat: Signal<Vec<ChatLine>>,
    tasks: Signal<Vec<Task>>,
}

impl Session {
    fn new() -> Self {
        Session {
            phase: Signal::new(Phase::Checking),
            agent: Signal::new(None),
            changes: Signal::new(0),
            link: Signal::new(Link::Off),
            fault: Signal::new(None),
            chat: Signal::new(Vec::new()),
            tasks: Signal::new(Vec::new()),
        }
    }

    /// The running agent, if unlocked. Reading it subscribes the caller.
    pub(crate) fn agent(&self) -> Option<Rc<AppAgent>> {
        self.agent.read().clone()
    }
}

/// Provides the session to the whole app and looks for a profile once the client runs.
pub(crate) fn use_session_provider() -> Session {
    let session = use_context_provider(Session::new);
    // Effects run only in the browser or the webview, never while the server renders,
    // so the server's HTML and the first client render agree (Checking).
    use_effect(move || {
        spawn(session.detect());
    });
    session
}

/// The app-wide session.
pub(crate) fn use_session() -> Session {
    use_context::<Session>()
}
