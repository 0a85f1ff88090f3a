//! The sync client: exchanges entries with the county hub over HTTP(S).
//!
//! The store is held only to prepare a request and to apply an answer, never across the network
//! wait, so saving a report never waits for a sync. Every request gets a fresh counter: a retried
//! request is a new request carrying the same entries, which the hub stores once.
//!
//! TLS: the hub's certificate is pinned by its SHA-256 fingerprint, taken from the enrollment
//! string, so a county can run on a self-signed certificate safely.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rand::Rng;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::enrollment::{sync_url, Enrolled, Enrollment};
use crate::error::{Error, Result};
use crate::protocol::release::UpdateAnswer;
use crate::refusal::{ErrorBody, Refusal};
use crate::store::{FailureKind, SyncFailure};
use crate::wire::{EnrollRequest, RequestTag, SyncResponse, CHUNK_BYTES};
use crate::Store;

/// How hard one sync tries before it reports failure.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts per request (a network error or a hub error 5xx is retried).
    pub attempts: u32,
    /// The first wait; each later one doubles, with up to half again of random jitter.
    pub first_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            first_backoff: Duration::from_millis(500),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `n` (from 0): exponential, with jitter so that many devices
    /// coming back online at once do not retry in step.
    pub fn backoff(&self, n: u32) -> Duration {
        let base = self.first_backoff.saturating_mul(1 << n.min(16));
        let jitter = rand::thread_rng().gen_range(0.0..0.5);
        base.mul_f64(1.0 + jitter)
    }
}

/// What one sync did, as `usalama sync --json` prints it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    /// This device's entries the hub acknowledged during this sync.
    pub sent: usize,
    /// Entries new to this device.
    pub received: usize,
    /// Everything was exchanged: nothing is left to send or to receive.
    pub complete: bool,
    pub error: Option<SyncFailure>,
    /// Entries this device carried for others (from a USB stick) that the hub refused for
    /// good: dropped here; this device's own entries went through.
    pub refused: Vec<crate::wire::Refused>,
    /// What happened about updates, after the reports: the release offered, the bytes fetched.
    pub update: crate::update::UpdateReport,
}

pub(crate) fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    // A panic while holding the lock leaves the store as its last committed transaction did.
    store
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Enrolls this device with a hub: registers its key with the one-time code, pins the hub's
/// certificate, and adopts the name, role, unit and agency the hub holds for the person.
pub async fn enroll(store: &Mutex<Store>, enrollment: &Enrollment) -> Result<Enrolled> {
    let (public, proof) = {
        let store = lock(store);
        store.may_enroll()?;
        store.enrollment_proof(&enrollment.code)
    };
    let client = http_client(enrollment.cert_sha256.as_deref())?;
    let body = EnrollRequest {
        code: enrollment.code.clone(),
        public_key: hex::encode(public),
        proof: hex::encode(proof),
    };
    let response = client
        .post(format!("{}/v1/enroll", enrollment.url))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&body).map_err(|e| Error::Malformed(e.to_string()))?)
        .send()
        .await
        .map_err(|e| Error::Unreachable(unreachable_message(&enrollment.url, &e)))?;
    let status = response.status();
    let bytes = body_at_most(response, MAX_ENROLL_ANSWER)
        .await
        .map_err(|e| Error::Unreachable(e.message(&enrollment.url)))?;
    if !status.is_success() {
        let failure = failure_from(status.as_u16(), &bytes);
        return Err(Error::Refused(failure.message));
    }
    let enrolled: Enrolled = serde_json::from_slice(&bytes)
        .map_err(|e| Error::Malformed(format!("the hub's enrollment answer: {e}")))?;
    lock(store).record_enrollment(
        &enrollment.url,
        enrollment.cert_sha256.as_deref(),
        &enrolled,
    )?;
    Ok(enrolled)
}

/// One sync with the hub: sends everything the hub has not acknowledged and receives everything
/// new, in chunks that each commit on their own. `url` overrides the enrolled address for this
/// sync (e.g. through a proxy). Never fails outright: the report says what happened, and the
/// failure is also recorded in the store for the sync bar.
///
/// Updates come after the reports: the hub's last answer about them is taken once the
/// exchange is over, and chunks of a release are fetched within the county's budget. A device
/// too old to sync (426) asks the update endpoint directly.
pub async fn sync(store: &Mutex<Store>, url: Option<&str>, policy: RetryPolicy) -> SyncReport {
    let mut report = SyncReport::default();
    let mut answer = None;
    match sync_steps(store, url, policy, &mut report, &mut answer).await {
        Ok(()) => report.complete = true,
        Err(failure) => {
            let _ = lock(store).record_sync_failure(&failure);
            report.error = Some(failure);
        }
    }
    let outdated = report
        .error
        .as_ref()
        .is_some_and(|e| e.kind == FailureKind::Outdated);
    if report.error.is_none() || outdated {
        report.update = crate::update::after_sync(store, url, policy, answer, outdated).await;
    } else {
        report.update = crate::update::current(&lock(store));
    }
    report
}

async fn sync_steps(
    store: &Mutex<Store>,
    url: Option<&str>,
    policy: RetryPolicy,
    report: &mut SyncReport,
    updates: &mut Option<UpdateAnswer>,
) -> std::result::Result<(), SyncFailure> {
    let link = lock(store)
        .hub_link()
        .map_err(local_failure)?
        .ok_or_else(|| failure(FailureKind::Refused, Error::NotEnrolled.to_string()))?;
    let url =
        sync_url(url, &link.url).map_err(|e| failure(FailureKind::Rejected, e.to_string()))?;
    let pin = link.cert_sha256;
    let client = http_client(pin.as_deref()).map_err(local_failure)?;
    // Each step sends a chunk and receives a chunk; a backlog of thousands of reports takes a
    // few steps, and each step is durable on both sides before the next.
    let mut key_rounds = 0;
    for _ in 0..100_000 {
        let (mut response, carried, bundles, more_to_send) =
            exchange(store, &client, url.as_deref(), policy).await?;
        if let Some(answer) = response.updates.take() {
            *updates = Some(answer);
        }
        let applied = {
            let mut store = lock(store);
            let applied = store
                .apply_sync_response(&response)
                .map_err(local_failure)?;
            store.forget_relayed(&bundles).map_err(local_failure)?;
            applied
        };
        report.sent += applied.acknowledged;
        report
            .refused
            .extend(applied.carried_refused.iter().cloned());
        report.received += applied.received;
        if applied.rewound {
            // The hub lost entries it had acknowledged: send them again, from where it stands.
            continue;
        }
        if carried > 0 && applied.acknowledged == 0 {
            return Err(failure(
                FailureKind::Rejected,
                "the hub did not acknowledge the entries sent; try again later, and tell the \
                 county ICT office if this goes on"
                    .into(),
            ));
        }
        // Done when this device has nothing more to send and the hub nothing more to give:
        // in the common case, after one request. A cleared device may first record county
        // keys (a new reader, a revocation), and any device may have sealed sources that
        // waited for a key: those go in one more exchange.
        if !more_to_send && !applied.more {
            let tended = lock(store).tend_county_keys().map_err(local_failure)?;
            // Bounded: what is left waits for the next sync.
            key_rounds += 1;
            if tended + applied.recorded == 0 || key_rounds >= 3 {
                return Ok(());
            }
        }
    }
    Err(failure(
        FailureKind::Server,
        "the hub kept asking for more; try again later".into(),
    ))
}

/// One request and its answer, retried with backoff on network and server errors. A retry is
/// prepared afresh (a new counter), so it is never a replay.
async fn exchange(
    store: &Mutex<Store>,
    client: &reqwest::Client,
    url: Option<&str>,
    policy: RetryPolicy,
) -> std::result::Result<(SyncResponse, usize, Vec<[u8; 32]>, bool), SyncFailure> {
    let mut attempt = 0;
    loop {
        let out = lock(store)
            .next_sync_request(CHUNK_BYTES)
            .map_err(local_failure)?;
        let base = url.unwrap_or(&out.url);
        let result = post(client, base, out.body, &out.hub_key, &out.tag).await;
        match result {
            Ok(response) => return Ok((response, out.entries, out.bundles, out.more_to_send)),
            Err(f) if transient(&f) && attempt + 1 < policy.attempts => {
                tokio::time::sleep(policy.backoff(attempt)).await;
                attempt += 1;
            }
            Err(f) => return Err(f),
        }
    }
}

/// Why an answer's body was not read whole.
#[derive(Debug)]
pub(crate) enum Unread {
    /// The connection broke.
    Cut(reqwest::Error),
    /// The body would hold more than the bound: nothing the hub answers is that large.
    TooLarge(usize),
}

/// Reads an answer's body, at most `limit` bytes: a longer one is refused as soon as it is
/// seen to be (by its declared length, or while it streams), so that whatever answers cannot
/// make the device hold more.
pub(crate) async fn body_at_most(
    mut response: reqwest::Response,
    limit: usize,
) -> std::result::Result<Vec<u8>, Unread> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(Unread::TooLarge(limit));
    }
    let mut body = Vec::new();
    while let Some(piece) = response.chunk().await.map_err(Unread::Cut)? {
        if body.len() + piece.len() > limit {
            return Err(Unread::TooLarge(limit));
        }
        body.extend_from_slice(&piece);
    }
    Ok(body)
}

impl Unread {
    /// In words, for the hub at `base`.
    pub(crate) fn message(&self, base: &str) -> String {
        match self {
            Unread::Cut(e) => unreachable_message(base, e),
            Unread::TooLarge(limit) => format!(
                "the county hub at {base} answered with more than {limit} bytes, more than any                  answer holds: nothing of it was read. Tell the county ICT office"
            ),
        }
    }
}

/// The most bytes an answer to a sync may hold: a frame, with room for an error's body.
const MAX_SYNC_ANSWER: usize = usalama_protocol::wire::MAX_FRAME + (64 << 10);
/// The most bytes an answer to an enrollment may hold (it takes about 1 KB).
const MAX_ENROLL_ANSWER: usize = 64 << 10;

fn transient(f: &SyncFailure) -> bool {
    f.kind.transient()
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    body: Vec<u8>,
    hub_key: &ed25519_dalek::VerifyingKey,
    tag: &RequestTag,
) -> std::result::Result<SyncResponse, SyncFailure> {
    let unreachable =
        |e: reqwest::Error| failure(FailureKind::Unreachable, unreachable_message(base, &e));
    let response = client
        .post(format!("{base}/v1/sync"))
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status().as_u16();
    let bytes = body_at_most(response, MAX_SYNC_ANSWER)
        .await
        .map_err(|e| match e {
            Unread::Cut(e) => unreachable(e),
            too_large => failure(FailureKind::Server, too_large.message(base)),
        })?;
    if status != 200 {
        return Err(failure_from(status, &bytes));
    }
    SyncResponse::open(&bytes, hub_key, tag).map_err(|e| match e {
        usalama_protocol::Error::Unsupported(m) => failure(FailureKind::Outdated, m),
        usalama_protocol::Error::Integrity(m) => failure(FailureKind::Integrity, m),
        other => failure(
            FailureKind::Server,
            format!("the hub's answer could not be read ({other}); try again later"),
        ),
    })
}

fn failure(kind: FailureKind, message: String) -> SyncFailure {
    SyncFailure { kind, message }
}

fn local_failure(e: Error) -> SyncFailure {
    match e {
        Error::Integrity(m) => failure(FailureKind::Integrity, m),
        Error::NotEnrolled => failure(FailureKind::Refused, e.to_string()),
        other => failure(
            FailureKind::Local,
            format!("this device could not record the exchange: {other}"),
        ),
    }
}

pub(crate) fn unreachable_message(base: &str, e: &reqwest::Error) -> String {
    let why = if e.is_timeout() {
        "the connection timed out"
    } else if e.is_connect() {
        "no connection could be made"
    } else {
        "the connection broke"
    };
    format!(
        "the county hub at {base} could not be reached ({why}). Reports stay safe on this \
         device; sync again when the network is back"
    )
}

/// A hub refusal in words a chief's ICT helper understands, by the hub's machine-readable code.
pub(crate) fn failure_from(status: u16, body: &[u8]) -> SyncFailure {
    let detail = serde_json::from_slice::<ErrorBody>(body).ok();
    let refusal = detail.as_ref().and_then(ErrorBody::refusal);
    let hub_says = detail.as_ref().map_or(String::new(), |d| {
        format!(" (the hub says: {})", d.error.message)
    });
    let hub_message = detail
        .as_ref()
        .map_or_else(|| format!("HTTP {status}"), |d| d.error.message.clone());
    match (status, refusal) {
        (_, Some(Refusal::BadCode | Refusal::ExpiredCode | Refusal::AlreadyEnrolled)) => {
            failure(FailureKind::Refused, hub_message)
        }
        (426, _) => failure(
            FailureKind::Outdated,
            format!("this version of Usalama is too old for the county hub; update it{hub_says}"),
        ),
        (_, Some(Refusal::Revoked)) => failure(
            FailureKind::Refused,
            format!(
                "the county hub refuses this device: it was revoked. Ask the county ICT office \
                 to enroll a new one{hub_says}"
            ),
        ),
        (401, _) => failure(
            FailureKind::Refused,
            format!(
                "the county hub does not recognise this device; ask the county ICT office to \
                 enroll it again{hub_says}"
            ),
        ),
        // This device's fresh request carried a counter the hub has already seen: the store
        // is behind what it once sent (restored from an older backup, or copied to another
        // laptop), and its next entries would reuse numbers the hub holds.
        (_, Some(Refusal::Replayed)) => failure(
            FailureKind::Integrity,
            format!(
                "the county hub has seen newer requests from this laptop than its store holds: \
                 was it restored from an older backup, or copied? Nothing was sent. Tell the \
                 county ICT office, who can enroll this laptop anew for the same person \
                 (`usalama-hub invite --person`){hub_says}"
            ),
        ),
        (_, Some(Refusal::Fork)) => failure(
            FailureKind::Integrity,
            format!(
                "the hub holds different entries under this device's numbers (was this device \
                 restored from a backup?). Tell the county ICT office{hub_says}"
            ),
        ),
        (500..=599, _) => failure(
            FailureKind::Server,
            format!("the county hub had a problem; try again later{hub_says}"),
        ),
        _ => failure(
            FailureKind::Rejected,
            format!("the county hub refused the exchange (HTTP {status}){hub_says}"),
        ),
    }
}

/// An HTTP client: plain for `http://` hubs; for `https://`, TLS that accepts exactly the
/// pinned certificate.
pub fn http_client(cert_sha256: Option<&str>) -> Result<reqwest::Client> {
    // The process-wide TLS provider (ring); an unpinned https hub then fails to verify, since
    // no certificate authorities are trusted: enrollment always pins.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let builder = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(30))
        .timeout(Duration::from_secs(300))
        .pool_idle_timeout(Duration::from_secs(30))
        // A redirect could lead to another address or a weaker scheme: never followed.
        .redirect(reqwest::redirect::Policy::none());
    let builder = match cert_sha256 {
        Some(pin) => {
            let mut sha = [0u8; 32];
            hex::decode_to_slice(pin, &mut sha).map_err(|_| {
                Error::invalid("hub", "the pinned certificate fingerprint is damaged")
            })?;
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider.clone())
                .with_safe_default_protocol_versions()
                .map_err(|e| Error::Unsupported(format!("TLS: {e}")))?
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Pinned { sha, provider }))
                .with_no_client_auth();
            builder.use_preconfigured_tls(config)
        }
        None => builder,
    };
    builder
        .build()
        .map_err(|e| Error::Unsupported(format!("could not set up the connection: {e}")))
}

/// Accepts the one certificate whose SHA-256 was pinned at enrollment, whatever signed it.
#[derive(Debug)]
struct Pinned {
    sha: [u8; 32],
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let seen: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
        if seen == self.sha {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "the hub's certificate is not the one pinned at enrollment".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server on 127.0.0.1 that answers every connection with `head` and `body_len` bytes.
    fn answering(head: &'static str, body_len: usize) -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        std::thread::spawn(move || {
            for mut stream in listener.incoming().map_while(std::result::Result::ok) {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request);
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&vec![b'x'; body_len]);
            }
        });
        url
    }

    #[test]
    fn an_answer_longer_than_its_bound_is_refused_whether_or_not_it_says_its_length() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let declared = answering(
            "HTTP/1.1 200 OK\r\ncontent-length: 300000\r\nconnection: close\r\n\r\n",
            300_000,
        );
        let streamed = answering("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n", 300_000);
        let fits = answering(
            "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\nconnection: close\r\n\r\n",
            1000,
        );
        let read = |url: String| {
            rt.block_on(async {
                let response = http_client(None)
                    .expect("client")
                    .get(&url)
                    .send()
                    .await
                    .expect("answered");
                body_at_most(response, 100_000).await
            })
        };
        for url in [declared, streamed] {
            let e = read(url.clone()).expect_err("too large");
            assert!(matches!(e, Unread::TooLarge(100_000)), "{e:?}");
            assert!(e.message(&url).contains("more than 100000 bytes"));
        }
        assert_eq!(read(fits).expect("read").len(), 1000);
    }

    #[test]
    fn backoff_grows_with_jitter() {
        let p = RetryPolicy::default();
        for n in 0..5 {
            let d = p.backoff(n);
            let base = p.first_backoff * (1 << n);
            assert!(d >= base && d <= base.mul_f64(1.5), "{n}: {d:?}");
        }
    }
}
