// Units as rows name them: one lookup per row, not a walk through the gazetteer's hundreds of
// units for each of a list's 200 rows.
import type { Unit } from "./ipc";

/** A unit's name by its id, or the id itself when the gazetteer does not know it. */
export function unitNamer(units: readonly Unit[]): (id: string) => string {
  const names = new Map(units.map((u) => [u.id, u.name]));
  return (id) => names.get(id) ?? id;
}
