//! Drafts: the report form's autosaved content, so that a power cut loses at most a few seconds.
//!
//! A draft is whatever the form holds (any JSON object, valid or not). Drafts stay on this device:
//! they are not entries, so they are never signed, chained or synced. Saving a report from a draft
//! deletes the draft.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

use super::{format_ms, now_ms, Store};
use crate::error::{Error, Result};

/// The largest draft kept: far more than any report form holds.
const MAX_DRAFT_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    pub id: String,
    /// When the draft was last saved, RFC 3339 in East Africa Time.
    pub updated_at: String,
    pub document: Value,
}

impl Store {
    /// Saves (or replaces) the draft `id`; durable when this returns.
    pub fn save_draft(&mut self, id: &str, document: &Value) -> Result<()> {
        let text = document.to_string();
        if id.is_empty() || id.len() > 64 {
            return Err(Error::invalid("draft", "a draft id has 1 to 64 characters"));
        }
        if text.len() > MAX_DRAFT_BYTES {
            return Err(Error::invalid(
                "draft",
                format!("a draft may hold at most {MAX_DRAFT_BYTES} bytes"),
            ));
        }
        self.conn.execute(
            "INSERT INTO drafts (id, updated_at, document) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at,
                                            document = excluded.document",
            params![id, now_ms(), text],
        )?;
        Ok(())
    }

    /// Every draft, most recently saved first.
    pub fn drafts(&self) -> Result<Vec<Draft>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, updated_at, document FROM drafts ORDER BY updated_at DESC")?;
        let drafts = stmt
            .query_map([], |r| {
                let text: String = r.get(2)?;
                Ok(Draft {
                    id: r.get(0)?,
                    updated_at: format_ms(r.get(1)?),
                    document: serde_json::from_str(&text).unwrap_or(Value::Null),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(drafts)
    }

    pub fn draft(&self, id: &str) -> Result<Option<Draft>> {
        Ok(self.drafts()?.into_iter().find(|d| d.id == id))
    }

    /// Removes a draft (after its report was saved, or when the user discards it).
    pub fn delete_draft(&mut self, id: &str) -> Result<bool> {
        let removed = self
            .conn
            .execute("DELETE FROM drafts WHERE id = ?1", [id])
            .optional()?
            .unwrap_or(0);
        Ok(removed > 0)
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{Lang, Role};
    use crate::keys::KdfParams;
    use crate::{Profile, Store};
    use serde_json::json;

    #[test]
    fn a_draft_survives_reopening_and_is_removed_on_request() {
        let dir = tempfile::tempdir().expect("dir");
        let profile = Profile {
            name: "Chief".into(),
            role: Role::Chief,
            unit: None,
            agency: None,
            lang: Lang::Sw,
        };
        let (mut store, _) = Store::create(
            dir.path(),
            profile,
            "long enough phrase",
            KdfParams::FAST_INSECURE,
        )
        .expect("created");
        store
            .save_draft(
                "form",
                &json!({"type": "killing", "people": {"killed": "2?"}}),
            )
            .expect("saved");
        store
            .save_draft("form", &json!({"type": "abduction"}))
            .expect("replaced");
        drop(store);
        let mut store = Store::open(dir.path(), "long enough phrase").expect("opens");
        let drafts = store.drafts().expect("drafts");
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].document, json!({"type": "abduction"}));
        assert!(store.delete_draft("form").expect("deleted"));
        assert!(store.drafts().expect("drafts").is_empty());
        assert!(!store.delete_draft("form").expect("nothing"));
    }
}
