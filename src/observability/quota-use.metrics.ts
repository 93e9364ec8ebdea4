import type { mongoose } from "@typegoose/typegoose";
import type { Clock } from "../clock";
import type { Models } from "../db/models";
import { monthWindow } from "../modules/usage/usage-windows";

/** The share of a limit from which a license counts as "near" it, and the one from which it is at it. */
export const QUOTA_THRESHOLDS = [0.8, 1] as const;

export type QuotaLimit = "monthly_requests" | "monthly_budget";

/** How many licenses have used at least each threshold of each monthly limit (a limit of 0 is unlimited). */
export type QuotaUse = Record<QuotaLimit, Record<(typeof QUOTA_THRESHOLDS)[number], number>>;

interface PlanLimits {
  _id: mongoose.Types.ObjectId;
  monthly_requests: number;
  monthly_budget_micros: number;
}

/**
 * Counts licenses near or at their monthly request quota and budget, for gauges (per-license labels would give
 * one series per customer). Three reads: the plans (a handful), the month counters that reach 80 % of the
 * smallest limit of any plan (usually few), and those counters' licenses by id. The budget counts committed cost
 * (settled plus reserved for calls in flight), as admission does.
 */
export async function readQuotaUse(models: Models, clock: Clock): Promise<QuotaUse> {
  const use: QuotaUse = { monthly_requests: { 0.8: 0, 1: 0 }, monthly_budget: { 0.8: 0, 1: 0 } };
  const plans = await models.Plan.find({}, { monthly_requests: 1, monthly_budget_micros: 1 }).lean<PlanLimits[]>().exec();
  const smallest = (values: number[]): number | undefined => (values.length === 0 ? undefined : Math.min(...values));
  const requestFloor = smallest(plans.map((plan) => plan.monthly_requests).filter((limit) => limit > 0));
  const budgetFloor = smallest(plans.map((plan) => plan.monthly_budget_micros).filter((limit) => limit > 0));
  const near: Array<Record<string, unknown>> = [];
  if (requestFloor !== undefined) near.push({ requests: { $gte: Math.floor(requestFloor * QUOTA_THRESHOLDS[0]) } });
  if (budgetFloor !== undefined)
    near.push({ $expr: { $gte: [{ $add: ["$cost_micros", "$reserved_micros"] }, budgetFloor * QUOTA_THRESHOLDS[0]] } });
  if (near.length === 0) return use;
  const counters = await models.UsageCounter.find(
    { window: monthWindow(new Date(clock())), $or: near },
    { license_id: 1, requests: 1, cost_micros: 1, reserved_micros: 1 },
  )
    .lean<Array<{ license_id: mongoose.Types.ObjectId; requests: number; cost_micros: number; reserved_micros: number }>>()
    .exec();
  if (counters.length === 0) return use;
  const licenses = await models.License.find({ _id: { $in: counters.map((counter) => counter.license_id) } }, { plan_id: 1 })
    .lean<Array<{ _id: mongoose.Types.ObjectId; plan_id: mongoose.Types.ObjectId }>>()
    .exec();
  const planOf = new Map(licenses.map((license) => [license._id.toHexString(), license.plan_id.toHexString()]));
  const plansById = new Map(plans.map((plan) => [plan._id.toHexString(), plan]));
  for (const counter of counters) {
    const plan = plansById.get(planOf.get(counter.license_id.toHexString()) ?? "");
    if (!plan) continue;
    count(use.monthly_requests, counter.requests, plan.monthly_requests);
    count(use.monthly_budget, counter.cost_micros + counter.reserved_micros, plan.monthly_budget_micros);
  }
  return use;
}

function count(into: QuotaUse[QuotaLimit], used: number, limit: number): void {
  if (limit <= 0) return;
  for (const threshold of QUOTA_THRESHOLDS) if (used >= limit * threshold) into[threshold]++;
}
