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
