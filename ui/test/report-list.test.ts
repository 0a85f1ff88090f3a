import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import Home from "../src/components/Home.svelte";
import ReportList from "../src/components/ReportList.svelte";
import { setLang } from "../src/lib/i18n.svelte";
import type { ReportRow } from "../src/lib/ipc";
import { fakeBackend, profile, units } from "./fake";

const row = (id: string, urgency: string): ReportRow => ({
  id,
  type: "livestock_raid",
  urgency,
  status: "pending",
  occurred_at: "2026-11-20T05:30:00+03:00",
  unit: "ke-024-l-ombolion",
  place: "Kases",
  recorded_at: "2026-11-20T05:40:00+03:00",
  narrative: "Raiders drove cattle towards the river.",
  lead_agency: null,
  supporting_agencies: [],
  acknowledged_by: [],
  linked: [],
});

/** The element `css` names, once it is there. */
const found = (css: string) =>
  waitFor(() => {
    const e = document.querySelector<HTMLElement>(css);
    if (!e) throw new Error(`no ${css} yet`);
    return e;
  });

const rows = [row("aaaa0001abcdefgh", "flash"), row("bbbb0002abcdefgh", "urgent"), row("cccc0003abcdefgh", "routine")];

describe("the report list and Home", () => {
  it("marks flash and urgent reports in the report list, and leaves routine ones plain", async () => {
    fakeBackend({ list_reports: () => rows, count_reports: () => rows.length });
    render(ReportList, { props: { units, revision: 0, onopen: vi.fn() } });
    const flash = await found('tr[data-report="aaaa0001abcdefgh"]');
    expect(within(flash).getByText("FLASH")).toBeTruthy();
    const urgent = document.querySelector<HTMLElement>('tr[data-report="bbbb0002abcdefgh"]')!;
    expect(within(urgent).getByText("URGENT")).toBeTruthy();
    expect(document.querySelector('tr[data-report="cccc0003abcdefgh"] .urgency')).toBeNull();
  });

  it("marks them on Home too, in Kiswahili when the app speaks it", async () => {
    setLang("sw");
    fakeBackend({ list_reports: () => rows });
    render(Home, {
      props: { profile, units, revision: 0, onnew: vi.fn(), oncontinue: vi.fn(), onopen: vi.fn(), onlist: vi.fn() },
    });
    const flash = await found('[data-report="aaaa0001abcdefgh"]');
    expect(within(flash).getByText("HATARI SASA")).toBeTruthy();
    expect(screen.getByText("DHARURA")).toBeTruthy();
    expect(document.querySelector('[data-report="cccc0003abcdefgh"] .urgency')).toBeNull();
  });

  it("says how many reports a search found beyond the page shown, and shows more on request", async () => {
    const all = Array.from({ length: 450 }, (_, i) => row(`r${String(i).padStart(7, "0")}abcdefgh`, "routine"));
    const calls = fakeBackend({
      list_reports: (a) => all.slice(0, (a.filter as { limit: number }).limit),
      count_reports: () => all.length,
    });
    render(ReportList, { props: { units, revision: 0, onopen: vi.fn() } });
    await waitFor(() => expect(screen.getByTestId("list-count").textContent).toContain("450 reports found; showing the 200 newest."));
    expect(document.querySelectorAll("tbody tr")).toHaveLength(200);
    await fireEvent.click(screen.getByRole("button", { name: "Show 200 more" }));
    await waitFor(() => expect(document.querySelectorAll("tbody tr")).toHaveLength(400));
    await fireEvent.click(screen.getByRole("button", { name: "Show 50 more" }));
    await waitFor(() => expect(document.querySelectorAll("tbody tr")).toHaveLength(450));
    expect(screen.queryByRole("button", { name: /Show \d+ more/ })).toBeNull();
    expect(screen.getByTestId("list-count").textContent).toContain("450 reports found");
    // A page that holds everything is not counted again.
    expect(calls.filter((c) => c.cmd === "count_reports")).toHaveLength(2);
  });

  it("keeps the newest search's answer when an older one arrives after it", async () => {
    let releaseFirst: (v: ReportRow[]) => void = () => {};
    const first = new Promise<ReportRow[]>((r) => (releaseFirst = r));
    let n = 0;
    fakeBackend({
      list_reports: () => (++n === 1 ? first : [row("dddd0004abcdefgh", "routine")]),
      count_reports: () => 1,
    });
    render(ReportList, { props: { units, revision: 0, onopen: vi.fn() } });
    await fireEvent.change(document.getElementById("q-type")!, { target: { value: "killing" } });
    await found('tr[data-report="dddd0004abcdefgh"]');
    releaseFirst(rows);
    await new Promise((r) => setTimeout(r, 20));
    expect(document.querySelector('tr[data-report="aaaa0001abcdefgh"]')).toBeNull();
    expect(document.querySelectorAll("tbody tr")).toHaveLength(1);
    expect(screen.getByTestId("list-count").dataset.answered).toBe("1");
  });
});
