//! The interpreter's promise, checked on its own: a word that carries meaning is never
//! silently dropped. Commands it understands are given one word it has no reading for,
//! spliced in at every position; each answer must be a question, or a confident answer
//! that kept the word (as part of a title or a name), never one that ignores it.

use agentnet_core::nlu::{Contact, Context, Intent, interpret};
use jiff::ZonedDateTime;

const REFERENCE_NOW: &str = "2026-03-04T10:30:00-05:00[America/New_York]";

/// Commands the interpreter answers confidently.
const UNDERSTOOD: &[&str] = &[
    "find 30 minutes with Bob next week, afternoons",
    "schedule a meeting with Alice tomorrow at 3",
    "lunch with Carol on Friday",
    "an hour with Priya next Tuesday morning",
    "coffee with Eve on the 20th",
    "book 45 minutes with Grace and Mei on Thursday afternoon",
    "move my meeting with Bob to Monday afternoon",
    "cancel lunch with Carol tomorrow",
    "am I free on Friday afternoon?",
    "what do I have next week",
    "meet Oliver Thursday or Friday",
    "30 min with Frank next week, not mornings",
];

/// Words with a meaning the interpreter cannot act on.
const UNREADABLE: &[&str] = &[
    "raining", "dentist", "visa", "offsite", "birthday", "flight", "holiday", "vacation", "doctor", "snowing", "parking",
    "rooftop", "warehouse", "airport", "funeral", "wedding", "marathon", "exam", "unless", "hospital",
];

fn kept(intent: &Intent, word: &str) -> bool {
    serde_json::to_string(intent).expect("intents serialise").to_lowercase().contains(word)
}

#[test]
fn a_word_it_cannot_read_is_never_silently_dropped() {
    let contacts: Vec<Contact> = serde_json::from_str(include_str!("data/nlu_contacts.json")).expect("contacts file");
    let now: ZonedDateTime = REFERENCE_NOW.parse().expect("reference now");
    let ctx = Context { now, contacts };
    let mut checked = 0;
    let mut dropped = Vec::new();
    for base in UNDERSTOOD {
        let plain = interpret(base, &ctx);
        assert!(!matches!(plain.intent, Intent::NeedsClarification { .. }), "the base command is understood: {base:?} -> {:?}", plain.intent);
        let words: Vec<&str> = base.split_whitespace().collect();
        for word in UNREADABLE {
            for at in 0..=words.len() {
                let mut spliced = words.clone();
                spliced.insert(at, word);
                let text = spliced.join(" ");
                let got = interpret(&text, &ctx);
                checked += 1;
                if !matches!(got.intent, Intent::NeedsClarification { .. }) && !kept(&got.intent, word) {
                    dropped.push(format!("{text:?} -> {}", got.intent.kind()));
                }
            }
        }
    }
    assert!(checked > 1000, "{checked} commands checked");
    assert!(dropped.is_empty(), "{} of {checked} dropped a word: {:#?}", dropped.len(), &dropped[..dropped.len().min(30)]);
}
