// npm run bench:alertmanager: POST /alertmanager with a batch of 1,000 alerts, stored (one
// transaction) and answered, over real HTTP to the real app on a throwaway database. Each
// figure is the median of REPEAT requests; the watcher tick each batch starts is let
// finish before the next request, so every request is measured on a quiet machine. The
// baseline, in the same run: a batch of one alert (HTTP, auth, parsing and the transaction
// without the volume).
import { webhookPayload, fingerprintNo } from "../test/alertmanager/payloads.js";
import { buildAlertApp, eventually, startApiHealth } from "../test/kit/alerts.js";
import type { TestApp } from "../test/kit/build-test-app.js";
import { median } from "./lib.js";

const BATCH = 1_000;
/** Over ALERTMANAGER_MAX_ALERTS (2,000 by default): stored in part, the rest counted. */
const OVERSIZE = 20_000;
const REPEAT = 15;
const TARGET_MS = 200;
const TOKEN = "bench-token_0123456789abcdef";

const api = await startApiHealth();
const t: TestApp = await buildAlertApp(api.url, {
  env: {
    ALERTMANAGER_TOKEN: TOKEN,
    // Every run's new alerts are stored: the firing cap would leave later runs' out.
    ALERTMANAGER_MAX_FIRING: "1000000",
    LOG_LEVEL: "error",
    ALERT_REPEAT_MINUTES: "100000",
  },
});

const okTicks = async () =>
  (await t.app.metrics.ticks.get()).values.find((v) => v.labels.result === "ok")?.value ?? 0;

/** A batch of `size` alerts numbered from `first`, like one Alertmanager group. */
const batch = (first: number, size: number) =>
  JSON.stringify(
    webhookPayload(
      Array.from({ length: size }, (_, i) => ({
        alertname: "High5xxRate",
        fingerprint: fingerprintNo(first + i),
        severity: "critical",
        summary: `5xx rate above 2% on instance ${first + i}`,
      })),
    ),
  );

/** One POST, timed from sending to the full answer; then its tick is let finish. */
async function post(body: string): Promise<number> {
  const ticks = await okTicks();
  const started = performance.now();
  const res = await fetch(`${t.baseUrl}/alertmanager`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body,
  });
  await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`POST /alertmanager answered ${res.status}`);
  await eventually(async () => (await okTicks()) > ticks, 30_000, "the tick after the batch");
  return ms;
}

async function figure(what: string, body: (run: number) => string): Promise<number> {
  await post(body(-1)); // warm: plans cached, code compiled
  const times: number[] = [];
  for (let run = 0; run < REPEAT; run++) times.push(await post(body(run)));
  const result = median(times);
  console.log(`  ${what}: ${result.toFixed(1)} ms median of ${REPEAT}`);
  return result;
}

try {
  console.log("figures:");
  // New alerts every run (inserted), then the same batch again (Alertmanager's re-send).
  const fresh = await figure(`${BATCH} new alerts`, (run) => batch((run + 2) * BATCH, BATCH));
  const resent = await figure(`${BATCH} alerts re-sent`, () => batch(BATCH, BATCH));
  // A storm group re-sent: the same 2,000 kept each time, the other 18,000 counted.
  const capped = await figure(`${OVERSIZE} alerts, ${OVERSIZE - 2_000} left out`, () =>
    batch(100 * BATCH, OVERSIZE),
  );
  const one = await figure("1 alert (baseline)", (run) => batch(1_000_000 + run + 1, 1));
  const ok = (ms: number) => (ms <= TARGET_MS ? "✅" : "❌");
  console.log(`
| figure | opsbot | baseline (same run) | target | |
|---|---|---|---|---|
| batch of ${BATCH.toLocaleString("en")} new alerts stored and answered | ${fresh.toFixed(1)} ms | ${one.toFixed(1)} ms for 1 alert | ≤ ${TARGET_MS} ms | ${ok(fresh)} |
| the same ${BATCH.toLocaleString("en")} alerts re-sent | ${resent.toFixed(1)} ms | ${one.toFixed(1)} ms for 1 alert | ≤ ${TARGET_MS} ms | ${ok(resent)} |
| a batch of ${OVERSIZE.toLocaleString("en")} re-sent, 2,000 stored (ALERTMANAGER_MAX_ALERTS) | ${capped.toFixed(1)} ms | ${one.toFixed(1)} ms for 1 alert | — | |`);
} finally {
  await t.close();
  await api.close();
}
