//! `invite`: a one-time enrollment code for a person's device, and the enrollment string
//! that carries it with the hub's address.

use clap::Args;
use serde_json::json;
use usalama_hub::hub::{InviteRequest, DEFAULT_INVITE_HOURS};
use usalama_protocol::domain::{Agency, Role};
use usalama_protocol::enrollment::Enrollment;

use super::{open, print_json, usage, Failure};

#[derive(Debug, Args)]
pub(crate) struct InviteArgs {
    #[arg(long)]
    name: String,
    /// chief, assistant_chief, elder, officer or admin.
    #[arg(long)]
    role: String,
    #[arg(long)]
    unit: String,
    /// Required for officers: nps, npr, kdf, nis, ngao or cso.
    #[arg(long)]
    agency: Option<String>,
    /// The person may read restricted sections (sources).
    #[arg(long)]
    cleared: bool,
    /// A new laptop for an existing person (see `devices list`): it receives that person's
    /// reports and their responses, and may add to them; the person's other devices are
    /// revoked when it enrolls.
    #[arg(long)]
    person: Option<String>,
    /// Hours until the code expires.
    #[arg(long, default_value_t = DEFAULT_INVITE_HOURS)]
    expires_hours: u32,
    /// The hub address for the enrollment string (default: the one `serve` recorded).
    #[arg(long)]
    address: Option<String>,
    /// The SHA-256 fingerprint (64 hex digits) of the certificate devices meet, when TLS ends
    /// at a proxy in front of the hub (default: the one `serve` recorded).
    #[arg(long, value_name = "HEX")]
    cert_sha256: Option<String>,
}

pub(crate) fn run(db: &str, args: InviteArgs, json: bool) -> Result<(), Failure> {
    let role = Role::parse(&args.role).map_err(|e| usage(format!("--role: {e}")))?;
    let agency = args
        .agency
        .as_deref()
        .map(Agency::parse)
        .transpose()
        .map_err(|e| usage(format!("--agency: {e}")))?;
    let hub = open(db)?;
    let (recorded, recorded_cert) = hub.address()?;
    let address = args.address.or(recorded);
    let cert = args.cert_sha256.or(recorded_cert);
    let code = hub.invite(&InviteRequest {
        name: args.name,
        role,
        unit: args.unit,
        agency,
        cleared: args.cleared,
        person: args.person,
        hours: args.expires_hours,
    })?;
    let enrollment = address
        .as_deref()
        .map(|url| Enrollment::new(url, &code.code, cert.as_deref()))
        .transpose()
        .map_err(|e| usage(e.to_string()))?;
    if json {
        print_json(&json!({
            "code": code.code,
            "enrollment": enrollment.map(|e| e.to_string()),
            "person": code.person,
            "expires_at": usalama_protocol::clock::format_ms(code.expires_at),
        }));
    } else {
        say!("{}", code.code);
    }
    Ok(())
}
