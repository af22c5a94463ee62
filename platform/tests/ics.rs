//! ICS import and export over files in `tests/data/ics/`: RFC 5545 examples and
//! Google/Outlook-style exports, and malformed files that must import nothing.

use agentnet_core::schedule::{EventStatus, Interval};
use agentnet_platform::calendar::ics::{IcsErrorKind, export_calendar, invitation, parse_calendar};
use agentnet_platform::calendar::{
    CalendarError, CalendarEvent, CalendarSource, EventTime, IcsCalendar, LocalCalendar, Occurrence, OccurrenceTime, Person,
    Response, expand,
};
use jiff::Timestamp;
use jiff::civil::date;
use jiff::tz::TimeZone;

fn data(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/ics/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn window(from: &str, to: &str) -> Interval {
    Interval::new(ts(from), ts(to)).unwrap()
}

fn zone(name: &str) -> TimeZone {
    jiff::tz::db().get(name).unwrap()
}

fn timed(occurrence: &Occurrence) -> Interval {
    match occurrence.time {
        OccurrenceTime::Timed(interval) => interval,
        OccurrenceTime::AllDay { .. } => panic!("{} is all-day", occurrence.summary),
    }
}

fn named<'a>(occurrences: &'a [Occurrence], summary: &str) -> Vec<&'a Occurrence> {
    occurrences.iter().filter(|occurrence| occurrence.summary == summary).collect()
}

#[test]
fn google_weekly_meeting_stays_at_nine_berlin_time_across_the_dst_switch() {
    let berlin = zone("Europe/Berlin");
    let events = parse_calendar(&data("google_export.ics")).unwrap();
    let occurrences = expand(&events, window("2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z"), &berlin);
    let standups = named(&occurrences, "Team standup");
    let starts: Vec<String> = standups.iter().map(|o| timed(o).start().to_zoned_datetime(berlin.clone()).datetime().to_string()).collect();
    // 16 March moved (override), 23 March cancelled (override), 6 April excluded (EXDATE),
    // 27 April past UNTIL.
    assert_eq!(starts, ["2026-03-09T09:00:00", "2026-03-30T09:00:00", "2026-04-13T09:00:00", "2026-04-20T09:00:00"]);
    // Same wall-clock time, different UTC time on each side of 29 March.
    assert_eq!(timed(standups[0]).start(), ts("2026-03-09T08:00:00Z"));
    assert_eq!(timed(standups[1]).start(), ts("2026-03-30T07:00:00Z"));
    assert!(standups.iter().all(|o| timed(o).duration().as_mins() == 30));

    let moved = named(&occurrences, "Team standup (moved)");
    assert_eq!(moved.len(), 1);
    assert_eq!(timed(moved[0]), window("2026-03-17T13:00:00Z", "2026-03-17T13:30:00Z"));
    assert_eq!(moved[0].recurrence_id, Some(ts("2026-03-16T08:00:00Z")));
}

#[test]
fn google_export_reads_all_day_transparent_cancelled_and_tentative_events() {
    let berlin = zone("Europe/Berlin");
    let events = parse_calendar(&data("google_export.ics")).unwrap();
    let occurrences = expand(&events, window("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"), &berlin);

    let offsite = named(&occurrences, "Team offsite");
    assert_eq!(offsite[0].time, OccurrenceTime::AllDay { first: date(2026, 3, 25), last: date(2026, 3, 26) });
    assert_eq!(offsite[0].to_schedule_event().status, EventStatus::Busy);

    let birthday = named(&occurrences, "Carol's birthday");
    assert_eq!(birthday.len(), 1, "a yearly all-day event from 1990 shows up in 2026");
    assert_eq!(birthday[0].to_schedule_event().status, EventStatus::Free);

    assert!(named(&occurrences, "Called-off review").is_empty());
    let lunch = named(&occurrences, "Maybe lunch");
    assert_eq!(lunch[0].to_schedule_event().status, EventStatus::Tentative);
    assert_eq!(timed(lunch[0]).duration().as_mins(), 45);

    let series = events.iter().find(|event| event.id == "weekly-standup-123@google.com").unwrap();
    assert_eq!(series.location.as_deref(), Some("Room 4; 2nd floor"));
    assert_eq!(series.description.as_deref(), Some("Weekly sync, agenda:\nhttps://example.com/agenda"));
    assert_eq!(series.sequence, 2);
    assert_eq!(series.organizer.as_ref().unwrap().email, "alice@example.com");
    let bob = &series.attendees[1];
    assert_eq!((bob.name.as_deref(), bob.email.as_str(), bob.optional, bob.response), (Some("Doe, Bob"), "bob@example.com", true, Response::NeedsAction));
}

#[test]
fn outlook_windows_zone_names_and_custom_vtimezone_rules() {
    let events = parse_calendar(&data("outlook_export.ics")).unwrap();
    let occurrences = expand(&events, window("2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z"), &zone("Europe/Berlin"));

    // 08:00 Pacific two days after the US switch to daylight time: 15:00 UTC.
    let planning = named(&occurrences, "Planning with Seattle");
    assert_eq!(timed(planning[0]).start(), ts("2026-03-10T15:00:00Z"));
    assert!(planning[0].uid.starts_with("040000008200E00074C5B7101A82E008") && planning[0].uid.ends_with("F1E2D3C4B5A69788"));

    // Ten weekdays from 23 March, 08:30 in Berlin on both sides of 29 March.
    let daily: Vec<Timestamp> = named(&occurrences, "Daily check-in").iter().map(|o| timed(o).start()).collect();
    assert_eq!(daily.len(), 10);
    assert_eq!(daily[0], ts("2026-03-23T07:30:00Z"));
    assert_eq!(daily[5], ts("2026-03-30T06:30:00Z"));
    assert_eq!(daily[9], ts("2026-04-03T06:30:00Z"));

    // A zone known only from its VTIMEZONE rules (+02/+03, EU switch dates).
    let helsinki = named(&occurrences, "Call with Helsinki office");
    assert_eq!(timed(helsinki[0]).start(), ts("2026-03-30T07:00:00Z"));
}

#[test]
fn rfc5545_recurrence_examples() {
    let new_york = zone("America/New_York");
    let events = parse_calendar(&data("rfc5545_examples.ics")).unwrap();
    let occurrences = expand(&events, window("1997-07-01T00:00:00Z", "1998-08-01T00:00:00Z"), &new_york);
    let local_days = |summary: &str| -> Vec<String> {
        named(&occurrences, summary).iter().map(|o| timed(o).start().to_zoned_datetime(new_york.clone()).strftime("%m-%d %H:%M").to_string()).collect()
    };

    let every_other = local_days("Every other week on Monday, Wednesday and Friday until 24 Dec 1997");
    assert_eq!(every_other.len(), 25, "{every_other:?}");
    assert_eq!(&every_other[..4], ["09-01 09:00", "09-03 09:00", "09-05 09:00", "09-15 09:00"]);
    assert_eq!(&every_other[every_other.len() - 4..], ["12-08 09:00", "12-10 09:00", "12-12 09:00", "12-22 09:00"]);

    let fridays = local_days("Monthly on the first Friday for 10 occurrences");
    assert_eq!(fridays, ["09-05 09:00", "10-03 09:00", "11-07 09:00", "12-05 09:00", "01-02 09:00", "02-06 09:00", "03-06 09:00", "04-03 09:00", "05-01 09:00", "06-05 09:00"]);

    let daily = local_days("Daily for 5 days with an extra and a dropped date");
    assert_eq!(daily, ["09-02 09:00", "09-04 09:00", "09-05 09:00", "09-06 09:00", "09-10 09:00", "09-11 09:00"]);

    let party = named(&occurrences, "Bastille Day Party");
    assert_eq!(timed(party[0]), window("1997-07-14T17:00:00Z", "1997-07-15T04:00:00Z"));
    assert!(occurrences.iter().any(|o| o.summary == "XYZ Project Review" && timed(o).start() == ts("1998-03-12T13:30:00Z")));
}

/// A malformed file, the line its error names, and what the error must say.
type Case = (&'static str, usize, fn(&IcsErrorKind) -> bool);

#[tokio::test]
async fn malformed_files_name_the_line_and_import_nothing() {
    let cases: [Case; 9] = [
        ("missing_colon.ics", 11, |kind| matches!(kind, IcsErrorKind::MissingColon)),
        ("unclosed.ics", 7, |kind| matches!(kind, IcsErrorKind::Unclosed { name } if name == "VEVENT")),
        ("mismatched_end.ics", 6, |kind| matches!(kind, IcsErrorKind::MismatchedEnd { expected, found } if expected == "VEVENT" && found == "VTODO")),
        ("bad_date.ics", 9, |kind| matches!(kind, IcsErrorKind::BadValue { property, .. } if property == "DTSTART")),
        ("unknown_tzid.ics", 5, |kind| matches!(kind, IcsErrorKind::UnknownTimeZone { tzid } if tzid == "Mars/Olympus_Mons")),
        ("bad_rrule.ics", 10, |kind| matches!(kind, IcsErrorKind::Rule(rule) if rule.part == "FREQ=FORTNIGHTLY")),
        ("end_before_start.ics", 6, |kind| matches!(kind, IcsErrorKind::BadEnd { .. })),
        ("missing_uid.ics", 3, |kind| matches!(kind, IcsErrorKind::MissingProperty { property: "UID", .. })),
        ("not_a_calendar.ics", 1, |kind| matches!(kind, IcsErrorKind::OutsideCalendar { .. })),
    ];
    for (file, line, expected) in cases {
        let calendar = LocalCalendar::in_memory(zone("Europe/Berlin"));
        let error = calendar.import_ics(&data(&format!("malformed/{file}"))).await.unwrap_err();
        let CalendarError::Ics(error) = error else { panic!("{file}: {error}") };
        assert_eq!(error.line, line, "{file}: {error}");
        assert!(expected(&error.kind), "{file}: {error}");
        assert!(error.to_string().starts_with(&format!("line {line}: ")));
        assert!(calendar.records().await.unwrap().is_empty(), "{file}: nothing may be imported");
    }
}

#[tokio::test]
async fn exported_calendar_reads_back_to_the_same_occurrences() {
    let berlin = zone("Europe/Berlin");
    let span = window("2026-03-01T00:00:00Z", "2026-06-01T00:00:00Z");
    let original = IcsCalendar::from_text("google", &data("google_export.ics"), berlin.clone()).unwrap();
    let text = export_calendar(&original.records(), ts("2026-03-01T00:00:00Z"));
    assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"), "{text}");
    let again = IcsCalendar::from_text("again", &text, berlin).unwrap();
    assert_eq!(again.list_events(span).await.unwrap(), original.list_events(span).await.unwrap());
    assert_eq!(again.records(), original.records());
}

#[test]
fn invitation_has_what_mail_clients_need() {
    let mut meeting = CalendarEvent::timed("meet-1@agentnet", "Coffee; Alice & Bob, finally", ts("2026-03-10T14:00:00Z"), ts("2026-03-10T14:30:00Z"));
    meeting.organizer = Some(Person::named("Alice Example", "alice@example.com"));
    meeting.attendees = vec![Person::named("Bob, the builder", "bob@example.com")];
    meeting.sequence = 1;
    meeting.description = Some("Booked by agentnet. ".repeat(10));
    let text = invitation(&meeting, ts("2026-03-01T12:00:00Z")).unwrap();
    for needle in [
        "METHOD:REQUEST\r\n",
        "UID:meet-1@agentnet\r\n",
        "DTSTAMP:20260301T120000Z\r\n",
        "SEQUENCE:1\r\n",
        "DTSTART:20260310T140000Z\r\n",
        "DTEND:20260310T143000Z\r\n",
        "SUMMARY:Coffee\\; Alice & Bob\\, finally\r\n",
        "ORGANIZER;CN=Alice Example:mailto:alice@example.com\r\n",
        "STATUS:CONFIRMED\r\n",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    let unfolded = text.replace("\r\n ", "");
    assert!(unfolded.contains("ATTENDEE;CN=\"Bob, the builder\";CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com"));
    assert!(text.split("\r\n").all(|line| line.len() <= 75));
    assert!(!text.replace("\r\n", "").contains('\n'), "only CRLF line ends");
    let back = parse_calendar(&text).unwrap();
    assert_eq!(back, vec![meeting.clone()]);

    meeting.organizer = None;
    assert!(matches!(invitation(&meeting, ts("2026-03-01T12:00:00Z")), Err(CalendarError::InvalidEvent { .. })));
}

#[tokio::test]
async fn local_calendar_create_update_delete() {
    let calendar = LocalCalendar::in_memory(zone("Europe/Berlin"));
    let mut event = CalendarEvent::timed("", "Booked", ts("2026-03-10T14:00:00Z"), ts("2026-03-10T14:30:00Z"));
    event = calendar.create_event(event).await.unwrap();
    assert!(event.id.ends_with("@agentnet"));
    let busy = calendar.free_busy(window("2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z")).await.unwrap();
    assert_eq!(busy.iter().copied().collect::<Vec<_>>(), vec![window("2026-03-10T14:00:00Z", "2026-03-10T14:30:00Z")]);

    event.start = EventTime::utc(ts("2026-03-10T15:00:00Z"));
    event.end = EventTime::utc(ts("2026-03-10T15:30:00Z"));
    let updated = calendar.update_event(event.clone()).await.unwrap();
    assert_eq!(updated.sequence, 1);
    let listed = calendar.list_events(window("2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z")).await.unwrap();
    assert_eq!(timed(&listed[0]).start(), ts("2026-03-10T15:00:00Z"));

    calendar.delete_event(&event.id).await.unwrap();
    assert!(matches!(calendar.delete_event(&event.id).await, Err(CalendarError::NotFound { id }) if id == event.id));
    assert!(matches!(calendar.update_event(event).await, Err(CalendarError::NotFound { .. })));
}

#[tokio::test]
async fn ics_calendar_is_read_only() {
    let calendar = IcsCalendar::from_text("feed", &data("rfc5545_examples.ics"), TimeZone::UTC).unwrap();
    let event = CalendarEvent::timed("x", "x", ts("2026-03-10T14:00:00Z"), ts("2026-03-10T14:30:00Z"));
    assert!(matches!(calendar.create_event(event).await, Err(CalendarError::ReadOnly { name }) if name == "feed"));
}
