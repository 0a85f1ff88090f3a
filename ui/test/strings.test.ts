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
