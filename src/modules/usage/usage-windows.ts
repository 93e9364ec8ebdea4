/*
 * Every calendar window the platform counts in (plugin contract §1.5, §4.2), and nothing else does this arithmetic:
 * the quota counters' month, hour and minute (UTC), the throttles' fixed windows, when each ends, and how long
 * until it does.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export type WindowUnit = "minute" | "hour" | "day";
const UNIT_MS: Record<WindowUnit, number> = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS };

/** The quota counters' window keys (`usage_counters.window`). */
export function monthWindow(at: Date): string {
  return `m:${at.toISOString().slice(0, 7)}`;
}

export function hourWindow(at: Date): string {
  return `h:${at.toISOString().slice(0, 13)}`;
}

export function minuteWindow(at: Date): string {
  return `i:${at.toISOString().slice(0, 16)}`;
}

/** The first instant of this month (UTC). */
export function startOfMonth(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** The first instant of the next month (UTC): when this month's counters stop mattering. */
export function startOfNextMonth(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}

/** The fixed window of `unit` that holds `now` (epoch ms): when it started and when it ends. */
export function fixedWindow(now: number, unit: WindowUnit): { start: number; end: Date } {
  const length = UNIT_MS[unit];
  const start = Math.floor(now / length) * length;
  return { start, end: new Date(start + length) };
}

export const endOfMinute = (at: Date): Date => fixedWindow(at.getTime(), "minute").end;
export const endOfHour = (at: Date): Date => fixedWindow(at.getTime(), "hour").end;

/** When a month counter (`m:2026-11`) may be dropped: an hour after its month ends, for late settlements. */
export function monthCounterExpiry(window: string): Date {
  const [year, month] = window.slice(2).split("-").map(Number);
  return new Date(Date.UTC(year ?? 1970, month ?? 1, 1) + HOUR_MS);
}

/** When a counter of a window ending at `end` may be dropped: an hour after, for late settlements. */
export const counterExpiry = (end: Date): Date => new Date(end.getTime() + HOUR_MS);

/** Whole seconds until `until`, at least 1: what a 429's Retry-After says (contract §1.5). */
export function retryAfterSeconds(until: Date, now = Date.now()): number {
  return Math.max(1, Math.ceil((until.getTime() - now) / 1000));
}
