import type { Models } from "../../db/models";
import { isDuplicateKey } from "../../errors";
import type { ActivityService, Actor } from "../activity/activity.service";
import type { Plan } from "../plans/plan.model";
import type { Activation } from "./activation.model";
import type { License } from "./license.model";
import { normaliseSiteUrl } from "./site-url";

export interface SeatCounts {
  activeSites: number;
  /** -1: unlimited. */
  maxSites: number;
  /** null when unlimited. */
  sitesRemaining: number | null;
}

export type ActivationOutcome =
  | { ok: true; activation: Activation; newlyActivated: boolean; seats: SeatCounts }
  | { ok: false; code: "INVALID_INPUT" }
  | { ok: false; code: "TOO_MANY_SITES"; seats: SeatCounts };

/**
 * Site activations (plugin contract §5). Seats are taken with one guarded increment of the license's
 * `active_sites` (below `max_sites`), and a unique (license, site) index makes activation idempotent, so
 * concurrent activations never exceed the plan and the counter always equals the non-development activations.
 */
export class ActivationService {
  constructor(
    private readonly models: Models,
    private readonly activity: ActivityService,
  ) {}

  async activate(license: License, plan: Plan, rawSite: unknown, actor: Actor): Promise<ActivationOutcome> {
    const normalised = normaliseSiteUrl(rawSite);
    if (!normalised) return { ok: false, code: "INVALID_INPUT" };
    const { site, isDevelopment } = normalised;
    const refreshed = await this.refresh(license, site);
    if (refreshed) return { ok: true, activation: refreshed, newlyActivated: false, seats: await this.seats(license, plan) };

    const usesSeat = !isDevelopment;
    if (usesSeat && !(await this.takeSeat(license, plan))) {
      // The same site may have been activated meanwhile by a concurrent request: that is not a new seat.
      const concurrent = await this.refresh(license, site);
      if (concurrent) return { ok: true, activation: concurrent, newlyActivated: false, seats: await this.seats(license, plan) };
      return { ok: false, code: "TOO_MANY_SITES", seats: await this.seats(license, plan) };
    }
    const now = new Date();
    try {
      const created = await this.models.Activation.create({ license_id: license._id, site, is_development: isDevelopment, activated_at: now, last_seen_at: now });
      await this.activity.record(actor, { action: "site.activated", licenseId: license._id, customerId: license.customer_id, details: { site, isDevelopment } });
      return { ok: true, activation: created.toObject() as Activation, newlyActivated: true, seats: await this.seats(license, plan) };
    } catch (error) {
      if (usesSeat) await this.releaseSeat(license);
      // The same site activated concurrently: the other request created it, this one only refreshes it.
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.refresh(license, site);
      if (!existing) throw error;
      return { ok: true, activation: existing, newlyActivated: false, seats: await this.seats(license, plan) };
    }
  }

  /** Frees a site's seat; false when the site was not active (or the URL is invalid). */
  async deactivate(license: License, rawSite: unknown, actor: Actor): Promise<{ ok: boolean; site: string | null; isDevelopment: boolean }> {
    const normalised = normaliseSiteUrl(rawSite);
    if (!normalised) return { ok: false, site: null, isDevelopment: false };
    const removed = await this.models.Activation.findOneAndDelete({ license_id: license._id, site: normalised.site }).lean<Activation>().exec();
    if (!removed) return { ok: false, site: normalised.site, isDevelopment: normalised.isDevelopment };
    if (!removed.is_development) await this.releaseSeat(license);
    await this.activity.record(actor, { action: "site.deactivated", licenseId: license._id, customerId: license.customer_id, details: { site: removed.site } });
    return { ok: true, site: removed.site, isDevelopment: removed.is_development };
  }

  list(license: License): Promise<Activation[]> {
    return this.models.Activation.find({ license_id: license._id }).sort({ activated_at: 1 }).lean<Activation[]>().exec();
  }

  async seats(license: License, plan: Plan): Promise<SeatCounts> {
    const current = await this.models.License.findById(license._id, { active_sites: 1 }).lean<Pick<License, "active_sites">>().exec();
    const activeSites = current?.active_sites ?? 0;
    return { activeSites, maxSites: plan.max_sites, sitesRemaining: plan.max_sites === -1 ? null : Math.max(0, plan.max_sites - activeSites) };
  }

  private async refresh(license: License, site: string): Promise<Activation | null> {
    return this.models.Activation.findOneAndUpdate({ license_id: license._id, site }, { $set: { last_seen_at: new Date() } }, { returnDocument: "after" }).lean<Activation>().exec();
  }

  private async takeSeat(license: License, plan: Plan): Promise<boolean> {
    const guard = plan.max_sites === -1 ? {} : { active_sites: { $lt: plan.max_sites } };
    const result = await this.models.License.updateOne({ _id: license._id, ...guard }, { $inc: { active_sites: 1 } }).exec();
    return result.modifiedCount === 1;
  }

  private async releaseSeat(license: License): Promise<void> {
    await this.models.License.updateOne({ _id: license._id, active_sites: { $gt: 0 } }, { $inc: { active_sites: -1 } }).exec();
  }
}
