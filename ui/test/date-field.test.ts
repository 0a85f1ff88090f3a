import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import DateField from "../src/components/DateField.svelte";
import { setLang } from "../src/lib/i18n.svelte";
import { parseDay, showDay } from "../src/lib/time";

describe("a day as typed", () => {
  it("is read day first, whatever the separator, and in the stored form", () => {
    for (const typed of ["2/12/2026", "02/12/2026", "2.12.2026", "2-12-2026", "2 12 2026", " 02122026 ", "2026-12-02"]) {
      expect(parseDay(typed), typed).toBe("2026-12-02");
    }
    expect(parseDay("29/02/2028")).toBe("2028-02-29");
  });

  it("is not a day when the calendar has no such day or the text is not a date", () => {
    for (const typed of ["", "12/2026", "31/11/2026", "29/02/2026", "0/1/2026", "2/13/2026", "2/12/26", "yesterday", "2026-13-01"]) {
      expect(parseDay(typed), typed).toBeNull();
    }
  });

  it("is shown day first", () => {
    expect(showDay("2026-12-02")).toBe("02/12/2026");
    expect(showDay("")).toBe("");
  });
});

describe("the date field", () => {
  it("shows a stored day day-first with its month in words, and binds the stored form of what is typed", async () => {
    const { component } = render(DateField, { props: { id: "d", value: "2026-12-02" } });
    const input = document.getElementById("d") as HTMLInputElement;
    expect(input.value).toBe("02/12/2026");
    expect(screen.getByText("2 December 2026")).toBeTruthy();
    await fireEvent.input(input, { target: { value: "1/11/2026" } });
    expect(input.dataset.day).toBe("2026-11-01");
    expect(screen.getByText("1 November 2026")).toBeTruthy();
    expect(component).toBeTruthy();
  });

  it("says plainly when the text is not a day, and passes it on for the core to refuse", async () => {
    render(DateField, { props: { id: "d", value: "" } });
    const input = document.getElementById("d") as HTMLInputElement;
    expect(input.placeholder).toBe("DD/MM/YYYY");
    await fireEvent.input(input, { target: { value: "31/11/2026" } });
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("Not a date: type day/month/year, e.g. 02/12/2026")).toBeTruthy();
  });

  it("names the month in Kiswahili when the app speaks Kiswahili", () => {
    setLang("sw");
    render(DateField, { props: { id: "d", value: "2026-12-02" } });
    expect(screen.getByText("2 Desemba 2026")).toBeTruthy();
  });
});
