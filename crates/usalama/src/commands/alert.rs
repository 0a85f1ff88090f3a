//! `report alert`: a report's flash alert by SMS, recorded once on this device's chain and
//! shown for sending: the full text for a smartphone, the short form in groups of five for a
//! feature phone, and the county hub's number with its `SMSTO:` line and QR code.

use std::path::Path;

use usalama_core::store::SmsAlert;

use super::unlock::{open, print_json};
use crate::failure::Failure;

pub(super) fn alert(home: &Path, id: &str, note: Option<&str>, json: bool) -> Result<(), Failure> {
    let mut store = open(home)?;
    let alert = store.sms_alert(id, note)?;
    if json {
        return print_json(&alert);
    }
    print_alert(&alert);
    Ok(())
}

fn print_alert(alert: &SmsAlert) {
    say!(
        "Flash alert number {} of report {}: recorded on this device.",
        alert.counter,
        alert.report
    );
    say!("");
    say!("Full text (one SMS; send it from a smartphone):");
    say!("{}", alert.full);
    say!("");
    match &alert.short {
        Some(short) => {
            say!("Short form (to type on a feature phone, spaces optional):");
            say!("{short}");
        }
        None => {
            say!("No short form: a figure is larger than it carries (8,189); send the full text.")
        }
    }
    say!("");
    match (&alert.number, &alert.sms_uri) {
        (Some(number), Some(uri)) => {
            say!("Send it to the county hub's number: {number}");
            say!("{uri}");
            if let Ok(qr) = usalama_core::qr::encode(uri) {
                say!("");
                say!("Or scan this with the phone's camera to fill its SMS app:");
                say!("{}", usalama_core::qr::to_terminal(&qr));
            }
        }
        _ => say!("The county hub has not given an SMS number yet: ask the county ICT office"),
    }
}
