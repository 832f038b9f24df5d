// Pages recorded at the same moment by two transactions (two replicas) open one incident:
// the second waits for the first and joins what it opened.
import { describe, expect, it } from "vitest";
import { withTransaction } from "../../src/db/transaction.js";
import { joinIncident } from "../../src/incidents/incident-store.js";
import { useMigratedPool } from "../kit/migrated-pool.js";
import { incidents } from "./helpers.js";

const NOW = new Date("2030-06-01T07:00:00Z");
const paged = (fingerprint: string) => ({
  fingerprint,
  kind: fingerprint,
  severity: "critical" as const,
  summary: `${fingerprint} is down`,
  firingSince: NOW,
});

describe("joinIncident", () => {
  const db = useMigratedPool();

  it("two pages in concurrent transactions open one incident", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstJoined!: () => void;
    const joined = new Promise<void>((resolve) => (firstJoined = resolve));
    const first = withTransaction(db.pool, async (tx) => {
      const id = await joinIncident(tx, [paged("api_down")], NOW);
      firstJoined();
      // Still uncommitted while the second transaction tries.
      await held;
      return id;
    });
    await joined;
    const second = withTransaction(db.pool, (tx) => joinIncident(tx, [paged("redis_down")], NOW));
    release();
    expect(await Promise.all([first, second])).toEqual([1, 1]);
    expect(await incidents(db.pool)).toEqual([
      { id: 1, opened_at: NOW, closed_at: null, fingerprints: ["api_down", "redis_down"] },
    ]);
  });
});
