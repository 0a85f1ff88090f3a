import { render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import ReportPage from "../src/components/ReportPage.svelte";
import { setLang } from "../src/lib/i18n.svelte";
import type { ReportView } from "../src/lib/ipc";
import { fakeBackend, profile, units } from "./fake";

const officer = { ...profile, name: "Captain Lotee", role: "officer", agency: "kdf", unit: "ke-024" };
const by = { name: "Joseph Korkimul", role: "chief", agency: null };
const entry = { device: "d", seq: 1, hash: "h" };

function view(more: Partial<ReportView>): ReportView {
  return {
    id: "4wbp6907abcdefgh",
    type: "livestock_raid",
    urgency: "flash",
    occurred_at: "2026-11-20T05:30:00+03:00",
    unit: "ke-024-l-ombolion",
    narrative: "Raiders took cattle.",
    status: "received",
    lead_agency: null,
    supporting_agencies: [],
    outcome: null,
    linked: [],
    acknowledged_by: [],
    reported_by: by,
    device: "d",
    recorded_at: "2026-11-20T06:00:00+03:00",
    unit_counted: "ke-024-l-ombolion",
    timeline: [
      { kind: "report_filed", at: "2026-11-20T06:00:00+03:00", by, content: null, entry },
      { kind: "source_sealed", at: "2026-11-20T06:00:00+03:00", by, content: null, entry: { ...entry, seq: 2 } },
    ],
    ...more,
  } as ReportView;
}

describe("a report's restricted source", () => {
  it("says in words that a sealed source waits for the county key, in both languages", async () => {
    fakeBackend({ show_report: () => view({ source_sealed: true }), allowed_actions: () => [] });
    const { unmount } = render(ReportPage, { props: { id: "4wbp6907", profile: officer, units, onamend: vi.fn() } });
    const notice = await screen.findByTestId("source-sealed");
    expect(notice.textContent).toContain("cannot read");
    expect(screen.getByText("Restricted details recorded (source, suspects' names)")).toBeTruthy();
    unmount();
    setLang("sw");
    render(ReportPage, { props: { id: "4wbp6907", profile: officer, units, onamend: vi.fn() } });
    expect((await screen.findByTestId("source-sealed")).textContent).toContain("haiwezi kusoma");
    setLang("en");
  });

  it("shows the source where it was opened, and no notice", async () => {
    const source = { kind: "informant", name: "Lomuria Ekai" };
    fakeBackend({ show_report: () => view({ source } as Partial<ReportView>), allowed_actions: () => [] });
    render(ReportPage, { props: { id: "4wbp6907", profile: officer, units, onamend: vi.fn() } });
    expect(await screen.findByText("Lomuria Ekai")).toBeTruthy();
    expect(screen.queryByTestId("source-sealed")).toBeNull();
  });
});

describe("a flash alert by SMS", () => {
  const alert = {
    counter: 1,
    full: "U1" + "aB3-".repeat(39) + "xy",
    short: "1ABCDEFGHJKMNPQRSTVWXYZ0123456789ABCDEFGHJKMNPQRSTVWXYZ01234",
    number: "+254712345678",
    qr: { size: 21, rows: Array.from({ length: 21 }, (_, y) => (y % 2 ? "10".repeat(10) + "1" : "0".repeat(21))) },
  };

  it("is offered on the author's own flash report, and shows the code, the text and the short form", async () => {
    const calls = fakeBackend({ show_report: () => view({ device: profile.device }), sms_alert: () => alert });
    render(ReportPage, { props: { id: "4wbp6907", profile, units, onamend: vi.fn() } });
    (await screen.findByRole("button", { name: "Send a flash alert by SMS" })).click();
    await screen.findByTestId("sms-ready");
    expect(calls.some((c) => c.cmd === "sms_alert" && c.args.id === "4wbp6907abcdefgh")).toBe(true);
    expect(screen.getByRole("img", { name: /\+254712345678/ })).toBeTruthy();
    expect(document.getElementById("sms-full")?.textContent).toBe(alert.full);
    // The short form in groups of five, as a person types it.
    expect(document.getElementById("sms-short")?.textContent).toMatch(/^1ABCD EFGHJ KMNPQ /);
  });

  it("says to ask the county for the number when the hub has given none, and still shows the text", async () => {
    fakeBackend({ show_report: () => view({ device: profile.device }), sms_alert: () => ({ ...alert, number: null, qr: null }) });
    render(ReportPage, { props: { id: "4wbp6907", profile, units, onamend: vi.fn() } });
    (await screen.findByRole("button", { name: "Send a flash alert by SMS" })).click();
    expect((await screen.findByRole("status")).textContent).toContain("ask the county ICT office");
    expect(screen.queryByRole("img")).toBeNull();
    expect(document.getElementById("sms-full")?.textContent).toBe(alert.full);
  });

  it("is not offered on someone else's report or on a routine one", async () => {
    fakeBackend({ show_report: () => view({ device: "another" }) });
    const { unmount } = render(ReportPage, { props: { id: "4wbp6907", profile, units, onamend: vi.fn() } });
    await screen.findByRole("heading", { name: "Livestock raid" });
    expect(screen.queryByRole("button", { name: "Send a flash alert by SMS" })).toBeNull();
    unmount();
    fakeBackend({ show_report: () => view({ device: profile.device, urgency: "routine" }) });
    render(ReportPage, { props: { id: "4wbp6907", profile, units, onamend: vi.fn() } });
    await screen.findByRole("heading", { name: "Livestock raid" });
    expect(screen.queryByRole("button", { name: "Send a flash alert by SMS" })).toBeNull();
  });
});

describe("a flash alert received by SMS", () => {
  it("says the county hub vouches for it until the full report arrives, in both languages", async () => {
    fakeBackend({ show_report: () => view({ relayed_alert: 3 }), allowed_actions: () => [] });
    const { unmount } = render(ReportPage, { props: { id: "4wbp6907", profile: officer, units, onamend: vi.fn() } });
    expect((await screen.findByTestId("relayed-alert")).textContent).toContain("The county hub vouches for it");
    expect(screen.queryByTestId("relay-differs")).toBeNull();
    unmount();
    setLang("sw");
    render(ReportPage, { props: { id: "4wbp6907", profile: officer, units, onamend: vi.fn() } });
    expect((await screen.findByTestId("relayed-alert")).textContent).toContain("Kituo cha kaunti kinaithibitisha");
    setLang("en");
  });

  it("warns when the hub relayed another text than the reporter's laptop made", async () => {
    fakeBackend({ show_report: () => view({ relay_differs: true }), allowed_actions: () => [] });
    render(ReportPage, { props: { id: "4wbp6907", profile: officer, units, onamend: vi.fn() } });
    const warning = await screen.findByTestId("relay-differs");
    expect(warning.getAttribute("role")).toBe("alert");
    expect(warning.textContent).toContain("Tell the county ICT office");
    expect(screen.queryByTestId("relayed-alert")).toBeNull();
  });

  it("is offered without a short form when a figure is too large to type", async () => {
    fakeBackend({
      show_report: () => view({ device: profile.device }),
      sms_alert: () => ({ counter: 2, full: "U1" + "aB3-".repeat(39) + "xy", short: null, number: null, qr: null }),
    });
    render(ReportPage, { props: { id: "4wbp6907", profile, units, onamend: vi.fn() } });
    (await screen.findByRole("button", { name: "Send a flash alert by SMS" })).click();
    expect((await screen.findByText(/There is no short form for this alert/)).id).toBe("sms-no-short");
    expect(document.getElementById("sms-short")).toBeNull();
  });
});
