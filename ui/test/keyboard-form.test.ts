import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import ReportForm from "../src/components/ReportForm.svelte";
import TimeField from "../src/components/TimeField.svelte";
import { setLang } from "../src/lib/i18n.svelte";
import { parseClock } from "../src/lib/time";
import { fakeBackend, profile, units } from "./fake";

const box = (id: string) => document.getElementById(id) as HTMLInputElement;

describe("a time of day as typed", () => {
  it("is read on the 24-hour clock, with or without a separator", () => {
    for (const [typed, clock] of [
      ["05:30", "05:30"],
      ["5:30", "05:30"],
      ["05.30", "05:30"],
      ["5 30", "05:30"],
      ["0530", "05:30"],
      ["530", "05:30"],
      [" 17:45 ", "17:45"],
      ["5", "05:00"],
      ["0", "00:00"],
      ["23:59", "23:59"],
    ]) {
      expect(parseClock(typed), typed).toBe(clock);
    }
  });

  it("is not a time past 23:59 or when it is not a time", () => {
    for (const typed of ["", "24:00", "12:60", "5:3", "12345", "5pm", "noon", "-1:00"]) {
      expect(parseClock(typed), typed).toBeNull();
    }
  });

  it("binds the kept form of what is typed, and says in words when it is not a time", async () => {
    setLang("sw");
    const { component } = render(TimeField, { props: { id: "t", value: "" } });
    const input = box("t");
    await fireEvent.input(input, { target: { value: "0530" } });
    await fireEvent.change(input);
    expect(input.value).toBe("05:30");
    await fireEvent.input(input, { target: { value: "25:00" } });
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById("t-help")!.textContent).toContain("Si saa");
    void component;
  });
});

describe("the report form by keyboard", () => {
  function open() {
    fakeBackend();
    render(ReportForm, { props: { profile, units, onsaved: vi.fn(), oncancel: vi.fn() } });
  }

  it("makes the livestock table one Tab stop, entered at the box last used", async () => {
    open();
    const table = document.querySelector("table.livestock")!;
    const tabbable = [...table.querySelectorAll<HTMLElement>("input")].filter((e) => e.tabIndex === 0);
    expect(tabbable.map((e) => e.id)).toEqual(["f-livestock-cattle-stolen"]);
    box("f-livestock-goats-recovered").focus();
    await waitFor(() => expect(box("f-livestock-goats-recovered").tabIndex).toBe(0));
    expect(box("f-livestock-cattle-stolen").tabIndex).toBe(-1);
  });

  it("moves between boxes with the arrows, and leaves a text box sideways only from its edge", async () => {
    open();
    const cattle = box("f-livestock-cattle-stolen");
    cattle.focus();
    await fireEvent.input(cattle, { target: { value: "150" } });
    await fireEvent.keyDown(cattle, { key: "ArrowDown" });
    expect(document.activeElement?.id).toBe("f-livestock-goats-stolen");
    await fireEvent.keyDown(document.activeElement!, { key: "ArrowUp" });
    expect(document.activeElement).toBe(cattle);
    cattle.setSelectionRange(1, 1);
    await fireEvent.keyDown(cattle, { key: "ArrowRight" });
    expect(document.activeElement).toBe(cattle);
    cattle.setSelectionRange(3, 3);
    await fireEvent.keyDown(cattle, { key: "End" });
    const estimate = document.activeElement as HTMLInputElement;
    expect(estimate.type).toBe("checkbox");
    expect(estimate.closest("label")!.textContent).toContain("estimates");
    await fireEvent.keyDown(estimate, { key: "Home" });
    expect(document.activeElement).toBe(cattle);
  });

  it("moves down the people from killed to injured, and keeps the arrows of a radio group its own", async () => {
    open();
    const killed = box("f-people-killed");
    killed.focus();
    await fireEvent.keyDown(killed, { key: "ArrowDown" });
    expect(document.activeElement?.id).toBe("f-people-injured");
    const people = [...document.querySelectorAll<HTMLElement>("[data-field^='people.'] input")].filter((e) => e.tabIndex === 0);
    expect(people.map((e) => e.id)).toEqual(["f-people-injured"]);
  });

  it("says, for a flash report, that the rest can wait for an amendment", async () => {
    open();
    expect(screen.queryByRole("note")).toBeNull();
    await fireEvent.click(screen.getByRole("radio", { name: /Flash/ }));
    expect(screen.getByRole("note").textContent).toContain("Add information");
  });
});
