import { describe, expect, it } from "vitest";
import { strings } from "../src/lib/strings";

describe("the catalogue", () => {
  it("has every string in both languages, with the same placeholders", () => {
    for (const [key, [en, sw]] of Object.entries(strings)) {
      expect(en.trim(), key).not.toBe("");
      expect(sw.trim(), key).not.toBe("");
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(sw), key).toEqual(names(en));
    }
  });
});

describe("the vocabularies", () => {
  it("label every key of the vocabulary file on screen, in both languages, as in print", async () => {
    const { VOCABULARY } = await import("../src/lib/generated/vocabulary");
    const { label, setLang } = await import("../src/lib/i18n.svelte");
    setLang("sw");
    expect(label("type", "killing")).toBe("Mauaji");
    expect(label("outcome", "duplicate")).toBe(VOCABULARY.outcome.find((o) => o.key === "duplicate")?.sw);
    setLang("en");
    expect(label("indicator", "war_songs")).toBe("War songs");
    // Species stand alone on screen: capitalised, unlike the middle of a printed sentence.
    expect(label("livestock", "cattle")).toBe("Cattle");
    expect(Object.keys(strings)).toEqual(expect.arrayContaining(VOCABULARY.indicator.map((i) => `indicator.${i.key}`)));
  });

  it("give the form its lists in the file's order, the indicators grouped by family", async () => {
    const { VOCABULARY } = await import("../src/lib/generated/vocabulary");
    const vocab = await import("../src/lib/vocab");
    expect(vocab.INCIDENT_TYPES).toEqual(VOCABULARY.incident_type.map((t) => t.key));
    expect(vocab.INCIDENT_TYPES[0]).toBe("livestock_raid");
    expect(vocab.INDICATOR_FAMILIES[0].family).toBe("provocative");
    expect(vocab.INDICATOR_FAMILIES.flatMap((f) => f.indicators)).toEqual(vocab.INDICATORS);
    expect(vocab.INDICATORS).toHaveLength(35);
  });

  it("say what flash means where a chief chooses or reads an urgency", async () => {
    const { urgencyText, setLang } = await import("../src/lib/i18n.svelte");
    setLang("en");
    expect(urgencyText("flash")).toBe("Flash: attack under way or about to happen");
    expect(urgencyText("routine")).toBe("Routine");
    setLang("sw");
    expect(urgencyText("flash")).toBe("Hatari sasa: shambulizi linaendelea au linakaribia");
  });
});
