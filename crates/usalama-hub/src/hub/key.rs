//! The hub's secret signing key: kept in a file of its own beside the database (or, for an
//! older hub, in the database), and checked against the hub the database knows.

use crate::db;
use crate::error::{HubError, Result};

/// The hub's secret key, as its key file holds it: 64 hex digits.
pub(super) fn read_key_file(path: &std::path::Path) -> Result<Option<[u8; 32]>> {
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

pub(super) fn save_key(path: &std::path::Path, key: &[u8; 32]) -> std::io::Result<()> {
    db::write_secret(path, format!("{}\n", hex::encode(key)).as_bytes())
}
