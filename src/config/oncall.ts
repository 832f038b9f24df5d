import { z } from "zod";
import { isTimeZone } from "../oncall/rota.js";
import { parseEscalation, parseShiftSpec } from "../oncall/specs.js";

// The on-call variables (docs/paging.md): the shift, its zone and the escalation steps.

export const onCallShift = z
  .string()
  .trim()
  .default("weekly mon 10:00")
  .transform((text, ctx) => {
    const spec = parseShiftSpec(text);
    if (spec === undefined) {
      ctx.addIssue({ code: "custom", message: 'must be "daily HH:MM" or "weekly DAY HH:MM"' });
      return z.NEVER;
    }
    return spec;
  });

export const onCallTimeZone = z
  .string()
  .trim()
  .default("UTC")
  .refine(isTimeZone, "is not an IANA time zone (e.g. Europe/Moscow, UTC)");

export const escalation = z
  .string()
  .default("5m:oncall,10m:next,15m:group")
  .transform((text, ctx) => {
    const steps = parseEscalation(text);
    if (steps === undefined) {
      ctx.addIssue({
        code: "custom",
        message:
          "must be DELAY:TARGET steps separated by commas (e.g. 5m:oncall,10m:next,15m:group; TARGET oncall, next or group)",
      });
      return z.NEVER;
    }
    return steps;
  });
