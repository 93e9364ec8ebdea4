// The Analytics page's date range: UTC days (the analytics count in UTC days), in the URL as ?from=…&to=….

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface DayRange {
  from: string;
  to: string;
}

const dayOf = (instant: number): string => new Date(instant).toISOString().slice(0, 10);

/** The last 12 months: from the first day of the UTC month 11 months ago to today. */
export function defaultRange(now: number): DayRange {
  const date = new Date(now);
  return { from: dayOf(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 11, 1)), to: dayOf(now) };
}

/** The range the URL asks for (a missing day: the default's), or the reason it cannot be used. */
export function rangeFrom(params: URLSearchParams, now: number): DayRange | { error: string } {
  const fallback = defaultRange(now);
  const from = params.get("from") ?? fallback.from;
  const to = params.get("to") ?? fallback.to;
  if (!isDay(from) || !isDay(to)) return { error: "Give both days as dates (YYYY-MM-DD)." };
  if (from > to) return { error: "The start of the range is after its end." };
  return { from, to };
}

function isDay(text: string): boolean {
  return DAY.test(text) && dayOf(Date.parse(`${text}T00:00:00Z`)) === text;
}

/**
 * The query's variables: the days, and the same range as instants (the start of `from`, the end of `to` or now if
 * that is earlier: balances at a future instant would count cancellations that have not happened yet).
 */
export function rangeVariables(range: DayRange, now: number) {
  const end = Math.min(Date.parse(`${range.to}T23:59:59.999Z`), now);
  const start = Date.parse(`${range.from}T00:00:00.000Z`);
  return {
    from: range.from,
    to: range.to,
    fromTime: new Date(start).toISOString(),
    toTime: new Date(Math.max(start, end)).toISOString(),
    currency: "EUR",
  };
}
