import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import Summaries from "../src/components/Summaries.svelte";
import type { PrintDocument } from "../src/lib/ipc";
import { setLang } from "../src/lib/i18n.svelte";
import { fakeBackend, profile, units } from "./fake";

const doc = (edition: "public" | "restricted" = "public"): PrintDocument => ({
  lang: "en",
  title: "Security summary: Ombolion",
  edition,
  banner: edition === "public" ? "PUBLIC EDITION: for the baraza" : "RESTRICTED EDITION: for the security committee only",
  footer: "Prepared by Joseph Korkimul (Chief) · Usalama",
  blocks: [
    { kind: "title", data: { title: "Security summary: Ombolion", facts: [["Period", "2026-11-01 – 2026-11-30"]] } },
    { kind: "heading", data: "Key figures" },
    {
      kind: "table",
      data: {
        columns: [
          { label: "Figure", width: 0.7, align: "left" },
          { label: "This period", width: 0.3, align: "right" },
        ],
        rows: [{ cells: ["Incidents", "3"], detail: null, strong: true }],
        small: false,
      },
    },
    { kind: "bars", data: { title: "Incidents by type", labels: ["Killing"], series: [{ legend: "This period", values: [2], texts: ["2"] }] } },
    { kind: "sign_off", data: { roles: ["Chief"], fields: ["Name", "Signature", "Date"] } },
  ],
});

const places = [
  { kind: "usb", name: "KINGSTON", path: "/media/joseph/KINGSTON" },
  { kind: "documents", name: "Documents", path: "/home/joseph/Documents" },
];

describe("the Summaries screen", () => {
  it("shows the user's area this month, public, as a print view with the edition banner", async () => {
    const calls = fakeBackend({ summary: (a) => doc(a.form.edition), places: () => places });
    render(Summaries, { props: { profile, units } });
    await waitFor(() => expect(screen.getByTestId("edition-banner").textContent).toContain("PUBLIC EDITION"));
    const asked = calls.find((c) => c.cmd === "summary")!.args.form as Record<string, string>;
    expect(asked.unit).toBe("ke-024-l-ombolion");
    expect(asked.edition).toBe("public");
    expect(asked.lang).toBe("en");
    expect(asked.from).toMatch(/^\d{4}-\d{2}-01$/);
    expect((screen.getByLabelText("Area (with everything inside it)") as HTMLInputElement).value).toBe("Ombolion (Location)");
    expect(screen.getByRole("cell", { name: "3" })).toBeTruthy();
    expect(screen.getByRole("img", { name: "Incidents by type. Killing: This period 2" })).toBeTruthy();
  });

  it("asks for the restricted edition, other dates and Kiswahili when chosen", async () => {
    const calls = fakeBackend({ summary: (a) => doc(a.form.edition), places: () => places });
    render(Summaries, { props: { profile, units } });
    await waitFor(() => screen.getByTestId("edition-banner"));
    await fireEvent.click(screen.getByRole("radio", { name: /Restricted: for the security committee/ }));
    await fireEvent.click(screen.getByRole("radio", { name: "Kiswahili" }));
    await fireEvent.input(screen.getByLabelText("First day"), { target: { value: "2026-10-01" } });
    await fireEvent.change(screen.getByLabelText("First day"));
    await fireEvent.input(screen.getByLabelText("Last day"), { target: { value: "2026-10-31" } });
    await fireEvent.click(screen.getByRole("button", { name: "Show the summary" }));
    await waitFor(() => expect(screen.getByTestId("edition-banner").textContent).toContain("RESTRICTED"));
    const asked = calls.filter((c) => c.cmd === "summary").slice(-1)[0].args.form;
    expect(asked).toEqual({ unit: "ke-024-l-ombolion", from: "2026-10-01", to: "2026-10-31", edition: "restricted", lang: "sw" });
    expect((screen.getByRole("radio", { name: "Other dates" }) as HTMLInputElement).checked).toBe(true);
  });

  it("refuses a first day after the last without asking the core", async () => {
    const calls = fakeBackend({ summary: () => doc(), places: () => places });
    render(Summaries, { props: { profile, units } });
    await waitFor(() => screen.getByTestId("edition-banner"));
    await fireEvent.input(screen.getByLabelText("First day"), { target: { value: "2026-12-01" } });
    await fireEvent.input(screen.getByLabelText("Last day"), { target: { value: "2026-11-01" } });
    await fireEvent.click(screen.getByRole("button", { name: "Show the summary" }));
    expect(screen.getByRole("alert").textContent).toContain("the first day must not come after the last");
    expect(calls.filter((c) => c.cmd === "summary")).toHaveLength(1);
  });

  it("prints through the system's print dialog", async () => {
    fakeBackend({ summary: () => doc(), places: () => places });
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    render(Summaries, { props: { profile, units } });
    await fireEvent.click(await screen.findByRole("button", { name: "Print" }));
    expect(print).toHaveBeenCalledOnce();
  });

  it("saves the summary shown on the USB stick chosen from the list, and says where", async () => {
    const calls = fakeBackend({
      summary: () => doc(),
      places: () => places,
      save_summary: () => ["usalama-summary-ke-024-l-ombolion-2026-11-01-2026-11-30-public.xlsx"],
    });
    render(Summaries, { props: { profile, units } });
    await waitFor(() => expect((screen.getByRole("radio", { name: "USB stick “KINGSTON”" }) as HTMLInputElement).checked).toBe(true));
    await fireEvent.click(screen.getByRole("radio", { name: "Excel (.xlsx)" }));
    await fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByRole("status").textContent).toContain("Saved on USB stick “KINGSTON”"));
    const saved = calls.find((c) => c.cmd === "save_summary")!.args;
    expect(saved.format).toBe("xlsx");
    expect(saved.place).toBe("/media/joseph/KINGSTON");
    expect((saved.form as Record<string, string>).edition).toBe("public");
  });

  it("says a pulled-out stick in words, in Kiswahili", async () => {
    setLang("sw");
    fakeBackend({
      summary: () => doc(),
      places: () => places,
      save_summary: () => {
        throw { kind: "io", message: "writing /media/joseph/KINGSTON/x.pdf: No such device" };
      },
    });
    render(Summaries, { props: { profile, units } });
    await fireEvent.click(await screen.findByRole("button", { name: "Hifadhi" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("Huenda flash ya USB imejaa"));
  });

  it("offers Documents and says how to find a stick when none is plugged in", async () => {
    fakeBackend({ summary: () => doc(), places: () => [places[1]] });
    render(Summaries, { props: { profile, units } });
    await waitFor(() => expect(screen.getByTestId("no-stick").textContent).toContain("No USB stick found"));
    expect((screen.getByRole("radio", { name: "Documents folder on this laptop" }) as HTMLInputElement).checked).toBe(true);
  });
});
