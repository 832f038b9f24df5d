// A real OpenSSH server for tests: started as root on 127.0.0.1 on a free port, with its
// own config, host key and authorized_keys in a temp dir, and a client key whose only
// power is a forced command. Needs Debian's openssh-server (/usr/sbin/sshd) and root.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { eventually } from "./eventually.js";
import { closedPort } from "./ports.js";

export const SSHD = "/usr/sbin/sshd";

export interface Sshd {
  port: number;
  /** An ssh_config with Host `alias` aimed at this server with the forced-command key. */
  clientConfig: string;
  stop(): Promise<void>;
}

function keygen(path: string, comment: string): void {
  const made = spawnSync("ssh-keygen", [
    "-q",
    "-t",
    "ed25519",
    "-N",
    "",
    "-C",
    comment,
    "-f",
    path,
  ]);
  if (made.status !== 0) throw new Error(`ssh-keygen failed: ${made.stderr.toString()}`);
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => resolve(true)).once("error", () => resolve(false));
    socket.setTimeout(500, () => resolve(false));
  }).finally(() => undefined);

/** Starts sshd in `dir`; the client key may only run `forcedCommand`. */
export async function startSshd(options: {
  dir: string;
  forcedCommand: string;
  alias: string;
}): Promise<Sshd> {
  const { dir } = options;
  const hostKey = join(dir, "host_ed25519");
  const clientKey = join(dir, "client_ed25519");
  keygen(hostKey, "test-host");
  keygen(clientKey, "opsbot-deploy");
  const port = await closedPort();
  const clientPub = (await readFile(`${clientKey}.pub`, "utf8")).trim();
  const hostPub = (await readFile(`${hostKey}.pub`, "utf8")).trim().split(" ").slice(0, 2);
  await writeFile(
    join(dir, "authorized_keys"),
    `command="${options.forcedCommand}",restrict ${clientPub}\n`,
  );
  await writeFile(join(dir, "known_hosts"), `[127.0.0.1]:${port} ${hostPub.join(" ")}\n`);
  const config = join(dir, "sshd_config");
  await writeFile(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      // Root may log in with a key only, and only to run that key's forced command.
      "PermitRootLogin forced-commands-only",
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      "LogLevel ERROR",
      "",
    ].join("\n"),
  );
  const clientConfig = join(dir, "ssh_config");
  await writeFile(
    clientConfig,
    [
      `Host ${options.alias}`,
      "  HostName 127.0.0.1",
      `  Port ${port}`,
      "  User root",
      `  IdentityFile ${clientKey}`,
      `  UserKnownHostsFile ${join(dir, "known_hosts")}`,
      "",
    ].join("\n"),
  );
  // sshd's privilege-separation directory (created by the package's service, which is not run).
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const server: ChildProcess = spawn(SSHD, ["-D", "-e", "-f", config], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let errors = "";
  server.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  await eventually(
    async () => {
      if (server.exitCode !== null) throw new Error(`sshd exited: ${errors}`);
      return listening(port);
    },
    // A process start: seconds on a busy machine.
    20_000,
    "sshd listening",
  );
  return {
    port,
    clientConfig,
    async stop() {
      if (server.exitCode !== null) return;
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    },
  };
}
