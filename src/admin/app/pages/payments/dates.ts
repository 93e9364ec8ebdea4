/** A day typed in a date field ("2026-12-03"), as the instant it starts in the browser's time zone. */
export function startOfLocalDay(day: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The instant after a day typed in a date field: "until" dates are inclusive for a person, exclusive for the API. */
export function endOfLocalDay(day: string): Date | null {
  const start = startOfLocalDay(day);
  return start ? new Date(start.getFullYear(), start.getMonth(), start.getDate() + 1) : null;
}
