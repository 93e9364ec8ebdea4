import { badInput } from "../../errors";

/**
 * Analytics count in UTC days. A day `D` is the closed interval [D 00:00:00.000, D 23:59:59.999]; "the state at the
 * end of D" is the state at its last millisecond. Periods are closed intervals [from, to] at millisecond precision,
 * so consecutive days chain exactly and a period's movements are the sum of its days' movements.
 */
export const DAY_MS = 86_400_000;

/** The longest history range (`analyticsHistory`, the CSV export): three years, leap day included. */
export const MAX_HISTORY_DAYS = 3 * 366;

const DAY_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** YYYY-MM-DD of the UTC day that contains `instant`. */
export function dayKey(instant: Date | number): string {
  return new Date(instant).toISOString().slice(0, 10);
}

/** The first millisecond of a day given as YYYY-MM-DD, or undefined when the text is not a real calendar day. */
export function parseDay(text: string): Date | undefined {
  const match = DAY_TEXT.exec(text);
  if (!match) return undefined;
  const start = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  // Date.UTC rolls 2026-02-30 over into March: such a day does not exist.
  return dayKey(start) === text ? start : undefined;
}

export function startOfDay(instant: Date | number): Date {
  const time = new Date(instant).getTime();
  return new Date(time - mod(time, DAY_MS));
}

/** The last millisecond of the day that contains `instant`. */
export function endOfDay(instant: Date | number): Date {
  return new Date(startOfDay(instant).getTime() + DAY_MS - 1);
}

export function startOfMonth(instant: Date | number): Date {
  const date = new Date(instant);
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

export function addDays(day: Date, days: number): Date {
  return new Date(day.getTime() + days * DAY_MS);
}

/** The day starts from `from` to `to` (both day starts), inclusive. */
export function daysFrom(from: Date, to: Date): Date[] {
  const days: Date[] = [];
  for (let day = from.getTime(); day <= to.getTime(); day += DAY_MS) days.push(new Date(day));
  return days;
}

export interface DayRange {
  /** First millisecond of the first day. */
  from: Date;
  /** First millisecond of the last day. */
  to: Date;
}

/** Checks a history range given as days: `from` ≤ `to`, at most MAX_HISTORY_DAYS days. */
export function checkDayRange(from: Date, to: Date): DayRange {
  const start = startOfDay(from);
  const end = startOfDay(to);
  if (start.getTime() > end.getTime()) throw badInput(`from (${dayKey(start)}) is after to (${dayKey(end)})`, { reason: "BAD_RANGE" });
  const days = (end.getTime() - start.getTime()) / DAY_MS + 1;
  if (days > MAX_HISTORY_DAYS)
    throw badInput(`The range is ${days} days; at most ${MAX_HISTORY_DAYS} days (3 years) at once`, { reason: "RANGE_TOO_LONG" });
  return { from: start, to: end };
}

/** Parses the two days of a history request given as text (CLI, CSV route); a bad one is a clear BAD_USER_INPUT. */
export function parseDayRange(fromText: string | undefined, toText: string | undefined): DayRange {
  const from = parseRequiredDay("from", fromText);
  const to = parseRequiredDay("to", toText);
  return checkDayRange(from, to);
}

function parseRequiredDay(name: string, text: string | undefined): Date {
  if (text === undefined || text === "") throw badInput(`${name} is required, as a UTC day YYYY-MM-DD`, { argument: name });
  const day = parseDay(text);
  if (!day) throw badInput(`${name} must be a UTC day YYYY-MM-DD (e.g. 2026-11-01), got "${truncate(text)}"`, { argument: name });
  return day;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function mod(value: number, by: number): number {
  return ((value % by) + by) % by;
}
