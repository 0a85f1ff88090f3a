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

/**
 * A day as a person types it, day first whatever the laptop's locale: "2/12/2026", "02.12.2026",
 * "2-12-2026", "2 12 2026", "02122026", or the stored form "2026-12-02". "YYYY-MM-DD", or null
 * when it is not a day of the calendar.
 */
export function parseDay(text: string): string | null {
  const s = text.trim();
  let parts: string[] | null = null;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (iso) parts = [iso[3], iso[2], iso[1]];
  else if (/^\d{8}$/.test(s)) parts = [s.slice(0, 2), s.slice(2, 4), s.slice(4)];
  else {
    const m = /^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4})$/.exec(s);
    if (m) parts = [m[1], m[2], m[3]];
  }
  if (!parts) return null;
  const [d, mo, y] = parts.map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1000 || t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
  return `${y}-${pad(mo)}-${pad(d)}`;
}

/** A stored day ("YYYY-MM-DD") as people in Kenya write it: "02/12/2026"; other text as it is. */
export function showDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : day;
}

/**
 * A time of day as a person types it, on the 24-hour clock whatever the laptop's locale:
 * "05:30", "5:30", "05.30", "5 30", "0530", "530", or the hour alone ("5" is 05:00). "HH:MM",
 * or null when it is not a time of day.
 */
export function parseClock(text: string): string | null {
  const s = text.trim();
  let m = /^(\d{1,2})\s*[:.\s]\s*(\d{2})$/.exec(s);
  if (!m) m = /^(\d{1,2})(\d{2})$/.exec(s);
  if (!m && /^\d{1,2}$/.test(s)) m = ["", s, "00"] as unknown as RegExpExecArray;
  if (!m) return null;
  const [h, min] = [Number(m[1]), Number(m[2])];
  if (h > 23 || min > 59) return null;
  return `${pad(h)}:${pad(min)}`;
}
