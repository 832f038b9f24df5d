import { z } from "zod";
import type { AlertRoute } from "../alerts/routes.js";

// A kind (job_failed), or a fingerprint prefix ending in "*" (stuck_worker:, am:High5xx*).
const PATTERN = /^[a-z][a-z0-9_]{0,40}$|^[a-z][^\s;=*]{0,200}\*$/;
const DESTINATION = /^(-?\d{1,20})(?::(\d{1,12}))?$/;

/**
 * ALERT_ROUTES: `PATTERN=CHAT_ID[:THREAD_ID]` pairs separated by ";", in order (the first
 * match wins). Empty: every alert goes to ALERT_CHAT_ID.
 */
export const alertRoutes = z
  .string()
  .trim()
  .default("")
  .transform((raw, ctx): AlertRoute[] => {
    const routes: AlertRoute[] = [];
    for (const [index, entry] of raw.split(";").entries()) {
      const text = entry.trim();
      if (text === "") continue;
      const [pattern = "", target = "", ...extra] = text.split("=").map((p) => p.trim());
      const to = DESTINATION.exec(target);
      if (!PATTERN.test(pattern) || !to || extra.length > 0) {
        ctx.addIssue({
          code: "custom",
          message: `entry ${index + 1} is not PATTERN=CHAT_ID[:THREAD_ID] (PATTERN a kind, or a fingerprint prefix ending in *)`,
        });
        return z.NEVER;
      }
      routes.push({
        pattern,
        destination: {
          chatId: Number(to[1]),
          ...(to[2] !== undefined ? { threadId: Number(to[2]) } : {}),
        },
      });
    }
    return routes;
  });

/** RUNBOOK_URL: an http(s) URL template holding {kind}. */
export const runbookUrl = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional()
  .refine(
    (template) =>
      template === undefined ||
      (template.includes("{kind}") &&
        z.url({ protocol: /^https?$/ }).safeParse(template.replaceAll("{kind}", "kind")).success),
    "must be an http(s) URL containing {kind}, e.g. https://wiki.example/runbooks/{kind}",
  );
