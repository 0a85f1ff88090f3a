//! A release's version: three numbers, compared as numbers.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// `MAJOR.MINOR.PATCH`, each at most five digits: what `Cargo.toml` and the `.deb` carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    /// The version of this build.
    pub fn running() -> Version {
        // The workspace's version is three plain numbers (checked by a test below).
        env!("CARGO_PKG_VERSION").parse().unwrap_or(Version {
            major: 0,
            minor: 0,
            patch: 0,
        })
    }
}

impl FromStr for Version {
    type Err = Error;

    fn from_str(text: &str) -> Result<Version> {
        let bad = || {
            Error::invalid(
                "version",
                format!("{text:?} is not a version (three numbers, like 0.3.1)"),
            )
        };
        let mut parts = text.split('.').map(|p| {
            if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            // Five digits always fit.
            p.parse::<u32>().map_err(|_| bad())
        });
        let major = parts.next().ok_or_else(bad)??;
        let minor = parts.next().ok_or_else(bad)??;
        let patch = parts.next().ok_or_else(bad)??;
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(Version {
            major,
            minor,
            patch,
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl serde::Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Version, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_as_numbers() {
        let v = |s: &str| s.parse::<Version>().expect(s);
        assert!(v("0.10.0") > v("0.9.9"));
        assert!(v("1.0.0") > v("0.99.99"));
        assert_eq!(v("0.3.1").to_string(), "0.3.1");
    }

    #[test]
    fn anything_but_three_numbers_is_refused() {
        for bad in [
            "",
            "1",
            "1.2",
            "1.2.3.4",
            "1.2.x",
            "-1.2.3",
            "1..3",
            "1.2.3 ",
            "123456.0.0",
        ] {
            let e = bad.parse::<Version>().expect_err(bad).to_string();
            assert!(e.contains("version"), "{bad}: {e}");
        }
    }

    #[test]
    fn this_build_has_a_version() {
        assert_eq!(
            Version::running().to_string(),
            env!("CARGO_PKG_VERSION"),
            "the workspace's version must be three plain numbers"
        );
    }
}
