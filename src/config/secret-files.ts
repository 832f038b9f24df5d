import { readFileSync } from "node:fs";

// Secrets that may be given as files (Docker/Kubernetes secrets): NAME_FILE holds the path.
// Read this way, a secret is not in the bot's environment, which any process running as
// the same user (a deploy script included) can read from /proc/<pid>/environ.
export const SECRET_FILE_VARIABLES = [
  "TELEGRAM_BOT_TOKEN",
  "TELEGRAM_WEBHOOK_SECRET",
  "DATABASE_URL",
  "REDIS_URL",
  "ALERTMANAGER_TOKEN",
  "SENTINEL_TOKEN",
] as const;

export type ReadSecretFile = (path: string) => string;

const readUtf8: ReadSecretFile = (path) => readFileSync(path, "utf8");

const isSet = (value: string | undefined) => value !== undefined && value.trim() !== "";

/**
 * The environment with each NAME_FILE replaced by NAME, read from that file (one trailing
 * newline dropped, as editors and `echo` add it). Problems name the variable, never a value.
 */
export function resolveSecretFiles(
  env: Record<string, string | undefined>,
  read: ReadSecretFile = readUtf8,
): { env: Record<string, string | undefined>; problems: string[] } {
  const resolved = { ...env };
  const problems: string[] = [];
  for (const name of SECRET_FILE_VARIABLES) {
    const fileVariable = `${name}_FILE`;
    const path = env[fileVariable];
    delete resolved[fileVariable];
    if (!isSet(path)) continue;
    if (isSet(env[name])) {
      problems.push(`${name} and ${fileVariable} are both set: set only one`);
      continue;
    }
    let text: string;
    try {
      text = read(path!.trim());
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? "unreadable";
      problems.push(`${fileVariable} could not be read (${reason}: ${path!.trim()})`);
      continue;
    }
    const value = text.replace(/\r?\n$/, "");
    if (value.trim() === "") problems.push(`${fileVariable} names an empty file`);
    else resolved[name] = value;
  }
  return { env: resolved, problems };
}
