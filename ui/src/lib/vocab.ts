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
