import type { Models } from "../../src/db/models";
import { LicenseStatus } from "../../src/modules/licenses/license.model";

export interface SeatMismatch {
  license: string;
  activeSites: number;
  activations: number;
}

export interface LifetimeMismatch {
  plan: string;
  sold: number;
  live: number;
  limit: number | null;
}

export interface LicensingState {
  /** Licenses whose `active_sites` differs from their non-development activations. */
  seats: SeatMismatch[];
  /** Lifetime plans whose `lifetime_sold` differs from their live (not cancelled) licenses, or exceeds the limit. */
  lifetime: LifetimeMismatch[];
}

/**
 * The counters the platform keeps against the records they count, read straight from the database: every
 * concurrency and crash test ends by expecting both lists empty.
 */
export async function licensingMismatches(models: Models): Promise<LicensingState> {
  const [licenses, activationCounts, plans, liveCounts] = await Promise.all([
    models.License.find({}, { active_sites: 1 }).lean().exec(),
    models.Activation.aggregate<{ _id: unknown; count: number }>([
      { $match: { is_development: false } },
      { $group: { _id: "$license_id", count: { $sum: 1 } } },
    ]).exec(),
    models.Plan.find({ is_lifetime: true }).lean().exec(),
    models.License.aggregate<{ _id: unknown; count: number }>([
      { $match: { status: { $ne: LicenseStatus.cancelled } } },
      { $group: { _id: "$plan_id", count: { $sum: 1 } } },
    ]).exec(),
  ]);
  const activations = new Map(activationCounts.map((row) => [String(row._id), row.count]));
  const live = new Map(liveCounts.map((row) => [String(row._id), row.count]));
  return {
    seats: licenses
      .map((license) => ({
        license: String(license._id),
        activeSites: license.active_sites ?? 0,
        activations: activations.get(String(license._id)) ?? 0,
      }))
      .filter((row) => row.activeSites !== row.activations),
    lifetime: plans
      .map((plan) => ({
        plan: plan.name,
        sold: plan.lifetime_sold,
        live: live.get(String(plan._id)) ?? 0,
        limit: plan.lifetime_limit ?? null,
      }))
      .filter((row) => row.sold !== row.live || (row.limit !== null && row.sold > row.limit)),
  };
}

/** Fails the test with the offending rows when any counter disagrees with its records. */
export async function expectLicensingInvariants(models: Models): Promise<void> {
  expect(await licensingMismatches(models)).toEqual({ seats: [], lifetime: [] });
}
