//! The county key on a device: what it shows of the keys it knows, and, on a cleared device,
//! issuing, sharing and rotating keys and the county's offline copy of them (see
//! [`crate::county`]). The keys as read from the chain are [`super::keyring`]'s; the sources
//! sealed to them [`super::sources`]'s; who may read them [`super::clearance`]'s.
//!
//! Tables (migration 6): `county_keys` (every county key seen, its secret when this device is a
//! holder), `county_key_holders` (which device keys each was sealed to) and `unsealed_sources`
//! (a source written before this device knew any county key: it stays here, in the encrypted
//! store only, and is sealed and sent as soon as a key arrives).

use std::collections::BTreeMap;

use rusqlite::{params, TransactionBehavior};
use serde::Serialize;

use super::entries::append;
use super::keyring::{
    cleared_readers, device_box, founder, is_approved, known_keys, learn_keys, own_secret,
    reports_with_sealed_sources,
};
use super::projection::reproject;
use super::sources::seal_waiting;
use super::{format_ms, Store};
use crate::county::{self, KeyEntry, Reader, Step};
use crate::error::{Error, Result};
use crate::ledger::{Draft, EntryKind};
use crate::seal::{BoxSecret, KeyId};

/// What this device knows of the county keys, for `usalama county-key list`.
#[derive(Debug, Clone, Serialize)]
pub struct CountyKeys {
    /// This user is cleared to read restricted sections.
    pub cleared: bool,
    /// The id (16 hex digits) of the key new sources are sealed to, if any.
    pub current: Option<String>,
    pub keys: Vec<CountyKeyView>,
    /// Sources recorded here before this device knew a county key: they stay on this device
    /// until one arrives.
    pub waiting_to_seal: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountyKeyView {
    pub id: String,
    pub issued_at: Option<String>,
    pub issued_by: Option<String>,
    /// This device holds its secret.
    pub held: bool,
    /// The devices it was sealed to.
    pub holders: Vec<Holder>,
}

/// A device that holds a county key.
#[derive(Debug, Clone, Serialize)]
pub struct Holder {
    /// Its user's name ("unknown device" for one the hub has not announced here).
    pub name: String,
    pub revoked: bool,
}

impl Store {
    /// On a cleared, enrolled device: issues a county key if there is none, a new one if a
    /// revoked device holds the current one, and shares every key it holds with the cleared
    /// readers who lack it; then seals the sources that waited for a key. Returns how many
    /// entries it recorded (they go to the hub at the next exchange). Does nothing elsewhere.
    pub fn tend_county_keys(&mut self) -> Result<usize> {
        if !self.is_cleared()? || self.hub_link()?.is_none() {
            return Ok(0);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Who showed they hold which key, from every key entry (a store from before
        // acknowledgements learns them here).
        let mut learned = learn_keys(&tx)?;
        let keys = known_keys(&tx)?;
        let mut readers = cleared_readers(&tx)?;
        let founding = founder(&tx)?.is_none();
        if founding {
            // No county key yet: this device founds the county's clearance, alone; it approves
            // the other readers after comparing their fingerprints.
            readers = vec![Reader {
                key: own_secret(&tx)?.public(),
                revoked: false,
                earlier: true,
            }];
        }
        let plan = if founding || is_approved(&tx, &self.me.device)? {
            county::plan(&keys, &readers)
        } else {
            Vec::new()
        };
        let mut written = 0;
        for step in plan {
            let body = match step {
                Step::Issue { to } => KeyEntry::issue(&BoxSecret::generate(), &to)?,
                Step::Share { key, to } => {
                    let Some(secret) = keys
                        .iter()
                        .find(|k| k.public == key)
                        .and_then(|k| k.secret.clone())
                    else {
                        continue;
                    };
                    KeyEntry::share(&secret, &to)?
                }
            };
            let draft = Draft {
                kind: EntryKind::CountyKey,
                subject: None,
                body,
            };
            append(&tx, &self.me, draft)?;
            written += 1;
        }
        if written > 0 {
            learned |= learn_keys(&tx)?;
        }
        let mut touched = Vec::new();
        if learned {
            touched = reports_with_sealed_sources(&tx)?;
        }
        let sealed = seal_waiting(&tx, &self.me)?;
        written += sealed.len();
        touched.extend(sealed);
        touched.sort();
        touched.dedup();
        for id in &touched {
            reproject(&tx, id)?;
        }
        tx.commit()?;
        Ok(written)
    }

    /// How many sources recorded here wait for a county key (kept here, sealed and sent once
    /// one arrives).
    pub fn sources_waiting_to_seal(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM unsealed_sources", [], |r| r.get(0))?)
    }

    /// The county keys this device knows, and the sources waiting for one.
    pub fn county_keys(&self) -> Result<CountyKeys> {
        let cleared = self.is_cleared()?;
        let keys = known_keys(&self.conn)?;
        let readers = cleared_readers(&self.conn)?;
        let current =
            county::current(&keys, &county::revoked(&readers)).map(|k| hex::encode(k.public.id()));
        let mut names: BTreeMap<KeyId, Holder> = BTreeMap::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT public_key, name, revoked FROM devices")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (key, name, revoked) in rows {
            if let Some(k) = device_box(&key) {
                names.insert(k.id(), Holder { name, revoked });
            }
        }
        let mut keys = keys;
        keys.sort_by_key(|k| k.issued);
        let views = keys
            .iter()
            .map(|k| {
                let issued_by = match k.issued {
                    Some((_, by, _)) => Some(self.author(&by)?.name),
                    None => None,
                };
                Ok(CountyKeyView {
                    id: hex::encode(k.public.id()),
                    issued_at: k.issued.map(|(at, _, _)| format_ms(at)),
                    issued_by,
                    held: k.secret.is_some(),
                    holders: k
                        .holders
                        .iter()
                        .map(|h| {
                            names.get(h).cloned().unwrap_or_else(|| Holder {
                                name: "unknown device".into(),
                                revoked: false,
                            })
                        })
                        .collect(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let waiting_to_seal = self.sources_waiting_to_seal()?;
        Ok(CountyKeys {
            cleared,
            current,
            keys: views,
            waiting_to_seal,
        })
    }
}

/// What the county's offline copy of its keys is called inside its file.
const OFFLINE_COPY: &str = "the county keys";

impl Store {
    /// Refuses, in words, a device that may not hold the county keys: one whose user is not
    /// cleared, or that the county revoked. Nothing is changed either way.
    pub fn may_hold_county_keys(&self) -> Result<()> {
        if !self.is_cleared()? {
            return Err(Error::NotAllowed(
                "this device's user is not cleared to read restricted sources, so it may not \
                 hold the county keys (the county enrolls a cleared reader with `usalama-hub \
                 invite --cleared`). Nothing was changed"
                    .into(),
            ));
        }
        let revoked: bool = self.conn.query_row(
            "SELECT coalesce((SELECT revoked FROM devices WHERE device = ?1), 0)",
            [self.me.device.0],
            |r| r.get(0),
        )?;
        if revoked {
            return Err(Error::NotAllowed(
                "this device has been revoked by the county; it may not hold the county keys. \
                 Nothing was changed"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The county's offline copy: every county key this device holds, sealed under
    /// `passphrase`. Only a cleared device holds keys to copy.
    pub fn export_county_keys(&self, passphrase: &str) -> Result<(Vec<u8>, usize)> {
        self.may_hold_county_keys()?;
        let secrets: Vec<String> = known_keys(&self.conn)?
            .iter()
            .filter_map(|k| k.secret.as_ref().map(|s| hex::encode(s.as_bytes())))
            .collect();
        if secrets.is_empty() {
            return Err(Error::NotAllowed(
                "this device holds no county key yet: sync it once a county key has been issued \
                 (the first cleared device to sync issues one). Nothing was written"
                    .into(),
            ));
        }
        let plain = zeroize::Zeroizing::new(
            serde_json::to_vec(&secrets).map_err(|e| Error::Unsupported(e.to_string()))?,
        );
        let kdf = Store::kdf(&self.home)?;
        let file = crate::keys::PassphraseSealed::seal(passphrase, kdf, OFFLINE_COPY, &plain)?;
        Ok((file.to_bytes(), secrets.len()))
    }

    /// Takes the county keys of an offline copy onto this cleared device; at its next sync it
    /// shares them with every cleared reader who lacks them. Returns how many keys were new
    /// here.
    pub fn import_county_keys(&mut self, bytes: &[u8], passphrase: &str) -> Result<usize> {
        self.may_hold_county_keys()?;
        let plain = crate::keys::PassphraseSealed::open(bytes, passphrase, OFFLINE_COPY)?;
        let secrets: Vec<String> = serde_json::from_slice(&plain)
            .map_err(|_| Error::invalid("file", "holds no county keys"))?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (mut added, mut of_this_county) = (0, 0);
        for text in secrets {
            let mut bytes = [0u8; 32];
            hex::decode_to_slice(&text, &mut bytes)
                .map_err(|_| Error::invalid("file", "holds a damaged county key"))?;
            let secret = BoxSecret::from_bytes(bytes);
            let public = secret.public();
            // Only keys this county issued, as its chain (synced here) shows.
            let issued_here: bool = tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM county_keys
                                    WHERE public = ?1 AND issued_at IS NOT NULL)",
                )?
                .query_row([&public.0[..]], |r| r.get(0))?;
            if !issued_here {
                continue;
            }
            of_this_county += 1;
            added += tx
                .prepare_cached(
                    "UPDATE county_keys SET secret = ?2 WHERE public = ?1 AND secret IS NULL",
                )?
                .execute(params![&public.0[..], &secret.as_bytes()[..]])?;
        }
        if of_this_county == 0 {
            return Err(Error::invalid(
                "file",
                "none of its keys was issued in this county as this device knows it: sync this \
                 device first, and check the file is this county's copy. Nothing was changed",
            ));
        }
        if added > 0 {
            for id in reports_with_sealed_sources(&tx)? {
                reproject(&tx, &id)?;
            }
        }
        tx.commit()?;
        Ok(added)
    }
}
