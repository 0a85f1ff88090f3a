//! The hub's secret signing key: kept in a file of its own beside the database (or, for an
//! older hub, in the database), and checked against the hub the database knows.

use std::path::Path;

use ed25519_dalek::SigningKey;

use crate::db::{self, Tx};
use crate::error::{HubError, Result};

/// The hub's key as one opening settled it.
pub(super) struct Settled {
    pub key: [u8; 32],
    /// The database already knew a hub (by its key or its public key): not a first opening.
    pub known: bool,
    /// The key was moved out of the database into its file.
    pub moved: bool,
}

/// Settles the hub's secret key inside the opening's transaction: the key from its file or
/// the database (a new one the first time), checked against the hub the database knows, and
/// kept where it belongs (its file when there is one, the database otherwise).
pub(super) fn settle(
    tx: &mut dyn Tx,
    key_file: Option<&Path>,
    on_file: Option<[u8; 32]>,
) -> Result<Settled> {
    let in_db = key_in_db(tx)?;
    let public = tx.meta("hub_public")?;
    let known = in_db.is_some() || public.is_some();
    let key = choose(key_file, on_file, in_db, known)?;
    let signing = SigningKey::from_bytes(&key);
    let public_hex = hex::encode(signing.verifying_key().to_bytes());
    if public.as_deref().is_some_and(|p| p != public_hex) {
        return Err(HubError::Database(
            "the hub's secret key does not belong to this database's hub; give the key                      file that was made with it (see docs/hub.md)"
                .into(),
        ));
    }
    let mut moved = false;
    if key_file.is_some() && in_db.is_some() {
        // Dropped from the database (overwritten, as `secure_delete` does) once it is
        // safely in its file.
        tx.delete_meta("hub_key")?;
        moved = true;
    } else if key_file.is_none() && in_db.is_none() {
        tx.set_meta("hub_key", &hex::encode(key))?;
    }
    if public.is_none() {
        tx.set_meta("hub_public", &public_hex)?;
    }
    Ok(Settled { key, known, moved })
}

/// The key an earlier version kept in the database, if any.
fn key_in_db(tx: &mut dyn Tx) -> Result<Option<[u8; 32]>> {
    Ok(match tx.meta("hub_key")? {
        Some(hex_key) => {
            let mut key = [0u8; 32];
            hex::decode_to_slice(hex_key, &mut key)
                .map_err(|_| HubError::Database("the stored hub key is damaged".into()))?;
            Some(key)
        }
        None => None,
    })
}

/// Which key the hub opens with: the file's and the database's must agree; a key only in the
/// database moves to the file; a hub the database knows never gets a new key (its entries
/// would no longer verify), so a missing file is an error rather than a fresh start.
fn choose(
    key_file: Option<&Path>,
    on_file: Option<[u8; 32]>,
    in_db: Option<[u8; 32]>,
    known: bool,
) -> Result<[u8; 32]> {
    Ok(match (key_file, on_file, in_db) {
        (None, _, Some(key)) => key,
        (Some(_), Some(file), Some(db_key)) if file != db_key => {
            return Err(HubError::Database(
                "the hub's key file and the key in its database differ; keep the one                          that matches the database's hub (see docs/hub.md)"
                    .into(),
            ))
        }
        (Some(_), Some(file), _) => file,
        (Some(path), None, Some(db_key)) => {
            save_key(path, &db_key).map_err(|e| {
                HubError::Database(format!(
                    "cannot move the hub's key to {}: {e}",
                    path.display()
                ))
            })?;
            db_key
        }
        (Some(path), None, None) if known => {
            return Err(HubError::Database(format!(
                "the hub's secret key file {} is missing; put back the copy kept with                          the backups (see docs/hub.md)",
                path.display()
            )))
        }
        (_, _, None) => {
            let key = SigningKey::generate(&mut rand::rngs::OsRng).to_bytes();
            if let Some(path) = key_file {
                save_key(path, &key).map_err(|e| {
                    HubError::Database(format!("cannot write {}: {e}", path.display()))
                })?;
            }
            key
        }
    })
}

/// The hub's secret key, as its key file holds it: 64 hex digits.
pub(super) fn read_key_file(path: &Path) -> Result<Option<[u8; 32]>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(HubError::Database(format!(
                "cannot read the hub's key file {}: {e}",
                path.display()
            )))
        }
    };
    let mut key = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut key).map_err(|_| {
        HubError::Database(format!(
            "the hub's key file {} is damaged (64 hex digits expected)",
            path.display()
        ))
    })?;
    // A key file copied back from elsewhere may have lost its mode.
    db::restrict(path)
        .map_err(|e| HubError::Database(format!("cannot restrict {}: {e}", path.display())))?;
    Ok(Some(key))
}

pub(super) fn save_key(path: &Path, key: &[u8; 32]) -> std::io::Result<()> {
    db::write_secret(path, format!("{}\n", hex::encode(key)).as_bytes())
}
