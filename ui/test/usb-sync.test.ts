import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import Settings from "../src/components/Settings.svelte";
import UsbSync from "../src/components/UsbSync.svelte";
import { setLang } from "../src/lib/i18n.svelte";
import { fakeBackend, profile } from "./fake";

const stick = { kind: "usb", name: "KINGSTON", path: "/media/joseph/KINGSTON" };
const docs = { kind: "documents", name: "Documents", path: "/home/joseph/Documents" };
const answer = {
  place: stick,
  name: "usalama-hub-4a5b6c7d-2026-11-27.usalama",
  path: "/media/joseph/KINGSTON/usalama-hub-4a5b6c7d-2026-11-27.usalama",
  modified: "2026-11-27T09:00:00+03:00",
};
const enrolled = { enrolled: true, hub: "https://10.0.0.5:7878", online: false, syncing: false, waiting: 2, sources_waiting: 0, last_success: null, last_failure: null, version: 1 };

describe("sync by USB stick", () => {
  it("is offered only once the laptop is connected to a county hub", () => {
    fakeBackend();
    render(Settings, { props: { profile, sync: { ...enrolled, enrolled: false, hub: null }, onenrolled: vi.fn() } });
    expect(screen.getByTestId("usb-not-enrolled").textContent).toContain("not connected to a county hub yet");
  });

  it("writes the file on the stick chosen, and says what went and what to do next", async () => {
    const calls = fakeBackend({
      places: () => [stick, docs],
      bundle_files: () => [],
      export_bundle: () => ({ file: "/media/joseph/KINGSTON/usalama-ab12cd34-2026-11-26.usalama", name: "usalama-ab12cd34-2026-11-26.usalama", entries: 3, carried: 0, bytes: 900, reports: 2 }),
    });
    render(Settings, { props: { profile, sync: enrolled, onenrolled: vi.fn() } });
    await waitFor(() => expect((screen.getByRole("radio", { name: "USB stick “KINGSTON”" }) as HTMLInputElement).checked).toBe(true));
    await fireEvent.click(screen.getByRole("button", { name: "Write the file" }));
    const sent = await screen.findByText(/Reports waiting to send in it: 2; entries in all: 3\./);
    expect(sent.textContent).toContain("usalama-ab12cd34-2026-11-26.usalama is on USB stick “KINGSTON”");
    expect(screen.getByText(/take the stick to the county office/)).toBeTruthy();
    expect(calls.find((c) => c.cmd === "export_bundle")!.args).toEqual({ place: "/media/joseph/KINGSTON" });
  });

  it("lists the files found, receives the chosen one and says what changed", async () => {
    const onimported = vi.fn();
    const calls = fakeBackend({
      places: () => [stick, docs],
      bundle_files: () => [answer],
      import_bundle: () => ({ from: "hub", received: 4, acknowledged: 3, carried: 0 }),
    });
    render(UsbSync, { props: { onimported } });
    const file = await screen.findByRole("radio", { name: /usalama-hub-4a5b6c7d-2026-11-27\.usalama on USB stick “KINGSTON”, 2026-11-27 09:00/ });
    expect((file as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(screen.getByRole("button", { name: "Receive the chosen file" }));
    await waitFor(() => expect(onimported).toHaveBeenCalledOnce());
    expect(screen.getByRole("status").textContent).toContain("New entries: 4. This laptop's entries now received by the county: 3.");
    expect(calls.find((c) => c.cmd === "import_bundle")!.args).toEqual({ file: answer.path });
  });

  it("marks a file this laptop wrote and chooses the county's answer first", async () => {
    const own = { ...answer, name: "usalama-ab12cd34-2026-11-26.usalama", path: "/media/joseph/KINGSTON/usalama-ab12cd34-2026-11-26.usalama" };
    fakeBackend({ places: () => [stick], bundle_files: () => [own, answer] });
    render(UsbSync, { props: { device: "ab12cd34ef560011", onimported: vi.fn() } });
    const mine = await screen.findByRole("radio", { name: /usalama-ab12cd34-2026-11-26\.usalama.*Written by this laptop: take it to the county office\./ });
    expect((mine as HTMLInputElement).checked).toBe(false);
    expect((screen.getByRole("radio", { name: /usalama-hub-4a5b6c7d/ }) as HTMLInputElement).checked).toBe(true);
  });

  it("says another laptop's file will be carried on", async () => {
    fakeBackend({
      places: () => [docs],
      bundle_files: () => [answer],
      import_bundle: () => ({ from: "device", received: 0, acknowledged: 0, carried: 0, carried_bundles: 1 }),
    });
    render(UsbSync, { props: { onimported: vi.fn() } });
    await fireEvent.click(await screen.findByRole("button", { name: "Receive the chosen file" }));
    await waitFor(() => expect(screen.getByRole("status").textContent).toContain("this laptop takes it there at its next sync"));
  });

  it.each([
    ["integrity", "changed or damaged on the way"],
    ["malformed", "not a file from Usalama"],
    ["invalid", "not for this laptop"],
    ["not_enrolled", "not connected to a county hub yet"],
    ["io", "plug it in again"],
  ])("explains a %s error by its kind, whatever its message", async (kind, words) => {
    const onimported = vi.fn();
    fakeBackend({
      places: () => [docs],
      bundle_files: () => [answer],
      import_bundle: () => {
        throw { kind, message: "some message in English" };
      },
    });
    render(UsbSync, { props: { onimported } });
    await fireEvent.click(await screen.findByRole("button", { name: "Receive the chosen file" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain(words));
    expect(onimported).not.toHaveBeenCalled();
  });

  it("says it in Kiswahili when that is the language", async () => {
    setLang("sw");
    fakeBackend({
      places: () => [docs],
      bundle_files: () => [answer],
      import_bundle: () => {
        throw { kind: "integrity", message: "the bundle's signature is not the county hub's" };
      },
    });
    render(UsbSync, { props: { onimported: vi.fn() } });
    await fireEvent.click(await screen.findByRole("button", { name: "Pokea faili uliyochagua" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("ilibadilishwa au kuharibika njiani"));
  });

  it("says how to find the county office's file when none is there", async () => {
    fakeBackend({ places: () => [docs], bundle_files: () => [] });
    render(UsbSync, { props: { onimported: vi.fn() } });
    await waitFor(() => expect(screen.getByTestId("usb-none").textContent).toContain("Plug in the stick from the county office"));
    expect((screen.getByRole("button", { name: "Receive the chosen file" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
