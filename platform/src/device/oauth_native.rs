//! Desktop and phone: Google's redirect comes to a loopback listener of this process, and
//! the consent page opens in the system browser.

use crate::calendar::CalendarError;
use crate::calendar::google::LoopbackListener;

/// Where the browser comes back to after the owner consents: a listener on 127.0.0.1.
#[derive(Debug)]
pub struct OAuthRedirect(LoopbackListener);

impl OAuthRedirect {
    /// Listens on a free loopback port (`app_path`, the web's landing page, is not used:
    /// Google's installed-app flow wants the loopback address itself).
    pub async fn prepare(_app_path: &str) -> Result<OAuthRedirect, CalendarError> {
        Ok(OAuthRedirect(LoopbackListener::bind().await?))
    }

    /// The redirect URI to authorize with.
    pub fn redirect_uri(&self) -> String {
        self.0.redirect_uri().to_owned()
    }

    /// Waits for the browser to come back; `Some(code)` once it has with `state`.
    pub async fn code(self, state: &str) -> Result<Option<String>, CalendarError> {
        self.0.wait_for_code(state).await.map(Some)
    }
}

/// Opens `url` in the system browser with the operating system's own opener (`open`,
/// `xdg-open`, the URL handler on Windows): three lines of `std::process` instead of the
/// `webbrowser` crate, which does the same with a dependency tree of its own.
pub fn open_in_browser(url: &str) -> Result<(), String> {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("rundll32", vec!["url.dll,FileProtocolHandler", url])
    } else {
        ("xdg-open", vec![url])
    };
    let mut child = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|error| format!("could not start {program}: {error}"))?;
    // Reaped in the background so the opener does not linger as a zombie.
    std::thread::spawn(move || child.wait());
    Ok(())
}
