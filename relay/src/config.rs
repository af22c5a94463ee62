//! Configuration in two layers: an optional TOML file (`RELAY_CONFIG=path`), then
//! `RELAY_*` environment variables, validated into [`Config`]. Every field documents
//! its default.

use serde::Deserialize;
use std::{net::SocketAddr, time::Duration};

/// The relay's validated runtime configuration.
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// Listen address (`RELAY_ADDR`, default `127.0.0.1:8081`).
    pub addr: SocketAddr,
    /// Where `/metrics` is served (`RELAY_METRICS_ADDR`, default `127.0.0.1:9091`; `off`
    /// for nowhere; if the address is taken, the relay runs without metrics and says so).
    /// Never on `addr`: the figures say how many agents are online and how much each
    /// instance carries, which strangers have no business knowing.
    pub metrics_addr: Option<SocketAddr>,
    /// Redis URL for scale-out (`REDIS_URL` or `RELAY_REDIS_URL`); `None` keeps routing
    /// and mailboxes in memory (default). Redacted in `Debug`.
    pub redis_url: Option<String>,
    /// Origins the relay answers to, as clients sign them (`RELAY_PUBLIC_ORIGINS`,
    /// comma-separated, e.g. `wss://relay.example.org`). Empty (default): derived from
    /// the address the relay listens on (`ws://localhost:PORT` and the like), never
    /// from a request's Host header.
    pub public_origins: Vec<String>,
    /// Browser `Origin` headers allowed to open a WebSocket (`RELAY_ALLOWED_ORIGINS`);
    /// empty (default) allows any. Requests without `Origin` (native clients) pass.
    pub allowed_origins: Vec<String>,
    /// Largest frame accepted, bytes (`RELAY_MAX_FRAME_LEN`, default 65,536).
    pub max_frame_len: usize,
    /// Time from Hello to Auth (`RELAY_AUTH_TIMEOUT_SECS`, default 10).
    pub auth_timeout: Duration,
    /// Interval of relay Pings (`RELAY_PING_INTERVAL_SECS`, default 30).
    pub ping_interval: Duration,
    /// Close a connection that sent nothing for this long (`RELAY_IDLE_TIMEOUT_SECS`, default 90).
    pub idle_timeout: Duration,
    /// Close a connection when one write to its socket does not complete within this: a
    /// client that stopped reading (`RELAY_WRITE_TIMEOUT_SECS`, default 20). Its
    /// deliveries stay in the mailbox.
    pub write_timeout: Duration,
    /// Time allowed for the HTTP request head (`RELAY_HEADER_READ_TIMEOUT_SECS`, default 5).
    pub header_read_timeout: Duration,
    /// Time connections get to finish on shutdown (`RELAY_DRAIN_TIMEOUT_SECS`, default 10).
    pub drain_timeout: Duration,
    /// Frames per second per connection, sustained (`RELAY_CONN_RATE`, default 200).
    pub conn_rate: u32,
    /// Burst of frames per connection (`RELAY_CONN_BURST`, default 400).
    pub conn_burst: u32,
    /// Bytes per second per connection (`RELAY_CONN_BYTES_RATE`, default 1 MiB).
    pub conn_bytes_rate: u32,
    /// Frames per second per agent over all its connections (`RELAY_AGENT_RATE`, default 400).
    pub agent_rate: u32,
    /// Burst per agent (`RELAY_AGENT_BURST`, default 800).
    pub agent_burst: u32,
    /// Rate violations tolerated before closing 1008 (`RELAY_RATE_STRIKES`, default 50).
    pub rate_strikes: u32,
    /// Simultaneous connections per agent (`RELAY_MAX_CONNS_PER_AGENT`, default 8).
    pub max_conns_per_agent: usize,
    /// Simultaneous WebSocket connections per instance (`RELAY_MAX_CONNECTIONS`, default 100,000).
    pub max_connections: usize,
    /// Frames queued to one connection before it counts as a slow consumer
    /// (`RELAY_SEND_QUEUE`, default 256).
    pub send_queue: usize,
    /// Messages per mailbox (`RELAY_MAILBOX_MAX_MESSAGES`, default 1,000).
    pub mailbox_max_messages: usize,
    /// Bytes per mailbox (`RELAY_MAILBOX_MAX_BYTES`, default 16 MiB).
    pub mailbox_max_bytes: usize,
    /// Bytes all in-memory mailboxes together may hold (`RELAY_MAILBOX_TOTAL_BYTES`,
    /// default a quarter of the memory the process may use, 64 MiB to 16 GiB). Per-mailbox
    /// caps alone let throwaway identities hold memory for the whole TTL. With Redis, its
    /// `maxmemory` (policy `noeviction`) is the budget instead.
    pub mailbox_total_bytes: usize,
    /// How long mail waits (`RELAY_MAILBOX_TTL_SECS`, default 7 days).
    pub mailbox_ttl: Duration,
    /// Largest prekey bundle, bytes (`RELAY_MAX_PREKEY_BUNDLE`, default 8,192).
    pub max_prekey_bundle: usize,
    /// Longest presence list (`RELAY_MAX_PRESENCE_LIST`, default 1,000).
    pub max_presence_list: usize,
    /// Presence ids one connection may subscribe per second, sustained
    /// (`RELAY_PRESENCE_RATE`, default 1,000; bursts up to twice the longest list). With
    /// Redis each new id costs a PUBLISH to the instances: lists of 1,000 ids in a loop
    /// would drown the logins that share Redis.
    pub presence_rate: u32,
    /// Bytes per second the relay stores for one source address, over all its
    /// connections (`RELAY_IP_SEND_RATE`, default 1 MiB; an IPv6 /64 is one address).
    pub ip_send_rate: u32,
    /// Bytes one source address may send at once above that rate
    /// (`RELAY_IP_SEND_BURST`, default 16 MiB).
    pub ip_send_burst: u32,
    /// WebSocket read buffer per connection (`RELAY_WS_READ_BUFFER`, default 2,048): small
    /// so idle connections stay cheap; it grows for large frames.
    pub ws_read_buffer: usize,
    /// The optional account gate: when set, Hello must carry an ID token that verifies
    /// (see [`OidcConfig`]). `None` (default): no token is asked for.
    pub oidc: Option<OidcConfig>,
}

/// The OIDC / Firebase ID token gate. Set `RELAY_OIDC_JWKS_URL`, `RELAY_OIDC_ISSUER` and
/// `RELAY_OIDC_AUDIENCE` together, or just `RELAY_OIDC_FIREBASE_PROJECT=<project id>`,
/// which fills in Google's JWKS URL, `https://securetoken.google.com/<project id>` and
/// `<project id>` (each can still be overridden).
///
/// Tokens must be RS256 JWTs whose header `kid` names a key of the JWKS, with `exp` in the
/// future, `iss` equal to the issuer, `aud` one of the audiences, and a non-empty `sub`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OidcConfig {
    /// Where the signing keys are published (`RELAY_OIDC_JWKS_URL`): `https://`, or
    /// `http://` on a loopback host only (no one can swap keys on the way).
    pub jwks_url: String,
    /// The one accepted `iss` (`RELAY_OIDC_ISSUER`).
    pub issuer: String,
    /// Accepted `aud` values (`RELAY_OIDC_AUDIENCE`, comma-separated).
    pub audiences: Vec<String>,
    /// Clock skew tolerated on `exp`/`nbf` (`RELAY_OIDC_LEEWAY_SECS`, default 30).
    pub leeway: Duration,
    /// Keys older than this are fetched again before use (`RELAY_OIDC_JWKS_MAX_AGE_SECS`,
    /// default 3,600; at least the min refresh). If that fetch fails the old keys stay in use.
    pub jwks_max_age: Duration,
    /// Fetches happen at most this often, whatever triggers them: a token with an unknown
    /// `kid` (the issuer rotated keys), expired keys, a failed fetch
    /// (`RELAY_OIDC_JWKS_MIN_REFRESH_SECS`, default 30; 0 is for tests).
    pub jwks_min_refresh: Duration,
    /// Time allowed for one JWKS fetch (`RELAY_OIDC_FETCH_TIMEOUT_SECS`, default 5).
    pub fetch_timeout: Duration,
    /// The Firebase Auth emulator's `host:port` (`RELAY_FIREBASE_EMULATOR`): its tokens are
    /// unsigned (`alg: none`) and are accepted then, and only then. Refused with any
    /// project id but a `demo-` one, which exists only in emulators.
    pub emulator: Option<String>,
    /// The Firebase project's web API key (`RELAY_FIREBASE_API_KEY`; public by design):
    /// with it the relay also asks Firebase whether the token's account is still enabled.
    pub api_key: Option<String>,
}

/// Google's keys for Firebase ID tokens.
pub const FIREBASE_JWKS_URL: &str = "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com";

impl OidcConfig {
    /// A gate with the default timings.
    pub fn new(jwks_url: impl Into<String>, issuer: impl Into<String>, audiences: Vec<String>) -> Self {
        OidcConfig {
            jwks_url: jwks_url.into(),
            issuer: issuer.into(),
            audiences,
            leeway: Duration::from_secs(30),
            jwks_max_age: Duration::from_secs(3600),
            jwks_min_refresh: Duration::from_secs(30),
            fetch_timeout: Duration::from_secs(5),
            emulator: None,
            api_key: None,
        }
    }
}

/// A quarter of the memory this process may use (its own cgroup's limit, v2 or v1, else
/// the machine's), between 64 MiB and 16 GiB; 256 MiB when none can be read.
fn default_total_bytes() -> usize {
    let read = |path: &str| std::fs::read_to_string(path).ok().and_then(|s| s.trim().parse::<u64>().ok());
    // v2: "0::/some/path" names this process's group; v1 has a memory controller line.
    let cgroup = std::fs::read_to_string("/proc/self/cgroup").ok().and_then(|groups| {
        groups.lines().find_map(|line| {
            let mut parts = line.splitn(3, ':');
            let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
            match controllers {
                "" => read(&format!("/sys/fs/cgroup{path}/memory.max")),
                c if c.split(',').any(|c| c == "memory") => read(&format!("/sys/fs/cgroup/memory{path}/memory.limit_in_bytes")),
                _ => None,
            }
        })
    });
    let cgroup = cgroup.or_else(|| read("/sys/fs/cgroup/memory.max")).filter(|limit| *limit < 1 << 50);
    let machine = || {
        let info = std::fs::read_to_string("/proc/meminfo").ok()?;
        let line = info.lines().find(|line| line.starts_with("MemTotal:"))?;
        line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kib| kib * 1024)
    };
    let quarter = cgroup.or_else(machine).map_or(256 << 20, |bytes| bytes / 4);
    quarter.clamp(64 << 20, 16 << 30) as usize
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8081)),
            metrics_addr: Some(SocketAddr::from(([127, 0, 0, 1], 9091))),
            redis_url: None,
            public_origins: Vec::new(),
            allowed_origins: Vec::new(),
            max_frame_len: 64 * 1024,
            auth_timeout: Duration::from_secs(10),
            ping_interval: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(90),
            write_timeout: Duration::from_secs(20),
            header_read_timeout: Duration::from_secs(5),
            drain_timeout: Duration::from_secs(10),
            conn_rate: 200,
            conn_burst: 400,
            conn_bytes_rate: 1 << 20,
            agent_rate: 400,
            agent_burst: 800,
            rate_strikes: 50,
            max_conns_per_agent: 8,
            max_connections: 100_000,
            send_queue: 256,
            mailbox_max_messages: 1000,
            mailbox_max_bytes: 16 << 20,
            mailbox_total_bytes: default_total_bytes(),
            mailbox_ttl: Duration::from_secs(7 * 24 * 3600),
            max_prekey_bundle: 8192,
            max_presence_list: 1000,
            presence_rate: 1000,
            ip_send_rate: 1 << 20,
            ip_send_burst: 16 << 20,
            ws_read_buffer: 2048,
            oidc: None,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("metrics_addr", &self.metrics_addr)
            // The URL may carry a password.
            .field("redis_url", &self.redis_url.as_ref().map(|_| "<redacted>"))
            .field("public_origins", &self.public_origins)
            .field("allowed_origins", &self.allowed_origins)
            .field("max_frame_len", &self.max_frame_len)
            .field("mailbox_max_messages", &self.mailbox_max_messages)
            .field("mailbox_max_bytes", &self.mailbox_max_bytes)
            .field("mailbox_total_bytes", &self.mailbox_total_bytes)
            .field("mailbox_ttl", &self.mailbox_ttl)
            .field("oidc", &self.oidc)
            .finish_non_exhaustive()
    }
}

/// A configuration value that was unreadable or out of range.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The config file could not be read or parsed.
    #[error("config file {path}: {reason}")]
    File {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// A setting has a value outside its domain.
    #[error("{key} = {value:?}: {reason}")]
    Invalid {
        /// The setting (environment name).
        key: &'static str,
        /// The value given.
        value: String,
        /// What is expected.
        reason: &'static str,
    },
}

/// The file layer: every key optional, named like the environment variable without
/// `RELAY_`, in lower case (`max_frame_len = 65536`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLayer {
    addr: Option<String>,
    metrics_addr: Option<String>,
    redis_url: Option<String>,
    public_origins: Option<Vec<String>>,
    allowed_origins: Option<Vec<String>>,
    max_frame_len: Option<u64>,
    auth_timeout_secs: Option<u64>,
    ping_interval_secs: Option<u64>,
    idle_timeout_secs: Option<u64>,
    write_timeout_secs: Option<u64>,
    header_read_timeout_secs: Option<u64>,
    drain_timeout_secs: Option<u64>,
    conn_rate: Option<u64>,
    conn_burst: Option<u64>,
    conn_bytes_rate: Option<u64>,
    agent_rate: Option<u64>,
    agent_burst: Option<u64>,
    rate_strikes: Option<u64>,
    max_conns_per_agent: Option<u64>,
    max_connections: Option<u64>,
    send_queue: Option<u64>,
    mailbox_max_messages: Option<u64>,
    mailbox_max_bytes: Option<u64>,
    mailbox_total_bytes: Option<u64>,
    mailbox_ttl_secs: Option<u64>,
    max_prekey_bundle: Option<u64>,
    max_presence_list: Option<u64>,
    presence_rate: Option<u64>,
    ip_send_rate: Option<u64>,
    ip_send_burst: Option<u64>,
    ws_read_buffer: Option<u64>,
    oidc_jwks_url: Option<String>,
    oidc_issuer: Option<String>,
    oidc_audience: Option<Vec<String>>,
    oidc_firebase_project: Option<String>,
    firebase_emulator: Option<String>,
    firebase_api_key: Option<String>,
    oidc_leeway_secs: Option<u64>,
    oidc_jwks_max_age_secs: Option<u64>,
    oidc_jwks_min_refresh_secs: Option<u64>,
    oidc_fetch_timeout_secs: Option<u64>,
}

impl Config {
    /// Reads `RELAY_CONFIG` (if set) and the `RELAY_*` / `REDIS_URL` environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        let file = match std::env::var("RELAY_CONFIG") {
            Ok(path) => Some((
                std::fs::read_to_string(&path)
                    .map_err(|e| ConfigError::File { path: path.clone(), reason: e.to_string() })?,
                path,
            )),
            Err(_) => None,
        };
        Config::from_sources(file.as_ref().map(|(t, p)| (t.as_str(), p.as_str())), &vars)
    }

    /// Builds a config from file text (with its path, for errors) and environment pairs.
    pub fn from_sources(file: Option<(&str, &str)>, env: &[(String, String)]) -> Result<Config, ConfigError> {
        let layer: FileLayer = match file {
            Some((text, path)) => toml::from_str(text)
                .map_err(|e| ConfigError::File { path: path.into(), reason: e.to_string() })?,
            None => FileLayer::default(),
        };
        let get = |key: &str| env.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let mut c = Config::default();
        let oidc = oidc_from(&get, &layer)?;

        if let Some(v) = get("RELAY_ADDR").or(layer.addr) {
            c.addr = v.parse().map_err(|_| invalid("RELAY_ADDR", &v, "expected host:port"))?;
        }
        if let Some(v) = get("RELAY_METRICS_ADDR").or(layer.metrics_addr) {
            c.metrics_addr = match v.as_str() {
                "off" => None,
                _ => Some(v.parse().map_err(|_| invalid("RELAY_METRICS_ADDR", &v, "expected host:port or off"))?),
            };
        }
        c.redis_url = get("RELAY_REDIS_URL").or_else(|| get("REDIS_URL")).or(layer.redis_url).filter(|s| !s.is_empty());
        let list = |s: String| -> Vec<String> {
            s.split(',').map(|p| p.trim().trim_end_matches('/').to_lowercase()).filter(|p| !p.is_empty()).collect()
        };
        if let Some(v) = get("RELAY_PUBLIC_ORIGINS") {
            c.public_origins = list(v);
        } else if let Some(v) = layer.public_origins {
            c.public_origins = list(v.join(","));
        }
        if let Some(v) = get("RELAY_ALLOWED_ORIGINS") {
            c.allowed_origins = list(v);
        } else if let Some(v) = layer.allowed_origins {
            c.allowed_origins = list(v.join(","));
        }

        macro_rules! num {
            ($field:ident, $key:literal, $file:expr, $min:expr, $max:expr, $conv:expr) => {
                let raw = match get($key) {
                    Some(v) => Some((v.parse::<u64>().map_err(|_| invalid($key, &v, "expected a whole number"))?, v)),
                    None => $file.map(|n| (n, n.to_string())),
                };
                if let Some((n, text)) = raw {
                    if !($min..=$max).contains(&n) {
                        return Err(invalid($key, &text, concat!("out of range ", stringify!($min), "..=", stringify!($max))));
                    }
                    c.$field = $conv(n);
                }
            };
        }
        let secs = Duration::from_secs;
        let us = |n: u64| n as usize;
        let u = |n: u64| n as u32;
        num!(max_frame_len, "RELAY_MAX_FRAME_LEN", layer.max_frame_len, 1024, 16_777_216, us);
        num!(auth_timeout, "RELAY_AUTH_TIMEOUT_SECS", layer.auth_timeout_secs, 1, 300, secs);
        num!(ping_interval, "RELAY_PING_INTERVAL_SECS", layer.ping_interval_secs, 1, 3600, secs);
        num!(idle_timeout, "RELAY_IDLE_TIMEOUT_SECS", layer.idle_timeout_secs, 2, 7200, secs);
        num!(write_timeout, "RELAY_WRITE_TIMEOUT_SECS", layer.write_timeout_secs, 1, 300, secs);
        num!(header_read_timeout, "RELAY_HEADER_READ_TIMEOUT_SECS", layer.header_read_timeout_secs, 1, 120, secs);
        num!(drain_timeout, "RELAY_DRAIN_TIMEOUT_SECS", layer.drain_timeout_secs, 0, 600, secs);
        num!(conn_rate, "RELAY_CONN_RATE", layer.conn_rate, 1, 10_000_000, u);
        num!(conn_burst, "RELAY_CONN_BURST", layer.conn_burst, 1, 10_000_000, u);
        num!(conn_bytes_rate, "RELAY_CONN_BYTES_RATE", layer.conn_bytes_rate, 1024, 4_000_000_000, u);
        num!(agent_rate, "RELAY_AGENT_RATE", layer.agent_rate, 1, 10_000_000, u);
        num!(agent_burst, "RELAY_AGENT_BURST", layer.agent_burst, 1, 10_000_000, u);
        num!(rate_strikes, "RELAY_RATE_STRIKES", layer.rate_strikes, 1, 1_000_000, u);
        num!(max_conns_per_agent, "RELAY_MAX_CONNS_PER_AGENT", layer.max_conns_per_agent, 1, 1000, us);
        num!(max_connections, "RELAY_MAX_CONNECTIONS", layer.max_connections, 1, 10_000_000, us);
        num!(send_queue, "RELAY_SEND_QUEUE", layer.send_queue, 1, 1_000_000, us);
        num!(mailbox_max_messages, "RELAY_MAILBOX_MAX_MESSAGES", layer.mailbox_max_messages, 1, 1_000_000, us);
        num!(mailbox_max_bytes, "RELAY_MAILBOX_MAX_BYTES", layer.mailbox_max_bytes, 1024, 1 << 34, us);
        num!(mailbox_total_bytes, "RELAY_MAILBOX_TOTAL_BYTES", layer.mailbox_total_bytes, 1 << 16, 1 << 40, us);
        num!(mailbox_ttl, "RELAY_MAILBOX_TTL_SECS", layer.mailbox_ttl_secs, 1, 366 * 86_400, secs);
        num!(max_prekey_bundle, "RELAY_MAX_PREKEY_BUNDLE", layer.max_prekey_bundle, 64, 1 << 20, us);
        num!(max_presence_list, "RELAY_MAX_PRESENCE_LIST", layer.max_presence_list, 0, 65_535, us);
        num!(presence_rate, "RELAY_PRESENCE_RATE", layer.presence_rate, 1, 10_000_000, u);
        num!(ip_send_rate, "RELAY_IP_SEND_RATE", layer.ip_send_rate, 1024, 4_000_000_000, u);
        num!(ip_send_burst, "RELAY_IP_SEND_BURST", layer.ip_send_burst, 65_536, 4_000_000_000, u);
        num!(ws_read_buffer, "RELAY_WS_READ_BUFFER", layer.ws_read_buffer, 512, 1 << 20, us);

        c.oidc = oidc;
        if let Some(o) = &mut c.oidc {
            let n = |key: &'static str, file: Option<u64>, min: u64, max: u64, field: &mut Duration| -> Result<(), ConfigError> {
                let raw = match get(key) {
                    Some(v) => Some((v.parse::<u64>().map_err(|_| invalid(key, &v, "expected a whole number"))?, v)),
                    None => file.map(|n| (n, n.to_string())),
                };
                if let Some((v, text)) = raw {
                    if !(min..=max).contains(&v) {
                        return Err(invalid(key, &text, "out of range"));
                    }
                    *field = Duration::from_secs(v);
                }
                Ok(())
            };
            n("RELAY_OIDC_LEEWAY_SECS", layer.oidc_leeway_secs, 0, 600, &mut o.leeway)?;
            n("RELAY_OIDC_JWKS_MAX_AGE_SECS", layer.oidc_jwks_max_age_secs, 1, 7 * 86_400, &mut o.jwks_max_age)?;
            n("RELAY_OIDC_JWKS_MIN_REFRESH_SECS", layer.oidc_jwks_min_refresh_secs, 0, 86_400, &mut o.jwks_min_refresh)?;
            n("RELAY_OIDC_FETCH_TIMEOUT_SECS", layer.oidc_fetch_timeout_secs, 1, 120, &mut o.fetch_timeout)?;
            if o.jwks_max_age < o.jwks_min_refresh {
                return Err(invalid(
                    "RELAY_OIDC_JWKS_MAX_AGE_SECS",
                    &o.jwks_max_age.as_secs().to_string(),
                    "must be at least RELAY_OIDC_JWKS_MIN_REFRESH_SECS (every fetch waits that long)",
                ));
            }
        }

        if c.idle_timeout <= c.ping_interval {
            return Err(invalid(
                "RELAY_IDLE_TIMEOUT_SECS",
                &c.idle_timeout.as_secs().to_string(),
                "must exceed RELAY_PING_INTERVAL_SECS so a Pong can arrive",
            ));
        }
        for o in &c.public_origins {
            if !(o.starts_with("ws://") || o.starts_with("wss://")) {
                return Err(invalid("RELAY_PUBLIC_ORIGINS", o, "expected ws://host or wss://host"));
            }
        }
        Ok(c)
    }
}

/// The gate's URL, issuer and audiences; `None` if none of them is set.
fn oidc_from(get: &dyn Fn(&str) -> Option<String>, layer: &FileLayer) -> Result<Option<OidcConfig>, ConfigError> {
    let project = get("RELAY_OIDC_FIREBASE_PROJECT").or_else(|| layer.oidc_firebase_project.clone()).filter(|s| !s.is_empty());
    let url = get("RELAY_OIDC_JWKS_URL").or_else(|| layer.oidc_jwks_url.clone()).filter(|s| !s.is_empty());
    let issuer = get("RELAY_OIDC_ISSUER").or_else(|| layer.oidc_issuer.clone()).filter(|s| !s.is_empty());
    let audiences: Vec<String> = match get("RELAY_OIDC_AUDIENCE") {
        Some(v) => v.split(',').map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect(),
        None => layer.oidc_audience.clone().unwrap_or_default().into_iter().filter(|a| !a.is_empty()).collect(),
    };
    let emulator = get("RELAY_FIREBASE_EMULATOR").or_else(|| layer.firebase_emulator.clone()).filter(|s| !s.is_empty());
    if project.is_none() && url.is_none() && issuer.is_none() && audiences.is_empty() && emulator.is_none() {
        return Ok(None);
    }
    if let Some(at) = &emulator {
        // Unsigned tokens are accepted in emulator mode: it must never meet a real project.
        if !project.as_ref().is_some_and(|p| p.starts_with("demo-")) || url.is_some() || issuer.is_some() {
            return Err(invalid("RELAY_FIREBASE_EMULATOR", at, "only with RELAY_OIDC_FIREBASE_PROJECT=demo-… and no other issuer: a production project never takes unsigned tokens"));
        }
        let port = at.rsplit_once(':').and_then(|(host, port)| (!host.is_empty()).then_some(port)).and_then(|p| p.parse::<u16>().ok());
        if port.is_none() {
            return Err(invalid("RELAY_FIREBASE_EMULATOR", at, "expected host:port"));
        }
    }
    if let Some(p) = &project
        && !p.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
    {
        return Err(invalid("RELAY_OIDC_FIREBASE_PROJECT", p, "expected a Firebase project id"));
    }
    let url = url.or_else(|| project.as_ref().map(|_| FIREBASE_JWKS_URL.to_string()));
    let issuer = issuer.or_else(|| project.as_ref().map(|p| format!("https://securetoken.google.com/{p}")));
    let audiences = if audiences.is_empty() { project.iter().cloned().collect() } else { audiences };
    let Some(url) = url else {
        return Err(invalid("RELAY_OIDC_JWKS_URL", "", "required when RELAY_OIDC_ISSUER or RELAY_OIDC_AUDIENCE is set"));
    };
    let Some(issuer) = issuer else {
        return Err(invalid("RELAY_OIDC_ISSUER", "", "required when RELAY_OIDC_JWKS_URL is set"));
    };
    if audiences.is_empty() {
        return Err(invalid("RELAY_OIDC_AUDIENCE", "", "required when RELAY_OIDC_JWKS_URL is set"));
    }
    // The emulator signs nothing: its mode fetches no keys.
    if emulator.is_none() {
        check_jwks_url(&url)?;
    }
    let mut config = OidcConfig::new(url, issuer, audiences);
    config.emulator = emulator;
    config.api_key = get("RELAY_FIREBASE_API_KEY").or_else(|| layer.firebase_api_key.clone()).filter(|s| !s.is_empty());
    Ok(Some(config))
}

/// `https://` (with the `tls` feature), or `http://` to a loopback host.
fn check_jwks_url(url: &str) -> Result<(), ConfigError> {
    const KEY: &str = "RELAY_OIDC_JWKS_URL";
    let parsed = reqwest::Url::parse(url).map_err(|_| invalid(KEY, url, "not a URL"))?;
    match parsed.scheme() {
        "https" if cfg!(feature = "tls") => Ok(()),
        "https" => Err(invalid(KEY, url, "https needs the relay built with the `tls` feature")),
        "http" => {
            let host = parsed.host_str().unwrap_or("").trim_start_matches('[').trim_end_matches(']');
            let loopback = host.eq_ignore_ascii_case("localhost")
                || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
            if loopback { Ok(()) } else { Err(invalid(KEY, url, "plain http only to a loopback host; use https")) }
        }
        _ => Err(invalid(KEY, url, "expected an https:// URL")),
    }
}

fn invalid(key: &'static str, value: &str, reason: &'static str) -> ConfigError {
    ConfigError::Invalid { key, value: value.to_string(), reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let c = Config::from_sources(None, &[]).unwrap();
        assert_eq!(c.max_frame_len, 65_536);
        assert_eq!(c.mailbox_ttl, Duration::from_secs(604_800));
        assert!(c.redis_url.is_none());
    }

    #[test]
    fn environment_overrides_the_file() {
        let file = "max_frame_len = 2048\nmailbox_max_messages = 5\n";
        let c = Config::from_sources(Some((file, "r.toml")), &env(&[("RELAY_MAX_FRAME_LEN", "4096")])).unwrap();
        assert_eq!(c.max_frame_len, 4096);
        assert_eq!(c.mailbox_max_messages, 5);
    }

    #[test]
    fn out_of_range_and_unknown_keys_are_refused() {
        assert!(matches!(
            Config::from_sources(None, &env(&[("RELAY_MAX_FRAME_LEN", "10")])),
            Err(ConfigError::Invalid { key: "RELAY_MAX_FRAME_LEN", .. })
        ));
        assert!(matches!(Config::from_sources(Some(("bogus = 1", "r.toml")), &[]), Err(ConfigError::File { .. })));
    }

    #[test]
    fn the_oidc_gate_is_off_unless_configured_and_complete() {
        assert!(Config::from_sources(None, &[]).unwrap().oidc.is_none());
        let c = Config::from_sources(
            None,
            &env(&[
                ("RELAY_OIDC_JWKS_URL", "http://127.0.0.1:9/jwks"),
                ("RELAY_OIDC_ISSUER", "https://issuer.test"),
                ("RELAY_OIDC_AUDIENCE", "a, b"),
                ("RELAY_OIDC_JWKS_MIN_REFRESH_SECS", "0"),
            ]),
        )
        .unwrap();
        let o = c.oidc.unwrap();
        assert_eq!(o.audiences, ["a", "b"]);
        assert_eq!(o.jwks_min_refresh, Duration::ZERO);
        assert_eq!(o.jwks_max_age, Duration::from_secs(3600));
        // Half a gate is an error, not a silently open relay.
        assert!(matches!(
            Config::from_sources(None, &env(&[("RELAY_OIDC_ISSUER", "https://issuer.test")])),
            Err(ConfigError::Invalid { key: "RELAY_OIDC_JWKS_URL", .. })
        ));
        assert!(matches!(
            Config::from_sources(None, &env(&[("RELAY_OIDC_JWKS_URL", "http://127.0.0.1/j"), ("RELAY_OIDC_ISSUER", "i")])),
            Err(ConfigError::Invalid { key: "RELAY_OIDC_AUDIENCE", .. })
        ));
    }

    #[test]
    fn jwks_urls_must_not_be_open_to_tampering() {
        let with = |url: &str| {
            Config::from_sources(
                None,
                &env(&[("RELAY_OIDC_JWKS_URL", url), ("RELAY_OIDC_ISSUER", "i"), ("RELAY_OIDC_AUDIENCE", "a")]),
            )
        };
        assert!(with("http://localhost:8080/jwks").is_ok());
        assert!(with("http://[::1]/jwks").is_ok());
        assert!(matches!(with("http://keys.example.org/jwks"), Err(ConfigError::Invalid { key: "RELAY_OIDC_JWKS_URL", .. })));
        assert!(matches!(with("ftp://127.0.0.1/jwks"), Err(ConfigError::Invalid { key: "RELAY_OIDC_JWKS_URL", .. })));
        assert_eq!(with("https://keys.example.org/jwks").is_ok(), cfg!(feature = "tls"));
    }

    #[test]
    fn a_firebase_project_fills_in_the_gate() {
        let file = "oidc_firebase_project = \"demo-app\"\noidc_leeway_secs = 5\n";
        let c = Config::from_sources(Some((file, "r.toml")), &[]);
        if !cfg!(feature = "tls") {
            assert!(c.is_err());
            return;
        }
        let o = c.unwrap().oidc.unwrap();
        assert_eq!(o.jwks_url, FIREBASE_JWKS_URL);
        assert_eq!(o.issuer, "https://securetoken.google.com/demo-app");
        assert_eq!(o.audiences, ["demo-app"]);
        assert_eq!(o.leeway, Duration::from_secs(5));
        assert!(matches!(
            Config::from_sources(None, &env(&[("RELAY_OIDC_FIREBASE_PROJECT", "a/b")])),
            Err(ConfigError::Invalid { key: "RELAY_OIDC_FIREBASE_PROJECT", .. })
        ));
    }

    #[test]
    fn emulator_mode_is_refused_with_a_production_project() {
        let with = |pairs: &[(&str, &str)]| Config::from_sources(None, &env(pairs));
        let c = with(&[("RELAY_OIDC_FIREBASE_PROJECT", "demo-agentnet"), ("RELAY_FIREBASE_EMULATOR", "127.0.0.1:9099")]).unwrap();
        let o = c.oidc.unwrap();
        assert_eq!(o.emulator.as_deref(), Some("127.0.0.1:9099"));
        assert_eq!(o.issuer, "https://securetoken.google.com/demo-agentnet");
        for refused in [
            &[("RELAY_OIDC_FIREBASE_PROJECT", "agentnet-prod"), ("RELAY_FIREBASE_EMULATOR", "127.0.0.1:9099")][..],
            &[("RELAY_FIREBASE_EMULATOR", "127.0.0.1:9099")][..],
            &[("RELAY_OIDC_FIREBASE_PROJECT", "demo-x"), ("RELAY_OIDC_ISSUER", "https://evil.test"), ("RELAY_FIREBASE_EMULATOR", "127.0.0.1:9099")][..],
            &[("RELAY_OIDC_FIREBASE_PROJECT", "demo-x"), ("RELAY_FIREBASE_EMULATOR", "no-port")][..],
        ] {
            assert!(matches!(with(refused), Err(ConfigError::Invalid { key: "RELAY_FIREBASE_EMULATOR", .. })), "{refused:?}");
        }
        // Without the emulator nothing changes: the project's gate verifies signatures.
        if cfg!(feature = "tls") {
            assert_eq!(with(&[("RELAY_OIDC_FIREBASE_PROJECT", "demo-agentnet")]).unwrap().oidc.unwrap().emulator, None);
        }
    }

    #[test]
    fn redis_url_is_redacted_in_debug() {
        let c = Config::from_sources(None, &env(&[("REDIS_URL", "redis://:hunter2@h")])).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
