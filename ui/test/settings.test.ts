import { render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import Settings from "../src/components/Settings.svelte";
import { setLang } from "../src/lib/i18n.svelte";
import type { SyncStatus } from "../src/lib/ipc";
import { fakeBackend, profile } from "./fake";

const status: SyncStatus = {
  enrolled: true,
  hub: "https://10.0.0.5:7878",
  online: true,
  syncing: false,
  waiting: 0,
  sources_waiting: 0,
  last_success: null,
  last_failure: null,
  version: 1,
};

describe("settings, for a chief whose sources wait for the county key", () => {
  it("says how many wait and what happens to them, in both languages", async () => {
    fakeBackend({ bundle_files: () => [], places: () => [] });
    const { unmount } = render(Settings, { props: { profile, sync: { ...status, sources_waiting: 2 }, onenrolled: vi.fn() } });
    expect((await screen.findByTestId("sources-waiting")).textContent).toContain("2 restricted source(s) wait");
    unmount();
    setLang("sw");
    const again = render(Settings, { props: { profile, sync: { ...status, sources_waiting: 2 }, onenrolled: vi.fn() } });
    expect((await screen.findByTestId("sources-waiting")).textContent).toContain("Vyanzo 2 vya siri");
    again.unmount();
    setLang("en");
  });

  it("says nothing when none wait", async () => {
    fakeBackend({ bundle_files: () => [], places: () => [] });
    render(Settings, { props: { profile, sync: { ...status, sources_waiting: 0 }, onenrolled: vi.fn() } });
    await screen.findByTestId("hub");
    expect(screen.queryByTestId("sources-waiting")).toBeNull();
  });
});
