// Locking: the idle timer, the work a screen must save before the store closes, and what of the
// screen is kept while locked to come back to it.
//
// While locked the app keeps no report content: only the screen's name and the ids it needs
// (a report's id, a draft's id). An unfinished report is saved as a draft in the encrypted store
// before the lock, and read back from there after the unlock.

/** What the user does that counts as use: anything that keeps the idle timer from running out. */
export const ACTIVITY_EVENTS = ["pointerdown", "pointermove", "keydown", "wheel", "touchstart", "focusin"] as const;

/** The idle time used until the store says otherwise, in seconds (ten minutes). */
export const DEFAULT_LOCK_AFTER = 600;

/** The idle times Settings offers, in minutes (the core's `LOCK_AFTER_CHOICES`). */
export const LOCK_AFTER_CHOICES = [1, 2, 5, 10, 15, 30, 60] as const;

/**
 * Calls `onidle` once `seconds` pass without a `touch()`. Touches are cheap (they only note the
 * time); the timer re-arms itself for what is left when it fires early.
 */
export class IdleTimer {
  private last = Date.now();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;

  constructor(
    private seconds: number,
    private readonly onidle: () => void,
  ) {}

  start(): void {
    this.running = true;
    this.last = Date.now();
    this.arm(this.seconds * 1000);
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  touch(): void {
    this.last = Date.now();
  }

  /** A new idle time, counted from the last use. */
  setSeconds(seconds: number): void {
    this.seconds = seconds;
    if (this.running) this.arm(Math.max(0, this.last + seconds * 1000 - Date.now()));
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), ms);
  }

  private fire(): void {
    if (!this.running) return;
    const left = this.last + this.seconds * 1000 - Date.now();
    if (left > 0) return this.arm(left);
    this.running = false;
    this.onidle();
  }
}

/** What a screen reports back when it saved its work before a lock: the draft it saved, if any. */
export interface Saved {
  draftId?: string;
}

type Saver = () => Promise<Saved | void>;
const savers = new Set<Saver>();

/** A screen with unsaved work registers how to save it; the returned function unregisters. */
export function beforeLock(save: Saver): () => void {
  savers.add(save);
  return () => savers.delete(save);
}

/** Runs every registered saver (the open form's); a saver that fails does not stop the lock. */
export async function saveBeforeLock(): Promise<Saved> {
  const results = await Promise.allSettled([...savers].map((s) => s()));
  const saved: Saved = {};
  for (const r of results) if (r.status === "fulfilled" && r.value) Object.assign(saved, r.value);
  return saved;
}

/** Where the user was, kept while locked: a screen's name and ids, never report content. */
export type Resume =
  | { name: "form"; draftId: string | null }
  | { name: "amend"; id: string; draftId: string | null }
  | { name: "report"; id: string }
  | { name: "slip"; id: string }
  | { name: "home" | "list" | "board" | "summaries" | "settings" };

/** A screen as the app frame holds it (the amend screen holds the whole report). */
export interface ScreenLike {
  name: string;
  id?: string;
  draftId?: string | null;
  report?: { id: string };
}

const PLAIN = new Set(["home", "list", "board", "summaries", "settings"]);

/** The screen to come back to after the unlock, with the draft just saved. */
export function resumeAt(screen: ScreenLike, saved: Saved): Resume {
  const draftId = saved.draftId ?? screen.draftId ?? null;
  switch (screen.name) {
    case "form":
      return { name: "form", draftId };
    case "amend":
      return { name: "amend", id: screen.report?.id ?? screen.id ?? "", draftId };
    case "report":
    case "slip":
      return { name: screen.name, id: screen.id ?? "" };
    default:
      return { name: (PLAIN.has(screen.name) ? screen.name : "home") as "home" };
  }
}
