//! `sms list`: the messages the hub received by SMS, newest first: alerts it accepted, and
//! messages it refused with why. Of a message's text only its first characters are shown, and
//! never a sender's number. `sms number`: the county's number devices send alerts to, shown or
//! set. `sms duty`: the duty officers' numbers, texted when an alert arrives.

use std::collections::HashMap;

use clap::Subcommand;
use usalama_hub::db::SmsMessage;

use super::{open, print_json, Failure};

#[derive(Debug, Subcommand)]
pub(crate) enum SmsCommand {
    /// Recent messages, accepted and refused, newest first.
    List {
        /// Only the refused messages.
        #[arg(long)]
        refused: bool,
        /// How many messages at most.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Print the number devices send alerts to or, given NUMBER (international form, e.g.
    /// +254712345678), set it: every device shows it with its alerts after its next sync.
    Number { number: Option<String> },
    /// Print the duty officers' numbers, or change them: each is texted when an alert arrives
    /// by SMS (that one arrived, never what it says).
    Duty {
        /// A number to add (international form); may be repeated.
        #[arg(long, value_name = "NUMBER")]
        add: Vec<String>,
        /// A number to remove; may be repeated.
        #[arg(long, value_name = "NUMBER")]
        remove: Vec<String>,
    },
}

pub(crate) fn run(db: &str, command: SmsCommand, json: bool) -> Result<(), Failure> {
    let (refused, limit) = match command {
        SmsCommand::List { refused, limit } => (refused, limit),
        SmsCommand::Number { number } => return number_command(db, number, json),
        SmsCommand::Duty { add, remove } => return duty_command(db, &add, &remove, json),
    };
    let hub = open(db)?;
    let messages = hub.sms_messages(refused, limit)?;
    if json {
        print_json(&messages);
        return Ok(());
    }
    if messages.is_empty() {
        say!(
            "{}",
            if refused {
                "No refused SMS."
            } else {
                "No SMS received."
            }
        );
        return Ok(());
    }
    let names: HashMap<_, _> = hub
        .devices()?
        .into_iter()
        .map(|d| (d.id, format!("{} ({})", d.name, d.role)))
        .collect();
    for m in &messages {
        say!("{}", line(m, &names));
    }
    Ok(())
}

/// `sms number [NUMBER]`: `{"number": "+…"}` or `{"number": null}` with `--json`.
fn number_command(db: &str, number: Option<String>, json: bool) -> Result<(), Failure> {
    let hub = open(db)?;
    let set = number.is_some();
    let number = match number {
        Some(text) => Some(hub.set_sms_number(&text)?),
        None => hub.sms_number()?,
    };
    if json {
        print_json(&serde_json::json!({"number": number.as_ref().map(|n| n.as_str())}));
    } else {
        match number {
            Some(n) if set => say!(
                "SMS number {n} recorded; every device shows it with its alerts after its next \
                 sync."
            ),
            Some(n) => say!("{n}"),
            None => {
                say!("No SMS number set yet: set it with `usalama-hub sms number +2547XXXXXXXX`.")
            }
        }
    }
    Ok(())
}

/// `sms duty [--add N]... [--remove N]...`: the list after the change, one number a line
/// (`{"duty": ["+…"]}` with `--json`).
fn duty_command(db: &str, add: &[String], remove: &[String], json: bool) -> Result<(), Failure> {
    let hub = open(db)?;
    let numbers = if add.is_empty() && remove.is_empty() {
        hub.sms_duty_numbers()?
    } else {
        hub.set_sms_duty(add, remove)?
    };
    let numbers: Vec<&str> = numbers.iter().map(|n| n.as_str()).collect();
    if json {
        print_json(&serde_json::json!({ "duty": numbers }));
    } else if numbers.is_empty() {
        say!("No duty officers' numbers: add one with `usalama-hub sms duty --add +2547XXXXXXXX`.");
    } else {
        for n in numbers {
            say!("{n}");
        }
    }
    Ok(())
}

/// One message as a line: when, its number, then what the hub made of it.
fn line(m: &SmsMessage, names: &HashMap<usalama_protocol::ledger::DeviceId, String>) -> String {
    let when = usalama_protocol::clock::format_ms(m.received_at);
    let device = m.device.map(|id| {
        names
            .get(&id)
            .map_or_else(|| format!("device {id}"), Clone::clone)
    });
    match (&m.refusal, m.alert.as_ref()) {
        (None, Some(alert)) => format!(
            "{when}  #{}  accepted  alert {} from {}: {} {} in {}{}",
            m.id,
            m.counter.unwrap_or_default(),
            device.unwrap_or_default(),
            alert["urgency"].as_str().unwrap_or("?"),
            alert["type"].as_str().unwrap_or("?"),
            alert["unit"].as_str().unwrap_or("?"),
            m.relay
                .map(|r| format!(", relayed as report {r}"))
                .unwrap_or_default()
                + &m.joined
                    .map(|r| format!(", joined by report {r}"))
                    .unwrap_or_default(),
        ),
        (code, _) => format!(
            "{when}  #{}  refused   {}: {}{}  text {:?}…",
            m.id,
            code.as_deref().unwrap_or("?"),
            m.reason.as_deref().unwrap_or(""),
            device.map(|d| format!(" [{d}]")).unwrap_or_default(),
            m.excerpt,
        ),
    }
}
