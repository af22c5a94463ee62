//! From ICS text to [`CalendarEvent`]s: all of them, or an error naming the line.

use std::collections::HashMap;

use jiff::tz::TimeZone;

use super::error::{IcsError, IcsErrorKind};
use super::lines::{self, ContentLine};
use super::value::{DateTimeValue, parse_date, parse_date_time, parse_duration};
use super::zone::{self, Observance};
use crate::calendar::model::{CalendarEvent, EventTime, Person, Response, Status, Transparency};
use crate::calendar::recur::{Recurrence, Rule};

/// A component with its properties and sub-components.
#[derive(Debug, Default)]
pub(crate) struct Component {
    pub(crate) name: String,
    pub(crate) line: usize,
    pub(crate) properties: Vec<ContentLine>,
    pub(crate) children: Vec<Component>,
}

impl Component {
    fn first(&self, name: &str) -> Option<&ContentLine> {
        self.properties.iter().find(|line| line.name == name)
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a ContentLine> + 'a {
        self.properties.iter().filter(move |line| line.name == name)
    }
}

/// The `VCALENDAR` components of `text`.
pub(crate) fn components(text: &str) -> Result<Vec<Component>, IcsError> {
    let mut stack: Vec<Component> = Vec::new();
    let mut calendars = Vec::new();
    for (number, text) in lines::unfold(text) {
        let line = lines::parse(number, &text)?;
        match line.name.as_str() {
            "BEGIN" => stack.push(Component { name: line.value.trim().to_ascii_uppercase(), line: number, ..Component::default() }),
            "END" => {
                let found = line.value.trim().to_ascii_uppercase();
                let open = stack.pop().ok_or_else(|| IcsError::at(number, IcsErrorKind::OutsideCalendar { name: format!("END:{found}") }))?;
                if open.name != found {
                    return Err(IcsError::at(number, IcsErrorKind::MismatchedEnd { expected: open.name, found }));
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(open),
                    None if open.name == "VCALENDAR" => calendars.push(open),
                    None => return Err(IcsError::at(open.line, IcsErrorKind::OutsideCalendar { name: format!("BEGIN:{}", open.name) })),
                }
            }
            _ => match stack.last_mut() {
                Some(open) => open.properties.push(line),
                None => return Err(IcsError::at(number, IcsErrorKind::OutsideCalendar { name: line.name })),
            },
        }
    }
    if let Some(open) = stack.pop() {
        let innermost = stack.into_iter().chain(Some(open)).last().map(|c| (c.line, c.name));
        let (line, name) = innermost.unwrap_or_default();
        return Err(IcsError::at(line, IcsErrorKind::Unclosed { name }));
    }
    if calendars.is_empty() {
        return Err(IcsError::at(1, IcsErrorKind::NotACalendar));
    }
    Ok(calendars)
}

/// Zones by `TZID`, resolved once each.
struct Zones<'a> {
    defined: HashMap<String, &'a Component>,
    resolved: HashMap<String, TimeZone>,
}

impl<'a> Zones<'a> {
    fn new(calendar: &'a Component) -> Zones<'a> {
        let defined = calendar
            .children
            .iter()
            .filter(|child| child.name == "VTIMEZONE")
            .filter_map(|child| Some((child.first("TZID")?.value.trim().to_owned(), child)))
            .collect();
        Zones { defined, resolved: HashMap::new() }
    }

    fn get(&mut self, tzid: &str, line: usize) -> Result<TimeZone, IcsError> {
        if let Some(zone) = self.resolved.get(tzid) {
            return Ok(zone.clone());
        }
        let zone = match zone::by_name(tzid) {
            Some(zone) => zone,
            None => {
                let definition = self.defined.get(tzid).ok_or_else(|| IcsError::at(line, IcsErrorKind::UnknownTimeZone { tzid: tzid.to_owned() }))?;
                match definition.first("X-LIC-LOCATION").and_then(|location| zone::by_name(&location.value)) {
                    Some(zone) => zone,
                    None => {
                        let observances: Vec<Observance> = definition
                            .children
                            .iter()
                            .filter(|child| child.name == "STANDARD" || child.name == "DAYLIGHT")
                            .map(|child| {
                                let mut observance = Observance { daylight: child.name == "DAYLIGHT", ..Observance::default() };
                                child.properties.iter().for_each(|line| observance.read(line));
                                observance
                            })
                            .collect();
                        zone::from_observances(&observances)
                            .map_err(|reason| IcsError::at(definition.line, IcsErrorKind::BadTimeZone { tzid: tzid.to_owned(), reason }))?
                    }
                }
            }
        };
        self.resolved.insert(tzid.to_owned(), zone.clone());
        Ok(zone)
    }

    /// The times of one property value (`DTSTART`, or each item of an `EXDATE` list).
    fn times(&mut self, line: &ContentLine) -> Result<Vec<EventTime>, IcsError> {
        let is_date = line.param("VALUE").is_some_and(|value| value.eq_ignore_ascii_case("DATE"));
        let zone = line.param("TZID").map(|tzid| self.get(tzid, line.line)).transpose()?;
        line.value
            .split(',')
            .map(|item| {
                // An RDATE PERIOD (start/end) occurrence starts at its start.
                let item = item.trim().split('/').next().unwrap_or_default();
                let bad = |expected| IcsError::at(line.line, IcsErrorKind::BadValue { property: line.name.clone(), expected, value: item.to_owned() });
                if is_date || item.len() == 8 {
                    return parse_date(item).map(EventTime::Date).ok_or_else(|| bad("date"));
                }
                Ok(match (parse_date_time(item).ok_or_else(|| bad("date-time"))?, &zone) {
                    (DateTimeValue::Utc(at), _) => EventTime::utc(at),
                    (DateTimeValue::Local(local), Some(zone)) => {
                        EventTime::Zoned(zone.to_ambiguous_zoned_datetime(local).compatible().map_err(|_| bad("date-time"))?)
                    }
                    (DateTimeValue::Local(local), None) => EventTime::Floating(local),
                })
            })
            .collect()
    }

    fn time(&mut self, line: &ContentLine) -> Result<EventTime, IcsError> {
        let mut times = self.times(line)?;
        match (times.pop(), times.is_empty()) {
            (Some(time), true) => Ok(time),
            _ => Err(IcsError::at(line.line, IcsErrorKind::BadValue { property: line.name.clone(), expected: "single date-time", value: line.value.clone() })),
        }
    }
}

fn person(line: &ContentLine) -> Person {
    let value = line.value.trim();
    let email = value.get(..7).filter(|scheme| scheme.eq_ignore_ascii_case("mailto:")).map_or(value, |_| &value[7..]);
    let response = match line.param("PARTSTAT").map(str::to_ascii_uppercase).as_deref() {
        Some("ACCEPTED") => Response::Accepted,
        Some("DECLINED") => Response::Declined,
        Some("TENTATIVE") => Response::Tentative,
        _ => Response::NeedsAction,
    };
    Person {
        email: email.to_owned(),
        name: line.param("CN").map(str::to_owned),
        response,
        optional: line.param("ROLE").is_some_and(|role| role.eq_ignore_ascii_case("OPT-PARTICIPANT")),
    }
}

/// The end from `DTEND` or `DURATION`; without either, one day for dates and none for times.
fn end(event: &Component, start: &EventTime, zones: &mut Zones<'_>) -> Result<EventTime, IcsError> {
    let bad = |line: usize, reason| IcsError::at(line, IcsErrorKind::BadEnd { reason });
    if let Some(line) = event.first("DTEND") {
        let end = zones.time(line)?;
        if end.is_date() != start.is_date() {
            return Err(bad(line.line, "DTSTART and DTEND must both be dates or both date-times"));
        }
        if end.instant(&TimeZone::UTC) < start.instant(&TimeZone::UTC) {
            return Err(bad(line.line, "DTEND is before DTSTART"));
        }
        return Ok(end);
    }
    let Some(line) = event.first("DURATION") else {
        return Ok(match start {
            EventTime::Date(date) => EventTime::Date(date.tomorrow().unwrap_or(*date)),
            other => other.clone(),
        });
    };
    let span = parse_duration(line.value.trim())
        .filter(|span| !span.is_negative())
        .ok_or_else(|| IcsError::at(line.line, IcsErrorKind::BadValue { property: "DURATION".into(), expected: "duration", value: line.value.clone() }))?;
    let overflow = || bad(line.line, "DURATION overflows");
    Ok(match start {
        EventTime::Date(date) => EventTime::Date(date.checked_add(span).map_err(|_| overflow())?),
        EventTime::Zoned(zoned) => EventTime::Zoned(zoned.checked_add(span).map_err(|_| overflow())?),
        EventTime::Floating(local) => EventTime::Floating(local.checked_add(span).map_err(|_| overflow())?),
    })
}

fn event(component: &Component, zones: &mut Zones<'_>) -> Result<CalendarEvent, IcsError> {
    let missing = |property| IcsError::at(component.line, IcsErrorKind::MissingProperty { component: "VEVENT", property });
    let uid = component.first("UID").map(|line| line.value.trim().to_owned()).filter(|uid| !uid.is_empty()).ok_or_else(|| missing("UID"))?;
    let start = zones.time(component.first("DTSTART").ok_or_else(|| missing("DTSTART"))?)?;
    let end = end(component, &start, zones)?;
    let recurrence_id = component.first("RECURRENCE-ID").map(|line| zones.time(line)).transpose()?;
    let text = |name| component.first(name).map(|line| lines::unescape(&line.value));
    let mut recurrence = Recurrence::default();
    for line in component.all("RRULE") {
        recurrence.rules.push(Rule::parse(&line.value).map_err(|error| IcsError::at(line.line, error.into()))?);
    }
    for line in component.all("RDATE") {
        recurrence.dates.extend(zones.times(line)?);
    }
    for line in component.all("EXDATE") {
        recurrence.exceptions.extend(zones.times(line)?);
    }
    let status = match component.first("STATUS").map(|line| line.value.trim().to_ascii_uppercase()).as_deref() {
        Some("CANCELLED") => Status::Cancelled,
        Some("TENTATIVE") => Status::Tentative,
        _ => Status::Confirmed,
    };
    let transparency = match component.first("TRANSP").map(|line| line.value.trim().to_ascii_uppercase()).as_deref() {
        Some("TRANSPARENT") => Transparency::Transparent,
        _ => Transparency::Opaque,
    };
    let sequence = match component.first("SEQUENCE") {
        Some(line) => line.value.trim().parse().map_err(|_| {
            IcsError::at(line.line, IcsErrorKind::BadValue { property: "SEQUENCE".into(), expected: "integer", value: line.value.clone() })
        })?,
        None => 0,
    };
    let id = match &recurrence_id {
        Some(original) => format!("{uid}#{}", original.instant(&TimeZone::UTC)),
        None => uid.clone(),
    };
    Ok(CalendarEvent {
        id,
        uid,
        recurrence_id,
        summary: text("SUMMARY").unwrap_or_default(),
        location: text("LOCATION"),
        description: text("DESCRIPTION"),
        start,
        end,
        status,
        transparency,
        recurrence,
        organizer: component.first("ORGANIZER").map(person),
        attendees: component.all("ATTENDEE").map(person).collect(),
        sequence,
    })
}

/// Every `VEVENT` of every `VCALENDAR` in `text`, or the first error (and no events).
pub fn parse_calendar(text: &str) -> Result<Vec<CalendarEvent>, IcsError> {
    let calendars = components(text)?;
    let mut events = Vec::new();
    for calendar in &calendars {
        let mut zones = Zones::new(calendar);
        for child in calendar.children.iter().filter(|child| child.name == "VEVENT") {
            events.push(event(child, &mut zones)?);
        }
    }
    Ok(events)
}

/// Parses the `RRULE:`/`EXDATE:`/`RDATE:` lines Google keeps in an event's `recurrence`.
pub(crate) fn parse_recurrence_lines(lines_text: &[String]) -> Result<Recurrence, IcsError> {
    let mut text = String::from("BEGIN:VCALENDAR\nBEGIN:VEVENT\n");
    for line in lines_text {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("END:VEVENT\nEND:VCALENDAR\n");
    let calendars = components(&text)?;
    let mut zones = Zones::new(&calendars[0]);
    let event = &calendars[0].children[0];
    let mut recurrence = Recurrence::default();
    // Lines are numbered as in the `recurrence` array (1-based), not in the wrapper.
    let renumber = |mut error: IcsError| {
        error.line = error.line.saturating_sub(2);
        error
    };
    for line in &event.properties {
        match line.name.as_str() {
            "RRULE" => recurrence.rules.push(Rule::parse(&line.value).map_err(|error| renumber(IcsError::at(line.line, error.into())))?),
            "RDATE" => recurrence.dates.extend(zones.times(line).map_err(renumber)?),
            "EXDATE" => recurrence.exceptions.extend(zones.times(line).map_err(renumber)?),
            _ => {}
        }
    }
    Ok(recurrence)
}
