import type { mongoose } from "@typegoose/typegoose";
import type { Clock } from "../../clock";
import type { Models } from "../../db/models";
import { badInput } from "../../errors";
import type { License } from "../licenses/license.model";
import { monthWindow } from "../usage/usage-windows";

/** How many licenses one plan and status have (database-side $group: one row per pair). */
export interface LicenseCountRow {
  planId: string;
  plan: string;
  status: string;
  count: number;
}

/** A license's use of its monthly limits (its month counter against its plan); shares are decimal fractions. */
export interface QuotaUse {
  license: License;
  requests: number;
  /** 0: unlimited. */
  requestLimit: number;
  requestsShare: number;
  /** Settled cost plus in-flight reservations, micro-euros (what admission counts). */
  costMicros: number;
  /** 0: unlimited. */
  budgetMicros: number;
  budgetShare: number;
}

export const MAX_LIST = 100;

/**
 * The license figures of the dashboard's overview: counts by plan and status, licenses near their monthly quota,
 * licenses in a billing grace period. Each is one bounded query (aggregations run in the database).
 */
export class LicenseOverviewService {
  constructor(
    private readonly models: Models,
    private readonly clock: Clock,
  ) {}

  async counts(): Promise<LicenseCountRow[]> {
    const rows = await this.models.License.aggregate<{ _id: { plan: mongoose.Types.ObjectId; status: string }; count: number }>([
      { $group: { _id: { plan: "$plan_id", status: "$status" }, count: { $sum: 1 } } },
    ]).exec();
    const plans = await this.models.Plan.find({ _id: { $in: rows.map((row) => row._id.plan) } }, { name: 1 })
      .lean()
      .exec();
    const names = new Map(plans.map((plan) => [plan._id.toHexString(), plan.name]));
    return rows
      .map((row) => ({
        planId: row._id.plan.toHexString(),
        plan: names.get(row._id.plan.toHexString()) ?? "unknown",
        status: row._id.status,
        count: row.count,
      }))
      .sort((a, b) => a.plan.localeCompare(b.plan) || a.status.localeCompare(b.status));
  }

  /**
   * Licenses whose month counter (UTC month of now) has reached `share` (0.8 = 80 %) of the plan's monthly requests or
   * monthly budget, most used first. The first $match keeps only counters at or above the lowest threshold of any
   * plan (plans are few), so the two $lookups run on candidates only.
   */
  async nearQuota(share: number, first: number): Promise<QuotaUse[]> {
    if (!(share > 0 && share <= 10)) throw badInput("share must be a decimal fraction above 0, e.g. 0.8 for 80 %", { argument: "share" });
    checkFirst(first);
    const plans = await this.models.Plan.find({}, { monthly_requests: 1, monthly_budget_micros: 1 }).lean().exec();
    const requestLimits = plans.map((plan) => plan.monthly_requests).filter((limit) => limit > 0);
    const budgets = plans.map((plan) => plan.monthly_budget_micros).filter((limit) => limit > 0);
    const candidates: Array<Record<string, unknown>> = [];
    if (requestLimits.length > 0) candidates.push({ requests: { $gte: Math.min(...requestLimits) * share } });
    if (budgets.length > 0)
      candidates.push({ $expr: { $gte: [{ $add: ["$cost_micros", "$reserved_micros"] }, Math.min(...budgets) * share] } });
    if (candidates.length === 0) return [];
    const share_ = (used: string, limit: string) => ({ $cond: [{ $gt: [limit, 0] }, { $divide: [used, limit] }, 0] });
    const rows = await this.models.UsageCounter.aggregate<{
      license: License;
      requests: number;
      requestLimit: number;
      requestsShare: number;
      costMicros: number;
      budgetMicros: number;
      budgetShare: number;
    }>([
      { $match: { window: monthWindow(new Date(this.clock())), $or: candidates } },
      { $lookup: { from: this.models.License.collection.collectionName, localField: "license_id", foreignField: "_id", as: "license" } },
      { $unwind: "$license" },
      { $lookup: { from: this.models.Plan.collection.collectionName, localField: "license.plan_id", foreignField: "_id", as: "plan" } },
      { $unwind: "$plan" },
      {
        $project: {
          license: 1,
          requests: 1,
          requestLimit: "$plan.monthly_requests",
          costMicros: { $add: ["$cost_micros", "$reserved_micros"] },
          budgetMicros: "$plan.monthly_budget_micros",
        },
      },
      { $addFields: { requestsShare: share_("$requests", "$requestLimit"), budgetShare: share_("$costMicros", "$budgetMicros") } },
      { $addFields: { most: { $max: ["$requestsShare", "$budgetShare"] } } },
      { $match: { most: { $gte: share } } },
      { $sort: { most: -1, "license._id": 1 } },
      { $limit: first },
    ]).exec();
    return rows.map((row) => ({
      license: row.license,
      requests: row.requests,
      requestLimit: row.requestLimit,
      requestsShare: row.requestsShare,
      costMicros: row.costMicros,
      budgetMicros: row.budgetMicros,
      budgetShare: row.budgetShare,
    }));
  }

  /** Licenses in a billing grace period (grace_until set: payment past due), the soonest to end first (sparse index). */
  async inGrace(first: number): Promise<License[]> {
    checkFirst(first);
    return this.models.License.find({ grace_until: { $ne: null, $exists: true } })
      .sort({ grace_until: 1, _id: 1 })
      .limit(first)
      .lean<License[]>()
      .exec();
  }
}

export function checkFirst(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_LIST)
    throw badInput(`first must be a whole number from 1 to ${MAX_LIST}`, { argument: "first" });
}
