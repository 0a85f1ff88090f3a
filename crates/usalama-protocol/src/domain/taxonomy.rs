//! The closed vocabularies of a report: incident types, urgency, species, agencies, roles.

use std::fmt;

/// Declares a closed vocabulary: an enum whose wire form is a snake_case key, with `parse`,
/// `as_str`, `ALL` and serde support. Unknown keys are refused with the list of allowed ones.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $key:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            /// Parses a key, or says which keys are allowed.
            pub fn parse(key: &str) -> Result<Self, String> {
                match key {
                    $($key => Ok($name::$variant),)+
                    other => Err(format!(
                        "unknown {} {:?}; allowed: {}",
                        $what,
                        other,
                        Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let key = String::deserialize(d)?;
                $name::parse(&key).map_err(serde::de::Error::custom)
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> { $name::parse(s) }
        }
    };
}

vocabulary!(
    /// The incident taxonomy of DOMAIN.md.
    IncidentType, "incident type" {
        LivestockRaid => "livestock_raid",
        LivestockTheft => "livestock_theft",
        ArmedClash => "armed_clash",
        Killing => "killing",
        AssaultInjury => "assault_injury",
        Abduction => "abduction",
        RoadAmbush => "road_ambush",
        AttackOnSecurityForces => "attack_on_security_forces",
        Firearm => "firearm",
        PropertyDestruction => "property_destruction",
        Displacement => "displacement",
        Protest => "protest",
        Arrest => "arrest",
        LivestockRecovered => "livestock_recovered",
        PeaceMeeting => "peace_meeting",
        EarlyWarning => "early_warning",
        Other => "other",
    }
);

vocabulary!(
    /// How fast the response must be: `flash` for an attack under way or imminent.
    Urgency, "urgency" {
        Flash => "flash",
        Urgent => "urgent",
        Routine => "routine",
    }
);

vocabulary!(
    Species, "species" {
        Cattle => "cattle",
        Goats => "goats",
        Sheep => "sheep",
        Camels => "camels",
        Donkeys => "donkeys",
    }
);

vocabulary!(
    /// The agencies of the multi-agency approach.
    Agency, "agency" {
        Nps => "nps",
        Npr => "npr",
        Kdf => "kdf",
        Nis => "nis",
        Ngao => "ngao",
        Cso => "cso",
    }
);

vocabulary!(
    SourceKind, "source kind" {
        Witness => "witness",
        Victim => "victim",
        Informant => "informant",
        SecurityPersonnel => "security_personnel",
        CommunityLeader => "community_leader",
        Other => "other",
    }
);

vocabulary!(
    /// What the person using a device is.
    Role, "role" {
        Chief => "chief",
        AssistantChief => "assistant_chief",
        Elder => "elder",
        Officer => "officer",
        Admin => "admin",
    }
);

vocabulary!(
    /// The languages every user-facing string exists in.
    Lang, "language" {
        En => "en",
        Sw => "sw",
    }
);

impl Role {
    /// Reporters record incidents; officers may too (INTERFACES.md, "Who may do what").
    pub fn may_file_reports(self) -> bool {
        !matches!(self, Role::Admin)
    }
}
