//! What the owner looks at: contacts, negotiations and their summaries, transcripts, the
//! calendar, settings. Reads take no lock, so a screen answers while a command runs.

use agentnet_core::schedule::Interval;
use agentnet_platform::calendar::ics::export_calendar;
use agentnet_platform::calendar::{EventTime, OccurrenceTime};
use agentnet_platform::rt::now;
use agentnet_platform::store::{Query, Store};

use crate::advance::event_id;
use crate::slots::Within;
use crate::{Agent, AgentError, Contact, Entry, LanguageModel, Negotiation, Settings, Summary};

impl<S: Store + 'static> Agent<S> {
    /// The owner's settings.
    pub async fn settings(&self) -> Settings {
        self.records.preferences.get()
    }

    /// The owner's language-model choice ([`LanguageModel::Offline`] until they choose).
    pub async fn language_model(&self) -> Result<LanguageModel, AgentError> {
        Ok(self.records.preferences.language_model().await?.unwrap_or_default())
    }

    /// Every contact, by name.
    pub async fn contacts(&self) -> Result<Vec<Contact>, AgentError> {
        self.records.contacts.all().await
    }

    /// The contact whose name or id (or id prefix) is `query`.
    pub async fn contact(&self, query: &str) -> Result<Contact, AgentError> {
        self.records.contacts.find(query).await
    }

    /// The safety number to compare with a contact.
    pub fn safety_number(&self, contact: &Contact) -> String {
        contact.safety_number(&self.agent_id).unwrap_or_default()
    }

    /// Every negotiation, newest first.
    pub async fn negotiations(&self) -> Result<Vec<Negotiation>, AgentError> {
        let mut all = self.records.negotiations.all().await?;
        all.reverse();
        Ok(all)
    }

    /// The negotiation whose id starts with `prefix` (at least 4 characters).
    pub async fn negotiation(&self, prefix: &str) -> Result<Negotiation, AgentError> {
        self.records.negotiations.find(prefix).await
    }

    /// A negotiation's transcript, oldest first (`id` may be a prefix).
    pub async fn transcript(&self, id: &str) -> Result<Vec<Entry>, AgentError> {
        let n = self.records.negotiations.find(id).await?;
        self.records.transcript.of(&n.id).await
    }

    /// Every transcript line matching `query`, oldest first (refused messages included).
    pub async fn entries(&self, query: Query) -> Result<Vec<Entry>, AgentError> {
        self.records.transcript.entries(query).await
    }

    /// Where negotiation `n` stands, who it waits on and what each contact was shown,
    /// with contacts by name and times in the owner's zone.
    pub async fn summary(&self, n: &Negotiation) -> Result<Summary, AgentError> {
        Ok(self.summaries(std::slice::from_ref(n)).await?.remove(0))
    }

    /// [`Agent::summary`] of each of `all`, reading the contacts and the zone once.
    pub async fn summaries(&self, all: &[Negotiation]) -> Result<Vec<Summary>, AgentError> {
        let contacts = self.records.contacts.all().await?;
        let zone = self.records.preferences.get().time_zone();
        let name = |id: &str| contacts.iter().find(|c| c.id == id).map_or_else(|| id.chars().take(8).collect(), |c| c.name.clone());
        Ok(all.iter().map(|n| n.summary(&name, &zone)).collect())
    }

    /// The owner's free slots to suggest instead of what negotiation `id` asks to approve,
    /// best first, at most `limit` (see [`Agent::suggest`]).
    pub async fn suggestions(&self, id: &str, limit: usize) -> Result<Vec<Interval>, AgentError> {
        let n = self.records.negotiations.find(id).await?;
        let mut free = self.free_instead(&n).await?;
        free.truncate(limit);
        Ok(free)
    }

    /// The times the agent would offer for a meeting of `minutes` in `window`, best first:
    /// what the owner's preferences and every event in the calendar (a connected Google
    /// Calendar's included, as of its last sync) leave free.
    pub async fn offered_slots(&self, window: Interval, minutes: u32) -> Result<Vec<Interval>, AgentError> {
        Ok(self.owner_slots(&Within::anywhere(window), minutes).await?.1)
    }

    /// Busy times in `window` with their titles: the calendar's events and booked meetings.
    pub async fn events(&self, window: Interval) -> Result<Vec<(Interval, String)>, AgentError> {
        let zone = self.records.preferences.get().time_zone();
        let mut out = Vec::new();
        for occurrence in self.records.calendar.occurrences(window).await? {
            let slot = match occurrence.time {
                OccurrenceTime::Timed(slot) => slot,
                OccurrenceTime::AllDay { first, last } => {
                    let midnight = |date: jiff::civil::Date| EventTime::Date(date).instant(&zone);
                    let Ok(after) = last.tomorrow() else { continue };
                    match Interval::new(midnight(first), midnight(after)) {
                        Ok(slot) => slot,
                        Err(_) => continue,
                    }
                }
            };
            out.push((slot, occurrence.summary.clone()));
        }
        Ok(out)
    }

    /// Whether the meeting of negotiation `n` is in the calendar.
    pub async fn is_booked_in_calendar(&self, n: &Negotiation) -> Result<bool, AgentError> {
        Ok(self.records.calendar.records().await?.iter().any(|e| e.id == event_id(n)))
    }

    /// The local calendar as an ICS file.
    pub async fn export_ics(&self) -> Result<String, AgentError> {
        Ok(export_calendar(&self.records.calendar.records().await?, now()))
    }

    /// The whole profile as one file, every record still sealed as at rest
    /// ([`agentnet_platform::store::backup`]). Holds the command lock meanwhile, so no
    /// command writes half of its records into the file.
    pub async fn export_profile(&self) -> Result<Vec<u8>, AgentError> {
        let _keys = self.keys.lock().await;
        Ok(agentnet_platform::store::backup::export(&*self.store).await?)
    }
}
