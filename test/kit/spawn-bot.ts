// The bot as a real process (node + tsx on src/main.ts, or a given command), for tests of what only a process
// shows: the console over a pipe, signals, exit codes.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface SpawnedBot {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stdout matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The bot from source, on the Node running the tests. */
export const SOURCE_COMMAND = [process.execPath, "--import", "tsx", "src/main.ts"];

export function spawnBot(
  env: Record<string, string>,
  options: { stdin?: "pipe" | "ignore"; command?: string[]; cwd?: string } = {},
): SpawnedBot {
  const [file, ...args] = options.command ?? SOURCE_COMMAND;
  // Only what the bot needs: the test's own environment (CI, TEST_*) must not leak in.
  const child = spawn(file!, args, {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/", ...env },
    stdio: [options.stdin ?? "pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(out)) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(`no ${String(pattern)} in output within ${timeoutMs} ms:\n${out}\n${err}`),
          );
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}
