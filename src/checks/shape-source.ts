import type { Clock } from "../clock.js";
import type { Pool } from "../db/pool.js";
import type { Logger } from "../log/create-logger.js";
import { describeShape, detectSchemaShape, type SchemaShape } from "./schema-shape.js";

const TABLES = ["scheduled_jobs", "worker_runs", "connector_sync_state"];
/**
 * A kept shape is detected again after this long: a column added by hand (LabPics's
 * scheduler's started_at) changes what the checks can see without any query failing.
 */
export const SHAPE_REFRESH_MS = 5 * 60_000;

/**
 * The LabPics schema as last detected. Detected on first use, again every SHAPE_REFRESH_MS,
 * and once invalidated: after PostgreSQL came back, or when a query met a table or column
 * that is not there. A shape with mismatches or scheduler gaps is not kept: LabPics applies
 * its migrations when its API starts, which may be after the bot did, and an operator may
 * add the missing column, so each use asks again (one catalog query).
 */
export function createShapeSource(pool: Pool, logger: Logger, clock: Clock) {
  let cached: { shape: SchemaShape; at: number } | undefined;
  let pending: Promise<SchemaShape> | undefined;
  let logged: string | undefined;

  const report = (shape: SchemaShape) => {
    const line = `${describeShape(shape)} | ${shape.mismatches.join(", ")} | ${shape.schedulerGaps.join(", ")}`;
    if (line === logged) return;
    logged = line;
    const absent = TABLES.filter((t) => shape.mismatches.includes(t));
    if (absent.length === TABLES.length) {
      logger.warn(
        { missing: absent },
        "the LabPics tables are missing: is DATABASE_URL the LabPics database?",
      );
    } else if (shape.mismatches.length > 0) {
      logger.warn(
        { mismatches: shape.mismatches },
        `schema mismatch: ${shape.mismatches.join(", ")}`,
      );
    }
    if (shape.schedulerGaps.length > 0) {
      logger.warn(
        { missing: shape.schedulerGaps },
        `${shape.schedulerGaps.join(", ")} is missing: LabPics's scheduler writes it, so its worker ticks fail`,
      );
    }
    logger.info({ shape: describeShape(shape) }, "LabPics schema detected");
  };

  return {
    get(): Promise<SchemaShape> {
      const now = clock.now().getTime();
      if (cached && now - cached.at < SHAPE_REFRESH_MS) return Promise.resolve(cached.shape);
      pending ??= detectSchemaShape(pool)
        .then((shape) => {
          const complete = shape.mismatches.length === 0 && shape.schedulerGaps.length === 0;
          cached = complete ? { shape, at: now } : undefined;
          report(shape);
          return shape;
        })
        .finally(() => (pending = undefined));
      return pending;
    },
    /** What is known without asking the database (undefined before the first detection). */
    peek: (): SchemaShape | undefined => cached?.shape,
    invalidate(): void {
      cached = undefined;
    },
  };
}

export type ShapeSource = ReturnType<typeof createShapeSource>;

// PostgreSQL's "undefined table" and "undefined column": the schema changed under us.
export const isSchemaChange = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "42P01" || code === "42703";
};
