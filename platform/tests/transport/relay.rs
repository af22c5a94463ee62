//! The real relay binary in its own process (so a test can SIGKILL it), and a
//! throwaway redis-server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// Builds `agentnet-relay` once per test run (a no-op when it is up to date) and
/// returns its path, next to this test's own binary in the shared target dir.
fn relay_binary() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let status = Command::new(cargo)
            .args(["build", "--quiet", "-p", "agentnet-relay", "--bin", "agentnet-relay"])
            .current_dir(&workspace)
            .status()
            .expect("running cargo build -p agentnet-relay");
        assert!(status.success(), "cargo build -p agentnet-relay failed");
        // target/debug/deps/transport-HASH -> target/debug/agentnet-relay
        let exe = std::env::current_exe().unwrap();
        let path = exe.parent().and_then(|p| p.parent()).unwrap().join("agentnet-relay");
        assert!(path.exists(), "no relay binary at {}", path.display());
        path
    })
}

/// Whether something accepts TCP connections at `addr`.
async fn listening(addr: SocketAddr) -> bool {
    tokio::net::TcpStream::connect(addr).await.is_ok()
}

/// Polls until `addr` accepts connections (process start-up has no other signal).
async fn wait_listening(addr: SocketAddr, what: &str) {
    for _ in 0..500 {
        if listening(addr).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{what} did not start listening on {addr}");
}

/// A free loopback port.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The relay binary, running; SIGKILLed on drop.
pub(crate) struct RelayProcess {
    pub(crate) addr: SocketAddr,
    redis_url: Option<String>,
    /// The origin clients sign for, when they dial it through something else.
    origin: Option<String>,
    child: Child,
}

impl RelayProcess {
    /// Starts the relay on a free port, with its mailbox in `redis_url` if given.
    pub(crate) async fn start(redis_url: Option<&str>) -> RelayProcess {
        let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
        Self::start_on(addr, redis_url.map(str::to_string), None).await
    }

    /// Starts the relay on a free port, answering logins signed for `origin` (the
    /// address of a proxy in front of it).
    pub(crate) async fn behind(origin: &str) -> RelayProcess {
        let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
        Self::start_on(addr, None, Some(origin.to_owned())).await
    }

    async fn start_on(addr: SocketAddr, redis_url: Option<String>, origin: Option<String>) -> RelayProcess {
        let mut command = Command::new(relay_binary());
        command.env("RELAY_ADDR", addr.to_string()).env("RUST_LOG", "warn").stdout(Stdio::null());
        if let Some(url) = &redis_url {
            command.env("REDIS_URL", url);
        }
        if let Some(origin) = &origin {
            command.env("RELAY_PUBLIC_ORIGINS", origin);
        }
        let child = command.spawn().expect("starting the relay binary");
        wait_listening(addr, "relay").await;
        RelayProcess { addr, redis_url, origin, child }
    }

    /// The URL clients dial.
    pub(crate) fn url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// SIGKILL: no drain, no close frames, nothing flushed.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts a new process on the same port and the same Redis (after [`Self::kill`]).
    pub(crate) async fn start_again(&mut self) {
        let next = Self::start_on(self.addr, self.redis_url.clone(), self.origin.clone()).await;
        // The old child is already reaped; swap in the new one without a second kill.
        let old = std::mem::replace(self, next);
        std::mem::forget(old);
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A redis-server on a free loopback port, without persistence; killed on drop.
pub(crate) struct RedisServer {
    pub(crate) url: String,
    child: Child,
}

impl RedisServer {
    pub(crate) async fn start() -> RedisServer {
        let port = free_port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server (Debian package redis-server) must be installed");
        wait_listening(SocketAddr::from(([127, 0, 0, 1], port)), "redis-server").await;
        RedisServer { url: format!("redis://127.0.0.1:{port}/"), child }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
