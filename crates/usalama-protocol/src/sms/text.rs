//! The two forms as text: which characters each uses, the short form's check character, and
//! the text read back into its version and payload bits before any key is needed.
//!
//! The **full form** is `U`, the version digit, then 158 characters of a 64-character
//! alphabet (`A`–`Z`, `a`–`z`, `0`–`9`, `-`, `.`), 6 bits each. Every one of them is a GSM-7
//! character at the same code as in ASCII, so no gateway translates it, and none is a
//! character that URIs, HTML or form encodings rewrite (`+ % & # ? ' " < >`), nor `@ $ _`
//! (whose GSM-7 codes differ from ASCII's) nor anything of the extension table (`{ } [ ] ~ \ ^
//! | €`, two septets each).
//!
//! The **short form** is Crockford's base32 (`0`–`9` and the letters but `I L O U`), 5 bits a
//! character, case and the look-alikes forgiven (`I` and `L` read as `1`, `O` as `0`): the
//! version digit, 58 characters of payload and a check character, shown in groups of five.

use super::bits::Bits;
use super::refusal::Refusal;
use super::Form;

/// Crockford's base32 alphabet.
pub(super) const SHORT_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// The full form's 64 characters.
pub(super) const FULL_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.";
/// What every full-form alert starts with, before its version digit.
pub const FULL_PREFIX: char = 'U';

/// Characters of a full-form alert: one SMS.
pub const FULL_LENGTH: usize = 160;
/// Characters of a short-form alert, not counting the spaces between groups of five.
pub const SHORT_LENGTH: usize = 60;
/// Payload bits of each form (after the prefix and version, before the check character).
pub(super) const FULL_PAYLOAD_BITS: usize = (FULL_LENGTH - 2) * 6;
pub(super) const SHORT_PAYLOAD_BITS: usize = (SHORT_LENGTH - 2) * 5;

/// The text of an alert of `version` whose payload is `payload` (already padded to its form's
/// size).
pub(super) fn render(form: Form, version: u8, payload: &Bits) -> String {
    match form {
        Form::Full => {
            let mut text = format!("{FULL_PREFIX}{version}");
            text.extend(symbols(payload, 6).map(|s| FULL_ALPHABET[s as usize] as char));
            text
        }
        Form::Short => {
            let mut digits = vec![version];
            digits.extend(symbols(payload, 5));
            digits.push(check_symbol(&digits));
            let text: Vec<char> = digits
                .iter()
                .map(|&d| SHORT_ALPHABET[usize::from(d)] as char)
                .collect();
            text.chunks(5)
                .map(|group| group.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join(" ")
        }
    }
}

fn symbols(bits: &Bits, width: u32) -> impl Iterator<Item = u8> + '_ {
    let mut reader = bits.reader();
    std::iter::from_fn(move || reader.take(width).map(|s| s as u8))
}

/// An alert's text read back: its form, version and payload bits. The version is checked
/// first, so a newer alert says so rather than failing on its length.
pub(super) fn parse(text: &str, known: &[u8]) -> Result<(Form, u8, Bits), Refusal> {
    let text = text.trim();
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(FULL_PREFIX), Some(v))
            if v.is_ascii_digit() && !text.contains(char::is_whitespace) =>
        {
            let version = v as u8 - b'0';
            if !known.contains(&version) {
                return Err(Refusal::UnknownVersion { version: v });
            }
            parse_full(text).map(|payload| (Form::Full, version, payload))
        }
        (Some(v), _) if v.is_ascii_digit() => {
            let version = v as u8 - b'0';
            let (digits, bad) = short_digits(text).ok_or(Refusal::NotAnAlert)?;
            if !known.contains(&version) {
                return Err(Refusal::UnknownVersion { version: v });
            }
            if let Some(bad) = bad {
                return Err(bad);
            }
            parse_short(&digits).map(|payload| (Form::Short, version, payload))
        }
        _ => Err(Refusal::NotAnAlert),
    }
}

fn parse_full(text: &str) -> Result<Bits, Refusal> {
    let mut payload = Bits::default();
    for (at, c) in text.chars().enumerate().skip(2) {
        let symbol = FULL_ALPHABET
            .iter()
            .position(|&s| char::from(s) == c)
            .ok_or(Refusal::BadCharacter {
                at: at + 1,
                found: c,
            })?;
        payload.put(symbol as u64, 6);
    }
    let length = text.chars().count();
    if length != FULL_LENGTH {
        return Err(Refusal::BadLength {
            form: Form::Full,
            length,
        });
    }
    Ok(payload)
}

/// The short form's characters as base32 digits, spaces and dashes skipped, with the first
/// character that is not one; `None` for a text far shorter or longer than a short form,
/// which is not taken for one.
fn short_digits(text: &str) -> Option<(Vec<u8>, Option<Refusal>)> {
    let mut digits = Vec::with_capacity(SHORT_LENGTH);
    let mut bad = None;
    for (at, c) in text.chars().enumerate() {
        if c.is_whitespace() || c == '-' {
            continue;
        }
        match short_digit(c) {
            Some(d) => digits.push(d),
            None => {
                bad.get_or_insert(Refusal::BadCharacter {
                    at: at + 1,
                    found: c,
                });
                digits.push(0);
            }
        }
    }
    (SHORT_LENGTH * 2 / 3..=SHORT_LENGTH * 4 / 3)
        .contains(&digits.len())
        .then_some((digits, bad))
}

fn parse_short(digits: &[u8]) -> Result<Bits, Refusal> {
    if digits.len() != SHORT_LENGTH {
        return Err(Refusal::BadLength {
            form: Form::Short,
            length: digits.len(),
        });
    }
    let (data, check) = digits.split_at(SHORT_LENGTH - 1);
    if check_symbol(data) != check[0] {
        return Err(Refusal::BadCheck);
    }
    let mut payload = Bits::default();
    for &d in &data[1..] {
        payload.put(u64::from(d), 5);
    }
    Ok(payload)
}

/// A typed character as a base32 digit: case, `I`, `L` and `O` forgiven.
fn short_digit(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'I' | 'L' => '1',
        'O' => '0',
        c => c,
    };
    SHORT_ALPHABET
        .iter()
        .position(|&s| char::from(s) == c)
        .map(|d| d as u8)
}

/// Multiplication in GF(32), modulo the primitive polynomial x⁵ + x² + 1.
fn gf_mul(mut a: u8, mut b: u8) -> u8 {
    let mut product = 0;
    while b != 0 {
        if b & 1 != 0 {
            product ^= a;
        }
        a <<= 1;
        if a & 0x20 != 0 {
            a ^= 0x25;
        }
        b >>= 1;
    }
    product
}

/// α^n in GF(32), α = x (of order 31).
fn gf_pow_alpha(n: usize) -> u8 {
    (0..n % 31).fold(1, |p, _| gf_mul(p, 2))
}

/// The check digit c of `data` (d₀ … dₙ₋₁): the one that makes Σ dᵢ·αⁱ + c·αⁿ = 0 in GF(32).
/// A single changed digit adds e·αⁱ ≠ 0; two unequal adjacent digits swapped add
/// (a + b)·αⁱ·(1 + α) ≠ 0: both are always caught, the check digit's own position included.
pub(super) fn check_symbol(data: &[u8]) -> u8 {
    let sum = data
        .iter()
        .enumerate()
        .fold(0, |sum, (i, &d)| sum ^ gf_mul(d, gf_pow_alpha(i)));
    gf_mul(sum, gf_pow_alpha(31 - data.len() % 31))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha_has_order_31_so_every_weight_is_nonzero_and_neighbours_differ() {
        let powers: Vec<u8> = (0..31).map(gf_pow_alpha).collect();
        let mut sorted = powers.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 31);
        assert!(!powers.contains(&0));
        assert_eq!(gf_pow_alpha(31), 1);
    }

    fn digits(seed: u64) -> Vec<u8> {
        // A fixed pseudo-random run of base32 digits (a linear congruential generator).
        let mut x = seed;
        (0..SHORT_LENGTH - 1)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 59) as u8
            })
            .collect()
    }

    fn with_check(data: &[u8]) -> Vec<u8> {
        let mut all = data.to_vec();
        all.push(check_symbol(data));
        all
    }

    fn passes(all: &[u8]) -> bool {
        let (data, check) = all.split_at(all.len() - 1);
        check_symbol(data) == check[0]
    }

    #[test]
    fn the_check_catches_every_single_substitution_and_adjacent_swap() {
        for seed in 0..50 {
            let all = with_check(&digits(seed));
            assert!(passes(&all));
            for at in 0..all.len() {
                for wrong in 0..32u8 {
                    if wrong == all[at] {
                        continue;
                    }
                    let mut typed = all.clone();
                    typed[at] = wrong;
                    assert!(!passes(&typed), "seed {seed}: digit {at} as {wrong}");
                }
                if at + 1 < all.len() && all[at] != all[at + 1] {
                    let mut typed = all.clone();
                    typed.swap(at, at + 1);
                    assert!(
                        !passes(&typed),
                        "seed {seed}: digits {at} and {} swapped",
                        at + 1
                    );
                }
            }
        }
    }

    #[test]
    fn the_short_form_forgives_case_look_alikes_and_spacing() {
        let mut data = vec![1];
        data.extend(digits(7).into_iter().skip(1));
        let mut payload = Bits::default();
        for &d in &data[1..] {
            payload.put(u64::from(d), 5);
        }
        let text = render(Form::Short, 1, &payload);
        assert_eq!(text.split(' ').count(), 12);
        assert!(text.split(' ').all(|g| g.len() == 5));
        // The version digit as shown, the rest lower case with look-alikes and no spaces.
        let relaxed = format!(
            "1{}",
            text[1..]
                .replace(' ', "")
                .to_lowercase()
                .replace('1', "l")
                .replace('0', "O")
        );
        let dashed: String = relaxed
            .chars()
            .enumerate()
            .flat_map(|(i, c)| (i % 4 == 3).then_some('-').into_iter().chain([c]))
            .collect();
        for typed in [text.as_str(), relaxed.as_str(), dashed.as_str()] {
            let (form, version, back) = parse(typed, &[1]).expect("read");
            assert_eq!((form, version), (Form::Short, 1));
            assert_eq!(back, payload);
        }
    }

    #[test]
    fn texts_that_are_not_alerts_say_so_and_damaged_ones_say_how() {
        assert_eq!(parse("Habari, mkuu", &[1]), Err(Refusal::NotAnAlert));
        assert_eq!(parse("150 CATTLE LOMUT", &[1]), Err(Refusal::NotAnAlert));
        assert_eq!(
            parse("URGENT raid at Lomut", &[1]),
            Err(Refusal::NotAnAlert)
        );
        assert_eq!(parse("", &[1]), Err(Refusal::NotAnAlert));
        assert_eq!(
            parse("U7AAAA", &[1]),
            Err(Refusal::UnknownVersion { version: '7' })
        );
        assert_eq!(
            parse("U1AA#A", &[1]),
            Err(Refusal::BadCharacter { at: 5, found: '#' })
        );
        assert_eq!(
            parse("U1AAAA", &[1]),
            Err(Refusal::BadLength {
                form: Form::Full,
                length: 6
            })
        );
        let short = "1".repeat(58);
        assert_eq!(
            parse(&short, &[1]),
            Err(Refusal::BadLength {
                form: Form::Short,
                length: 58
            })
        );
        assert_eq!(
            parse(&format!("9{}", "1".repeat(59)), &[1]),
            Err(Refusal::UnknownVersion { version: '9' })
        );
        assert_eq!(
            parse(&format!("2{}U", "1".repeat(58)), &[1]),
            Err(Refusal::UnknownVersion { version: '2' })
        );
        assert_eq!(
            parse(&format!("{}U", "1".repeat(59)), &[1]),
            Err(Refusal::BadCharacter { at: 60, found: 'U' })
        );
    }
}
