import { describe, expect, it } from "vitest";
import { periodOf } from "../src/lib/period";

describe("the summary's periods", () => {
  it("a week runs from Monday to Sunday", () => {
    expect(periodOf("week", "2026-11-26")).toEqual({ from: "2026-11-23", to: "2026-11-29" });
    expect(periodOf("week", "2026-11-23")).toEqual({ from: "2026-11-23", to: "2026-11-29" });
    expect(periodOf("week", "2026-11-29")).toEqual({ from: "2026-11-23", to: "2026-11-29" });
    expect(periodOf("week", "2027-01-01")).toEqual({ from: "2026-12-28", to: "2027-01-03" });
  });

  it("this month and last month are whole calendar months, across a year's end", () => {
    expect(periodOf("month", "2026-02-10")).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(periodOf("last_month", "2026-03-31")).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(periodOf("last_month", "2027-01-05")).toEqual({ from: "2026-12-01", to: "2026-12-31" });
  });
});
