//! A real Radicale CalDAV server for tests: started on a free loopback port with a
//! collection root of its own and one user, stopped (and its files removed) on drop.
//!
//! The binary is `$AGENTNET_RADICALE`, else the pinned one `./x` installs under
//! `$AGENTNET_CACHE` (`~/.cache/agentnet/radicale`), else `radicale` on the `PATH`.

#![allow(dead_code, unreachable_pub)]

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The user every test server knows.
pub const USER: &str = "alice";
/// Her app password.
pub const PASSWORD: &str = "app-password-1";

/// A running Radicale.
pub struct Radicale {
    child: Child,
    root: PathBuf,
    /// `http://127.0.0.1:<port>/`.
    pub url: String,
}

fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("AGENTNET_RADICALE") {
        return path.into();
    }
    let cache = std::env::var_os("AGENTNET_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/agentnet"));
    let pinned = cache.join("radicale/bin/radicale");
    if pinned.exists() { pinned } else { PathBuf::from("radicale") }
}

impl Radicale {
    /// Starts a server with `USER` and no collections; panics with what to do if
    /// Radicale is not installed (`./x setup` installs it).
    pub fn start() -> Radicale {
        let root = std::env::temp_dir().join(format!("agentnet-radicale-{}-{}", std::process::id(), hex::encode(rand::random::<[u8; 6]>())));
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("users"), format!("{USER}:{PASSWORD}\n")).unwrap();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let config = format!(
            "[server]\nhosts = 127.0.0.1:{port}\n[auth]\ntype = htpasswd\nhtpasswd_filename = {users}\nhtpasswd_encryption = plain\n\
             [storage]\nfilesystem_folder = {collections}\n[rights]\ntype = owner_only\n[logging]\nlevel = warning\n",
            users = root.join("users").display(),
            collections = root.join("collections").display(),
        );
        std::fs::write(root.join("config"), config).unwrap();
        let binary = binary();
        let child = Command::new(&binary)
            .arg("--config")
            .arg(root.join("config"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(root.join("log")).unwrap())
            .spawn()
            .unwrap_or_else(|error| panic!("starting Radicale ({}): {error}; `./x setup` installs it", binary.display()));
        let mut server = Radicale { child, root, url: format!("http://127.0.0.1:{port}/") };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                let log = std::fs::read_to_string(server.root.join("log")).unwrap_or_default();
                panic!("Radicale exited before listening: {status}\n{log}");
            }
            assert!(Instant::now() < deadline, "Radicale did not listen on port {port} within 30 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// A client that signs in as `USER`.
    fn request(&self, method: &str, path: &str) -> reqwest::RequestBuilder {
        let url = format!("{}{}", self.url, path.trim_start_matches('/'));
        reqwest::Client::new().request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url).basic_auth(USER, Some(PASSWORD))
    }

    /// Creates the calendar `/alice/<name>/` named `display`, as the owner's other apps would.
    pub async fn make_calendar(&self, name: &str, display: &str) -> String {
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>{}</D:displayname></D:prop></D:set></C:mkcalendar>"#,
            display.replace('&', "&amp;").replace('<', "&lt;")
        );
        let answer = self.request("MKCALENDAR", &format!("{USER}/{name}/")).body(body).send().await.unwrap();
        assert_eq!(answer.status(), 201, "MKCALENDAR: {}", answer.text().await.unwrap());
        format!("{}{USER}/{name}/", self.url)
    }

    /// Stores `ics` at `path` as another client would (no precondition).
    pub async fn put(&self, path: &str, ics: &str) {
        let answer = self.request("PUT", path).header("Content-Type", "text/calendar").body(ics.to_owned()).send().await.unwrap();
        assert!(answer.status().is_success(), "PUT {path}: {}", answer.status());
    }

    /// Removes `path` as another client would.
    pub async fn delete(&self, path: &str) {
        let answer = self.request("DELETE", path).send().await.unwrap();
        assert!(answer.status().is_success(), "DELETE {path}: {}", answer.status());
    }

    /// Every event's data in the calendar at `path`, asked with a `calendar-query` REPORT.
    pub async fn events(&self, path: &str) -> Vec<String> {
        let body = r#"<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter></C:calendar-query>"#;
        let answer = self.request("REPORT", path).header("Depth", "1").body(body).send().await.unwrap();
        assert_eq!(answer.status(), 207);
        let text = answer.text().await.unwrap();
        // Each event's data sits between the calendar-data tags, escaped as XML text.
        text.split("BEGIN:VCALENDAR").skip(1).map(|rest| {
            let data = rest.split("END:VCALENDAR").next().unwrap_or_default();
            format!("BEGIN:VCALENDAR{data}END:VCALENDAR").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("\r\n", "\n")
        }).collect()
    }
}

impl Drop for Radicale {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A one-event calendar file.
pub fn event_ics(uid: &str, summary: &str, start: &str, end: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:{start}\r\nDTEND:{end}\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
}
