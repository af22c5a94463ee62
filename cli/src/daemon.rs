//! `agentnet run` and its control socket.
//!
//! While `run` holds a profile it is the only process that touches it: other commands
//! find its Unix socket in the profile directory and hand it their [`Request`] as one
//! JSON line, getting one JSON [`Reply`] line back. Without a running agent they open the
//! profile themselves ([`crate::direct`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use agentnet_agent::{Agent, Direction};
use agentnet_platform::store::{Query, SqliteStore};
use anyhow::Context;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};

use crate::request::{Reply, Request, handle};

/// Sends `request` to the agent running on this profile, if there is one.
pub(crate) async fn call(socket: &Path, request: &Request) -> anyhow::Result<Option<Reply>> {
    let Ok(stream) = UnixStream::connect(socket).await else { return Ok(None) };
    let (read, mut write) = stream.into_split();
    let mut line = serde_json::to_string(request)?;
    line.push('\n');
    write.write_all(line.as_bytes()).await?;
    let mut answer = String::new();
    BufReader::new(read).read_line(&mut answer).await.context("reading the running agent's answer")?;
    Ok(Some(serde_json::from_str(&answer).context("the running agent's answer is not a reply")?))
}

/// Serves requests until SIGINT or SIGTERM; logs what happens to stderr.
pub(crate) async fn run(agent: Arc<Agent<SqliteStore>>, socket: PathBuf) -> anyhow::Result<()> {
    if UnixStream::connect(&socket).await.is_ok() {
        anyhow::bail!("an agent is already running on this profile ({})", socket.display());
    }
    let _ = std::fs::remove_file(&socket);
    let listener = UnixListener::bind(&socket).with_context(|| format!("listening on {}", socket.display()))?;
    eprintln!("agentnet: agent {} running; control socket {}", agent.agent_id().fingerprint(), socket.display());
    let mut worker = tokio::spawn({
        let agent = agent.clone();
        async move { agent.run().await }
    });
    tokio::spawn(log_connection(agent.clone()));
    tokio::spawn(log_transcript(agent.clone()));
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let result = loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                tokio::spawn(serve(agent.clone(), stream));
            }
            _ = tokio::signal::ctrl_c() => break Ok(()),
            _ = terminate.recv() => break Ok(()),
            ended = &mut worker => break match ended {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(anyhow::Error::new(e).context("the agent stopped")),
                Err(e) => Err(anyhow::Error::new(e).context("the agent task failed")),
            },
        }
    };
    worker.abort();
    let _ = std::fs::remove_file(&socket);
    eprintln!("agentnet: stopped");
    result
}

async fn serve(agent: Arc<Agent<SqliteStore>>, stream: UnixStream) {
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    if BufReader::new(read).read_line(&mut line).await.is_err() {
        return;
    }
    let reply = match serde_json::from_str::<Request>(&line) {
        Ok(request) => handle(&agent, request).await,
        Err(e) => Reply { human: format!("error: bad request: {e}"), json: serde_json::json!({ "error": e.to_string() }), code: crate::exit::INVALID },
    };
    let mut out = serde_json::to_string(&reply).unwrap_or_default();
    out.push('\n');
    let _ = write.write_all(out.as_bytes()).await;
}

async fn log_connection(agent: Arc<Agent<SqliteStore>>) {
    let Some(mut state) = agent.connection() else { return };
    loop {
        eprintln!("agentnet: relay {:?}", *state.borrow_and_update());
        if state.changed().await.is_err() {
            return;
        }
    }
}

/// Prints each new transcript line: the owner (or a test) sees the agent act.
async fn log_transcript(agent: Arc<Agent<SqliteStore>>) {
    let mut changes = agent.changes();
    let mut since = agentnet_platform::rt::now().as_millisecond();
    loop {
        if changes.changed().await.is_err() {
            return;
        }
        let Ok(entries) = agent.entries(Query::all().between(since, i64::MAX)).await else { continue };
        for entry in entries {
            let mark = match entry.direction {
                Direction::Sent => "sent",
                Direction::Received => "received",
                Direction::Rejected => "REFUSED",
                Direction::Note => "note",
            };
            eprintln!("agentnet: {mark}: {}", entry.sentence);
            since = since.max(entry.at_ms + 1);
        }
    }
}
