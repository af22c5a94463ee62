//! `agentnet`: the agent without a window, for people, scripts and tests.

use std::path::PathBuf;
use std::sync::Arc;

use agentnet_core::crypto::vault::KdfParams;
use agentnet_agent::{Agent, NewProfile};
use agentnet_platform::llm::Understand;
use anyhow::Context;
use clap::{Parser, Subcommand};

mod calendars;
mod daemon;
mod direct;
mod exit;
mod nlu;
mod profile;
mod request;

use request::{Change, PrefChange, Request};

/// agentnet: your personal agent, on the command line.
#[derive(Debug, Parser)]
#[command(name = "agentnet", version, about, after_help = exit::TABLE)]
struct Cli {
    /// The profile directory (default: $AGENTNET_HOME, else ~/.agentnet).
    #[arg(long, global = true)]
    profile: Option<PathBuf>,
    /// Print JSON instead of sentences.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print what this build is and speaks.
    Info,
    /// Interpret a command offline and print the intent and time as JSON.
    Nlu(nlu::Args),
    /// Create a profile: an identity, prekeys and a vault under your passphrase
    /// ($AGENTNET_PASSPHRASE, or typed).
    Init {
        /// Your name, as your contacts will see it.
        #[arg(long)]
        name: String,
        /// Your IANA time zone (default: this machine's).
        #[arg(long)]
        zone: Option<String>,
        /// The relay's WebSocket URL.
        #[arg(long, default_value = "ws://127.0.0.1:8080/ws")]
        relay: String,
    },
    /// Create a single-use invite for someone to connect with you.
    Invite,
    /// Accept an invite (code or link).
    Accept {
        /// The code or link.
        code: String,
        /// What to call them (default: the name in the invite).
        #[arg(long)]
        name: Option<String>,
    },
    /// List your contacts with their safety numbers.
    Contacts,
    /// Change a contact (by name or id prefix).
    Contact {
        /// Name or id prefix.
        query: String,
        /// A new name.
        #[arg(long)]
        rename: Option<String>,
        /// Drop everything from them.
        #[arg(long)]
        block: bool,
        /// Stop blocking them.
        #[arg(long, conflicts_with = "block")]
        unblock: bool,
        /// You compared safety numbers.
        #[arg(long)]
        verify: bool,
        /// How their requests are answered: auto, ask or never.
        #[arg(long)]
        policy: Option<String>,
        /// Most of your free slots they may see per negotiation.
        #[arg(long)]
        budget: Option<u32>,
        /// Whether your cards to them carry your coarse working day (zone and hours): on or off.
        #[arg(long, value_name = "on|off")]
        share_hours: Option<String>,
    },
    /// Tell your agent what you want, in plain English.
    Ask {
        /// The command, e.g. "find 30 minutes with Bob next week, afternoons".
        text: String,
        /// Wait up to this many seconds for the negotiation to settle.
        #[arg(long)]
        wait: Option<u64>,
    },
    /// Stay connected and act by your policies (logs to stderr); other commands talk to it.
    Run,
    /// Approve what your agent asked you about: every time it listed, or with --at only
    /// the ones you tick.
    Approve {
        /// The negotiation (id prefix).
        id: String,
        /// Accept only this listed time: a start, RFC 3339 or in your zone
        /// ("2026-03-03T15:00"). Repeat for several.
        #[arg(long)]
        at: Vec<String>,
    },
    /// Instead of approving, suggest other times of yours. Without --at, lists the free
    /// times you could suggest, best first.
    Suggest {
        /// The negotiation (id prefix).
        id: String,
        /// When to meet instead: a start time, RFC 3339 ("2026-03-03T15:00:00+01:00") or
        /// in your zone ("2026-03-03T15:00"). Repeat for several.
        #[arg(long)]
        at: Vec<String>,
    },
    /// Decline what your agent asked you about.
    Decline {
        /// The negotiation (id prefix).
        id: String,
    },
    /// Call off a meeting you organised.
    Cancel {
        /// The negotiation (id prefix).
        id: String,
    },
    /// List negotiations and their state.
    Negotiations,
    /// Show a negotiation's transcript as sentences (without an id: every line, refused
    /// messages included).
    Transcript {
        /// The negotiation (id prefix).
        id: Option<String>,
    },
    /// List your calendar.
    Events {
        /// How many days ahead.
        #[arg(long, default_value_t = 14)]
        days: u32,
    },
    /// Import or export your local calendar as ICS; connect a CalDAV calendar.
    Calendar {
        #[command(subcommand)]
        action: CalendarAction,
    },
    /// Show or change your preferences.
    Prefs {
        /// Your name.
        #[arg(long)]
        name: Option<String>,
        /// Your IANA time zone.
        #[arg(long)]
        zone: Option<String>,
        /// Working hours Monday to Friday, e.g. 09:00-17:00.
        #[arg(long)]
        hours: Option<String>,
        /// Minutes kept free around meetings.
        #[arg(long)]
        buffer: Option<u32>,
        /// Minimum notice in minutes.
        #[arg(long)]
        notice: Option<u32>,
        /// Default meeting length in minutes.
        #[arg(long)]
        duration: Option<u32>,
        /// Policy for new contacts: auto, ask or never.
        #[arg(long)]
        policy: Option<String>,
        /// Disclosure budget for new contacts.
        #[arg(long)]
        budget: Option<u32>,
    },
}

#[derive(Debug, Subcommand)]
enum CalendarAction {
    /// Import an ICS file.
    Import {
        /// The file.
        file: PathBuf,
    },
    /// Print the calendar as ICS.
    Export,
    /// Connect a remote calendar: its events count as busy, and bookings are written there.
    Connect {
        #[command(subcommand)]
        source: ConnectSource,
    },
    /// List the calendars your agent reads and writes, with their last sync and errors.
    Sources,
    /// Pull the CalDAV calendar's changes now (the running agent does it every few minutes).
    Sync,
    /// Forget the CalDAV calendar (the meetings already written there stay).
    Disconnect,
}

#[derive(Debug, Subcommand)]
enum ConnectSource {
    /// A CalDAV server (Nextcloud, Fastmail, iCloud, Radicale, mailbox.org). The app
    /// password comes from $AGENTNET_CALDAV_PASSWORD, or is typed.
    Caldav {
        /// The server's address, e.g. https://cloud.example.com/remote.php/dav.
        url: String,
        /// Your user name there.
        #[arg(long)]
        user: String,
        /// Which calendar (its name), when the account has several.
        #[arg(long)]
        calendar: Option<String>,
    },
}

fn main() {
    let cli = Cli::parse();
    if let Err(error) = agentnet_platform::rt::start_clock_from_env() {
        eprintln!("error: {error}");
        std::process::exit(exit::INVALID);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("starting the async runtime");
    let code = match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            exit::FAILED
        }
    };
    std::process::exit(code);
}

async fn run(cli: Cli) -> anyhow::Result<i32> {
    let dir = profile::dir(cli.profile);
    let request = match cli.command {
        Command::Info => {
            println!("{} {} (wire v{}, {:?})", agentnet_core::PRODUCT, env!("CARGO_PKG_VERSION"), agentnet_core::WIRE_VERSION, agentnet_platform::target());
            return Ok(exit::OK);
        }
        Command::Nlu(args) => {
            nlu::run(args).await?;
            return Ok(exit::OK);
        }
        Command::Init { name, zone, relay } => return init(&dir, name, zone, relay, cli.json).await,
        Command::Run => {
            let passphrase = profile::passphrase()?;
            let store = profile::store(&dir).await?;
            let agent = match Agent::open(store, passphrase.as_bytes(), true, Understand::from_env()?).await {
                Ok(agent) => Arc::new(agent),
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(exit::for_error(&e));
                }
            };
            daemon::run(agent, profile::socket(&dir)).await?;
            return Ok(exit::OK);
        }
        Command::Invite => Request::Invite,
        Command::Accept { code, name } => Request::Accept { code, name },
        Command::Contacts => Request::Contacts,
        Command::Contact { query, rename, block, unblock, verify, policy, budget, share_hours } => {
            let mut changes = Vec::new();
            changes.extend(rename.map(Change::Rename));
            if block || unblock {
                changes.push(Change::Block(block));
            }
            if verify {
                changes.push(Change::Verify(true));
            }
            changes.extend(policy.map(Change::Policy));
            changes.extend(budget.map(Change::Budget));
            changes.extend(share_hours.map(Change::ShareHours));
            Request::Contact { query, changes }
        }
        Command::Ask { text, wait } => Request::Ask { text, wait_secs: wait },
        Command::Approve { id, at } => Request::Approve { id, at },
        Command::Suggest { id, at } => Request::Suggest { id, at },
        Command::Decline { id } => Request::Decline { id },
        Command::Cancel { id } => Request::Cancel { id },
        Command::Negotiations => Request::Negotiations,
        Command::Transcript { id } => Request::Transcript { id },
        Command::Events { days } => Request::Events { days },
        Command::Calendar { action: CalendarAction::Import { file } } => {
            let ics = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            Request::CalendarImport { ics }
        }
        Command::Calendar { action: CalendarAction::Export } => Request::CalendarExport,
        Command::Calendar { action: CalendarAction::Connect { source: ConnectSource::Caldav { url, user, calendar } } } => {
            let password = calendars::Password::new(profile::secret_line("AGENTNET_CALDAV_PASSWORD", "App password")?.to_string());
            Request::CalendarConnectCalDav { url, user, password, calendar }
        }
        Command::Calendar { action: CalendarAction::Sources } => Request::CalendarSources,
        Command::Calendar { action: CalendarAction::Sync } => Request::CalendarSync,
        Command::Calendar { action: CalendarAction::Disconnect } => Request::CalendarDisconnect,
        Command::Prefs { name, zone, hours, buffer, notice, duration, policy, budget } => {
            let mut changes = Vec::new();
            changes.extend(name.map(PrefChange::Name));
            changes.extend(zone.map(PrefChange::Zone));
            if let Some(hours) = hours {
                let (start, end) = parse_hours(&hours).with_context(|| format!("--hours {hours:?} must look like 09:00-17:00"))?;
                changes.push(PrefChange::Hours { start, end });
            }
            changes.extend(buffer.map(PrefChange::Buffer));
            changes.extend(notice.map(PrefChange::Notice));
            changes.extend(duration.map(PrefChange::Duration));
            changes.extend(policy.map(PrefChange::Policy));
            changes.extend(budget.map(PrefChange::Budget));
            Request::Prefs { changes }
        }
    };
    let reply = match daemon::call(&profile::socket(&dir), &request).await? {
        Some(reply) => reply,
        None => {
            if !dir.exists() {
                eprintln!("error: no profile in {} (run `agentnet init` first)", dir.display());
                return Ok(exit::LOCKED);
            }
            let passphrase = profile::passphrase()?;
            direct::run(profile::store(&dir).await?, passphrase.as_bytes(), request).await?
        }
    };
    if cli.json {
        println!("{}", reply.json);
    } else if reply.code == exit::OK {
        println!("{}", reply.human);
    } else {
        eprintln!("{}", reply.human);
    }
    Ok(reply.code)
}

async fn init(dir: &std::path::Path, name: String, zone: Option<String>, relay: String, json: bool) -> anyhow::Result<i32> {
    let passphrase = profile::passphrase()?;
    let zone = zone.or_else(|| jiff::tz::TimeZone::system().iana_name().map(str::to_owned)).unwrap_or_else(|| "UTC".into());
    let store = profile::store(dir).await?;
    match Agent::create(store, passphrase.as_bytes(), NewProfile { name, zone, relay }, KdfParams::default()).await {
        Ok(id) => {
            if json {
                println!("{}", serde_json::json!({ "agent": id.to_string(), "profile": dir.display().to_string() }));
            } else {
                println!("Created agent {} in {}", id.fingerprint(), dir.display());
            }
            Ok(exit::OK)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(exit::for_error(&e))
        }
    }
}

/// "09:00-17:00" as minutes from midnight.
fn parse_hours(text: &str) -> Option<(u16, u16)> {
    let (a, b) = text.split_once('-')?;
    let minutes = |t: &str| -> Option<u16> {
        let (h, m) = t.trim().split_once(':')?;
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        (h <= 24 && m < 60).then_some(h * 60 + m)
    };
    Some((minutes(a)?, minutes(b)?))
}
