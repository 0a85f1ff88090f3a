// The report form's state, and its translation to and from a report document
// (INTERFACES.md, "The report document"). Validation is the core's: the form sends what the user
// typed, even when it is wrong, so that the core names the problem and the form shows it.
import { eatLocal, fromRfc3339, toRfc3339 } from "./time";
import { PARTS, PEOPLE, SPECIES, type PeopleKey, type Species } from "./vocab";
import type { FieldProblem, ReportDocument } from "./ipc";

/** A count as typed: empty means "not given"; `unknown` means "nobody knows" (null). */
export interface Count {
  value: string;
  unknown: boolean;
}

export interface PeopleFigure {
  split: boolean;
  total: Count;
  men: Count;
  women: Count;
  children: Count;
}

export interface LivestockLine {
  stolen: Count;
  recovered: Count;
  killed: Count;
  estimate: boolean;
}

export interface FormState {
  type: string;
  urgency: string;
  /** When it happened, East Africa Time: "YYYY-MM-DD" and "HH:MM". */
  date: string;
  time: string;
  unit: string;
  place: string;
  lat: string;
  lon: string;
  narrative: string;
  /** The early-warning signs seen (usalama-core's `Indicator` keys). */
  indicators: string[];
  people: Record<PeopleKey, PeopleFigure>;
  livestock: Record<Species, LivestockLine>;
  suspects: { count: Count; armed: "" | "yes" | "no"; direction: string; group: string; names: string };
  agencies: string[];
  ob: { number: string; station: string };
  source: { kind: string; name: string; contact: string; notes: string };
}

const count = (): Count => ({ value: "", unknown: false });
const figure = (): PeopleFigure => ({
  split: false,
  total: count(),
  men: count(),
  women: count(),
  children: count(),
});
const line = (): LivestockLine => ({
  stolen: count(),
  recovered: count(),
  killed: count(),
  estimate: false,
});

/** An empty form: now, in the user's unit. */
export function emptyForm(unit: string | null, now: number = Date.now()): FormState {
  return {
    type: "",
    urgency: "routine",
    date: eatLocal(now).slice(0, 10),
    time: eatLocal(now).slice(11, 16),
    unit: unit ?? "",
    place: "",
    lat: "",
    lon: "",
    narrative: "",
    indicators: [],
    people: { killed: figure(), injured: figure(), abducted: figure() },
    livestock: {
      cattle: line(),
      goats: line(),
      sheep: line(),
      camels: line(),
      donkeys: line(),
    },
    suspects: { count: count(), armed: "", direction: "", group: "", names: "" },
    agencies: [],
    ob: { number: "", station: "" },
    source: { kind: "", name: "", contact: "", notes: "" },
  };
}

/** A number when the text is one; the text itself otherwise, for the core to refuse by name. */
function numberOr(text: string): number | string {
  const trimmed = text.trim();
  const n = Number(trimmed);
  return trimmed !== "" && Number.isFinite(n) ? n : trimmed;
}

/** `null` for unknown, `undefined` when not given, else the typed value. */
function countValue(c: Count): number | string | null | undefined {
  if (c.unknown) return null;
  if (c.value.trim() === "") return undefined;
  return numberOr(c.value);
}

function text(s: string): string | undefined {
  const trimmed = s.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** Drops the keys whose value is undefined; undefined when nothing is left. */
function compact(o: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

export interface Built {
  document: ReportDocument;
  /** The species of each `livestock[i]`, to place the core's problems. */
  livestockOrder: Species[];
}

/** The report document the form holds. */
export function toDocument(f: FormState): Built {
  const people: Record<string, unknown> = {};
  for (const key of PEOPLE) {
    const p = f.people[key];
    people[key] = p.split
      ? compact(Object.fromEntries(PARTS.map((part) => [part, countValue(p[part])])))
      : countValue(p.total);
  }
  const livestockOrder: Species[] = [];
  const livestock: unknown[] = [];
  for (const species of SPECIES) {
    const l = f.livestock[species];
    const counts = compact({
      stolen: countValue(l.stolen),
      recovered: countValue(l.recovered),
      killed: countValue(l.killed),
    });
    if (!counts) continue;
    livestockOrder.push(species);
    livestock.push({ species, ...counts, ...(l.estimate ? { estimate: true } : {}) });
  }
  const names = f.suspects.names
    .split("\n")
    .map((n) => n.trim())
    .filter((n) => n !== "");
  const gps =
    f.lat.trim() !== "" || f.lon.trim() !== ""
      ? compact({ lat: text(f.lat) && numberOr(f.lat), lon: text(f.lon) && numberOr(f.lon) })
      : undefined;
  const document = compact({
    type: text(f.type),
    urgency: text(f.urgency),
    occurred_at: occurredAt(f.date, f.time),
    unit: text(f.unit),
    place: text(f.place),
    gps,
    narrative: text(f.narrative),
    indicators: f.indicators.length ? [...f.indicators] : undefined,
    people: compact(people),
    livestock: livestock.length ? livestock : undefined,
    suspects: compact({
      count: countValue(f.suspects.count),
      armed: f.suspects.armed === "" ? undefined : f.suspects.armed === "yes",
      direction: text(f.suspects.direction),
      group: text(f.suspects.group),
      names: names.length ? names : undefined,
    }),
    agencies_notified: f.agencies.length ? [...f.agencies] : undefined,
    ob: compact({ number: text(f.ob.number), station: text(f.ob.station) }),
    source: compact({
      kind: text(f.source.kind),
      name: text(f.source.name),
      contact: text(f.source.contact),
      notes: text(f.source.notes),
    }),
  });
  return { document: document ?? {}, livestockOrder };
}

/** RFC 3339 in East Africa Time when the date and time are well formed, else what was typed. */
function occurredAt(date: string, time: string): string | undefined {
  const d = date.trim();
  const t = time.trim();
  if (d === "" && t === "") return undefined;
  const hm = /^(\d{1,2}):(\d{2})$/.exec(t);
  if (/^\d{4}-\d{2}-\d{2}$/.test(d) && hm) {
    return toRfc3339(`${d}T${hm[1].padStart(2, "0")}:${hm[2]}`);
  }
  return `${d} ${t}`.trim();
}

function countFrom(v: unknown): Count {
  if (v === null) return { value: "", unknown: true };
  if (v === undefined) return count();
  return { value: String(v), unknown: false };
}

/** The form holding a report's current document, for adding information to it. */
export function fromDocument(doc: ReportDocument): FormState {
  const f = emptyForm(null);
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  f.type = str(doc.type);
  f.urgency = str(doc.urgency) || "routine";
  const local = typeof doc.occurred_at === "string" ? fromRfc3339(doc.occurred_at) : "";
  f.date = local.slice(0, 10);
  f.time = local.slice(11, 16);
  f.unit = str(doc.unit);
  f.place = str(doc.place);
  const gps = doc.gps as { lat?: number; lon?: number } | null | undefined;
  if (gps) {
    f.lat = gps.lat === undefined ? "" : String(gps.lat);
    f.lon = gps.lon === undefined ? "" : String(gps.lon);
  }
  f.narrative = str(doc.narrative);
  f.indicators = Array.isArray(doc.indicators) ? (doc.indicators as string[]).filter((i) => typeof i === "string") : [];
  const people = (doc.people ?? {}) as Record<string, unknown>;
  for (const key of PEOPLE) {
    if (!(key in people)) continue;
    const v = people[key];
    if (v !== null && typeof v === "object") {
      const parts = v as Record<string, unknown>;
      f.people[key].split = true;
      for (const part of PARTS) if (part in parts) f.people[key][part] = countFrom(parts[part]);
    } else {
      f.people[key].total = countFrom(v);
    }
  }
  for (const l of (doc.livestock ?? []) as Record<string, unknown>[]) {
    const species = l.species as Species;
    if (!SPECIES.includes(species)) continue;
    f.livestock[species] = {
      stolen: "stolen" in l ? countFrom(l.stolen) : count(),
      recovered: "recovered" in l ? countFrom(l.recovered) : count(),
      killed: "killed" in l ? countFrom(l.killed) : count(),
      estimate: l.estimate === true,
    };
  }
  const s = (doc.suspects ?? {}) as Record<string, unknown>;
  if ("count" in s) f.suspects.count = countFrom(s.count);
  f.suspects.armed = s.armed === true ? "yes" : s.armed === false ? "no" : "";
  f.suspects.direction = str(s.direction);
  f.suspects.group = str(s.group);
  f.suspects.names = Array.isArray(s.names) ? s.names.join("\n") : "";
  f.agencies = Array.isArray(doc.agencies_notified) ? [...(doc.agencies_notified as string[])] : [];
  const ob = (doc.ob ?? {}) as Record<string, unknown>;
  f.ob = { number: str(ob.number), station: str(ob.station) };
  const src = (doc.source ?? {}) as Record<string, unknown>;
  f.source = { kind: str(src.kind), name: str(src.name), contact: str(src.contact), notes: str(src.notes) };
  return f;
}

/**
 * The amendment that turns `before` into `after` (both built by `toDocument`): each top-level
 * field that changed, with `livestock` narrowed to the species that changed and a removed
 * field sent as `null` (the core refuses removing a required one, and says so).
 */
export function amendment(before: ReportDocument, after: ReportDocument): ReportDocument {
  const changes: ReportDocument = {};
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (same(before[key], after[key])) continue;
    if (key === "livestock" && Array.isArray(after.livestock)) {
      const old = (before.livestock ?? []) as { species: string }[];
      const changed = (after.livestock as { species: string }[]).filter(
        (l) => !same(l, old.find((o) => o.species === l.species)),
      );
      if (changed.length) changes.livestock = changed;
      continue;
    }
    changes[key] = key in after ? after[key] : null;
  }
  return changes;
}

/** The form field a problem of the core belongs to (its path, with livestock by species). */
export function fieldOf(path: string, livestockOrder: Species[]): string {
  const stock = /^livestock\[(\d+)\](?:\.(\w+))?/.exec(path);
  if (stock) {
    const species = livestockOrder[Number(stock[1])] ?? "cattle";
    const part = stock[2];
    return part && part !== "species" ? `livestock.${species}.${part}` : `livestock.${species}`;
  }
  if (path.startsWith("suspects.names")) return "suspects.names";
  if (path.startsWith("agencies_notified")) return "agencies_notified";
  if (path.startsWith("indicators")) return "indicators";
  if (path.startsWith("gps")) return "gps";
  if (path === "") return "form";
  return path;
}

/** Problems grouped by form field. */
export function problemsByField(
  problems: FieldProblem[],
  livestockOrder: Species[],
): Record<string, FieldProblem[]> {
  const out: Record<string, FieldProblem[]> = {};
  for (const p of problems) (out[fieldOf(p.field, livestockOrder)] ??= []).push(p);
  return out;
}
