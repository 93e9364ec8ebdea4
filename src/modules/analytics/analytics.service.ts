import type { Clock } from "../../clock";
import type { Models } from "../../db/models";
import { badInput } from "../../errors";
import { loadAiUsage, type AiUsage } from "./ai-usage";
import { loadAnalyticsData } from "./analytics-data";
import { DAY_MS, daysFrom, dayKey, endOfDay, MAX_HISTORY_DAYS, startOfMonth } from "./analytics.dates";
import { FiguresCalculator, type CurrencyFigures } from "./analytics.figures";

export interface AnalyticsRequest {
  /** ISO 4217 (default EUR); figures in other currencies are not converted, only named in excludedCurrencies. */
  currency?: string;
  /** The instant of the balances (MRR, subscribers, ARPA, MRR by plan); default: `to`, else now. */
  at?: Date;
  /** The period of the movements, rates and cash figures: [from, to]; default: the UTC month of `at`, up to `at`. */
  from?: Date;
  to?: Date;
}

/** A lifetime plan's seats, from the plan's counters now (they are current, not historical). */
export interface FoundersSeats {
  planId: string;
  plan: string;
  limit: number | null;
  sold: number;
  /** null when the plan has no limit. */
  remaining: number | null;
}

export interface AnalyticsFigures extends CurrencyFigures {
  at: Date;
  from: Date;
  to: Date;
  /** Other currencies with MRR at `at` or money moved in the period: not in these figures, never converted. */
  excludedCurrencies: string[];
  founders: FoundersSeats[];
  ai: AiUsage;
}

/** The figures of one UTC day: what a daily snapshot holds. */
export interface DayFigures {
  /** YYYY-MM-DD. */
  date: string;
  /** The end of the day (its last millisecond), or the instant computed up to for today. */
  at: Date;
  /** Currencies with any non-zero figure, sorted by code. */
  currencies: CurrencyFigures[];
  ai: AiUsage;
}

const CURRENCY = /^[A-Z]{3}$/;

/**
 * Revenue analytics computed from the records (mrr_changes, payments, payment_adjustments, usage_logs), for any
 * instant and period: nothing is read from a stored total, so a past day computed today gives that day's figures.
 */
export class AnalyticsService {
  constructor(
    private readonly models: Models,
    private readonly clock: Clock,
  ) {}

  async figures(request: AnalyticsRequest = {}): Promise<AnalyticsFigures> {
    const currency = checkCurrency(request.currency ?? "EUR");
    const at = request.at ?? request.to ?? new Date(this.clock());
    const to = request.to ?? at;
    const from = request.from ?? startOfMonth(at);
    checkPeriod(from, to);
    const until = new Date(Math.max(at.getTime(), to.getTime()));
    const [data, ai] = await Promise.all([loadAnalyticsData(this.models, until), loadAiUsage(this.models, from, to)]);
    const [period] = new FiguresCalculator(data).period(from, to, currency) as [CurrencyFigures];
    // Balances are at `at`, which is `to` unless asked otherwise (a fresh pass: a timeline only moves forward).
    const [balances] =
      at.getTime() === to.getTime() ? [period] : (new FiguresCalculator(data).period(at, at, currency) as [CurrencyFigures]);
    const excludedCurrencies = new FiguresCalculator(data)
      .period(from, to)
      .map((figures) => figures.currency)
      .filter((code) => code !== currency);
    return {
      ...period,
      mrrCents: balances.mrrCents,
      arrCents: balances.arrCents,
      activeSubscribers: balances.activeSubscribers,
      arpaCents: balances.arpaCents,
      mrrByPlan: balances.mrrByPlan,
      at,
      from,
      to,
      excludedCurrencies,
      founders: await this.founders(),
      ai,
    };
  }

  /**
   * The figures of every UTC day from `fromDay` to `toDay` (day starts), computed in one pass over the records.
   * A day that is not over yet is computed up to `now` (default: the clock).
   */
  async days(fromDay: Date, toDay: Date, now: number = this.clock()): Promise<DayFigures[]> {
    const days = daysFrom(fromDay, toDay).filter((day) => day.getTime() <= now);
    if (days.length === 0) return [];
    const last = Math.min(endOfDay(toDay).getTime(), now);
    const [data, ai] = await Promise.all([
      loadAnalyticsData(this.models, new Date(last)),
      loadAiUsage(this.models, fromDay, new Date(last)),
    ]);
    const calculator = new FiguresCalculator(data);
    const usageByDay = new Map(ai.byDay.map((day) => [day.date, day]));
    return days.map((day) => {
      const at = new Date(Math.min(day.getTime() + DAY_MS - 1, now));
      const date = dayKey(day);
      const usage = usageByDay.get(date);
      return {
        date,
        at,
        currencies: calculator.period(day, at),
        ai: usage
          ? { requests: usage.requests, tokens: usage.tokens, costMicros: usage.costMicros, byProvider: usage.byProvider, byDay: [usage] }
          : { requests: 0, tokens: 0, costMicros: 0, byProvider: [], byDay: [] },
      };
    });
  }

  /** The lifetime plans' seats now (Founders: sold, limit, remaining). */
  async founders(): Promise<FoundersSeats[]> {
    const plans = await this.models.Plan.find({ is_lifetime: true }).sort({ name: 1 }).lean().exec();
    return plans.map((plan) => {
      const limit = plan.lifetime_limit ?? null;
      return {
        planId: plan._id.toHexString(),
        plan: plan.name,
        limit,
        sold: plan.lifetime_sold,
        remaining: limit === null ? null : Math.max(0, limit - plan.lifetime_sold),
      };
    });
  }
}

export function checkCurrency(currency: string): string {
  if (!CURRENCY.test(currency))
    throw badInput("currency must be a 3-letter ISO 4217 code in upper case, e.g. EUR", { argument: "currency" });
  return currency;
}

function checkPeriod(from: Date, to: Date): void {
  if (from.getTime() > to.getTime()) throw badInput("from must not be after to", { reason: "BAD_RANGE" });
  if (to.getTime() - from.getTime() > MAX_HISTORY_DAYS * DAY_MS)
    throw badInput(`The period is longer than ${MAX_HISTORY_DAYS} days (3 years)`, { reason: "RANGE_TOO_LONG" });
}
