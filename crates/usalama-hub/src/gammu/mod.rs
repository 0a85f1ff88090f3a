//! The inbox folder of Debian's `gammu-smsd` with its FILES backend, where the county office's
//! GSM dongle leaves each SMS it receives as a file. The hub takes every file, stores the
//! message with its outcome ([`Hub::take_sms`]), then removes the file.
//!
//! **Nothing picked up is lost or doubled.** A message is stored under a unique source key
//! (the file's name and a hash of its bytes) in the same transaction as its outcome, and only
//! then is the file removed. A crash between the two leaves the file: it is read again at the
//! next sweep, finds its key, and is removed without being stored again. The hash makes the
//! key safe against gammu reusing a name: it picks `IN<date>_<time>_<serial>_…` by looking for
//! a free name, and after the hub removed a file, a later message from the same number in the
//! same second would get the same name with other content. The sender's number is in the name:
//! the key and the log show the name without it, and the hash is keyed by the hub's key.
//!
//! gammu writes a file in place (open, write, close), so a sweep leaves alone a file modified
//! within the last [`SETTLE`]: it could be half written.
//!
//! File names (`gammu-smsd-files(7)`): `IN<YYYYMMDD>_<HHMMSS>_<serial>_<sender>_<part>.<ext>`,
//! `txt` for text (`bin` for 8-bit data, taken as text and refused). The text is UTF-16 with a
//! byte-order mark when `InboxFormat = unicode` (gammu's default) and the system's charset
//! (UTF-8 on Debian) when `InboxFormat = standard`; both are read. `InboxFormat = detail` is
//! not: its `.smsbackup` files are not `IN…` text files, and are left alone.
//!
//! # Layout
//!
//! - this module: the inbox, its file names and texts, and the loop [`watch`];
//! - `outbox`: the texts the hub sends written into the outbox, and tidied from the sent folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::error::{HubError, Result};
use crate::hub::{Incoming, Taken};
use crate::Hub;

mod outbox;

pub use outbox::{send, tidy_sent};

/// How long after its last change a file is taken.
pub const SETTLE: Duration = Duration::from_millis(250);
/// How often the inbox is swept.
pub const EVERY: Duration = Duration::from_millis(250);

/// The gateway's folders, as `serve --sms-inbox DIR --sms-outbox DIR` gives them.
#[derive(Debug, Clone)]
pub struct Folders {
    pub inbox: PathBuf,
    /// Where messages to send are written (`OUT…` files): for the answers by SMS.
    pub outbox: Option<PathBuf>,
    /// Where gammu moves what it sent (its SentSMSPath): the hub removes its own texts there.
    pub sent: Option<PathBuf>,
}

impl Folders {
    /// Checks that each folder is a folder the hub can use.
    pub fn check(&self) -> Result<()> {
        for (option, dir) in [
            ("--sms-inbox", Some(&self.inbox)),
            ("--sms-outbox", self.outbox.as_ref()),
            ("--sms-sent", self.sent.as_ref()),
        ] {
            let Some(dir) = dir else { continue };
            if !dir.is_dir() {
                return Err(HubError::refused(
                    crate::error::Refusal::Invalid,
                    format!(
                        "{option} {}: not a folder; give gammu-smsd's {} (see docs/sms.md)",
                        dir.display(),
                        match option {
                            "--sms-inbox" => "InboxPath",
                            "--sms-outbox" => "OutboxPath",
                            _ => "SentSMSPath",
                        }
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// What a file's name says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// `YYYYMMDD_HHMMSS`: the time stamp of the SMS, in the gateway's local time.
    pub stamp: String,
    pub serial: String,
    pub sender: String,
    pub part: u8,
}

impl Name {
    /// The parts of `IN<date>_<time>_<serial>_<sender>_<part>.txt` (or `.bin`); `None` for
    /// any other file.
    pub fn parse(name: &str) -> Option<Name> {
        let rest = name.strip_prefix("IN")?;
        let rest = rest
            .strip_suffix(".txt")
            .or_else(|| rest.strip_suffix(".bin"))?;
        let (date, rest) = rest.split_once('_')?;
        let (clock, rest) = rest.split_once('_')?;
        let (serial, rest) = rest.split_once('_')?;
        let (sender, part) = rest.rsplit_once('_')?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(date, 8) || !digits(clock, 6) || !digits(serial, 2) || !digits(part, 2) {
            return None;
        }
        Some(Name {
            stamp: format!("{date}_{clock}"),
            serial: serial.to_owned(),
            sender: sender.to_owned(),
            part: part.parse().ok()?,
        })
    }

    /// The name without the sender's number, for the log and the stored source: the number
    /// is kept only sealed.
    pub fn shown(&self) -> String {
        format!("IN{}_{}_…_{:02}", self.stamp, self.serial, self.part)
    }
}

/// A file's text: UTF-16 after a byte-order mark (`InboxFormat = unicode`), else UTF-8, else
/// Latin-1 (a gateway set to another charset), so that nothing is unreadable.
pub fn text_of(bytes: &[u8]) -> String {
    let utf16 = |big: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|p| {
                let pair = [p[0], p.get(1).copied().unwrap_or(0)];
                if big {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    match bytes {
        [0xFE, 0xFF, ..] => utf16(true),
        [0xFF, 0xFE, ..] => utf16(false),
        _ => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
        },
    }
}

/// What a sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sweep {
    pub accepted: usize,
    pub refused: usize,
    /// Files whose message was stored before (a crash came between storing and removing).
    pub again: usize,
    /// Files left for the next sweep: too fresh, or unreadable.
    pub left: usize,
}

/// Takes every settled `IN…` file of `inbox`, oldest name first.
pub fn sweep(hub: &Hub, inbox: &Path) -> Result<Sweep> {
    let mut names: Vec<String> = std::fs::read_dir(inbox)
        .map_err(|e| HubError::Internal(format!("cannot read {}: {e}", inbox.display())))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| Name::parse(name).is_some())
        .collect();
    names.sort();
    let mut sweep = Sweep::default();
    for name in names {
        let path = inbox.join(&name);
        match settled(&path) {
            Ok(Some(_)) => {}
            Ok(None) => {
                sweep.left += 1;
                continue;
            }
            Err(e) => {
                let file = Name::parse(&name).map(|n| n.shown()).unwrap_or_default();
                tracing::warn!(file, error = %e, "cannot read an SMS file; left for later");
                sweep.left += 1;
                continue;
            }
        }
        match take(hub, &path, true)? {
            Taken::Accepted { .. } => sweep.accepted += 1,
            Taken::Refused { .. } => sweep.refused += 1,
            Taken::AlreadyStored => sweep.again += 1,
        }
    }
    Ok(sweep)
}

/// When the file was last changed, if that is at least [`SETTLE`] ago.
fn settled(path: &Path) -> std::io::Result<Option<SystemTime>> {
    let modified = std::fs::metadata(path)?.modified()?;
    let age = SystemTime::now()
        .duration_since(modified)
        .unwrap_or_default();
    Ok((age >= SETTLE).then_some(modified))
}

/// Stores the message of one inbox file, then (with `remove`) removes the file. Without
/// `remove` it stops where a crash after the commit would: the tests use it so.
pub fn take(hub: &Hub, path: &Path, remove: bool) -> Result<Taken> {
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let name = Name::parse(file_name)
        .ok_or_else(|| HubError::Internal("not a gammu inbox file".to_owned()))?;
    let shown = name.shown();
    let unreadable = |e: std::io::Error| HubError::Internal(format!("cannot read {shown}: {e}"));
    let bytes = read_at_most(path, MAX_FILE).map_err(unreadable)?;
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_err(unreadable)?;
    // The whole name (with the number) and the content, under the hub's key: a digest of a
    // number alone could be reversed by trying every number.
    let digest = hub.sms_digest(&[file_name.as_bytes(), &bytes]);
    let source = format!("gammu:{shown}#{digest}");
    let text = text_of(&bytes);
    let taken = hub.take_sms(&Incoming {
        source: &source,
        sender: &name.sender,
        text: &text,
        received_at: millis(modified).min(crate::now_ms()),
    })?;
    log(&taken, &shown);
    if remove {
        match std::fs::remove_file(path) {
            Ok(()) => {}
            // Another hub on the same folder took it first; its message is stored once.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(HubError::Internal(format!(
                    "stored, but cannot remove {shown}: {e}; it will be found stored at the \
                     next sweep"
                )))
            }
        }
    }
    Ok(taken)
}

/// The most of an inbox file that is read: as much as the gateway's webhook takes. An alert is
/// 160 characters (322 bytes in UTF-16 with its byte-order mark); a longer file (a long
/// concatenated message, or whatever else lands in the folder) is read only this far, so it
/// costs the hub no more than an alert does, and is refused as an alert of the wrong length.
pub const MAX_FILE: u64 = crate::webhook::MAX_BODY as u64;

/// The first `limit` bytes of the file at `path`.
fn read_at_most(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn millis(at: SystemTime) -> i64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// One line of the log for each message: never its number or its text.
fn log(taken: &Taken, file: &str) {
    match taken {
        Taken::Accepted {
            id,
            device,
            counter,
        } => tracing::info!(sms = id, %device, counter, file, "SMS alert accepted"),
        Taken::Refused { id, code } => tracing::warn!(sms = id, code, file, "SMS refused"),
        Taken::AlreadyStored => tracing::info!(file, "SMS stored before; its file removed"),
    }
}

/// Sweeps the inbox every [`EVERY`], then writes what waits to be sent into the outbox and
/// removes what gammu sent from its sent folder (when the hub was given them), until the task is dropped. A sweep that fails (the database is away) is
/// logged and the next one tries again: the files wait in the folder, the texts in the table.
pub async fn watch(hub: Arc<Hub>, folders: Folders) {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let (hub, folders) = (hub.clone(), folders.clone());
        let work = move || -> Result<()> {
            sweep(&hub, &folders.inbox)?;
            if let Some(outbox) = &folders.outbox {
                send(&hub, outbox)?;
            }
            if let Some(sent) = &folders.sent {
                tidy_sent(&hub, sent)?;
            }
            Ok(())
        };
        match tokio::task::spawn_blocking(work).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "the SMS gateway's sweep failed; retrying"),
            Err(e) => tracing::error!(error = %e, "the SMS gateway's sweep stopped; retrying"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inbox_file_is_read_no_further_than_the_bound() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("IN20261120_060100_00_+254700000009_00.txt");
        std::fs::write(&path, vec![b'x'; 1 << 20]).expect("written");
        let bytes = read_at_most(&path, MAX_FILE).expect("read");
        assert_eq!(bytes.len() as u64, MAX_FILE);
        std::fs::write(&path, b"U1short").expect("written");
        assert_eq!(read_at_most(&path, MAX_FILE).expect("read"), b"U1short");
    }
}
