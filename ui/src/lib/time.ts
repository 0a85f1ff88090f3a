// Dates as users type and read them: East Africa Time (UTC+3), whatever the laptop's zone.

const EAT_MS = 3 * 60 * 60 * 1000;

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** "YYYY-MM-DDTHH:MM" in East Africa Time, the value of a datetime-local input. */
export function eatLocal(ms: number = Date.now()): string {
  const d = new Date(ms + EAT_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(
    d.getUTCHours(),
  )}:${pad(d.getUTCMinutes())}`;
}

/** A datetime-local value (East Africa Time) as RFC 3339 with its offset. */
export function toRfc3339(local: string): string {
  const [date, time = ""] = local.split("T");
  const hms = time.length === 5 ? `${time}:00` : time;
  return `${date}T${hms}+03:00`;
}

/** An RFC 3339 time as a datetime-local value in East Africa Time. */
export function fromRfc3339(text: string): string {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? "" : eatLocal(ms);
}

/** An RFC 3339 time for reading: "2026-11-20 05:30" in East Africa Time. */
export function showTime(text: string | null | undefined): string {
  if (!text) return "";
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : eatLocal(ms).replace("T", " ");
}

/** Today in East Africa Time, "YYYY-MM-DD". */
export function eatToday(): string {
  return eatLocal().slice(0, 10);
}
