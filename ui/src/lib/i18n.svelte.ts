// The current language and the lookup of a string in it. Reading `ui.lang` inside `t` makes
// every label re-render when the language changes.
import { strings, type Key } from "./strings";
import type { Lang } from "./ipc";

export const ui = $state<{ lang: Lang }>({ lang: "en" });

export function setLang(lang: Lang): void {
  ui.lang = lang;
  document.documentElement.lang = lang;
}

export function t(key: Key, params: Record<string, string | number> = {}): string {
  const entry = strings[key];
  let text: string = entry ? entry[ui.lang === "sw" ? 1 : 0] : key;
  for (const [name, value] of Object.entries(params)) {
    text = text.replaceAll(`{${name}}`, String(value));
  }
  return text;
}

/** The label of a vocabulary key such as `type.killing`, or the key itself if unknown. */
export function label(prefix: string, value: string | null | undefined): string {
  if (!value) return "";
  const key = `${prefix}.${value}` as Key;
  return key in strings ? t(key) : value;
}

/** An urgency as the form and a report's page show it: a flash report says what flash means. */
export function urgencyText(value: string): string {
  const name = label("urgency", value);
  return value === "flash" ? `${name}: ${t("urgency.flash_meaning")}` : name;
}

/** The options of a choice among `values`, each labelled in the current language. */
export function choices(prefix: string, values: readonly string[]): { value: string; label: string }[] {
  return values.map((value) => ({ value, label: label(prefix, value) }));
}
