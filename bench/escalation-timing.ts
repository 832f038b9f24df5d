// The escalation phase of bench:paging: a second bot process with an on-call rota and a
// scaled ESCALATION pages critical API outages that nobody acks, and each step's message
// (a private page, or the group's escalation) as the fake Bot API accepted it is set
// against its due time: the outage's first page accepted, plus the step's delay. Each
// outage stays down past the last step, since its resolution would end the chain.
import { parseEscalation, type EscalationStep } from "../src/oncall/specs.js";
import { eventually } from "../test/kit/eventually.js";
import { startFakeBotApi, type RecordedCall } from "../test/kit/fake-bot-api.js";
import { createTestDatabase } from "../test/kit/postgres.js";
import { TEAM_GROUP } from "../test/kit/updates.js";
import { percentile, startBot, type BenchRow } from "./lib.js";
import { isFiring, seconds, sleep, startStandInApi } from "./paging-kit.js";

const ESCALATION = "2s:oncall,4s:next,6s:group";
const STEPS: readonly EscalationStep[] = parseEscalation(ESCALATION)!;
const ROTA = [5001, 5002];
const PROBE_SECONDS = 1;
const DOWN_AFTER_SECONDS = 5;
const UP_AFTER_SECONDS = 2;
// Pages after 5–6 s, the last step is due 6 s later: 4 s to spare before health returns.
const OUTAGE_SECONDS = 16;
const OUTAGES = 5;
// Enough for the resolution (UP_AFTER_SECONDS) before the next outage.
const AFTER_OUTAGE_SECONDS = 5;
const TARGET_MS = 2_000;

interface Outage {
  start: number;
  until: number;
}

/** "escalation step 2 of 3" in a private page or a group escalation; else undefined. */
function stepOf(text: string): number | undefined {
  const match = /\b(?:escalation|Escalation<\/b>) step (\d+) of \d+/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Where each step must go: a rota member for oncall/next, the team group for group. */
function reachedTarget(call: RecordedCall, step: EscalationStep): boolean {
  const chat = Number(call.params.chat_id);
  return step.target === "group" ? chat === TEAM_GROUP.id : ROTA.includes(chat);
}

/** Per outage and step, how late its message was (undefined: never sent where it should). */
function latenesses(calls: readonly RecordedCall[], outages: readonly Outage[]) {
  return outages.map((o) => {
    const inside = calls.filter(
      (c) => c.method === "sendMessage" && c.at >= o.start && c.at < o.until,
    );
    const text = (c: RecordedCall) => String(c.params.text);
    const page = inside.find(
      (c) =>
        Number(c.params.chat_id) === TEAM_GROUP.id &&
        isFiring(text(c)) &&
        text(c).includes("api_down") &&
        stepOf(text(c)) === undefined,
    );
    return STEPS.map((step, i) => {
      const sent = inside.find((c) => stepOf(text(c)) === i + 1 && reachedTarget(c, step));
      return page && sent ? sent.at - (page.at + step.delayMs) : undefined;
    });
  });
}

function row(figure: string, late: readonly (number | undefined)[]): BenchRow {
  const sent = late.filter((ms): ms is number => ms !== undefined);
  const max = Math.max(...sent);
  return {
    figure,
    value: `p95 ${seconds(percentile(sent, 95))}, max ${seconds(max)}`,
    baseline: `${sent.length} of ${late.length} sent`,
    target: `every one, ≤ ${seconds(TARGET_MS)} late`,
    ok: sent.length === late.length && max <= TARGET_MS,
  };
}

function rows(late: readonly (number | undefined)[][]): BenchRow[] {
  const perStep = STEPS.map((step, i) =>
    row(
      `escalation step ${i + 1} (${step.delayMs / 1000} s, ${step.target}) lateness`,
      late.map((o) => o[i]),
    ),
  );
  return [
    ...perStep,
    row(`escalation lateness, all ${STEPS.length} steps of ${late.length} pages`, late.flat()),
  ];
}

/** Runs the phase; what it starts is stopped by the callers of `stops`. */
export async function escalationPhase(stops: (() => Promise<unknown>)[]): Promise<BenchRow[]> {
  const database = await createTestDatabase({ migrated: true });
  stops.push(() => database.drop());
  const health = { healthy: true };
  const api = await startStandInApi(health);
  stops.push(() => api.close());
  const fake = await startFakeBotApi();
  stops.push(() => fake.close());
  const { bot } = await startBot(
    { fake, databaseUrl: database.connectionString, viewerIds: [5000] },
    {
      API_HEALTH_URL: `${api.url}/health`,
      ALERT_CHAT_ID: String(TEAM_GROUP.id),
      OPERATOR_IDS: ROTA.join(","),
      ONCALL_ROTA: ROTA.join(","),
      ESCALATION,
      PROBE_SECONDS: String(PROBE_SECONDS),
      DOWN_AFTER_SECONDS: String(DOWN_AFTER_SECONDS),
      UP_AFTER_SECONDS: String(UP_AFTER_SECONDS),
      ALERT_REPEAT_MINUTES: "100000",
    },
  );
  stops.push(() => bot.stop());
  const probesBefore = api.requests();
  await eventually(() => api.requests() >= probesBefore + 2, 15_000, "probes");

  console.log(
    `\n${OUTAGES} outages of ${OUTAGE_SECONDS} s, nobody acks, ONCALL_ROTA=${ROTA.join(",")}, ESCALATION=${ESCALATION}:`,
  );
  const outages: Outage[] = [];
  for (let i = 0; i < OUTAGES; i++) {
    const start = Date.now();
    health.healthy = false;
    await sleep(OUTAGE_SECONDS * 1000);
    health.healthy = true;
    await sleep(AFTER_OUTAGE_SECONDS * 1000);
    outages.push({ start, until: Date.now() });
    console.log(`  ${i + 1}. outage of ${OUTAGE_SECONDS} s`);
  }
  return rows(latenesses([...fake.calls], outages));
}
