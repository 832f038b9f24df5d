import type { Pool } from "../db/pool.js";
import type { Logger } from "../log/create-logger.js";
import { describeShape, detectSchemaShape, type SchemaShape } from "./schema-shape.js";

const TABLES = ["scheduled_jobs", "worker_runs", "connector_sync_state"];

/**
 * The LabPics schema as last detected. Detected on first use, and again once invalidated:
 * after PostgreSQL came back, or when a query met a table or column that is not there.
 * A shape with mismatches is not kept: LabPics applies its migrations when its API starts,
 * which may be after the bot did, so each use asks again (one catalog query).
 */
export function createShapeSource(pool: Pool, logger: Logger) {
  let cached: SchemaShape | undefined;
  let pending: Promise<SchemaShape> | undefined;
  let logged: string | undefined;

  const report = (shape: SchemaShape) => {
    const line = `${describeShape(shape)} | ${shape.mismatches.join(", ")}`;
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
    logger.info({ shape: describeShape(shape) }, "LabPics schema detected");
  };

  return {
    get(): Promise<SchemaShape> {
      if (cached) return Promise.resolve(cached);
      pending ??= detectSchemaShape(pool)
        .then((shape) => {
          if (shape.mismatches.length === 0) cached = shape;
          report(shape);
          return shape;
        })
        .finally(() => (pending = undefined));
      return pending;
    },
    /** What is known without asking the database (undefined before the first detection). */
    peek: (): SchemaShape | undefined => cached,
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
