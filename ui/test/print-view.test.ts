import { describe, expect, it } from "vitest";
import { paginate } from "../src/components/PrintView.svelte";
import type { PrintBlock } from "../src/lib/ipc";

const heading = (text: string): PrintBlock => ({ kind: "heading", data: text });
const para = (text: string): PrintBlock => ({ kind: "paragraph", data: text });
const table = (n: number): PrintBlock => ({
  kind: "table",
  data: {
    columns: [{ label: "Date", width: 1, align: "left" }],
    rows: Array.from({ length: n }, (_, i) => ({ cells: [`row ${i}`], detail: null, strong: false })),
    small: true,
  },
});

describe("the print view's pages", () => {
  it("are one sheet when everything fits", () => {
    const pages = paginate([heading("A"), para("x")], { room: 100, blocks: [10, 20], rows: [null, null] });
    expect(pages).toHaveLength(1);
  });

  it("continue a long table on the next sheet with its header, and never end a sheet on a heading", () => {
    const blocks = [para("intro"), heading("Incident log"), table(10)];
    // 100 of room: the intro (60) and the heading (10) leave too little for the table's header
    // (10) and its first row (25): the heading moves on with the table.
    const pages = paginate(blocks, { room: 100, blocks: [60, 10, 10], rows: [null, null, Array(10).fill(25)] });
    expect(pages.map((p) => p.map((piece) => piece.block.kind))).toEqual([
      ["paragraph"],
      ["heading", "table"],
      ["table"],
      ["table"],
      ["table"],
    ]);
    expect(pages[1][1].rows).toEqual([0, 1, 2]);
    expect(pages[2][0].rows).toEqual([3, 4, 5]);
    expect(pages.flatMap((p) => p.flatMap((piece) => piece.rows ?? []))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("puts a block taller than a sheet on a sheet of its own rather than lose it", () => {
    const pages = paginate([para("a"), para("huge"), para("b")], { room: 100, blocks: [10, 300, 10], rows: [null, null, null] });
    expect(pages.map((p) => p.length)).toEqual([1, 1, 1]);
  });
});

describe("the print view's bar chart", () => {
  it("puts each series' legend on its own line, and says its figures in words", async () => {
    const { render } = await import("@testing-library/svelte");
    const PrintView = (await import("../src/components/PrintView.svelte")).default;
    const bars: PrintBlock = {
      kind: "bars",
      data: {
        title: "Incidents by sub-county",
        labels: ["Pokot North", "Kacheliba"],
        series: [
          { legend: "This month (1–30 November 2026), all incidents", values: [3, 1], texts: ["3", "1"] },
          { legend: "Previous month (1–31 October 2026), all incidents", values: [2, 0], texts: ["2", "0"] },
        ],
      },
    };
    render(PrintView, {
      props: { doc: { lang: "en", title: "T", edition: "public", banner: "", footer: "", blocks: [bars] } },
    });
    const svg = document.querySelector("svg[role=img]")!;
    const legends = [...svg.querySelectorAll("text")].filter((e) => e.textContent!.includes("incidents"));
    expect(legends).toHaveLength(2);
    expect(new Set(legends.map((e) => e.getAttribute("y"))).size).toBe(2);
    expect(new Set(legends.map((e) => e.getAttribute("x"))).size).toBe(1);
    expect(svg.getAttribute("aria-label")).toBe(
      "Incidents by sub-county. Pokot North: This month (1–30 November 2026), all incidents 3, Previous month (1–31 October 2026), all incidents 2. Kacheliba: This month (1–30 November 2026), all incidents 1, Previous month (1–31 October 2026), all incidents 0",
    );
  });
});
