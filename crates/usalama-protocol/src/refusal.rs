//! Why the hub refuses a request: one code each, with its HTTP status, shared by the hub that
//! answers it and the client that reads it. Every refusal's body is [`ErrorBody`]:
//! `{"error": {"code": "…", "message": "…"}}`; the message is for people, the code for programs.

use serde::{Deserialize, Serialize};

macro_rules! refusals {
    ($( $(#[$doc:meta])* $name:ident => $code:literal, $status:literal; )+) => {
        /// A refusal's reason, as the hub answers it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Refusal {
            $( $(#[$doc])* $name, )+
        }

        impl Refusal {
            /// Every refusal, in the order they are declared.
            pub const ALL: &'static [Refusal] = &[$(Refusal::$name),+];

            /// The machine-readable code in the answer's body (and the hub's metric label).
            pub fn code(self) -> &'static str {
                match self { $( Refusal::$name => $code, )+ }
            }

            /// The HTTP status the hub answers it with.
            pub fn status(self) -> u16 {
                match self { $( Refusal::$name => $status, )+ }
            }

            /// The refusal of a code, if this version knows it.
            pub fn parse(code: &str) -> Option<Refusal> {
                match code { $( $code => Some(Refusal::$name), )+ _ => None }
            }
        }
    };
}

refusals! {
    /// The request is not what the protocol's framing or JSON allows.
    Malformed => "malformed", 400;
    /// A value in the request is not one the hub accepts (the message names it).
    Invalid => "invalid", 400;
    /// A frame of a protocol version this hub does not speak.
    Protocol => "protocol", 426;
    /// A bundle or request of an older Usalama: update it.
    Outdated => "outdated", 426;
    /// A body larger than its route takes.
    TooLarge => "too_large", 413;
    /// A body that arrived too slowly.
    TooSlow => "too_slow", 408;
    /// The hub is working on as many requests as it may: try again shortly.
    Busy => "busy", 429;
    /// This address sent more requests than its rate.
    RateLimited => "rate_limited", 429;
    /// This device sent more bytes today than its daily budget.
    OverBudget => "over_budget", 429;
    /// No enrolled device has this id (or it is the hub's own).
    UnknownDevice => "unknown_device", 401;
    /// The request's (or the enrollment proof's) signature is not its device's.
    Unauthenticated => "unauthenticated", 401;
    /// An entry's or a bundle's signature does not match its content.
    BadSignature => "bad_signature", 422;
    /// The device was revoked.
    Revoked => "revoked", 403;
    /// The device waits for the administrator's approval.
    PendingApproval => "pending_approval", 403;
    /// An enrollment code that is not one the hub issued.
    BadCode => "bad_code", 403;
    /// An enrollment code past its date.
    ExpiredCode => "expired_code", 403;
    /// An enrollment code already used.
    AlreadyEnrolled => "already_enrolled", 409;
    /// A request counter the hub has already seen.
    Replayed => "replayed", 409;
    /// Entries under numbers the hub holds with other content.
    Fork => "fork", 409;
    /// Entries that do not continue what the hub holds of their device.
    Gap => "gap", 409;
    /// Entries that do not link to each other.
    BrokenChain => "broken_chain", 422;
    /// Entries of a device the hub does not know.
    UnknownAuthor => "unknown_author", 422;
    /// A bundle for another hub.
    WrongHub => "wrong_hub", 400;
    /// A file that is not a device's bundle for this hub.
    WrongBundle => "wrong_bundle", 400;
    /// An officer's invite without the agency.
    AgencyRequired => "agency_required", 400;
    /// No person has this id.
    UnknownPerson => "unknown_person", 400;
    /// No unit has this id.
    UnknownUnit => "unknown_unit", 400;
    /// No report has this id.
    UnknownReport => "unknown_report", 400;
    /// A report's source in the clear, where only a sealed one may travel.
    SourceInClear => "source_in_clear", 400;
    /// A unit placed under its own descendant.
    UnitLoop => "unit_loop", 400;
    /// An approval of a device that is not waiting for one.
    NotPending => "not_pending", 400;
    /// A device id prefix that matches several devices.
    Ambiguous => "ambiguous", 400;
    /// An output file that exists already (the administrator's commands never overwrite one).
    Exists => "exists", 400;
    /// No release of this version (or this delta) is published for the device's machine, or
    /// it was withdrawn.
    NoRelease => "no_release", 404;
    /// Bytes asked beyond the end of a package or a delta.
    BadRange => "bad_range", 416;
    /// A release whose signature or package does not verify, or a version already published.
    BadRelease => "bad_release", 400;
    /// The hub had a problem of its own; the cause is in its log.
    Internal => "internal", 500;
}

/// The body of every refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

impl ErrorBody {
    pub fn new(refusal: Refusal, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: refusal.code().to_owned(),
                message: message.into(),
            },
        }
    }

    /// The refusal its code names, if this version knows it.
    pub fn refusal(&self) -> Option<Refusal> {
        Refusal::parse(&self.error.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_unique_and_reads_back_with_a_refusing_status() {
        let mut codes: Vec<&str> = Refusal::ALL.iter().map(|r| r.code()).collect();
        for refusal in Refusal::ALL {
            assert_eq!(Refusal::parse(refusal.code()), Some(*refusal));
            assert!((400..600).contains(&refusal.status()), "{refusal:?}");
        }
        codes.sort_unstable();
        let all = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), all, "two refusals share a code");
        assert_eq!(Refusal::parse("no_such_code"), None);
    }

    #[test]
    fn the_error_body_round_trips() {
        let body = ErrorBody::new(Refusal::Revoked, "this device has been revoked");
        let text = serde_json::to_string(&body).expect("json");
        assert_eq!(
            text,
            r#"{"error":{"code":"revoked","message":"this device has been revoked"}}"#
        );
        let back: ErrorBody = serde_json::from_str(&text).expect("read");
        assert_eq!(back.refusal(), Some(Refusal::Revoked));
    }
}
