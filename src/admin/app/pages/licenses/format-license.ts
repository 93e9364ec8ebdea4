// Small formatting rules of the license and customer pages.

/** A key is shown by its last 4 characters only. */
export function maskedKey(last4: string): string {
  return `••••${last4}`;
}

/** -1 or 0 means unlimited in the plan's limits. */
export function limitText(limit: number): string {
  return limit <= 0 ? "unlimited" : new Intl.NumberFormat().format(limit);
}

/** The UTC month now, as the API counts usage: [first instant, first instant of the next month). */
export function currentUtcMonth(now = new Date()): { from: string; to: string; days: string[] } {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const from = new Date(Date.UTC(year, month, 1));
  const to = new Date(Date.UTC(year, month + 1, 1));
  const count = Math.round((to.getTime() - from.getTime()) / 86_400_000);
  const days = Array.from({ length: count }, (_unused, index) => new Date(Date.UTC(year, month, index + 1)).toISOString().slice(0, 10));
  return { from: from.toISOString(), to: to.toISOString(), days };
}

/** "3 Dec": a UTC day (YYYY-MM-DD) as a short chart label. */
export function shortDay(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  return new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", timeZone: "UTC" }).format(
    new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, date ?? 1)),
  );
}

/** The end of a calendar day (YYYY-MM-DD from a date field) in the browser's time zone, as the API's instant. */
export function endOfLocalDay(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year ?? 1970, (month ?? 1) - 1, date ?? 1, 23, 59, 59, 999).toISOString();
}
