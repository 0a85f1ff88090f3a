import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import Warnings from "../src/components/Warnings.svelte";
import { setLang } from "../src/lib/i18n.svelte";
import type { Warning, WarningsView } from "../src/lib/ipc";
import { whatRaised } from "../src/lib/warnings";
import { fakeBackend, invalid, units } from "./fake";

function warning(id: string, more: Partial<Warning> = {}): Warning {
  return {
    id,
    rule: "report",
    area: "ke-024-l-ombolion",
    area_name: "Ombolion",
    day: "2026-11-20",
    reports: ["4wbp6907abcdefgh"],
    reasons: [{ reason: "killing", killed: 2 }],
    acknowledgements: [],
    overdue: false,
    followed_by: 0,
    ...more,
  };
}

const view = (warnings: Warning[], silent: WarningsView["silent"] = []): WarningsView => ({
  warnings,
  total: warnings.length,
  silent,
  county_settings: false,
});

describe("a warning in plain words", () => {
  it("says what a single report told of", () => {
    expect(whatRaised(warning("W1"))).toEqual(["2 killed"]);
    expect(whatRaised(warning("W1", { reasons: [{ reason: "killing", killed: null }] }))).toEqual([
      "People killed (number not known)",
    ]);
    expect(whatRaised(warning("W1", { reasons: [{ reason: "abduction", abducted: 3 }] }))).toEqual(["3 abducted"]);
    expect(
      whatRaised(
        warning("W1", {
          reasons: [
            { reason: "livestock_stolen", head: 120, threshold: 50 },
            { reason: "provocative", indicators: ["war_songs", "strangers_scouting"] },
          ],
        }),
      ),
    ).toEqual(["120 head stolen", "Provocative sign: war songs, strangers scouting (spies)"]);
  });

  it("says a repeat raid's days, rising signs' weeks, and a trend's figures with how much history it rests on", () => {
    expect(whatRaised(warning("W2", { rule: "repeat_raid", reasons: [], counts: [9] }))).toEqual(["Second raid in 9 days"]);
    expect(whatRaised(warning("W2", { rule: "repeat_raid", reasons: [], counts: [0] }))).toEqual([
      "Second raid on the same day",
    ]);
    expect(whatRaised(warning("W3", { rule: "rising_signs", reasons: [], counts: [0, 1, 2, 4] }))).toEqual([
      "Early-warning signs rising 3 weeks running",
    ]);
    const trend = (years: number, expected = 1.6) =>
      whatRaised(warning("W4", { rule: "trend", reasons: [], trend: { count: 7, expected, p_value: 0.001, years_of_history: years } }));
    expect(trend(1)).toEqual([
      "Unusually many incidents for the season (7, about 2 expected; only 1 earlier year to compare)",
    ]);
    expect(trend(5)).toEqual(["Unusually many incidents for the season (7, about 2 expected)"]);
    expect(trend(0, 0.42)).toEqual([
      "Unusually many incidents for the season (7, about 0.4 expected; no earlier year to compare)",
    ]);
    expect(
      whatRaised(warning("W5", { rule: "border_trend", reasons: [], trend: { count: 7, expected: 2, p_value: 0.01, years_of_history: 3 } })),
    ).toEqual(["Along the border: Unusually many incidents for the season (7, about 2 expected)"]);
  });

  it("speaks Kiswahili", () => {
    setLang("sw");
    expect(whatRaised(warning("W1"))).toEqual(["Waliouawa: 2"]);
    expect(whatRaised(warning("W2", { rule: "repeat_raid", reasons: [], counts: [9] }))).toEqual([
      "Uvamizi wa pili ndani ya siku 9",
    ]);
  });
});

describe("the warnings panel", () => {
  it("lists the newest first and makes one waiting more than a day stand out in words", async () => {
    fakeBackend({
      warnings: () =>
        view([
          warning("Wold", { day: "2026-11-02", overdue: true }),
          warning("Wnew", {
            day: "2026-11-19",
            acknowledgements: [
              { by: { name: "Inspector Lokwang", role: "officer", agency: "nps" }, at: "2026-11-19T09:00:00+03:00", note: "Patrol sent to Kases." },
            ],
          }),
        ]),
    });
    render(Warnings, { props: { units, agency: "kdf" } });
    const old = (await screen.findByTestId("overdue")).closest("[data-warning]") as HTMLElement;
    const order = [...document.querySelectorAll("[data-warning]")].map((e) => e.getAttribute("data-warning"));
    expect(order).toEqual(["Wnew", "Wold"]);
    expect(old.dataset.overdue).toBe("true");
    expect(old.classList.contains("overdue")).toBe(true);
    expect(old.textContent).toContain("Not acknowledged for more than a day");
    expect(old.textContent).toContain("Ombolion · 02/11/2026");
    const seen = document.querySelector('[data-warning="Wnew"]') as HTMLElement;
    expect(within(seen).getByTestId("warning-ack").textContent).toMatch(
      /Acknowledged by Inspector Lokwang \(Police \(NPS\)\), 2026-11-19 09:00:\s*Patrol sent to Kases\./,
    );
    expect(screen.getByTestId("warnings-open").textContent).toBe("1 not acknowledged");
  });

  it("is read-only for a chief, and names the areas gone quiet", async () => {
    fakeBackend({ warnings: () => view([warning("W1")], [{ area: "ke-024-w0641", since: "2026-10-01" }]) });
    render(Warnings, { props: { units, silences: true } });
    await screen.findByText("2 killed");
    expect(document.querySelector("[data-acknowledge]")).toBeNull();
    expect(screen.getByText("No reports from Kapenguria since 01/10/2026")).toBeTruthy();
  });

  it("acknowledges with a note: a refused note shows next to the field, then the acknowledgement shows at once", async () => {
    let acknowledged = false;
    const calls = fakeBackend({
      warnings: () =>
        view([
          warning("W1", {
            overdue: !acknowledged,
            acknowledgements: acknowledged
              ? [{ by: { name: "Inspector Lokwang", role: "officer", agency: "nps" }, at: "2026-11-21T08:00:00+03:00", note: "Elders met at Kases." }]
              : [],
          }),
        ]),
      acknowledge_warning: (a) => {
        if (!String(a.note).trim()) invalid([{ field: "note", rule: "not_empty", message: "note must not be empty" }]);
        acknowledged = true;
        return "W1";
      },
    });
    render(Warnings, { props: { units, agency: "nps" } });
    await fireEvent.click(await screen.findByRole("button", { name: /Acknowledge the warning: 2 killed, Ombolion/ }));
    const dialog = screen.getByRole("dialog", { name: "Acknowledge the warning" });
    const note = within(dialog).getByLabelText("What was done?");
    expect(document.activeElement).toBe(note);
    await fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(document.getElementById("err-note")?.textContent).toBe("Must not be empty."));
    expect(note.getAttribute("aria-invalid")).toBe("true");

    await fireEvent.input(note, { target: { value: "Elders met at Kases." } });
    await fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(calls.filter((c) => c.cmd === "acknowledge_warning").slice(-1)[0].args).toEqual({ id: "W1", note: "Elders met at Kases." });
    expect((await screen.findByTestId("warning-ack")).textContent).toContain("Elders met at Kases.");
    expect(screen.queryByTestId("overdue")).toBeNull();
    // The officer's agency has acknowledged it: no second button.
    expect(document.querySelector("[data-acknowledge]")).toBeNull();
  });

  it("closes the dialog on Escape without recording anything", async () => {
    const calls = fakeBackend({ warnings: () => view([warning("W1")]) });
    render(Warnings, { props: { units, agency: "nps" } });
    await fireEvent.click(await screen.findByRole("button", { name: /Acknowledge the warning/ }));
    await fireEvent.keyDown(screen.getByRole("dialog"), { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(calls.some((c) => c.cmd === "acknowledge_warning")).toBe(false);
  });
});
