import type { mongoose } from "@typegoose/typegoose";
import { systemClock, type Clock } from "../../clock";
import type { Models } from "../../db/models";
import { badInput } from "../../errors";
import type { Plan } from "../plans/plan.model";
import type { UsageCounter } from "./usage-counter.model";
import { TtlCache } from "../../security/ttl-cache";
import { percentOf } from "./usage-report.service";
import { monthWindow } from "./usage-windows";

export interface UsageFigures {
  requests: number;
  tokens: number;
  costMicros: number;
}

export interface UsageSummary extends UsageFigures {
  /** "2026-11": the UTC month these figures cover. */
  month: string;
  requestLimit: number;
  budgetMicros: number;
  /** round(requests ÷ limit × 100, 2), or 0 when unlimited (plugin contract §4.5). */
  requestsPercent: number;
  budgetPercent: number;
}

export type UsageGrouping = "DAY" | "PROVIDER" | "MODEL" | "DAY_AND_PROVIDER";

export interface UsageBucket extends UsageFigures {
  key: string;
  /** Set when grouped by day (DAY, DAY_AND_PROVIDER). */
  day: string | null;
  /** Set when grouped by provider (PROVIDER, DAY_AND_PROVIDER). */
  provider: string | null;
}

const DAY_KEY = { $dateToString: { format: "%Y-%m-%d", date: "$created_at" } }; // UTC is the default timezone
const PROVIDER_KEY = { $ifNull: ["$provider", "unknown"] };

const MAX_RANGE_DAYS = 400;

export class UsageService {
  /** /api/validate's informational usage block may lag by the license-check cache's TTL (≤ 5 s). */
  private readonly validateCounters: TtlCache<string, UsageCounter | undefined>;

  constructor(
    private readonly models: Models,
    cacheTtlMs = 0,
    private readonly clock: Clock = systemClock,
  ) {
    this.validateCounters = new TtlCache(cacheTtlMs);
  }

  /** This month's counter of one license, possibly up to the cache TTL old (never used to enforce a limit). */
  recentMonthCounter(licenseId: mongoose.Types.ObjectId, now = new Date(this.clock())): Promise<UsageCounter | undefined> {
    const id = licenseId.toHexString();
    return this.validateCounters.get(`${id}|${monthWindow(now)}`, async () => (await this.monthCounters([licenseId], now)).get(id));
  }

  /** This month's counters of several licenses in one query (for DataLoaders), keyed by license id. */
  async monthCounters(licenseIds: readonly mongoose.Types.ObjectId[], now = new Date(this.clock())): Promise<Map<string, UsageCounter>> {
    const counters = await this.models.UsageCounter.find({ license_id: { $in: licenseIds }, window: monthWindow(now) })
      .lean<UsageCounter[]>()
      .exec();
    return new Map(counters.map((counter) => [counter.license_id.toHexString(), counter]));
  }

  summarize(plan: Plan, counter: UsageCounter | undefined, now = new Date(this.clock())): UsageSummary {
    const requests = counter?.requests ?? 0;
    const costMicros = counter?.cost_micros ?? 0;
    return {
      month: monthWindow(now).slice(2),
      requests,
      tokens: counter?.tokens ?? 0,
      costMicros,
      requestLimit: plan.monthly_requests,
      budgetMicros: plan.monthly_budget_micros,
      requestsPercent: percentOf(requests, plan.monthly_requests),
      budgetPercent: percentOf(costMicros, plan.monthly_budget_micros),
    };
  }

  /** Usage from the logs between two instants, grouped by UTC day, provider, model, or day and provider. */
  async breakdown(licenseId: mongoose.Types.ObjectId, from: Date, to: Date, groupBy: UsageGrouping): Promise<UsageBucket[]> {
    if (to.getTime() <= from.getTime()) throw badInput("to must be after from");
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) throw badInput(`the range may span at most ${MAX_RANGE_DAYS} days`);
    const byDay = groupBy === "DAY" || groupBy === "DAY_AND_PROVIDER";
    const byProvider = groupBy === "PROVIDER" || groupBy === "DAY_AND_PROVIDER";
    const key =
      groupBy === "MODEL"
        ? { model: { $ifNull: ["$model", "unknown"] } }
        : { day: byDay ? DAY_KEY : null, provider: byProvider ? PROVIDER_KEY : null };
    const rows = await this.models.UsageLog.aggregate<{
      _id: { day?: string | null; provider?: string | null; model?: string };
      requests: number;
      tokens: number;
      costMicros: number;
    }>([
      { $match: { license_id: licenseId, created_at: { $gte: from, $lt: to } } },
      { $group: { _id: key, requests: { $sum: 1 }, tokens: { $sum: "$tokens_used" }, costMicros: { $sum: "$cost_micros" } } },
      { $sort: { "_id.day": 1, "_id.provider": 1, "_id.model": 1 } },
    ]).exec();
    return rows.map(({ _id, requests, tokens, costMicros }) => {
      const day = byDay ? (_id.day ?? null) : null;
      const provider = byProvider ? (_id.provider ?? null) : null;
      const key = _id.model ?? [day, provider].filter((part) => part !== null).join("/");
      return { key, day, provider, requests, tokens, costMicros };
    });
  }
}
