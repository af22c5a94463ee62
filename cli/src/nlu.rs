//! `agentnet nlu`: interpret commands offline and print the result as JSON.
//!
//! One text on the command line, or `--jsonl`: one `{"text": ...}` object per line on
//! stdin, one result object per line on stdout. A bad input line gets an error object
//! on its own output line, so a batch never stops half-way.
//!
//! A line that also carries what was meant (`"expect"`, and a `"category"`, as in the
//! evaluation cases of `core/tests/data/nlu/`) is scored: its result gets a `"verdict"`
//! (right, asked or wrong), and after the last line comes one `{"summary": ...}` line with
//! the right / asked / wrong counts overall and per category.
//!
//! `--model` asks the language model configured by `OPENAI_BASE_URL`, `OPENAI_MODEL`
//! and `OPENAI_API_KEY` instead, with no offline fallback, so its answers are scored by
//! the same harness. An answer the client refuses (a contact that does not exist, a
//! time that does not resolve) books nothing: it is scored as asked, with the reason.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use agentnet_core::nlu::eval::{Case, Tally, Verdict, judge};
use agentnet_core::nlu::{Contact, Context, Interpretation, TimeExpr, interpret};
use agentnet_platform::llm::{LlmClient, LlmConfig, LlmError};
use anyhow::{Context as _, bail};
use jiff::{Timestamp, ZonedDateTime};
use serde_json::{Value, json};

/// Arguments of `agentnet nlu`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The reference "now", RFC 3339 (e.g. 2026-03-04T10:30:00-05:00).
    #[arg(long)]
    now: String,
    /// The owner's IANA time zone (e.g. America/New_York).
    #[arg(long)]
    tz: String,
    /// Read `{"text": ...}` objects, one per line, from stdin.
    #[arg(long)]
    jsonl: bool,
    /// The owner's contacts: a JSON array of `{"id", "name", "nicknames"}`.
    #[arg(long)]
    contacts: Option<PathBuf>,
    /// Ask the language model of `OPENAI_BASE_URL` / `OPENAI_MODEL` / `OPENAI_API_KEY`
    /// instead of the offline interpreter.
    #[arg(long)]
    model: bool,
    /// The command to interpret (without `--jsonl`).
    text: Option<String>,
}

/// Who interprets: the offline interpreter or the configured language model.
enum Reader {
    Offline,
    Model(LlmClient),
}

impl Reader {
    async fn read(&self, text: &str, ctx: &Context) -> Result<Interpretation, LlmError> {
        match self {
            Self::Offline => Ok(interpret(text, ctx)),
            Self::Model(client) => client.interpret(text, ctx).await,
        }
    }
}

/// Runs the command.
pub(crate) async fn run(args: Args) -> anyhow::Result<()> {
    let zone = jiff::tz::db().get(&args.tz).with_context(|| format!("unknown time zone {:?}", args.tz))?;
    let now: Timestamp = args.now.parse().with_context(|| format!("--now {:?} is not RFC 3339", args.now))?;
    let contacts: Vec<Contact> = match &args.contacts {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str(&text).with_context(|| format!("{} is not a contact list", path.display()))?
        }
        None => Vec::new(),
    };
    let reader = if args.model {
        let config = LlmConfig::from_env()?.context("--model needs OPENAI_BASE_URL or OPENAI_API_KEY set")?;
        Reader::Model(LlmClient::new(config)?)
    } else {
        Reader::Offline
    };
    let ctx = Context { now: now.to_zoned_datetime(zone), contacts };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match (args.jsonl, args.text) {
        (false, Some(text)) => writeln!(out, "{}", result(&text, reader.read(&text, &ctx).await))?,
        (true, None) => {
            let mut tally: Option<Tally> = None;
            for (k, line) in std::io::stdin().lock().lines().enumerate() {
                let line = line.context("reading stdin")?;
                if line.trim().is_empty() {
                    continue;
                }
                writeln!(out, "{}", batch_line(&line, k + 1, &ctx, &reader, &mut tally).await)?;
            }
            if let Some(tally) = tally {
                writeln!(out, "{}", json!({ "summary": tally }))?;
            }
        }
        (true, Some(_)) => bail!("give either a text or --jsonl, not both"),
        (false, None) => bail!("give a text to interpret, or --jsonl to read stdin"),
    }
    Ok(())
}

async fn batch_line(line: &str, number: usize, ctx: &Context, reader: &Reader, tally: &mut Option<Tally>) -> Value {
    let parsed: Result<Value, _> = serde_json::from_str(line);
    if let Ok(value) = &parsed
        && value.get("expect").is_some()
    {
        return match serde_json::from_value::<Case>(value.clone()) {
            Ok(case) => {
                let got = reader.read(&case.text, ctx).await;
                let verdict = match &got {
                    Ok(got) => judge(&case, &got.intent, &ctx.now),
                    Err(e) => Verdict::Asked(format!("the answer was refused: {e}")),
                };
                tally.get_or_insert_with(Tally::default).add(&case.category, &verdict);
                let mut out = result(&case.text, got);
                out["id"] = json!(case.id);
                out["category"] = json!(case.category);
                out["verdict"] = json!(verdict);
                out
            }
            Err(e) => json!({ "line": number, "error": format!("a scored line needs id, category, text and expect: {e}") }),
        };
    }
    match parsed.as_ref().map(|v| v.get("text").and_then(Value::as_str)) {
        Ok(Some(text)) => result(text, reader.read(text, ctx).await),
        Ok(None) => json!({ "line": number, "error": "expected an object with a string \"text\"" }),
        Err(e) => json!({ "line": number, "error": format!("invalid JSON: {e}") }),
    }
}

fn result(text: &str, got: Result<Interpretation, LlmError>) -> Value {
    match got {
        Ok(got) => json!({ "text": text, "intent": got.intent, "time": got.time.as_ref().map(time) }),
        Err(e) => json!({ "text": text, "error": e.to_string() }),
    }
}

fn rfc3339(z: &ZonedDateTime) -> String {
    z.timestamp().display_with_offset(z.offset()).to_string()
}

fn time(t: &TimeExpr) -> Value {
    json!({ "start": rfc3339(&t.start), "end": t.end.as_ref().map(rfc3339), "grain": t.grain })
}
