// What is left of a script's process group after the bot that started it is gone (SIGKILL,
// OOM kill): found through /proc and killed before the action's slot is freed, so two
// scripts never overlap. Only where the recorded numbers mean something (same host, same
// boot, same pid namespace), and only a group that provably is the script's: a pid that
// was recycled for someone else's process is never signalled.
import { readdir, readFile, readlink } from "node:fs/promises";
import { hostname } from "node:os";

/** A running script as recorded in its action's row. */
export interface ScriptGroup {
  pgid: number;
  /** The leader's start time (clock ticks after boot); null when it was gone before we looked. */
  startTicks: bigint | null;
  /** hostIdentity() of the process that spawned it. */
  host: string;
}

/** What the script's environment says (OPSBOT_ACTION, OPSBOT_REF): its members carry it. */
export interface ScriptMarks {
  kind: string;
  ref: string;
}

interface ProcStat {
  state: string;
  pgrp: number;
  startTicks: bigint;
}

async function procStat(pid: number): Promise<ProcStat | null> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0]!, pgrp: Number(fields[2]), startTicks: BigInt(fields[19]!) };
  } catch {
    return null;
  }
}

const isLive = (stat: ProcStat) => !["Z", "X"].includes(stat.state);

/**
 * Where a pid means something: this host, since this boot, in this pid namespace.
 * Undefined without a readable /proc (then nothing can be found or killed here).
 */
export async function hostIdentity(): Promise<string | undefined> {
  try {
    const boot = (await readFile("/proc/sys/kernel/random/boot_id", "utf8")).trim();
    const pidNamespace = await readlink("/proc/self/ns/pid");
    return `${hostname()} boot=${boot} ${pidNamespace}`;
  } catch {
    return undefined;
  }
}

/** The leader's start time, to tell it from a later process given the same pid. */
export async function startTicksOf(pid: number): Promise<bigint | null> {
  return (await procStat(pid))?.startTicks ?? null;
}

async function environOf(pid: number): Promise<string[]> {
  try {
    return (await readFile(`/proc/${pid}/environ`, "utf8")).split("\0");
  } catch {
    return []; // another user's process, or gone: not provably ours
  }
}

async function liveMembers(pgid: number): Promise<Map<number, ProcStat>> {
  const members = new Map<number, ProcStat>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await procStat(Number(entry));
    if (stat && stat.pgrp === pgid && isLive(stat)) members.set(Number(entry), stat);
  }
  return members;
}

/**
 * Whether the live group `pgid` is the recorded script's. A pgid names one group at a
 * time and its number is not reused while any member lives, so one member that is
 * provably the script's (the leader with its recorded start time, or a process started
 * no earlier that carries the script's OPSBOT_* environment) proves the whole group.
 */
async function isScriptGroup(
  group: ScriptGroup,
  marks: ScriptMarks,
  members: Map<number, ProcStat>,
): Promise<boolean> {
  const leader = members.get(group.pgid);
  if (leader && group.startTicks !== null && leader.startTicks === group.startTicks) return true;
  const wanted = [`OPSBOT_ACTION=${marks.kind}`, `OPSBOT_REF=${marks.ref}`];
  for (const [pid, stat] of members) {
    if (group.startTicks !== null && stat.startTicks < group.startTicks) continue;
    const environ = await environOf(pid);
    if (wanted.every((line) => environ.includes(line))) return true;
  }
  return false;
}

export type Leftovers =
  /** Recorded on another host (or this one has no /proc): nothing here to see. */
  | "elsewhere"
  /** No live process of the script's group. */
  | "none"
  /** Its group was alive and is dead now. */
  | "killed"
  /** Still alive after SIGKILL (another user's process, uninterruptible sleep). */
  | "survived";

export interface KillOptions {
  /** Between SIGTERM and SIGKILL. */
  graceMs: number;
  sleep: (ms: number) => Promise<void>;
}

const POLL_MS = 100;
const AFTER_SIGKILL_MS = 2_000;

/** Kills what is left of the script's group here: SIGTERM, then SIGKILL after grace. */
export async function killLeftovers(
  group: ScriptGroup,
  marks: ScriptMarks,
  options: KillOptions,
): Promise<Leftovers> {
  // pgid 0 or 1 would signal our own group or every process we may signal.
  if (group.pgid <= 1 || group.host !== (await hostIdentity())) return "elsewhere";
  const members = await liveMembers(group.pgid);
  if (members.size === 0 || !(await isScriptGroup(group, marks, members))) return "none";
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-group.pgid, name);
    } catch {
      // ESRCH: gone already; EPERM: reported as "survived" below.
    }
  };
  const goneWithin = async (ms: number) => {
    for (let waited = 0; waited < ms; waited += POLL_MS) {
      if ((await liveMembers(group.pgid)).size === 0) return true;
      await options.sleep(POLL_MS);
    }
    return (await liveMembers(group.pgid)).size === 0;
  };
  signal("SIGTERM");
  if (await goneWithin(options.graceMs)) return "killed";
  signal("SIGKILL");
  return (await goneWithin(AFTER_SIGKILL_MS)) ? "killed" : "survived";
}
