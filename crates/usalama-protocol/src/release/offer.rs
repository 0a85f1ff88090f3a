//! What a device and its hub say about updates at the end of a sync: the device's running
//! version and what it fetches ([`UpdateState`], after the request's fields), the hub's budget
//! and newer release ([`UpdateAnswer`], after the answer's). A device that sends no state gets
//! no answer, so devices and hubs from before updates read each other's frames unchanged.

use crate::codec::{put_varint, Reader};
use crate::error::{Error, Result};

use super::{Version, MAX_RELEASE_FILE};

/// The mark that opens the update part of a request or an answer.
const UPDATES: u8 = 1;
/// A budget that sets no limit.
pub const UNLIMITED: u64 = u64::MAX;

/// What a device says about its updates at every sync (and to the update endpoint).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UpdateState {
    pub running: Version,
    /// Debian's name for the device's machine (`amd64`).
    pub arch: String,
    /// The release it holds or is fetching.
    pub fetching: Option<Version>,
    /// Why it cannot update, if it cannot.
    pub problem: Option<UpdateProblem>,
}

/// Why a device cannot update: told to the hub, shown to the county.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateProblem {
    /// Not enough free space for the package.
    DiskFull,
    /// The installer (the privileged helper the package sets up) is missing or not running.
    NoInstaller,
    /// The fetched package did not match its release, twice.
    Damaged,
    /// The installer refused or failed.
    InstallFailed,
    /// This build accepts no release key.
    NoReleaseKey,
}

impl UpdateProblem {
    const ALL: [UpdateProblem; 5] = [
        UpdateProblem::DiskFull,
        UpdateProblem::NoInstaller,
        UpdateProblem::Damaged,
        UpdateProblem::InstallFailed,
        UpdateProblem::NoReleaseKey,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UpdateProblem::DiskFull => "disk_full",
            UpdateProblem::NoInstaller => "no_installer",
            UpdateProblem::Damaged => "damaged",
            UpdateProblem::InstallFailed => "install_failed",
            UpdateProblem::NoReleaseKey => "no_release_key",
        }
    }

    pub fn parse(code: &str) -> Option<UpdateProblem> {
        UpdateProblem::ALL.into_iter().find(|p| p.code() == code)
    }

    /// In words, for the county.
    pub fn words(self) -> &'static str {
        match self {
            UpdateProblem::DiskFull => "the laptop's disk is full",
            UpdateProblem::NoInstaller => "the update installer is missing: reinstall by hand",
            UpdateProblem::Damaged => "the package arrived damaged twice",
            UpdateProblem::InstallFailed => "the installer failed",
            UpdateProblem::NoReleaseKey => "this build accepts no release key",
        }
    }

    fn byte(self) -> u8 {
        // 1-based: 0 is "no problem".
        UpdateProblem::ALL
            .iter()
            .position(|p| *p == self)
            .map_or(0, |i| i as u8 + 1)
    }
}

/// What the hub tells a device about updates.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UpdateAnswer {
    pub budget: Budget,
    /// The newest release for this device newer than the one it runs; None when there is none
    /// (the device then drops any fetch in progress: the release was withdrawn).
    pub offer: Option<Offer>,
}

/// How many bytes of update a device may fetch after each sync, as the county sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Budget {
    /// Over a link that costs money (the hub is not on the device's local network).
    pub metered: u64,
    /// When the hub is on the device's local network.
    pub lan: u64,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            metered: 64 << 10,
            lan: UNLIMITED,
        }
    }
}

/// A release the device may fetch.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Offer {
    /// The release file, as signed: the device checks it before it fetches a byte.
    pub release: String,
    /// A smaller delta from the version the device runs, if the hub made one.
    pub delta: Option<Delta>,
}

/// A delta (see [`super::delta`]) from an older package to the offered one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Delta {
    pub from: Version,
    pub size: u64,
    /// Not signed by the release key: the package it makes is checked against the release.
    pub sha256: String,
}

fn put_version(out: &mut Vec<u8>, v: Version) {
    put_varint(out, u64::from(v.major));
    put_varint(out, u64::from(v.minor));
    put_varint(out, u64::from(v.patch));
}

fn read_version(r: &mut Reader<'_>) -> Result<Version> {
    let mut part = || {
        u32::try_from(r.varint()?)
            .ok()
            .filter(|&n| n < 100_000)
            .ok_or_else(|| Error::Malformed("a version number is too large".into()))
    };
    Ok(Version {
        major: part()?,
        minor: part()?,
        patch: part()?,
    })
}

fn put_text(out: &mut Vec<u8>, text: &str) {
    put_varint(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

fn read_text(r: &mut Reader<'_>, max: usize, what: &str) -> Result<String> {
    let len = r.count(1)?;
    if len > max {
        return Err(Error::Malformed(format!("{what} is too long")));
    }
    String::from_utf8(r.take(len)?.to_vec())
        .map_err(|_| Error::Malformed(format!("{what} is not text")))
}

impl UpdateState {
    /// Appends the state to a request's fields.
    pub fn put(&self, out: &mut Vec<u8>) {
        out.push(UPDATES);
        put_version(out, self.running);
        put_text(out, &self.arch);
        match self.fetching {
            Some(v) => {
                out.push(1);
                put_version(out, v);
            }
            None => out.push(0),
        }
        out.push(self.problem.map_or(0, UpdateProblem::byte));
    }

    /// Reads the state after a request's fields, if the device sent one.
    pub fn read(r: &mut Reader<'_>) -> Result<Option<UpdateState>> {
        if r.is_done() {
            return Ok(None);
        }
        if r.byte()? != UPDATES {
            return Err(Error::Malformed("trailing bytes after the request".into()));
        }
        let running = read_version(r)?;
        let arch = read_text(r, 16, "the device's architecture")?;
        let fetching = match r.byte()? {
            0 => None,
            1 => Some(read_version(r)?),
            _ => return Err(Error::Malformed("a bad update state".into())),
        };
        let problem = match r.byte()? {
            0 => None,
            n => Some(
                *UpdateProblem::ALL
                    .get(usize::from(n) - 1)
                    .ok_or_else(|| Error::Malformed("an unknown update problem".into()))?,
            ),
        };
        Ok(Some(UpdateState {
            running,
            arch,
            fetching,
            problem,
        }))
    }
}

impl UpdateAnswer {
    /// Appends the answer to a sync answer's fields.
    pub fn put(&self, out: &mut Vec<u8>) {
        out.push(UPDATES);
        put_varint(out, self.budget.metered);
        put_varint(out, self.budget.lan);
        match &self.offer {
            None => out.push(0),
            Some(offer) => {
                out.push(1);
                put_text(out, &offer.release);
                match &offer.delta {
                    None => out.push(0),
                    Some(d) => {
                        out.push(1);
                        put_version(out, d.from);
                        put_varint(out, d.size);
                        put_text(out, &d.sha256);
                    }
                }
            }
        }
    }

    /// Reads the answer after a sync answer's fields, if the hub sent one. The release inside
    /// is only text here: the device checks its signature before using it.
    pub fn read(r: &mut Reader<'_>) -> Result<Option<UpdateAnswer>> {
        if r.is_done() {
            return Ok(None);
        }
        if r.byte()? != UPDATES {
            return Err(Error::Malformed("trailing bytes after the answer".into()));
        }
        let budget = Budget {
            metered: r.varint()?,
            lan: r.varint()?,
        };
        let offer = match r.byte()? {
            0 => None,
            1 => {
                let release = read_text(r, MAX_RELEASE_FILE, "the offered release")?;
                let delta = match r.byte()? {
                    0 => None,
                    1 => Some(Delta {
                        from: read_version(r)?,
                        size: r.varint()?,
                        sha256: read_text(r, 64, "the delta's digest")?,
                    }),
                    _ => return Err(Error::Malformed("a bad update offer".into())),
                };
                Some(Offer { release, delta })
            }
            _ => return Err(Error::Malformed("a bad update offer".into())),
        };
        Ok(Some(UpdateAnswer { budget, offer }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        s.parse().expect("version")
    }

    #[test]
    fn a_state_and_an_answer_read_back_and_nothing_reads_as_none() {
        for state in [
            UpdateState {
                running: v("0.2.0"),
                arch: "amd64".into(),
                fetching: Some(v("0.3.0")),
                problem: Some(UpdateProblem::NoInstaller),
            },
            UpdateState {
                running: v("0.2.0"),
                arch: "arm64".into(),
                fetching: None,
                problem: None,
            },
        ] {
            let mut out = Vec::new();
            state.put(&mut out);
            let mut r = Reader::new(&out);
            assert_eq!(UpdateState::read(&mut r).expect("reads"), Some(state));
            r.end().expect("all read");
        }
        let answer = UpdateAnswer {
            budget: Budget::default(),
            offer: Some(Offer {
                release: "usalama-release 1\n".into(),
                delta: Some(Delta {
                    from: v("0.2.0"),
                    size: 1234,
                    sha256: "ab".repeat(32),
                }),
            }),
        };
        let mut out = Vec::new();
        answer.put(&mut out);
        let mut r = Reader::new(&out);
        assert_eq!(UpdateAnswer::read(&mut r).expect("reads"), Some(answer));
        assert_eq!(
            UpdateAnswer::read(&mut Reader::new(&[])).expect("none"),
            None
        );
        assert_eq!(
            UpdateState::read(&mut Reader::new(&[])).expect("none"),
            None
        );
    }

    #[test]
    fn any_cut_or_unknown_mark_is_refused() {
        let state = UpdateState {
            running: v("0.2.0"),
            arch: "amd64".into(),
            fetching: Some(v("0.3.0")),
            problem: Some(UpdateProblem::DiskFull),
        };
        let mut out = Vec::new();
        state.put(&mut out);
        for cut in 1..out.len() {
            assert!(
                UpdateState::read(&mut Reader::new(&out[..cut])).is_err(),
                "cut {cut}"
            );
        }
        out[0] = 2;
        assert!(UpdateState::read(&mut Reader::new(&out)).is_err());
        *out.last_mut().expect("a byte") = 99;
        assert!(UpdateState::read(&mut Reader::new(&out)).is_err());
    }
}
