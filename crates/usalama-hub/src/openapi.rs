//! The OpenAPI description served at `/openapi.json`, generated from the handlers' `#[utoipa::path]`
//! attributes (in [`crate::http`]) and the refusals each route may answer with.
//!
//! The refusals' responses are not written by hand: each route names the [`Refusal`]s it may
//! answer, and the description groups them by their HTTP status. Tests tie the description to
//! the router (every route, and no other) and to the protocol's refusals (every one is either
//! answered by a route or only by the administrator's commands).

use std::collections::BTreeMap;

use usalama_protocol::refusal::Refusal;
use usalama_protocol::release::{CHUNK_PATH, OFFER_PATH};
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::server::Server;
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToSchema};

/// The refusals a sync request may be answered with.
pub const SYNC_REFUSALS: &[Refusal] = &[
    Refusal::Malformed,
    Refusal::Invalid,
    Refusal::Protocol,
    Refusal::Outdated,
    Refusal::TooLarge,
    Refusal::TooSlow,
    Refusal::Busy,
    Refusal::RateLimited,
    Refusal::OverBudget,
    Refusal::UnknownDevice,
    Refusal::Unauthenticated,
    Refusal::BadSignature,
    Refusal::Revoked,
    Refusal::PendingApproval,
    Refusal::Replayed,
    Refusal::Fork,
    Refusal::Gap,
    Refusal::BrokenChain,
    Refusal::UnknownAuthor,
    Refusal::SourceInClear,
    Refusal::UnknownReport,
    Refusal::UnknownUnit,
    Refusal::Internal,
];

/// The refusals an enrollment may be answered with.
pub const ENROLL_REFUSALS: &[Refusal] = &[
    Refusal::Malformed,
    Refusal::Invalid,
    Refusal::TooLarge,
    Refusal::TooSlow,
    Refusal::Busy,
    Refusal::RateLimited,
    Refusal::Unauthenticated,
    Refusal::Revoked,
    Refusal::BadCode,
    Refusal::ExpiredCode,
    Refusal::AlreadyEnrolled,
    Refusal::UnknownPerson,
    Refusal::UnknownUnit,
    Refusal::Internal,
];

/// The refusals the update endpoint's offer may be answered with.
pub const OFFER_REFUSALS: &[Refusal] = &[
    Refusal::Malformed,
    Refusal::Invalid,
    Refusal::TooLarge,
    Refusal::TooSlow,
    Refusal::Busy,
    Refusal::RateLimited,
    Refusal::UnknownDevice,
    Refusal::Unauthenticated,
    Refusal::Revoked,
    Refusal::PendingApproval,
    Refusal::Internal,
];

/// The refusals a chunk of a release may be answered with.
pub const CHUNK_REFUSALS: &[Refusal] = &[
    Refusal::Malformed,
    Refusal::TooLarge,
    Refusal::TooSlow,
    Refusal::Busy,
    Refusal::RateLimited,
    Refusal::UnknownDevice,
    Refusal::Unauthenticated,
    Refusal::Revoked,
    Refusal::PendingApproval,
    Refusal::NoRelease,
    Refusal::BadRange,
    Refusal::Internal,
];

/// The refusals the SMS gateway's webhook may be answered with.
pub const WEBHOOK_REFUSALS: &[Refusal] = &[
    Refusal::Malformed,
    Refusal::TooLarge,
    Refusal::TooSlow,
    Refusal::Busy,
    Refusal::RateLimited,
    Refusal::Unauthenticated,
    Refusal::Internal,
];

/// The refusals only the administrator's commands (`usalama-hub …`) give: no route answers them.
pub const COMMAND_REFUSALS: &[Refusal] = &[
    Refusal::WrongHub,
    Refusal::WrongBundle,
    Refusal::AgencyRequired,
    Refusal::UnitLoop,
    Refusal::NotPending,
    Refusal::Ambiguous,
    Refusal::Exists,
    Refusal::BadRelease,
];

/// The routes that answer refusals, with their method and refusals.
const REFUSING_ROUTES: &[(&str, &[Refusal])] = &[
    ("/v1/sync", SYNC_REFUSALS),
    ("/v1/enroll", ENROLL_REFUSALS),
    (OFFER_PATH, OFFER_REFUSALS),
    (CHUNK_PATH, CHUNK_REFUSALS),
    ("/sms/inbound", WEBHOOK_REFUSALS),
];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Usalama county hub",
        version = "1",
        description = "The county hub gathers every enrolled device's signed entries and serves \
each device what it may see. Sync bodies are zstd-compressed binary frames (see docs/sync.md); \
every error is JSON {\"error\": {\"code\", \"message\"}}. Before a request is read, limits apply \
per address and hub-wide (429 busy or rate_limited, with Retry-After), each route has a body size \
(413 too_large) and a body must arrive at a minimum pace (408 too_slow). /health and /metrics are \
served on the administrator's address (serve --admin-listen, 127.0.0.1:7879 by default), not on \
the public one."
    ),
    paths(
        crate::http::sync,
        crate::http::enroll,
        crate::updates::offer,
        crate::updates::chunk,
        crate::webhook::inbound,
        crate::http::health,
        crate::http::metrics,
        crate::http::openapi
    ),
    components(schemas(
        EnrollRequestDoc,
        EnrolledDoc,
        SignedUpdateStateDoc,
        UpdateStateDoc,
        SignedChunkRequestDoc,
        ChunkRequestDoc,
        UpdateAnswerDoc,
        BudgetDoc,
        OfferDoc,
        DeltaDoc,
        InboundSmsDoc,
        TakenSmsDoc,
        HealthDoc
    )),
    modifiers(&Refusals)
)]
struct Description;

/// The description, as served.
pub fn description() -> String {
    Description::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"the description could not be written: {e}\"}}"))
}

/// An enrollment request (`usalama_protocol::wire::EnrollRequest`).
#[derive(ToSchema)]
#[schema(as = EnrollRequest)]
#[allow(dead_code)] // read by the description only
pub(crate) struct EnrollRequestDoc {
    /// The one-time code, e.g. K7QXM-4HDPR.
    code: String,
    /// The device's Ed25519 public key, 64 hex digits.
    public_key: String,
    /// Ed25519 signature (128 hex digits) of SHA-256("usalama.enroll\0" || canonical code ||
    /// public key).
    proof: String,
}

/// Who an enrolled device belongs to (`usalama_protocol::enrollment::Enrolled`).
#[derive(ToSchema)]
#[schema(as = Enrolled)]
#[allow(dead_code)] // read by the description only
pub(crate) struct EnrolledDoc {
    /// The hub's Ed25519 public key, hex.
    hub_key: String,
    name: String,
    /// chief, assistant_chief, elder, officer or admin.
    role: String,
    unit: Option<String>,
    /// nps, npr, kdf, nis, ngao or cso.
    agency: Option<String>,
    person: String,
    cleared: bool,
    /// The hub's clock, Unix milliseconds.
    hub_time: i64,
}

/// A device's update state, signed with its enrolled key
/// (`usalama_protocol::release::Signed<UpdateState>`).
#[derive(ToSchema)]
#[schema(as = SignedUpdateState)]
#[allow(dead_code)] // read by the description only
pub(crate) struct SignedUpdateStateDoc {
    /// The device's id, 32 hex digits.
    device: String,
    body: UpdateStateDoc,
    /// Ed25519 signature (128 hex digits) of SHA-256("usalama.release.offer.v1\0" || hub id ||
    /// device id || the body's JSON).
    signature: String,
}

/// What a device runs and fetches (`usalama_protocol::release::UpdateState`).
#[derive(ToSchema)]
#[schema(as = UpdateState)]
#[allow(dead_code)] // read by the description only
pub(crate) struct UpdateStateDoc {
    /// The version it runs, e.g. 0.2.0.
    running: String,
    /// Debian's name for its machine: amd64, arm64, i386.
    arch: String,
    /// The release it holds or is fetching.
    fetching: Option<String>,
    /// Why it cannot update: disk_full, no_installer, damaged, install_failed or
    /// no_release_key.
    problem: Option<String>,
}

/// A request for bytes of a release, signed with the device's enrolled key
/// (`usalama_protocol::release::Signed<ChunkRequest>`).
#[derive(ToSchema)]
#[schema(as = SignedChunkRequest)]
#[allow(dead_code)] // read by the description only
pub(crate) struct SignedChunkRequestDoc {
    /// The device's id, 32 hex digits.
    device: String,
    body: ChunkRequestDoc,
    /// Ed25519 signature (128 hex digits) of SHA-256("usalama.release.chunk.v1\0" || hub id ||
    /// device id || the body's JSON).
    signature: String,
}

/// Bytes of a package, or of its delta from `from` (`usalama_protocol::release::ChunkRequest`).
#[derive(ToSchema)]
#[schema(as = ChunkRequest)]
#[allow(dead_code)] // read by the description only
pub(crate) struct ChunkRequestDoc {
    /// The release, e.g. 0.3.0.
    version: String,
    /// The version a delta starts from; null for the package itself.
    from: Option<String>,
    offset: u64,
    /// At most 262144 bytes are answered.
    length: u32,
}

/// The update endpoint's answer (`usalama_protocol::release::UpdateAnswer`).
#[derive(ToSchema)]
#[schema(as = UpdateAnswer)]
#[allow(dead_code)] // read by the description only
pub(crate) struct UpdateAnswerDoc {
    budget: BudgetDoc,
    /// A newer release for the device; null when there is none.
    offer: Option<OfferDoc>,
}

/// The county's update budget per sync, in bytes; 18446744073709551615 sets no limit.
#[derive(ToSchema)]
#[schema(as = Budget)]
#[allow(dead_code)] // read by the description only
pub(crate) struct BudgetDoc {
    /// Over a link that costs money.
    metered: u64,
    /// When the hub is on the device's local network.
    lan: u64,
}

/// A release the device may fetch.
#[derive(ToSchema)]
#[schema(as = Offer)]
#[allow(dead_code)] // read by the description only
pub(crate) struct OfferDoc {
    /// The release file, exactly as the release key signed it.
    release: String,
    /// A delta from the version the device runs, if the hub keeps one.
    delta: Option<DeltaDoc>,
}

/// A delta from an older package to the offered one.
#[derive(ToSchema)]
#[schema(as = Delta)]
#[allow(dead_code)] // read by the description only
pub(crate) struct DeltaDoc {
    from: String,
    size: u64,
    /// SHA-256 of the delta, 64 hex digits.
    sha256: String,
}

/// An SMS the gateway phone received (`crate::webhook::Inbound`).
#[derive(ToSchema)]
#[schema(as = InboundSms)]
#[allow(dead_code)] // read by the description only
pub(crate) struct InboundSmsDoc {
    /// The gateway's id for the message, the same on every retry: 1 to 64 printable ASCII
    /// characters without spaces.
    id: String,
    /// The sender's number.
    from: String,
    text: String,
    /// When the phone received it, RFC 3339.
    received_at: String,
}

/// What became of an SMS the gateway posted.
#[derive(ToSchema)]
#[schema(as = TakenSms)]
#[allow(dead_code)] // read by the description only
pub(crate) struct TakenSmsDoc {
    /// accepted, refused or stored_before.
    status: String,
    /// The SMS refusal's code (e.g. bad_tag, duplicate, not_an_alert) when refused.
    code: Option<String>,
    /// The hub's number for the stored message (not with stored_before).
    message: Option<u64>,
}

/// The hub's health.
#[derive(ToSchema)]
#[schema(as = Health)]
#[allow(dead_code)] // read by the description only
pub(crate) struct HealthDoc {
    status: String,
    protocol: u32,
    version: String,
    /// sqlite or postgres.
    database: String,
    entries: u64,
    refused_entries: u64,
}

/// Adds the `Error` schema, whose code is one of the protocol's refusals, and each refusing
/// route's error responses, one per status.
struct Refusals;

impl Modify for Refusals {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let codes: Vec<&str> = Refusal::ALL.iter().map(|r| r.code()).collect();
        let detail = ObjectBuilder::new()
            .property(
                "code",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(codes)),
            )
            .required("code")
            .property("message", ObjectBuilder::new().schema_type(Type::String))
            .required("message");
        let error = ObjectBuilder::new()
            .property("error", detail)
            .required("error")
            .build();
        api.components
            .get_or_insert_with(Default::default)
            .schemas
            .insert("Error".to_owned(), error.into());
        let admin = Server::new("http://127.0.0.1:7879");
        for path in ["/health", "/metrics"] {
            if let Some(item) = api.paths.paths.get_mut(path) {
                item.servers = Some(vec![admin.clone()]);
            }
        }
        for (path, refusals) in REFUSING_ROUTES {
            if let Some(op) = api.paths.paths.get_mut(*path).and_then(|p| p.post.as_mut()) {
                add_refusals(op, refusals);
            }
        }
    }
}

fn add_refusals(op: &mut Operation, refusals: &[Refusal]) {
    let mut by_status: BTreeMap<u16, Vec<&str>> = BTreeMap::new();
    for r in refusals {
        by_status.entry(r.status()).or_default().push(r.code());
    }
    for (status, codes) in by_status {
        let listed: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
        let response = ResponseBuilder::new()
            .description(format!("Refused, with code {}.", listed.join(", ")))
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Error")))
                    .build(),
            )
            .build();
        op.responses
            .responses
            .insert(status.to_string(), response.into());
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;

    fn served_description() -> Value {
        serde_json::from_str(&description()).expect("the description is JSON")
    }

    #[test]
    fn the_description_names_every_route_the_routers_serve_and_no_other() {
        let api = served_description();
        let mut described = BTreeSet::new();
        for (path, item) in api["paths"].as_object().expect("paths") {
            for key in item.as_object().expect("a path item").keys() {
                // A path item holds its operations, by method, and its servers.
                if key != "servers" {
                    described.insert((path.clone(), key.clone()));
                }
            }
        }
        let served: BTreeSet<(String, String)> = crate::http::served()
            .into_iter()
            .map(|(p, m)| (p.to_owned(), m.to_owned()))
            .collect();
        assert_eq!(described, served);
    }

    #[test]
    fn every_refusal_is_answered_by_a_route_or_only_by_the_administrators_commands() {
        let mut placed: BTreeSet<&str> = COMMAND_REFUSALS.iter().map(|r| r.code()).collect();
        for (_, refusals) in REFUSING_ROUTES {
            for r in *refusals {
                assert!(
                    !COMMAND_REFUSALS.contains(r),
                    "{r:?} is both a route's and the commands' only"
                );
                placed.insert(r.code());
            }
        }
        let all: BTreeSet<&str> = Refusal::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(
            placed, all,
            "a refusal without its place in the description"
        );
    }

    #[test]
    fn the_error_responses_list_exactly_the_refusals_with_their_statuses() {
        let api = served_description();
        let codes = &api["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
            ["code"]["enum"];
        let codes: BTreeSet<&str> = codes
            .as_array()
            .expect("the codes")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let all: BTreeSet<&str> = Refusal::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes, all);
        for (path, refusals) in REFUSING_ROUTES {
            let responses = api["paths"][*path]["post"]["responses"]
                .as_object()
                .expect("responses");
            let mut listed = BTreeSet::new();
            for (status, response) in responses {
                let status: u16 = status.parse().expect("a status");
                let text = response["description"].as_str().expect("a description");
                if status < 400 {
                    continue;
                }
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/Error"
                );
                for code in text.split('`').skip(1).step_by(2) {
                    let refusal = Refusal::parse(code).expect("a refusal's code");
                    assert_eq!(refusal.status(), status, "{path} {code}");
                    listed.insert(refusal.code());
                }
            }
            let expected: BTreeSet<&str> = refusals.iter().map(|r| r.code()).collect();
            assert_eq!(listed, expected, "{path}");
        }
    }

    /// The schemas are written beside the wire types they describe: these hold them together.
    #[test]
    fn the_enrollment_schemas_name_the_wire_types_fields() {
        use usalama_protocol::domain::{Agency, Role};
        use usalama_protocol::enrollment::Enrolled;
        use usalama_protocol::wire::EnrollRequest;

        let api = served_description();
        let fields = |value: Value| -> BTreeSet<String> {
            value
                .as_object()
                .expect("an object")
                .keys()
                .cloned()
                .collect()
        };
        let request = EnrollRequest {
            code: "K7QXM-4HDPR".into(),
            public_key: "00".into(),
            proof: "00".into(),
        };
        let enrolled = Enrolled {
            hub_key: "00".into(),
            name: "Wanjiru".into(),
            role: Role::Chief,
            unit: None,
            agency: Some(Agency::Nps),
            person: "p".into(),
            cleared: false,
            hub_time: 0,
        };
        for (name, wire) in [
            (
                "EnrollRequest",
                serde_json::to_value(request).expect("json"),
            ),
            ("Enrolled", serde_json::to_value(enrolled).expect("json")),
        ] {
            let schema = api["components"]["schemas"][name]["properties"].clone();
            assert_eq!(fields(schema), fields(wire), "{name}");
        }
    }

    #[test]
    fn the_update_schemas_name_the_wire_types_fields() {
        use usalama_protocol::release::{
            Budget, ChunkRequest, Delta, Offer, Signed, UpdateAnswer, UpdateState,
        };

        let api = served_description();
        let fields = |value: &Value| -> BTreeSet<String> {
            value
                .as_object()
                .expect("an object")
                .keys()
                .cloned()
                .collect()
        };
        let v = |s: &str| s.parse().expect("version");
        let state = UpdateState {
            running: v("0.2.0"),
            arch: "amd64".into(),
            fetching: None,
            problem: None,
        };
        let ask = ChunkRequest {
            version: v("0.3.0"),
            from: None,
            offset: 0,
            length: 1,
        };
        let delta = Delta {
            from: v("0.2.0"),
            size: 1,
            sha256: String::new(),
        };
        let offer = Offer {
            release: String::new(),
            delta: Some(delta.clone()),
        };
        let answer = UpdateAnswer {
            budget: Budget::default(),
            offer: Some(offer.clone()),
        };
        let signed = |body: Value| Signed {
            device: String::new(),
            body,
            signature: String::new(),
        };
        for (name, wire) in [
            ("UpdateState", json(&state)),
            ("ChunkRequest", json(&ask)),
            ("SignedUpdateState", json(&signed(json(&state)))),
            ("SignedChunkRequest", json(&signed(json(&ask)))),
            ("UpdateAnswer", json(&answer)),
            ("Budget", json(&Budget::default())),
            ("Offer", json(&offer)),
            ("Delta", json(&delta)),
        ] {
            let schema = &api["components"]["schemas"][name]["properties"];
            assert_eq!(fields(schema), fields(&wire), "{name}");
        }
    }

    fn json(value: &impl serde::Serialize) -> Value {
        serde_json::to_value(value).expect("json")
    }
}
