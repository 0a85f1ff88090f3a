// A warning in plain words: what raised it, as a chief or an officer says it ("2 killed",
// "Second raid in 9 days"), never the rule's name or a p-value.
import { label, t } from "./i18n.svelte";
import type { Warning, WarningReason } from "./ipc";

/** One reason a single report raised a warning. */
function reasonText(r: WarningReason): string {
  switch (r.reason) {
    case "killing":
      return r.killed === null ? t("warn.killing") : t("warn.killed", { n: r.killed });
    case "abduction":
      return r.abducted === null ? t("warn.abduction") : t("warn.abducted", { n: r.abducted });
    case "livestock_stolen":
      return t("warn.stolen", { n: r.head.toLocaleString("en") });
    case "provocative":
      return t("warn.provocative", {
        signs: r.indicators.map((i) => label("indicator", i).toLowerCase()).join(", "),
      });
  }
}

/** What the season led one to expect: whole numbers from 1 up, one decimal below. */
function expected(n: number): string {
  return n >= 1 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
}

/** What raised `w`, in the current language: one line per reason. */
export function whatRaised(w: Warning): string[] {
  switch (w.rule) {
    case "report":
      return (w.reasons ?? []).map(reasonText);
    case "repeat_raid": {
      const days = w.counts?.[0] ?? 0;
      return [days === 0 ? t("warn.repeat_raid_same_day") : t("warn.repeat_raid", { n: days })];
    }
    case "rising_signs":
      // The counts are the week before the rise and each week of it.
      return [t("warn.rising", { n: Math.max(1, (w.counts?.length ?? 2) - 1) })];
    case "trend":
    case "border_trend": {
      const f = w.trend;
      if (!f) return [];
      const figures = { count: f.count, expected: expected(f.expected) };
      const text =
        f.years_of_history === 0
          ? t("warn.trend_no_history", figures)
          : f.years_of_history === 1
            ? t("warn.trend_one_year", figures)
            : t("warn.trend", figures);
      return [w.rule === "border_trend" ? t("warn.border", { what: text }) : text];
    }
  }
}
