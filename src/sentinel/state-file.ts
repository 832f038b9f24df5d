/**
 * SENTINEL_STATE_FILE: the sentinel's state as JSON, written whole to a temporary file and
 * renamed over the old one, so a crash leaves the old state or the new, never half of one.
 */
import { open, readFile, rename, rm } from "node:fs/promises";
import { z } from "zod";
import { heartbeatSchema } from "./heartbeat.js";
import { initialState, type SentinelState } from "./watch.js";

const isoDate = z.iso.datetime({ offset: true });
const reason = z.enum(["silent", "telegram", "undelivered"]);

const messageSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("page"),
    reason,
    since: isoDate,
    detectedAt: isoDate,
    lastHeartbeat: heartbeatSchema.nullable(),
  }),
  z.object({
    kind: z.literal("recovered"),
    reason,
    since: isoDate,
    until: isoDate,
    waited: z.number().int().nonnegative(),
    heartbeat: heartbeatSchema,
  }),
]);

const stateSchema = z.object({
  lastHeartbeatAt: isoDate.nullable(),
  lastHeartbeat: heartbeatSchema.nullable(),
  outage: z
    .object({
      since: isoDate,
      reason,
      mostUndelivered: z.number().int().nonnegative(),
      paged: z.number().int().nullable(),
    })
    .nullable(),
  queue: z.array(
    z.object({
      id: z.number().int(),
      chatId: z.number().int(),
      threadId: z.number().int().optional(),
      message: messageSchema,
      attempts: z.number().int().nonnegative(),
      nextAttemptAt: isoDate,
    }),
  ),
  nextId: z.number().int().positive(),
});

export interface StateFile {
  load(): Promise<SentinelState>;
  save(state: SentinelState): Promise<void>;
}

export function createStateFile(path: string): StateFile {
  const temporary = `${path}.${process.pid}.tmp`;
  return {
    /** A missing file is a first start; a file that is not the sentinel's state stops it. */
    async load() {
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return initialState();
        throw error;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const parsed = stateSchema.safeParse(json);
      if (!parsed.success) {
        throw new Error(
          `SENTINEL_STATE_FILE ${path} does not hold the sentinel's state; move it away to start afresh`,
        );
      }
      return parsed.data;
    },
    async save(state) {
      const file = await open(temporary, "w", 0o600);
      try {
        await file.writeFile(`${JSON.stringify(state, null, 2)}\n`);
        // On disk before the rename makes it the state: a power cut must not leave it empty.
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, path).catch(async (error: unknown) => {
        await rm(temporary, { force: true });
        throw error;
      });
    },
  };
}
