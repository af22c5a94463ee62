//! Creating an invite: a link, a code and a QR code of the link.

use dioxus::prelude::*;
use qrcode::QrCode;
use qrcode::render::svg;

use super::notice::ErrorNote;
use crate::session::use_session;

/// The invite, ready to share.
#[derive(Clone, PartialEq)]
struct Shared {
    link: String,
    code: String,
    qr: Option<String>,
}

/// The link as a QR code, in SVG (None if it is too long to encode).
fn qr_svg(link: &str) -> Option<String> {
    let code = QrCode::new(link.as_bytes()).ok()?;
    Some(code.render::<svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build())
}

/// "Invite someone": makes a single-use invite and shows it three ways.
#[component]
pub(crate) fn CreateInvite() -> Element {
    let session = use_session();
    let mut shared = use_signal(|| None::<Shared>);
    let mut error = use_signal(|| None::<String>);
    let mut busy = use_signal(|| false);

    let create = move |_| async move {
        let Some(agent) = session.agent() else { return };
        busy.set(true);
        error.set(None);
        match agent.invite().await {
            Ok(invite) => {
                let link = invite.link();
                shared.set(Some(Shared { qr: qr_svg(&link), link, code: invite.code() }));
            }
            Err(e) => error.set(Some(format!("No invite was made: {e}"))),
        }
        busy.set(false);
    };

    rsx! {
        section { class: "card stack", aria_labelledby: "invite-title",
            h2 { id: "invite-title", "Invite someone" }
            p { class: "hint", "Each invite works once, for 7 days. Send the link, show the QR code, or read out the code." }
            button { id: "create-invite", disabled: busy(), onclick: create,
                if busy() { "Making an invite…" } else if shared.read().is_some() { "Make another invite" } else { "Create an invite" }
            }
            ErrorNote { text: error() }
            if let Some(invite) = shared() {
                label { "Link"
                    input { id: "invite-link", readonly: true, value: "{invite.link}" }
                }
                label { "Code"
                    textarea { id: "invite-code", readonly: true, rows: "3", value: "{invite.code}" }
                }
                if let Some(svg) = invite.qr {
                    figure { class: "qr",
                        div { role: "img", aria_label: "QR code of the invite link", dangerous_inner_html: "{svg}" }
                        figcaption { "Scan to open the invite" }
                    }
                }
            }
        }
    }
}
