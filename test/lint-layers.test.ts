// The layering rules of eslint.config.js: features take no Pool and call no store, domain
// code never imports grammY. Only those rules run here (no type information), on sources
// written for the test under the file names they would have.
import { join } from "node:path";
import { Linter } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const LAYER_RULES = ["@typescript-eslint/no-restricted-imports", "no-restricted-syntax"];

async function layerConfig(): Promise<Linter.Config[]> {
  const configFile = join(ROOT, "eslint.config.js");
  const { default: config } = (await import(configFile)) as { default: Linter.Config[] };
  const layers = config
    .filter((c) => c.files && LAYER_RULES.some((rule) => c.rules?.[rule]))
    .map(({ files, rules }) => ({ files, rules }));
  return [
    {
      files: ["**/*.ts"],
      languageOptions: { parser: tseslint.parser },
      plugins: { "@typescript-eslint": tseslint.plugin },
    },
    ...layers,
  ];
}

async function complaints(file: string, source: string): Promise<string[]> {
  const linter = new Linter({ cwd: ROOT });
  const messages = linter.verify(source, await layerConfig(), join(ROOT, file));
  return messages.map((m) => m.ruleId ?? m.message);
}

describe("layering rules", () => {
  const feature = "src/bot/features/sample.ts";

  it.each([
    'import { endSilence } from "../../alerts/alert-store.js";',
    'import { listJobs } from "../../checks/listings/jobs.js";',
    'import { createPool } from "../../db/pool.js";',
    'import type { Pool } from "../../db/pool.js";',
    'import type { Pool } from "pg";',
  ])("a feature may not: %s", async (line) => {
    expect(await complaints(feature, `${line}\n`)).toContain(
      "@typescript-eslint/no-restricted-imports",
    );
  });

  it("a feature may not take a Pool however it got the type", async () => {
    const source = 'export const f = (pool: import("pg").Pool) => pool;\n';
    expect(await complaints(feature, source)).toEqual(["no-restricted-syntax"]);
  });

  it("a feature may import the types a store returns, and the entry points", async () => {
    const source = [
      'import type { Action } from "../../executor/actions-store.js";',
      'import type { Checks } from "../../checks/create-checks.js";',
      'import { code } from "../format/html.js";',
    ].join("\n");
    expect(await complaints(feature, `${source}\n`)).toEqual([]);
  });

  it.each(["checks", "alerts", "executor", "oncall", "sentinel", "alertmanager", "incidents"])(
    "src/%s may not import grammY",
    async (folder) => {
      const file = `src/${folder}/deep/sample.ts`;
      for (const from of ["grammy", "grammy/types", "@grammyjs/runner"]) {
        expect(await complaints(file, `import type { X } from "${from}";\n`)).toEqual([
          "@typescript-eslint/no-restricted-imports",
        ]);
      }
    },
  );

  it("src/bot may import grammY", async () => {
    expect(await complaints("src/bot/sample.ts", 'import { Bot } from "grammy";\n')).toEqual([]);
  });
});
