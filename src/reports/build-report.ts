import type { Pool } from "../db/pool.js";
import { refreshEpisodes } from "./episodes.js";
import {
  readEventFigures,
  readLongestSilences,
  type EventFigures,
  type SilenceInForce,
} from "./report-store.js";
import { windowEndingAt, type ReportPeriod, type ReportWindow } from "./report-window.js";

/** What /report and the weekly post say: data only, rendered by the bot. */
export interface Report extends EventFigures {
  window: ReportWindow;
  tz: string;
  /** Incidents opened in the window. */
  incidents: number;
  longestSilences: SilenceInForce[];
}

export interface ReportDeps {
  pool: Pool;
  /** ONCALL_TZ. */
  tz: string;
  /** Incidents opened in a window: the incident record's answer. */
  countIncidents: (window: ReportWindow) => Promise<number>;
  /** How many of each list to give (noisiest, flapping, silences). */
  top?: number;
}

const TOP = 5;

export async function buildReport(
  deps: ReportDeps,
  period: ReportPeriod,
  now: Date,
): Promise<Report> {
  const window = windowEndingAt(period, now);
  const top = deps.top ?? TOP;
  // What the watcher's ticks have not rolled up yet: little, unless no tick ran for long.
  await refreshEpisodes(deps.pool, now);
  const [figures, longestSilences, incidents] = await Promise.all([
    readEventFigures(deps.pool, { window, tz: deps.tz, top }),
    readLongestSilences(deps.pool, now, top),
    deps.countIncidents(window),
  ]);
  return { ...figures, window, tz: deps.tz, incidents, longestSilences };
}

/**
 * Pages for every day of the window in its zone, none left out (the chart's bars): the
 * first and the last may be partial days.
 */
export function pagesByDay(report: Pick<Report, "window" | "tz" | "pagesPerDay">) {
  const counts = new Map(report.pagesPerDay.map((d) => [d.day, d.pages]));
  const days: { day: string; pages: number }[] = [];
  const last = localDay(report.window.to, report.tz);
  // Half a day at a time: a 23-hour day (daylight saving) is never stepped over.
  for (let at = report.window.from.getTime(); ; at += 12 * 60 * 60_000) {
    const day = localDay(new Date(at), report.tz);
    if (days.at(-1)?.day !== day) days.push({ day, pages: counts.get(day) ?? 0 });
    if (day === last) return days;
  }
}

const localDay = (at: Date, tz: string) =>
  new Intl.DateTimeFormat("en-CA", { timeZone: tz, dateStyle: "short" }).format(at);
