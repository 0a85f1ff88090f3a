//! The Android gateway's webhook on a real hub served on 127.0.0.1 (the production serve path,
//! plain HTTP on loopback): a signed alert posted three times is stored once; a request that is
//! not the gateway's (a wrong signature, an old timestamp, a missing header), an oversize body
//! and malformed JSON are each refused with their code and store nothing; a hub without a
//! secret answers 404.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

use time::OffsetDateTime;
use usalama_hub::db::{self, SmsMessage};
use usalama_hub::webhook::{self, Secret};
use usalama_hub::Hub;
use usalama_protocol::sms::{self, AlertKey, Form};

mod common;

const SECRET: &str = "0f9e8d7c6b5a49382716a5b4c3d2e1f0";

/// A request's headers, by name.
type Headers = Vec<(&'static str, String)>;
/// A refused request: what it is, its headers and body, and the status and code answered.
type Case<'a> = (&'a str, Headers, &'a [u8], u16, &'a str);

/// A hub with one enrolled chief, served until dropped.
struct Served {
    hub: std::sync::Arc<Hub>,
    address: SocketAddr,
    chief: AlertKey,
    _runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

impl Served {
    fn start(secret: Option<&str>) -> Served {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("hub.db").display().to_string();
        let mut hub = Hub::open(db::open(&path).expect("db")).expect("hub");
        let chief = common::enroll_chief(&hub);
        hub.set_webhook_secret(secret.map(|s| Secret::parse(s).expect("secret")));
        let hub = std::sync::Arc::new(hub);
        // The port is bound before the server task starts: no sleeps, no races.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        let address = listener.local_addr().expect("address");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let served = usalama_hub::serve::serve(
            hub.clone(),
            listener,
            None,
            None,
            usalama_hub::http::Limits::default(),
            usalama_hub::serve::Handle::new(),
        );
        runtime.spawn(async move { served.await.expect("serves") });
        Served {
            hub,
            address,
            chief,
            _runtime: runtime,
            _dir: dir,
        }
    }

    /// POSTs `body` to /sms/inbound with `headers`; the status and the body answered.
    fn post(&self, headers: &[(&str, String)], body: &[u8]) -> (u16, serde_json::Value) {
        let mut stream = TcpStream::connect(self.address).expect("connected");
        let mut head = format!(
            "POST /sms/inbound HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n",
            self.address,
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).expect("sent");
        // The hub may answer an oversize body before it has read it all.
        let _ = stream.write_all(body);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("an HTTP answer: {answer:?}"));
        let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        (status, serde_json::from_str(body).unwrap_or_default())
    }

    fn post_signed(&self, body: &[u8]) -> (u16, serde_json::Value) {
        self.post(&signed(SECRET, now(), body), body)
    }

    fn messages(&self) -> Vec<SmsMessage> {
        self.hub.sms_messages(false, 1000).expect("listed")
    }
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// The two headers of a request signed with `secret` at `at`.
fn signed(secret: &str, at: i64, body: &[u8]) -> Headers {
    let secret = Secret::parse(secret).expect("secret");
    let at = at.to_string();
    vec![
        (
            "X-Usalama-Signature",
            webhook::signature(&secret, &at, body),
        ),
        ("X-Usalama-Timestamp", at),
    ]
}

/// The gateway's JSON for a message received now.
fn message(id: &str, text: &str) -> Vec<u8> {
    let received = OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .expect("time");
    serde_json::json!({"id": id, "from": "+254700000001", "text": text, "received_at": received})
        .to_string()
        .into_bytes()
}

fn raid(chief: &AlertKey, counter: u32) -> String {
    sms::encode(&common::raid(40), chief, counter, Form::Full).expect("alert")
}

#[test]
fn a_signed_alert_posted_three_times_is_stored_once() {
    let served = Served::start(Some(SECRET));
    let body = message("4711", &raid(&served.chief, 1));
    let (status, first) = served.post_signed(&body);
    assert_eq!((status, first["status"].as_str()), (200, Some("accepted")));
    for _ in 0..2 {
        let (status, again) = served.post_signed(&body);
        assert_eq!(
            (status, again["status"].as_str()),
            (200, Some("stored_before"))
        );
    }
    let messages = served.messages();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].accepted(), "{:?}", messages[0]);
    assert!(messages[0].source.starts_with("webhook:4711#"));
    // Never the sender's number in what readers or the administrator's list see.
    assert!(!messages[0].source.contains("254700000001"));
}

#[test]
fn a_signed_message_that_is_no_alert_is_kept_refused_with_its_code() {
    let served = Served::start(Some(SECRET));
    let (status, answer) = served.post_signed(&message("12", "Habari za asubuhi"));
    assert_eq!(status, 200);
    assert_eq!(
        (answer["status"].as_str(), answer["code"].as_str()),
        (Some("refused"), Some("not_an_alert"))
    );
    let messages = served.messages();
    assert_eq!(messages[0].refusal.as_deref(), Some("not_an_alert"));
}

#[test]
fn requests_not_from_the_gateway_or_not_its_json_are_refused_and_nothing_is_stored() {
    let served = Served::start(Some(SECRET));
    let body = message("4711", &raid(&served.chief, 1));
    let mut missing = signed(SECRET, now(), &body);
    missing.remove(0);
    let oversize = message("4712", &"x".repeat(webhook::MAX_BODY));
    let malformed = b"{\"id\": \"4713\", \"from\": \"+254700000001\", \"text\": ".to_vec();
    let cases: Vec<Case<'_>> = vec![
        (
            "another secret",
            signed("ffffffffffffffffffffffffffffffff", now(), &body),
            &body,
            401,
            "unauthenticated",
        ),
        (
            "six minutes old",
            signed(SECRET, now() - 360, &body),
            &body,
            401,
            "unauthenticated",
        ),
        ("no signature", missing, &body, 401, "unauthenticated"),
        (
            "oversize",
            signed(SECRET, now(), &oversize),
            &oversize,
            413,
            "too_large",
        ),
        (
            "malformed",
            signed(SECRET, now(), &malformed),
            &malformed,
            400,
            "malformed",
        ),
    ];
    for (case, headers, body, expected, code) in cases {
        let (status, answer) = served.post(&headers, body);
        assert_eq!(status, expected, "{case}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{case}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.len() > 20, "{case}: a clear message: {answer}");
    }
    assert!(served.messages().is_empty());
    let metrics = served.hub.metrics.render();
    assert!(
        metrics.contains("usalama_sms_webhook_unverified_total 3\n"),
        "{metrics}"
    );
}

#[test]
fn without_a_secret_the_webhook_is_not_served() {
    let served = Served::start(None);
    let body = message("4711", &raid(&served.chief, 1));
    let (status, _) = served.post_signed(&body);
    assert_eq!(status, 404);
    assert!(served.messages().is_empty());
}
