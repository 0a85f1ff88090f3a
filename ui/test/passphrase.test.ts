import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import Setup from "../src/components/Setup.svelte";
import { setLang } from "../src/lib/i18n.svelte";
import { isOneWord } from "../src/lib/passphrase";
import { strings } from "../src/lib/strings";
import { fakeBackend, invalid, units } from "./fake";

async function fillIn(passphrase: string) {
  await fireEvent.click(screen.getByRole("button", { name: "English" }));
  await fireEvent.input(await screen.findByLabelText("Your name"), { target: { value: "Joseph Korkimul" } });
  await fireEvent.input(screen.getByLabelText("Passphrase"), { target: { value: passphrase } });
  await fireEvent.input(screen.getByLabelText("Passphrase again"), { target: { value: passphrase } });
}

describe("choosing a passphrase", () => {
  it("suggests no phrase to copy, in either language", () => {
    for (const text of strings["setup.passphrase_help"]) {
      expect(text).not.toMatch(/borehole|kisima|“/);
    }
    expect(strings["setup.passphrase_help"][0]).toContain("several words");
  });

  it("shows the core's refusal next to the field, by its rule, in the user's language", async () => {
    fakeBackend({
      set_up: () =>
        invalid([{ field: "passphrase", rule: "passphrase_personal", message: "is too easy to guess from who you are" }]),
    });
    render(Setup, { props: { units, onready: () => {} } });
    await fillIn("Joseph Korkimul");
    await fireEvent.click(screen.getByRole("button", { name: "Create the encrypted store" }));
    await waitFor(() => expect(document.getElementById("err-passphrase")?.textContent).toContain("That is your name or the name of an area"));
    setLang("sw");
    await waitFor(() => expect(document.getElementById("err-passphrase")?.textContent).toContain("Hilo ni jina lako au jina la eneo"));
  });

  it("every passphrase rule of the core has words in both languages", () => {
    for (const rule of ["passphrase_short", "passphrase_example", "passphrase_personal", "passphrase_guessable"]) {
      expect(`rule.${rule}` in strings, rule).toBe(true);
    }
  });

  it("hints, without refusing, that several words beat one long word", async () => {
    fakeBackend();
    render(Setup, { props: { units, onready: () => {} } });
    await fillIn("Lomutkapchokseker");
    expect(screen.getByTestId("one-word-hint").textContent).toContain("several words");
    await fireEvent.input(screen.getByLabelText("Passphrase"), { target: { value: "goats graze where the river bends" } });
    expect(screen.queryByTestId("one-word-hint")).toBeNull();
    expect(isOneWord("ng'ombe")).toBe(false);
    expect(isOneWord("Lomutkapchokseker2026")).toBe(true);
  });
});
