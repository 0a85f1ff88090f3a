//! Alerts received as a hub receives them (decode, find the device by key id, open, the
//! device's window): 10,000 damaged, forged, re-addressed and replayed alerts, not one taken,
//! each refused with its reason; and one alert delivered many times, taken once.

use std::collections::{BTreeMap, HashMap};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use time::Duration;

use super::bits::Bits;
use super::tests::{keys, raid, units, NOW};
use super::*;

/// A hub with its enrolled devices' keys and their windows.
struct Hub {
    keys: HashMap<KeyId, (usize, AlertKey)>,
    windows: Vec<ReplayWindow>,
}

impl Hub {
    /// Devices 1 and 2 are enrolled; every other is not (another county's, or revoked).
    fn new() -> Hub {
        let keys = [1, 2]
            .into_iter()
            .enumerate()
            .map(|(i, seed)| {
                let (_, at_hub) = keys(seed);
                (at_hub.id(), (i, at_hub))
            })
            .collect();
        Hub {
            keys,
            windows: vec![ReplayWindow::new(); 2],
        }
    }

    fn receive(&mut self, text: &str) -> Result<Opened, Refusal> {
        let header = decode(text)?;
        let (device, key) = self
            .keys
            .get(&header.key_id())
            .ok_or(Refusal::UnknownDevice)?;
        let opened = open(&header, key, units())?;
        self.windows[*device].admit(opened.counter, opened.alert.sent_at, NOW)?;
        Ok(opened)
    }
}

/// The alert numbered `counter` of device `seed`, sent `ago` before now, in both forms.
fn sent(seed: u8, counter: u32, ago: Duration) -> [String; 2] {
    let (device, _) = keys(seed);
    let alert = Alert {
        sent_at: NOW - ago,
        occurred_at: NOW - ago - Duration::minutes(30),
        note: Note::parse(&format!("Alert {counter}: raiders seen crossing at Kases")).expect("ok"),
        ..raid()
    };
    [Form::Full, Form::Short].map(|form| encode(&alert, &device, counter, form).expect("encoded"))
}

/// The text of `header` as it would be sent.
fn render(header: &Header) -> String {
    let mut payload = Bits::default();
    payload.put(u64::from(header.key_id.get()), KEY_ID_BITS);
    for byte in header.tag {
        payload.put(u64::from(byte), 8);
    }
    payload.extend(&header.sealed);
    text::render(header.form, header.version, &payload)
}

/// A forgery of `form` under `key_id`: random tag and ciphertext (the short form with a right
/// check character, so that only the tag stands in the way).
fn forged(rng: &mut StdRng, form: Form, key_id: KeyId) -> String {
    let width = match form {
        Form::Full => text::FULL_PAYLOAD_BITS,
        Form::Short => text::SHORT_PAYLOAD_BITS,
    };
    let mut payload = Bits::default();
    payload.put(u64::from(key_id.get()), KEY_ID_BITS);
    while payload.len() < width {
        payload.push(rng.gen());
    }
    text::render(form, VERSION, &payload)
}

/// One random change of a character: its case, a space, a deletion, a cut, a swap, or another
/// character.
fn damage(rng: &mut StdRng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let at = rng.gen_range(0..chars.len().max(1));
    match rng.gen_range(0..7) {
        0 => {
            if let Some(c) = chars.get_mut(at) {
                *c = if c.is_ascii_uppercase() {
                    c.to_ascii_lowercase()
                } else {
                    c.to_ascii_uppercase()
                };
            }
        }
        1 => chars.insert(at, ' '),
        2 if !chars.is_empty() => {
            chars.remove(at);
        }
        3 => chars.truncate(at),
        4 if at + 1 < chars.len() => chars.swap(at, at + 1),
        5 if !chars.is_empty() => {
            let alphabet: &[u8] = if text.starts_with(FULL_PREFIX) {
                text::FULL_ALPHABET
            } else {
                text::SHORT_ALPHABET
            };
            chars[at] = char::from(alphabet[rng.gen_range(0..alphabet.len())]);
        }
        _ if !chars.is_empty() => chars[at] = char::from(rng.gen_range(b' '..=b'~')),
        _ => {}
    }
    chars.into_iter().collect()
}

#[test]
fn ten_thousand_damaged_forged_readdressed_and_replayed_alerts_are_all_refused() {
    let mut hub = Hub::new();
    let genuine: Vec<[String; 2]> = (100..140)
        .map(|n| sent(1, n, Duration::minutes(i64::from(140 - n))))
        .collect();
    for [full, short] in &genuine {
        hub.receive(full).expect("a genuine alert is taken");
        assert!(matches!(hub.receive(short), Err(Refusal::Duplicate { .. })));
    }
    let stale: Vec<[String; 2]> = (0..30).map(|n| sent(1, n, Duration::days(1))).collect();
    let old: Vec<[String; 2]> = (200..230).map(|n| sent(1, n, Duration::days(8))).collect();
    let stranger: Vec<[String; 2]> = (0..30).map(|n| sent(3, n, Duration::ZERO)).collect();
    let (_, second) = keys(2);
    let (chief, _) = keys(1);

    let mut rng = StdRng::seed_from_u64(16);
    let mut reasons: BTreeMap<&'static str, usize> = BTreeMap::new();
    for _ in 0..10_000 {
        let form = rng.gen_range(0..2);
        let pick = |pool: &[[String; 2]], rng: &mut StdRng| {
            pool[rng.gen_range(0..pool.len())][form].clone()
        };
        let original = pick(&genuine, &mut rng);
        let text = match rng.gen_range(0..10) {
            0..=3 => damage(&mut rng, &original),
            4 => (0..rng.gen_range(2..5)).fold(original, |t, _| damage(&mut rng, &t)),
            5 => {
                // The same sealed alert under the other enrolled device's key id.
                let header = decode(&original).expect("genuine");
                render(&Header {
                    key_id: second.id(),
                    ..header
                })
            }
            6 => {
                let other = pick(&genuine, &mut rng);
                let cut = rng.gen_range(1..original.len());
                format!("{}{}", &original[..cut], &other[cut.min(other.len())..])
            }
            7 => forged(
                &mut rng,
                if form == 0 { Form::Full } else { Form::Short },
                chief.id(),
            ),
            8 => [original, pick(&stale, &mut rng), pick(&old, &mut rng)][rng.gen_range(0..3)]
                .clone(),
            _ => pick(&stranger, &mut rng),
        };
        match hub.receive(&text) {
            Ok(opened) => panic!("taken: {text:?} as alert {}", opened.counter),
            Err(refusal) => *reasons.entry(refusal.code()).or_default() += 1,
        }
    }
    assert_eq!(reasons.values().sum::<usize>(), 10_000);
    for reason in [
        "not_an_alert",
        "bad_character",
        "bad_length",
        "bad_check",
        "unknown_device",
        "bad_tag",
        "duplicate",
        "replayed",
        "too_old",
    ] {
        assert!(
            reasons.contains_key(reason),
            "no {reason} among {reasons:?}"
        );
    }
    eprintln!("refusals: {reasons:?}");
    // Nothing refused moved the chief's window: its next alert is taken.
    assert_eq!(hub.windows[0].highest(), Some(139));
    let [next, _] = sent(1, 140, Duration::ZERO);
    assert_eq!(hub.receive(&next).map(|o| o.counter), Ok(140));
}

#[test]
fn an_alert_delivered_fifty_times_among_others_in_any_order_is_taken_once() {
    let mut hub = Hub::new();
    let mut deliveries: Vec<(u32, String)> = Vec::new();
    for n in 0..20 {
        let [full, short] = sent(1, n, Duration::minutes(i64::from(n)));
        for i in 0..50 {
            deliveries.push((
                n,
                if i % 2 == 0 {
                    full.clone()
                } else {
                    short.clone()
                },
            ));
        }
    }
    let [theirs, _] = sent(2, 0, Duration::ZERO);
    deliveries.push((1000, theirs));
    deliveries.shuffle(&mut StdRng::seed_from_u64(50));
    let mut taken: Vec<u32> = Vec::new();
    for (n, text) in &deliveries {
        match hub.receive(text) {
            Ok(opened) => {
                assert!(opened.counter == *n || *n == 1000);
                taken.push(*n);
            }
            Err(refusal) => assert!(matches!(refusal, Refusal::Duplicate { .. }), "{refusal}"),
        }
    }
    taken.sort_unstable();
    let mut expected: Vec<u32> = (0..20).collect();
    expected.push(1000);
    assert_eq!(taken, expected);
}
