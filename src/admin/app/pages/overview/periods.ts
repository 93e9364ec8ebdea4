// The periods the Overview asks about, in UTC as the analytics count (a month is a UTC calendar month).

const DAY_MS = 86_400_000;

export interface OverviewPeriods {
  /** The previous UTC month: its first and last millisecond. */
  lastFrom: string;
  lastTo: string;
  /** 30 days before now, for the AI usage. */
  aiFrom: string;
}

export function overviewPeriods(now: number): OverviewPeriods {
  const date = new Date(now);
  const thisMonth = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const lastMonth = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1);
  return {
    lastFrom: new Date(lastMonth).toISOString(),
    lastTo: new Date(thisMonth - 1).toISOString(),
    aiFrom: new Date(now - 30 * DAY_MS).toISOString(),
  };
}
