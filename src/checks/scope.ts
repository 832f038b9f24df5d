import type { Pool } from "../db/pool.js";
import type { Shape } from "./schema-shape.js";

/** What every per-project query needs: the table's shape and the projects watched. */
export interface Scope {
  shape: Shape;
  /** PROJECT_IDS; empty = every project but LEGACY_PROJECT. */
  projectIds: readonly string[];
}

/**
 * The project LabPics's migration 0005 creates for rows from before projects existed; its
 * UI hides it. Not a client project: watched only when PROJECT_IDS names it.
 */
export const LEGACY_PROJECT = "__legacy_scope__";

/**
 * `column` (a project id) among the watched projects ($n: PROJECT_IDS as a uuid[]; empty =
 * all but LEGACY_PROJECT). PostgreSQL folds the cardinality test once $n is known.
 */
export const watchedProject = (column: string, n: number) =>
  `((cardinality($${n}::uuid[]) = 0
     AND ${column} <> ALL (ARRAY(SELECT id FROM projects WHERE name = '${LEGACY_PROJECT}')))
    OR ${column} = ANY ($${n}::uuid[]))`;

/** `alias.project_id` limited to the watched projects ($n: a uuid[], empty = all). */
export const projectFilter = (alias: string, n: number) => watchedProject(`${alias}.project_id`, n);

/** A per-project thing's key in fingerprints: `<project_id>:<name>` in the labpics shape. */
export const scopedKey = (projectId: string | null, name: string) =>
  projectId === null ? name : `${projectId}:${name}`;

/** The project id in a per-project fingerprint (`kind:<project_id>:…`), if it has one. */
export const projectOfFingerprint = (fingerprint: string): string | undefined =>
  /^[a-z_]+:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):/.exec(fingerprint)?.[1];

/** The ids of the projects watched now: a change of PROJECT_IDS or of projects shows here. */
export async function listWatchedProjects(
  pool: Pool,
  projectIds: readonly string[],
): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT p.id::text FROM projects p WHERE ${watchedProject("p.id", 1)}`,
    [projectIds],
  );
  return rows.map((r) => r.id);
}
