// The closed vocabularies of a report (usalama-core's taxonomy), in the order the form shows them.

export const INCIDENT_TYPES = [
  "livestock_raid",
  "livestock_theft",
  "armed_clash",
  "killing",
  "assault_injury",
  "abduction",
  "road_ambush",
  "attack_on_security_forces",
  "firearm",
  "property_destruction",
  "displacement",
  "protest",
  "arrest",
  "livestock_recovered",
  "peace_meeting",
  "early_warning",
  "other",
] as const;

export const URGENCIES = ["flash", "urgent", "routine"] as const;
export const SPECIES = ["cattle", "goats", "sheep", "camels", "donkeys"] as const;
export const AGENCIES = ["nps", "npr", "kdf", "nis", "ngao", "cso"] as const;
export const SOURCE_KINDS = [
  "witness",
  "victim",
  "informant",
  "security_personnel",
  "community_leader",
  "other",
] as const;
/** The roles a first run may choose: officers and administrators are enrolled by the hub. */
export const REPORTER_ROLES = ["chief", "assistant_chief", "elder"] as const;
export const STATUSES = ["pending", "received", "acknowledged", "responding", "closed"] as const;
export const OUTCOMES = ["resolved", "false_alarm", "duplicate", "no_action_possible"] as const;
/** How an agency stands to a report, as the inbox filters by it. */
export const RELATIONS = ["not_acknowledged", "acknowledged", "lead", "supporting"] as const;
export const PEOPLE = ["killed", "injured", "abducted"] as const;
export const PARTS = ["men", "women", "children"] as const;

export type Species = (typeof SPECIES)[number];
export type PeopleKey = (typeof PEOPLE)[number];

/** The early-warning indicators an early-warning report may name, by family (usalama-core's
 * `Indicator::family`): the provocative signs first, as they most often come just before a raid. */
export const INDICATOR_FAMILIES = [
  {
    family: "provocative",
    indicators: [
      "war_songs",
      "strangers_scouting",
      "pre_raid_blessing",
      "all_male_migration",
      "arms_movement",
      "herds_massing_at_border",
      "traditional_forecasting",
    ],
  },
  { family: "armed_intervention", indicators: ["armed_support"] },
  {
    family: "aggravating",
    indicators: [
      "pastoral_migration",
      "displaced_influx",
      "security_escorts",
      "small_arms_available",
      "bullets_as_currency",
      "protest",
      "groups_separating",
      "pupils_missing_school",
      "livestock_prices_falling",
      "post_raid_blessing",
      "livestock_sales_rising",
      "negative_media",
      "harmful_policy",
    ],
  },
  {
    family: "environmental",
    indicators: ["drought", "resource_competition", "livestock_crowding", "grazing_abandoned", "livestock_disease"],
  },
  {
    family: "peace",
    indicators: [
      "peace_initiative",
      "alliance",
      "intergroup_celebration",
      "cross_border_trade",
      "arms_handed_in",
      "markets_open",
      "relief_distributed",
      "law_enforced",
      "bride_price_stable",
    ],
  },
] as const;

export const INDICATORS = INDICATOR_FAMILIES.flatMap((f) => f.indicators);
