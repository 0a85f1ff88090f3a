// The periods a summary offers, as calendar days in East Africa Time ("YYYY-MM-DD", both ends
// inclusive). Weeks start on Monday, as Kenyan offices count them.

export type PeriodChoice = "week" | "month" | "last_month" | "custom";

function day(y: number, m: number, d: number): string {
  // Date.UTC rolls over out-of-range months and days (month 0 of next year, day 0 = last day).
  const t = new Date(Date.UTC(y, m, d));
  return t.toISOString().slice(0, 10);
}

/** The first and last day of a preset period that contains `today` ("YYYY-MM-DD"). */
export function periodOf(choice: Exclude<PeriodChoice, "custom">, today: string): { from: string; to: string } {
  const [y, m, d] = today.split("-").map(Number);
  const month = m - 1;
  if (choice === "week") {
    const weekday = (new Date(Date.UTC(y, month, d)).getUTCDay() + 6) % 7; // Monday = 0
    return { from: day(y, month, d - weekday), to: day(y, month, d - weekday + 6) };
  }
  if (choice === "month") return { from: day(y, month, 1), to: day(y, month + 1, 0) };
  return { from: day(y, month - 1, 1), to: day(y, month, 0) };
}
