//! The owner's decisions on what their agent asks: approve, decline, suggest other
//! times, and calling a meeting off. Each takes the command lock once, advances the
//! negotiation, and sends what that produced after releasing it.

use agentnet_core::schedule::{Interval, PartOfDay};
use agentnet_platform::rt::now;
use agentnet_platform::store::Store;

use crate::negotiation::Input;
use crate::organise::BATCH;
use crate::records::transcript::About;
use crate::slots::Within;
use crate::{Agent, AgentError, Negotiation, Side, when};

impl<S: Store + 'static> Agent<S> {
    /// Approves what the agent asked about in negotiation `id`.
    pub async fn approve(&self, id: &str) -> Result<Negotiation, AgentError> {
        self.decide(id, true).await
    }

    /// Approves only `slots` of the times the agent asked about in negotiation `id` (one or
    /// several): only those are answered and may be booked.
    pub async fn approve_only(&self, id: &str, slots: &[Interval]) -> Result<Negotiation, AgentError> {
        let keys = self.keys.lock().await;
        let mut n = self.records.negotiations.find(id).await?;
        let Some(approval) = n.approval.clone() else { return Err(AgentError::NotAwaitingApproval { id: n.id }) };
        let zone = self.records.preferences.get().time_zone();
        if let Some(slot) = slots.iter().find(|slot| !approval.slots.contains(slot)) {
            return Err(AgentError::NotAsked { slot: when(slot, &zone) });
        }
        if slots.is_empty() {
            return Err(AgentError::InvalidSetting { reason: "pick at least one of the times asked about".into() });
        }
        let times = slots.iter().map(|s| when(s, &zone)).collect::<Vec<_>>().join(", ");
        self.records.transcript.note(About::negotiation(&n.id), format!("You approved only {times}.")).await?;
        self.advance(&keys, &mut n, Input::ApprovedSome { slots: slots.to_vec(), now: now() }).await?;
        drop(keys);
        self.deliver_held().await?;
        Ok(n)
    }

    /// Declines what the agent asked about in negotiation `id`.
    pub async fn decline(&self, id: &str) -> Result<Negotiation, AgentError> {
        self.decide(id, false).await
    }

    async fn decide(&self, id: &str, yes: bool) -> Result<Negotiation, AgentError> {
        let keys = self.keys.lock().await;
        let mut n = self.records.negotiations.find(id).await?;
        if n.approval.is_none() {
            return Err(AgentError::NotAwaitingApproval { id: n.id });
        }
        let input = if yes { Input::Approved { now: now() } } else { Input::Declined { now: now() } };
        self.advance(&keys, &mut n, input).await?;
        drop(keys);
        self.deliver_held().await?;
        Ok(n)
    }

    /// Answers negotiation `id` with other times the owner picked (from
    /// [`Agent::suggestions`]) instead of approving: the agent counters with them.
    pub async fn suggest(&self, id: &str, slots: &[Interval]) -> Result<Negotiation, AgentError> {
        let keys = self.keys.lock().await;
        let mut n = self.records.negotiations.find(id).await?;
        let free = self.free_instead(&n).await?;
        let zone = self.records.preferences.get().time_zone();
        // The transcript must name exactly what the counter carries: repeated picks count
        // once (the first keeps its place), and one counter holds at most `BATCH` times.
        let slots: Vec<Interval> = slots.iter().enumerate().filter(|(i, s)| !slots[..*i].contains(s)).map(|(_, s)| *s).collect();
        if slots.is_empty() || slots.len() > BATCH {
            return Err(AgentError::InvalidSetting { reason: format!("pick between one and {BATCH} times to suggest") });
        }
        if let Some(slot) = slots.iter().find(|slot| !free.contains(slot)) {
            return Err(AgentError::SlotNotFree { slot: when(slot, &zone) });
        }
        let times = slots.iter().map(|s| when(s, &zone)).collect::<Vec<_>>().join(", ");
        let mut names = Vec::new();
        for peer in &n.peers {
            names.push(self.records.contacts.get(peer).await?.map_or_else(|| "their".to_owned(), |c| format!("{}'s", c.name)));
        }
        let line = format!("You suggested {times} instead; your agent offers {} to {} agent.", if slots.len() == 1 { "it" } else { "them" }, agentnet_core::text::and_list(&names));
        self.records.transcript.note(About::negotiation(&n.id), line).await?;
        self.advance(&keys, &mut n, Input::Countered { slots, now: now() }).await?;
        drop(keys);
        self.deliver_held().await?;
        Ok(n)
    }

    /// Calls off a meeting (booked or still being arranged): as the organiser it cancels,
    /// as a participant it declines.
    pub async fn cancel(&self, id: &str) -> Result<Negotiation, AgentError> {
        let keys = self.keys.lock().await;
        let mut n = self.records.negotiations.find(id).await?;
        let input = match n.side {
            Side::Organiser => Input::Cancel { now: now() },
            Side::Participant => Input::Declined { now: now() },
        };
        self.advance(&keys, &mut n, input).await?;
        drop(keys);
        self.deliver_held().await?;
        Ok(n)
    }

    /// Every slot the owner could suggest in `n` instead of what it asks to approve: the
    /// agent's own candidates for the meeting, best first, still free now, apart from each
    /// other, without the ones it would already accept or offer.
    pub(crate) async fn free_instead(&self, n: &Negotiation) -> Result<Vec<Interval>, AgentError> {
        let Some(approval) = n.approval.as_ref().filter(|_| n.side == Side::Participant) else {
            return Err(AgentError::NotAwaitingApproval { id: n.id.clone() });
        };
        let at = now();
        let candidates = n.journal.participant_candidates();
        let (Some(first), Some(last)) = (candidates.iter().map(Interval::start).min(), candidates.iter().map(Interval::end).max()) else {
            return Ok(Vec::new());
        };
        let Ok(window) = Interval::new(first.max(at), last) else { return Ok(Vec::new()) };
        // Free now: the calendar may have filled up since the proposal arrived.
        let (availability, _) = self.owner_slots(&Within::anywhere(window), n.meeting.duration_minutes).await?;
        let mut out: Vec<Interval> = Vec::new();
        for slot in candidates {
            let taken = approval.slots.contains(slot) || out.iter().any(|chosen| chosen.overlaps(slot));
            if slot.start() > at && !taken && availability.can_host(slot) {
                out.push(*slot);
            }
        }
        let zone = self.records.preferences.get().time_zone();
        out.sort_by_key(|slot| closeness(slot, &approval.slots, &zone));
        Ok(out)
    }
}

/// How near `slot` is to what was asked: the organiser chose a window ("tomorrow
/// afternoon") and the proposed slots lie in it, so a time on the same day and in the same
/// part of the day is likeliest to be taken, then the same day, then the rest; within
/// each, the nearest to a proposed slot first.
fn closeness(slot: &Interval, proposed: &[Interval], zone: &jiff::tz::TimeZone) -> (u8, i64) {
    let local = |t: jiff::Timestamp| {
        let at = t.to_zoned_datetime(zone.clone());
        (at.date(), PartOfDay::of_minute(u16::try_from(at.hour()).unwrap_or(0) * 60 + u16::try_from(at.minute()).unwrap_or(0)))
    };
    let (day, part) = local(slot.start());
    let tier = proposed
        .iter()
        .map(|p| match local(p.start()) {
            (d, q) if d == day && q == part => 0,
            (d, _) if d == day => 1,
            _ => 2,
        })
        .min()
        .unwrap_or(2);
    let distance = proposed.iter().map(|p| (slot.start().as_second() - p.start().as_second()).abs()).min().unwrap_or(i64::MAX);
    (tier, distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(start: &str) -> Interval {
        let start: jiff::Timestamp = start.parse().unwrap();
        Interval::new(start, start + jiff::SignedDuration::from_mins(30)).unwrap()
    }

    #[test]
    fn other_times_on_the_asked_day_and_part_of_day_come_first_nearest_first() {
        let zone = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        // Proposed: Tuesday 13:00 and 13:30 Berlin (afternoon).
        let proposed = [slot("2026-03-03T12:00Z"), slot("2026-03-03T12:30Z")];
        let mut others = vec![
            slot("2026-03-04T12:00Z"), // Wednesday afternoon
            slot("2026-03-03T10:30Z"), // Tuesday 11:30, morning: nearer, but not what was asked
            slot("2026-03-03T15:00Z"), // Tuesday 16:00, afternoon
            slot("2026-03-03T13:30Z"), // Tuesday 14:30, afternoon, nearest
        ];
        others.sort_by_key(|s| closeness(s, &proposed, &zone));
        assert_eq!(others, [slot("2026-03-03T13:30Z"), slot("2026-03-03T15:00Z"), slot("2026-03-03T10:30Z"), slot("2026-03-04T12:00Z")]);
    }
}
