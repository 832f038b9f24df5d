/** The periods /report covers, ending now: a week or a month. */
export const REPORT_PERIODS = { "7d": 7, "30d": 30 } as const;
export type ReportPeriod = keyof typeof REPORT_PERIODS;

export interface ReportWindow {
  period: ReportPeriod;
  /** Exclusive. */
  from: Date;
  /** Inclusive: now, by the injected clock. */
  to: Date;
}

const DAY_MS = 24 * 60 * 60_000;

export function windowEndingAt(period: ReportPeriod, now: Date): ReportWindow {
  return { period, from: new Date(now.getTime() - REPORT_PERIODS[period] * DAY_MS), to: now };
}

export const isReportPeriod = (text: string): text is ReportPeriod =>
  Object.hasOwn(REPORT_PERIODS, text);
