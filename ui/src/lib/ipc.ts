// Every call into the Rust side goes through this module: one typed function per command, and
// the one listener for pushed state. Components never call `invoke` themselves.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

export type Lang = "en" | "sw";

// The types generated from the Rust side (`make ipc-types`; `make test` checks they are current).
import type { CommandError } from "./generated/CommandError";
import type { FormProblem } from "./generated/FormProblem";
import type { SyncStatus } from "./generated/SyncStatus";
import type { UpdatePanel } from "./generated/UpdatePanel";
export type { CommandError } from "./generated/CommandError";
export type { FailureKind } from "./generated/FailureKind";
export type { Rule } from "./generated/Rule";
export type { SyncFailure } from "./generated/SyncFailure";
export type { SyncStatus } from "./generated/SyncStatus";
export type { UpdatePanel } from "./generated/UpdatePanel";
export type { UpdateStage } from "./generated/UpdateStage";
export type { GoBack } from "./generated/GoBack";

/** A problem with one field, with the rule it broke (see usalama-core's `form` module). */
export type FieldProblem = FormProblem;

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === "object" && e !== null && "kind" in e && "message" in e;
}

/** Anything thrown by a command, as a CommandError. */
export function asCommandError(e: unknown): CommandError {
  return isCommandError(e) ? e : { kind: "internal", message: String(e) };
}

export interface Start {
  home: string;
  exists: boolean;
  unlocked: boolean;
  language: Lang | null;
  version: string;
}

export interface Unit {
  id: string;
  name: string;
  kind: string;
  parent: string | null;
  sw_name?: string | null;
  code?: string | null;
  retired?: boolean;
}

export interface Profile {
  name: string;
  role: string;
  unit: string | null;
  agency: string | null;
  lang: Lang;
  device: string;
  fingerprint: string;
  home: string;
  version: string;
  clock_warning: string | null;
  /** How long the app waits without use before it locks, in seconds. */
  lock_after?: number;
}

/** What a lock left to be sent while locked: this laptop's entries in the sealed request. */
export interface Locked {
  waiting: number;
}

export interface NewProfile {
  name: string;
  role: string;
  unit: string | null;
  /** An officer's agency (the county hub confirms it at enrollment). */
  agency?: string | null;
  lang: Lang;
}

export interface ReportRow {
  id: string;
  type: string;
  urgency: string;
  status: string;
  occurred_at: string;
  unit: string;
  place: string | null;
  recorded_at: string;
  narrative: string;
  lead_agency: string | null;
  supporting_agencies: string[];
  acknowledged_by: string[];
  /** Reports this one names as the same incident. */
  linked: string[];
}

/** One incident on the board: its primary report and the reports linked to it. */
export interface Incident {
  primary: ReportRow;
  linked: ReportRow[];
}

/** What raised a warning (usalama-core's early warning). */
export type WarningRule = "report" | "repeat_raid" | "rising_signs" | "trend" | "border_trend";

/** Why one report raised a warning; a count is null when nobody knows how many. */
export type WarningReason =
  | { reason: "killing"; killed: number | null }
  | { reason: "abduction"; abducted: number | null }
  | { reason: "livestock_stolen"; head: number; threshold: number }
  | { reason: "provocative"; indicators: string[] };

/** A trend's figures: the week's count, what the season leads one to expect, how unusual. */
export interface TrendFigures {
  count: number;
  expected: number;
  p_value: number;
  years_of_history: number;
}

/** Who acknowledged a warning, when, and what was done. */
export interface WarningAck {
  by: Author;
  at: string;
  note: string;
}

/** One warning as this laptop computes it from the reports it holds. */
export interface Warning {
  id: string;
  rule: WarningRule;
  /** A unit id, or a border's key. */
  area: string;
  area_name: string;
  /** "YYYY-MM-DD": the incident's day, or the first day of the week that raised it. */
  day: string;
  reports: string[];
  reasons?: WarningReason[];
  trend?: TrendFigures;
  /** Repeat raids: the days between the raids; rising signs: the weekly counts, oldest first. */
  counts?: number[];
  acknowledgements: WarningAck[];
  /** Not acknowledged, and raised more than a day ago. */
  overdue: boolean;
  /** Conflict incidents in the same area within 14 days after it. */
  /** How many incidents followed in the same area within 14 days. */
  followed_by: number;
}

/** An area with no report since `since` ("YYYY-MM-DD"). */
export interface Silence {
  area: string;
  since: string;
}

/** A flash alert by SMS (usalama-core's `SmsAlert`), with the QR code of its `SMSTO:` line. */
export interface SmsAlertView {
  counter: number;
  full: string;
  /** The short form; null when a figure is larger than it carries (8,189). */
  short: string | null;
  /** The county hub's SMS number, once the hub has given one. */
  number: string | null;
  /** Rows of "1" (dark) and "0" modules; null without a number. */
  qr: { size: number; rows: string[] } | null;
}

export interface WarningsView {
  /** Newest first: at most 500 of them. */
  warnings: Warning[];
  /** How many warnings there are in all. */
  total: number;
  silent: Silence[];
  /** Whether the county set its own early-warning settings (else the defaults hold). */
  county_settings: boolean;
}

/** A step of the response to a report (usalama-core's lifecycle). */
export type Step = "acknowledge" | "assign" | "update" | "close" | "reopen" | "link";

/** A step as the report page's forms send it (src-tauri's `StepForm`). */
export type StepForm =
  | { step: "acknowledge" }
  | { step: "assign"; lead: string; support: string[] }
  | { step: "update"; note: string; responding: boolean }
  | { step: "close"; outcome: string; note: string | null; figures: Record<string, unknown> | null }
  | { step: "reopen"; note: string }
  | { step: "link"; other: string };

export interface Author {
  name: string;
  role: string;
  agency: string | null;
}

export interface TimelineItem {
  kind: string;
  at: string;
  by: Author;
  content: unknown;
  /** Why this step changed nothing (its author's role or agency may not take it then). */
  refused?: string;
  /** This entry's content was removed by a redaction: who, when, why. */
  redacted?: { by: Author; at: string; reason: string | null } | null;
}

export type ReportDocument = Record<string, unknown>;

export interface ReportView extends ReportDocument {
  id: string;
  status: string;
  lead_agency: string | null;
  supporting_agencies: string[];
  outcome: string | null;
  linked: string[];
  acknowledged_by?: string[];
  /** Two leads named at once, the one in force first; absent when there is no disagreement. */
  contested_lead?: string[];
  /** The report has a source sealed to keys this laptop does not hold (yet). */
  source_sealed?: boolean;
  /** A flash alert the county hub received by SMS (its alert number), not yet joined by its full report. */
  relayed_alert?: number;
  /** The county hub relayed, under this report's alert number, an SMS that is not the alert its laptop made. */
  relay_differs?: boolean;
  /** Its laptop dated it more than an hour after the county received it: `recorded_at` is the receipt. */
  dated_ahead?: boolean;
  reported_by: Author;
  device: string;
  recorded_at: string;
  unit_counted: string;
  timeline: TimelineItem[];
}

export interface Filter {
  type?: string;
  unit?: string;
  status?: string;
  from?: string;
  to?: string;
  search?: string;
  /** With `relation`: reports this agency acknowledged (or not yet), leads or supports. */
  agency?: string;
  relation?: string;
  /** Flash and urgent first, then newest (the officer's inbox). */
  urgent_first?: boolean;
  limit?: number;
}

export interface Draft {
  id: string;
  updated_at: string;
  document: unknown;
}

/** A printable document (usalama-core's `summary::document`): what the print view draws. */
export interface PrintColumn {
  label: string;
  width: number;
  align: "left" | "right";
}
export interface PrintRow {
  cells: string[];
  detail: string | null;
  strong: boolean;
}
export interface PrintSeries {
  legend: string;
  values: number[];
  texts: string[];
}
export type PrintBlock =
  | { kind: "title"; data: { title: string; facts: [string, string][] } }
  | { kind: "heading" | "paragraph" | "note" | "code"; data: string }
  | { kind: "table"; data: { columns: PrintColumn[]; rows: PrintRow[]; small: boolean } }
  | { kind: "bars"; data: { title: string; labels: string[]; series: PrintSeries[] } }
  | { kind: "sign_off"; data: { roles: string[]; fields: string[] } };
export interface PrintDocument {
  lang: Lang;
  title: string;
  edition: Edition;
  banner: string;
  footer: string;
  blocks: PrintBlock[];
}

export type Edition = "public" | "restricted";
export type SummaryFormat = "pdf" | "csv" | "xlsx";

/** What a summary covers; dates are "YYYY-MM-DD" in East Africa Time, both inclusive. */
export interface SummaryForm {
  unit: string;
  from: string;
  to: string;
  edition: Edition;
  lang: Lang;
}

/** A place to save to or read from: a USB stick plugged in, or Documents. */
export interface Place {
  kind: "usb" | "documents";
  name: string;
  path: string;
}

/** A file found on a USB stick or in Documents. */
export interface FoundFile {
  place: Place;
  name: string;
  path: string;
  modified: string | null;
}

/** What "Send by USB stick" wrote. */
export interface BundleWritten {
  file: string;
  name: string;
  entries: number;
  carried: number;
  bytes: number;
  reports: number;
}

/** What "Receive from USB stick" changed. */
export interface BundleImported {
  from: "hub" | "device";
  received: number;
  acknowledged: number;
  carried: number;
  carried_bundles: number;
}

export const ipc = {
  start: () => invoke<Start>("start"),
  gazetteer: () => invoke<Unit[]>("gazetteer"),
  setUp: (profile: NewProfile, passphrase: string) =>
    invoke<{ recovery_code: string; profile: Profile }>("set_up", { profile, passphrase }),
  unlock: (passphrase: string) => invoke<Profile>("unlock", { passphrase }),
  recover: (code: string, newPassphrase: string) =>
    invoke<Profile>("recover", { code, newPassphrase }),
  profile: () => invoke<Profile>("profile"),
  setLanguage: (lang: Lang) => invoke<void>("set_language", { lang }),
  changePassphrase: (old: string, next: string) =>
    invoke<void>("change_passphrase", { old, new: next }),
  /** Closes the store; what waits to be sent still goes while locked. */
  lock: () => invoke<Locked>("lock"),
  setLockAfter: (minutes: number) => invoke<void>("set_lock_after", { minutes }),
  listReports: (filter: Filter) => invoke<ReportRow[]>("list_reports", { filter }),
  countReports: (filter: Filter) => invoke<number>("count_reports", { filter }),
  showReport: (id: string) => invoke<ReportView>("show_report", { id }),
  allowedActions: (id: string) => invoke<Step[]>("allowed_actions", { id }),
  act: (id: string, step: StepForm) => invoke<string>("act", { id, step }),
  board: () => invoke<Incident[]>("board", {}),
  warnings: () => invoke<WarningsView>("warnings"),
  /** Officers with an agency only; returns the warning's id. */
  acknowledgeWarning: (id: string, note: string) => invoke<string>("acknowledge_warning", { id, note }),
  /** The report's author only: records the alert once, then gives the same one again. */
  smsAlert: (id: string) => invoke<SmsAlertView>("sms_alert", { id }),
  fileReport: (document: ReportDocument, draft: string | null) =>
    invoke<string>("file_report", { document, draft }),
  amendReport: (id: string, changes: ReportDocument) =>
    invoke<string>("amend_report", { id, changes }),
  saveDraft: (id: string, document: unknown) => invoke<void>("save_draft", { id, document }),
  drafts: () => invoke<Draft[]>("drafts"),
  deleteDraft: (id: string) => invoke<boolean>("delete_draft", { id }),
  syncStatus: () => invoke<SyncStatus>("sync_status"),
  syncNow: () => invoke<SyncStatus>("sync_now"),
  /** `text` is the whole enrollment string, or the hub's address when `code` is given. */
  enroll: (text: string, code: string | null) =>
    invoke<Profile>("enroll", { enrollment: { text, code } }),
  summary: (form: SummaryForm) => invoke<PrintDocument>("summary", { form }),
  saveSummary: (form: SummaryForm, format: SummaryFormat, place: string) =>
    invoke<string[]>("save_summary", { form, format, place }),
  places: () => invoke<Place[]>("places"),
  slip: (id: string, edition: Edition, lang: Lang) => invoke<PrintDocument>("slip", { id, edition, lang }),
  saveSlip: (id: string, edition: Edition, lang: Lang, place: string) =>
    invoke<string>("save_slip", { id, edition, lang, place }),
  exportBundle: (place: string) => invoke<BundleWritten>("export_bundle", { place }),
  bundleFiles: () => invoke<FoundFile[]>("bundle_files"),
  importBundle: (file: string) => invoke<BundleImported>("import_bundle", { file }),
  updateStatus: () => invoke<UpdatePanel>("update_status"),
  installUpdate: () => invoke<UpdatePanel>("install_update"),
  goBackVersion: () => invoke<UpdatePanel>("go_back_version"),
  onSyncStatus: (f: (s: SyncStatus) => void): Promise<UnlistenFn> =>
    listen<SyncStatus>("sync-status", (e) => f(e.payload)),
  /** The system is about to sleep: save and lock now. */
  onLockRequested: (f: () => void): Promise<UnlistenFn> => listen("lock-requested", () => f()),
  /** The store was locked (by a command, or by the app itself before sleep). */
  onLocked: (f: (l: Locked) => void): Promise<UnlistenFn> => listen<Locked>("locked", (e) => f(e.payload)),
  /** What became of what waited, sent while locked: `true` taken by the hub. */
  onSentWhileLocked: (f: (sent: boolean) => void): Promise<UnlistenFn> =>
    listen<boolean>("sent-while-locked", (e) => f(e.payload)),
};
