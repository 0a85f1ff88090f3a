//! What the hub sends through gammu-smsd: each text waiting in `sms_outgoing` written into
//! gammu's outbox, and, once gammu has sent it, removed from gammu's sent folder (the file names
//! there hold the numbers texted, and a county office's machine keeps no list of chiefs'
//! numbers in clear).

use std::path::Path;

use crate::error::{HubError, Result};
use crate::Hub;

/// Writes each text waiting to be sent into gammu's outbox as
/// `OUTA<YYYYMMDD>_<HHMMSS>_00_<number>_usalama<id>.txt` (`A`: sent first), plain text (every
/// text the hub sends is in the GSM alphabet, so one SMS carries 160 characters of it). The
/// file is written under a name gammu does not read and renamed, so gammu never sees half of
/// it; then it is marked written. A crash between the rename and the mark writes the same
/// file again at the next sweep, which gammu sends twice only if it sent the first in between.
/// Returns how many were written.
pub fn send(hub: &Hub, outbox: &Path) -> Result<usize> {
    let failed = |e: std::io::Error| {
        HubError::Internal(format!("cannot write into {}: {e}", outbox.display()))
    };
    let mut written = 0;
    for (out, number) in hub.sms_to_send(50)? {
        let Some(number) = dialable(&number) else {
            // A sender's number as the gateway gave it, which no modem can dial: never sent.
            tracing::warn!(
                sms = out.id,
                "a text to a number that cannot be dialled; dropped"
            );
            hub.sms_written(out.id, crate::now_ms())?;
            continue;
        };
        let stamp = time::OffsetDateTime::from_unix_timestamp(out.created_at.div_euclid(1000))
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let name = format!(
            "OUTA{:04}{:02}{:02}_{:02}{:02}{:02}_00_{number}_usalama{}.txt",
            stamp.year(),
            u8::from(stamp.month()),
            stamp.day(),
            stamp.hour(),
            stamp.minute(),
            stamp.second(),
            out.id
        );
        let draft = outbox.join(format!(".usalama-{}.part", out.id));
        std::fs::write(&draft, out.text.as_bytes()).map_err(failed)?;
        std::fs::File::open(&draft)
            .and_then(|f| f.sync_all())
            .map_err(failed)?;
        std::fs::rename(&draft, outbox.join(&name)).map_err(failed)?;
        hub.sms_written(out.id, crate::now_ms())?;
        tracing::info!(sms = out.id, purpose = %out.purpose, "text written to the SMS outbox");
        written += 1;
    }
    Ok(written)
}

/// A number as a modem dials it: `+` and 3 to 20 digits, or none (anything else in a sender's
/// number, which the gateway wrote, is not dialled and never reaches a file name).
fn dialable(number: &str) -> Option<&str> {
    let digits = number.strip_prefix('+').unwrap_or(number);
    ((3..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(number)
}

/// Removes from gammu's sent folder each text the hub wrote (`OUT…_usalama<id>.txt`), recording
/// when it was sent; other files are left alone. Returns how many.
pub fn tidy_sent(hub: &Hub, sent: &Path) -> Result<usize> {
    let failed =
        |e: std::io::Error| HubError::Internal(format!("cannot tidy {}: {e}", sent.display()));
    let mut removed = 0;
    for file in std::fs::read_dir(sent).map_err(failed)? {
        let file = file.map_err(failed)?;
        let name = file.file_name();
        let Some(id) = name.to_str().and_then(ours) else {
            continue;
        };
        hub.sms_sent(id, crate::now_ms())?;
        std::fs::remove_file(file.path()).map_err(failed)?;
        removed += 1;
    }
    Ok(removed)
}

/// The hub's number for a text, from the name of a file it wrote into the outbox.
fn ours(name: &str) -> Option<u64> {
    let rest = name.strip_prefix("OUT")?.strip_suffix(".txt")?;
    let (_, id) = rest.rsplit_once("_usalama")?;
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        .then(|| id.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_number_is_ever_dialled_or_put_in_a_file_name() {
        for good in ["+254700000001", "0712345678", "100"] {
            assert_eq!(dialable(good), Some(good));
        }
        for bad in [
            "",
            "+",
            "12",
            "+2547/../../x",
            "+254 700",
            "+254700000001_x",
            "A123456",
        ] {
            assert_eq!(dialable(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn only_the_hubs_own_texts_are_tidied_from_the_sent_folder() {
        assert_eq!(
            ours("OUTA20261203_182137_00_+254711000111_usalama17.txt"),
            Some(17)
        );
        for other in [
            "OUTA20261203_182137_00_+254711000111_sms.txt",
            "OUTA20261203_182137_00_+254711000111_usalama.txt",
            "OUTA20261203_182137_00_+254711000111_usalama1x.txt",
            "INA20261203_182137_00_+254711000111_usalama1.txt",
            ".usalama-3.part",
        ] {
            assert_eq!(ours(other), None, "{other}");
        }
    }
}
