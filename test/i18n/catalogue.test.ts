import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Junk, Message, parse, type VariableReference, Visitor } from "@fluent/syntax";
import { describe, expect, it } from "vitest";
import { CATALOGUE_DIR, createCatalogue } from "../../src/i18n/catalogue.js";
import { LOCALES } from "../../src/i18n/locales.js";

class Variables extends Visitor {
  readonly names = new Set<string>();
  override visitVariableReference(node: VariableReference) {
    this.names.add(node.id.name);
  }
}

/** Every message of a locale's files: its id → the variables it uses, sorted. */
function messagesOf(locale: string): Map<string, string> {
  const messages = new Map<string, string>();
  const dir = join(CATALOGUE_DIR, locale);
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".ftl"))) {
    const resource = parse(readFileSync(join(dir, file), "utf8"), {});
    const junk = resource.body.filter((entry) => entry instanceof Junk);
    expect(junk.map((j) => `${locale}/${file}: ${j.content}`)).toEqual([]);
    for (const entry of resource.body) {
      if (!(entry instanceof Message)) continue;
      expect(messages.has(entry.id.name), `${locale}: ${entry.id.name} twice`).toBe(false);
      const variables = new Variables();
      variables.visit(entry);
      messages.set(entry.id.name, [...variables.names].sort().join(","));
    }
  }
  return messages;
}

describe("the catalogues", () => {
  it("has every message in every locale, with the same placeables", () => {
    const [first, ...others] = LOCALES.map((locale) => messagesOf(locale));
    expect(first!.size).toBeGreaterThan(0);
    for (const other of others) {
      expect(Object.fromEntries(other)).toEqual(Object.fromEntries(first!));
    }
  });

  it("refuses a message that no locale has, rather than showing its key", () => {
    const en = createCatalogue().translator("en");
    expect(() => en.t("no-such-message")).toThrow(/no-such-message/);
  });
});

describe("a translator", () => {
  const now = new Date("2026-12-06T12:00:00Z");
  const [en, ru] = LOCALES.map((locale) => createCatalogue().translator(locale));

  it("writes durations and ages in the locale", () => {
    const twoHours = (2 * 60 + 13) * 60_000;
    expect([en!.duration(45_000), en!.duration(twoHours), en!.duration(76 * 3_600_000)]).toEqual([
      "45s",
      "2h 13m",
      "3d 4h",
    ]);
    expect([ru!.duration(45_000), ru!.duration(twoHours), ru!.duration(76 * 3_600_000)]).toEqual([
      "45 с",
      "2 ч 13 мин",
      "3 д 4 ч",
    ]);
    const earlier = new Date(now.getTime() - 13 * 60_000);
    const later = new Date(now.getTime() + 5 * 60_000);
    expect([en!.age(earlier, now), en!.age(later, now), en!.age(null, now)]).toEqual([
      "13m ago",
      "in 5m",
      "never",
    ]);
    expect([ru!.age(earlier, now), ru!.age(later, now), ru!.age(null, now)]).toEqual([
      "13 мин назад",
      "через 5 мин",
      "никогда",
    ]);
  });

  it("writes numbers, times and sizes with the locale's separators", () => {
    expect([en!.number(1234.5, 1), en!.dateTime(now), en!.bytes(1.5 * 1024 * 1024)]).toEqual([
      "1,234.5",
      "2026-12-06 12:00 UTC",
      "1.5 MB",
    ]);
    // Intl writes Russian thousands with a no-break space.
    expect([ru!.number(1234.5, 1), ru!.dateTime(now), ru!.bytes(512)]).toEqual([
      "1\u00a0234,5",
      "06.12.2026 12:00 UTC",
      "512 Б",
    ]);
    expect(en!.dateTime(now, "Europe/Moscow")).toBe("2026-12-06 15:00 Europe/Moscow");
  });
});
