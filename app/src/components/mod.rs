//! The screens of the app, one file each, and the shell around them.

mod approvals;
mod calendar;
mod chat;
mod contacts;
mod negotiations;
mod onboarding;
mod settings;
mod shell;

pub(crate) use approvals::Approvals;
pub(crate) use calendar::Calendar;
pub(crate) use chat::Chat;
pub(crate) use contacts::Contacts;
pub(crate) use negotiations::Negotiations;
pub(crate) use onboarding::Onboarding;
pub(crate) use settings::Settings;
pub(crate) use shell::Shell;
