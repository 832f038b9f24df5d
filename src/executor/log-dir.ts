// A running script's full log lives in a directory of its own that only the bot's user can
// enter (mkdtemp: a random name, mode 0700), so nobody can plant a symlink where the log
// will be written nor read what the script printed. The action id in the name lets a
// restarted bot remove the directory of a run it lost track of.
import { lstat, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const prefix = (actionId: string) => `opsbot-${actionId}-`;

/** A fresh private directory and the path of the log file to create in it. */
export async function createLogDir(actionId: string): Promise<{ dir: string; logFile: string }> {
  const dir = await mkdtemp(join(tmpdir(), prefix(actionId)));
  return { dir, logFile: join(dir, "output.log") };
}

/** Removes this user's log directories of an action (a run the bot lost track of). */
export async function removeLogDirs(actionId: string): Promise<void> {
  const root = tmpdir();
  for (const name of await readdir(root)) {
    if (!name.startsWith(prefix(actionId))) continue;
    const path = join(root, name);
    const stat = await lstat(path).catch(() => undefined);
    // Only our own real directories: never follow a link, never touch another user's.
    if (stat?.isDirectory() && stat.uid === process.getuid?.()) {
      await rm(path, { recursive: true, force: true });
    }
  }
}
