import type { Models } from "../../db/models";
import { inTransaction, type Session } from "../../db/transaction";
import { DomainError, isDuplicateKey } from "../../errors";
import type { ActivityService, Actor } from "../activity/activity.service";
import type { Plan } from "../plans/plan.model";
import type { Activation } from "./activation.model";
import type { License } from "./license.model";
import { normaliseSiteUrl, type NormalisedSite } from "./site-url";

const ACTIVATION_ROUNDS = 3;

export interface SeatCounts {
  activeSites: number;
  /** -1: unlimited. */
  maxSites: number;
  /** null when unlimited. */
  sitesRemaining: number | null;
}

export type ActivationRefusal =
  | { ok: false; code: "INVALID_INPUT"; error: "Invalid site_url" }
  | { ok: false; code: "TOO_MANY_SITES"; error: "Site limit reached"; seats: SeatCounts };

export type ActivationOutcome = { ok: true; activation: Activation; newlyActivated: boolean; seats: SeatCounts } | ActivationRefusal;

const INVALID_SITE: ActivationRefusal = { ok: false, code: "INVALID_INPUT", error: "Invalid site_url" };

/**
 * Site activations (plugin contract §5). A seat is the license's `active_sites` counter, guarded by `max_sites`,
 * and it moves in one transaction with the activation record it stands for: concurrent activations never exceed
 * the plan, activating an active site always succeeds, and no crash between the two writes can leave the counter
 * apart from the non-development activations. The unique (license, site) index makes activation idempotent.
 */
export class ActivationService {
  constructor(
    private readonly models: Models,
    private readonly activity: ActivityService,
  ) {}

  async activate(license: License, plan: Plan, rawSite: unknown, actor: Actor): Promise<ActivationOutcome> {
    const normalised = normaliseSiteUrl(rawSite);
    if (!normalised) return INVALID_SITE;
    // A site activated and deactivated by others while this runs is looked at again; three rounds is plenty.
    for (let round = 1; round <= ACTIVATION_ROUNDS; round++) {
      // The common case (a site checking in again) is one write, outside any transaction.
      const refreshed = await this.refresh(license, normalised.site);
      if (refreshed) return this.activated(license, plan, refreshed, false);
      const created = await this.create(license, plan, normalised, actor);
      if (created === "full")
        return { ok: false, code: "TOO_MANY_SITES", error: "Site limit reached", seats: await this.seats(license, plan) };
      if (created !== "exists") return this.activated(license, plan, created, true);
    }
    throw new DomainError("CONFLICT", "The site's activation kept changing meanwhile; try again");
  }

  /** The seat and the activation record, together or not at all. "exists": someone else activated the site first. */
  private async create(
    license: License,
    plan: Plan,
    { site, isDevelopment }: NormalisedSite,
    actor: Actor,
  ): Promise<Activation | "full" | "exists"> {
    try {
      return await inTransaction(this.models, async (session) => {
        const activatedMeanwhile = () => this.models.Activation.exists({ license_id: license._id, site }).session(session);
        if (await activatedMeanwhile()) return "exists";
        if (!isDevelopment && !(await this.takeSeat(license, plan, session))) {
          // The seat may have gone to this very site, committed since the check above (read-committed engines).
          return (await activatedMeanwhile()) ? "exists" : "full";
        }
        const now = new Date();
        const [activation] = await this.models.Activation.create(
          [{ license_id: license._id, site, is_development: isDevelopment, activated_at: now, last_seen_at: now }],
          { session },
        );
        await this.activity.record(
          actor,
          { action: "site.activated", licenseId: license._id, customerId: license.customer_id, details: { site, isDevelopment } },
          session,
        );
        return activation.toObject() as Activation;
      });
    } catch (error) {
      // The same site committed by a concurrent activation first: the unique index answered for it.
      if (isDuplicateKey(error)) return "exists";
      throw error;
    }
  }

  /** Frees a site's seat; false when the site was not active (or the URL is invalid). */
  async deactivate(
    license: License,
    rawSite: unknown,
    actor: Actor,
  ): Promise<{ ok: boolean; site: string | null; isDevelopment: boolean }> {
    const normalised = normaliseSiteUrl(rawSite);
    if (!normalised) return { ok: false, site: null, isDevelopment: false };
    const removed = await inTransaction(this.models, async (session) => {
      const activation = await this.models.Activation.findOneAndDelete({ license_id: license._id, site: normalised.site }, { session })
        .lean<Activation>()
        .exec();
      if (!activation) return null;
      if (!activation.is_development) await this.releaseSeat(license, session);
      await this.activity.record(
        actor,
        { action: "site.deactivated", licenseId: license._id, customerId: license.customer_id, details: { site: activation.site } },
        session,
      );
      return activation;
    });
    if (!removed) return { ok: false, site: normalised.site, isDevelopment: normalised.isDevelopment };
    return { ok: true, site: removed.site, isDevelopment: removed.is_development };
  }

  list(license: License): Promise<Activation[]> {
    return this.models.Activation.find({ license_id: license._id }).sort({ activated_at: 1 }).lean<Activation[]>().exec();
  }

  async seats(license: License, plan: Plan): Promise<SeatCounts> {
    const current = await this.models.License.findById(license._id, { active_sites: 1 }).lean<Pick<License, "active_sites">>().exec();
    const activeSites = current?.active_sites ?? 0;
    return {
      activeSites,
      maxSites: plan.max_sites,
      sitesRemaining: plan.max_sites === -1 ? null : Math.max(0, plan.max_sites - activeSites),
    };
  }

  private async refresh(license: License, site: string): Promise<Activation | null> {
    return this.models.Activation.findOneAndUpdate(
      { license_id: license._id, site },
      { $set: { last_seen_at: new Date() } },
      { returnDocument: "after" },
    )
      .lean<Activation>()
      .exec();
  }

  private async activated(license: License, plan: Plan, activation: Activation, newlyActivated: boolean): Promise<ActivationOutcome> {
    return { ok: true, activation, newlyActivated, seats: await this.seats(license, plan) };
  }

  private async takeSeat(license: License, plan: Plan, session: Session): Promise<boolean> {
    const guard = plan.max_sites === -1 ? {} : { active_sites: { $lt: plan.max_sites } };
    const result = await this.models.License.updateOne({ _id: license._id, ...guard }, { $inc: { active_sites: 1 } }, { session }).exec();
    return result.modifiedCount === 1;
  }

  private async releaseSeat(license: License, session: Session): Promise<void> {
    await this.models.License.updateOne({ _id: license._id }, { $inc: { active_sites: -1 } }, { session }).exec();
  }
}
