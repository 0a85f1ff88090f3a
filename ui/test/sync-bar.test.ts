import { render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import SyncBar from "../src/components/SyncBar.svelte";

const base = { online: null, syncing: false, last_success: null, last_failure: null };

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
    expect(screen.getByText(/Last attempt failed \(2026-11-20 10:00\): the hub did not answer/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Sync now" })).toBeTruthy();
  });
});
