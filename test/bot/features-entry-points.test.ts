// Features reach data only through the domains' entry points (Checks, AlertsDesk,
// Executor): none takes a Pool or calls a store directly.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const FEATURES = join(import.meta.dirname, "../../src/bot/features");
/** Modules that touch the database: stores, the pool, and what sits behind a facade. */
const DATA_ACCESS =
  /^\.\.\/\.\.\/(db\/.*|.*-store\.js|alerts\/silence-actions\.js|executor\/verify\.js|checks\/(probes|listings)\/.*)$/;

/** The data-access modules a feature file imports values (not only types) from. */
function dataImports(source: string): string[] {
  const imports = source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"(\.\.\/\.\.\/[^"]+)";/gms);
  return [...imports]
    .filter(([, typeOnly, from]) => !typeOnly && DATA_ACCESS.test(from!))
    .map(([, , from]) => from!);
}

describe("bot features", () => {
  const files = readdirSync(FEATURES).filter((f) => f.endsWith(".ts"));

  it.each(files)("%s takes no Pool and calls no store", (file) => {
    const source = readFileSync(join(FEATURES, file), "utf8");
    expect(source).not.toMatch(/\bPool\b/);
    expect(dataImports(source)).toEqual([]);
  });

  it("finds a store called straight from a feature", () => {
    const source = 'import { endSilence } from "../../alerts/alert-store.js";\n';
    expect(dataImports(source)).toEqual(["../../alerts/alert-store.js"]);
  });
});
