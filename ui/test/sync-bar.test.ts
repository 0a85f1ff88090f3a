import { render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import SyncBar from "../src/components/SyncBar.svelte";
import type { FailureKind } from "../src/lib/ipc";

const base = { hub: null, online: null, syncing: false, sources_waiting: 0, last_success: null, last_failure: null, version: 0 };

describe("the sync bar", () => {
  it("says truthfully that the laptop is not connected, and what waits", () => {
    render(SyncBar, { props: { status: { ...base, enrolled: false, waiting: 3 }, onsyncnow: vi.fn() } });
    expect(screen.getByTestId("sync-state").textContent).toContain("not connected to a county hub");
    expect(screen.getByTestId("sync-waiting").textContent).toBe("3 reports waiting to send");
    expect(screen.queryByRole("button", { name: "Sync now" })).toBeNull();
  });

  it("once enrolled, shows the last failure in words and a Sync now button", () => {
    render(SyncBar, {
      props: {
        status: {
          ...base,
          enrolled: true,
          online: false,
          waiting: 1,
          last_failure: { at: "2026-11-20T10:00:00+03:00", kind: "unreachable", message: "the hub did not answer" },
        },
        onsyncnow: vi.fn(),
      },
    });
    expect(screen.getByTestId("sync-state").textContent).toContain("No network");
    const failure = screen.getByTestId("sync-failure");
    expect(failure.textContent).toContain("Last attempt failed (2026-11-20 10:00): the county hub could not be reached");
    // The hub's own words stay available, without crowding the bar.
    expect(failure.getAttribute("title")).toBe("the hub did not answer");
    expect(screen.getByRole("button", { name: "Sync now" })).toBeTruthy();
  });

  it("names a failure it does not know in general words, never blank", () => {
    render(SyncBar, {
      props: {
        status: {
          ...base,
          enrolled: true,
          online: true,
          waiting: 0,
          // A kind a newer core may send, which this version does not know.
          last_failure: { at: null, kind: "something_new" as FailureKind, message: "x" },
        },
      },
    });
    expect(screen.getByTestId("sync-failure").textContent).toContain("did not finish");
  });

  it("calls Sync now when the button is pressed, and disables it while syncing", async () => {
    const onsyncnow = vi.fn();
    const { rerender } = render(SyncBar, {
      props: { status: { ...base, enrolled: true, online: true, waiting: 2 }, onsyncnow },
    });
    screen.getByRole("button", { name: "Sync now" }).click();
    expect(onsyncnow).toHaveBeenCalledOnce();
    await rerender({ status: { ...base, enrolled: true, online: true, waiting: 2, syncing: true }, onsyncnow });
    expect((screen.getByRole("button", { name: "Sync now" }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("sync-state").textContent).toContain("Syncing");
  });
});
