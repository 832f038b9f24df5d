// A real Alertmanager (Debian's prometheus-alertmanager) for tests: its own config and
// storage in a temp dir, 127.0.0.1 on a free port, clustering off, opsbot as its receiver.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "../kit/eventually.js";
import { closedPort } from "../kit/ports.js";

export const ALERTMANAGER = "/usr/bin/prometheus-alertmanager";
export const AMTOOL = "/usr/bin/amtool";
export const hasAlertmanager = () => existsSync(ALERTMANAGER);

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
  const dir = await mkdtemp(join(tmpdir(), "opsbot-am-"));
  await writeFile(join(dir, "alertmanager.yml"), config);
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    ALERTMANAGER,
    [
      `--config.file=${join(dir, "alertmanager.yml")}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // No gossip port: one instance, nothing else on the machine disturbed.
      "--cluster.listen-address=",
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()));
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
        if (child.exitCode !== null) throw new Error(`alertmanager exited: ${errors}`);
        return (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true;
      },
      10_000,
      "alertmanager ready",
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    async postAlerts(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(alerts),
      });
      if (!res.ok)
        throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    stop,
  };
}
