// A problem of the core in the user's language: by its rule, with the core's English words for a
// rule this version does not know.
import { strings, type Key } from "./strings";
import { t } from "./i18n.svelte";
import type { FieldProblem } from "./ipc";

export function problemText(p: FieldProblem): string {
  const key = `rule.${p.rule}` as Key;
  if (!(key in strings)) return p.message;
  return t(key, { max: p.max === undefined ? "" : p.max.toLocaleString("en") });
}
