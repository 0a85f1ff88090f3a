import { describe, expect, it } from "vitest";
import { amendment, emptyForm, fieldOf, fromDocument, toDocument } from "../src/lib/form";

const NOW = Date.UTC(2026, 10, 20, 2, 30); // 05:30 in East Africa Time

describe("the form's report document", () => {
  it("starts now, in East Africa Time, in the user's unit", () => {
    const f = emptyForm("ke-024-l-ombolion", NOW);
    expect([f.date, f.time, f.unit]).toEqual(["2026-11-20", "05:30", "ke-024-l-ombolion"]);
    const { document } = toDocument(f);
    expect(document).toEqual({
      urgency: "routine",
      occurred_at: "2026-11-20T05:30:00+03:00",
      unit: "ke-024-l-ombolion",
    });
  });

  it("keeps unknown apart from zero and leaves out what was not given", () => {
    const f = emptyForm(null, NOW);
    f.people.killed.total = { value: "0", unknown: false };
    f.people.injured.total = { value: "", unknown: true };
    f.people.abducted.split = true;
    f.people.abducted.children = { value: "3", unknown: false };
    f.people.abducted.women = { value: "", unknown: true };
    expect(toDocument(f).document.people).toEqual({
      killed: 0,
      injured: null,
      abducted: { women: null, children: 3 },
    });
  });

  it("builds the livestock table per species, with estimates, and places problems by species", () => {
    const f = emptyForm(null, NOW);
    f.livestock.goats = {
      stolen: { value: "150", unknown: false },
      recovered: { value: "", unknown: false },
      killed: { value: "", unknown: true },
      estimate: true,
    };
    f.livestock.donkeys.stolen = { value: "-2", unknown: false };
    const built = toDocument(f);
    expect(built.document.livestock).toEqual([
      { species: "goats", stolen: 150, killed: null, estimate: true },
      { species: "donkeys", stolen: -2 },
    ]);
    expect(fieldOf("livestock[1].stolen", built.livestockOrder)).toBe("livestock.donkeys.stolen");
    expect(fieldOf("people.killed.men", [])).toBe("people.killed.men");
    expect(fieldOf("agencies_notified[2]", [])).toBe("agencies_notified");
    expect(fieldOf("suspects.names[0]", [])).toBe("suspects.names");
  });

  it("sends what was typed when it is not a number, for the core to name", () => {
    const f = emptyForm(null, NOW);
    f.suspects.count = { value: "about 40", unknown: false };
    f.lat = "1.73";
    f.time = "5.30";
    const doc = toDocument(f).document;
    expect(doc.suspects).toEqual({ count: "about 40" });
    expect(doc.gps).toEqual({ lat: 1.73 });
    expect(doc.occurred_at).toBe("2026-11-20 5.30");
  });

  it("reads a report back into the form unchanged", () => {
    const doc = {
      type: "livestock_raid",
      urgency: "flash",
      occurred_at: "2026-11-20T05:30:00+03:00",
      unit: "ke-024",
      place: "Lami Nyeusi",
      gps: { lat: 1.7321, lon: 35.5123 },
      narrative: "Raiders drove cattle to the river.",
      people: { killed: 2, injured: { men: 1, children: null } },
      livestock: [{ species: "cattle", stolen: 150, recovered: 0, estimate: true }],
      suspects: { count: 40, armed: true, direction: "river", names: ["A", "B"] },
      agencies_notified: ["nps", "kdf"],
      ob: { number: "OB 12/20/11/2026", station: "Sigor" },
      source: { kind: "witness", name: "N" },
    };
    expect(toDocument(fromDocument(doc)).document).toEqual(doc);
  });

  it("amends only what changed, livestock by species, and sends a removal as null", () => {
    const before = {
      type: "killing",
      narrative: "x",
      gps: { lat: 1, lon: 2 },
      livestock: [{ species: "cattle", stolen: 1 }, { species: "goats", stolen: 2 }],
    };
    const after = {
      type: "killing",
      narrative: "x, and more",
      livestock: [{ species: "cattle", stolen: 1 }, { species: "goats", stolen: 5 }],
    };
    expect(amendment(before, after)).toEqual({
      narrative: "x, and more",
      gps: null,
      livestock: [{ species: "goats", stolen: 5 }],
    });
    expect(amendment(before, before)).toEqual({});
  });
});
