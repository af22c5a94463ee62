//! The owner's commands in plain English: understood (offline, or by the configured
//! language model) into an [`Intent`], then carried out.

use agentnet_core::nlu::{self, Context, Grain, Intent, Issue, TimeExpr};
use agentnet_core::schedule::Interval;
use agentnet_platform::llm::AnsweredBy;
use agentnet_platform::rt::now;
use agentnet_platform::store::Store;
use serde::Serialize;

use crate::clarify::Pending;
use crate::organise::Request;
use crate::slots::{DEFAULT_WINDOW, Within, meeting_long};
use crate::{Agent, AgentError, Contact, Negotiation, when};

/// What the agent answers its owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// The answer, in English.
    pub text: String,
    /// The negotiation the command started or concerns, if any.
    pub negotiation: Option<String>,
    /// The intent's kind (`schedule`, `needs_clarification`, ...).
    pub intent: &'static str,
    /// Which interpreter understood the command ("offline" or the model's name).
    pub understood_by: String,
    /// The command as carried out: what was typed, or, when it answered the agent's
    /// question, the earlier command with the answer worked in.
    pub command: String,
    /// Whether the answer is a question the owner's next line will answer.
    pub asks: bool,
    /// What was understood, in one line the owner can check ("30 min with Bob Martin,
    /// Tue 10 Mar, at lunch (12:00-13:00), 'Lunch'"), for a request that books, moves or
    /// cancels a meeting.
    pub understood: Option<String>,
}

impl<S: Store + 'static> Agent<S> {
    /// Understands and carries out one command. When the agent asked a question last, a
    /// line that is not a command of its own is read as the answer to it.
    pub async fn ask(&self, text: &str) -> Result<Answer, AgentError> {
        let command = match self.records.questions.pending().await? {
            Some(pending) if !nlu::names_a_request(text) => pending.combine(text),
            _ => text.trim().to_owned(),
        };
        let (answer, issue) = self.carry_out_command(&command).await?;
        let pending = match &issue {
            Some(issue) if Pending::worth_keeping(issue) => {
                Some(Pending { text: command.clone(), question: answer.text.clone(), issue: issue.clone(), asked_ms: now().as_millisecond() })
            }
            _ => None,
        };
        self.records.questions.set(pending.as_ref()).await?;
        self.deliver_held().await?;
        Ok(Answer { asks: pending.is_some(), ..answer })
    }

    /// Understands and carries out `text`; with the issue if the agent asks a question.
    async fn carry_out_command(&self, text: &str) -> Result<(Answer, Option<Issue>), AgentError> {
        let contacts = self.records.contacts.all().await?;
        let zone = self.records.preferences.get().time_zone();
        let context = Context {
            now: now().to_zoned_datetime(zone),
            contacts: contacts.iter().filter(|c| !c.blocked).map(|c| nlu::Contact { id: c.id.clone(), name: c.name.clone(), nicknames: Vec::new() }).collect(),
        };
        // A clone (cheap: the HTTP pool is shared), so a slow model holds no lock.
        let understand = self.understand.lock().await.clone();
        let (interpretation, understood_by) = match understand.understand(text, &context).await {
            Ok(understood) => {
                let by = match understood.answered_by {
                    AnsweredBy::LanguageModel { model } => model,
                    AnsweredBy::Offline { .. } => "offline".to_owned(),
                };
                (understood.interpretation, by)
            }
            Err(_) => (nlu::interpret(text, &context), "offline".to_owned()),
        };
        let intent = interpretation.intent;
        let kind = intent.kind();
        let understood = nlu::summary(&intent, &context.now.time_zone().clone());
        let issue = match &intent {
            Intent::NeedsClarification { issue, .. } => Some(issue.clone()),
            _ => None,
        };
        let (answer, negotiation) = self.carry_out(intent, &contacts).await?;
        Ok((Answer { text: answer, negotiation, intent: kind, understood_by, command: text.to_owned(), asks: false, understood }, issue))
    }

    async fn carry_out(&self, intent: Intent, contacts: &[Contact]) -> Result<(String, Option<String>), AgentError> {
        let pick = |ids: &[nlu::Participant]| -> Vec<Contact> { ids.iter().filter_map(|p| contacts.iter().find(|c| c.id == p.id).cloned()).collect() };
        let settings = self.records.preferences.get();
        let zone = settings.time_zone();
        match intent {
            Intent::Schedule { participants, duration_minutes, window, part_of_day, title, constraints, .. } => {
                let with = pick(&participants);
                let minutes = duration_minutes.unwrap_or(settings.prefs.default_duration_minutes);
                let names = agents_of(&with);
                let Some(within) = Within::from_words(window.as_ref(), part_of_day, &constraints, minutes, &zone) else {
                    return Ok(("That leaves no time from now on; nothing was sent.".into(), None));
                };
                let request = Request { with, title, minutes, within };
                let keys = self.keys.lock().await;
                match self.organise(&keys, request).await? {
                    None => Ok((format!("You have no free {minutes} minutes in that window; nothing was sent."), None)),
                    Some((n, outcome)) => {
                        let offered: Vec<String> = outcome.offered().iter().map(|s| when(s, &zone)).collect();
                        Ok((format!("Asking {names} for {minutes} minutes: proposed {}.", offered.join(", ")), Some(n.id)))
                    }
                }
            }
            Intent::AskAvailability { window, duration_minutes, part_of_day, constraints, .. } => {
                let minutes = duration_minutes.unwrap_or(settings.prefs.default_duration_minutes);
                let Some(within) = Within::from_words(window.as_ref(), part_of_day, &constraints, minutes, &zone) else {
                    return Ok(("That is in the past.".into(), None));
                };
                let (_, slots) = self.owner_slots(&within, minutes).await?;
                let mut first: Vec<_> = slots.into_iter().take(5).collect();
                first.sort();
                if first.is_empty() {
                    return Ok(("You have no free time then.".into(), None));
                }
                Ok((format!("You are free {}.", first.iter().map(|s| when(s, &zone)).collect::<Vec<_>>().join(", ")), None))
            }
            Intent::SetPreference { preference } => {
                let mut said = String::new();
                self.update_settings(|settings| {
                    said = settings.apply(&preference)?;
                    Ok(())
                })
                .await?;
                Ok((said, None))
            }
            Intent::ListUpcoming { window, .. } => {
                let at = now();
                let window = window.map_or_else(|| Interval::new(at, at + DEFAULT_WINDOW).ok(), |w| nlu::covered(&meeting_long(&w, 60)));
                let Some(window) = window else { return Ok(("Nothing to list.".into(), None)) };
                let events = self.events(window).await?;
                if events.is_empty() {
                    return Ok(("Nothing is booked then.".into(), None));
                }
                let lines: Vec<String> = events.iter().map(|(slot, title)| format!("{title}: {}", when(slot, &zone))).collect();
                Ok((lines.join("\n"), None))
            }
            Intent::Cancel { participants, when: at, title } => {
                let mut targets = self.booked_matching(&pick(&participants), at.as_ref(), title.as_deref()).await?;
                match targets.len() {
                    0 => Ok(("No booked meeting matches that; nothing was cancelled.".into(), None)),
                    1 => {
                        let n = targets.remove(0);
                        self.cancel(&n.id).await?;
                        Ok((format!("Cancelling '{}'.", n.meeting.title), Some(n.id)))
                    }
                    _ => {
                        let which: Vec<String> = targets.iter().map(|n| format!("'{}' {}", n.meeting.title, n.booked.map(|s| when(&s, &zone)).unwrap_or_default())).collect();
                        Ok((format!("Several booked meetings match: {}. Which one should I cancel?", which.join(", ")), None))
                    }
                }
            }
            Intent::ExplainNegotiation { participants } => {
                let with = pick(&participants);
                let latest = self.negotiations().await?.into_iter().filter(|n| with.iter().all(|c| n.peers.contains(&c.id))).max_by_key(|n| n.created_ms);
                match latest {
                    Some(n) => {
                        let lines = self.records.transcript.of(&n.id).await?;
                        Ok((lines.iter().map(|e| e.sentence.clone()).collect::<Vec<_>>().join("\n"), Some(n.id)))
                    }
                    None => Ok(("There is no negotiation with them yet.".into(), None)),
                }
            }
            Intent::ConnectContact { name } => {
                let invite = self.invite().await?;
                Ok((format!("Send {name} this invite link: {}", invite.link()), None))
            }
            Intent::Reschedule { participants, from, to, title, part_of_day, constraints } => {
                let mut targets = self.booked_matching(&pick(&participants), from.as_ref(), title.as_deref()).await?;
                let n = match targets.len() {
                    0 => return Ok(("No booked meeting matches that; nothing was moved.".into(), None)),
                    1 => targets.remove(0),
                    _ => {
                        let which: Vec<String> = targets.iter().map(|n| format!("'{}' {}", n.meeting.title, n.booked.map(|s| when(&s, &zone)).unwrap_or_default())).collect();
                        return Ok((format!("Several booked meetings match: {}. Which one should I move?", which.join(", ")), None));
                    }
                };
                if n.side != crate::Side::Organiser {
                    let organiser = self.records.contacts.get(&n.peers[0]).await?.map_or_else(|| "the organiser".to_owned(), |c| c.name);
                    return Ok((format!("'{}' was arranged by {organiser}: ask them to move it, or cancel it.", n.meeting.title), Some(n.id)));
                }
                let Some(within) = Within::from_words(to.as_ref(), part_of_day, &constraints, n.meeting.duration_minutes, &zone) else {
                    return Ok(("That leaves no time from now on; the meeting stays where it is.".into(), Some(n.id)));
                };
                let old = n.booked.map(|s| when(&s, &zone)).unwrap_or_default();
                let (moved, outcome) = self.reschedule(&n.id, &within).await?;
                let offered: Vec<String> = outcome.offered().iter().map(|s| when(s, &zone)).collect();
                if offered.is_empty() {
                    let why = moved.outcome.unwrap_or_else(|| format!("No new time was found; '{}' stays at {old}.", moved.meeting.title));
                    return Ok((why, Some(moved.id)));
                }
                Ok((format!("Asking to move '{}' from {old}: proposed {}. It stays where it is until everyone agrees.", moved.meeting.title, offered.join(", ")), Some(moved.id)))
            }
            Intent::NeedsClarification { question, issue } => {
                let hint = match issue {
                    Issue::UnknownContact { .. } => " (connect with them first: create an invite)",
                    _ => "",
                };
                Ok((format!("{question}{hint}"), None))
            }
            other => Ok((format!("I understood '{}' but can't act on it yet.", other.kind()), None)),
        }
    }
}

impl<S: Store + 'static> Agent<S> {
    /// The booked meetings (still standing) with everyone in `with`, at `at`, called
    /// `title`, as far as each is said.
    async fn booked_matching(&self, with: &[Contact], at: Option<&TimeExpr>, title: Option<&str>) -> Result<Vec<Negotiation>, AgentError> {
        Ok(self
            .negotiations()
            .await?
            .into_iter()
            .filter(|n| !n.is_settled() || n.state == agentnet_core::protocol::TaskState::Completed)
            .filter(|n| n.booked.is_some() && with.iter().all(|c| n.peers.contains(&c.id)))
            .filter(|n| at.is_none_or(|at| n.booked.is_some_and(|slot| meets_at(&slot, at))))
            .filter(|n| title.is_none_or(|t| n.meeting.title.to_lowercase().contains(&t.to_lowercase())))
            .collect())
    }
}

/// "Bob's agent", "Ben's and Sofia's agents", "Ben's, Liam's and Sofia's agents".
fn agents_of(people: &[Contact]) -> String {
    let owners: Vec<String> = people.iter().map(|c| format!("{}'s", c.name)).collect();
    match owners.len() {
        0 => "nobody's agent".to_owned(),
        1 => format!("{} agent", owners[0]),
        _ => format!("{} agents", agentnet_core::text::and_list(&owners)),
    }
}

/// Whether a booked `slot` is the meeting `at` names: it starts at an exact time, or
/// lies in a day, a week, a part of a day.
fn meets_at(slot: &Interval, at: &TimeExpr) -> bool {
    match (at.end.is_none(), at.grain) {
        (true, Grain::Minute | Grain::Hour) => slot.start() == at.start.timestamp(),
        _ => nlu::covered(at).is_some_and(|span| span.contains_instant(slot.start())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agents_asked_are_named_with_the_count() {
        let person = |name: &str| Contact { id: name.to_lowercase(), name: name.into(), bundle: Vec::new(), policy: crate::Policy::Ask, disclosure_budget: 12, verified: false, blocked: false, added_ms: 0, delivery_key: None, invite_key: None, hours: None, share_hours: true };
        assert_eq!(agents_of(&[person("Bob")]), "Bob's agent");
        assert_eq!(agents_of(&[person("Ben"), person("Sofia")]), "Ben's and Sofia's agents");
        assert_eq!(agents_of(&[person("Ben"), person("Liam"), person("Sofia")]), "Ben's, Liam's and Sofia's agents");
    }
}
