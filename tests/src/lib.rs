//! Shared pieces of the integration tests, the benchmarks and their helper binaries.

// A test story reads best top to bottom: the function-length limit is for the crates.
#![allow(clippy::too_many_lines)]

pub mod bench;
pub mod hub;
pub mod link;
pub mod load;
pub mod postgres;
pub mod release;

use serde_json::{json, Value};

/// A valid report document; `n` varies its narrative and counts.
pub fn report_doc(n: u64) -> Value {
    json!({
        "type": if n.is_multiple_of(3) { "livestock_raid" } else { "early_warning" },
        "urgency": "urgent",
        "occurred_at": "2026-11-20T05:30:00+03:00",
        "unit": "ke-024-v-takaywa",
        "place": format!("Borehole number {n}"),
        "narrative": format!("Report {n}: herders moved towards the river at dawn."),
        "people": {"killed": n % 4, "injured": null},
        "livestock": [{"species": "cattle", "stolen": n % 200, "estimate": true}]
    })
}

/// A report of about 600 bytes of JSON, like the ones chiefs file: varied types, units, counts
/// and 40 to 60 words of narrative.
pub fn realistic_report(rng: &mut impl rand::Rng, n: u64) -> Value {
    const WORDS: &[&str] = &[
        "raiders",
        "cattle",
        "goats",
        "river",
        "borehole",
        "dawn",
        "herders",
        "armed",
        "village",
        "elders",
        "road",
        "market",
        "school",
        "tracks",
        "footprints",
        "gunshots",
        "night",
        "hills",
        "kraal",
        "fled",
        "towards",
        "border",
        "police",
        "reservists",
        "camp",
        "women",
        "children",
        "injured",
        "missing",
        "morning",
        "water",
        "pasture",
        "drought",
        "migration",
        "warriors",
        "songs",
        "spies",
        "price",
        "bridge",
        "valley",
        "motorbike",
        "lorry",
        "ambush",
        "highway",
        "the",
        "of",
        "and",
        "to",
        "near",
        "were",
        "from",
    ];
    const TYPES: &[&str] = &[
        "livestock_raid",
        "livestock_theft",
        "armed_clash",
        "killing",
        "road_ambush",
        "early_warning",
        "firearm",
        "peace_meeting",
    ];
    const UNITS: &[&str] = &[
        "ke-024-v-takaywa",
        "ke-024-l-ombolion",
        "ke-024-v-chekurio",
        "ke-024-v-apuko",
        "ke-024-w0651",
        "ke-024-w0652",
    ];
    let words: Vec<&str> = (0..rng.gen_range(35..50))
        .map(|_| WORDS[rng.gen_range(0..WORDS.len())])
        .collect();
    let urgency = ["flash", "urgent", "routine"][rng.gen_range(0..3)];
    json!({
        "type": TYPES[rng.gen_range(0..TYPES.len())],
        "urgency": urgency,
        "occurred_at": format!("2026-{:02}-{:02}T{:02}:{:02}:00+03:00",
            rng.gen_range(1..11), rng.gen_range(1..28), rng.gen_range(0..24), rng.gen_range(0..60)),
        "unit": UNITS[rng.gen_range(0..UNITS.len())],
        "place": format!("{} near the {} {n}", WORDS[rng.gen_range(0..WORDS.len())], WORDS[rng.gen_range(0..WORDS.len())]),
        "narrative": words.join(" "),
        "people": {"killed": rng.gen_range(0..3), "injured": rng.gen_range(0..5), "abducted": 0},
        "livestock": [{"species": "cattle", "stolen": rng.gen_range(0..300), "estimate": true}],
        "agencies_notified": ["nps"],
        "ob": {"number": format!("OB {}/{}/11/2026", rng.gen_range(1..40), rng.gen_range(1..30)), "station": "Sigor"},
    })
}
