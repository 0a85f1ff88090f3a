import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import Board from "../src/components/Board.svelte";
import Inbox from "../src/components/Inbox.svelte";
import ReportActions from "../src/components/ReportActions.svelte";
import { age } from "../src/lib/age";
import { setLang } from "../src/lib/i18n.svelte";
import type { Profile, ReportRow } from "../src/lib/ipc";
import { fakeBackend, profile, units } from "./fake";

/** The element `css` finds, once it is there. */
const found = (css: string) =>
  waitFor(() => {
    const e = document.querySelector(css);
    if (!e) throw new Error(`no ${css} yet`);
    return e as HTMLElement;
  });

const police: Profile = { ...profile, name: "Inspector Lokwang", role: "officer", agency: "nps", unit: "ke-024" };
const ngao: Profile = { ...police, name: "ACC Kapenguria", agency: "ngao" };

function row(id: string, urgency: string, more: Partial<ReportRow> = {}): ReportRow {
  return {
    id,
    type: "livestock_raid",
    urgency,
    status: "received",
    occurred_at: "2026-11-20T05:30:00+03:00",
    unit: "ke-024-l-ombolion",
    place: `Place ${id}`,
    recorded_at: "2026-11-20T06:00:00+03:00",
    narrative: "Raiders took cattle.",
    lead_agency: null,
    supporting_agencies: [],
    acknowledged_by: [],
    linked: [],
    ...more,
  };
}

describe("the officer's inbox", () => {
  it("asks for flash and urgent first and shows the rows in that order", async () => {
    const rows = [row("flash001", "flash"), row("urgent01", "urgent"), row("routine1", "routine")];
    const calls = fakeBackend({ list_reports: () => rows });
    render(Inbox, { props: { profile: police, units, onopen: vi.fn() } });
    await screen.findByText("Place flash001", { exact: false });
    expect(calls.find((c) => c.cmd === "list_reports")!.args.filter).toMatchObject({ urgent_first: true });
    const shown = [...document.querySelectorAll("[data-report]")].map((e) => e.getAttribute("data-report"));
    expect(shown).toEqual(["flash001", "urgent01", "routine1"]);
    expect(document.querySelector('[data-report="flash001"] [data-urgency]')!.textContent).toBe("FLASH");
  });

  it("makes reports not acknowledged by the officer's agency stand out, in words", async () => {
    fakeBackend({
      list_reports: () => [row("aaaa0001", "flash"), row("bbbb0002", "urgent", { acknowledged_by: ["nps"], lead_agency: "kdf" })],
    });
    render(Inbox, { props: { profile: police, units, onopen: vi.fn() } });
    const fresh = await found('[data-report="aaaa0001"]');
    expect(fresh.dataset.new).toBe("true");
    expect(fresh.classList.contains("new")).toBe(true);
    expect(within(fresh).getByTestId("unacknowledged").textContent).toContain("Not acknowledged by Police (NPS)");
    expect(within(fresh).getByText("No lead yet")).toBeTruthy();
    const seen = document.querySelector('[data-report="bbbb0002"]') as HTMLElement;
    expect(seen.dataset.new).toBe("false");
    expect(seen.textContent).toContain("Acknowledged by Police (NPS)");
    expect(seen.textContent).toContain("Lead: Kenya Defence Forces (KDF)");
    expect(screen.getByTestId("inbox-count").textContent).toContain("1 not yet acknowledged by Police (NPS)");
  });

  it("filters by agency and relation, type and status", async () => {
    const calls = fakeBackend({ list_reports: () => [] });
    render(Inbox, { props: { profile: police, units, onopen: vi.fn() } });
    await screen.findByText("No report matches.");
    await fireEvent.change(screen.getByLabelText("Agency"), { target: { value: "kdf" } });
    await fireEvent.change(screen.getByLabelText("Which reports of that agency"), { target: { value: "lead" } });
    await fireEvent.change(screen.getByLabelText("Status"), { target: { value: "responding" } });
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "list_reports").slice(-1)[0].args.filter).toMatchObject({
        agency: "kdf",
        relation: "lead",
        status: "responding",
        urgent_first: true,
      }),
    );
  });
});

describe("the steps on a report", () => {
  it("shows only the steps the core allows, and says what was recorded", async () => {
    const calls = fakeBackend({ allowed_actions: () => ["acknowledge", "link"], act: () => "aaaa0001" });
    const onrecorded = vi.fn();
    render(ReportActions, { props: { id: "aaaa0001", profile: police, onrecorded } });
    await screen.findByRole("button", { name: "Acknowledge" });
    expect(screen.queryByRole("button", { name: "Close" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Name the lead" })).toBeNull();
    await fireEvent.click(screen.getByRole("button", { name: "Acknowledge" }));
    await fireEvent.click(screen.getByRole("button", { name: "Acknowledge for Police (NPS)" }));
    const done = await screen.findByText(/Recorded: acknowledged for Police \(NPS\)/);
    expect(done.getAttribute("role")).toBe("status");
    expect(calls.find((c) => c.cmd === "act")!.args).toEqual({ id: "aaaa0001", step: { step: "acknowledge" } });
    await waitFor(() => expect(onrecorded).toHaveBeenCalledOnce());
  });

  it("closes with an outcome, a note and figures, checking the counts first", async () => {
    const calls = fakeBackend({ allowed_actions: () => ["update", "close"], act: () => "aaaa0001" });
    render(ReportActions, { props: { id: "aaaa0001", profile: ngao, onrecorded: vi.fn() } });
    await fireEvent.click(await screen.findByRole("button", { name: "Close" }));
    await fireEvent.click(screen.getByLabelText("False alarm"));
    await fireEvent.input(screen.getByLabelText("Arrests"), { target: { value: "-2" } });
    await fireEvent.click(screen.getByRole("button", { name: "Close the report" }));
    expect((await screen.findByText("Must be a whole number, 0 or more.")).textContent).toBeTruthy();
    expect(calls.some((c) => c.cmd === "act")).toBe(false);
    await fireEvent.input(screen.getByLabelText("Arrests"), { target: { value: "2" } });
    await fireEvent.input(screen.getByLabelText("Cattle"), { target: { value: "40" } });
    await fireEvent.input(screen.getByLabelText(/^Note/), { target: { value: "Herders had moved the cattle." } });
    await fireEvent.click(screen.getByRole("button", { name: "Close the report" }));
    await screen.findByText(/Recorded: closed \(False alarm\)/);
    expect(calls.find((c) => c.cmd === "act")!.args.step).toEqual({
      step: "close",
      outcome: "false_alarm",
      note: "Herders had moved the cattle.",
      figures: { arrests: 2, livestock_recovered: [{ species: "cattle", count: 40 }] },
    });
  });

  it("names the lead with supporting agencies, and an update needs a note", async () => {
    const calls = fakeBackend({ allowed_actions: () => ["assign", "update"], act: () => "aaaa0001" });
    render(ReportActions, { props: { id: "aaaa0001", profile: ngao, onrecorded: vi.fn() } });
    await fireEvent.click(await screen.findByRole("button", { name: "Post an update" }));
    await fireEvent.click(screen.getByRole("button", { name: "Post the update" }));
    expect(await screen.findByText("This field is required.")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Name the lead" }));
    await fireEvent.change(screen.getByLabelText("Lead agency"), { target: { value: "kdf" } });
    await fireEvent.click(screen.getByLabelText("Police (NPS)"));
    await fireEvent.click(document.querySelector("#act-submit")!);
    await screen.findByText(/Recorded: Kenya Defence Forces \(KDF\) leads/);
    expect(calls.find((c) => c.cmd === "act")!.args.step).toEqual({ step: "assign", lead: "kdf", support: ["nps"] });
  });

  it("says a refusal in the chosen language, next to the form", async () => {
    setLang("sw");
    fakeBackend({
      allowed_actions: () => ["reopen"],
      act: () => {
        throw { kind: "not_allowed", message: "only the lead agency or ngao closes or reopens a report" };
      },
    });
    render(ReportActions, { props: { id: "aaaa0001", profile: ngao, onrecorded: vi.fn() } });
    await fireEvent.click(await screen.findByRole("button", { name: "Fungua tena" }));
    await fireEvent.input(screen.getByLabelText(/^Maelezo/), { target: { value: "Ng'ombe zaidi wameonekana" } });
    await fireEvent.click(screen.getByRole("button", { name: "Fungua ripoti tena" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Chombo chako hakiruhusiwi");
  });

  it("links to a report picked from a search", async () => {
    const calls = fakeBackend({
      allowed_actions: () => ["link"],
      list_reports: () => [row("aaaa0001", "flash"), row("cccc0003", "urgent")],
      act: () => "aaaa0001",
    });
    render(ReportActions, { props: { id: "aaaa0001", profile: police, onrecorded: vi.fn() } });
    await fireEvent.click(await screen.findByRole("button", { name: "Link to another report" }));
    const pick = await found('input[name=other][data-report="cccc0003"]');
    // The report itself is not offered.
    expect(document.querySelector('input[name=other][data-report="aaaa0001"]')).toBeNull();
    await fireEvent.click(pick);
    await fireEvent.click(screen.getByRole("button", { name: "Link as the same incident" }));
    await screen.findByText(/Recorded: same incident as report cccc0003/);
    expect(calls.find((c) => c.cmd === "act")!.args.step).toEqual({ step: "link", other: "cccc0003" });
  });
});

describe("the board", () => {
  it("shows each open incident's lead or none yet, its age, and linked reports under it", async () => {
    const now = Date.now();
    const ago = (days: number) => new Date(now - days * 86400000).toISOString();
    fakeBackend({
      board: () => [
        {
          primary: row("aaaa0001", "flash", { lead_agency: "kdf", status: "responding", occurred_at: ago(3.2) }),
          linked: [row("bbbb0002", "flash", { status: "closed", occurred_at: ago(3) })],
        },
        { primary: row("cccc0003", "routine", { occurred_at: ago(0.05) }), linked: [] },
      ],
    });
    render(Board, { props: { units, onopen: vi.fn() } });
    const first = await found('[data-incident="aaaa0001"]');
    expect(within(first).getByTestId("lead").textContent).toContain("Kenya Defence Forces (KDF)");
    expect(within(first).getByTestId("age").textContent).toBe("3 days");
    expect(first.querySelector('tr.linked[data-report="bbbb0002"]')!.textContent).toContain("Same incident: report bbbb0002");
    const second = document.querySelector('[data-incident="cccc0003"]') as HTMLElement;
    expect(within(second).getByTestId("lead").textContent).toContain("No lead yet");
    expect(within(second).getByTestId("age").textContent).toBe("1 hour");
    expect(screen.getByTestId("board-count").textContent).toBe("2 open incidents");
  });

  it("says ages in Kiswahili too", () => {
    setLang("sw");
    const now = new Date("2026-11-20T12:00:00+03:00");
    expect(age("2026-11-17T11:00:00+03:00", now)).toBe("siku 3");
    expect(age("2026-11-20T11:20:00+03:00", now)).toBe("dakika 40");
  });
});
