// Runs a deploy or rollback script the guarded way: no shell,
// the ref as its single argument, stdin closed, only the environment it is given, in its own
// process group, and a timeout that takes the whole group down (SIGTERM, then SIGKILL).
// Output is kept as a bounded tail plus an optional capped log file, so a script printing
// gigabytes costs the bot a fixed amount of memory.
import { spawn, type ChildProcess } from "node:child_process";
import { resolve as resolvePath } from "node:path";
import { finished, type Readable } from "node:stream";
import { systemClock, type Clock } from "../clock.js";
import { createCappedLog, createOutputTail } from "./output-tail.js";

export interface RunRequest {
  /** Path to an executable; resolved against the working directory, never looked up in PATH. */
  script: string;
  /** Passed as the single argv element, byte for byte. */
  ref: string;
  /** The complete environment of the child: nothing is inherited. */
  env: Record<string, string>;
  /** Then SIGTERM to the whole process group, SIGKILL after graceMs. */
  timeoutMs: number;
  graceMs?: number;
  /** Output (stdout and stderr interleaved) is written here, capped at logCapBytes. */
  logFile?: string;
  logCapBytes?: number;
  /** Size of the in-memory tail of the output. */
  tailBytes?: number;
  /** Sees every chunk of output (stdout and stderr), e.g. to read protocol lines. */
  onOutput?: (chunk: Buffer) => void;
}

export interface RunResult {
  outcome: "succeeded" | "failed" | "timed_out";
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  tail: string;
  totalBytes: number;
  logTruncated: boolean;
}

export interface RunningScript {
  /** 0 when the script could not be started. */
  pid: number;
  /** The current tail, for progress messages. */
  tail(): string;
  totalBytes(): number;
  done: Promise<RunResult>;
  /** SIGTERM the group, SIGKILL after grace; resolves when done settles. Used on shutdown. */
  stop(reason: string): Promise<RunResult>;
}

/** Between SIGTERM and SIGKILL to a script's group. */
export const GRACE_MS = 5_000;
const DEFAULT_LOG_CAP_BYTES = 5 * 1024 * 1024;
const DEFAULT_TAIL_BYTES = 16 * 1024;
// After 'exit', how long to keep reading what is still in the pipes. Short, because a
// grandchild holding them open (`sleep 3600 &`) must not hold back the result.
const DRAIN_MS = 250;

export function startScript(request: RunRequest, clock: Clock = systemClock): RunningScript {
  const startedAt = clock.now().getTime();
  const graceMs = request.graceMs ?? GRACE_MS;
  const tail = createOutputTail(request.tailBytes ?? DEFAULT_TAIL_BYTES);
  const log =
    request.logFile === undefined
      ? null
      : createCappedLog(request.logFile, request.logCapBytes ?? DEFAULT_LOG_CAP_BYTES, (error) =>
          tail.note(`[log file not written: ${error.message}]`),
        );
  const note = (text: string) => {
    tail.note(text);
    log?.note(text);
  };

  let resolveDone!: (result: RunResult) => void;
  const done = new Promise<RunResult>((resolve) => (resolveDone = resolve));
  let finishing = false;
  let timedOut = false;
  let terminating = false;
  let timeoutTimer: NodeJS.Timeout | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  let child: ChildProcess | null = null;
  let pid = 0;

  const signalGroup = (signal: NodeJS.Signals) => {
    if (pid <= 0) return; // never kill(-0): that is our own group
    try {
      process.kill(-pid, signal);
    } catch (error) {
      // ESRCH: the group is already gone. Anything else is reported, not thrown from a timer.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ESRCH") note(`[could not send ${signal} to group ${pid}: ${String(code)}]`);
    }
  };

  const terminate = () => {
    if (terminating) return;
    terminating = true;
    signalGroup("SIGTERM");
    killTimer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
  };

  const finish = async (exitCode: number | null, signal: string | null) => {
    if (finishing) return;
    finishing = true;
    clearTimeout(timeoutTimer);
    clearTimeout(killTimer);
    const durationMs = clock.now().getTime() - startedAt;
    // The leader is gone, but children that ignored SIGTERM may still be in its group.
    if (terminating) signalGroup("SIGKILL");
    if (child) await drain([child.stdout, child.stderr], DRAIN_MS);
    await log?.close();
    const outcome = timedOut ? "timed_out" : exitCode === 0 ? "succeeded" : "failed";
    resolveDone({
      outcome,
      exitCode,
      signal,
      durationMs,
      tail: tail.text(),
      totalBytes: tail.totalBytes(),
      logTruncated: log?.truncated() ?? false,
    });
  };

  const failToStart = (error: unknown) => {
    note(
      `[could not start ${request.script}: ${error instanceof Error ? error.message : String(error)}]`,
    );
    void finish(null, null);
  };

  try {
    child = spawn(resolvePath(request.script), [request.ref], {
      shell: false,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
      env: request.env,
    });
  } catch (error) {
    // Invalid arguments throw synchronously; callers get a failed result all the same.
    failToStart(error);
  }

  if (child) {
    pid = child.pid ?? 0;
    const onOutput = (chunk: Buffer) => {
      tail.push(chunk);
      log?.write(chunk);
      request.onOutput?.(chunk);
    };
    child.stdout?.on("data", onOutput);
    child.stderr?.on("data", onOutput);
    // ENOENT and EACCES arrive here, without an 'exit'.
    child.on("error", (error) => {
      if (pid === 0) failToStart(error);
    });
    // 'exit', not 'close': a grandchild holding the pipes must not keep the run open.
    child.on("exit", (code, signal) => void finish(code, signal));
    if (pid > 0) {
      timeoutTimer = setTimeout(() => {
        timedOut = true;
        note(`[timed out after ${request.timeoutMs} ms: stopping the process group]`);
        terminate();
      }, request.timeoutMs);
    }
  }

  return {
    pid,
    tail: () => tail.text(),
    totalBytes: () => tail.totalBytes(),
    done,
    stop(reason) {
      if (!finishing && pid > 0 && !terminating) {
        note(`[stopped: ${reason}]`);
        terminate();
      }
      return done;
    },
  };
}

/** Waits for the streams to end, at most `ms`, then destroys them. Never rejects. */
function drain(streams: (Readable | null)[], ms: number): Promise<void> {
  const open = streams.filter((s): s is Readable => s !== null);
  return new Promise((resolve) => {
    let pending = open.length;
    const end = () => {
      clearTimeout(timer);
      for (const stream of open) stream.destroy();
      resolve();
    };
    const timer = setTimeout(end, ms);
    if (pending === 0) return end();
    for (const stream of open) {
      finished(stream, () => {
        pending -= 1;
        if (pending === 0) end();
      });
    }
  });
}
