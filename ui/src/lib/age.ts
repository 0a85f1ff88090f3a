// How long ago something happened, in words: "40 minutes", "3 hours", "3 days".
import { t } from "./i18n.svelte";

export function age(at: string, now: Date = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - new Date(at).getTime()) / 60000));
  if (minutes < 60) return t("age.minutes", { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours === 1 ? t("age.hour_one") : t("age.hours", { n: hours });
  const days = Math.floor(hours / 24);
  return days === 1 ? t("age.day_one") : t("age.days", { n: days });
}
