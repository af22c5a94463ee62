//! Real processes for end-to-end tests: the relay binary (optionally on a throwaway
//! redis-server) and `agentnet` agents, each in its own profile directory.

#![allow(dead_code, unreachable_pub)]

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

pub const PASSPHRASE: &str = "correct horse battery staple";

/// Polls `check` every 20 ms until it holds or `limit` passes.
/// Monday of next week in `zone` (the scenarios' calendars are laid out from it).
pub fn next_monday(zone: &str) -> jiff::civil::Date {
    let today = jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::get(zone).unwrap()).date();
    let mut day = today.tomorrow().unwrap();
    while day.weekday() != jiff::civil::Weekday::Monday {
        day = day.tomorrow().unwrap();
    }
    day
}

pub fn wait_until(limit: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < limit, "timed out after {limit:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_listening(addr: SocketAddr, what: &str) {
    wait_until(Duration::from_secs(20), what, || TcpStream::connect(addr).is_ok());
}

/// Builds `agentnet-relay` once (a no-op when up to date); it sits next to `agentnet`.
fn relay_binary() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        // The relay is built in the profile this code was built in (tests: dev, benches: release).
        let profile = if cfg!(debug_assertions) { "dev" } else { "release" };
        let status = Command::new(cargo)
            .args(["build", "--quiet", "--profile", profile, "-p", "agentnet-relay", "--bin", "agentnet-relay"])
            .current_dir(&workspace)
            .status()
            .expect("running cargo build -p agentnet-relay");
        assert!(status.success(), "cargo build -p agentnet-relay failed");
        let path = Path::new(env!("CARGO_BIN_EXE_agentnet")).with_file_name("agentnet-relay");
        assert!(path.exists(), "no relay binary at {}", path.display());
        path
    })
}

/// A scratch directory, removed on drop unless the test failed (then its logs stay, and
/// the path is printed).
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("agentnet-e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept for inspection: {}", self.0.display());
            return;
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A redis-server that saves its data to `dir/dump.rdb` on `SAVE`.
pub struct Redis {
    pub url: String,
    pub port: u16,
    dir: PathBuf,
    child: Child,
}

impl Redis {
    pub fn start(dir: &Path) -> Redis {
        let port = free_port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--dir", dir.to_str().unwrap(), "--dbfilename", "dump.rdb"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server (Debian package redis-server) must be installed");
        wait_listening(SocketAddr::from(([127, 0, 0, 1], port)), "redis-server");
        Redis { url: format!("redis://127.0.0.1:{port}/"), port, dir: dir.to_owned(), child }
    }

    /// Everything Redis holds, as written by `SAVE`.
    pub fn dump(&self) -> Vec<u8> {
        let status = Command::new("redis-cli").args(["-p", &self.port.to_string(), "SAVE"]).stdout(Stdio::null()).status().unwrap();
        assert!(status.success());
        std::fs::read(self.dir.join("dump.rdb")).unwrap()
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The relay binary with its logs in a file.
pub struct Relay {
    pub url: String,
    pub log: PathBuf,
    addr: SocketAddr,
    redis: Option<String>,
    child: Child,
}

impl Relay {
    pub fn start(dir: &Path, redis: Option<&Redis>) -> Relay {
        let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
        let log = dir.join("relay.log");
        let redis = redis.map(|r| r.url.clone());
        let child = Self::spawn(addr, &log, redis.as_deref());
        Relay { url: format!("ws://{addr}/ws"), log, addr, redis, child }
    }

    fn spawn(addr: SocketAddr, log: &Path, redis: Option<&str>) -> Child {
        let file = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
        let mut command = Command::new(relay_binary());
        command.env("RELAY_ADDR", addr.to_string()).env("RUST_LOG", "debug").stdout(file.try_clone().unwrap()).stderr(file);
        if let Some(redis) = redis {
            command.env("REDIS_URL", redis);
        }
        let child = command.spawn().expect("starting the relay");
        wait_listening(addr, "relay");
        child
    }

    /// SIGKILLs the relay and starts it again on the same address (and Redis).
    pub fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.child = Self::spawn(self.addr, &self.log, self.redis.as_deref());
    }

    pub fn logs(&self) -> Vec<u8> {
        std::fs::read(&self.log).unwrap()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One person's agent: a profile directory, and `agentnet run` when started.
pub struct Agent {
    pub name: String,
    pub dir: PathBuf,
    daemon: Option<Child>,
}

impl Agent {
    /// `agentnet init` in `root/name`, working hours 9-17 in `zone`.
    pub fn init(root: &Path, name: &str, zone: &str, relay: &str) -> Agent {
        let agent = Agent { name: name.to_owned(), dir: root.join(name.to_lowercase()), daemon: None };
        let out = agent.run(&["init", "--name", name, "--zone", zone, "--relay", relay]);
        assert!(out.status.success(), "init {name}: {}", String::from_utf8_lossy(&out.stderr));
        agent
    }

    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_agentnet"));
        command.arg("--profile").arg(&self.dir).env("AGENTNET_PASSPHRASE", PASSPHRASE).env_remove("OPENAI_API_KEY");
        command
    }

    /// Runs one command and returns its output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).stdin(Stdio::null()).output().unwrap()
    }

    /// Runs one command with more environment variables.
    pub fn run_with_env(&self, env: &[(&str, &str)], args: &[&str]) -> Output {
        self.command().envs(env.iter().copied()).args(args).stdin(Stdio::null()).output().unwrap()
    }

    /// Runs one command with the agent's clock started at `now` (`AGENTNET_NOW`).
    pub fn run_at(&self, now: &str, args: &[&str]) -> Output {
        self.command().env("AGENTNET_NOW", now).args(args).stdin(Stdio::null()).output().unwrap()
    }

    /// Runs one command with `--json`; panics unless it succeeds.
    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.command().arg("--json").args(args).stdin(Stdio::null()).output().unwrap();
        assert!(out.status.success(), "{} {args:?} failed ({}): {}", self.name, out.status, String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{} {args:?}: {e}: {}", self.name, String::from_utf8_lossy(&out.stdout)))
    }

    /// Runs one command for its text output; panics unless it succeeds.
    pub fn text(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{} {args:?} failed: {}", self.name, String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Starts `agentnet run` and waits for its control socket.
    pub fn start(&mut self) {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(self.dir.join("run.log")).unwrap();
        let child = self.command().arg("run").stdin(Stdio::null()).stdout(Stdio::null()).stderr(log).spawn().unwrap();
        self.daemon = Some(child);
        let socket = self.dir.join("agent.sock");
        wait_until(Duration::from_secs(60), "the agent's control socket", || std::os::unix::net::UnixStream::connect(&socket).is_ok());
    }

    /// SIGKILLs `agentnet run` (no clean shutdown).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.daemon.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Imports an ICS calendar.
    pub fn import(&self, ics: &str) {
        let path = self.dir.join("calendar.ics");
        std::fs::File::create(&path).unwrap().write_all(ics.as_bytes()).unwrap();
        self.text(&["calendar", "import", path.to_str().unwrap()]);
    }

    /// Connects `self` (inviting) with `other` (accepting), and sets the policy each
    /// applies to the other.
    pub fn connect(&self, other: &Agent, policy: &str) {
        let invite = self.json(&["invite"]);
        other.json(&["accept", invite["code"].as_str().unwrap()]);
        wait_until(Duration::from_secs(60), "the invite to be accepted", || {
            self.json(&["contacts"]).as_array().unwrap().iter().any(|c| c["name"] == other.name.as_str())
        });
        self.json(&["contact", &other.name, "--policy", policy]);
        other.json(&["contact", &self.name, "--policy", policy]);
    }

    /// The newest negotiation, as JSON.
    pub fn latest(&self) -> Value {
        self.json(&["negotiations"]).as_array().unwrap().first().cloned().unwrap_or(Value::Null)
    }

    /// The calendar's events in the next three weeks.
    pub fn events(&self) -> Vec<Value> {
        self.json(&["events", "--days", "21"]).as_array().unwrap().clone()
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Whether `haystack` contains `needle`.
pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}
