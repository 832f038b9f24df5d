import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import type { ActionKind } from "./actions-store.js";
import type { ExecutorConfig } from "./types.js";

type Scripts = Pick<ExecutorConfig, "deployScript" | "rollbackScript">;

/** The script an action of this kind runs; undefined when it is not configured. */
export const scriptFor = (config: Scripts, kind: ActionKind) =>
  kind === "deploy" ? config.deployScript : config.rollbackScript;

const variable = (kind: ActionKind) => (kind === "deploy" ? "DEPLOY_SCRIPT" : "ROLLBACK_SCRIPT");

/** Why an action of this kind cannot run: its variable is unset, or not an executable file. */
export interface ScriptProblem {
  variable: "DEPLOY_SCRIPT" | "ROLLBACK_SCRIPT";
  problem: "unset" | "not_executable";
}

/** Why an action of this kind cannot run, naming its variable; undefined when it can. */
export async function scriptProblem(
  config: Scripts,
  kind: ActionKind,
): Promise<ScriptProblem | undefined> {
  const script = scriptFor(config, kind);
  if (script === undefined) return { variable: variable(kind), problem: "unset" };
  try {
    await access(script, constants.X_OK);
    if (!(await stat(script)).isFile()) throw new Error("not a file");
    return undefined;
  } catch {
    return { variable: variable(kind), problem: "not_executable" };
  }
}
