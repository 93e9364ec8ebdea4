import type { Plan } from "../plans/plan.model";
import { endOfHour, endOfMinute, startOfNextMonth } from "./usage-windows";

/** A plan limit, named as the contract names it (§4.3, §6.7). */
export type LimitFactor = "monthly_requests" | "requests_per_minute" | "requests_per_hour" | "monthly_budget";

/** What a license has used in the current windows (absent counters: nothing yet). */
export interface WindowUsage {
  monthRequests: number;
  /** Settled cost plus in-flight reservations: what the budget must still cover. */
  committedMicros: number;
  hourRequests: number;
  minuteRequests: number;
}

export interface RequestLimitStatus {
  passed: boolean;
  current: number;
  limit: number;
}

export interface LimitEvaluation {
  monthlyRequests: RequestLimitStatus;
  requestsPerMinute: RequestLimitStatus;
  requestsPerHour: RequestLimitStatus;
  monthlyBudget: { passed: boolean; committedMicros: number; limitMicros: number };
  /** The factors that refuse one more call, in the contract's order of checks (§4.3). */
  blocking: LimitFactor[];
}

/**
 * The one reading of a plan's limits against what was used: a limit of 0 is unlimited; a request limit passes while
 * there is room for one more request; the budget passes while the committed cost plus this call's worst case (at
 * least one micro-euro: no call is free) fits. The AI proxy's refusals, /api/limits/check and the usage reports
 * all ask this, so they cannot disagree. (Admission itself is the guarded writes of the quota service, which
 * apply exactly these conditions atomically.)
 */
export function evaluateLimits(plan: Plan, used: WindowUsage, estimateMicros = 0): LimitEvaluation {
  const requests = (current: number, limit: number): RequestLimitStatus => ({ passed: limit === 0 || current < limit, current, limit });
  const budget = plan.monthly_budget_micros;
  const evaluation = {
    monthlyRequests: requests(used.monthRequests, plan.monthly_requests),
    requestsPerMinute: requests(used.minuteRequests, plan.requests_per_minute),
    requestsPerHour: requests(used.hourRequests, plan.requests_per_hour),
    monthlyBudget: {
      passed: budget === 0 || used.committedMicros + Math.max(estimateMicros, 1) <= budget,
      committedMicros: used.committedMicros,
      limitMicros: budget,
    },
  };
  const order: Array<[LimitFactor, { passed: boolean }]> = [
    ["monthly_requests", evaluation.monthlyRequests],
    ["requests_per_minute", evaluation.requestsPerMinute],
    ["requests_per_hour", evaluation.requestsPerHour],
    ["monthly_budget", evaluation.monthlyBudget],
  ];
  return { ...evaluation, blocking: order.filter(([, status]) => !status.passed).map(([factor]) => factor) };
}

/** When a limit lets calls through again. */
export function limitResetsAt(factor: LimitFactor, now: Date): Date {
  if (factor === "requests_per_minute") return endOfMinute(now);
  if (factor === "requests_per_hour") return endOfHour(now);
  return startOfNextMonth(now);
}
