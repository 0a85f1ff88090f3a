//! Enrollment: how a device joins a county hub, as both sides see it.
//!
//! The county administrator hands over an [`Enrollment`] string (the hub's address, a one-time
//! code and the certificate's fingerprint, bound together by a check); the device proves that it
//! holds its key by signing [`enrollment_proof_digest`]; the hub answers with [`Enrolled`].

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::{Agency, Role};
use crate::error::{Error, Result};

/// What the county administrator hands over: the hub's address, a one-time code and, for
/// HTTPS, the hub certificate's fingerprint. Written as one string:
/// `https://hub.example:7878#code=K7QXM-4HDPR&sha256=<64 hex digits>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment {
    pub url: String,
    pub code: String,
    pub cert_sha256: Option<String>,
}

impl Enrollment {
    pub fn parse(text: &str) -> Result<Enrollment> {
        let bad = |why: &str| {
            Error::invalid(
                "enrollment",
                format!(
                    "{why}; an enrollment looks like \
                     https://HUB:7878#code=XXXXX-XXXXX&sha256=… (copy it whole)"
                ),
            )
        };
        let (url, fragment) = text
            .trim()
            .split_once('#')
            .ok_or_else(|| bad("no code in it"))?;
        let mut code = None;
        let mut cert = None;
        let mut check = None;
        for pair in fragment.split('&') {
            match pair.split_once('=') {
                Some(("code", v)) => code = Some(v.to_owned()),
                Some(("sha256", v)) => cert = Some(v.to_owned()),
                Some(("check", v)) => check = Some(v.to_ascii_lowercase()),
                _ => return Err(bad(&format!("{pair:?} is not part of an enrollment"))),
            }
        }
        let enrollment = Enrollment::new(
            url,
            code.as_deref().ok_or_else(|| bad("no code in it"))?,
            cert.as_deref(),
        )?;
        // The check binds the address (scheme included) and the fingerprint to the code: a
        // string whose hub or certificate was changed on the way is refused here, before any
        // connection.
        match check {
            Some(c) if c == enrollment.check() => Ok(enrollment),
            Some(_) => Err(Error::invalid(
                "enrollment",
                "the enrollment string was changed after the hub made it (its address or \
                 certificate fingerprint does not match its check); ask the county ICT office \
                 for the string again",
            )),
            None => Err(bad(
                "its check is missing (check=…): it was cut, or made by an older hub",
            )),
        }
    }

    /// 16 hex digits of HMAC-SHA256, keyed with the canonical code, over the address and the
    /// fingerprint.
    fn check(&self) -> String {
        let code = canonical_code(&self.code);
        let message = format!(
            "usalama.enrollment\0{}\0{}",
            self.url,
            self.cert_sha256.as_deref().unwrap_or("")
        );
        let mut block = [0u8; 64];
        let key = Sha256::digest(code.as_bytes());
        block[..32].copy_from_slice(&key);
        let pad = |byte: u8| block.map(|b| b ^ byte);
        let inner = Sha256::new()
            .chain_update(pad(0x36))
            .chain_update(message.as_bytes())
            .finalize();
        let mac = Sha256::new()
            .chain_update(pad(0x5c))
            .chain_update(inner)
            .finalize();
        hex::encode(&mac[..8])
    }

    /// An enrollment from its parts, checked.
    pub fn new(url: &str, code: &str, cert_sha256: Option<&str>) -> Result<Enrollment> {
        let url = hub_url(url)?;
        let cert_sha256 = cert_sha256.map(str::to_ascii_lowercase);
        if let Some(c) = &cert_sha256 {
            if c.len() != 64 || !c.chars().all(|ch| ch.is_ascii_hexdigit()) {
                return Err(Error::invalid(
                    "enrollment",
                    "the certificate fingerprint must be 64 hex digits",
                ));
            }
        }
        if url.starts_with("https://") && cert_sha256.is_none() {
            return Err(Error::invalid(
                "enrollment",
                "an https hub needs its certificate fingerprint (sha256=…): use the whole \
                 enrollment string from `usalama-hub invite --json`",
            ));
        }
        let code = code.trim().to_owned();
        if code.is_empty() {
            return Err(Error::invalid("code", "the one-time code is empty"));
        }
        Ok(Enrollment {
            url,
            code,
            cert_sha256,
        })
    }
}

impl std::fmt::Display for Enrollment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#code={}", self.url, self.code)?;
        if let Some(c) = &self.cert_sha256 {
            write!(f, "&sha256={c}")?;
        }
        write!(f, "&check={}", self.check())
    }
}

/// A hub address as typed: `http(s)://host:port`, without a trailing slash. Plain `http://`
/// only to this machine itself (loopback): anywhere else the link would carry reports in the
/// clear and let anyone on it answer for the hub. Checked before any connection is made.
pub fn hub_url(text: &str) -> Result<String> {
    let url = text.trim().trim_end_matches('/');
    let (secure, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        _ => return Err(not_an_address(text)),
    };
    // No whitespace or control character inside either: trimmed only at the ends, a tab
    // before a trailing slash would stay in the address, and the address the enrollment
    // string's check covers would not be the one read back from it.
    if rest.is_empty()
        || rest.contains(['/', '#', '?', '@'])
        || rest.contains(|c: char| c.is_whitespace() || c.is_control())
    {
        return Err(not_an_address(text));
    }
    if !secure && !is_loopback(rest) {
        return Err(Error::invalid(
            "hub",
            format!(
                "{text:?} is plain http to another machine; a county hub is reached only over \
                 https (plain http only to 127.0.0.1 or localhost, for tests)"
            ),
        ));
    }
    Ok(url.to_owned())
}

fn not_an_address(text: &str) -> Error {
    Error::invalid(
        "hub",
        format!("{text:?} is not a hub address; it looks like https://HOST:7878"),
    )
}

/// Whether `host_port` (`host`, `host:port`, `[v6]:port`) names this machine.
fn is_loopback(host_port: &str) -> bool {
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map_or("", |(h, _)| h),
        None => host_port.rsplit_once(':').map_or(host_port, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The address for one sync: `url` when given (e.g. through a proxy), never over a weaker
/// scheme than the device enrolled with; else the enrolled one.
pub fn sync_url(url: Option<&str>, enrolled: &str) -> Result<Option<String>> {
    let Some(url) = url else {
        return Ok(None);
    };
    let url = hub_url(url)?;
    if enrolled.starts_with("https://") && !url.starts_with("https://") {
        return Err(Error::invalid(
            "hub",
            format!(
                "{url:?} is plain http, but this device enrolled over https: a sync never uses \
                 a weaker link than enrollment did"
            ),
        ));
    }
    Ok(Some(url))
}

/// What the hub says about the person at enrollment; the device adopts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolled {
    /// The hub's Ed25519 public key, hex.
    pub hub_key: String,
    pub name: String,
    pub role: Role,
    pub unit: Option<String>,
    pub agency: Option<Agency>,
    pub person: String,
    pub cleared: bool,
    /// The hub's clock, Unix ms.
    pub hub_time: i64,
}

/// The bytes a device signs to prove, at enrollment, that it holds its key.
pub fn enrollment_proof_digest(code: &str, public_key: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"usalama.enroll\0");
    h.update(canonical_code(code));
    h.update(public_key);
    h.finalize().into()
}

/// The canonical form of a code as typed (recovery and enrollment codes): case, spaces, dashes
/// and the look-alikes I, L and O forgiven.
pub fn canonical_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enrollment_string_round_trips() {
        let sha = "ab".repeat(32);
        let made = Enrollment::new("https://10.1.2.3:7878/", "K7QXM-4HDPR", Some(&sha))
            .expect("made")
            .to_string();
        assert!(made.starts_with(&format!(
            "https://10.1.2.3:7878#code=K7QXM-4HDPR&sha256={sha}&check="
        )));
        let e = Enrollment::parse(&made).expect("parses");
        assert_eq!(e.url, "https://10.1.2.3:7878");
        assert_eq!(e.code, "K7QXM-4HDPR");
        assert_eq!(Enrollment::parse(&e.to_string()).expect("again"), e);
        // Typed as a person types it: the code in another case.
        assert!(Enrollment::parse(&made.replace("K7QXM-4HDPR", "k7qxm-4hdpr")).is_ok());
    }

    #[test]
    fn a_changed_address_scheme_or_fingerprint_is_detected() {
        let sha = "ab".repeat(32);
        let made = Enrollment::new("https://10.1.2.3:7878", "K7QXM-4HDPR", Some(&sha))
            .expect("made")
            .to_string();
        for changed in [
            made.replace(&sha, &"cd".repeat(32)),
            made.replace("10.1.2.3", "10.1.2.4"),
            made.replace("https://", "http://")
                .replace(&format!("&sha256={sha}"), ""),
            made.split("&check=").next().expect("part").to_owned(),
        ] {
            // A downgrade to plain http to another machine is refused before its check.
            let err = Enrollment::parse(&changed).expect_err(&changed);
            let err = err.to_string();
            assert!(
                err.contains("enrollment") || err.contains("plain http"),
                "{err}"
            );
        }
    }

    #[test]
    fn an_address_with_whitespace_or_control_characters_inside_is_refused() {
        // Found by the enrollment fuzz target: a tab before the trailing slash survived the
        // trim, so the printed string no longer matched its own check.
        for text in [
            "http://127.0.0.1:7878\t/",
            "http://127.0.0.1:78\t78",
            "https://hub\n.example:7878",
            "https://hub.example:78\u{0}78",
            "https://hub.example:7878\u{a0}/",
        ] {
            assert!(hub_url(text).is_err(), "{text:?} accepted");
        }
        // What is accepted is already in its final form.
        for text in ["  http://127.0.0.1:7878/ ", "https://hub.example:7878//"] {
            let url = hub_url(text).expect("an address");
            assert_eq!(hub_url(&url).expect("again"), url);
        }
        let sha = "ab".repeat(32);
        let made =
            Enrollment::new("https://hub.example:7878/", "K7QXM-4HDPR", Some(&sha)).expect("made");
        assert_eq!(Enrollment::parse(&made.to_string()).expect("parsed"), made);
        assert!(Enrollment::new("http://127.0.0.1:7878\t/", "K7QXM-4HDPR", None).is_err());
    }

    #[test]
    fn a_bad_enrollment_string_says_what_it_should_look_like() {
        for text in [
            "",
            "https://hub",
            "hub#code=1",
            "https://hub#code=1",
            "http://h#x=1",
        ] {
            let err = Enrollment::parse(text).expect_err(text);
            assert!(
                err.to_string().contains("enrollment") || err.to_string().contains("hub"),
                "{err}"
            );
        }
    }
}
