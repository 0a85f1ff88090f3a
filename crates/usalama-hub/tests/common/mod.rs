//! What the SMS tests share: a chief enrolled at a hub, and the flash raid the chief alerts.

use ed25519_dalek::{Signer, SigningKey};
use time::OffsetDateTime;
use usalama_hub::hub::InviteRequest;
use usalama_hub::Hub;
use usalama_protocol::domain::report::{Count, Tally};
use usalama_protocol::domain::taxonomy::{IncidentType, Species, Urgency};
use usalama_protocol::domain::Role;
use usalama_protocol::enrollment::enrollment_proof_digest;
use usalama_protocol::sms::{Alert, AlertKey, Note};
use usalama_protocol::wire::EnrollRequest;

/// Enrolls Chief Lokwang of Lami Nyeusi (always the same device key) and gives the key the
/// chief's alerts are made under.
pub fn enroll_chief(hub: &Hub) -> AlertKey {
    let invite = hub
        .invite(&InviteRequest {
            name: "Chief Lokwang".into(),
            role: Role::Chief,
            unit: "ke-024-v-lami-nyeusi".into(),
            agency: None,
            cleared: false,
            person: None,
            hours: 1,
        })
        .expect("invited");
    let key = SigningKey::from_bytes(&[9; 32]);
    let public = key.verifying_key().to_bytes();
    hub.enroll(&EnrollRequest {
        proof: hex::encode(
            key.sign(&enrollment_proof_digest(&invite.code, &public))
                .to_bytes(),
        ),
        code: invite.code,
        public_key: hex::encode(public),
    })
    .expect("enrolled");
    AlertKey::of_device(&key, &hub.public_key()).expect("alert key")
}

/// A flash raid on Lami Nyeusi 40 minutes ago, alerted 5 minutes ago: `cattle` head stolen.
pub fn raid(cattle: u32) -> Alert {
    let now = OffsetDateTime::now_utc().replace_second(0).expect("minute");
    Alert {
        kind: IncidentType::LivestockRaid,
        urgency: Urgency::Flash,
        unit: "ke-024-v-lami-nyeusi".into(),
        occurred_at: now - time::Duration::minutes(40),
        sent_at: now - time::Duration::minutes(5),
        killed: None,
        injured: None,
        abducted: None,
        stolen: [(
            Species::Cattle,
            Tally::Known(Count::parse(&serde_json::json!(cattle)).expect("count")),
        )]
        .into(),
        estimate: false,
        position: None,
        note: Note::parse("Raiders seen near the dam").expect("note"),
    }
}
