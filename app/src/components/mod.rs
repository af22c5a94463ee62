//! The screens of the app, one file each, the shell around them, and the small parts
//! they share.

mod accept;
mod approvals;
mod caldav;
mod calendar;
mod chat;
mod contact_card;
mod contacts;
mod create_profile;
mod export_profile;
mod focus;
mod focus_blocks;
mod google;
mod google_calendars;
mod ics;
mod import_profile;
mod invite;
mod model_choice;
mod negotiation_detail;
mod negotiation_state;
mod negotiations;
mod notice;
mod onboarding;
mod progress;
mod settings;
mod shell;
mod shortcuts;
mod status;
mod strength;
mod unlock;
mod week;
mod write_back;

pub(crate) use approvals::Approvals;
pub(crate) use calendar::Calendar;
pub(crate) use chat::Chat;
pub(crate) use contacts::Contacts;
pub(crate) use negotiation_detail::NegotiationDetail;
pub(crate) use negotiations::Negotiations;
pub(crate) use onboarding::Onboarding;
pub(crate) use settings::Settings;
pub(crate) use shell::Shell;
