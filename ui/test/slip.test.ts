import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import Slip from "../src/components/Slip.svelte";
import type { PrintDocument } from "../src/lib/ipc";
import { fakeBackend } from "./fake";

const slip = (edition: string, lang: string): PrintDocument => ({
  lang: lang as "en" | "sw",
  title: "Report slip: 4wbp6907",
  edition: edition as "public" | "restricted",
  banner: `${edition.toUpperCase()} EDITION (${lang})`,
  footer: "Usalama",
  blocks: [
    { kind: "heading", data: "Ledger hash" },
    { kind: "code", data: "9f2c4e" },
  ],
});

describe("a report's slip", () => {
  it("shows the public edition first, redraws it for another edition and language, and prints", async () => {
    const calls = fakeBackend({ slip: (a) => slip(a.edition, a.lang), places: () => [] });
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    render(Slip, { props: { id: "4wbp6907", onback: vi.fn() } });
    await waitFor(() => expect(screen.getByTestId("edition-banner").textContent).toBe("PUBLIC EDITION (en)"));
    expect(screen.getByText("9f2c4e")).toBeTruthy();
    await fireEvent.click(screen.getByRole("radio", { name: "Restricted: for the security committee" }));
    await fireEvent.click(screen.getByRole("radio", { name: "Kiswahili" }));
    await waitFor(() => expect(screen.getByTestId("edition-banner").textContent).toBe("RESTRICTED EDITION (sw)"));
    expect(calls.filter((c) => c.cmd === "slip").slice(-1)[0].args).toEqual({ id: "4wbp6907", edition: "restricted", lang: "sw" });
    await fireEvent.click(screen.getByRole("button", { name: "Print" }));
    expect(print).toHaveBeenCalledOnce();
  });

  it("saves it as PDF in the place chosen", async () => {
    const calls = fakeBackend({
      slip: (a) => slip(a.edition, a.lang),
      places: () => [{ kind: "documents", name: "Documents", path: "/home/joseph/Documents" }],
      save_slip: () => "usalama-slip-4wbp6907-public.pdf",
    });
    render(Slip, { props: { id: "4wbp6907", onback: vi.fn() } });
    await waitFor(() => expect((screen.getByRole("radio", { name: "Documents folder on this laptop" }) as HTMLInputElement).checked).toBe(true));
    await fireEvent.click(screen.getAllByRole("button", { name: "Save as PDF" })[0]);
    await waitFor(() =>
      expect(screen.getByRole("status").textContent).toBe("Saved on Documents folder on this laptop: usalama-slip-4wbp6907-public.pdf"),
    );
    expect(calls.find((c) => c.cmd === "save_slip")!.args).toEqual({
      id: "4wbp6907",
      edition: "public",
      lang: "en",
      place: "/home/joseph/Documents",
    });
  });
});
