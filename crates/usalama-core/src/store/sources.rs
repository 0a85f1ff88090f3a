//! Restricted sections (the source, the suspects' names and group) sealed to the county key:
//! opening the sealed ones this device may read, recording a change, and the ones written
//! before any county key was known, which wait unsealed here until one is.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::{Map, Value};

use super::entries::append;
use super::keyring::{cleared_readers, county_secret, device_box, known_keys, own_secret};
use super::{now_ms, Identity};
use crate::county;
use crate::domain::report::{gives, restricted_patch};
use crate::error::Result;
use crate::ledger::{DeviceId, Draft, Entry, EntryKind, ReportId};
use crate::seal::{BoxPublic, BoxSecret, KeyId};

/// Opens sealed sources with whatever keys this device holds. Cheap to make: the device's own
/// key is derived only when a sealed source is first opened.
pub(super) struct Opener<'c> {
    conn: &'c Connection,
    own: std::cell::OnceCell<Option<(BoxSecret, KeyId)>>,
}

impl<'c> Opener<'c> {
    pub(super) fn new(conn: &'c Connection) -> Opener<'c> {
        Opener {
            conn,
            own: std::cell::OnceCell::new(),
        }
    }

    fn secret_for(&self, id: &KeyId) -> Option<BoxSecret> {
        let own = self.own.get_or_init(|| {
            own_secret(self.conn).ok().map(|s| {
                let id = s.public().id();
                (s, id)
            })
        });
        match own {
            Some((secret, own_id)) if own_id == id => Some(secret.clone()),
            _ => county_secret(self.conn, id),
        }
    }

    /// The source a [`EntryKind::SourceSealed`] entry carries, if this device can read it
    /// (an object, or `null` for "no source any more").
    pub(super) fn source(&self, e: &Entry) -> Option<Value> {
        let (EntryKind::SourceSealed, Some(report), Some(body)) = (e.kind, e.subject, &e.body)
        else {
            return None;
        };
        county::open_source(&report, body, |id| self.secret_for(id))
            .ok()
            .flatten()
    }
}

/// The newest source written here before any county key was known, if one waits for `report`.
/// Waiting sources older than `superseded_at` (a redaction, or a source sealed by another
/// device of the author, that came later) are dropped first: they must never come back.
pub(super) fn unsealed_source(
    tx: &Transaction<'_>,
    report: &ReportId,
    superseded_at: Option<i64>,
) -> Result<Option<Value>> {
    if let Some(at) = superseded_at {
        tx.prepare_cached("DELETE FROM unsealed_sources WHERE report = ?1 AND at < ?2")?
            .execute(params![report.to_string(), at])?;
    }
    let text: Option<String> = tx
        .prepare_cached(
            "SELECT source FROM unsealed_sources WHERE report = ?1 ORDER BY n DESC LIMIT 1",
        )?
        .query_row([report.to_string()], |r| r.get(0))
        .optional()?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

/// Whom a source by `author` is sealed to now: the current county key and the author's own
/// devices (so the author reads it back on a replacement laptop). `None` while this device
/// knows no county key.
fn recipients(conn: &Connection, author: &DeviceId) -> Result<Option<Vec<BoxPublic>>> {
    let keys = known_keys(conn)?;
    let readers = cleared_readers(conn)?;
    let Some(current) = county::current(&keys, &county::revoked(&readers)) else {
        return Ok(None);
    };
    // The county key and this device first: a cap on recipients never drops them.
    let mut to = vec![current.public, own_secret(conn)?.public()];
    let mut stmt = conn.prepare_cached(
        "SELECT d.public_key FROM devices d
         WHERE d.revoked = 0 AND d.device != ?1 AND d.person IS NOT NULL
           AND d.person = (SELECT person FROM devices WHERE device = ?1)",
    )?;
    let others = stmt
        .query_map([author.0], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for key in others.iter().filter_map(|k| device_box(k)) {
        if !to.contains(&key) {
            to.push(key);
        }
    }
    to.truncate(crate::seal::MAX_RECIPIENTS);
    Ok(Some(to))
}

/// Records a change to `report`'s restricted sections (a restricted patch, see
/// [`crate::domain::report::take_restricted`]: the source, the suspects' names and group; `null`
/// removes): sealed into an entry now if a county key is known, else kept here until one is.
pub(super) fn record_source(
    tx: &Transaction<'_>,
    me: &Identity,
    report: &ReportId,
    patch: Map<String, Value>,
) -> Result<()> {
    // What still waits unsealed goes with it, under it: only the latest of each part is sent.
    let waiting = unsealed_source(tx, report, None)?;
    let dropped = tx
        .prepare_cached("DELETE FROM unsealed_sources WHERE report = ?1")?
        .execute([report.to_string()])?;
    let mut merged = waiting.map(restricted_patch).unwrap_or_default();
    for (part, value) in patch {
        match (part.as_str(), value, merged.get_mut(&part)) {
            ("suspects", Value::Object(new), Some(Value::Object(old))) => old.extend(new),
            (_, value, _) => {
                merged.insert(part, value);
            }
        }
    }
    let source = Value::Object(merged);
    let removes_only = source.get("source").is_none_or(Value::is_null)
        && source
            .get("suspects")
            .and_then(Value::as_object)
            .is_none_or(|p| p.values().all(|v| !gives(v)));
    match recipients(tx, &me.device)? {
        Some(to) => {
            let draft = Draft {
                kind: EntryKind::SourceSealed,
                subject: Some(*report),
                body: county::seal_source(report, &source, &to)?,
            };
            append(tx, me, draft)?;
        }
        // Removing what never left this device leaves nothing to send.
        None if removes_only && dropped > 0 && !ever_sealed(tx, report)? => {}
        None => {
            tx.prepare_cached(
                "INSERT INTO unsealed_sources (report, at, source) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![report.to_string(), now_ms(), source.to_string()])?;
        }
    }
    Ok(())
}

/// Whether a source of `report` was ever sealed into an entry (so a removal must travel too).
fn ever_sealed(conn: &Connection, report: &ReportId) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM entries WHERE kind = ?1 AND about = ?2)")?
        .query_row(
            params![EntryKind::SourceSealed.code(), report.to_string()],
            |r| r.get(0),
        )?)
}

/// Seals every source that waited for a county key, in the order they were written, once one
/// is known. Returns the reports whose sources were sealed.
pub(super) fn seal_waiting(tx: &Transaction<'_>, me: &Identity) -> Result<Vec<ReportId>> {
    let waiting: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM unsealed_sources)")?
        .query_row([], |r| r.get(0))?;
    if !waiting {
        return Ok(Vec::new());
    }
    let Some(to) = recipients(tx, &me.device)? else {
        return Ok(Vec::new());
    };
    let waiting: Vec<(i64, String, String)> = tx
        .prepare_cached("SELECT n, report, source FROM unsealed_sources ORDER BY n")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut sealed = Vec::new();
    for (n, report, source) in waiting {
        tx.prepare_cached("DELETE FROM unsealed_sources WHERE n = ?1")?
            .execute([n])?;
        let (Some(id), Ok(source)) = (
            ReportId::parse(&report),
            serde_json::from_str::<Value>(&source),
        ) else {
            continue;
        };
        let draft = Draft {
            kind: EntryKind::SourceSealed,
            subject: Some(id),
            body: county::seal_source(&id, &source, &to)?,
        };
        append(tx, me, draft)?;
        sealed.push(id);
    }
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::Role;
    use crate::store::Store;

    fn chief(dir: &std::path::Path) -> Store {
        crate::store::testing::store(
            dir,
            "Joseph Korkimul",
            Role::Chief,
            "ke-024-l-ombolion",
            None,
        )
    }

    fn entry_bodies(store: &Store) -> Vec<Vec<u8>> {
        let mut stmt = store
            .conn
            .prepare("SELECT body FROM entries WHERE body IS NOT NULL")
            .expect("select");
        stmt.query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("bodies")
    }

    #[test]
    fn a_source_written_before_any_county_key_waits_here_and_enters_no_entry() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = chief(dir.path());
        let doc = json!({"type": "livestock_raid", "occurred_at": "2026-11-20T05:30:00+03:00",
                         "unit": "ke-024-l-ombolion", "narrative": "Raiders took cattle.",
                         "source": {"kind": "informant", "name": "Lomuriaxq"}});
        let id = store.file_document(&doc, None).expect("filed");
        let shown = store.report(&id).expect("shown");
        assert_eq!(shown.document["source"]["name"], "Lomuriaxq");
        assert!(!shown.source_sealed);
        assert_eq!(store.county_keys().expect("keys").waiting_to_seal, 1);
        assert!(entry_bodies(&store)
            .iter()
            .all(|b| !b.windows(9).any(|w| w == b"Lomuriaxq")));
        // A newer one replaces it; removing it before it ever left leaves nothing to send.
        store
            .amend_document(&id.to_string(), &json!({"source": {"kind": "witness"}}))
            .expect("amended");
        assert_eq!(store.county_keys().expect("keys").waiting_to_seal, 1);
        assert_eq!(
            store.report(&id).expect("shown").document["source"],
            json!({"kind": "witness"})
        );
        store
            .amend_document(&id.to_string(), &json!({"source": null}))
            .expect("amended");
        assert_eq!(
            store.report(&id).expect("shown").document.get("source"),
            None
        );
        assert_eq!(store.sources_waiting_to_seal().expect("count"), 0);
        // Nothing to seal to: tending does nothing on a device that is not cleared.
        assert_eq!(store.tend_county_keys().expect("tended"), 0);
    }

    #[test]
    fn a_waiting_source_older_than_a_later_change_is_dropped_and_never_comes_back() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = chief(dir.path());
        let doc = json!({"type": "livestock_raid", "occurred_at": "2026-11-20T05:30:00+03:00",
                         "unit": "ke-024-l-ombolion", "narrative": "Raiders took cattle.",
                         "source": {"kind": "witness"}});
        let id = store.file_document(&doc, None).expect("filed");
        let tx = store.conn.transaction().expect("tx");
        assert!(unsealed_source(&tx, &id, Some(0)).expect("read").is_some());
        assert_eq!(
            unsealed_source(&tx, &id, Some(i64::MAX)).expect("read"),
            None
        );
        let left: i64 = tx
            .query_row("SELECT count(*) FROM unsealed_sources", [], |r| r.get(0))
            .expect("count");
        assert_eq!(left, 0);
    }
}
