//! The model's JSON answer, validated into core's [`Interpretation`].
//!
//! Every check the offline interpreter makes by construction is made here by hand:
//! participants must be contacts, times must resolve, the vocabulary is closed. A
//! schedule with nobody, or a cancel that names no meeting, becomes the same
//! [`Intent::NeedsClarification`] the offline interpreter would give, because those
//! are questions for the owner and not faults of the model.

use agentnet_core::nlu::{Constraints, Context, Intent, Interpretation, Issue, Location, Participant, TimeExpr};
use serde_json::Value;

use super::error::LlmError;
use super::fields::Fields;
use super::people::{self, Named};
use super::{preference, schema, when};

/// Validates the model's answer text for the command's context.
pub(crate) fn interpret(answer: &str, ctx: &Context) -> Result<Interpretation, LlmError> {
    let value: Value =
        serde_json::from_str(unfence(answer)).map_err(|e| LlmError::InvalidJson { reason: e.to_string() })?;
    let top = Fields::new(&value, "any", "", "answer")?;
    let kind = top.str("kind")?;
    if !schema::KINDS.contains(&kind) {
        return Err(LlmError::UnknownValue { field: "kind".into(), value: kind.to_string() });
    }
    let f = Fields::new(&value, kind, "", "answer")?;
    // Times stated in another zone ("8:00 PST") are read in that zone.
    let zone = f.opt_text("zone")?;
    let now = match &zone {
        Some(name) => ctx.now.with_time_zone(jiff::tz::TimeZone::get(name).map_err(|_| LlmError::UnknownValue { field: "zone".into(), value: name.clone() })?),
        None => ctx.now.clone(),
    };
    let time = |field: &str| f.opt_str(field)?.map(|t| when::resolve(field, t, &now)).transpose();
    // Only the kinds that have a time read one: junk in an unused field does no harm.
    let has_time = matches!(kind, "schedule" | "reschedule" | "cancel" | "ask_availability" | "list_upcoming");
    let when = if has_time { time("when")? } else { None };
    let to = if kind == "reschedule" { time("to")? } else { None };
    let first_time = when.clone().or_else(|| to.clone());
    let constraints = if matches!(kind, "schedule" | "reschedule" | "ask_availability") { constraints(&f, zone, &now)? } else { Constraints::default() };
    let intent = build(&f, kind, when, to, constraints, ctx)?;
    Ok(Interpretation { intent, time: first_time })
}

/// The JSON inside a Markdown code fence, which local servers without constrained
/// decoding often add; anything else is left for the JSON parser to judge.
fn unfence(answer: &str) -> &str {
    let t = answer.trim();
    t.strip_prefix("```json")
        .or_else(|| t.strip_prefix("```"))
        .and_then(|rest| rest.strip_suffix("```"))
        .map_or(t, str::trim)
}

fn clarify(question: impl Into<String>, issue: Issue) -> Intent {
    Intent::NeedsClarification { question: question.into(), issue }
}

/// The rules on the time: the same [`Constraints`] the offline interpreter reads.
fn constraints(f: &Fields<'_>, zone: Option<String>, now: &jiff::ZonedDateTime) -> Result<Constraints, LlmError> {
    let clock = |field: &str| -> Result<Option<jiff::civil::Time>, LlmError> {
        f.opt_text(field)?
            .map(|t| t.parse::<jiff::civil::Time>().map_err(|_| LlmError::UnknownValue { field: field.to_string(), value: t.clone() }))
            .transpose()
    };
    let alternatives = f.strings("alternatives", false)?.into_iter().map(|t| when::resolve("alternatives", t, now)).collect::<Result<_, _>>()?;
    Ok(Constraints {
        alternatives,
        prefer_part: f.opt_enum("prefer_part_of_day")?,
        exclude_parts: f.strings("exclude_parts_of_day", false)?.into_iter().map(|p| f.parse_enum("exclude_parts_of_day", p)).collect::<Result<_, _>>()?,
        exclude_weekdays: f.strings("exclude_weekdays", false)?.into_iter().map(|d| f.parse_enum("exclude_weekdays", d)).collect::<Result<_, _>>()?,
        earliest: clock("earliest")?,
        latest: clock("latest")?,
        zone,
    })
}

fn build(
    f: &Fields<'_>,
    kind: &str,
    when: Option<TimeExpr>,
    to: Option<TimeExpr>,
    constraints: Constraints,
    ctx: &Context,
) -> Result<Intent, LlmError> {
    match kind {
        "set_preference" => {
            let p = Fields::new(f.require("preference")?, kind, "preference.", "preference")?;
            return Ok(Intent::SetPreference { preference: preference::read(&p)? });
        }
        "connect_contact" => return Ok(Intent::ConnectContact { name: f.str("name")?.trim().to_string() }),
        "needs_clarification" => return clarification(f, ctx),
        _ => {}
    }
    let participants = match participants(f, ctx)? {
        Ok(p) => p,
        Err(question) => return Ok(question),
    };
    let title = f.opt_text("title")?;
    Ok(match kind {
        "schedule" if participants.is_empty() => {
            clarify("Who should the meeting be with?", Issue::MissingParticipants)
        }
        "schedule" => Intent::Schedule {
            participants,
            duration_minutes: f.opt_u32("duration_minutes")?,
            window: when,
            part_of_day: f.opt_enum("part_of_day")?,
            title,
            location: location(f)?,
            constraints,
        },
        "reschedule" if participants.is_empty() && when.is_none() && title.is_none() => {
            clarify("Which meeting should I move?", Issue::MissingMeeting)
        }
        "reschedule" => Intent::Reschedule { participants, from: when, to, title, part_of_day: f.opt_enum("part_of_day")?, constraints },
        "cancel" if participants.is_empty() && when.is_none() && title.is_none() => {
            clarify("Which meeting should I cancel?", Issue::MissingMeeting)
        }
        "cancel" => Intent::Cancel { participants, when, title },
        "ask_availability" => {
            Intent::AskAvailability {
                participants,
                window: when,
                duration_minutes: f.opt_u32("duration_minutes")?,
                part_of_day: f.opt_enum("part_of_day")?,
                constraints,
            }
        }
        "list_upcoming" => Intent::ListUpcoming { window: when, participants },
        _ => Intent::ExplainNegotiation { participants },
    })
}

/// The named contacts, or the question to ask when a name fits several of them.
fn participants(f: &Fields<'_>, ctx: &Context) -> Result<Result<Vec<Participant>, Intent>, LlmError> {
    let mut out: Vec<Participant> = Vec::new();
    for name in f.strings("participants", true)? {
        match people::find(name, &ctx.contacts)? {
            Named::One(p) => {
                if !out.iter().any(|q| q.id == p.id) {
                    out.push(p);
                }
            }
            Named::Several(candidates) => {
                let names: Vec<&str> = candidates.iter().map(|c| c.name.as_str()).collect();
                let question = format!("Which {name} do you mean: {}?", names.join(" or "));
                return Ok(Err(clarify(question, Issue::AmbiguousContact { name: name.to_string(), candidates })));
            }
        }
    }
    Ok(Ok(out))
}

fn location(f: &Fields<'_>) -> Result<Option<Location>, LlmError> {
    let Some(v) = f.get("location") else { return Ok(None) };
    let l = Fields::new(v, "schedule", "location.", "location")?;
    let detail = l.opt_text("detail")?;
    Ok(Some(match l.str("type")? {
        "video" => Location::Video { provider: detail },
        "phone" => Location::Phone,
        "in_person" => Location::InPerson { place: detail },
        other => return Err(LlmError::UnknownValue { field: "location.type".into(), value: other.to_string() }),
    }))
}

fn clarification(f: &Fields<'_>, ctx: &Context) -> Result<Intent, LlmError> {
    let question = f.str("question")?.trim().to_string();
    let issue_kind = f.str("issue")?;
    let name = || f.opt_text("issue_name")?.ok_or_else(|| f.missing("issue_name"));
    let issue = match issue_kind {
        "unknown_contact" => Issue::UnknownContact { name: name()? },
        "ambiguous_contact" => {
            let mut candidates = Vec::new();
            for n in f.strings("participants", true)? {
                match people::find(n, &ctx.contacts)? {
                    Named::One(p) => candidates.push(p),
                    Named::Several(ps) => candidates.extend(ps),
                }
            }
            Issue::AmbiguousContact { name: name()?, candidates }
        }
        "missing_participants" => Issue::MissingParticipants,
        "missing_meeting" => Issue::MissingMeeting,
        "invalid_date" => Issue::InvalidDate,
        "unclear_preference" => Issue::UnclearPreference,
        "not_understood" => Issue::NotUnderstood,
        "unsupported" => Issue::Unsupported { words: name()? },
        "recurring" => Issue::Recurring { words: name()? },
        other => return Err(LlmError::UnknownValue { field: "issue".into(), value: other.to_string() }),
    };
    Ok(clarify(question, issue))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fenced_answer_is_read_and_prose_is_not() {
        assert_eq!(unfence("```json\n{\"kind\":\"cancel\"}\n```"), "{\"kind\":\"cancel\"}");
        assert_eq!(unfence(" {} "), "{}");
        assert_eq!(unfence("Here you go: ```{}```"), "Here you go: ```{}```");
    }
}
