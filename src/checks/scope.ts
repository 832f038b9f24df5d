import type { Shape } from "./schema-shape.js";

/** What every per-project query needs: the table's shape and the projects watched. */
export interface Scope {
  shape: Shape;
  /** PROJECT_IDS; empty = every project. */
  projectIds: readonly string[];
}

/** `alias.project_id` limited to the watched projects ($n: a uuid[], empty = all). */
export const projectFilter = (alias: string, n: number) =>
  `(cardinality($${n}::uuid[]) = 0 OR ${alias}.project_id = ANY ($${n}::uuid[]))`;

/** A per-project thing's key in fingerprints: `<project_id>:<name>` in the labpics shape. */
export const scopedKey = (projectId: string | null, name: string) =>
  projectId === null ? name : `${projectId}:${name}`;
