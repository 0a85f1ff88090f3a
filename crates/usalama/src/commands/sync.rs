//! Talking to the county hub over the network: enrolling this device, and one sync.

use std::path::Path;

use usalama_core::enrollment::Enrollment;

use super::unlock::{open, print_json};
use crate::args::EnrollArgs;
use crate::failure::Failure;

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure {
            status: 1,
            message: format!("could not start the network client: {e}"),
        })
}

pub(super) fn enroll(home: &Path, args: EnrollArgs, json: bool) -> Result<(), Failure> {
    let enrollment = match (&args.string, &args.hub, &args.code) {
        (Some(text), _, _) => Enrollment::parse(text)?,
        (None, Some(hub), Some(code)) => Enrollment::new(hub, code, args.cert_sha256.as_deref())?,
        _ => {
            return Err(Failure::usage(
                "give --string ENROLLMENT, or --hub URL and --code CODE",
            ))
        }
    };
    let store = open(home)?;
    store.may_enroll()?;
    let store = std::sync::Mutex::new(store);
    let enrolled = runtime()?.block_on(usalama_core::sync::enroll(&store, &enrollment))?;
    if json {
        return print_json(&enrolled);
    }
    say!(
        "Enrolled with the county hub at {} as {} ({}{}), unit {}.",
        enrollment.url,
        enrolled.name,
        enrolled.role,
        enrolled
            .agency
            .map(|a| format!(", {a}"))
            .unwrap_or_default(),
        enrolled.unit.as_deref().unwrap_or("-")
    );
    say!("Run `usalama sync` to send and receive reports.");
    Ok(())
}

pub(super) fn sync(home: &Path, hub: Option<&str>, json: bool) -> Result<(), Failure> {
    let store = std::sync::Mutex::new(open(home)?);
    let report = runtime()?.block_on(usalama_core::sync::sync(
        &store,
        hub,
        usalama_core::sync::RetryPolicy::default(),
    ));
    if json {
        print_json(&report)?;
    } else if report.complete {
        say!(
            "Sync complete: {} sent, {} received.",
            report.sent,
            report.received
        );
    } else {
        say!(
            "Sync did not complete: {} sent, {} received before it stopped.",
            report.sent,
            report.received
        );
    }
    if !json {
        tell_update(&report.update);
    }
    match report.error {
        None => Ok(()),
        Some(e) => Err(Failure {
            status: if e.kind == usalama_core::store::FailureKind::Integrity {
                3
            } else {
                4
            },
            message: e.message,
        }),
    }
}

/// One line about updates, when a sync did something about them.
fn tell_update(update: &usalama_core::update::UpdateReport) {
    if let Some(why) = &update.refused {
        say!("Update refused: {why}");
    }
    if let Some(p) = &update.problem {
        say!("Update problem ({}): {}", p.problem.code(), p.message);
    }
    match update.version {
        Some(v) if update.ready => {
            say!("Version {v} is ready. It will be installed when you next close Usalama (`usalama update install`).");
        }
        Some(v) if update.fetched > 0 || update.offered.is_some() => say!(
            "Update to version {v}: {} of {} bytes here ({} fetched now).",
            update.held,
            update.total,
            update.fetched
        ),
        _ => {}
    }
}
