import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import Unlock from "../src/components/Unlock.svelte";
import { fakeBackend, profile } from "./fake";

describe("recovery with the recovery code", () => {
  it("asks for the new passphrase twice and sets nothing when the two differ", async () => {
    const calls = fakeBackend({ recover: () => profile });
    const onready = vi.fn();
    render(Unlock, { props: { onready } });
    // The passphrase field has the focus at once.
    await waitFor(() => expect(document.activeElement?.id).toBe("f-unlock"));
    await fireEvent.click(screen.getByRole("button", { name: "Forgot the passphrase? Use the recovery code" }));
    await fireEvent.input(screen.getByLabelText("Recovery code (20 letters and digits)"), {
      target: { value: "AAAAA-BBBBB-CCCCC-DDDDD" },
    });
    await fireEvent.input(screen.getByLabelText("New passphrase"), { target: { value: "cows cross the dry river" } });
    await fireEvent.input(screen.getByLabelText("Passphrase again"), { target: { value: "cows cross the dry rivers" } });
    await fireEvent.click(screen.getByRole("button", { name: "Open and set the new passphrase" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("The two passphrases are not the same."));
    expect(calls.some((c) => c.cmd === "recover")).toBe(false);

    await fireEvent.input(screen.getByLabelText("Passphrase again"), { target: { value: "cows cross the dry river" } });
    await fireEvent.click(screen.getByRole("button", { name: "Open and set the new passphrase" }));
    await waitFor(() => expect(onready).toHaveBeenCalled());
    expect(calls.find((c) => c.cmd === "recover")!.args).toMatchObject({ newPassphrase: "cows cross the dry river" });
  });
});
