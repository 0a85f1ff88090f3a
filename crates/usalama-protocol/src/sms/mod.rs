//! Flash alerts by SMS: a report's first facts in one text message of at most 160 GSM-7
//! characters, authenticated to its device, readable only by the county hub, and taken once.
//!
//! Where there is GSM but no data, a chief sends an alert from their own phone: the **full
//! form** (160 characters, with a note and a coarse position) by a QR code that fills the
//! phone's SMS app, or the **short form** (60 characters in groups of five, with a check
//! character) typed by hand on a feature phone. The device and the hub both use this module,
//! so they read every alert with the same parser. See `docs/sms.md` for the design and its
//! sizes.
//!
//! The receiver's steps, each refusing with a typed [`Refusal`]:
//!
//! 1. [`decode`] reads the text without a key: its form, version and key id, and the short
//!    form's check character.
//! 2. The hub finds the device whose [`AlertKey::id`] is the header's [`Header::key_id`]
//!    (none: [`Refusal::UnknownDevice`]).
//! 3. [`open`] checks the tag, decrypts and reads the fields with the report parser's rules
//!    and the hub's gazetteer.
//! 4. The device's [`ReplayWindow`] takes the alert's counter and time once.
//!
//! # Layout
//!
//! - `alert`: [`Alert`], its [`Position`], and the numbers the format gives each vocabulary.
//! - `from_report`: [`Alert::from_report`], an alert made from a parsed report document.
//! - `relay`: the hub's `sms_relayed` entry, an accepted alert as a report ([`Relay`]).
//! - `entry`: what the ledger keeps: the `sms_alert` body ([`AlertEntry`]) and the county's
//!   [`SmsNumber`] (`sms_configured`).
//! - `layout`: the fields as the bits that are encrypted, written and read back.
//! - `note`: the note's alphabet and what is folded into it.
//! - `text`: both forms as text, the alphabets and the short form's check character.
//! - `key`: the [`AlertKey`] both sides derive, the tag and the stream.
//! - `window`: the [`ReplayWindow`] a hub keeps for each device.
//! - `bits`: strings of bits.
//! - `refusal`: every reason an alert is refused or cannot be written.

mod alert;
mod bits;
mod entry;
mod from_report;
mod key;
mod layout;
mod note;
mod refusal;
mod relay;
mod text;
mod window;

#[cfg(test)]
mod mutations;
#[cfg(test)]
mod tests;

pub use alert::{count, Alert, Position};
pub use entry::{AlertEntry, SmsNumber};
pub use key::{AlertKey, KeyId, KEY_ID_BITS};
pub use layout::{note_room, EPOCH, MAX_COUNTER, MAX_LEAD, SHORT_FIGURE_LIMIT};
pub use note::{Note, MAX_NOTE};
pub use refusal::Refusal;
pub use relay::{Relay, NO_NOTE};
pub use text::{FULL_LENGTH, FULL_PREFIX, SHORT_LENGTH};
pub use window::{ReplayWindow, MAX_AGE, WINDOW};

use bits::Bits;
use key::TAG_BYTES;

use crate::gazetteer::Unit;

/// The format version this one writes.
pub const VERSION: u8 = 1;
/// The versions this one reads.
const VERSIONS: &[u8] = &[VERSION];
/// Bits of the payload before the ciphertext: the key id, then the tag.
const HEADER_BITS: usize = KEY_ID_BITS as usize + TAG_BYTES * 8;

/// The two ways an alert is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// 160 characters, sent from a smartphone by QR code: every field, a note and a position.
    Full,
    /// 60 characters (in groups of five) typed by hand: no note, no position.
    Short,
}

impl Form {
    pub fn name(self) -> &'static str {
        match self {
            Form::Full => "full-form",
            Form::Short => "short-form",
        }
    }

    /// Characters of an alert of this form (the short form's spaces not counted).
    pub fn length(self) -> usize {
        match self {
            Form::Full => FULL_LENGTH,
            Form::Short => SHORT_LENGTH,
        }
    }

    fn plain_bits(self) -> usize {
        match self {
            Form::Full => layout::full_plain_bits(),
            Form::Short => layout::short_plain_bits(),
        }
    }
}

/// An alert read without a key: what is in clear, and the sealed rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    form: Form,
    version: u8,
    key_id: KeyId,
    tag: [u8; TAG_BYTES],
    sealed: Bits,
}

impl Header {
    pub fn form(&self) -> Form {
        self.form
    }

    pub fn version(&self) -> u8 {
        self.version
    }

    /// Which device's key the alert is under: the hub looks it up before [`open`].
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }
}

/// An alert opened: its device's alert number and its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub counter: u32,
    pub alert: Alert,
}

/// What the tag covers besides the plaintext: the form, the version and the key id.
fn clear_bytes(form: Form, version: u8, key_id: KeyId) -> [u8; 6] {
    let [a, b, c, d] = key_id.get().to_be_bytes();
    let form = match form {
        Form::Full => b'F',
        Form::Short => b'S',
    };
    [form, version, a, b, c, d]
}

/// The text of `alert`, the device's alert number `counter`, under `key`. The device keeps
/// `counter` and never reuses it for other content: the hub takes each number once. The same
/// alert in both forms may share one number (the hub takes whichever arrives first).
pub fn encode(alert: &Alert, key: &AlertKey, counter: u32, form: Form) -> Result<String, Refusal> {
    let mut plain = layout::write(alert, counter, form)?;
    plain.pad_to(form.plain_bits());
    let tag = key.tag(&clear_bytes(form, VERSION, key.id()), &plain);
    key.apply_stream(&tag, &mut plain);
    let mut payload = Bits::default();
    payload.put(u64::from(key.id().get()), KEY_ID_BITS);
    for byte in tag {
        payload.put(u64::from(byte), 8);
    }
    payload.extend(&plain);
    Ok(text::render(form, VERSION, &payload))
}

/// Reads an alert's text without a key: anything but a well-formed alert of a known version
/// is refused here.
pub fn decode(text: &str) -> Result<Header, Refusal> {
    let (form, version, payload) = text::parse(text, VERSIONS)?;
    let mut r = payload.reader();
    let malformed = || Refusal::Malformed {
        what: "its header is cut short",
    };
    let key_id = KeyId(r.take(KEY_ID_BITS).ok_or_else(malformed)? as u32);
    let mut tag = [0u8; TAG_BYTES];
    for byte in &mut tag {
        *byte = r.take(8).ok_or_else(malformed)? as u8;
    }
    let sealed = payload.slice(HEADER_BITS, payload.len());
    Ok(Header {
        form,
        version,
        key_id,
        tag,
        sealed,
    })
}

/// Opens an alert with its device's key: the tag checked, then the fields read by the report
/// parser's rules, the unit looked up in `units` (the receiver's gazetteer).
pub fn open(header: &Header, key: &AlertKey, units: &[Unit]) -> Result<Opened, Refusal> {
    if key.id() != header.key_id {
        return Err(Refusal::UnknownDevice);
    }
    let mut plain = header.sealed.clone();
    key.apply_stream(&header.tag, &mut plain);
    let expected = key.tag(
        &clear_bytes(header.form, header.version, header.key_id),
        &plain,
    );
    // Compared in full whatever differs first, so the time taken says nothing of the tag.
    let differ = expected
        .iter()
        .zip(header.tag)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if differ != 0 {
        return Err(Refusal::BadTag);
    }
    let (counter, alert) = layout::read(&plain, header.form, units)?;
    Ok(Opened { counter, alert })
}
