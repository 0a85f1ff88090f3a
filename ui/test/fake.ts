// A stand-in for the Rust side: the app's commands over an in-memory store, through Tauri's own
// IPC mock, so the UI is tested exactly as it calls `invoke`.
import { mockIPC } from "@tauri-apps/api/mocks";
import type { CommandError, FieldProblem, Profile, Unit } from "../src/lib/ipc";

export const profile: Profile = {
  name: "Joseph Korkimul",
  role: "chief",
  unit: "ke-024-l-ombolion",
  agency: null,
  lang: "en",
  device: "dev1",
  fingerprint: "ab12 cd34 ef56 0011 2233 4455 6677 8899",
  home: "/tmp/home",
  version: "0.1.0",
  clock_warning: null,
};

export const units: Unit[] = [
  { id: "ke-024", name: "West Pokot", kind: "county", parent: null, sw_name: "Pokot Magharibi" },
  { id: "ke-024-sc-pokot-north", name: "Pokot North", kind: "sub_county", parent: "ke-024" },
  { id: "ke-024-l-ombolion", name: "Ombolion", kind: "location", parent: "ke-024-sc-pokot-north" },
  { id: "ke-024-w0641", name: "Kapenguria", kind: "ward", parent: "ke-024" },
];

export interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

/** Installs the fake; `answers` overrides a command's answer (a thrown CommandError fails it). */
export function fakeBackend(answers: Record<string, (args: any) => unknown> = {}): Call[] {
  const calls: Call[] = [];
  const drafts = new Map<string, { id: string; updated_at: string; document: unknown }>();
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    if (cmd in answers) return answers[cmd](a);
    switch (cmd) {
      case "save_draft":
        drafts.set(a.id as string, {
          id: a.id as string,
          updated_at: "2026-11-20T10:00:00+03:00",
          document: a.document,
        });
        return null;
      case "drafts":
        return [...drafts.values()];
      case "delete_draft":
        return drafts.delete(a.id as string);
      case "file_report":
        return "4wbp6907abcdefgh";
      case "list_reports":
        return [];
      case "warnings":
        return { warnings: [], total: 0, silent: [], county_settings: false };
      case "sync_status":
        return { enrolled: false, online: null, syncing: false, waiting: 0, last_success: null, last_failure: null };
      case "plugin:event|listen":
        return 1;
      default:
        return null;
    }
  });
  return calls;
}

export function invalid(problems: FieldProblem[]): never {
  const error: CommandError = { kind: "invalid", message: problems.map((p) => p.message).join("\n"), problems };
  throw error;
}
