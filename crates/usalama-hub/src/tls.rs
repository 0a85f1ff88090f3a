//! The hub's own certificate: a county office with no certificate of its own still serves
//! HTTPS, and devices pin the certificate's fingerprint from the enrollment string (so no
//! certificate authority is needed).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::db;
use crate::error::{HubError, Refusal, Result};

/// The file names of the hub's own certificate and key, in their folder.
pub const CERT_FILE: &str = "usalama-hub-tls.crt";
pub const KEY_FILE: &str = "usalama-hub-tls.key";

/// A certificate and key in PEM files, and whether they were made just now.
#[derive(Debug, Clone)]
pub struct SelfSigned {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub created: bool,
}

/// The hub's self-signed certificate in `dir`: made on first use (the key readable by the
/// hub's user only), the same one at every later start, so that enrolled devices keep their pin.
/// `names` go into the certificate (host names and addresses), for clients that check them.
pub fn self_signed(dir: &Path, names: &[String]) -> Result<SelfSigned> {
    let cert = dir.join(CERT_FILE);
    let key = dir.join(KEY_FILE);
    match (cert.exists(), key.exists()) {
        (true, true) => {
            db::restrict(&key).map_err(|e| file_error(&key, &e))?;
            return Ok(SelfSigned {
                cert,
                key,
                created: false,
            });
        }
        (false, false) => {}
        _ => {
            return Err(HubError::refused(
                Refusal::Invalid,
                format!(
                    "only one of {} and {} exists; put back the other, or move both aside to \
                     make a new certificate (enrolled devices must then be enrolled again)",
                    cert.display(),
                    key.display()
                ),
            ))
        }
    }
    let mut names = names.to_vec();
    if names.is_empty() {
        names.push("usalama-hub".into());
    }
    let made = rcgen::generate_simple_self_signed(names)
        .map_err(|e| HubError::Internal(format!("cannot make a certificate: {e}")))?;
    // The key first, so that a certificate never stands without its key.
    db::write_secret(&key, made.key_pair.serialize_pem().as_bytes())
        .map_err(|e| file_error(&key, &e))?;
    if let Err(e) = std::fs::write(&cert, made.cert.pem()) {
        let _ = std::fs::remove_file(&key);
        return Err(file_error(&cert, &e));
    }
    Ok(SelfSigned {
        cert,
        key,
        created: true,
    })
}

/// SHA-256 of the first certificate in a PEM file: what devices pin.
pub fn fingerprint(path: &Path) -> Result<String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let bad = |why: String| {
        HubError::refused(
            Refusal::Invalid,
            format!("--tls-cert {}: {why}", path.display()),
        )
    };
    let cert = CertificateDer::pem_file_iter(path)
        .map_err(|e| bad(e.to_string()))?
        .next()
        .ok_or_else(|| bad("no certificate in it".into()))?
        .map_err(|e| bad(e.to_string()))?;
    Ok(hex::encode(Sha256::digest(cert.as_ref())))
}

fn file_error(path: &Path, e: &std::io::Error) -> HubError {
    HubError::Database(format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_is_made_once_and_its_key_is_private() {
        let dir = tempfile::tempdir().expect("dir");
        let made = self_signed(dir.path(), &["127.0.0.1".into()]).expect("made");
        assert!(made.created);
        let first = fingerprint(&made.cert).expect("fingerprint");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&made.key)
                .expect("key")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = self_signed(dir.path(), &["127.0.0.1".into()]).expect("reused");
        assert!(!again.created);
        assert_eq!(fingerprint(&again.cert).expect("fingerprint"), first);
        std::fs::remove_file(&again.cert).expect("removed");
        assert!(
            self_signed(dir.path(), &[]).is_err(),
            "a key without its certificate"
        );
    }
}
