/** UTC calendar windows of the quota counters (plugin contract §4.2). */
export function monthWindow(at: Date): string {
  return `m:${at.toISOString().slice(0, 7)}`;
}

export function hourWindow(at: Date): string {
  return `h:${at.toISOString().slice(0, 13)}`;
}

export function minuteWindow(at: Date): string {
  return `i:${at.toISOString().slice(0, 16)}`;
}

/** The first instant of the next month (UTC): when this month's counters stop mattering. */
export function startOfNextMonth(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}

/** Whole seconds until `until`, at least 1: what a 429's Retry-After says (contract §1.5). */
export function retryAfterSeconds(until: Date, now = Date.now()): number {
  return Math.max(1, Math.ceil((until.getTime() - now) / 1000));
}
