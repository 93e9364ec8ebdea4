import type { mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import type { License } from "../licenses/license.model";
import type { Plan } from "../plans/plan.model";
import type { Provider } from "../../ai/providers";
import type { UsageCounter } from "./usage-counter.model";
import type { UsageLog } from "./usage-log.model";
import { microsToEur, microsToEur4 } from "../../money";
import { evaluateLimits, type LimitEvaluation, type RequestLimitStatus } from "./usage-limits";
import { endOfHour, endOfMinute, hourWindow, minuteWindow, monthWindow, startOfMonth, startOfNextMonth } from "./usage-windows";

/**
 * What the plugin's usage endpoints report (plugin contract §4, §6.5–6.8). Requests, cost, percentages and limit
 * status come from the atomic counters, which are what admission enforces (DOMAIN.md "reserve, call, settle");
 * counting logs would disagree with them while calls are in flight. The logs are read only for the history.
 */

const WARN_AT_PERCENT = 80;
export const REQUESTS_WARNING = "Monthly request limit approaching (>80%)";
export const BUDGET_WARNING = "Monthly budget limit approaching (>80%)";
export const HISTORY_DEFAULT_DAYS = 30;
const HISTORY_MAX_DAYS = 90;
const RECENT_REQUESTS = 50;
const DAY_MS = 86_400_000;

export interface MonthUsage {
  requests: number;
  tokens: number;
  costEur: number;
  avgResponseTimeMs: number;
}

export interface CurrentUsage {
  month: MonthUsage;
  hourRequests: number;
  minuteRequests: number;
  limits: { monthlyRequests: number; requestsPerMinute: number; requestsPerHour: number; monthlyBudgetEur: number };
  percentages: { requests: number; budget: number };
  warnings: string[];
}

export interface LimitStatus extends Omit<LimitEvaluation, "monthlyRequests" | "monthlyBudget"> {
  monthlyRequests: RequestLimitStatus & { percentage: number };
  monthlyBudget: { passed: boolean; currentCostEur: number; limitEur: number; percentage: number };
  resets: { nextMinute: Date; nextHour: Date; nextMonth: Date };
}

export interface ActivityFigures {
  requests: number;
  tokens: number;
  avgResponseTime: number;
}

export interface HistoryDay extends ActivityFigures {
  /** YYYY-MM-DD (UTC). */
  date: string;
  /** Provider ("unknown" for migrated records without one) → figures, providers in alphabetical order. */
  byProvider: Array<ActivityFigures & { provider: string }>;
}

export interface RecentRequest {
  id: string;
  endpoint: string;
  provider: string | null;
  model: string | null;
  tokensUsed: number;
  responseTimeMs: number;
  createdAt: Date;
  ipAddress: string | null;
}

export interface UsageHistory {
  period: { start: Date; end: Date; days: number };
  /** Days with usage only, oldest first. */
  days: HistoryDay[];
  recent: RecentRequest[];
  summary: { totalRequests: number; totalTokens: number; daysWithUsage: number; avgRequestsPerDay: number };
}

export interface LegacyUsage {
  /** null when the plan record is gone (the route then says "unknown"). */
  planName: string | null;
  month: Omit<MonthUsage, "costEur">;
  monthlyRequests: number;
  /** null: unlimited (limit 0, or no plan). */
  requestsRemaining: number | null;
  period: { start: Date; end: Date };
}

interface WindowCounters {
  month: UsageCounter | undefined;
  hour: UsageCounter | undefined;
  minute: UsageCounter | undefined;
}

interface DayProviderRow {
  _id: { day: string; provider: string };
  requests: number;
  tokens: number;
  responseTimeMs: number;
}

export class UsageReportService {
  constructor(private readonly models: Models) {}

  /** §6.5: this month's usage, the current hour and minute, the plan's limits, percentages and warnings. */
  async current(license: License, plan: Plan, now: Date): Promise<CurrentUsage> {
    const counters = await this.windowCounters(license._id, now);
    const requestsPercent = percentOf(counters.month?.requests ?? 0, plan.monthly_requests);
    const budgetPercent = percentOf(counters.month?.cost_micros ?? 0, plan.monthly_budget_micros);
    const warnings: string[] = [];
    // Compared after rounding, so a body that shows 80.0 always carries its warning.
    if (requestsPercent >= WARN_AT_PERCENT) warnings.push(REQUESTS_WARNING);
    if (budgetPercent >= WARN_AT_PERCENT) warnings.push(BUDGET_WARNING);
    return {
      month: monthUsage(counters.month),
      hourRequests: counters.hour?.requests ?? 0,
      minuteRequests: counters.minute?.requests ?? 0,
      limits: {
        monthlyRequests: plan.monthly_requests,
        requestsPerMinute: plan.requests_per_minute,
        requestsPerHour: plan.requests_per_hour,
        monthlyBudgetEur: microsToEur(plan.monthly_budget_micros),
      },
      percentages: { requests: requestsPercent, budget: budgetPercent },
      warnings,
    };
  }

  /** §6.7: each plan limit against the current UTC windows; a limit of 0 always passes. */
  async limits(license: License, plan: Plan, now: Date): Promise<LimitStatus> {
    const counters = await this.windowCounters(license._id, now);
    const month = counters.month;
    // In-flight reservations count against the budget (§6.7), while the percentage is settled cost only (§4.5).
    const evaluation = evaluateLimits(plan, {
      monthRequests: month?.requests ?? 0,
      committedMicros: (month?.cost_micros ?? 0) + (month?.reserved_micros ?? 0),
      hourRequests: counters.hour?.requests ?? 0,
      minuteRequests: counters.minute?.requests ?? 0,
    });
    return {
      ...evaluation,
      monthlyRequests: { ...evaluation.monthlyRequests, percentage: percentOf(month?.requests ?? 0, plan.monthly_requests) },
      monthlyBudget: {
        passed: evaluation.monthlyBudget.passed,
        currentCostEur: microsToEur4(evaluation.monthlyBudget.committedMicros),
        limitEur: microsToEur(plan.monthly_budget_micros),
        percentage: percentOf(month?.cost_micros ?? 0, plan.monthly_budget_micros),
      },
      resets: { nextMinute: endOfMinute(now), nextHour: endOfHour(now), nextMonth: startOfNextMonth(now) },
    };
  }

  /**
   * §6.6: the logs of [now − days × 24 h, now), per UTC day and provider, plus the 50 newest. `days` is clamped to
   * 1..90, so a plugin asking for "all" gets the longest history rather than an error.
   */
  async history(licenseId: mongoose.Types.ObjectId, options: { days: number; provider?: Provider }, now: Date): Promise<UsageHistory> {
    const days = Math.min(HISTORY_MAX_DAYS, Math.max(1, options.days));
    const start = new Date(now.getTime() - days * DAY_MS);
    const match: Record<string, unknown> = { license_id: licenseId, created_at: { $gte: start, $lt: now } };
    if (options.provider) match.provider = options.provider;
    const [rows, recent] = await Promise.all([
      this.models.UsageLog.aggregate<DayProviderRow>([
        { $match: match },
        {
          $group: {
            // $dateToString works in UTC unless told otherwise, which is the contract's day.
            _id: { day: { $dateToString: { format: "%Y-%m-%d", date: "$created_at" } }, provider: { $ifNull: ["$provider", "unknown"] } },
            requests: { $sum: 1 },
            tokens: { $sum: "$tokens_used" },
            responseTimeMs: { $sum: "$response_time_ms" },
          },
        },
      ]).exec(),
      this.models.UsageLog.find(match)
        .sort({ created_at: -1, _id: -1 }) // _id breaks ties between records of the same millisecond
        .limit(RECENT_REQUESTS)
        .lean<UsageLog[]>()
        .exec(),
    ]);
    const daily = groupDays(rows);
    const totalRequests = daily.reduce((sum, day) => sum + day.requests, 0);
    return {
      period: { start, end: now, days },
      days: daily,
      recent: recent.map(recentRequest),
      summary: {
        totalRequests,
        totalTokens: daily.reduce((sum, day) => sum + day.tokens, 0),
        daysWithUsage: daily.length,
        avgRequestsPerDay: ratio2(totalRequests, Math.max(daily.length, 1)),
      },
    };
  }

  /** §6.8: the legacy summary. It tolerates a missing plan, since it checks nothing about the license. */
  async legacy(license: License, now: Date): Promise<LegacyUsage> {
    const [plan, counters] = await Promise.all([
      this.models.Plan.findById(license.plan_id).lean<Plan>().exec(),
      this.windowCounters(license._id, now),
    ]);
    const { requests, tokens, avgResponseTimeMs } = monthUsage(counters.month);
    const monthlyRequests = plan?.monthly_requests ?? 0;
    return {
      planName: plan?.name ?? null,
      month: { requests, tokens, avgResponseTimeMs },
      monthlyRequests,
      requestsRemaining: monthlyRequests === 0 ? null : Math.max(0, monthlyRequests - requests),
      period: { start: startOfMonth(now), end: startOfNextMonth(now) },
    };
  }

  /** The month, hour and minute counters of one license, in one query. Absent: nothing counted yet. */
  private async windowCounters(licenseId: mongoose.Types.ObjectId, now: Date): Promise<WindowCounters> {
    const windows = { month: monthWindow(now), hour: hourWindow(now), minute: minuteWindow(now) };
    const counters = await this.models.UsageCounter.find({ license_id: licenseId, window: { $in: Object.values(windows) } })
      .lean<UsageCounter[]>()
      .exec();
    const byWindow = new Map(counters.map((counter) => [counter.window, counter]));
    return { month: byWindow.get(windows.month), hour: byWindow.get(windows.hour), minute: byWindow.get(windows.minute) };
  }
}

/** Parses the history `days` query value: an optional minus sign and digits only; null when it is anything else. */
export function parseDays(raw: string): number | null {
  return /^-?[0-9]+$/.test(raw) ? Number(raw) : null;
}

/** round(used ÷ limit × 100, 2), or 0 when unlimited (§4.5). Scaled before dividing: one rounding step, not two. */
export function percentOf(used: number, limit: number): number {
  return limit > 0 ? Math.round((used * 10_000) / limit) / 100 : 0;
}

/** numerator ÷ denominator rounded to 2 decimals, or 0 when there is nothing to divide by. */
function ratio2(numerator: number, denominator: number): number {
  return denominator > 0 ? Math.round((numerator * 100) / denominator) / 100 : 0;
}

function monthUsage(counter: UsageCounter | undefined): MonthUsage {
  return {
    requests: counter?.requests ?? 0,
    tokens: counter?.tokens ?? 0,
    costEur: microsToEur4(counter?.cost_micros ?? 0),
    // Over settled calls: in-flight requests have no response time yet.
    avgResponseTimeMs: ratio2(counter?.response_time_ms ?? 0, counter?.calls ?? 0),
  };
}

function groupDays(rows: DayProviderRow[]): HistoryDay[] {
  const days = new Map<string, { requests: number; tokens: number; responseTimeMs: number; providers: DayProviderRow[] }>();
  for (const row of rows) {
    const day = days.get(row._id.day) ?? { requests: 0, tokens: 0, responseTimeMs: 0, providers: [] };
    day.requests += row.requests;
    day.tokens += row.tokens;
    day.responseTimeMs += row.responseTimeMs;
    day.providers.push(row);
    days.set(row._id.day, day);
  }
  return [...days.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, day]) => ({
      date,
      requests: day.requests,
      tokens: day.tokens,
      avgResponseTime: ratio2(day.responseTimeMs, day.requests),
      byProvider: day.providers
        .sort((a, b) => (a._id.provider < b._id.provider ? -1 : a._id.provider > b._id.provider ? 1 : 0))
        .map((row) => ({
          provider: row._id.provider,
          requests: row.requests,
          tokens: row.tokens,
          avgResponseTime: ratio2(row.responseTimeMs, row.requests),
        })),
    }));
}

function recentRequest(log: UsageLog): RecentRequest {
  return {
    id: log._id.toHexString(),
    endpoint: log.endpoint,
    provider: log.provider ?? null,
    model: log.model ?? null,
    tokensUsed: log.tokens_used ?? 0,
    responseTimeMs: log.response_time_ms ?? 0,
    createdAt: log.created_at,
    ipAddress: log.ip_address ?? null,
  };
}
