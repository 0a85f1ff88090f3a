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

vocabulary!(
    /// The early-warning indicators of DOMAIN.md (IGAD CEWARN's lists for the Karamoja cluster,
    /// with the signs chiefs in West Pokot add), that an early-warning report may name.
    Indicator, "indicator" {
        ArmedSupport => "armed_support",
        PastoralMigration => "pastoral_migration",
        DisplacedInflux => "displaced_influx",
        SecurityEscorts => "security_escorts",
        SmallArmsAvailable => "small_arms_available",
        BulletsAsCurrency => "bullets_as_currency",
        Protest => "protest",
        GroupsSeparating => "groups_separating",
        PupilsMissingSchool => "pupils_missing_school",
        LivestockPricesFalling => "livestock_prices_falling",
        PostRaidBlessing => "post_raid_blessing",
        LivestockSalesRising => "livestock_sales_rising",
        NegativeMedia => "negative_media",
        HarmfulPolicy => "harmful_policy",
        AllMaleMigration => "all_male_migration",
        PreRaidBlessing => "pre_raid_blessing",
        TraditionalForecasting => "traditional_forecasting",
        WarSongs => "war_songs",
        StrangersScouting => "strangers_scouting",
        ArmsMovement => "arms_movement",
        HerdsMassingAtBorder => "herds_massing_at_border",
        Drought => "drought",
        ResourceCompetition => "resource_competition",
        LivestockCrowding => "livestock_crowding",
        GrazingAbandoned => "grazing_abandoned",
        LivestockDisease => "livestock_disease",
        Alliance => "alliance",
        IntergroupCelebration => "intergroup_celebration",
        CrossBorderTrade => "cross_border_trade",
        ArmsHandedIn => "arms_handed_in",
        MarketsOpen => "markets_open",
        ReliefDistributed => "relief_distributed",
        LawEnforced => "law_enforced",
        BridePriceStable => "bride_price_stable",
        PeaceInitiative => "peace_initiative",
    }
);

vocabulary!(
    /// The families DOMAIN.md sorts the indicators into.
    IndicatorFamily, "indicator family" {
        ArmedIntervention => "armed_intervention",
        Aggravating => "aggravating",
        Provocative => "provocative",
        Environmental => "environmental",
        Peace => "peace",
    }
);

impl Indicator {
    pub fn family(self) -> IndicatorFamily {
        use Indicator::*;
        match self {
            ArmedSupport => IndicatorFamily::ArmedIntervention,
            PastoralMigration
            | DisplacedInflux
            | SecurityEscorts
            | SmallArmsAvailable
            | BulletsAsCurrency
            | Protest
            | GroupsSeparating
            | PupilsMissingSchool
            | LivestockPricesFalling
            | PostRaidBlessing
            | LivestockSalesRising
            | NegativeMedia
            | HarmfulPolicy => IndicatorFamily::Aggravating,
            AllMaleMigration
            | PreRaidBlessing
            | TraditionalForecasting
            | WarSongs
            | StrangersScouting
            | ArmsMovement
            | HerdsMassingAtBorder => IndicatorFamily::Provocative,
            Drought | ResourceCompetition | LivestockCrowding | GrazingAbandoned
            | LivestockDisease => IndicatorFamily::Environmental,
            Alliance
            | IntergroupCelebration
            | CrossBorderTrade
            | ArmsHandedIn
            | MarketsOpen
            | ReliefDistributed
            | LawEnforced
            | BridePriceStable
            | PeaceInitiative => IndicatorFamily::Peace,
        }
    }

    /// A sign of conflict (every family but peace).
    pub fn is_conflict_sign(self) -> bool {
        self.family() != IndicatorFamily::Peace
    }
}
