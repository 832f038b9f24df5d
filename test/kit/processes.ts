import { readdir, readFile } from "node:fs/promises";

// Processes, from /proc. A zombie counts as dead: it has exited and only waits to be
// reaped by an init that, in a container, may never do so.

async function procStat(pid: number): Promise<string[] | null> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

export async function isAlive(pid: number): Promise<boolean> {
  const fields = await procStat(pid);
  return fields !== null && !["Z", "X"].includes(fields[0]!);
}

export async function liveGroupMembers(pgid: number): Promise<number[]> {
  const live: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = await procStat(Number(entry));
    if (fields && fields[2] === String(pgid) && !["Z", "X"].includes(fields[0]!)) {
      live.push(Number(entry));
    }
  }
  return live;
}

/**
 * Live processes whose environment holds all of `vars` (a script's OPSBOT_* marks, which
 * every process it starts inherits): found even when it was killed before it could say
 * its pid.
 */
export async function liveProcessesWith(vars: Record<string, string>): Promise<number[]> {
  const wanted = Object.entries(vars).map(([name, value]) => `${name}=${value}`);
  const live: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, "utf8").catch(() => "");
    const set = new Set(environ.split("\0"));
    if (wanted.every((v) => set.has(v)) && (await isAlive(Number(entry)))) live.push(Number(entry));
  }
  return live;
}
