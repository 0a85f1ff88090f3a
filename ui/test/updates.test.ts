import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import Updates from "../src/components/Updates.svelte";
import { setLang } from "../src/lib/i18n.svelte";
import type { UpdatePanel } from "../src/lib/ipc";
import { fakeBackend } from "./fake";

const base: UpdatePanel = {
  running: "0.2.0",
  version: null,
  stage: null,
  held: 0,
  total: 0,
  problem: null,
  go_back: "none_kept",
  previous: null,
  installer_refused: null,
};

describe("updates, in Settings", () => {
  it("says a ready version installs at the next close, in both languages, and installs now on request", async () => {
    const ready = { ...base, version: "0.3.0", stage: "ready" as const, held: 10, total: 10 };
    const calls = fakeBackend({
      update_status: () => ready,
      install_update: () => ({ ...ready, stage: "handed_over" }),
    });
    const { unmount } = render(Updates);
    expect((await screen.findByTestId("update-state")).textContent).toBe(
      "Version 0.3.0 is ready. It will be installed when you next close Usalama.",
    );
    await fireEvent.click(screen.getByRole("button", { name: "Install now" }));
    expect(calls.some((c) => c.cmd === "install_update")).toBe(true);
    expect((await screen.findByText(/is being installed/)).textContent).toContain("0.3.0");
    unmount();
    setLang("sw");
    fakeBackend({ update_status: () => ready });
    const again = render(Updates);
    expect((await screen.findByTestId("update-state")).textContent).toBe(
      "Toleo 0.3.0 liko tayari. Litasakinishwa utakapofunga Usalama wakati ujao.",
    );
    again.unmount();
    setLang("en");
  });

  it("shows how much of a version being fetched is here", async () => {
    fakeBackend({ update_status: () => ({ ...base, version: "0.3.0", stage: "fetching", held: 250, total: 1000 }) });
    render(Updates);
    expect((await screen.findByTestId("update-state")).textContent).toContain("25% is here");
  });

  it("goes back to the previous version on request", async () => {
    const calls = fakeBackend({
      update_status: () => ({ ...base, go_back: "possible", previous: "0.1.0" }),
      go_back_version: () => ({ ...base, go_back: "possible", previous: "0.2.0" }),
    });
    render(Updates);
    await fireEvent.click(await screen.findByRole("button", { name: "Go back to the previous version (0.1.0)" }));
    expect(calls.some((c) => c.cmd === "go_back_version")).toBe(true);
    expect((await screen.findByText(/Going back to version/)).textContent).toContain("0.1.0");
  });

  it("explains why going back is refused across a change of the store's form, with no button", async () => {
    fakeBackend({ update_status: () => ({ ...base, go_back: "other_schema", previous: "0.1.0" }) });
    render(Updates);
    expect(await screen.findByText(/Going back is not possible/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Go back/ })).toBeNull();
  });

  it("names a problem in words", async () => {
    fakeBackend({ update_status: () => ({ ...base, version: "0.3.0", stage: "fetching", total: 9, problem: "disk_full" }) });
    render(Updates);
    expect(await screen.findByText(/disk is full/)).toBeTruthy();
  });
});
