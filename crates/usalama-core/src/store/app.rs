//! What the desktop app asks of the store beyond the CLI's calls: one call per user action, so
//! the app's commands stay a line or two.
//!
//! The language is also kept in a small plain file beside the store, so that the passphrase
//! screen greets the user in their language before the store is unlocked. It holds nothing
//! secret.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use rusqlite::params;
use serde_json::Value;
use time::OffsetDateTime;

use super::{Outgoing, Store};
use crate::domain::{Amendment, Lang, Report};
use crate::error::{Error, Result};
use crate::keys::{KdfParams, RecoveryCode};
use crate::ledger::ReportId;
use crate::wire::CHUNK_BYTES;
use crate::Profile;

const LANGUAGE_FILE: &str = "language";
/// How long the desktop app waits without use before it locks, in seconds, beside the store
/// (not secret). Settings offers [`LOCK_AFTER_CHOICES`]; the file may hold any number of seconds
/// from 5 to an hour (the end-to-end tests write a few seconds).
const LOCK_AFTER_FILE: &str = "lock-after";

/// The idle times Settings offers, in minutes.
pub const LOCK_AFTER_CHOICES: &[u32] = &[1, 2, 5, 10, 15, 30, 60];
/// Ten minutes: long enough to write a report without being interrupted, short enough that a
/// laptop left on a desk does not stay open for long.
pub const LOCK_AFTER_DEFAULT_SECONDS: u32 = 600;

impl Store {
    /// Creates the store as [`Store::create`] does, and remembers the chosen language.
    pub fn set_up(
        home: &Path,
        profile: Profile,
        passphrase: &str,
        kdf: KdfParams,
    ) -> Result<(Store, RecoveryCode)> {
        let lang = profile.lang;
        let (store, code) = Store::create(home, profile, passphrase, kdf)?;
        remember_language(home, lang)?;
        Ok((store, code))
    }

    /// The language last chosen on this device, readable before the store is unlocked.
    pub fn saved_language(home: &Path) -> Option<Lang> {
        let text = fs::read_to_string(home.join(LANGUAGE_FILE)).ok()?;
        Lang::parse(text.trim()).ok()
    }

    /// Changes the user's language.
    pub fn set_language(&mut self, lang: Lang) -> Result<()> {
        self.conn.execute(
            "UPDATE identity SET lang = ?1 WHERE id = 1",
            params![lang.as_str()],
        )?;
        self.me.profile.lang = lang;
        remember_language(&self.home, lang)
    }

    /// How long the desktop app waits without use before it locks, in seconds.
    pub fn lock_after(&self) -> u32 {
        fs::read_to_string(self.home.join(LOCK_AFTER_FILE))
            .ok()
            .and_then(|t| t.trim().parse::<u32>().ok())
            .filter(|s| (5..=3600).contains(s))
            .unwrap_or(LOCK_AFTER_DEFAULT_SECONDS)
    }

    /// Sets how long the desktop app waits without use before it locks: one of
    /// `LOCK_AFTER_CHOICES` minutes.
    pub fn set_lock_after(&self, minutes: u32) -> Result<()> {
        if !LOCK_AFTER_CHOICES.contains(&minutes) {
            return Err(Error::invalid(
                "lock_after",
                format!(
                    "must be one of {} minutes (got {minutes})",
                    LOCK_AFTER_CHOICES
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        write_private(
            &self.home.join(LOCK_AFTER_FILE),
            &(minutes * 60).to_string(),
        )
    }

    /// Parses a report document as the form built it and records it; then deletes the draft
    /// it came from. If the power fails between the two, the draft is offered again and the
    /// report is already saved: the user sees both and discards the draft.
    pub fn file_document(&mut self, document: &Value, draft: Option<&str>) -> Result<ReportId> {
        let report = Report::parse(document, OffsetDateTime::now_utc()).map_err(Error::Invalid)?;
        let id = self
            .file_reports(std::slice::from_ref(&report))?
            .into_iter()
            .next()
            .ok_or_else(|| Error::Unsupported("the report was not recorded".into()))?;
        if let Some(draft) = draft {
            self.delete_draft(draft)?;
        }
        Ok(id)
    }

    /// Parses an amendment and records it against the report `id` (or an id's first letters).
    pub fn amend_document(&mut self, id: &str, changes: &Value) -> Result<ReportId> {
        let id = self.resolve_report(id)?;
        let amendment =
            Amendment::parse(changes, OffsetDateTime::now_utc()).map_err(Error::Invalid)?;
        self.amend_report(&id, &amendment)?;
        Ok(id)
    }

    /// Refuses to enroll a device that is already enrolled: its entries, keys and pinned hub
    /// belong to the first hub, and a second enrollment would hand them to whoever runs the
    /// other. Every enrollment path (the CLI's and the app's) asks this first.
    pub fn may_enroll(&self) -> Result<()> {
        match self.hub_link()? {
            Some(link) => Err(Error::AlreadyEnrolled(link.url)),
            None => Ok(()),
        }
    }

    /// Before the desktop app locks: the next sync request, prepared and sealed now while the
    /// store is open, so that what waits to be sent still goes while the app is locked without
    /// keeping the store readable (see docs/store.md, "Locking"). `None` when this device is not
    /// enrolled or none of its own entries wait.
    pub fn seal_for_locked_sending(&mut self) -> Result<Option<Outgoing>> {
        if self.hub_link()?.is_none() {
            return Ok(None);
        }
        let outgoing = self.next_sync_request(CHUNK_BYTES)?;
        Ok((outgoing.entries > 0).then_some(outgoing))
    }

    /// How many reports have each status.
    pub fn status_counts(&self) -> Result<BTreeMap<String, u64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT status, count(*) FROM reports GROUP BY status")?;
        let counts = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?)))?
            .collect::<rusqlite::Result<BTreeMap<_, _>>>()?;
        Ok(counts)
    }
}

fn remember_language(home: &Path, lang: Lang) -> Result<()> {
    write_private(&home.join(LANGUAGE_FILE), lang.as_str())
}

fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    crate::keys::private_file(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| Error::io(format!("writing {}", path.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use serde_json::json;

    fn store(dir: &Path) -> Store {
        let profile = Profile {
            name: "Chief Lokwang".into(),
            role: Role::Chief,
            unit: Some("ke-024".into()),
            agency: None,
            lang: Lang::Sw,
        };
        Store::set_up(
            dir,
            profile,
            "cows at the borehole",
            KdfParams::FAST_INSECURE,
        )
        .expect("created")
        .0
    }

    #[test]
    fn the_language_is_known_before_unlocking_and_follows_a_change() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = store(dir.path());
        assert_eq!(Store::saved_language(dir.path()), Some(Lang::Sw));
        store.set_language(Lang::En).expect("changed");
        drop(store);
        assert_eq!(Store::saved_language(dir.path()), Some(Lang::En));
        let store = Store::open(dir.path(), "cows at the borehole").expect("opens");
        assert_eq!(store.identity().profile.lang, Lang::En);
    }

    #[test]
    fn the_idle_time_before_locking_is_ten_minutes_until_chosen() {
        let dir = tempfile::tempdir().expect("dir");
        let store = store(dir.path());
        assert_eq!(store.lock_after(), 600);
        store.set_lock_after(1).expect("one minute");
        assert_eq!(store.lock_after(), 60);
        let err = store.set_lock_after(0).expect_err("never is not a choice");
        assert_eq!(err.kind(), "invalid");
        assert_eq!(store.lock_after(), 60);
    }

    #[test]
    fn an_enrolled_device_refuses_to_enroll_again() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = store(dir.path());
        store.may_enroll().expect("not enrolled yet");
        let enrolled = crate::store::testing::chief_enrolled();
        store
            .record_enrollment("https://10.0.0.5:7878", Some("ab"), &enrolled)
            .expect("enrolled");
        let err = store.may_enroll().expect_err("refused");
        assert_eq!(err.kind(), "already_enrolled");
        assert!(err.to_string().contains("https://10.0.0.5:7878"), "{err}");
    }

    #[test]
    fn filing_a_form_document_deletes_its_draft_and_a_bad_one_keeps_it() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = store(dir.path());
        let doc = json!({"type": "killing", "occurred_at": "2026-01-05T10:00:00+03:00",
                         "unit": "ke-024", "narrative": "A herder was shot."});
        store.save_draft("form-1", &doc).expect("draft");
        let bad = json!({"type": "killing", "narrative": "x", "unit": "ke-024"});
        let err = store
            .file_document(&bad, Some("form-1"))
            .expect_err("refused");
        assert_eq!(err.kind(), "invalid");
        assert_eq!(store.drafts().expect("drafts").len(), 1);
        assert_eq!(store.report_count().expect("count"), 0);
        let id = store.file_document(&doc, Some("form-1")).expect("filed");
        assert!(store.drafts().expect("drafts").is_empty());
        assert_eq!(
            store.status_counts().expect("counts"),
            BTreeMap::from([("pending".to_owned(), 1)])
        );
        let prefix = &id.to_string()[..6];
        store
            .amend_document(prefix, &json!({"people": {"killed": 1}}))
            .expect("amended");
        let view = store.report(&id).expect("shown");
        assert_eq!(view.document["people"], json!({"killed": 1}));
        assert_eq!(view.timeline.len(), 2);
    }
}
