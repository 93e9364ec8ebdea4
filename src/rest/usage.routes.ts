import type { FastifyInstance } from "fastify";
import { isProvider } from "../ai/providers";
import {
  HISTORY_DEFAULT_DAYS,
  parseDays,
  type CurrentUsage,
  type HistoryDay,
  type LegacyUsage,
  type LimitStatus,
  type RecentRequest,
  type UsageHistory,
} from "../modules/usage/usage-report.service";
import type { LimitFactor } from "../modules/usage/usage-limits";
import { centsToEur } from "../money";
import { licenseKeyOf } from "./body";
import { refuseOtherMethods } from "./method-not-allowed";
import { grantOf } from "./route-config";
import { ROUTE_LIMITS, sendRateLimited, type ThrottleDeps } from "./throttle";

const CONFIG = {
  current: { license: { scope: "usage-current", limits: ROUTE_LIMITS.usageCurrent }, failure: { error: "Failed to get current usage" } },
  history: { license: { scope: "usage-history", limits: ROUTE_LIMITS.usageHistory }, failure: { error: "Failed to get usage history" } },
  limits: { license: { scope: "limits-check", limits: ROUTE_LIMITS.limitsCheck }, failure: { error: "Failed to check limits" } },
  // Counted on arrival, by X-License-Key when sent, else by IP (§6.8).
  legacy: { throttle: { scope: "usage-legacy", limits: ROUTE_LIMITS.legacyUsage }, failure: { error: "Failed to get usage stats" } },
} as const;

// The code /api/limits/check adds when a factor blocks (§6.7).
const LIMIT_CODES: Record<LimitFactor, string> = {
  monthly_requests: "MONTHLY_LIMIT",
  requests_per_minute: "MINUTE_LIMIT",
  requests_per_hour: "HOUR_LIMIT",
  monthly_budget: "BUDGET_EXCEEDED",
};

type Query = Record<string, string | string[] | undefined>;

/**
 * GET /api/usage/current, /api/usage/history, /api/limits/check and the legacy /api/usage/:license_key (contract
 * §6.5–6.8). The figures come from UsageReportService; this file only reads input and shapes the wire bodies.
 * The router matches the static /api/usage/current and /api/usage/history before the parametric legacy path.
 */
export async function usageRoutes(app: FastifyInstance, { services }: ThrottleDeps): Promise<void> {
  app.get("/api/usage/current", { config: CONFIG.current }, async (request, reply) => {
    const { license, plan } = grantOf(request);
    const now = new Date(services.clock());
    let usage: CurrentUsage;
    try {
      usage = await services.usageReport.current(license, plan, now);
    } catch (error) {
      // The contract tells "cannot compute the statistics" apart from any other failure of the route.
      request.log.error({ err: error }, "usage statistics failed");
      return reply.code(500).send({ error: "Unable to get usage statistics", code: "INTERNAL_ERROR" });
    }
    return {
      status: "success",
      license_key: licenseKeyOf(request),
      plan: { name: plan.name, display_name: plan.display_name, price: centsToEur(plan.price_cents) },
      current_usage: currentUsageJson(usage, license._id.toHexString(), plan.name),
      warnings: usage.warnings,
      timestamp: now.toISOString(),
    };
  });

  app.get<{ Querystring: Query }>("/api/usage/history", { config: CONFIG.history }, async (request, reply) => {
    const { license } = grantOf(request);
    const rawDays = first(request.query.days);
    const days = rawDays === undefined ? HISTORY_DEFAULT_DAYS : parseDays(rawDays);
    if (days === null) return reply.code(400).send({ error: "Invalid days parameter", code: "INVALID_INPUT" });
    const provider = first(request.query.provider);
    const now = new Date(services.clock());
    const history = await services.usageReport.history(license._id, { days, provider: isProvider(provider) ? provider : undefined }, now);
    return { status: "success", license_key: licenseKeyOf(request), ...historyJson(history), timestamp: now.toISOString() };
  });

  app.get("/api/limits/check", { config: CONFIG.limits }, async (request, reply) => {
    const { license, plan } = grantOf(request);
    const now = new Date(services.clock());
    const status = await services.usageReport.limits(license, plan, now);
    const body: Record<string, unknown> = {
      status: "success",
      license_key: licenseKeyOf(request),
      ...limitsJson(status),
      timestamp: now.toISOString(),
    };
    const [firstFactor] = status.blocking;
    if (firstFactor === undefined) return body;
    // An exhausted budget outranks the request limits: waiting a minute or an hour would not help.
    const budget = status.blocking.includes("monthly_budget");
    return reply.code(budget ? 402 : 429).send({ ...body, code: LIMIT_CODES[budget ? "monthly_budget" : firstFactor] });
  });

  app.get<{ Params: { license_key: string } }>("/api/usage/:license_key", { config: CONFIG.legacy }, async (request, reply) => {
    // The router has already percent-decoded the key. The key alone grants access (v2.1): a license that exists is
    // answered whatever its status; the gate still guards the lookup (the failed-lookup guard covers path keys, §1.5).
    const key = request.params.license_key;
    const found = await services.licenseGate.identify(key, request.ip);
    if ("until" in found) return sendRateLimited(reply, found.message, found.retryAfter);
    const { license } = found;
    if (!license) return reply.code(404).send({ error: "License not found", code: "LICENSE_NOT_FOUND" });
    return legacyJson(key, await services.usageReport.legacy(license, new Date(services.clock())));
  });

  for (const url of ["/api/usage/current", "/api/usage/history", "/api/limits/check", "/api/usage/:license_key"])
    refuseOtherMethods(app, url, ["GET"]);
}

function currentUsageJson(usage: CurrentUsage, licenseId: string, planName: string): Record<string, unknown> {
  return {
    license_id: licenseId,
    plan: planName,
    current_month: {
      requests: usage.month.requests,
      tokens: usage.month.tokens,
      cost_eur: usage.month.costEur,
      avg_response_time_ms: usage.month.avgResponseTimeMs,
    },
    current_hour: { requests: usage.hourRequests },
    current_minute: { requests: usage.minuteRequests },
    limits: {
      monthly_requests: usage.limits.monthlyRequests,
      requests_per_minute: usage.limits.requestsPerMinute,
      requests_per_hour: usage.limits.requestsPerHour,
      monthly_budget_eur: usage.limits.monthlyBudgetEur,
    },
    usage_percentages: { requests: usage.percentages.requests, budget: usage.percentages.budget },
  };
}

function historyJson(history: UsageHistory): Record<string, unknown> {
  const figures = (f: { requests: number; tokens: number; avgResponseTime: number }) => ({
    requests: f.requests,
    tokens: f.tokens,
    avg_response_time: f.avgResponseTime,
  });
  const day = (d: HistoryDay) => ({
    total_requests: d.requests,
    total_tokens: d.tokens,
    avg_response_time: d.avgResponseTime,
    by_provider: Object.fromEntries(d.byProvider.map((p) => [p.provider, figures(p)])),
  });
  // Days arrive oldest first; a JSON object keeps that insertion order for non-numeric keys like "2025-08-20".
  return {
    period: { start: history.period.start.toISOString(), end: history.period.end.toISOString(), days: history.period.days },
    daily_usage: Object.fromEntries(history.days.map((d) => [d.date, day(d)])),
    recent_requests: history.recent.map(recentJson),
    summary: {
      total_requests: history.summary.totalRequests,
      total_tokens: history.summary.totalTokens,
      days_with_usage: history.summary.daysWithUsage,
      avg_requests_per_day: history.summary.avgRequestsPerDay,
    },
  };
}

function recentJson(r: RecentRequest): Record<string, unknown> {
  return {
    _id: r.id,
    endpoint: r.endpoint,
    provider: r.provider,
    model: r.model,
    tokens_used: r.tokensUsed,
    response_time_ms: r.responseTimeMs,
    created_at: r.createdAt.toISOString(),
    ip_address: r.ipAddress,
  };
}

function limitsJson(status: LimitStatus): Record<string, unknown> {
  const requests = (s: { passed: boolean; current: number; limit: number }) => ({ passed: s.passed, current: s.current, limit: s.limit });
  return {
    can_make_request: status.blocking.length === 0,
    limits_status: {
      monthly_requests: { ...requests(status.monthlyRequests), percentage: status.monthlyRequests.percentage },
      requests_per_minute: requests(status.requestsPerMinute),
      requests_per_hour: requests(status.requestsPerHour),
      monthly_budget: {
        passed: status.monthlyBudget.passed,
        current_cost_eur: status.monthlyBudget.currentCostEur,
        limit_eur: status.monthlyBudget.limitEur,
        percentage: status.monthlyBudget.percentage,
      },
    },
    blocking_factors: status.blocking,
    reset_times: {
      next_minute: status.resets.nextMinute.toISOString(),
      next_hour: status.resets.nextHour.toISOString(),
      next_month: status.resets.nextMonth.toISOString(),
    },
  };
}

function legacyJson(key: string, usage: LegacyUsage): Record<string, unknown> {
  return {
    license_key: key,
    plan: usage.planName ?? "unknown",
    current_month: { requests: usage.month.requests, tokens: usage.month.tokens, avg_response_time_ms: usage.month.avgResponseTimeMs },
    // "unlimited" is a string on purpose: v2.1 sent it, and clients accept both types (§6.8).
    limits: { monthly_requests: usage.monthlyRequests, requests_remaining: usage.requestsRemaining ?? "unlimited" },
    period: { start: usage.period.start.toISOString(), end: usage.period.end.toISOString() },
  };
}

/** A repeated query parameter counts by its first value, as v2.1 (Flask) read it. */
function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
