//! What was understood, in one line the owner can check before trusting it: "30 min with
//! Bob Martin, Tue 10 Mar, at lunch (12:00-13:00), 'Lunch'". Every rule the interpreter
//! read is in it, so a word it misread shows.

use jiff::ZonedDateTime;
use jiff::tz::TimeZone;

use super::constraints::Constraints;
use super::intent::Intent;
use super::time_expr::{Grain, PartOfDay, TimeExpr, Weekday};
use super::Participant;

/// The line for a request that books, moves or cancels a meeting; `None` for the others
/// (their answer already says what was understood).
pub fn summary(intent: &Intent, zone: &TimeZone) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    match intent {
        Intent::Schedule { participants, duration_minutes, window, part_of_day, title, constraints, .. } => {
            let length = duration_minutes.map(|m| format!("{m} min ")).unwrap_or_default();
            parts.push(format!("{length}with {}", names(participants)));
            parts.extend(time(window.as_ref(), *part_of_day, constraints, zone));
            parts.extend(title.as_ref().map(|t| format!("'{t}'")));
        }
        Intent::Reschedule { participants, from, to, title, part_of_day, constraints } => {
            let to = time(to.as_ref(), *part_of_day, constraints, zone);
            let to = if to.is_empty() { "the soonest time that suits everyone".into() } else { to.join(", ") };
            parts.push(format!("Move {} to {to}", meeting(participants, title.as_deref(), from.as_ref(), zone)));
        }
        Intent::Cancel { participants, when, title } => parts.push(format!("Cancel {}", meeting(participants, title.as_deref(), when.as_ref(), zone))),
        _ => return None,
    }
    Some(parts.join(", "))
}

fn names(people: &[Participant]) -> String {
    match people {
        [] => "nobody".into(),
        [one] => one.name.clone(),
        [rest @ .., last] => format!("{} and {}", rest.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", "), last.name),
    }
}

/// "the meeting with Bob Martin on Thu 5 Mar 15:00", "'project sync'".
fn meeting(people: &[Participant], title: Option<&str>, at: Option<&TimeExpr>, zone: &TimeZone) -> String {
    let mut said = title.map_or_else(|| "the meeting".to_owned(), |t| format!("'{t}'"));
    if !people.is_empty() {
        said.push_str(&format!(" with {}", names(people)));
    }
    if let Some(at) = at {
        said.push_str(&format!(" on {}", span(at, zone)));
    }
    said
}

/// The window and every rule on it, one phrase each.
fn time(window: Option<&TimeExpr>, part: Option<PartOfDay>, rules: &Constraints, zone: &TimeZone) -> Vec<String> {
    let shown = rules.zone.as_deref().and_then(|z| TimeZone::get(z).ok()).unwrap_or_else(|| zone.clone());
    let mut out: Vec<String> = Vec::new();
    // A window that is the part's own hours ("Monday afternoon") shows as the day: the
    // part follows.
    let is_part = |w: &TimeExpr| {
        let Some((from, to)) = part.map(PartOfDay::hours) else { return false };
        let start = w.start.with_time_zone(shown.clone());
        w.end.as_ref().is_some_and(|end| {
            let end = end.with_time_zone(shown.clone());
            start.hour() == from && start.minute() == 0 && (end.hour() == to || to == 24 && end.hour() == 0) && end.minute() == 0
        })
    };
    let mut windows: Vec<String> = window
        .into_iter()
        .chain(&rules.alternatives)
        .map(|w| if is_part(w) { w.start.with_time_zone(shown.clone()).strftime("%a %-d %b").to_string() } else { span(w, &shown) })
        .collect();
    if let Some(last) = windows.pop() {
        out.push(if windows.is_empty() { last } else { format!("{} or {last}", windows.join(", ")) });
    }
    if let Some(zone) = &rules.zone {
        out.push(format!("{zone} time"));
    }
    out.extend(part.map(part_name));
    if !rules.exclude_parts.is_empty() {
        out.push(format!("not {}", rules.exclude_parts.iter().map(|p| plural(*p)).collect::<Vec<_>>().join(" or ")));
    }
    if !rules.exclude_weekdays.is_empty() {
        out.push(format!("not on {}", rules.exclude_weekdays.iter().map(|d| day_name(*d)).collect::<Vec<_>>().join(" or ")));
    }
    out.extend(rules.earliest.map(|t| format!("from {}", t.strftime("%H:%M"))));
    out.extend(rules.latest.map(|t| format!("done by {}", t.strftime("%H:%M"))));
    out.extend(rules.prefer_part.map(|p| format!("preferably {}", plural(p))));
    out
}

/// A window as people read it: "Tue 10 Mar", "Tue 10 Mar 15:00", "Tue 10 Mar
/// 12:00-14:00", "week of Mon 9 Mar", "Mon 9 Mar to Thu 12 Mar".
fn span(w: &TimeExpr, zone: &TimeZone) -> String {
    let start = w.start.with_time_zone(zone.clone());
    let day = |z: &ZonedDateTime| z.strftime("%a %-d %b").to_string();
    let clock = |z: &ZonedDateTime| z.strftime("%H:%M").to_string();
    match (&w.end, w.grain) {
        (None, Grain::Week) => format!("week of {}", day(&start)),
        (None, Grain::Month) => start.strftime("%B").to_string(),
        (None, Grain::Day) => day(&start),
        (None, _) => format!("{} {}", day(&start), clock(&start)),
        (Some(end), _) => {
            let end = end.with_time_zone(zone.clone());
            let whole_days = start.time() == jiff::civil::Time::midnight() && end.time() == jiff::civil::Time::midnight();
            if whole_days {
                let last = end.checked_sub(jiff::Span::new().days(1)).unwrap_or(end.clone());
                if last.date() == start.date() { day(&start) } else { format!("{} to {}", day(&start), day(&last)) }
            } else if end.date() == start.date() {
                format!("{} {}-{}", day(&start), clock(&start), clock(&end))
            } else {
                format!("{} {} to {} {}", day(&start), clock(&start), day(&end), clock(&end))
            }
        }
    }
}

fn part_name(part: PartOfDay) -> String {
    let (from, to) = part.hours();
    let name = match part {
        PartOfDay::Morning => "in the morning",
        PartOfDay::Lunch => "at lunch",
        PartOfDay::Afternoon => "in the afternoon",
        PartOfDay::Evening => "in the evening",
        PartOfDay::Night => "at night",
    };
    format!("{name} ({from:02}:00-{to:02}:00)")
}

fn plural(part: PartOfDay) -> &'static str {
    match part {
        PartOfDay::Morning => "mornings",
        PartOfDay::Lunch => "lunchtime",
        PartOfDay::Afternoon => "afternoons",
        PartOfDay::Evening => "evenings",
        PartOfDay::Night => "nights",
    }
}

fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "Mondays",
        Weekday::Tuesday => "Tuesdays",
        Weekday::Wednesday => "Wednesdays",
        Weekday::Thursday => "Thursdays",
        Weekday::Friday => "Fridays",
        Weekday::Saturday => "Saturdays",
        Weekday::Sunday => "Sundays",
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Contact, Context, interpret};
    use super::*;

    fn line(text: &str) -> Option<String> {
        let now: ZonedDateTime = "2026-03-04T10:30:00-05:00[America/New_York]".parse().expect("now");
        let contacts = vec![
            Contact { id: "bob".into(), name: "Bob Martin".into(), nicknames: vec![] },
            Contact { id: "mei".into(), name: "Mei Chen".into(), nicknames: vec![] },
        ];
        let zone = now.time_zone().clone();
        summary(&interpret(text, &Context { now, contacts }).intent, &zone)
    }

    #[test]
    fn every_rule_read_is_in_the_line() {
        assert_eq!(line("lunch with bob next tuesday").as_deref(), Some("with Bob Martin, Tue 10 Mar, at lunch (12:00-13:00), 'Lunch'"));
        assert_eq!(
            line("an hour with Bob and Mei next week, not mornings, no Fridays").as_deref(),
            Some("60 min with Bob Martin and Mei Chen, week of Mon 9 Mar, not mornings, not on Fridays")
        );
        assert_eq!(line("bob tuesday or wednesday after 3").as_deref(), Some("with Bob Martin, Tue 10 Mar or Wed 11 Mar, from 15:00"));
        assert_eq!(line("meet bob tomorrow at 8:00 PST").as_deref(), Some("with Bob Martin, Thu 5 Mar 08:00, America/Los_Angeles time"));
    }

    #[test]
    fn moves_and_cancels_name_the_meeting() {
        assert_eq!(line("move my meeting with Bob to Monday afternoon").as_deref(), Some("Move the meeting with Bob Martin to Mon 9 Mar, in the afternoon (12:00-17:00)"));
        assert_eq!(line("cancel my 3pm with Mei tomorrow").as_deref(), Some("Cancel the meeting with Mei Chen on Thu 5 Mar 15:00"));
        assert_eq!(line("what do I have on Friday"), None);
    }
}
