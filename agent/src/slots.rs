//! The owner's free time: what their preferences and every event in the calendar (a
//! connected Google Calendar's included, as of its last sync) leave free, inside where
//! the owner asked for the meeting, ranked.

use agentnet_core::nlu::{self, Constraints, Grain, TimeExpr};
use agentnet_core::schedule::{Attendee, Availability, Interval, IntervalSet, PartOfDay, SlotScorer};
use agentnet_platform::calendar::schedule_events;
use agentnet_platform::rt::now;
use agentnet_platform::store::Store;
use jiff::SignedDuration;
use jiff::tz::TimeZone;

use crate::{Agent, AgentError};

/// The most candidate slots a machine ranks (two weeks of half hours is ~300).
const MAX_CANDIDATES: usize = 400;
/// How far ahead a request without a time looks.
pub(crate) const DEFAULT_WINDOW: SignedDuration = SignedDuration::from_hours(14 * 24);
/// The furthest ahead a stated window is searched.
const FURTHEST: SignedDuration = SignedDuration::from_hours(366 * 24);

/// Where a meeting may be: the span to search, the times inside it the owner's words
/// allow, and the part of the day to rank first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Within {
    /// From the first allowed minute to the last.
    pub(crate) span: Interval,
    /// Every time the meeting may take.
    pub(crate) allowed: IntervalSet,
    /// The part of the day ranked first.
    pub(crate) prefer: Option<PartOfDay>,
}

impl Within {
    /// Anywhere in `span`.
    pub(crate) fn anywhere(span: Interval) -> Within {
        Within { span, allowed: IntervalSet::from_intervals([span]), prefer: None }
    }

    /// Where the owner's words put a meeting of `minutes`: the stated windows (or the
    /// next two weeks), cut by the part of the day and the rules; `None` when they leave
    /// no time at all from now on.
    pub(crate) fn from_words(window: Option<&TimeExpr>, part: Option<nlu::PartOfDay>, rules: &Constraints, minutes: u32, zone: &TimeZone) -> Option<Within> {
        let at = now();
        let windows: Vec<TimeExpr> = window.into_iter().chain(rules.alternatives.iter()).map(|w| meeting_long(w, minutes)).collect();
        let reach = if windows.is_empty() { DEFAULT_WINDOW } else { FURTHEST };
        let horizon = Interval::new(at, at + reach).ok()?;
        let allowed = nlu::allowed(&windows, part, rules, horizon, zone);
        let (first, last) = (allowed.as_slice().first()?, allowed.as_slice().last()?);
        let span = Interval::new(first.start(), last.end()).ok()?;
        let prefer = part.or(rules.prefer_part).map(PartOfDay::from);
        Some(Within { span, allowed, prefer })
    }
}

/// An exact time ("at 3") as the room a meeting starting then needs: the meeting's
/// length from a minute-exact time, at least the hour from an hour-exact one.
pub(crate) fn meeting_long(expr: &TimeExpr, minutes: u32) -> TimeExpr {
    let length = SignedDuration::from_mins(i64::from(minutes));
    let room = match (expr.end.is_none(), expr.grain) {
        (true, Grain::Minute) => length,
        (true, Grain::Hour) => length.max(SignedDuration::from_hours(1)),
        _ => return expr.clone(),
    };
    TimeExpr { start: expr.start.clone(), end: expr.start.checked_add(room).ok(), grain: expr.grain }
}

impl<S: Store + 'static> Agent<S> {
    /// The owner's free time around `within` for a meeting of `minutes`, and the slots
    /// they'd offer inside what `within` allows, best first. Reads only.
    pub(crate) async fn owner_slots(&self, within: &Within, minutes: u32) -> Result<(Availability, Vec<Interval>), AgentError> {
        let at = now();
        let settings = self.records.preferences.get();
        let duration = SignedDuration::from_mins(i64::from(minutes));
        let mut prefs = settings.preferences();
        if let Some(part) = within.prefer {
            prefs.preferred_parts = vec![part];
        }
        let window = within.span;
        let day = SignedDuration::from_hours(24);
        let around = Interval::new(window.start() - day, window.end() + day).unwrap_or(window);
        let events = schedule_events(&self.records.calendar.occurrences(around).await?);
        let availability = Availability::compute(&prefs, &events, window, at, duration);
        let mut slots = availability.slots(SignedDuration::from_mins(30));
        slots.retain(|slot| within.allowed.contains(slot));
        let attendees = vec![Attendee { zone: prefs.home_zone.clone(), past_burden: 0.0 }];
        let mut ranked = SlotScorer::new(&prefs, &availability, at, attendees).ranked(slots);
        ranked.truncate(MAX_CANDIDATES);
        Ok((availability, ranked))
    }
}
