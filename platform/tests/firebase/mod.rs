//! The real Firebase Auth emulator for tests (`firebase emulators:start --only auth`, from
//! the `firebase-tools` that `./x` pins; it needs Node, not Java): one per test binary, on
//! free loopback ports, in a folder of its own; stopped when the binary exits.
//!
//! The binary is `$AGENTNET_FIREBASE`, else `$AGENTNET_CACHE/firebase/node_modules/.bin/firebase`.

#![allow(dead_code, unreachable_pub)]

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The emulator's project: `demo-` ids exist only in emulators.
pub const PROJECT: &str = "demo-agentnet";

/// A running emulator.
pub struct Emulator {
    child: Mutex<Child>,
    root: PathBuf,
    /// `127.0.0.1:<port>`.
    pub host_port: String,
}

fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("AGENTNET_FIREBASE") {
        return path.into();
    }
    let cache = std::env::var_os("AGENTNET_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/agentnet"));
    cache.join("firebase/node_modules/.bin/firebase")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The emulator shared by the tests of this binary, started on first use.
pub fn emulator() -> &'static Emulator {
    static ONE: OnceLock<Emulator> = OnceLock::new();
    ONE.get_or_init(start)
}

fn start() -> Emulator {
    let root = std::env::temp_dir().join(format!("agentnet-firebase-{}", std::process::id()));
    std::fs::create_dir_all(&root).unwrap();
    let (auth, hub, logging) = (free_port(), free_port(), free_port());
    let config = format!(
        r#"{{"emulators":{{"auth":{{"host":"127.0.0.1","port":{auth}}},"hub":{{"host":"127.0.0.1","port":{hub}}},"logging":{{"host":"127.0.0.1","port":{logging}}},"ui":{{"enabled":false}},"singleProjectMode":true}}}}"#
    );
    std::fs::write(root.join("firebase.json"), config).unwrap();
    let binary = binary();
    assert!(binary.exists() || std::env::var_os("AGENTNET_FIREBASE").is_some(), "no Firebase CLI at {}; `./x setup` installs it", binary.display());
    // A watchdog shell owns the emulator: when this test binary exits (statics are never
    // dropped), it stops the emulator and removes its folder.
    let script = r#"cd "$2" && "$1" emulators:start --only auth --project "$3" > log 2>&1 &
emulator=$!
while kill -0 "$4" 2>/dev/null && kill -0 "$emulator" 2>/dev/null; do sleep 0.5; done
kill "$emulator" 2>/dev/null; wait "$emulator" 2>/dev/null; rm -rf "$2""#;
    let child = Command::new("sh")
        .args(["-c", script, "watchdog"])
        .arg(&binary)
        .arg(&root)
        .arg(PROJECT)
        .arg(std::process::id().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|error| panic!("starting the Firebase Auth emulator ({}): {error}", binary.display()));
    let emulator = Emulator { child: Mutex::new(child), root, host_port: format!("127.0.0.1:{auth}") };
    let deadline = Instant::now() + Duration::from_secs(90);
    while TcpStream::connect(("127.0.0.1", auth)).is_err() {
        if let Ok(Some(status)) = emulator.child.lock().unwrap().try_wait() {
            let log = std::fs::read_to_string(emulator.root.join("log")).unwrap_or_default();
            panic!("the Firebase Auth emulator exited: {status}\n{log}");
        }
        assert!(Instant::now() < deadline, "the Firebase Auth emulator did not listen within 90 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    emulator
}

impl Emulator {
    fn admin(&self, path: &str, body: serde_json::Value) -> reqwest::RequestBuilder {
        reqwest::Client::new()
            .post(format!("http://{}/identitytoolkit.googleapis.com/v1/projects/{PROJECT}/{path}", self.host_port))
            .bearer_auth("owner")
            .json(&body)
    }

    /// Disables (or enables) the account `user_id`, as the project's operator would.
    pub async fn set_disabled(&self, user_id: &str, disabled: bool) {
        let answer = self.admin("accounts:update", serde_json::json!({ "localId": user_id, "disableUser": disabled })).send().await.unwrap();
        assert!(answer.status().is_success(), "accounts:update: {}", answer.text().await.unwrap());
    }

    /// The password reset codes the emulator "sent", as (email, requestType).
    pub async fn sent_codes(&self) -> Vec<(String, String)> {
        let url = format!("http://{}/emulator/v1/projects/{PROJECT}/oobCodes", self.host_port);
        let answer: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
        answer["oobCodes"].as_array().cloned().unwrap_or_default().iter().map(|code| {
            (code["email"].as_str().unwrap_or_default().to_owned(), code["requestType"].as_str().unwrap_or_default().to_owned())
        }).collect()
    }
}

/// An address no other test uses.
pub fn fresh_email(name: &str) -> String {
    format!("{name}-{}@example.com", hex::encode(rand::random::<[u8; 4]>()))
}
