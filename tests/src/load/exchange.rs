//! One request on the wire and what became of it: answered (with the time the hub took, from
//! the request's first byte to the answer's last), or failed with a kind to count it under.
//!
//! A failure is either the hub's answer to load (a refusal to take more, a timeout, a server
//! error), which is what the tool measures, or a protocol failure: an answer that is not what
//! the protocol promises, or a refusal that a correct device never meets (a replay, a fork, an
//! unknown device). A protocol failure makes the run fail.

use std::fmt::Display;
use std::time::{Duration, Instant};

use usalama_core::refusal::ErrorBody;

use super::device::{Applied, Device};
use super::{Fleet, Link};

/// Why one request did not succeed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// What it is counted under: `429 busy`, `network: timeout`, `answer: …`.
    pub kind: String,
    pub message: String,
    /// Not the hub's answer to load, but something a correct device and hub never do.
    pub protocol: bool,
}

impl Failure {
    pub fn protocol(kind: &str, message: impl Display) -> Failure {
        Failure {
            kind: kind.to_owned(),
            message: message.to_string(),
            protocol: true,
        }
    }

    fn load(kind: String, message: impl Display) -> Failure {
        Failure {
            kind,
            message: message.to_string(),
            protocol: false,
        }
    }
}

/// What one request did.
#[derive(Debug)]
pub struct Done {
    /// From the request's start to the answer's last byte.
    pub latency: Duration,
    /// Entries the request carried.
    pub sent: u64,
    pub result: Result<Applied, Failure>,
}

/// One sync request of `device`, carrying what it has not had acknowledged and asking for what
/// is new since its cursor; the answer is checked and applied to the device.
pub async fn sync(fleet: &Fleet, device: &mut Device) -> Done {
    let out = match device.request(&fleet.hub_id, usalama_core::wire::CHUNK_BYTES) {
        Ok(out) => out,
        Err(e) => {
            return Done {
                latency: Duration::ZERO,
                sent: 0,
                result: Err(Failure::protocol("synthetic request", e)),
            }
        }
    };
    let started = Instant::now();
    let answer = post(
        &fleet.link,
        "/v1/sync",
        "application/octet-stream",
        out.body,
    )
    .await;
    let latency = started.elapsed();
    let result = answer
        .and_then(|bytes| device.apply(&bytes, &fleet.hub_key, &out.tag, out.up_to, &fleet.keys));
    Done {
        latency,
        sent: out.entries,
        result,
    }
}

/// POSTs `body` to the hub and returns the answer's bytes when it is 200.
pub async fn post(
    link: &Link,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Result<Vec<u8>, Failure> {
    let response = link
        .client
        .post(format!("{}{path}", link.url))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .map_err(network)?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await.map_err(network)?;
    if status == 200 {
        return Ok(bytes.to_vec());
    }
    let detail = serde_json::from_slice::<ErrorBody>(&bytes).ok();
    let code = detail.as_ref().map_or("-", |d| d.error.code.as_str());
    let message = detail.as_ref().map_or_else(
        || String::from_utf8_lossy(&bytes).into_owned(),
        |d| d.error.message.clone(),
    );
    let kind = format!("{status} {code}");
    // What a hub says when it takes no more for now: the load being measured.
    let under_load = matches!(status, 408 | 429 | 500..=599);
    Err(if under_load {
        Failure::load(kind, message)
    } else {
        Failure::protocol(&kind, message)
    })
}

fn network(e: reqwest::Error) -> Failure {
    let why = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else {
        "broken"
    };
    Failure::load(format!("network: {why}"), e)
}
