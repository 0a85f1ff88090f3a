//! Alerts written and read back whole: both forms' round trips and sizes, the fields an
//! authentic but faulty alert can hold, and every way a text is refused.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use ed25519_dalek::SigningKey;
use proptest::prelude::*;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::alert::{KINDS, URGENCIES};
use super::bits::Bits;
use super::layout::{full_plain_bits, unit_ref};
use super::*;
use crate::domain::report::{Gps, Tally};
use crate::domain::taxonomy::{IncidentType, Species, Urgency};
use crate::error::Rule;
use crate::gazetteer;

pub(super) const NOW: OffsetDateTime = datetime!(2026-11-20 06:00 +3);

/// The hub's key for device `seed`, and the device's own.
pub(super) fn keys(seed: u8) -> (AlertKey, AlertKey) {
    let hub = SigningKey::from_bytes(&[200; 32]);
    let device = SigningKey::from_bytes(&[seed; 32]);
    (
        AlertKey::of_device(&device, &hub.verifying_key()).expect("device side"),
        AlertKey::of_hub(&hub, &device.verifying_key()).expect("hub side"),
    )
}

fn chief() -> &'static (AlertKey, AlertKey) {
    static KEYS: OnceLock<(AlertKey, AlertKey)> = OnceLock::new();
    KEYS.get_or_init(|| keys(1))
}

pub(super) fn units() -> &'static [Unit] {
    static UNITS: OnceLock<Vec<Unit>> = OnceLock::new();
    UNITS.get_or_init(gazetteer::shipped)
}

fn known(n: u32) -> Option<Tally> {
    Some(count(n).expect("a count"))
}

/// A flash raid at dawn, sent half an hour later: the example of INTERFACES.md.
pub(super) fn raid() -> Alert {
    Alert {
        kind: IncidentType::LivestockRaid,
        urgency: Urgency::Flash,
        unit: "ke-024-v-lami-nyeusi".into(),
        occurred_at: datetime!(2026-11-20 05:30 +3),
        sent_at: datetime!(2026-11-20 06:00 +3),
        killed: known(2),
        injured: known(1),
        abducted: known(0),
        stolen: BTreeMap::from([(Species::Cattle, count(150).expect("count"))]),
        estimate: true,
        position: Some(
            Position::from_gps(Gps {
                lat: 1.7321,
                lon: 35.5123,
            })
            .expect("gps"),
        ),
        note: Note::default(),
    }
}

/// Every figure at its largest and a position: the fullest fields an alert can have.
fn worst(figure: u32) -> Alert {
    Alert {
        kind: IncidentType::AttackOnSecurityForces,
        urgency: Urgency::Routine,
        unit: "ke-024-v-chemurlokotyo".into(),
        occurred_at: NOW - MAX_LEAD,
        killed: known(figure),
        injured: known(figure),
        abducted: known(figure),
        stolen: Species::ALL
            .iter()
            .map(|s| (*s, count(figure).expect("count")))
            .collect(),
        ..raid()
    }
}

fn note(text: &str) -> Note {
    Note::parse(text).expect("a note")
}

/// Characters that are GSM-7 at their ASCII codes and that no URI, HTML or form encoding
/// rewrites.
fn gateway_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == ' '
}

fn round_trip(alert: &Alert, form: Form) -> Result<(String, Opened), Refusal> {
    let (device, hub) = chief();
    let text = encode(alert, device, 7, form)?;
    let opened = open(&decode(&text)?, hub, units())?;
    Ok((text, opened))
}

#[test]
fn a_raid_with_a_sixty_character_note_fits_one_sms_and_reads_back() {
    let alert = Alert {
        note: note("About 40 armed raiders drove cattle toward the Turkwel river"),
        ..raid()
    };
    assert_eq!(alert.note.len(), 60);
    let (text, opened) = round_trip(&alert, Form::Full).expect("round trip");
    assert_eq!(text.chars().count(), 160);
    assert!(text.starts_with("U1"));
    assert!(text.chars().all(gateway_safe), "{text}");
    assert_eq!(opened, Opened { counter: 7, alert });
}

#[test]
fn the_room_for_a_note_is_81_at_worst_97_for_a_raid_and_105_at_most() {
    assert_eq!(note_room(&worst(100_000)), Ok(81));
    assert_eq!(note_room(&raid()), Ok(97));
    let bare = Alert {
        killed: None,
        injured: None,
        abducted: None,
        stolen: BTreeMap::new(),
        position: None,
        ..raid()
    };
    assert_eq!(note_room(&bare), Ok(105));
    // The worst case with the longest note it has room for is still one SMS, and so is a
    // 60-character note.
    for length in [60, 81] {
        let alert = Alert {
            note: note(&"x".repeat(length)),
            ..worst(100_000)
        };
        let (text, opened) = round_trip(&alert, Form::Full).expect("fits");
        assert_eq!(text.chars().count(), FULL_LENGTH);
        assert_eq!(opened.alert, alert);
    }
    let over = Alert {
        note: note(&"x".repeat(82)),
        ..worst(100_000)
    };
    assert_eq!(
        round_trip(&over, Form::Full).map(|_| ()),
        Err(Refusal::NoteTooLong {
            length: 82,
            room: 81
        })
    );
}

#[test]
fn the_short_form_is_sixty_characters_in_twelve_groups_for_a_raid_and_the_worst_case() {
    for alert in [raid(), worst(SHORT_FIGURE_LIMIT)] {
        let (text, opened) = round_trip(&alert, Form::Short).expect("round trip");
        let groups: Vec<&str> = text.split(' ').collect();
        assert_eq!(groups.len(), 12);
        assert!(groups.iter().all(|g| g.len() == 5));
        assert_eq!(text.replace(' ', "").len(), SHORT_LENGTH);
        assert!(text.starts_with('1'));
        assert_eq!(opened.alert, alert.without_position_and_note());
    }
    assert_eq!(
        round_trip(&worst(SHORT_FIGURE_LIMIT + 1), Form::Short).map(|_| ()),
        Err(Refusal::TooLargeForShortForm {
            field: "people.killed".into(),
            limit: SHORT_FIGURE_LIMIT
        })
    );
}

#[test]
fn every_single_mistyped_character_of_a_short_form_is_caught_by_the_check() {
    let (device, _) = chief();
    for counter in 0..4 {
        let text = encode(&raid(), device, counter, Form::Short).expect("encoded");
        let typed: Vec<char> = text.chars().filter(|c| *c != ' ').collect();
        for at in 1..typed.len() {
            for &symbol in text::SHORT_ALPHABET {
                let mut wrong = typed.clone();
                wrong[at] = char::from(symbol);
                if wrong[at] == typed[at] {
                    continue;
                }
                let wrong: String = wrong.into_iter().collect();
                assert_eq!(decode(&wrong), Err(Refusal::BadCheck), "{wrong}");
            }
        }
    }
}

#[test]
fn an_unknown_version_is_refused_as_such_in_either_form() {
    let (device, _) = chief();
    let full = encode(&raid(), device, 1, Form::Full).expect("encoded");
    let short = encode(&raid(), device, 1, Form::Short).expect("encoded");
    assert_eq!(
        decode(&full.replacen("U1", "U2", 1)),
        Err(Refusal::UnknownVersion { version: '2' })
    );
    assert_eq!(
        decode(&format!("3{}", &short[1..])),
        Err(Refusal::UnknownVersion { version: '3' })
    );
}

#[test]
fn another_devices_key_finds_no_device_and_forged_key_ids_fail_the_tag() {
    let (device, _) = chief();
    let (_, other_at_hub) = keys(2);
    assert_ne!(other_at_hub.id(), device.id());
    let text = encode(&raid(), device, 1, Form::Full).expect("encoded");
    let header = decode(&text).expect("decoded");
    assert_eq!(header.key_id(), device.id());
    assert_eq!(
        open(&header, &other_at_hub, units()),
        Err(Refusal::UnknownDevice)
    );
    // The same sealed alert claiming the other device's key id.
    let forged = Header {
        key_id: other_at_hub.id(),
        ..header
    };
    assert_eq!(open(&forged, &other_at_hub, units()), Err(Refusal::BadTag));
}

#[test]
fn an_alert_for_a_unit_the_hub_lacks_or_cannot_tell_apart_is_refused() {
    let (device, hub) = chief();
    let alert = Alert {
        unit: "ke-024-u-0a1b2c3d4e".into(),
        ..raid()
    };
    let header = decode(&encode(&alert, device, 1, Form::Full).expect("encoded")).expect("ok");
    assert!(matches!(
        open(&header, hub, units()),
        Err(Refusal::Field(p)) if p.rule == Rule::UnknownUnit && p.field == "unit"
    ));
    // Two ids with the same 32-bit reference (found by trying ids in turn).
    let mut seen: HashMap<u32, String> = HashMap::new();
    let (a, b) = (0u32..)
        .map(|n| format!("ke-024-u-{n:x}"))
        .find_map(|id| {
            let r = unit_ref(&id);
            seen.get(&r)
                .map(|other| (other.clone(), id.clone()))
                .or_else(|| {
                    seen.insert(r, id);
                    None
                })
        })
        .expect("a collision");
    let mut both = units().to_vec();
    for id in [&a, &b] {
        both.push(Unit {
            id: id.clone(),
            name: id.clone(),
            kind: "village".into(),
            parent: Some(gazetteer::COUNTY.into()),
            sw_name: None,
            code: None,
            retired: false,
        });
    }
    let alert = Alert {
        unit: a.clone(),
        ..raid()
    };
    let header = decode(&encode(&alert, device, 1, Form::Full).expect("encoded")).expect("ok");
    assert_eq!(
        open(&header, hub, &both),
        Err(Refusal::AmbiguousUnit { units: vec![a, b] })
    );
}

#[test]
fn fields_an_alert_cannot_carry_are_refused_when_it_is_written() {
    let (device, _) = chief();
    let write = |alert: Alert| encode(&alert, device, 1, Form::Full).map(|_| ());
    let field = |alert: Alert| match write(alert) {
        Err(Refusal::Field(p)) => (p.field, p.rule),
        other => panic!("{other:?}"),
    };
    let older = Alert {
        occurred_at: NOW - MAX_LEAD - Duration::minutes(1),
        ..raid()
    };
    assert_eq!(field(older), ("occurred_at".into(), Rule::TooEarly));
    let ahead = Alert {
        occurred_at: NOW + Duration::minutes(11),
        ..raid()
    };
    assert_eq!(field(ahead), ("occurred_at".into(), Rule::Future));
    let early = Alert {
        sent_at: EPOCH - Duration::minutes(1),
        occurred_at: EPOCH - Duration::minutes(1),
        ..raid()
    };
    assert_eq!(field(early), ("sent_at".into(), Rule::Other));
    let no_unit = Alert {
        unit: "Lami Nyeusi".into(),
        ..raid()
    };
    assert_eq!(field(no_unit), ("unit".into(), Rule::UnknownUnit));
    assert_eq!(
        encode(&raid(), device, MAX_COUNTER + 1, Form::Short),
        Err(Refusal::CounterExhausted)
    );
    // Ten minutes ahead is the report parser's tolerance, and seconds are dropped.
    let within = Alert {
        occurred_at: NOW + Duration::minutes(10),
        sent_at: NOW + Duration::seconds(59),
        ..raid()
    };
    let (_, opened) = round_trip(&within, Form::Full).expect("taken");
    assert_eq!(opened.alert.sent_at, NOW);
    assert_eq!(opened.alert.occurred_at, NOW + Duration::minutes(10));
}

/// Seals `plain` (a full-form plaintext, padded here) as `encode` would, whatever it holds.
fn seal_raw(mut plain: Bits, key: &AlertKey) -> String {
    plain.pad_to(full_plain_bits());
    let tag = key.tag(&clear_bytes(Form::Full, VERSION, key.id()), &plain);
    key.apply_stream(&tag, &mut plain);
    let mut payload = Bits::default();
    payload.put(u64::from(key.id().get()), KEY_ID_BITS);
    for byte in tag {
        payload.put(u64::from(byte), 8);
    }
    payload.extend(&plain);
    text::render(Form::Full, VERSION, &payload)
}

/// A full-form plaintext: the raid's first 96 bits with some of them replaced, then `rest`.
fn raw(replace: &[(usize, u32, u64)], rest: &[(u64, u32)]) -> Bits {
    let mut head = Bits::default();
    for (width, value) in [
        (18, 1),
        (25, 1_000_000),
        (14, 40),
        (6, 0),
        (32, u64::from(unit_ref("ke-024"))),
        (1, 0),
    ] {
        head.put(value, width);
    }
    let mut plain = Bits::default();
    let mut at = 0;
    while at < head.len() {
        if let Some(&(_, width, value)) = replace.iter().find(|(from, _, _)| *from == at) {
            plain.put(value, width);
            at += width as usize;
        } else {
            plain.push(head.bit(at));
            at += 1;
        }
    }
    for &(value, width) in rest {
        plain.put(value, width);
    }
    plain
}

#[test]
fn an_authentic_alert_holding_what_no_encoder_writes_is_refused_by_the_report_rules() {
    let (device, hub) = chief();
    let none = [(0, 2); 8];
    let fields_then =
        |tail: &[(u64, u32)]| -> Vec<(u64, u32)> { none.iter().chain(tail).copied().collect() };
    let empty_tail = fields_then(&[(0, 1), (0, 7)]);
    let open_raw = |plain: Bits| {
        open(
            &decode(&seal_raw(plain, device)).expect("decoded"),
            hub,
            units(),
        )
    };
    assert!(
        open_raw(raw(&[], &empty_tail)).is_ok(),
        "the baseline opens"
    );
    let field = |plain: Bits| match open_raw(plain) {
        Err(Refusal::Field(p)) => (p.field, p.rule),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field(raw(&[(57, 6, 63)], &empty_tail)),
        ("type".into(), Rule::Choice)
    );
    assert_eq!(
        field(raw(&[(43, 14, 16_383)], &empty_tail)),
        ("occurred_at".into(), Rule::TooEarly)
    );
    assert_eq!(
        field(raw(&[(63, 32, 0)], &empty_tail)),
        ("unit".into(), Rule::UnknownUnit)
    );
    let huge: Vec<(u64, u32)> = [(0b11, 2), (100_001, 17)]
        .into_iter()
        .chain(none[1..].iter().copied())
        .chain([(0, 1), (0, 7)])
        .collect();
    assert_eq!(
        field(raw(&[], &huge)),
        ("people.killed".into(), Rule::Count)
    );
    assert_eq!(
        field(raw(
            &[],
            &fields_then(&[(1, 1), ((1 << 30) - 1, 30), (0, 7)])
        ))
        .1,
        Rule::Gps
    );
    assert_eq!(
        field(raw(&[], &fields_then(&[(0, 1), (1, 7), (95, 7)]))),
        ("note".into(), Rule::Characters)
    );
    let malformed = |plain: Bits| matches!(open_raw(plain), Err(Refusal::Malformed { .. }));
    let long_small: Vec<(u64, u32)> = [(0b11, 2), (5, 17)]
        .into_iter()
        .chain(none[1..].iter().copied())
        .chain([(0, 1), (0, 7)])
        .collect();
    assert!(malformed(raw(&[], &long_small)));
    assert!(malformed(raw(&[], &fields_then(&[(0, 1), (127, 7)]))));
    assert!(malformed(raw(&[], &fields_then(&[(0, 1), (0, 7), (1, 1)]))));
}

fn figure() -> impl Strategy<Value = Option<Tally>> {
    prop_oneof![
        Just(None),
        Just(Some(Tally::UNKNOWN)),
        (0u32..16).prop_map(known),
        (16u32..=SHORT_FIGURE_LIMIT).prop_map(known),
        (SHORT_FIGURE_LIMIT + 1..=100_000).prop_map(known),
    ]
}

prop_compose! {
    fn any_alert()(
        kind in 0..KINDS.len(),
        urgency in 0..URGENCIES.len(),
        unit in 0..units().len(),
        sent in 0i64..(1 << 25),
        lead in -10i64..=MAX_LEAD.whole_minutes(),
        figures in proptest::collection::vec(figure(), 8),
        estimate: bool,
        position in proptest::option::of((-9000i32..=9000, -18000i32..=18000)),
        text in "[ -~]{0,81}",
    ) -> Alert {
        let sent_at = EPOCH + Duration::minutes(sent);
        let species = Species::ALL.iter().zip(&figures[3..]);
        Alert {
            kind: KINDS[kind],
            urgency: URGENCIES[urgency],
            unit: units()[unit].id.clone(),
            occurred_at: sent_at - Duration::minutes(lead),
            sent_at,
            killed: figures[0],
            injured: figures[1],
            abducted: figures[2],
            stolen: species.filter_map(|(s, t)| t.map(|t| (*s, t))).collect(),
            estimate,
            position: position.map(|(lat, lon)| {
                Position::from_gps(Gps { lat: f64::from(lat) / 100.0, lon: f64::from(lon) / 100.0 })
                    .expect("in range")
            }),
            note: Note::parse(&text).expect("printable"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_alert_reads_back_from_the_full_form_as_it_was_written(
        alert in any_alert(), counter in 0..=MAX_COUNTER,
    ) {
        let (device, hub) = chief();
        let text = encode(&alert, device, counter, Form::Full).expect("fits");
        prop_assert_eq!(text.chars().count(), FULL_LENGTH);
        prop_assert!(text.chars().all(gateway_safe));
        let opened = open(&decode(&text).expect("decoded"), hub, units()).expect("opened");
        prop_assert_eq!(&opened, &Opened { counter, alert: alert.clone() });
        // Written again, the same alert is the same text: a re-sent alert is a duplicate.
        prop_assert_eq!(encode(&opened.alert, device, counter, Form::Full), Ok(text));
    }

    #[test]
    fn every_alert_reads_back_from_the_short_form_without_its_note_and_position(
        alert in any_alert(), counter in 0..=MAX_COUNTER,
    ) {
        let (device, hub) = chief();
        let too_large = alert.figures().iter().any(|(_, f)| {
            f.and_then(Tally::known).is_some_and(|n| n > SHORT_FIGURE_LIMIT)
        });
        match encode(&alert, device, counter, Form::Short) {
            Err(Refusal::TooLargeForShortForm { .. }) => prop_assert!(too_large),
            Err(other) => prop_assert!(false, "refused: {other}"),
            Ok(text) => {
                prop_assert!(!too_large);
                prop_assert_eq!(text.replace(' ', "").len(), SHORT_LENGTH);
                let opened = open(&decode(&text).expect("decoded"), hub, units()).expect("opened");
                prop_assert_eq!(opened.counter, counter);
                prop_assert_eq!(opened.alert, alert.without_position_and_note());
            }
        }
    }

    #[test]
    fn decoding_any_text_never_panics(text in "\\PC{0,200}", short in "[0-9A-Za-z -]{0,80}") {
        let _ = decode(&text);
        let _ = decode(&short);
        let _ = decode(&format!("U1{text}"));
    }
}
