//! What every frame shares: the protocol version, the size limits and zstd, bounded so that a
//! small frame cannot claim gigabytes, and the peek that tells a version-1 frame to update.

use std::io::Read;

use crate::error::{Error, Result};

/// The protocol version this build speaks. A hub answers another version with HTTP 426.
/// Version 1 (before every entry carried its own signature and answers were signed) is told
/// to update.
pub const PROTOCOL: u8 = 2;
/// The largest frame, compressed or not, either side accepts.
pub const MAX_FRAME: usize = 8 << 20;
/// Roughly how many bytes of entries go in one chunk: small enough that a cut 2G connection
/// loses little, large enough that 1,000 reports take a few requests.
pub const CHUNK_BYTES: usize = 256 * 1024;
const ZSTD_LEVEL: i32 = 9;
/// The largest zstd window a decoder accepts (16 MiB): bounds its memory whatever a frame
/// claims.
const WINDOW_LOG_MAX: u32 = 24;

/// The first bytes of a zstd frame: version 1 compressed whole frames, magic included.
pub(super) const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// The version byte of a version-1 frame (wholly compressed), read by decompressing no more
/// than its first four bytes.
pub(super) fn peek_version(bytes: &[u8], magic: &[u8; 3]) -> Option<u8> {
    let mut head = [0u8; 4];
    zstd::stream::read::Decoder::new(bytes)
        .ok()?
        .read_exact(&mut head)
        .ok()?;
    (&head[..3] == magic).then_some(head[3])
}

pub fn compress(raw: &[u8]) -> Result<Vec<u8>> {
    zstd::bulk::compress(raw, ZSTD_LEVEL).map_err(|e| Error::Malformed(format!("zstd: {e}")))
}

/// Decompresses at most [`MAX_FRAME`] bytes, streaming: a small frame that claims gigabytes
/// is refused after at most that much work.
pub fn decompress(bytes: &[u8]) -> Result<Vec<u8>> {
    decompress_at_most(bytes, MAX_FRAME)
}

pub(super) fn decompress_at_most(bytes: &[u8], limit: usize) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut decoder = zstd::stream::read::Decoder::new(bytes)
        .map_err(|e| Error::Malformed(format!("not zstd data: {e}")))?;
    // A frame may ask for a window of up to 2 GiB; nothing here writes one over 16 MiB.
    decoder
        .window_log_max(WINDOW_LOG_MAX)
        .map_err(|e| Error::Malformed(format!("zstd: {e}")))?;
    decoder
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::Malformed(format!("not zstd data: {e}")))?;
    if out.len() > limit {
        return Err(Error::Malformed(format!(
            "the frame is larger than the {limit} bytes allowed"
        )));
    }
    Ok(out)
}
