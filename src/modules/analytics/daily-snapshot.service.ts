import type { Clock } from "../../clock";
import type { Models } from "../../db/models";
import { isDuplicateKey } from "../../errors";
import type { AiUsage } from "./ai-usage";
import { addDays, checkDayRange, DAY_MS, dayKey, startOfDay } from "./analytics.dates";
import type { CurrencyFigures } from "./analytics.figures";
import { checkCurrency, type AnalyticsService, type DayFigures } from "./analytics.service";
import type { DailySnapshot } from "./daily-snapshot.model";
import { noMovements } from "./mrr-timeline";

/** One day of history in one currency. */
export interface HistoryRow {
  date: string;
  /** False for today: computed up to now, not a finished day. */
  complete: boolean;
  /** Where the row came from: the day's stored snapshot, or computed now from the records (a missed day, today). */
  source: "snapshot" | "computed";
  figures: CurrencyFigures;
  /** Currencies with figures that day other than the one asked for (never converted). */
  excludedCurrencies: string[];
  ai: AiUsage;
}

export interface SnapshotRun {
  /** Days this instance wrote. */
  written: string[];
  /** Days it found already written (by another instance, or earlier). */
  existing: string[];
}

/** How far back the platform fills in missed days by itself; older gaps are computed when history is read. */
export const BACKFILL_DAYS = 31;

/** Writes the daily snapshots and reads history from them, computing any day that has none. */
export class DailySnapshotService {
  constructor(
    private readonly models: Models,
    private readonly analytics: AnalyticsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Writes the snapshot of every finished day without one, from yesterday back to BACKFILL_DAYS days ago (never before
   * the first recorded data). Each day is computed for its own date from the records; the upsert on the unique
   * `date` makes sure one instance's snapshot stands when several do this at once. `now` (default: the clock) says
   * which day is today, for callers that replay time (the end-to-end billing scenario).
   */
  async writeMissing(owner: string, now: number = this.clock()): Promise<SnapshotRun> {
    const today = startOfDay(now);
    const yesterday = addDays(today, -1);
    const first = await this.firstDataDay();
    const run: SnapshotRun = { written: [], existing: [] };
    if (!first) return run;
    const from = new Date(Math.max(first.getTime(), addDays(yesterday, -(BACKFILL_DAYS - 1)).getTime()));
    if (from.getTime() > yesterday.getTime()) return run;
    const stored = await this.storedDates(from, yesterday);
    const missing = daysBetween(from, yesterday).filter((date) => !stored.has(date));
    run.existing.push(...stored);
    if (missing.length === 0) return run;
    const days = await this.analytics.days(startOfDay(Date.parse(missing[0] as string)), yesterday, now);
    for (const day of days) {
      if (stored.has(day.date)) continue;
      if (await this.insert(day, owner)) run.written.push(day.date);
      else run.existing.push(day.date);
    }
    return run;
  }

  /**
   * One row per UTC day from `from` to `to` (day starts, at most three years), days after today left out. Finished
   * days come from their snapshot when there is one; the others are computed for their own date.
   */
  async history(from: Date, to: Date, currency = "EUR"): Promise<HistoryRow[]> {
    checkCurrency(currency);
    const range = checkDayRange(from, to);
    const today = startOfDay(this.clock());
    const last = new Date(Math.min(range.to.getTime(), today.getTime()));
    if (range.from.getTime() > last.getTime()) return [];
    const snapshots = await this.models.DailySnapshot.find({ date: { $gte: dayKey(range.from), $lte: dayKey(last) } })
      .lean<DailySnapshot[]>()
      .exec();
    const byDate = new Map<string, DayFigures & { source: HistoryRow["source"] }>(
      snapshots.map((snapshot) => [snapshot.date, { ...snapshot, source: "snapshot" }]),
    );
    const missing = daysBetween(range.from, last).filter((date) => !byDate.has(date));
    if (missing.length > 0) {
      const computed = await this.analytics.days(startOfDay(Date.parse(missing[0] as string)), last);
      for (const day of computed) if (!byDate.has(day.date)) byDate.set(day.date, { ...day, source: "computed" });
    }
    return daysBetween(range.from, last).map((date) => {
      const day = byDate.get(date) as DayFigures & { source: HistoryRow["source"] };
      return {
        date,
        complete: date !== dayKey(today),
        source: day.source,
        figures: day.currencies.find((figures) => figures.currency === currency) ?? zeroFigures(currency),
        excludedCurrencies: day.currencies.map((figures) => figures.currency).filter((code) => code !== currency),
        ai: day.ai,
      };
    });
  }

  private async insert(day: DayFigures, owner: string): Promise<boolean> {
    const document = {
      date: day.date,
      at: day.at,
      currencies: day.currencies,
      ai: day.ai,
      computed_at: new Date(this.clock()),
      written_by: owner,
    };
    try {
      const result = await this.models.DailySnapshot.collection.updateOne({ date: day.date }, { $setOnInsert: document }, { upsert: true });
      return result.upsertedCount === 1;
    } catch (error) {
      // Two first upserts of one date at once: one inserted it, the other hit the unique index. Either way it is there.
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  private async storedDates(from: Date, to: Date): Promise<Set<string>> {
    const rows = await this.models.DailySnapshot.find({ date: { $gte: dayKey(from), $lte: dayKey(to) } }, { date: 1 })
      .lean()
      .exec();
    return new Set(rows.map((row) => row.date));
  }

  /** The UTC day of the earliest record analytics count (an MRR change, a payment, an AI call); none: undefined. */
  private async firstDataDay(): Promise<Date | undefined> {
    const [change, paid, created, usage] = await Promise.all([
      this.models.MrrChange.findOne({}, { effective_at: 1 }).sort({ effective_at: 1 }).lean().exec(),
      this.models.Payment.findOne({ paid_at: { $ne: null } }, { paid_at: 1 })
        .sort({ paid_at: 1 })
        .lean()
        .exec(),
      this.models.Payment.findOne({ paid_at: null }, { created_at: 1 }).sort({ created_at: 1 }).lean().exec(),
      this.models.UsageLog.findOne({}, { created_at: 1 }).sort({ created_at: 1 }).lean().exec(),
    ]);
    const times = [change?.effective_at, paid?.paid_at, created?.created_at, usage?.created_at]
      .filter((date): date is Date => date instanceof Date)
      .map((date) => date.getTime());
    return times.length === 0 ? undefined : startOfDay(Math.min(...times));
  }
}

function daysBetween(from: Date, to: Date): string[] {
  const dates: string[] = [];
  for (let day = from.getTime(); day <= to.getTime(); day += DAY_MS) dates.push(dayKey(day));
  return dates;
}

/** A currency's figures on a day it had none. */
export function zeroFigures(currency: string): CurrencyFigures {
  return {
    currency,
    mrrCents: 0,
    arrCents: 0,
    activeSubscribers: 0,
    arpaCents: null,
    start: { mrrCents: 0, subscribers: 0 },
    movements: noMovements(),
    churnedCustomers: 0,
    customerChurnRate: null,
    grossMrrChurnRate: null,
    netMrrChurnRate: null,
    mrrByPlan: [],
    cash: {
      collectedCents: 0,
      payments: 0,
      refundedCents: 0,
      refunds: { amountCents: 0, count: 0 },
      oneTime: { sales: 0, revenueCents: 0, salesAllTime: 0, revenueAllTimeCents: 0 },
      byPlan: [],
    },
  };
}
