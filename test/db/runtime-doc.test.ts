// docs/runtime.md lists every table of schema opsbot, as the migrations create them.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useMigratedPool } from "../kit/migrated-pool.js";

const RUNTIME_DOC = join(import.meta.dirname, "../../docs/runtime.md");

describe("docs/runtime.md", () => {
  const db = useMigratedPool();

  it("lists exactly the tables of schema opsbot", async () => {
    const { rows } = await db.pool.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'opsbot'",
    );
    const doc = await readFile(RUNTIME_DOC, "utf8");
    const listed = [...doc.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    expect(listed.toSorted()).toEqual(rows.map((r) => r.name).toSorted());
  });
});
