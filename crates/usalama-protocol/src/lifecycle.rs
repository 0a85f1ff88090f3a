//! The response to a report, as entries agency officers record and sync like reports:
//! acknowledge, assign, update, close, reopen, link. The state of the response is folded from
//! those entries in the ledger's fold order, the same on every device and on the hub.
//!
//! # Rules
//!
//! Who may do what is INTERFACES.md's table: an officer acknowledges for their own agency;
//! the county commissioner's office (`ngao`) assigns the lead and supporting agencies; the lead,
//! a supporting agency or `ngao` posts updates; the lead or `ngao` closes and reopens; any
//! officer links two reports of one incident. The fold applies each rule to the state at that
//! point, so an entry written by a role that may not, or about a state that no longer holds
//! (closing a closed report), stays in the timeline and changes nothing, on every device alike.
//!
//! # Concurrency
//!
//! A later assignment supersedes an earlier one. An assignment names the one it replaces (the
//! latest its writer had seen): two assignments replacing the same one were made without
//! knowing of each other, and when they name different leads the state says so (`contested`)
//! while the later one in fold order leads.

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::domain::text::{self, Lines, Origin};
use crate::domain::{Agency, Role};
use crate::error::{Broken, Error, Result, Rule};
use crate::ledger::{DeviceId, Entry, EntryKind, ReportId};
use crate::Problems;

/// How a closed report ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Resolved,
    FalseAlarm,
    Duplicate,
    NoActionPossible,
}

impl Outcome {
    pub const ALL: &'static [Outcome] = &[
        Outcome::Resolved,
        Outcome::FalseAlarm,
        Outcome::Duplicate,
        Outcome::NoActionPossible,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Resolved => "resolved",
            Outcome::FalseAlarm => "false_alarm",
            Outcome::Duplicate => "duplicate",
            Outcome::NoActionPossible => "no_action_possible",
        }
    }

    pub fn parse(text: &str) -> std::result::Result<Outcome, String> {
        Outcome::ALL
            .iter()
            .copied()
            .find(|o| o.as_str() == text)
            .ok_or_else(|| {
                format!(
                    "unknown outcome {text:?}; allowed: resolved, false_alarm, duplicate, \
                     no_action_possible"
                )
            })
    }
}

/// The statuses of a report, in the order of its life: `pending` and `received` on the
/// device (waiting to send, held by the hub), the rest folded from the response.
pub const STATUSES: &[&str] = &[
    "pending",
    "received",
    "acknowledged",
    "responding",
    "closed",
];

/// One step of the response.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Acknowledge {
        agency: Agency,
    },
    Assign {
        lead: Agency,
        support: Vec<Agency>,
        /// The entry hash (hex) of the assignment this one replaces, if any.
        replaces: Option<String>,
    },
    Update {
        note: String,
        responding: bool,
    },
    Close {
        outcome: Outcome,
        note: Option<String>,
        figures: Option<Map<String, Value>>,
    },
    Reopen {
        note: String,
    },
    Link {
        other: ReportId,
    },
}

/// The longest note, in characters.
pub const MAX_NOTE: usize = 2_000;

impl Action {
    pub fn kind(&self) -> EntryKind {
        match self {
            Action::Acknowledge { .. } => EntryKind::Acknowledged,
            Action::Assign { .. } => EntryKind::Assigned,
            Action::Update { .. } => EntryKind::Updated,
            Action::Close { .. } => EntryKind::Closed,
            Action::Reopen { .. } => EntryKind::Reopened,
            Action::Link { .. } => EntryKind::Linked,
        }
    }

    /// The entry body.
    pub fn body(&self) -> Value {
        match self {
            Action::Acknowledge { agency } => json!({ "agency": agency }),
            Action::Assign {
                lead,
                support,
                replaces,
            } => json!({ "lead": lead, "support": support, "replaces": replaces }),
            Action::Update { note, responding } => json!({
                "note": note,
                "status": if *responding { Some("responding") } else { None },
            }),
            Action::Close {
                outcome,
                note,
                figures,
            } => json!({ "outcome": outcome, "note": note, "figures": figures }),
            Action::Reopen { note } => json!({ "note": note }),
            Action::Link { other } => json!({ "other": other.to_string() }),
        }
    }

    /// Reads an entry as an action; `None` for other kinds or a body that does not parse.
    pub fn of(entry: &Entry) -> Option<Action> {
        let body = entry.body_json()?;
        let text = |k: &str| body.get(k).and_then(Value::as_str);
        let agency = |k: &str| text(k).and_then(|a| Agency::parse(a).ok());
        Some(match entry.kind {
            EntryKind::Acknowledged => Action::Acknowledge {
                agency: agency("agency")?,
            },
            EntryKind::Assigned => Action::Assign {
                lead: agency("lead")?,
                support: body
                    .get("support")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().and_then(|s| Agency::parse(s).ok()))
                            .collect()
                    })
                    .unwrap_or_default(),
                replaces: text("replaces").map(str::to_owned),
            },
            EntryKind::Updated => Action::Update {
                note: text("note")?.to_owned(),
                responding: text("status") == Some("responding"),
            },
            EntryKind::Closed => Action::Close {
                outcome: Outcome::parse(text("outcome")?).ok()?,
                note: text("note").map(str::to_owned),
                figures: body.get("figures").and_then(Value::as_object).cloned(),
            },
            EntryKind::Reopened => Action::Reopen {
                note: text("note")?.to_owned(),
            },
            EntryKind::Linked => Action::Link {
                other: ReportId::parse(text("other")?)?,
            },
            _ => return None,
        })
    }

    /// Reads a step's body strictly, in the form [`Action::body`] writes: the fields of its
    /// kind and no others, each of its type. [`Action::of`] reads leniently for display; this
    /// is what a received step must pass (see [`crate::admission`]).
    pub fn parse_body(kind: EntryKind, body: &Value) -> std::result::Result<Action, String> {
        let allowed = step_fields(kind)?;
        let Some(map) = body.as_object() else {
            return Err("the body must be a JSON object".into());
        };
        if let Some(k) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(format!(
                "unknown field {k:?}; a {} body holds {}",
                kind.name(),
                allowed.join(", ")
            ));
        }
        let body = StepBody(map);
        match kind {
            EntryKind::Acknowledged => Ok(Action::Acknowledge {
                agency: Agency::parse(&body.required("agency")?)?,
            }),
            EntryKind::Assigned => body.assignment(),
            EntryKind::Updated => body.update(),
            EntryKind::Closed => body.closing(),
            EntryKind::Reopened => Ok(Action::Reopen {
                note: body.required("note")?,
            }),
            _ => body.link(),
        }
    }

    /// Checks what a person typed, naming each field at fault.
    pub fn check(&self) -> Result<()> {
        self.check_as(Origin::Author)
    }

    /// Checks a step written by `origin`: the notes' lengths (and, for an author, their
    /// characters), the closing figures, and an assignment's agencies.
    pub fn check_as(&self, origin: Origin) -> Result<()> {
        let mut problems = Problems::default();
        let mut note = |field: &str, note: &str, required: bool| {
            if required && note.trim().is_empty() {
                problems.add(
                    field,
                    Broken::new(
                        Rule::Required,
                        "is required: say what happened, in a few words",
                    ),
                );
            } else if note.chars().count() > MAX_NOTE {
                problems.add(
                    field,
                    Broken::new(
                        Rule::TooLong,
                        format!("must be at most {MAX_NOTE} characters"),
                    )
                    .up_to(MAX_NOTE as u64),
                );
            } else if origin == Origin::Author {
                if let Err(message) = text::check(note, Lines::Many) {
                    problems.add(field, Broken::new(Rule::Characters, message));
                }
            }
        };
        match self {
            Action::Update { note: n, .. } | Action::Reopen { note: n } => note("--note", n, true),
            Action::Close {
                note: n, figures, ..
            } => {
                if let Some(n) = n {
                    note("--note", n, false);
                }
                if let Some(figures) = figures {
                    if let Err(found) =
                        crate::domain::parse_figures(&Value::Object(figures.clone()))
                    {
                        problems.extend(found.within("--figures"));
                    }
                }
            }
            Action::Assign { lead, support, .. } if support.contains(lead) => problems.push(
                "--support",
                format!("names the lead agency {lead}; list only the agencies supporting it"),
            ),
            _ => {}
        }
        problems.into_result()
    }
}

/// The fields a step's body of `kind` may hold; an error for a kind that is not a step.
fn step_fields(kind: EntryKind) -> std::result::Result<&'static [&'static str], String> {
    Ok(match kind {
        EntryKind::Acknowledged => &["agency"],
        EntryKind::Assigned => &["lead", "support", "replaces"],
        EntryKind::Updated => &["note", "status"],
        EntryKind::Closed => &["outcome", "note", "figures"],
        EntryKind::Reopened => &["note"],
        EntryKind::Linked => &["other"],
        other => {
            return Err(format!(
                "{} is not a step of a report's response",
                other.name()
            ))
        }
    })
}

/// A step's body, known to hold only its kind's fields, read field by field.
struct StepBody<'a>(&'a Map<String, Value>);

impl StepBody<'_> {
    fn text(&self, k: &str) -> std::result::Result<Option<String>, String> {
        match self.0.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("{k} must be text")),
        }
    }

    fn required(&self, k: &str) -> std::result::Result<String, String> {
        self.text(k)?.ok_or_else(|| format!("{k} is required"))
    }

    fn assignment(&self) -> std::result::Result<Action, String> {
        let support = match self.0.get("support") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                let mut support = Vec::with_capacity(items.len());
                for item in items {
                    let a = item.as_str().ok_or("support must list agencies")?;
                    support.push(Agency::parse(a)?);
                }
                support
            }
            Some(_) => return Err("support must be a list of agencies".into()),
        };
        let replaces = self.text("replaces")?;
        if let Some(r) = &replaces {
            if r.len() != 64 || !r.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err("replaces must be an entry hash (64 hex digits)".into());
            }
        }
        Ok(Action::Assign {
            lead: Agency::parse(&self.required("lead")?)?,
            support,
            replaces,
        })
    }

    fn update(&self) -> std::result::Result<Action, String> {
        Ok(Action::Update {
            note: self.required("note")?,
            responding: match self.text("status")?.as_deref() {
                None => false,
                Some("responding") => true,
                Some(other) => {
                    return Err(format!(
                        "status must be \"responding\" or null (got {other:?})"
                    ))
                }
            },
        })
    }

    fn closing(&self) -> std::result::Result<Action, String> {
        Ok(Action::Close {
            outcome: Outcome::parse(&self.required("outcome")?)?,
            note: self.text("note")?,
            figures: match self.0.get("figures") {
                None | Some(Value::Null) => None,
                Some(Value::Object(figures)) => Some(figures.clone()),
                Some(_) => return Err("figures must be an object".into()),
            },
        })
    }

    fn link(&self) -> std::result::Result<Action, String> {
        let other = self.required("other")?;
        Ok(Action::Link {
            other: ReportId::parse(&other)
                .ok_or_else(|| format!("other must be a report id (got {other:?})"))?,
        })
    }
}

/// Who wrote an entry, as the hub's chain announced the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub role: Role,
    pub agency: Option<Agency>,
}

/// The state of the response to one report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Response {
    /// `acknowledged`, `responding` or `closed`; `None` before any step.
    pub status: Option<&'static str>,
    pub acknowledged_by: Vec<Agency>,
    pub lead: Option<Agency>,
    pub supporting: Vec<Agency>,
    pub outcome: Option<Outcome>,
    /// The closure's figures (livestock recovered, arrests, ...), as the lead recorded them.
    pub figures: Option<Map<String, Value>>,
    /// Reports linked to this one as the same incident.
    pub linked: Vec<ReportId>,
    /// Two assignments made without knowledge of each other named different leads: the
    /// leads they named, the one leading (the later in fold order) first.
    pub contested: Vec<Agency>,
    /// The hash (hex) of the assignment in force, for the next one to name as replaced.
    pub assignment: Option<String>,
    responded: bool,
}

impl Response {
    /// Why `actor` may not take `action` now, or `None` when it may.
    pub fn refusal(&self, actor: &Actor, action: &Action) -> Option<String> {
        if actor.role != Role::Officer {
            return Some(format!(
                "only agency officers act on a report's response; this device's role is {}",
                actor.role
            ));
        }
        let Some(mine) = actor.agency else {
            return Some("an officer's device must belong to an agency".into());
        };
        let involved = self.lead == Some(mine) || self.supporting.contains(&mine);
        match action {
            Action::Acknowledge { agency } if *agency != mine => Some(format!(
                "an officer acknowledges for their own agency ({mine}), not for {agency}"
            )),
            Action::Acknowledge { .. } => None,
            Action::Assign { .. } if mine != Agency::Ngao => {
                Some("only the county commissioner's office (ngao) names the lead agency".into())
            }
            Action::Update { .. } if !(involved || mine == Agency::Ngao) => Some(format!(
                "only the lead agency, a supporting agency or ngao posts updates; {mine} is \
                 neither"
            )),
            Action::Close { .. } if self.status == Some("closed") => {
                Some("the report is already closed; reopen it first".into())
            }
            Action::Reopen { .. } if self.status != Some("closed") => {
                Some("only a closed report can be reopened".into())
            }
            Action::Close { .. } | Action::Reopen { .. }
                if !(self.lead == Some(mine) || mine == Agency::Ngao) =>
            {
                Some(format!(
                    "only the lead agency or ngao closes or reopens a report; {mine} is not the \
                     lead"
                ))
            }
            _ => None,
        }
    }

    fn apply(
        &mut self,
        action: &Action,
        hash: String,
        assignments: &mut Vec<(Option<String>, Agency)>,
    ) {
        match action {
            Action::Acknowledge { agency } => {
                if !self.acknowledged_by.contains(agency) {
                    self.acknowledged_by.push(*agency);
                }
                self.status.get_or_insert("acknowledged");
            }
            Action::Assign {
                lead,
                support,
                replaces,
            } => {
                // Siblings: assignments replacing the same one, each made without the other.
                let rivals: Vec<Agency> = assignments
                    .iter()
                    .filter(|(r, l)| r == replaces && l != lead)
                    .map(|(_, l)| *l)
                    .collect();
                assignments.push((replaces.clone(), *lead));
                self.contested = if rivals.is_empty() {
                    Vec::new()
                } else {
                    let mut c = vec![*lead];
                    for rival in rivals {
                        if !c.contains(&rival) {
                            c.push(rival);
                        }
                    }
                    c
                };
                self.lead = Some(*lead);
                self.supporting = support.clone();
                self.assignment = Some(hash);
                if self.status != Some("closed") {
                    self.status = Some(if self.responded {
                        "responding"
                    } else {
                        "acknowledged"
                    });
                }
            }
            Action::Update { responding, .. } => {
                if *responding {
                    self.responded = true;
                }
                if self.status != Some("closed") {
                    self.status = Some(if self.responded {
                        "responding"
                    } else {
                        "acknowledged"
                    });
                }
            }
            Action::Close {
                outcome, figures, ..
            } => {
                self.status = Some("closed");
                self.outcome = Some(*outcome);
                self.figures = figures.clone();
            }
            Action::Reopen { .. } => {
                self.outcome = None;
                self.figures = None;
                self.status = Some(if self.responded {
                    "responding"
                } else {
                    "acknowledged"
                });
            }
            Action::Link { other } => {
                if !self.linked.contains(other) {
                    self.linked.push(*other);
                }
            }
        }
    }
}

/// What the fold made of each lifecycle entry: its effect, or why it had none.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub device: DeviceId,
    pub seq: u64,
    pub refused: Option<String>,
}

/// Folds a report's lifecycle entries, sorted in fold order, into the response state.
/// `actor` tells who wrote each entry (`None`: a device this store does not know, whose entry
/// then has no effect).
pub fn fold(
    entries: &[&Entry],
    actor: impl Fn(&DeviceId) -> Option<Actor>,
) -> (Response, Vec<Step>) {
    let mut state = Response::default();
    let mut steps = Vec::new();
    let mut assignments = Vec::new();
    for entry in entries {
        let Some(action) = Action::of(entry) else {
            continue;
        };
        let refused = match actor(&entry.device) {
            None => Some("written by a device this store does not know".into()),
            Some(a) => state.refusal(&a, &action),
        };
        if refused.is_none() {
            state.apply(&action, entry.hash().to_string(), &mut assignments);
        }
        steps.push(Step {
            device: entry.device,
            seq: entry.seq,
            refused,
        });
    }
    (state, steps)
}

/// Parses a `--figures` file: closing figures (see [`crate::domain::figures`]), e.g.
/// `{"livestock": [{"species": "cattle", "recovered": 60}], "arrests": 2}`.
pub fn parse_figures(text: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => crate::domain::parse_figures(&value)
            .map_err(|problems| Error::Invalid(problems.within("--figures"))),
        Err(e) => Err(Error::invalid("--figures", format!("is not JSON: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Draft, Hash};
    use ed25519_dalek::SigningKey;
    use std::collections::HashMap;

    struct Officers {
        keys: HashMap<Agency, SigningKey>,
        seq: u64,
    }

    impl Officers {
        fn new() -> Officers {
            let keys = Agency::ALL
                .iter()
                .enumerate()
                .map(|(i, a)| (*a, SigningKey::from_bytes(&[i as u8 + 40; 32])))
                .collect();
            Officers { keys, seq: 0 }
        }

        fn entry(&mut self, by: Agency, action: Action, at: i64) -> Entry {
            self.seq += 1;
            let draft = Draft {
                kind: action.kind(),
                subject: Some(ReportId([1; 10])),
                body: serde_json::to_vec(&action.body()).expect("json"),
            };
            Entry::sign(draft, &self.keys[&by], self.seq, Hash::GENESIS, at)
        }

        fn actor(&self) -> impl Fn(&DeviceId) -> Option<Actor> + '_ {
            |d| {
                self.keys
                    .iter()
                    .find(|(_, k)| DeviceId::of(&k.verifying_key()) == *d)
                    .map(|(a, _)| Actor {
                        role: Role::Officer,
                        agency: Some(*a),
                    })
            }
        }
    }

    fn assign(lead: Agency, replaces: Option<String>) -> Action {
        Action::Assign {
            lead,
            support: vec![],
            replaces,
        }
    }

    #[test]
    fn the_lifecycle_moves_through_its_statuses() {
        let mut o = Officers::new();
        let ack = o.entry(
            Agency::Nps,
            Action::Acknowledge {
                agency: Agency::Nps,
            },
            1,
        );
        let lead = o.entry(Agency::Ngao, assign(Agency::Kdf, None), 2);
        let update = o.entry(
            Agency::Kdf,
            Action::Update {
                note: "team at the river".into(),
                responding: true,
            },
            3,
        );
        let close = o.entry(
            Agency::Kdf,
            Action::Close {
                outcome: Outcome::Resolved,
                note: None,
                figures: None,
            },
            4,
        );
        let entries = [&ack, &lead, &update, &close];
        let mut statuses = Vec::new();
        for n in 1..=entries.len() {
            statuses.push(fold(&entries[..n], o.actor()).0.status);
        }
        assert_eq!(
            statuses,
            [
                Some("acknowledged"),
                Some("acknowledged"),
                Some("responding"),
                Some("closed")
            ]
        );
        let (state, steps) = fold(&entries, o.actor());
        assert_eq!(state.lead, Some(Agency::Kdf));
        assert_eq!(state.outcome, Some(Outcome::Resolved));
        assert!(steps.iter().all(|s| s.refused.is_none()));
    }

    #[test]
    fn steps_the_table_does_not_allow_change_nothing() {
        let mut o = Officers::new();
        let wrong_agency = o.entry(
            Agency::Nps,
            Action::Acknowledge {
                agency: Agency::Kdf,
            },
            1,
        );
        let not_ngao = o.entry(Agency::Nps, assign(Agency::Nps, None), 2);
        let not_lead = o.entry(
            Agency::Cso,
            Action::Close {
                outcome: Outcome::FalseAlarm,
                note: None,
                figures: None,
            },
            3,
        );
        let reopen_open = o.entry(Agency::Ngao, Action::Reopen { note: "x".into() }, 4);
        let entries = [&wrong_agency, &not_ngao, &not_lead, &reopen_open];
        let (state, steps) = fold(&entries, o.actor());
        assert_eq!(state, Response::default());
        assert!(steps.iter().all(|s| s.refused.is_some()), "{steps:?}");
        // A chief is no officer.
        let chief = Actor {
            role: Role::Chief,
            agency: None,
        };
        assert!(Response::default()
            .refusal(
                &chief,
                &Action::Acknowledge {
                    agency: Agency::Nps
                }
            )
            .is_some());
    }

    #[test]
    fn closing_twice_is_refused_and_a_reopened_report_can_close_again() {
        let mut o = Officers::new();
        let close = |o: &mut Officers, at| {
            o.entry(
                Agency::Ngao,
                Action::Close {
                    outcome: Outcome::Duplicate,
                    note: None,
                    figures: None,
                },
                at,
            )
        };
        let first = close(&mut o, 1);
        let second = close(&mut o, 2);
        let reopen = o.entry(
            Agency::Ngao,
            Action::Reopen {
                note: "more cattle found".into(),
            },
            3,
        );
        let third = close(&mut o, 4);
        let (state, steps) = fold(&[&first, &second, &reopen, &third], o.actor());
        assert_eq!(state.status, Some("closed"));
        let refused: Vec<bool> = steps.iter().map(|s| s.refused.is_some()).collect();
        assert_eq!(refused, [false, true, false, false]);
    }

    #[test]
    fn two_assignments_made_at_once_are_shown_as_a_disagreement() {
        let mut o = Officers::new();
        let first = o.entry(Agency::Ngao, assign(Agency::Nps, None), 1);
        let (state, _) = fold(&[&first], o.actor());
        assert!(state.contested.is_empty());
        // Two later assignments, each replacing the first without knowing of the other.
        let a = o.entry(
            Agency::Ngao,
            assign(Agency::Kdf, state.assignment.clone()),
            5,
        );
        let b = o.entry(
            Agency::Ngao,
            assign(Agency::Npr, state.assignment.clone()),
            6,
        );
        let (state, _) = fold(&[&first, &a, &b], o.actor());
        assert_eq!(state.lead, Some(Agency::Npr), "the later one leads");
        assert_eq!(state.contested, [Agency::Npr, Agency::Kdf]);
        // A third that knew of the later one settles it.
        let c = o.entry(
            Agency::Ngao,
            assign(Agency::Kdf, state.assignment.clone()),
            7,
        );
        let (state, _) = fold(&[&first, &a, &b, &c], o.actor());
        assert_eq!(state.lead, Some(Agency::Kdf));
        assert!(state.contested.is_empty());
    }
}
