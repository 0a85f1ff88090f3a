import { render, screen, waitFor } from "@testing-library/svelte";
import { emit } from "@tauri-apps/api/event";
import { mockIPC } from "@tauri-apps/api/mocks";
import { describe, expect, it, vi } from "vitest";
import App from "../src/App.svelte";
import { profile, units } from "./fake";

window.scrollTo = vi.fn() as unknown as typeof window.scrollTo;

const status = (syncing: boolean, version: number) => ({
  enrolled: true,
  hub: "https://127.0.0.1:7878",
  online: true,
  syncing,
  waiting: 0,
  sources_waiting: 0,
  last_success: syncing ? null : "2026-12-03T10:00:00+03:00",
  last_failure: null,
  version,
});

describe("the sync bar as the app opens", () => {
  it("sees a sync that ends just after the app read the bar's state: it never stays on Syncing", async () => {
    const order: string[] = [];
    mockIPC(
      (cmd, args) => {
        const a = (args ?? {}) as Record<string, unknown>;
        if (cmd === "plugin:event|listen") order.push(`listen ${a.event as string}`);
        else order.push(cmd);
        switch (cmd) {
          case "start":
            return { home: "/tmp/h", exists: true, unlocked: true, language: "en", version: "0.1.0" };
          case "profile":
            return profile;
          case "gazetteer":
            return units;
          case "sync_status":
            // The sync running now ends as soon as the state is read (a hub on the LAN answers
            // in milliseconds): the end is announced once, as an event.
            void emit("sync-status", status(false, 6));
            return status(true, 5);
          case "list_reports":
          case "drafts":
            return [];
          default:
            return null;
        }
      },
      { shouldMockEvents: true },
    );
    const { unmount } = render(App);
    await waitFor(() => expect(document.querySelector("main")?.dataset.screen).toBe("home"));
    await waitFor(() => expect(screen.getByTestId("sync-state").textContent).toBe("Connected"));
    expect(order.indexOf("listen sync-status")).toBeLessThan(order.indexOf("sync_status"));
    // Closed while the mocks still answer the event plugin.
    unmount();
  });
});
