//! The sync wire format, shared by the device and the hub.
//!
//! One request does a whole sync in the common case: the device sends what the hub has not
//! acknowledged and its pull cursor; the hub answers with its acknowledgement and what the device
//! may see since the cursor. Both frames are zstd-compressed binary, built for 2G links:
//!
//! - Entries travel in **runs**: consecutive entries of one device's chain. A run carries the
//!   device id, the first sequence number and the `prev` hash once; each entry carries only its
//!   kind, flags, time (as a delta), subject and body. The receiver recomputes every body hash and
//!   entry hash, so the chain is checked, not trusted.
//! - **Every entry a receiver stores is covered by its author's signature**: its own, or the
//!   signature of a later entry of the same run, since every entry hash covers the one before
//!   it (as a git commit signature covers its history). A device sends each entry's own
//!   signature, so that the hub can forward any one of them alone to a device that may see only
//!   that one; the hub forwards one signature per run, the last entry's. Where it holds no
//!   signature of a run's last entry (entries stored before every signature travelled), it
//!   adds the entries that follow up to a signed one as **proofs**: bodiless, never stored.
//!   Nobody, the hub included, can make a device store an entry its author did not sign.
//! - **Both frames are signed**, outside the compression: the request by the device, over the
//!   hub's id, a counter that must grow with every request and the payload (a replayed request
//!   is refused without trusting any clock; the hub authenticates the device before it
//!   decompresses anything); the answer by the hub, over the request's signature and the
//!   payload (an answer cannot be replayed or moved to another request). TLS is defence in
//!   depth.
//!
//! ```text
//! request  = "USQ" version device(16) signature(64) zstd(counter cursor device_time runs)
//! response = "USR" version signature(64) zstd(hub_time acks cursor more runs)
//! run      = device(16) first_seq count prev(32) entry…
//! entry    = kind flags Δat [Δreceived_at] [subject(10)] (body_len body | body_hash(32))
//!            [signature(64)]
//! flags    = bit 0 subject, bit 1 body, bit 2 signature, bit 3 proof
//! ```
//!
//! # Layout
//!
//! - `frame`: the protocol version, the size limits, zstd with a bound.
//! - `run`: runs of entries, the signatures they carry, and the entries a receiver may store.
//! - `encoding`: how runs are written inside a frame and read back.
//! - `request`: the device's signed request, read in two steps.
//! - `response`: the hub's signed answer to one request.
//! - `bundle`: sync by USB stick, signed and sealed.

mod bundle;
mod encoding;
mod frame;
mod request;
mod response;
mod run;

pub use bundle::{
    seal_bundle_payload, Bundle, BundleSignature, DeviceBundle, HubBundle, MAX_BUNDLE,
};
pub use frame::{compress, decompress, CHUNK_BYTES, MAX_FRAME, PROTOCOL};
pub use request::{seal_request_payload, RequestFrame, RequestTag, SyncRequest};
pub use response::{seal_response_payload, Refused, SyncResponse};
pub use run::{Body, Run, RunEntry, Signatures, SIGNED_EVERY};

/// The body of `POST /v1/enroll` (JSON): the one-time code, the device's Ed25519 public key
/// and its signature over [`crate::enrollment::enrollment_proof_digest`], both in hex.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EnrollRequest {
    pub code: String,
    pub public_key: String,
    pub proof: String,
}

#[cfg(test)]
mod tests {
    use super::response::MAX_REASON;
    use super::*;
    use crate::error::Error;
    use crate::ledger::{DeviceId, Draft, Entry, EntryKind, Hash};
    use crate::seal::BoxSecret;
    use ed25519_dalek::SigningKey;
    use proptest::prelude::*;

    fn chain(key: &SigningKey, bodies: &[Vec<u8>]) -> Vec<Entry> {
        let mut prev = Hash::GENESIS;
        let mut out = Vec::new();
        for (i, body) in bodies.iter().enumerate() {
            let draft = Draft {
                kind: EntryKind::ReportFiled,
                subject: None,
                body: body.clone(),
            };
            let e = Entry::sign(draft, key, i as u64 + 1, prev, 1_700_000_000_000 + i as i64);
            prev = e.hash();
            out.push(e);
        }
        out
    }

    fn abc(key: &SigningKey) -> Vec<Entry> {
        chain(key, &[b"a".to_vec(), b"b".to_vec(), b"c".to_vec()])
    }

    proptest! {
        #[test]
        fn a_request_round_trips_and_its_runs_rebuild_the_chain(
            bodies in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 1..20),
            counter: u64, cursor: u64,
        ) {
            let key = SigningKey::from_bytes(&[5; 32]);
            let hub = DeviceId([9; 16]);
            let entries = chain(&key, &bodies);
            let runs = Run::from_entries(&entries, |_| None, Signatures::Every);
            prop_assert_eq!(runs.len(), 1);
            let request = SyncRequest {
                device: entries[0].device, counter, cursor, device_time: 5, runs,
                bundles: vec![b"USB\x02sealed".to_vec()],
                updates: None,
            };
            let (sealed, tag) = request.seal(&hub, &key).expect("sealed");
            let frame = SyncRequest::frame(&sealed).expect("framed");
            prop_assert_eq!(frame.tag(), tag);
            prop_assert!(frame.verify(&hub, &key.verifying_key()));
            prop_assert!(!frame.verify(&DeviceId([8; 16]), &key.verifying_key()));
            let back = frame.open().expect("opens");
            prop_assert_eq!(&back, &request);
            // Every entry travels with its own signature, so each verifies alone.
            let rebuilt = back.runs[0].verified(&key.verifying_key()).expect("verified");
            prop_assert_eq!(rebuilt.len(), entries.len());
            for (r, e) in rebuilt.iter().zip(&entries) {
                prop_assert_eq!(r.hash(), e.hash());
                prop_assert!(r.verify_signature(&key.verifying_key()));
            }
        }

        #[test]
        fn opening_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let key = SigningKey::from_bytes(&[5; 32]);
            let me = BoxSecret::of_device(&key);
            let tag = RequestTag([1; 64]);
            let _ = SyncRequest::open(&bytes, &DeviceId([0; 16]), &key.verifying_key());
            let _ = SyncRequest::frame(&bytes).map(|f| f.open());
            let _ = SyncResponse::open(&bytes, &key.verifying_key(), &tag);
            let _ = Bundle::open(&bytes, &me);
            if let Ok(c) = compress(&bytes) {
                let _ = SyncRequest::frame(&c).map(|f| f.open());
                let _ = SyncResponse::open(&c, &key.verifying_key(), &tag);
                let _ = Bundle::open(&c, &me);
            }
        }
    }

    #[test]
    fn a_response_is_signed_by_the_hub_for_one_request() {
        let key = SigningKey::from_bytes(&[6; 32]);
        let hub = SigningKey::from_bytes(&[7; 32]);
        let mut entries = abc(&key);
        entries[1].body = None;
        let runs = Run::from_entries(&entries, |i| Some(1_000 + i as i64), Signatures::Head);
        let response = SyncResponse {
            hub_time: 42,
            acks: vec![(entries[0].device, 3)],
            cursor: 77,
            more: true,
            runs,
            refused: vec![Refused {
                device: entries[0].device,
                first_seq: 4,
                last_seq: 9,
                reason: "fork".into(),
            }],
            updates: None,
        };
        let tag = RequestTag([3; 64]);
        let sealed = response.seal(&hub, &tag).expect("sealed");
        let back = SyncResponse::open(&sealed, &hub.verifying_key(), &tag).expect("opens");
        assert_eq!(back, response);
        // One signature for the run: the last entry's.
        let signed: Vec<bool> = back.runs[0]
            .entries
            .iter()
            .map(|e| e.signature.is_some())
            .collect();
        assert_eq!(signed, [false, false, true]);
        let rebuilt = back.runs[0]
            .verified(&key.verifying_key())
            .expect("verified");
        assert_eq!(rebuilt[2].hash(), entries[2].hash());
        assert!(rebuilt[1].body.is_none());
        // Another key, another request, or one changed byte: refused.
        let other = SigningKey::from_bytes(&[8; 32]).verifying_key();
        for (bytes, key, tag) in [
            (sealed.clone(), other, tag),
            (sealed.clone(), hub.verifying_key(), RequestTag([4; 64])),
        ] {
            assert!(matches!(
                SyncResponse::open(&bytes, &key, &tag),
                Err(Error::Integrity(_))
            ));
        }
        let mut changed = sealed;
        let last = changed.len() - 1;
        changed[last] ^= 1;
        assert!(SyncResponse::open(&changed, &hub.verifying_key(), &tag).is_err());
    }

    #[test]
    fn a_long_refusal_reason_is_cut_on_a_character_boundary() {
        let hub = SigningKey::from_bytes(&[7; 32]);
        let tag = RequestTag([3; 64]);
        // 63 bytes of ASCII and a two-byte character: the limit falls inside it.
        let reason = format!("{}é and more", "x".repeat(MAX_REASON - 1));
        let response = SyncResponse {
            hub_time: 1,
            acks: Vec::new(),
            cursor: 1,
            more: false,
            runs: Vec::new(),
            refused: vec![Refused {
                device: DeviceId([1; 16]),
                first_seq: 1,
                last_seq: 2,
                reason,
            }],
            updates: None,
        };
        let sealed = response.seal(&hub, &tag).expect("sealed");
        let back = SyncResponse::open(&sealed, &hub.verifying_key(), &tag).expect("opens");
        assert_eq!(back.refused[0].reason, "x".repeat(MAX_REASON - 1));
    }

    #[test]
    fn a_run_whose_tail_no_signature_covers_is_refused_whole() {
        let key = SigningKey::from_bytes(&[6; 32]);
        let entries = abc(&key);
        let mut run = Run::from_entries(&entries, |_| None, Signatures::Every).remove(0);
        // Without the last signature, the third entry is nobody's word.
        run.entries[2].signature = None;
        assert!(matches!(
            run.verified(&key.verifying_key()),
            Err(Error::Integrity(m)) if m.contains("not signed")
        ));
        // An earlier signature alone covers what comes before it.
        run.entries.truncate(2);
        assert_eq!(run.verified(&key.verifying_key()).expect("ok").len(), 2);
        // A changed body breaks the signature that covers it.
        let mut run = Run::from_entries(&entries, |_| None, Signatures::Head).remove(0);
        run.entries[0].body = Body::Present(b"forged".to_vec());
        assert!(run.verified(&key.verifying_key()).is_err());
        // Another device's key never verifies it.
        let run = Run::from_entries(&entries, |_| None, Signatures::Head).remove(0);
        let other = SigningKey::from_bytes(&[9; 32]).verifying_key();
        assert!(run.verified(&other).is_err());
    }

    #[test]
    fn spaced_signatures_keep_every_sixteenth_and_each_runs_last_and_still_cover_it_all() {
        let key = SigningKey::from_bytes(&[6; 32]);
        let bodies: Vec<Vec<u8>> = (0..40u8).map(|i| vec![i]).collect();
        let entries = chain(&key, &bodies);
        let run = Run::from_entries(&entries, |_| None, Signatures::Spaced).remove(0);
        let signed: Vec<u64> = run
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.signature.is_some())
            .map(|(i, _)| run.first_seq + i as u64)
            .collect();
        assert_eq!(signed, [16, 32, 40]);
        assert_eq!(
            run.verified(&key.verifying_key()).expect("covered").len(),
            40
        );
        // Entries 1 to 16 alone are covered by the 16th's signature; 17 alone needs the proofs
        // up to 32.
        let mut head = run.clone();
        head.entries.truncate(16);
        assert!(head.verified(&key.verifying_key()).is_ok());
        let mut alone = run.clone();
        alone.entries.truncate(17);
        assert!(alone.verified(&key.verifying_key()).is_err());
        for e in &entries[17..32] {
            alone.entries.push(RunEntry::proof_of(e, None));
        }
        assert_eq!(
            alone.verified(&key.verifying_key()).expect("proved").len(),
            17
        );
    }

    #[test]
    fn proofs_are_checked_and_never_stored() {
        let key = SigningKey::from_bytes(&[6; 32]);
        let entries = abc(&key);
        // The hub holds no signature of entry 2, and sends 3 as a proof.
        let mut run = Run::from_entries(&entries[..2], |_| None, Signatures::Head).remove(0);
        run.entries[1].signature = None;
        run.entries.push(RunEntry::proof_of(&entries[2], Some(5)));
        let response = SyncResponse {
            hub_time: 1,
            acks: Vec::new(),
            cursor: 1,
            more: false,
            runs: vec![run],
            refused: Vec::new(),
            updates: None,
        };
        let hub = SigningKey::from_bytes(&[7; 32]);
        let tag = RequestTag([3; 64]);
        let back = SyncResponse::open(
            &response.seal(&hub, &tag).expect("sealed"),
            &hub.verifying_key(),
            &tag,
        )
        .expect("opens");
        let stored = back.runs[0].verified(&key.verifying_key()).expect("ok");
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[1].hash(), entries[1].hash());
        assert!(!back.runs[0].entries[2].body.is_present());
    }

    #[test]
    fn bundles_round_trip_sealed_to_their_recipient_and_signed_by_their_maker() {
        let device_key = SigningKey::from_bytes(&[7; 32]);
        let hub_key = SigningKey::from_bytes(&[8; 32]);
        let entries = chain(
            &device_key,
            &[b"Lomuriaxq saw them".to_vec(), b"b".to_vec()],
        );
        let hub = DeviceId::of(&hub_key.verifying_key());
        let from_device = Bundle::FromDevice(DeviceBundle {
            device: entries[0].device,
            hub,
            made_at: 5,
            cursor: 9,
            runs: Run::from_entries(&entries, |_| None, Signatures::Every),
        });
        let from_hub = Bundle::FromHub(HubBundle {
            hub,
            device: entries[0].device,
            response: SyncResponse {
                hub_time: 42,
                acks: vec![(entries[0].device, 2)],
                cursor: 12,
                more: false,
                runs: Run::from_entries(&entries, |i| Some(100 + i as i64), Signatures::Head),
                refused: Vec::new(),
                updates: None,
            },
        });
        for (bundle, key, other) in [
            (&from_device, &device_key, &hub_key),
            (&from_hub, &hub_key, &device_key),
        ] {
            let recipient = BoxSecret::of_device(other);
            let sealed = bundle.seal(key, &recipient.public()).expect("sealed");
            assert!(!sealed.windows(9).any(|w| w == b"Lomuriaxq"));
            assert_eq!(
                Bundle::recipients(&sealed).expect("read"),
                [recipient.public().id()]
            );
            let (back, signature) = Bundle::open(&sealed, &recipient).expect("opens");
            assert_eq!(&back, bundle);
            assert!(signature.verify(&key.verifying_key()));
            assert!(!signature.verify(&other.verifying_key()));
            // Only its recipient opens it.
            let stranger = BoxSecret::of_device(&SigningKey::from_bytes(&[9; 32]));
            assert!(matches!(
                Bundle::open(&sealed, &stranger),
                Err(Error::Refused(_))
            ));
            let mut changed = sealed.clone();
            let last = changed.len() - 1;
            changed[last] ^= 1;
            assert!(matches!(
                Bundle::open(&changed, &recipient),
                Err(Error::Integrity(_))
            ));
        }
    }

    #[test]
    fn version_one_frames_are_told_to_update_without_being_inflated() {
        let mut v1 = b"USQ\x01".to_vec();
        v1.extend_from_slice(&[0; 100]);
        let old = compress(&v1).expect("compressed");
        assert!(
            matches!(SyncRequest::frame(&old), Err(Error::Unsupported(m)) if m.contains("update"))
        );
        let mut v1 = b"USB\x01".to_vec();
        v1.extend_from_slice(&[0; 100]);
        let old = compress(&v1).expect("compressed");
        let me = BoxSecret::of_device(&SigningKey::from_bytes(&[9; 32]));
        assert!(matches!(
            Bundle::open(&old, &me),
            Err(Error::Unsupported(_))
        ));
    }

    #[test]
    fn a_frame_that_inflates_beyond_the_limit_is_refused() {
        let bomb = compress(&vec![0u8; MAX_FRAME + 10]).expect("compressed");
        assert!(bomb.len() < 10_000);
        assert!(matches!(decompress(&bomb), Err(Error::Malformed(_))));
    }
}
