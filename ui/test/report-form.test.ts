import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import ConfirmDialog from "../src/components/ConfirmDialog.svelte";
import ReportForm from "../src/components/ReportForm.svelte";
import { setLang } from "../src/lib/i18n.svelte";
import { fakeBackend, invalid, profile, units } from "./fake";

function open(props: Record<string, unknown> = {}) {
  const onsaved = vi.fn();
  const oncancel = vi.fn();
  render(ReportForm, { props: { profile, units, onsaved, oncancel, ...props } });
  return { onsaved, oncancel };
}

describe("the report form", () => {
  it("shows every section, the source marked restricted, and defaults to the user's unit", async () => {
    fakeBackend();
    open();
    expect(screen.getByRole("heading", { name: "New report" })).toBeTruthy();
    for (const section of ["What happened", "When and where", "People", "Livestock", "Suspects", "Police Occurrence Book"]) {
      expect(screen.getByRole("heading", { name: section })).toBeTruthy();
    }
    expect(screen.getByRole("heading", { name: /Restricted.*Source of the information/ })).toBeTruthy();
    expect((screen.getByLabelText("Area (unit)") as HTMLInputElement).value).toBe("Ombolion (Location)");
    expect(screen.getAllByRole("radio", { name: /Livestock raid|Killing|Early warning sign/ })).toHaveLength(3);
  });

  it("files the document it holds and names the draft to delete", async () => {
    const calls = fakeBackend();
    const { onsaved } = open();
    await fireEvent.click(screen.getByRole("radio", { name: "Killing" }));
    await fireEvent.input(screen.getByLabelText("What happened, in your words"), {
      target: { value: "A herder was shot at the river." },
    });
    await fireEvent.input(document.getElementById("f-people-killed")!, { target: { value: "1" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save report" }));
    await waitFor(() => expect(onsaved).toHaveBeenCalledWith("4wbp6907abcdefgh", false));
    const filed = calls.find((c) => c.cmd === "file_report")!;
    expect(filed.args.document).toMatchObject({
      type: "killing",
      unit: "ke-024-l-ombolion",
      narrative: "A herder was shot at the river.",
      people: { killed: 1 },
    });
    expect(filed.args.draft).toMatch(/^form-/);
  });

  it("asks for the signs seen only in an early-warning report, provocative signs first, and files them", async () => {
    const calls = fakeBackend();
    const { onsaved } = open();
    await fireEvent.click(screen.getByRole("radio", { name: "Livestock raid" }));
    expect(screen.queryByRole("group", { name: /Signs seen/ })).toBeNull();
    await fireEvent.click(screen.getByRole("radio", { name: "Early warning sign" }));
    const signs = screen.getByRole("group", { name: /Signs seen/ });
    const families = [...signs.querySelectorAll("fieldset legend")].map((l) => l.textContent);
    expect(families[0]).toBe("Provocative signs (often just before a raid)");
    expect(families).toHaveLength(5);
    await fireEvent.click(within(signs).getByRole("checkbox", { name: "War songs" }));
    await fireEvent.click(within(signs).getByRole("checkbox", { name: "Drought or other disaster" }));
    await fireEvent.input(screen.getByLabelText("What happened, in your words"), {
      target: { value: "Young men sang war songs near the hills." },
    });
    await fireEvent.click(screen.getByRole("button", { name: "Save report" }));
    await waitFor(() => expect(onsaved).toHaveBeenCalled());
    const filed = calls.find((c) => c.cmd === "file_report")!;
    expect(filed.args.document).toMatchObject({ type: "early_warning", indicators: ["war_songs", "drought"] });
  });

  it("shows the core's problems next to their fields, in the chosen language, and saves nothing", async () => {
    fakeBackend({
      file_report: () =>
        invalid([
          { field: "type", rule: "required", message: "is required" },
          {
            field: "livestock[0].stolen",
            rule: "count",
            max: 100000,
            message: "must be a whole number from 0 to 100000, or null when unknown (got -3)",
          },
        ]),
    });
    setLang("sw");
    const { onsaved } = open();
    const cell = screen.getAllByRole("textbox").find((e) => e.id === "f-livestock-goats-stolen")!;
    await fireEvent.input(cell, { target: { value: "-3" } });
    await fireEvent.click(screen.getByRole("button", { name: "Hifadhi ripoti" }));
    const error = await waitFor(() => {
      const e = document.getElementById("err-livestock.goats.stolen");
      if (!e) throw new Error("no error shown yet");
      return e;
    });
    expect(error.textContent).toContain("Lazima iwe namba kamili kuanzia 0 hadi 100,000");
    expect(cell.getAttribute("aria-invalid")).toBe("true");
    expect(cell.getAttribute("aria-describedby")).toBe("err-livestock.goats.stolen");
    expect(document.getElementById("err-type")?.textContent).toContain("Sehemu hii inahitajika");
    expect(document.getElementById("form-problems")?.textContent).toContain("Hakuna kilichohifadhiwa");
    expect(onsaved).not.toHaveBeenCalled();
  });

  it("autosaves a draft a few seconds after a change, and when a field loses focus", async () => {
    const calls = fakeBackend();
    open();
    const narrative = screen.getByLabelText("What happened, in your words");
    expect(calls.filter((c) => c.cmd === "save_draft")).toHaveLength(0);
    await fireEvent.input(narrative, { target: { value: "Raiders seen near the borehole" } });
    await waitFor(() => expect(calls.filter((c) => c.cmd === "save_draft")).toHaveLength(1), {
      timeout: 3500,
    });
    const saved = calls.find((c) => c.cmd === "save_draft")!;
    expect((saved.args.document as any).form.narrative).toBe("Raiders seen near the borehole");
    await fireEvent.input(narrative, { target: { value: "Raiders seen near the borehole at dawn" } });
    await fireEvent.focusOut(narrative);
    await waitFor(() => expect(calls.filter((c) => c.cmd === "save_draft")).toHaveLength(2));
    expect(screen.getByTestId("draft-state").textContent).toMatch(/Draft saved on this laptop/);
  });

  it("continues a draft where it was left", async () => {
    fakeBackend({
      drafts: () => [
        {
          id: "form-old",
          updated_at: "2026-11-20T09:12:00+03:00",
          document: { kind: "report_form", form: { type: "abduction", narrative: "Two children taken" } },
        },
      ],
    });
    open({ draftId: "form-old" });
    await waitFor(() =>
      expect((screen.getByLabelText("What happened, in your words") as HTMLTextAreaElement).value).toBe(
        "Two children taken",
      ),
    );
    expect((screen.getByRole("radio", { name: "Abduction" }) as HTMLInputElement).checked).toBe(true);
  });

  it("changes its labels with the language", async () => {
    fakeBackend();
    open();
    expect(screen.getByRole("heading", { name: "People" })).toBeTruthy();
    setLang("sw");
    await waitFor(() => expect(screen.getByRole("heading", { name: "Watu" })).toBeTruthy());
    expect(screen.getByRole("heading", { name: "Mifugo" })).toBeTruthy();
  });

  it("never files on Enter in a one-line field; Ctrl+S saves from anywhere in the form", async () => {
    const calls = fakeBackend();
    const { onsaved } = open();
    await fireEvent.click(screen.getByRole("radio", { name: "Killing" }));
    await fireEvent.input(screen.getByLabelText("What happened, in your words"), {
      target: { value: "A herder was shot at the river." },
    });
    const place = document.getElementById("f-place") as HTMLInputElement;
    await fireEvent.input(place, { target: { value: "Kases" } });
    // The keydown's default (the browser's implicit submission) is prevented.
    expect(await fireEvent.keyDown(place, { key: "Enter" })).toBe(false);
    expect(await fireEvent.keyDown(document.getElementById("f-people-killed")!, { key: "Enter" })).toBe(false);
    // In the narrative, Enter is a new line, as ever.
    expect(await fireEvent.keyDown(screen.getByLabelText("What happened, in your words"), { key: "Enter" })).toBe(true);
    expect(calls.some((c) => c.cmd === "file_report")).toBe(false);
    expect(onsaved).not.toHaveBeenCalled();

    expect(await fireEvent.keyDown(place, { key: "s", ctrlKey: true })).toBe(false);
    await waitFor(() => expect(onsaved).toHaveBeenCalledWith("4wbp6907abcdefgh", false));
    expect(calls.filter((c) => c.cmd === "file_report")).toHaveLength(1);
    expect(screen.getByRole("button", { name: "Save report" }).getAttribute("aria-keyshortcuts")).toBe("Control+S");
  });

  it("asks before discarding a draft, in the app's own dialog, and Cancel keeps it", async () => {
    const calls = fakeBackend();
    const { oncancel } = open();
    render(ConfirmDialog);
    await fireEvent.click(screen.getByRole("button", { name: "Discard draft" }));
    const dialog = await screen.findByRole("alertdialog");
    expect(dialog.textContent).toContain("Discard this unfinished report? It cannot be undone.");
    // The safe answer has the focus: a stray Enter or Space discards nothing.
    await waitFor(() => expect(document.activeElement?.textContent).toBe("Cancel"));
    await fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    expect(calls.some((c) => c.cmd === "delete_draft")).toBe(false);
    expect(oncancel).not.toHaveBeenCalled();

    // Escape is Cancel too.
    await fireEvent.click(screen.getByRole("button", { name: "Discard draft" }));
    await fireEvent.keyDown(await screen.findByRole("alertdialog"), { key: "Escape" });
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    expect(calls.some((c) => c.cmd === "delete_draft")).toBe(false);

    await fireEvent.click(screen.getByRole("button", { name: "Discard draft" }));
    const yes = within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Discard draft" });
    await fireEvent.click(yes);
    await waitFor(() => expect(oncancel).toHaveBeenCalled());
    expect(calls.filter((c) => c.cmd === "delete_draft")).toHaveLength(1);
  });

  it("asks in Kiswahili when the app speaks Kiswahili", async () => {
    fakeBackend();
    setLang("sw");
    open();
    render(ConfirmDialog);
    await fireEvent.click(screen.getByRole("button", { name: "Tupa rasimu" }));
    const dialog = await screen.findByRole("alertdialog");
    expect(within(dialog).getByRole("heading").textContent).toBe("Una uhakika?");
    expect(within(dialog).getByRole("button", { name: "Ghairi" })).toBeTruthy();
    await fireEvent.click(within(dialog).getByRole("button", { name: "Ghairi" }));
  });
});
