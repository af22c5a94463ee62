//! agentnet-platform: the adapters that let the pure core run on each target (the agent
//! runtime that drives them is `agentnet-agent`).
//!
//! Traits live at the top of each module; the implementation is chosen by target
//! (`wasm_browser` = the browser, otherwise native), never by feature.

pub mod account;
pub mod calendar;
pub mod device;
pub mod llm;
pub mod rt;
pub mod store;
pub mod transport;
pub mod vault;

/// Which kind of device this build runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A web browser (wasm32, IndexedDB, browser WebSocket).
    Browser,
    /// A native process: desktop, phone or server (SQLite, tokio-tungstenite).
    Native,
}

/// The target this build was compiled for.
pub const fn target() -> Target {
    #[cfg(wasm_browser)]
    {
        Target::Browser
    }
    #[cfg(not(wasm_browser))]
    {
        Target::Native
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_tests_run_on_the_native_target() {
        assert_eq!(target(), Target::Native);
    }
}
