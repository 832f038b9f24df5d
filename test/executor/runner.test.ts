// startScript against real child processes (small scripts in a temp dir): the guarded
// executor asks for no shell, the ref as the only argument, stdin closed, an allowlisted
// environment, a process group killed as a whole on timeout, and output that cannot grow
// the bot however much the script prints.
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOutputTail } from "../../src/executor/output-tail.js";
import { startScript, type RunRequest, type RunResult } from "../../src/executor/runner.js";
import { peakRetainedGrowth } from "../kit/memory.js";
import { isAlive, liveGroupMembers } from "../kit/processes.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "opsbot-runner-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PATH = "/usr/local/bin:/usr/bin:/bin";
let scripts = 0;

/** Writes an executable script into the temp dir and returns its path. */
async function script(body: string): Promise<string> {
  const path = join(dir, `script-${++scripts}`);
  await writeFile(path, body);
  await chmod(path, 0o755);
  return path;
}

const bash = (body: string) => script(`#!/bin/bash\n${body}\n`);

function run(scriptPath: string, extra: Partial<RunRequest> = {}) {
  return startScript({
    script: scriptPath,
    ref: "main",
    env: { PATH, HOME: dir },
    timeoutMs: 10_000,
    ...extra,
  });
}

/** Polls a condition (not time): children report through their output. */
async function waitFor(condition: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("startScript: what the child gets", () => {
  it.each([
    ["a branch", "feature/x-1.2"],
    ["a plain ref", "main"],
    ["a hostile string", "a b $(id) ; rm -rf / `id` 'q\" * \t\nnext é"],
    ["an option-looking string", "--help"],
  ])("passes %s as exactly one argument, byte for byte, without a shell", async (_, ref) => {
    const out = join(dir, `argv-${++scripts}`);
    const path = await bash(`printf '%s' "$#" > "$OUT.argc"; printf '%s' "$1" > "$OUT.arg"`);

    const result = await run(path, { ref, env: { PATH, OUT: out } }).done;

    expect(result.outcome).toBe("succeeded");
    expect(await readFile(`${out}.argc`, "utf8")).toBe("1");
    expect(await readFile(`${out}.arg`)).toEqual(Buffer.from(ref, "utf8"));
  });

  it("gives the child exactly the environment passed, nothing of the bot's", async () => {
    process.env.SECRET_TOKEN = "123456:do-not-leak";
    try {
      // A node script, not bash: bash would add PWD, SHLVL and _ of its own.
      const path = await script(
        `#!${process.execPath}\nprocess.stdout.write(JSON.stringify(process.env));\n`,
      );
      const env = { PATH, HOME: dir, OPSBOT_ACTION: "deploy", OPSBOT_REF: "main" };

      const result = await run(path, { env }).done;

      expect(result.outcome).toBe("succeeded");
      expect(JSON.parse(result.tail)).toEqual(env);
      expect(result.tail).not.toContain("do-not-leak");
    } finally {
      delete process.env.SECRET_TOKEN;
    }
  });

  it("closes stdin, so a script that reads gets EOF instead of hanging", async () => {
    const path = await bash(`read x; echo "got:$?"`);

    const result = await run(path, { timeoutMs: 5_000 }).done;

    expect(result).toMatchObject({ outcome: "succeeded", tail: "got:1\n" });
  });

  it("runs the script as the leader of its own process group", async () => {
    const path = await bash(`echo "pid:$$ pgid:$(cut -d' ' -f5 /proc/$$/stat)"`);

    const running = run(path);
    const result = await running.done;

    expect(result.tail).toBe(`pid:${running.pid} pgid:${running.pid}\n`);
  });
});

describe("startScript: outcomes", () => {
  it("reports exit 0 as succeeded and a non-zero exit as failed with its code", async () => {
    const ok = await run(await bash("echo fine")).done;
    const bad = await run(await bash("echo broken >&2; exit 3")).done;

    expect(ok).toMatchObject({ outcome: "succeeded", exitCode: 0, signal: null, tail: "fine\n" });
    expect(bad).toMatchObject({ outcome: "failed", exitCode: 3, signal: null, tail: "broken\n" });
  });

  it("reports death by a signal as failed", async () => {
    const result = await run(await bash("kill -KILL $$")).done;

    expect(result).toMatchObject({ outcome: "failed", exitCode: null, signal: "SIGKILL" });
  });

  it("turns a missing or non-executable script into a failed result, never a throw", async () => {
    const notExecutable = join(dir, "not-executable");
    await writeFile(notExecutable, "#!/bin/bash\necho hi\n", { mode: 0o644 });

    const missing = run(join(dir, "no-such-script"));
    const denied = run(notExecutable);

    expect(missing.pid).toBe(0);
    const [m, d] = await Promise.all([missing.done, denied.done]);
    expect(m).toMatchObject({ outcome: "failed", exitCode: null, totalBytes: 0 });
    expect(m.tail).toContain("ENOENT");
    expect(d).toMatchObject({ outcome: "failed", exitCode: null });
    expect(d.tail).toContain("EACCES");
  });

  it("turns arguments spawn rejects outright (a NUL byte) into a failed result", async () => {
    const result = await run(await bash("true"), { ref: "main\0x" }).done;

    expect(result).toMatchObject({ outcome: "failed", exitCode: null });
    expect(result.tail).toContain("could not start");
  });

  it("measures the duration with the injected clock", async () => {
    const times = [1_000, 4_500];
    const clock = { now: () => new Date(times.shift() ?? 9_999) };

    const result = await startScript(
      { script: await bash("true"), ref: "main", env: { PATH }, timeoutMs: 5_000 },
      clock,
    ).done;

    expect(result.durationMs).toBe(3_500);
  });
});

describe("startScript: timeout and stop", () => {
  it("on timeout kills the whole group, even children that ignore SIGTERM", async () => {
    // trap '' TERM is inherited: the background sleep ignores SIGTERM too.
    const path = await bash(`trap '' TERM\nsleep 3600 &\necho "bg:$!"\nsleep 3600`);
    const started = Date.now();

    const running = run(path, { timeoutMs: 1_000, graceMs: 500 });
    await waitFor(() => running.tail().includes("bg:"));
    const result = await running.done;

    expect(Date.now() - started).toBeLessThan(3_000);
    expect(result).toMatchObject({ outcome: "timed_out", exitCode: null, signal: "SIGKILL" });
    expect(result.tail).toContain("[timed out after 1000 ms");
    const bgPid = Number(/bg:(\d+)/.exec(result.tail)?.[1]);
    expect(bgPid).toBeGreaterThan(0);
    await waitFor(async () => (await liveGroupMembers(running.pid)).length === 0, 1_000);
    expect(await isAlive(bgPid)).toBe(false);
  });

  it("does not wait for a grandchild that keeps the pipes open after the script exits", async () => {
    const path = await bash(`sleep 3600 &\necho "bg:$!"\nexit 0`);

    const running = run(path);
    const result = await running.done;

    expect(result.outcome).toBe("succeeded");
    process.kill(-running.pid, "SIGKILL"); // clean up the grandchild this test left behind
  });

  it("stop() terminates a running script and resolves with its result", async () => {
    const path = await bash(`echo started\nsleep 3600`);
    const running = run(path, { graceMs: 1_000 });
    await waitFor(() => running.tail().includes("started"));

    const result = await running.stop("shutdown");

    expect(result).toMatchObject({ outcome: "failed", signal: "SIGTERM" });
    expect(result.tail).toContain("started\n");
    expect(result.tail).toContain("[stopped: shutdown]");
    expect(await running.done).toBe(result);
    await waitFor(async () => (await liveGroupMembers(running.pid)).length === 0, 1_000);
  });
});

describe("startScript: output", () => {
  it("keeps 200 MB of output as a bounded tail and a capped log, without growing memory", async () => {
    const path = await bash(`head -c 200000000 /dev/zero | tr '\\0' 'x'\necho; echo "the end"`);
    const logFile = join(dir, "big.log");
    let result!: RunResult;
    // Sampled every 20 MB of output (ten times), however fast the machine pumps it.
    const growth = await peakRetainedGrowth(async (sample) => {
      let unsampled = 0;
      // 200 MB through a pipe takes seconds on a busy machine: a timeout far from that.
      const running = run(path, {
        logFile,
        logCapBytes: 1024 * 1024,
        tailBytes: 4096,
        timeoutMs: 25_000,
        onOutput: (chunk) => {
          unsampled += chunk.length;
          if (unsampled < 20_000_000) return;
          unsampled = 0;
          sample();
        },
      });
      result = await running.done;
    }, null);

    expect(result.outcome).toBe("succeeded");
    expect(result.totalBytes).toBe(200_000_000 + "\nthe end\n".length);
    expect(Buffer.byteLength(result.tail)).toBeLessThanOrEqual(4096);
    expect(result.tail.endsWith("x\nthe end\n")).toBe(true);
    // Output that was kept would weigh at least the 200 MB printed.
    expect(growth).toBeLessThan(50 * 1024 * 1024);
    expect(result.logTruncated).toBe(true);
    const truncation = "\n[log truncated at 1048576 bytes]\n";
    expect((await stat(logFile)).size).toBe(1024 * 1024 + truncation.length);
    const log = await readFile(logFile, "utf8");
    expect(log.endsWith(`xxx${truncation}`)).toBe(true);
  }, 30_000);

  it("writes stdout and stderr into one log, in the order they arrive", async () => {
    // Two pipes: order within a stream is kept, order across them is as read.
    const logFile = join(dir, "small.log");
    const path = await bash(`echo one\necho two >&2\necho three`);

    const result = await run(path, { logFile }).done;
    const log = await readFile(logFile, "utf8");

    expect(result.logTruncated).toBe(false);
    expect(log).toBe(result.tail);
    expect(log.split("\n").sort()).toEqual(["", "one", "three", "two"]);
    expect(log.indexOf("one")).toBeLessThan(log.indexOf("three"));
  });

  it("drops a multi-byte character cut by the tail window", () => {
    const tail = createOutputTail(5);
    tail.push(Buffer.from("ééé")); // 6 bytes: the window starts inside the first é

    expect(tail.text()).toBe("éé");
    expect(tail.totalBytes()).toBe(6);
  });

  it("holds back a character not yet complete at the end", () => {
    const tail = createOutputTail(16);
    const bytes = Buffer.from("ok é");
    tail.push(bytes.subarray(0, bytes.length - 1));

    expect(tail.text()).toBe("ok ");
    tail.push(bytes.subarray(bytes.length - 1));
    expect(tail.text()).toBe("ok é");
  });
});
