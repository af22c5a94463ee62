//! Fetching a subscription: one GET, with the same `reqwest` client on both targets
//! (in the browser it is `fetch`, so the feed must allow CORS or go through the app server).

use crate::calendar::error::CalendarError;

/// The text of the ICS feed at `url`; `webcal://` is read as `https://`.
pub async fn fetch_ics(client: &reqwest::Client, url: &str) -> Result<String, CalendarError> {
    let url = match url.strip_prefix("webcal://") {
        Some(rest) => format!("https://{rest}"),
        None => url.to_owned(),
    };
    let shown = url.split('?').next().unwrap_or_default().to_owned();
    let network = |error: reqwest::Error| CalendarError::Network { url: shown.clone(), message: error.to_string() };
    let response = client.get(&url).header("Accept", "text/calendar").send().await.map_err(network)?;
    let status = response.status();
    let body = response.text().await.map_err(network)?;
    if !status.is_success() {
        return Err(CalendarError::Http { status: status.as_u16(), url: shown, message: body.chars().take(200).collect() });
    }
    Ok(body)
}
