import { badInput } from "../../errors";
import { startOfMonth } from "./analytics.dates";

/** The longest range of months asked at once (as analyticsHistory's three years). */
export const MAX_MONTHS = 36;

/** The first day of each UTC month from the month of `from` to the month of `to` (at most MAX_MONTHS). */
export function monthStarts(from: Date, to: Date): Date[] {
  if (from.getTime() > to.getTime()) throw badInput("from must not be after to", { reason: "BAD_RANGE" });
  const months: Date[] = [];
  for (let month = startOfMonth(from); month.getTime() <= to.getTime(); month = nextMonth(month)) {
    months.push(month);
    if (months.length > MAX_MONTHS) throw badInput(`The range spans more than ${MAX_MONTHS} months`, { reason: "RANGE_TOO_LONG" });
  }
  return months;
}

export function nextMonth(start: Date): Date {
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

export function monthKey(instant: Date | number): string {
  return new Date(instant).toISOString().slice(0, 7);
}
