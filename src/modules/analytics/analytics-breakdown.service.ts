import type { mongoose } from "@typegoose/typegoose";
import type { Clock } from "../../clock";
import type { Models } from "../../db/models";
import { badInput } from "../../errors";
import { loadAiUsage, type AiUsage } from "./ai-usage";
import { loadAnalyticsData } from "./analytics-data";
import { FiguresCalculator, type CurrencyFigures } from "./analytics.figures";
import { checkCurrency } from "./analytics.service";
import { monthKey, monthStarts, nextMonth } from "./analytics-months";
import { retention, type Cohort } from "./cohort-retention";

export interface MonthFigures {
  /** YYYY-MM (UTC). */
  month: string;
  from: Date;
  /** The month's last millisecond, or now for the current month. */
  to: Date;
  complete: boolean;
  figures: CurrencyFigures;
  ai: AiUsage;
}

export interface PlanAiCost {
  /** null: calls of licenses that no longer exist. */
  planId: string | null;
  plan: string;
  requests: number;
  tokens: number;
  /** Micro-euros. */
  costMicros: number;
}

/**
 * Analytics by calendar month (the MRR history of the dashboard), cohort retention and AI cost by plan. A month's
 * figures are the same as `analytics(from: month start, to: month end)`: one read of the records and one forward
 * pass for the whole range, so twelve months cost one `analytics` call rather than 365 daily rows.
 */
export class AnalyticsBreakdownService {
  constructor(
    private readonly models: Models,
    private readonly clock: Clock,
  ) {}

  async months(from: Date, to: Date, currency = "EUR"): Promise<MonthFigures[]> {
    checkCurrency(currency);
    const now = this.clock();
    const months = monthStarts(from, to).filter((start) => start.getTime() <= now);
    if (months.length === 0) return [];
    const ends = months.map((start) => Math.min(nextMonth(start).getTime() - 1, now));
    const last = ends[ends.length - 1] as number;
    const [data, ai] = await Promise.all([
      loadAnalyticsData(this.models, new Date(last)),
      loadAiUsage(this.models, months[0] as Date, new Date(last)),
    ]);
    const calculator = new FiguresCalculator(data);
    return months.map((start, index) => {
      const end = new Date(ends[index] as number);
      const month = monthKey(start);
      const [figures] = calculator.period(start, end, currency) as [CurrencyFigures];
      return { month, from: start, to: end, complete: end.getTime() < now, figures, ai: aiOfMonth(ai, month) };
    });
  }

  /**
   * Cohorts of the months from `from` to `to`: customers whose first positive MRR (any currency) began in the month,
   * and how many still have a positive MRR at the end of each following month that has ended.
   */
  async cohorts(from: Date, to: Date): Promise<Cohort[]> {
    const now = this.clock();
    const months = monthStarts(from, to).filter((start) => start.getTime() <= now);
    if (months.length === 0) return [];
    const first = months[0] as Date;
    const end = new Date(Math.min(nextMonth(months[months.length - 1] as Date).getTime() - 1, now));
    const starters = await this.models.MrrChange.aggregate<{ _id: mongoose.Types.ObjectId; first: Date }>([
      { $match: { mrr_cents: { $gt: 0 }, effective_at: { $lte: end } } },
      { $group: { _id: "$customer_id", first: { $min: "$effective_at" } } },
      { $match: { first: { $gte: first } } },
    ]).exec();
    if (starters.length === 0) return months.map((start) => ({ month: monthKey(start), customers: 0, retained: [] }));
    // A starter's rows all lie at or after its first positive MRR, so the range's rows (effective_at index) hold
    // every row that matters; a $in of every starter would be as large as the cohorts.
    const members = new Set(starters.map((row) => row._id.toHexString()));
    const rows = (
      await this.models.MrrChange.find(
        { effective_at: { $gte: first, $lte: new Date(now) } },
        { customer_id: 1, subscription_id: 1, mrr_cents: 1, effective_at: 1 },
      )
        .sort({ effective_at: 1, _id: 1 })
        .lean()
        .exec()
    ).filter((row) => members.has(row.customer_id.toHexString()));
    return retention(
      months.map(monthKey),
      starters.map((row) => ({ customerId: row._id.toHexString(), first: row.first.getTime() })),
      rows.map((row) => ({
        customerId: row.customer_id.toHexString(),
        subscriptionId: row.subscription_id,
        mrrCents: row.mrr_cents,
        at: row.effective_at.getTime(),
      })),
      now,
    );
  }

  /** AI calls of [from, to] by the plan of the license that made them (its plan now), in one aggregation. */
  async aiCostByPlan(from: Date, to: Date): Promise<PlanAiCost[]> {
    if (from.getTime() > to.getTime()) throw badInput("from must not be after to", { reason: "BAD_RANGE" });
    const rows = await this.models.UsageLog.aggregate<{
      _id: mongoose.Types.ObjectId | null;
      requests: number;
      tokens: number;
      costMicros: number;
    }>([
      { $match: { created_at: { $gte: from, $lte: to } } },
      {
        $group: {
          _id: "$license_id",
          requests: { $sum: 1 },
          tokens: { $sum: { $ifNull: ["$tokens_used", 0] } },
          costMicros: { $sum: { $ifNull: ["$cost_micros", 0] } },
        },
      },
      { $lookup: { from: this.models.License.collection.collectionName, localField: "_id", foreignField: "_id", as: "license" } },
      { $unwind: { path: "$license", preserveNullAndEmptyArrays: true } },
      {
        $group: {
          _id: { $ifNull: ["$license.plan_id", null] },
          requests: { $sum: "$requests" },
          tokens: { $sum: "$tokens" },
          costMicros: { $sum: "$costMicros" },
        },
      },
    ]).exec();
    const plans = await this.models.Plan.find({ _id: { $in: rows.flatMap((row) => (row._id ? [row._id] : [])) } }, { name: 1 })
      .lean()
      .exec();
    const names = new Map(plans.map((plan) => [plan._id.toHexString(), plan.name]));
    return rows
      .map((row) => {
        const planId = row._id ? row._id.toHexString() : null;
        const plan = planId ? names.get(planId) : undefined;
        return {
          planId: plan ? planId : null,
          plan: plan ?? "unknown",
          requests: row.requests,
          tokens: row.tokens,
          costMicros: row.costMicros,
        };
      })
      .sort((a, b) => b.costMicros - a.costMicros || a.plan.localeCompare(b.plan));
  }
}

function aiOfMonth(ai: AiUsage, month: string): AiUsage {
  const byDay = ai.byDay.filter((day) => day.date.startsWith(month));
  const providers = new Map<string, { provider: string; requests: number; tokens: number; costMicros: number }>();
  const totals = { requests: 0, tokens: 0, costMicros: 0 };
  for (const day of byDay) {
    for (const usage of day.byProvider) {
      let into = providers.get(usage.provider);
      if (!into) providers.set(usage.provider, (into = { provider: usage.provider, requests: 0, tokens: 0, costMicros: 0 }));
      into.requests += usage.requests;
      into.tokens += usage.tokens;
      into.costMicros += usage.costMicros;
    }
    totals.requests += day.requests;
    totals.tokens += day.tokens;
    totals.costMicros += day.costMicros;
  }
  return { ...totals, byProvider: [...providers.values()].sort((a, b) => a.provider.localeCompare(b.provider)), byDay };
}
