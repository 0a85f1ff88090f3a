// The closed vocabularies of a report, in the order the form shows them: read from the one
// vocabulary file the core and the printed summaries read (generated/vocabulary.ts), so a key
// added there reaches every list here. Only the desktop's own subsets and groupings are typed.

import { VOCABULARY } from "./generated/vocabulary";

export const INCIDENT_TYPES = VOCABULARY.incident_type.map((t) => t.key);
export const URGENCIES = VOCABULARY.urgency.map((t) => t.key);
export const SPECIES = VOCABULARY.species.map((t) => t.key);
export const AGENCIES = VOCABULARY.agency.map((t) => t.key);
export const SOURCE_KINDS = VOCABULARY.source_kind.map((t) => t.key);
export const STATUSES = VOCABULARY.status.map((t) => t.key);
export const OUTCOMES = VOCABULARY.outcome.map((t) => t.key);

/** The roles a first run may choose: officers and administrators are enrolled by the hub. */
export const REPORTER_ROLES = ["chief", "assistant_chief", "elder"] as const satisfies readonly Role[];
/** How an agency stands to a report, as the inbox filters by it. */
export const RELATIONS = ["not_acknowledged", "acknowledged", "lead", "supporting"] as const;
export const PEOPLE = ["killed", "injured", "abducted"] as const;
export const PARTS = ["men", "women", "children"] as const;

export type Role = (typeof VOCABULARY.role)[number]["key"];
export type Species = (typeof SPECIES)[number];
export type PeopleKey = (typeof PEOPLE)[number];
export type Indicator = (typeof VOCABULARY.indicator)[number]["key"];

/** The early-warning indicators an early-warning report may name, by family: the provocative
 * signs first, as they most often come just before a raid (the file keeps that order). */
export const INDICATOR_FAMILIES = VOCABULARY.indicator_family.map((f) => ({
  family: f.key,
  indicators: VOCABULARY.indicator.filter((i) => i.family === f.key).map((i) => i.key),
}));

export const INDICATORS: Indicator[] = VOCABULARY.indicator.map((i) => i.key);
