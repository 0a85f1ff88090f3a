import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { emit } from "@tauri-apps/api/event";
import { mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";
import App from "../src/App.svelte";
import Settings from "../src/components/Settings.svelte";
import { setLang } from "../src/lib/i18n.svelte";
import { IdleTimer, beforeLock, resumeAt, saveBeforeLock } from "../src/lib/lock.svelte";
import { fakeBackend, profile, units } from "./fake";
import type { Call } from "./fake";

// jsdom has no scrolling; the app scrolls to the top of each screen.
window.scrollTo = vi.fn() as unknown as typeof window.scrollTo;

describe("the idle timer", () => {
  afterEach(() => vi.useRealTimers());

  it("fires once the chosen time passes without use, and use puts it off", () => {
    vi.useFakeTimers();
    const idle = vi.fn();
    const timer = new IdleTimer(60, idle);
    timer.start();
    vi.advanceTimersByTime(50_000);
    timer.touch();
    vi.advanceTimersByTime(50_000);
    expect(idle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_001);
    expect(idle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(600_000);
    expect(idle).toHaveBeenCalledTimes(1);
  });

  it("takes a shorter time at once, counted from the last use", () => {
    vi.useFakeTimers();
    const idle = vi.fn();
    const timer = new IdleTimer(600, idle);
    timer.start();
    vi.advanceTimersByTime(30_000);
    timer.setSeconds(60);
    vi.advanceTimersByTime(30_001);
    expect(idle).toHaveBeenCalledTimes(1);
  });

  it("does nothing once stopped", () => {
    vi.useFakeTimers();
    const idle = vi.fn();
    const timer = new IdleTimer(1, idle);
    timer.start();
    timer.stop();
    vi.advanceTimersByTime(5_000);
    expect(idle).not.toHaveBeenCalled();
  });
});

describe("what is kept while locked", () => {
  it("is the screen's name and ids, never a report's content", () => {
    const report = { id: "4wbp6907abcdefgh", document: { narrative: "secret words" } };
    const kept = resumeAt({ name: "amend", report, draftId: null }, { draftId: "amend-4wbp6907abcdefgh" });
    expect(kept).toEqual({ name: "amend", id: "4wbp6907abcdefgh", draftId: "amend-4wbp6907abcdefgh" });
    expect(JSON.stringify(kept)).not.toContain("secret");
    expect(resumeAt({ name: "form", draftId: null }, { draftId: "form-1" })).toEqual({ name: "form", draftId: "form-1" });
    expect(resumeAt({ name: "report", id: "r1" }, {})).toEqual({ name: "report", id: "r1" });
    expect(resumeAt({ name: "settings" }, {})).toEqual({ name: "settings" });
  });

  it("is saved by every screen that registered, even if one fails", async () => {
    const off1 = beforeLock(async () => ({ draftId: "form-9" }));
    const off2 = beforeLock(async () => {
      throw new Error("disk full");
    });
    expect(await saveBeforeLock()).toEqual({ draftId: "form-9" });
    off1();
    off2();
    expect(await saveBeforeLock()).toEqual({});
  });
});

/** The app over an in-memory store that can be locked, with the store's events. */
function lockableBackend(lockAfter = 600) {
  const calls: Call[] = [];
  const drafts = new Map<string, { id: string; updated_at: string; document: unknown }>();
  let open = false;
  mockIPC(
    (cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args: a });
      const needsOpen = ["save_draft", "drafts", "delete_draft", "list_reports", "sync_status", "profile", "lock"];
      if (needsOpen.includes(cmd) && !open && cmd !== "lock") throw { kind: "not_open", message: "the store is locked" };
      switch (cmd) {
        case "start":
          return { home: "/tmp/h", exists: true, unlocked: false, language: "en", version: "0.1.0" };
        case "gazetteer":
          return units;
        case "unlock":
          if (a.passphrase !== "goats graze where the river bends") throw { kind: "locked", message: "wrong passphrase" };
          open = true;
          return { ...profile, lock_after: lockAfter };
        case "lock":
          open = false;
          return { waiting: 2 };
        case "save_draft":
          drafts.set(a.id as string, { id: a.id as string, updated_at: "2026-11-20T10:00:00+03:00", document: a.document });
          return null;
        case "drafts":
          return [...drafts.values()];
        case "delete_draft":
          return drafts.delete(a.id as string);
        case "list_reports":
          return [];
        case "sync_status":
          return { enrolled: true, hub: "https://10.0.0.5:7878", online: false, syncing: false, waiting: 2, last_success: null, last_failure: null, version: 1 };
        default:
          return null;
      }
    },
    { shouldMockEvents: true },
  );
  return { calls, drafts, isOpen: () => open };
}

async function unlock() {
  await fireEvent.input(await screen.findByLabelText("Passphrase"), { target: { value: "goats graze where the river bends" } });
  await fireEvent.click(screen.getByRole("button", { name: "Open" }));
  await waitFor(() => expect(document.querySelector("main")?.dataset.phase).toBe("open"));
}

async function writeANewReport(text: string) {
  await fireEvent.click(await screen.findByRole("button", { name: "New report" }));
  await waitFor(() => expect(document.querySelector("main")?.dataset.screen).toBe("form"));
  await fireEvent.input(screen.getByLabelText("What happened, in your words"), { target: { value: text } });
}

describe("locking the app", { timeout: 20_000 }, () => {
  it("saves the draft, closes the store, and reopens on the same form with the draft", async () => {
    const backend = lockableBackend();
    render(App);
    await unlock();
    await writeANewReport("Raiders seen at the dry river bed");
    await fireEvent.click(screen.getByRole("button", { name: "Lock" }));
    await screen.findByRole("heading", { name: "Usalama is locked" });
    expect(backend.isOpen()).toBe(false);
    // The draft was saved before the store closed, and nothing of it stays on screen.
    const order = backend.calls.map((c) => c.cmd);
    expect(order.lastIndexOf("save_draft")).toBeLessThan(order.indexOf("lock"));
    expect(JSON.stringify([...backend.drafts.values()])).toContain("Raiders seen at the dry river bed");
    expect(document.body.textContent).not.toContain("Raiders seen");
    expect(screen.queryByRole("button", { name: "Lock" })).toBeNull();
    expect(screen.getByTestId("sent-while-locked").textContent).toContain("What was waiting to be sent (2) goes to the county");

    await unlock();
    await waitFor(() => expect(document.querySelector("main")?.dataset.screen).toBe("form"));
    await waitFor(() =>
      expect((screen.getByLabelText("What happened, in your words") as HTMLTextAreaElement).value).toBe(
        "Raiders seen at the dry river bed",
      ),
    );
  });

  it("locks by itself after the idle time chosen", async () => {
    const backend = lockableBackend(1);
    render(App);
    await unlock();
    await writeANewReport("Goats taken from the boma");
    await screen.findByRole("heading", { name: "Usalama is locked" }, { timeout: 3000 });
    expect(backend.isOpen()).toBe(false);
    expect(JSON.stringify([...backend.drafts.values()])).toContain("Goats taken from the boma");
  });

  it("locks when the system is about to sleep, saving the draft first", async () => {
    const backend = lockableBackend();
    render(App);
    await unlock();
    await writeANewReport("Shots heard near the school");
    await emit("lock-requested", "sleep");
    await screen.findByRole("heading", { name: "Usalama is locked" });
    expect(JSON.stringify([...backend.drafts.values()])).toContain("Shots heard near the school");
    // Told later whether what waited went while locked.
    await emit("sent-while-locked", true);
    await waitFor(() => expect(screen.getByTestId("sent-while-locked").textContent).toContain("has been sent"));
  });

  it("says so in Kiswahili", async () => {
    lockableBackend();
    render(App);
    await unlock();
    setLang("sw");
    await fireEvent.click(await screen.findByRole("button", { name: "Funga" }));
    await screen.findByRole("heading", { name: "Usalama imefungwa" });
  });
});

describe("the idle time in Settings", () => {
  it("offers the choices, shows ten minutes by default and saves a new one", async () => {
    const calls = fakeBackend({ bundle_files: () => [], places: () => [] });
    const onlockafter = vi.fn();
    render(Settings, { props: { profile: { ...profile, lock_after: 600 }, sync: null, onenrolled: vi.fn(), onlockafter } });
    const select = screen.getByLabelText("Lock after this long without use") as HTMLSelectElement;
    expect(select.value).toBe("10");
    expect([...select.options].map((o) => o.textContent)).toContain("1 minute");
    await fireEvent.change(select, { target: { value: "5" } });
    await screen.findByTestId("lock-after-saved");
    expect(calls.find((c) => c.cmd === "set_lock_after")?.args).toEqual({ minutes: 5 });
    expect(onlockafter).toHaveBeenCalledWith(300);
  });
});
