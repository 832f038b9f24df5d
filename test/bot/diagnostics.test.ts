// /runs (with its chart as a photo), /pg and /backups through the real webhook, against real
// PostgreSQL with the reference worker_runs, a fixed clock and a temp backup directory.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EN, REFUSAL } from "../kit/english.js";
import type { TestApp } from "../kit/build-test-app.js";
import { startDiagnosticsApp, type DiagnosticsApp } from "../kit/diagnostics-app.js";
import { createUpdates, STRANGER, VIEWER } from "../kit/updates.js";

const RUNS_USAGE = EN.t("runs-usage");
const updates = createUpdates(90_000);
let diagnostics: DiagnosticsApp | undefined;
let t: TestApp;

beforeAll(async () => {
  diagnostics = await startDiagnosticsApp();
  ({ t } = diagnostics);
});
afterAll(() => diagnostics?.close());

async function send(text: string, from = VIEWER) {
  t.fake.reset();
  const res = await t.post(updates.message(text, { from }));
  expect(res.status).toBe(200);
  return {
    texts: t.fake.callsTo("sendMessage").map((c) => String(c.params.text)),
    photos: t.fake.callsTo("sendPhoto"),
  };
}

describe("/runs", () => {
  it("summarises every job: runs, success rate, p50/p95 over 24 h and 7 d, last failures", async () => {
    const { texts, photos } = await send("/runs");
    expect(texts).toHaveLength(1);
    const lines = texts[0]!.split("\n");
    expect(lines.find((l) => l.startsWith("digest"))).toMatch(
      /^digest\s+5\s+100%\s+32s\s+42s\s+28\s+96%\s+1m 41s\s+2m 53s/,
    );
    expect(texts[0]).toContain("Last failures");
    expect(texts[0]).toContain("#6: smtp &lt;refused&gt;");
    expect(photos).toEqual([]);
  });

  it("with JOB: its last runs, and a chart of the week sent as a PNG photo", async () => {
    const { texts, photos } = await send("/runs digest");
    expect(texts).toHaveLength(2);
    expect(texts[1]).toContain("Last 20 runs of");
    const [photo] = photos;
    const file = photo!.params.photo as { name: string; content: Buffer };
    expect(file.name).toBe("runs-digest.png");
    expect(file.content.subarray(1, 4).toString()).toBe("PNG");
    expect(String(photo!.params.caption)).toMatch(
      /28 runs in 7 days, 1 failed[\s\S]*\n[▁▂▃▄▅▆▇█]{28}$/,
    );
  });

  it("answers a job without runs in one line, and bad arguments with the usage", async () => {
    expect((await send("/runs nosuchjob")).texts).toEqual([
      "No worker runs in the last 7 days for nosuchjob.",
    ]);
    expect((await send("/runs a b c")).texts).toEqual([RUNS_USAGE]);
    expect((await send("/runs <b>")).texts).toEqual([RUNS_USAGE]);
  });
});

describe("/pg and /backups", () => {
  it("/pg shows each part of the database's health", async () => {
    const [text] = (await send("/pg")).texts;
    for (const part of [
      "Connections",
      "of max_connections",
      "Longest-running queries",
      "Blocked sessions",
      "Idle in transaction",
      "Size",
    ]) {
      expect(text).toContain(part);
    }
  });

  it("/backups shows the newest backup, its age and size, and the count kept", async () => {
    const [text] = (await send("/backups")).texts;
    expect(text).toContain("1 kept");
    expect(text).toContain("labpics_20261128_030000.sql.gz</code> — 9h 0m ago, 4.0 KB");
  });

  it("are for viewers: a stranger gets the refusal and no data", async () => {
    for (const command of ["/runs digest", "/pg", "/backups"]) {
      const { texts, photos } = await send(command, STRANGER);
      expect(texts).toEqual([REFUSAL]);
      expect(photos).toEqual([]);
    }
  });
});
