//! Running one request in this process, when no `agentnet run` holds the profile.

use std::sync::Arc;
use std::time::Duration;

use agentnet_agent::Agent;
use agentnet_platform::llm::Understand;
use agentnet_platform::store::SqliteStore;
use agentnet_platform::transport::ConnectionState;

use crate::request::{Reply, Request, handle};

/// How long a one-shot command waits to get online, and then for what it sent to reach
/// the relay.
const PATIENCE: Duration = Duration::from_secs(10);

/// Opens the agent and carries out `request`. Commands that talk to other agents connect,
/// act on whatever the relay held for us meanwhile, and stay until their messages are
/// acknowledged by the relay.
pub(crate) async fn run(store: SqliteStore, passphrase: &[u8], request: Request) -> anyhow::Result<Reply> {
    let connect = request.needs_relay();
    let agent = match Agent::open(store, passphrase, connect, Understand::from_env()?).await {
        Ok(agent) => Arc::new(agent),
        Err(e) => return Ok(Reply::error(&e)),
    };
    if !connect {
        return Ok(handle(&agent, request).await);
    }
    let worker = tokio::spawn({
        let agent = agent.clone();
        async move { agent.run().await }
    });
    if let Some(mut state) = agent.connection() {
        let _ = tokio::time::timeout(PATIENCE, state.wait_for(|s| *s == ConnectionState::Online)).await;
    }
    let reply = handle(&agent, request).await;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while agent.unsent().await.unwrap_or(0) > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    worker.abort();
    Ok(reply)
}
