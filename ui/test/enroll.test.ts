import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import Enroll from "../src/components/Enroll.svelte";
import { fakeBackend } from "./fake";

describe("connecting to the county hub", () => {
  it("says plainly that a laptop already connected stays with its hub", async () => {
    fakeBackend({
      enroll: () => {
        throw { kind: "already_enrolled", message: "this device is already enrolled with the county hub at https://10.0.0.5:7878" };
      },
    });
    render(Enroll, { props: { onenrolled: vi.fn() } });
    await fireEvent.input(screen.getByLabelText("Enrollment text, or the hub's address"), {
      target: { value: "https://10.0.0.9:7878#code=K7QXM-4HDPR" },
    });
    await fireEvent.click(screen.getByRole("button", { name: "Connect" }));
    expect((await screen.findByRole("alert")).textContent).toContain("already connected to a county hub; nothing was changed");
  });
});
