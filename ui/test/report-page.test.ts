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
