//! Strings of bits, written and read most significant bit first: an alert's fields are a few
//! bits each, and its text carries 5 or 6 bits a character, so nothing here is byte-aligned.

/// A string of bits. The bits of the last byte past `len` are always zero, so two equal bit
/// strings have equal bytes (the tag is computed over the bytes and the length).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Bits {
    bytes: Vec<u8>,
    len: usize,
}

impl Bits {
    pub fn len(&self) -> usize {
        self.len
    }

    /// The bits packed into bytes, the last one filled with zeros.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn bit(&self, at: usize) -> bool {
        at < self.len && self.bytes[at / 8] & (0x80 >> (at % 8)) != 0
    }

    /// Appends the low `width` bits of `value`, most significant first.
    pub fn put(&mut self, value: u64, width: u32) {
        debug_assert!(
            width == 64 || value >> width == 0,
            "{value} needs more than {width} bits"
        );
        for i in (0..width).rev() {
            self.push((value >> i) & 1 == 1);
        }
    }

    pub fn push(&mut self, bit: bool) {
        if self.len.is_multiple_of(8) {
            self.bytes.push(0);
        }
        if bit {
            self.bytes[self.len / 8] |= 0x80 >> (self.len % 8);
        }
        self.len += 1;
    }

    /// Appends every bit of `other`.
    pub fn extend(&mut self, other: &Bits) {
        for at in 0..other.len {
            self.push(other.bit(at));
        }
    }

    /// Appends zeros up to `len` bits.
    pub fn pad_to(&mut self, len: usize) {
        while self.len < len {
            self.push(false);
        }
    }

    /// Bits `from..to` as a string of their own.
    pub fn slice(&self, from: usize, to: usize) -> Bits {
        let mut out = Bits::default();
        for at in from..to.min(self.len) {
            out.push(self.bit(at));
        }
        out
    }

    /// XORs `stream` over the bits, keeping the bits past the end zero.
    pub fn xor(&mut self, stream: &[u8]) {
        for (byte, key) in self.bytes.iter_mut().zip(stream) {
            *byte ^= key;
        }
        if !self.len.is_multiple_of(8) {
            if let Some(last) = self.bytes.last_mut() {
                *last &= 0xFF << (8 - self.len % 8);
            }
        }
    }

    pub fn reader(&self) -> Reader<'_> {
        Reader { bits: self, at: 0 }
    }
}

/// Reads a [`Bits`] from its start.
#[derive(Debug)]
pub(super) struct Reader<'a> {
    bits: &'a Bits,
    at: usize,
}

impl Reader<'_> {
    /// The next `width` bits as a number; `None` past the end.
    pub fn take(&mut self, width: u32) -> Option<u64> {
        if self.remaining() < width as usize {
            return None;
        }
        let mut value = 0u64;
        for _ in 0..width {
            value = (value << 1) | u64::from(self.bits.bit(self.at));
            self.at += 1;
        }
        Some(value)
    }

    pub fn remaining(&self) -> usize {
        self.bits.len() - self.at
    }

    /// Whether every bit left is zero (the padding an encoder writes).
    pub fn rest_is_zero(&self) -> bool {
        (self.at..self.bits.len()).all(|at| !self.bits.bit(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_any_width_read_back_in_order() {
        let mut bits = Bits::default();
        bits.put(0b101, 3);
        bits.put(0x1_FFFF, 17);
        bits.put(0, 1);
        bits.put(u64::MAX, 64);
        assert_eq!(bits.len(), 85);
        let mut r = bits.reader();
        assert_eq!(r.take(3), Some(0b101));
        assert_eq!(r.take(17), Some(0x1_FFFF));
        assert_eq!(r.take(1), Some(0));
        assert_eq!(r.take(64), Some(u64::MAX));
        assert_eq!(r.take(1), None);
    }

    #[test]
    fn the_bits_past_the_end_stay_zero_after_a_xor() {
        let mut bits = Bits::default();
        bits.put(0b1, 1);
        bits.xor(&[0xFF]);
        assert_eq!(bits.bytes(), &[0x00]);
        bits.pad_to(12);
        bits.xor(&[0xFF, 0xFF]);
        assert_eq!(bits.bytes(), &[0xFF, 0xF0]);
        assert_eq!(bits.slice(4, 12).bytes(), &[0xFF]);
    }
}
