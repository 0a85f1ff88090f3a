//! Deltas between two packages: zstd with the older package as its reference (what
//! `zstd --patch-from` makes), so a device that keeps the package it runs fetches only what
//! changed.

use zstd::zstd_safe::{CCtx, CParameter, DCtx, DParameter};

use super::MAX_PACKAGE;
use crate::error::{Error, Result};

const LEVEL: i32 = 19;
/// The largest window a delta may use: 128 MiB, enough to reach across a package of that size.
/// A decoder accepts no larger, whatever the delta claims.
const WINDOW_LOG_MAX: u32 = 27;

/// The delta that turns `old` into `new`.
pub fn make(old: &[u8], new: &[u8]) -> Result<Vec<u8>> {
    let failed =
        |e: usize| Error::Malformed(format!("zstd: {}", zstd::zstd_safe::get_error_name(e)));
    let reach = (old.len() + new.len()).max(1 << 20);
    let window = (usize::BITS - (reach - 1).leading_zeros()).min(WINDOW_LOG_MAX);
    let mut cctx = CCtx::create();
    cctx.set_parameter(CParameter::CompressionLevel(LEVEL))
        .map_err(failed)?;
    cctx.set_parameter(CParameter::WindowLog(window))
        .map_err(failed)?;
    cctx.set_parameter(CParameter::EnableLongDistanceMatching(true))
        .map_err(failed)?;
    cctx.ref_prefix(old).map_err(failed)?;
    let mut out = Vec::with_capacity(zstd::zstd_safe::compress_bound(new.len()));
    cctx.compress2(&mut out, new).map_err(failed)?;
    Ok(out)
}

/// The package `delta` makes from `old`: at most `size` bytes (the release's size), whatever
/// the delta claims; the caller checks it against its release.
pub fn apply(old: &[u8], delta: &[u8], size: u64) -> Result<Vec<u8>> {
    let failed = |e: usize| {
        Error::Integrity(format!(
            "the update's delta does not apply to the package this device holds ({})",
            zstd::zstd_safe::get_error_name(e)
        ))
    };
    if size > MAX_PACKAGE {
        return Err(Error::Malformed(
            "the package is larger than any release".into(),
        ));
    }
    let mut dctx = DCtx::create();
    dctx.set_parameter(DParameter::WindowLogMax(WINDOW_LOG_MAX))
        .map_err(failed)?;
    dctx.ref_prefix(old).map_err(failed)?;
    // `size` is at most MAX_PACKAGE, which fits.
    let mut out = Vec::with_capacity(size as usize);
    dctx.decompress(&mut out, delta).map_err(failed)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn package(seed: u64, len: usize) -> Vec<u8> {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        (0..len).map(|_| rng.gen()).collect()
    }

    #[test]
    fn a_delta_between_close_packages_is_small_and_restores_the_new_one() {
        let old = package(1, 1 << 20);
        let mut new = old.clone();
        new[1000..1100].copy_from_slice(&package(2, 100));
        new.extend_from_slice(&package(3, 4096));
        let delta = make(&old, &new).expect("delta");
        assert!(delta.len() < 8192, "{} bytes", delta.len());
        assert_eq!(apply(&old, &delta, new.len() as u64).expect("applies"), new);
    }

    #[test]
    fn a_delta_applied_to_another_package_or_cut_or_too_large_fails() {
        let old = package(1, 300_000);
        let mut new = old.clone();
        new.truncate(200_000);
        let delta = make(&old, &new).expect("delta");
        let other = package(9, 300_000);
        assert_ne!(
            apply(&other, &delta, new.len() as u64).ok(),
            Some(new.clone())
        );
        assert!(apply(&old, &delta[..delta.len() / 2], new.len() as u64).is_err());
        assert!(apply(&old, &delta, new.len() as u64 - 1).is_err());
    }
}
