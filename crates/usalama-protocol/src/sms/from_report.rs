//! An alert made from a report document: the fields a flash alert carries, read off the
//! parsed report, and the note the chief typed or else the narrative's beginning.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use super::alert::{count, Alert, Position};
use super::layout::note_room;
use super::note::Note;
use super::refusal::Refusal;
use crate::domain::report::{PeopleFigure, Report, Tally};
use crate::error::{Broken, Rule};

impl Alert {
    /// The alert of `report`, made at `sent_at` (the device's clock corrected by the hub's).
    ///
    /// People figures: a number is known, `null` unknown, and a split into men, women and
    /// children is its known total when every part it gives is known (unknown otherwise).
    /// Heads stolen by species, with the estimate flag of those figures. The note is `note`
    /// when given (folded; refused when it does not fit), or else the narrative's beginning,
    /// folded and cut to the room the full form leaves. A report without a unit cannot be
    /// alerted: the alert names a unit of the gazetteer, never a place.
    pub fn from_report(
        report: &Report,
        note: Option<&str>,
        sent_at: OffsetDateTime,
    ) -> Result<Alert, Refusal> {
        let unit = report.unit.clone().ok_or_else(|| {
            Refusal::field(
                "unit",
                Broken::new(
                    Rule::Required,
                    "an alert names the report's unit; the report gives only a place: add its \
                     unit (an amendment) and make the alert again",
                ),
            )
        })?;
        let figure = |name: &str, f: &Option<PeopleFigure>| {
            f.as_ref().map(|f| people_total(name, f)).transpose()
        };
        let mut stolen = BTreeMap::new();
        let mut estimate = false;
        for head in &report.livestock {
            if let Some(tally) = head.stolen {
                stolen.insert(head.species, tally);
                estimate |= head.estimate;
            }
        }
        let mut alert = Alert {
            kind: report.kind,
            urgency: report.urgency,
            unit,
            occurred_at: report.occurred_at.get(),
            sent_at,
            killed: figure("people.killed", &report.people.killed)?.flatten(),
            injured: figure("people.injured", &report.people.injured)?.flatten(),
            abducted: figure("people.abducted", &report.people.abducted)?.flatten(),
            stolen,
            estimate,
            position: report.gps.map(Position::from_gps).transpose()?,
            note: Note::default(),
        };
        let room = note_room(&alert)?;
        alert.note = match note {
            Some(text) => {
                let note = Note::parse(text)?;
                if note.len() > room {
                    return Err(Refusal::NoteTooLong {
                        length: note.len(),
                        room,
                    });
                }
                note
            }
            None => Note::beginning_of(&report.narrative, room),
        };
        Ok(alert)
    }
}

/// A people figure as one tally: a split's parts added when each part given is known. A split
/// that gives no part says nothing (`None`).
fn people_total(field: &str, figure: &PeopleFigure) -> Result<Option<Tally>, Refusal> {
    let split = match figure {
        PeopleFigure::Total(tally) => return Ok(Some(*tally)),
        PeopleFigure::Split(split) => split,
    };
    let parts: Vec<Tally> = [split.men, split.women, split.children]
        .into_iter()
        .flatten()
        .collect();
    if parts.is_empty() {
        return Ok(None);
    }
    let known: Option<Vec<u32>> = parts.iter().map(|t| t.known()).collect();
    let Some(known) = known else {
        return Ok(Some(Tally::UNKNOWN));
    };
    let total: u32 = known.iter().sum();
    count(total).map(Some).map_err(|refusal| match refusal {
        Refusal::Field(mut problem) => {
            problem.field = field.to_owned();
            Refusal::Field(problem)
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};
    use time::macros::datetime;

    use super::*;
    use crate::domain::taxonomy::{IncidentType, Species, Urgency};
    use crate::sms::{decode, encode, open, AlertKey, Form};

    const SENT: OffsetDateTime = datetime!(2026-11-20 06:00 +03:00);

    fn raid() -> Value {
        json!({
            "type": "livestock_raid", "urgency": "flash",
            "occurred_at": "2026-11-20T05:30:00+03:00", "unit": "ke-024-v-lami-nyeusi",
            "place": "Lami Nyeusi, near the borehole",
            "gps": {"lat": 1.7321, "lon": 35.5123},
            "narrative": "About 40 armed raiders drove cattle towards the river at dawn. \
                          They came from the north and crossed at the borehole before first light.",
            "people": {"killed": 2, "injured": {"men": 1, "women": null}, "abducted": 0},
            "livestock": [
                {"species": "cattle", "stolen": 150, "estimate": true},
                {"species": "goats", "stolen": null},
                {"species": "sheep", "recovered": 3}
            ]
        })
    }

    fn report(doc: &Value) -> Report {
        Report::parse(doc, SENT).expect("a valid report")
    }

    fn known(n: u32) -> Option<Tally> {
        Some(count(n).expect("a count"))
    }

    #[test]
    fn a_raid_gives_its_fields_unknown_kept_unknown_and_the_narratives_beginning() {
        let alert = Alert::from_report(&report(&raid()), None, SENT).expect("an alert");
        assert_eq!(alert.kind, IncidentType::LivestockRaid);
        assert_eq!(alert.urgency, Urgency::Flash);
        assert_eq!(alert.unit, "ke-024-v-lami-nyeusi");
        assert_eq!(alert.occurred_at, datetime!(2026-11-20 05:30 +03:00));
        assert_eq!(alert.killed, known(2));
        assert_eq!(alert.injured, Some(Tally::UNKNOWN));
        assert_eq!(alert.abducted, known(0));
        assert_eq!(alert.stolen.get(&Species::Cattle), known(150).as_ref());
        assert_eq!(alert.stolen.get(&Species::Goats), Some(&Tally::UNKNOWN));
        assert_eq!(alert.stolen.get(&Species::Sheep), None);
        assert!(alert.estimate);
        assert_eq!(
            alert.position.map(|p| (p.lat(), p.lon())),
            Some((1.73, 35.51))
        );
        let room = note_room(&alert).expect("room");
        assert!(
            alert.note.len() <= room && alert.note.len() + 12 > room,
            "{room}"
        );
        assert!(alert.note.as_str().starts_with("About 40 armed raiders"));
        assert!(report(&raid()).narrative.starts_with(alert.note.as_str()));
        let key = AlertKey::of_device(
            &ed25519_dalek::SigningKey::from_bytes(&[1; 32]),
            &ed25519_dalek::SigningKey::from_bytes(&[2; 32]).verifying_key(),
        )
        .expect("a key");
        let text = encode(&alert, &key, 1, Form::Full).expect("fits");
        let units = crate::gazetteer::shipped();
        let opened = open(&decode(&text).expect("decoded"), &key, &units).expect("opened");
        assert_eq!(opened.alert, alert);
    }

    #[test]
    fn a_split_is_its_total_when_every_part_is_known() {
        let mut doc = raid();
        doc["people"] = json!({"killed": {"men": 2, "women": 1, "children": 3},
                               "injured": {"children": 4}, "abducted": {}});
        let alert = Alert::from_report(&report(&doc), None, SENT).expect("an alert");
        assert_eq!(alert.killed, known(6));
        assert_eq!(alert.injured, known(4));
        assert_eq!(alert.abducted, None);
    }

    #[test]
    fn a_typed_note_is_kept_folded_and_refused_when_it_does_not_fit() {
        let r = report(&raid());
        let alert =
            Alert::from_report(&r, Some("Ng\u{2019}ombe 150  wameibwa"), SENT).expect("an alert");
        assert_eq!(alert.note.as_str(), "Ng'ombe 150 wameibwa");
        let refused = Alert::from_report(&r, Some(&"x".repeat(120)), SENT);
        assert!(matches!(
            refused,
            Err(Refusal::NoteTooLong { length: 120, .. })
        ));
        let refused = Alert::from_report(&r, Some("raid 🐄"), SENT);
        assert!(matches!(refused, Err(Refusal::NoteCharacter { at: 6, .. })));
    }

    #[test]
    fn a_report_without_a_unit_cannot_be_alerted() {
        let mut doc = raid();
        doc.as_object_mut().expect("an object").remove("unit");
        let refused = Alert::from_report(&report(&doc), None, SENT);
        assert!(
            matches!(&refused, Err(Refusal::Field(p)) if p.field == "unit" && p.rule == Rule::Required),
            "{refused:?}"
        );
    }
}
