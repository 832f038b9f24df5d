// A real Alertmanager (Debian's prometheus-alertmanager) and a real Prometheus (Debian's
// prometheus) for tests: each with its own config and storage in a temp dir, on 127.0.0.1
// on a free port; Alertmanager's clustering off, opsbot as its receiver.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "../kit/eventually.js";
import { closedPort } from "../kit/ports.js";

export const ALERTMANAGER = "/usr/bin/prometheus-alertmanager";
export const AMTOOL = "/usr/bin/amtool";
export const PROMETHEUS = "/usr/bin/prometheus";
export const hasAlertmanager = () => existsSync(ALERTMANAGER);
export const hasPrometheus = () => existsSync(PROMETHEUS);

interface Daemon {
  url: string;
  stop(): Promise<void>;
}

/** Starts `binary` with its config written to a temp dir; resolves once /-/ready answers. */
async function startDaemon(
  binary: string,
  configName: string,
  files: Record<string, string>,
  args: (dir: string, port: number) => string[],
): Promise<Daemon> {
  const dir = await mkdtemp(join(tmpdir(), "opsbot-daemon-"));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, configName)}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...args(dir, port),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${binary} exited: ${errors}`);
        return (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true;
      },
      15_000,
      `${binary} ready`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

export interface RunningAlertmanager {
  url: string;
  /** Posts alerts to its API v2, as Prometheus does. */
  postAlerts(alerts: PostableAlert[]): Promise<void>;
  stop(): Promise<void>;
}

export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  /** In the past: the alert is resolved. */
  endsAt?: string;
}

/** Its config: every alert to opsbot at once, batches grouped by alertname, resolutions sent. */
export function alertmanagerConfig(receiverUrl: string, token: string): string {
  return `route:
  receiver: opsbot
  group_by: [alertname]
  group_wait: 200ms
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: opsbot
    webhook_configs:
      - url: ${JSON.stringify(receiverUrl)}
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${JSON.stringify(token)}
`;
}

export async function startAlertmanager(config: string): Promise<RunningAlertmanager> {
  const daemon = await startDaemon(
    ALERTMANAGER,
    "alertmanager.yml",
    { "alertmanager.yml": config },
    (dir) => [
      `--storage.path=${join(dir, "data")}`,
      // No gossip port: one instance, nothing else on the machine disturbed.
      "--cluster.listen-address=",
      "--log.level=warn",
    ],
  );
  return {
    ...daemon,
    async postAlerts(alerts) {
      const res = await fetch(`${daemon.url}/api/v2/alerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(alerts),
      });
      if (!res.ok)
        throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
  };
}

/**
 * Prometheus evaluating `rules` every second against the /metrics at `scrapeUrl`, sending
 * its alerts to the Alertmanager at `alertmanagerUrl`.
 */
export function startPrometheus(options: {
  scrapeUrl: string;
  alertmanagerUrl: string;
  rules: string;
}): Promise<Daemon> {
  const scrape = new URL(options.scrapeUrl);
  const config = `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules.yml]
scrape_configs:
  - job_name: labpics-server
    metrics_path: ${JSON.stringify(scrape.pathname)}
    static_configs:
      - targets: [${JSON.stringify(scrape.host)}]
alerting:
  alertmanagers:
    - static_configs:
        - targets: [${JSON.stringify(new URL(options.alertmanagerUrl).host)}]
`;
  return startDaemon(
    PROMETHEUS,
    "prometheus.yml",
    { "prometheus.yml": config, "rules.yml": options.rules },
    (dir) => [`--storage.tsdb.path=${join(dir, "data")}`, "--log.level=warn"],
  );
}
