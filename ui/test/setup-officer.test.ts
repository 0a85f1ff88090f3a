import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import Setup from "../src/components/Setup.svelte";
import { fakeBackend, invalid, profile, units } from "./fake";

const PASSPHRASE = "goats graze where the river bends";

async function fillIn() {
  await fireEvent.click(screen.getByRole("button", { name: "English" }));
  await fireEvent.input(await screen.findByLabelText("Your name"), { target: { value: "Mary Chepkemoi" } });
  await fireEvent.input(screen.getByLabelText("Passphrase"), { target: { value: PASSPHRASE } });
  await fireEvent.input(screen.getByLabelText("Passphrase again"), { target: { value: PASSPHRASE } });
}

describe("an officer's first run", () => {
  it("chooses Officer and an agency, never Chief, and may leave the area empty", async () => {
    const calls = fakeBackend({
      set_up: (a) => ({ recovery_code: "AAAA-BBBB", profile: { ...profile, ...(a.profile as object) } }),
    });
    render(Setup, { props: { units, onready: () => {} } });
    await fillIn();
    expect(screen.queryByLabelText("Your agency")).toBeNull();
    await fireEvent.click(screen.getByRole("radio", { name: "Officer" }));
    const agency = (await screen.findByLabelText("Your agency")) as HTMLSelectElement;
    await fireEvent.change(agency, { target: { value: "kdf" } });
    expect(screen.getByLabelText("Your area (leave it empty if you serve the whole county)")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Create the encrypted store" }));
    await waitFor(() => expect(calls.some((c) => c.cmd === "set_up")).toBe(true));
    const sent = calls.find((c) => c.cmd === "set_up")!.args.profile as Record<string, unknown>;
    expect(sent).toMatchObject({ name: "Mary Chepkemoi", role: "officer", agency: "kdf", unit: null });
  });

  it("shows the core's refusal of an officer without an agency next to the agency", async () => {
    fakeBackend({
      set_up: () => invalid([{ field: "agency", rule: "required", message: "is required for an officer" }]),
    });
    render(Setup, { props: { units, onready: () => {} } });
    await fillIn();
    await fireEvent.click(screen.getByRole("radio", { name: "Officer" }));
    await fireEvent.click(screen.getByRole("button", { name: "Create the encrypted store" }));
    await waitFor(() => expect(document.getElementById("err-agency")).toBeTruthy());
  });
});
