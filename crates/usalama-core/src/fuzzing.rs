//! Fuzz targets: one body per decoder that reads bytes from the network or a USB stick. Each
//! must return, whatever the input, without panicking, and checks what must hold of whatever
//! it decodes (decoded, re-encoded and decoded again, it is the same value).
//!
//! The bodies live here so that two runners share them: `fuzz/` runs them coverage-guided
//! under libFuzzer (`make fuzz`, stable Rust), and the tests at the bottom of this file run
//! them over the seed corpus and a few thousand seeded mutations of it in every
//! `cargo test`. See docs/fuzzing.md.
//!
//! A signature or a sealed box stands in front of most parsers, and random bytes never get
//! past it. So each body also wraps its input as the payload of a valid frame (compressed,
//! signed and sealed with fixed test keys) and reads that too: the fuzzer then mutates the
//! parser's own input, behind the checks.
//!
//! Compiled only for tests and with the `fuzzing` feature: nothing here ships.

use std::sync::OnceLock;

use ed25519_dalek::SigningKey;
use time::OffsetDateTime;

use crate::ledger::{DeviceId, ReportId};
use crate::seal::{BoxPublic, BoxSecret};
use crate::wire::RequestTag;

mod bodies;
mod frames;
mod seeds;

pub use bodies::{enrollment, entry, report, sealed_box};
pub use frames::{bundle, run, sync_request, sync_response};
pub use seeds::{report_dictionary, seeds, write_seeds};

/// A target's body: any bytes in, a panic on a bug.
pub type Target = fn(&[u8]);

/// Every target, by the name of its file in `fuzz/fuzz_targets/` and its seed folder in
/// `fuzz/seeds/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("sync_request", sync_request),
    ("sync_response", sync_response),
    ("bundle", bundle),
    ("run", run),
    ("entry", entry),
    ("sealed_box", sealed_box),
    ("enrollment", enrollment),
    ("report", report),
];

/// A fixed key, its id and its sealing key: made once, since every derivation is a
/// scalar multiplication and the fuzzer runs a target thousands of times a second.
struct Party {
    key: SigningKey,
    id: DeviceId,
    sealing: BoxSecret,
    public: BoxPublic,
}

fn party(cell: &'static OnceLock<Party>, seed: u8) -> &'static Party {
    cell.get_or_init(|| {
        let key = SigningKey::from_bytes(&[seed; 32]);
        let sealing = BoxSecret::of_device(&key);
        Party {
            id: DeviceId::of(&key.verifying_key()),
            public: sealing.public(),
            sealing,
            key,
        }
    })
}

/// The device whose requests and bundles the targets read.
fn device() -> &'static Party {
    static CELL: OnceLock<Party> = OnceLock::new();
    party(&CELL, 0x11)
}

/// The hub the device talks to.
fn hub() -> &'static Party {
    static CELL: OnceLock<Party> = OnceLock::new();
    party(&CELL, 0x22)
}

/// A third party: signs nothing the targets expect.
fn stranger() -> &'static Party {
    static CELL: OnceLock<Party> = OnceLock::new();
    party(&CELL, 0x33)
}

fn device_key() -> &'static SigningKey {
    &device().key
}

fn hub_key() -> &'static SigningKey {
    &hub().key
}

fn stranger_key() -> &'static SigningKey {
    &stranger().key
}

fn hub_id() -> DeviceId {
    hub().id
}

fn device_id() -> DeviceId {
    device().id
}

const TAG: RequestTag = RequestTag([0x44; 64]);
const REPORT: ReportId = ReportId([0x55; 10]);
const CONTEXT: &[u8] = b"usalama.fuzz\0";

/// The clock reports are checked against: fixed, so that a run is reproducible.
fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_900_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Reads a fuzzer's bytes as choices: each call takes what it needs, and zeros once they run
/// out.
struct Choices<'a>(&'a [u8]);

impl Choices<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    fn more(&mut self) -> Option<u8> {
        (!self.0.is_empty()).then(|| self.byte())
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head.to_vec()
    }

    fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        for b in &mut out {
            *b = self.byte();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    //! The bounded run of every target in `cargo test`: the seeds (made here and committed in
    //! `fuzz/seeds/`, crashes found earlier among them) and a few thousand mutations of them
    //! from a fixed seed, so that a failure reproduces. `USALAMA_FUZZ_MUTATIONS` sets how many
    //! per target.

    use std::path::PathBuf;

    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use serde_json::Value;

    use super::*;
    use crate::county::{Grant, KeyEntry};
    use crate::domain::{Amendment, Report};
    use crate::enrollment::Enrollment;
    use crate::ledger::Entry;
    use crate::seal::Envelope;
    use crate::wire::{self, Bundle, SyncRequest, SyncResponse};

    fn committed(target: &str) -> Vec<Vec<u8>> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fuzz/seeds")
            .join(target);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        files.iter().filter_map(|p| std::fs::read(p).ok()).collect()
    }

    fn corpus(target: &str) -> Vec<Vec<u8>> {
        let mut corpus: Vec<Vec<u8>> = seeds()
            .into_iter()
            .filter(|(t, _, _)| *t == target)
            .map(|(_, _, bytes)| bytes)
            .collect();
        corpus.extend(committed(target));
        corpus
    }

    const INTERESTING: [u8; 8] = [0, 1, 0x7f, 0x80, 0xff, 2, 0x40, 0xfe];

    /// One mutation of `input`, in the manner of libFuzzer's: bits flipped, bytes set,
    /// inserted, removed, duplicated, cut, spliced with another seed, or random bytes.
    fn mutate(rng: &mut StdRng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
        let mut out = input.to_vec();
        for _ in 0..rng.gen_range(1..=4) {
            let len = out.len();
            match rng.gen_range(0..9) {
                0 if len > 0 => {
                    let i = rng.gen_range(0..len);
                    out[i] ^= 1 << rng.gen_range(0..8);
                }
                1 if len > 0 => {
                    let i = rng.gen_range(0..len);
                    out[i] = INTERESTING[rng.gen_range(0..INTERESTING.len())];
                }
                2 => {
                    let i = rng.gen_range(0..=len);
                    let n = rng.gen_range(1..=8);
                    let bytes: Vec<u8> = (0..n).map(|_| rng.gen()).collect();
                    out.splice(i..i, bytes);
                }
                3 if len > 0 => {
                    let i = rng.gen_range(0..len);
                    let j = rng.gen_range(i..=len.min(i + 16));
                    out.drain(i..j);
                }
                4 if len > 0 => {
                    let i = rng.gen_range(0..len);
                    let j = rng.gen_range(i..=len.min(i + 32));
                    let copy = out[i..j].to_vec();
                    let at = rng.gen_range(0..=len);
                    out.splice(at..at, copy);
                }
                5 => out.truncate(rng.gen_range(0..=len)),
                6 => {
                    let other = &corpus[rng.gen_range(0..corpus.len())];
                    let cut = rng.gen_range(0..=len);
                    let from = rng.gen_range(0..=other.len());
                    out.truncate(cut);
                    out.extend_from_slice(&other[from..]);
                }
                7 => {
                    let n = rng.gen_range(0..64);
                    out = (0..n).map(|_| rng.gen()).collect();
                }
                _ if len > 0 => {
                    // A varint-sized number somewhere: the lengths and counts.
                    let i = rng.gen_range(0..len);
                    let v: u64 = rng.gen::<u64>() >> rng.gen_range(0..64);
                    let mut bytes = Vec::new();
                    crate::codec::put_varint(&mut bytes, v);
                    let end = len.min(i + bytes.len());
                    out.splice(i..end, bytes);
                }
                _ => out.push(rng.gen()),
            }
        }
        out
    }

    fn mutations() -> usize {
        std::env::var("USALAMA_FUZZ_MUTATIONS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2_000)
    }

    /// Runs `target` over its corpus and its mutations; a panic names the input that caused
    /// it, in hex, to be saved as a seed.
    fn exercise(name: &str) {
        let target = TARGETS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
            .expect("a target");
        let corpus = corpus(name);
        assert!(!corpus.is_empty(), "no seeds for {name}");
        let mut rng = StdRng::seed_from_u64(0x05a1_a3a0 ^ name.len() as u64);
        let run_one = |input: &[u8]| {
            let outcome = std::panic::catch_unwind(|| target(input));
            if let Err(cause) = outcome {
                panic!(
                    "fuzz target {name} failed on input {}: save it as a seed in \
                     fuzz/seeds/{name}/ and fix the decoder ({cause:?})",
                    hex::encode(input)
                );
            }
        };
        for input in &corpus {
            run_one(input);
        }
        for _ in 0..mutations() {
            let seed = &corpus[rng.gen_range(0..corpus.len())];
            run_one(&mutate(&mut rng, seed, &corpus));
        }
    }

    #[test]
    fn the_sync_request_decoder_survives_its_seeds_and_their_mutations() {
        exercise("sync_request");
    }

    #[test]
    fn the_sync_response_decoder_survives_its_seeds_and_their_mutations() {
        exercise("sync_response");
    }

    #[test]
    fn the_bundle_decoder_survives_its_seeds_and_their_mutations() {
        exercise("bundle");
    }

    #[test]
    fn run_verification_accepts_only_what_the_author_signed() {
        exercise("run");
    }

    #[test]
    fn the_entry_decoder_and_body_readers_survive_their_seeds_and_their_mutations() {
        exercise("entry");
    }

    #[test]
    fn sealed_boxes_and_county_keys_survive_their_seeds_and_their_mutations() {
        exercise("sealed_box");
    }

    #[test]
    fn the_enrollment_parser_survives_its_seeds_and_their_mutations() {
        exercise("enrollment");
    }

    #[test]
    fn the_report_parser_survives_its_seeds_and_their_mutations() {
        exercise("report");
    }

    #[test]
    fn every_seed_is_valid_for_its_target() {
        // A seed that its target refuses at the first check would start the fuzzer shallow.
        for (target, name, bytes) in seeds() {
            let deep = match target {
                "sync_request" if name.ends_with(".frame") => {
                    SyncRequest::open(&bytes, &hub_id(), &device_key().verifying_key()).is_ok()
                }
                "sync_request" => {
                    wire::seal_request_payload(&bytes, &device_id(), &hub_id(), device_key())
                        .ok()
                        .and_then(|(f, _)| {
                            SyncRequest::open(&f, &hub_id(), &device_key().verifying_key()).ok()
                        })
                        .is_some()
                }
                "sync_response" if name.ends_with(".frame") => {
                    SyncResponse::open(&bytes, &hub_key().verifying_key(), &TAG).is_ok()
                }
                "sync_response" => wire::seal_response_payload(&bytes, hub_key(), &TAG)
                    .ok()
                    .and_then(|f| SyncResponse::open(&f, &hub_key().verifying_key(), &TAG).ok())
                    .is_some(),
                "bundle" if name.ends_with(".bundle") => {
                    Bundle::open(&bytes, &BoxSecret::of_device(hub_key())).is_ok()
                }
                "bundle" => {
                    let me = BoxSecret::of_device(hub_key());
                    wire::seal_bundle_payload(&bytes, device_key(), &me.public())
                        .ok()
                        .and_then(|f| Bundle::open(&f, &me).ok())
                        .is_some()
                }
                "entry" => Entry::decode(&bytes).is_ok(),
                "sealed_box" => {
                    Envelope::parse(&bytes).is_ok()
                        || KeyEntry::parse(&bytes).is_ok()
                        || Grant::parse(&bytes).is_ok()
                }
                "enrollment" if name == "sync-url" => true,
                "enrollment" if name.ends_with(".parts") => {
                    let text = std::str::from_utf8(&bytes).unwrap_or_default();
                    let mut parts = text.splitn(3, '\n');
                    let (url, code) = (
                        parts.next().unwrap_or_default(),
                        parts.next().unwrap_or_default(),
                    );
                    Enrollment::new(url, code, parts.next()).is_ok()
                }
                "enrollment" => {
                    Enrollment::parse(std::str::from_utf8(&bytes).unwrap_or("")).is_ok()
                }
                "report" => serde_json::from_slice::<Value>(&bytes)
                    .ok()
                    .is_some_and(|v| {
                        Report::parse(&v, now()).is_ok() || Amendment::parse(&v, now()).is_ok()
                    }),
                _ => true,
            };
            assert!(deep, "seed {target}/{name} does not get past its decoder");
        }
    }

    #[test]
    fn every_target_has_a_committed_seed_corpus() {
        for (target, _) in TARGETS {
            assert!(
                !committed(target).is_empty(),
                "no seeds in fuzz/seeds/{target}: run `cargo run -p usalama-core --features \
                 fuzzing --example fuzz_seeds`"
            );
        }
    }
}
