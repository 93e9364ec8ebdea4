import type { mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import type { Session } from "../../db/transaction";
import { badInput, conflict, notFound } from "../../errors";
import type { ActivityService, Actor } from "../activity/activity.service";
import type { AllowedModels, Plan } from "./plan.model";
import { PLAN_SEED } from "./plan.seed";

export interface PlanChanges {
  monthly_requests?: number;
  requests_per_minute?: number;
  requests_per_hour?: number;
  monthly_budget_micros?: number;
  max_sites?: number;
  max_tokens?: number;
  allowed_models?: AllowedModels;
  lifetime_limit?: number | null;
  is_active?: boolean;
  paddle_price_ids?: string[];
}

export class PlanService {
  constructor(
    private readonly models: Models,
    private readonly activity: ActivityService,
  ) {}

  list(includeInactive: boolean): Promise<Plan[]> {
    return this.models.Plan.find(includeInactive ? {} : { is_active: true })
      .sort({ price_cents: 1 })
      .lean<Plan[]>()
      .exec();
  }

  async byName(name: string): Promise<Plan> {
    const plan = await this.models.Plan.findOne({ name }).lean<Plan>().exec();
    if (!plan) throw notFound(`Plan "${name}"`);
    return plan;
  }

  /** The plan a Paddle price sells, or null when no plan lists it. */
  async byPaddlePrice(priceId: string): Promise<Plan | null> {
    return this.models.Plan.findOne({ paddle_price_ids: priceId }).lean<Plan>().exec();
  }

  /** Inserts the contract's plans that are missing; existing plans (and admins' edits to them) are left alone. */
  async seed(): Promise<{ inserted: string[] }> {
    const inserted: string[] = [];
    for (const plan of PLAN_SEED) {
      const result = await this.models.Plan.updateOne({ name: plan.name }, { $setOnInsert: plan }, { upsert: true }).exec();
      if (result.upsertedCount > 0) inserted.push(plan.name);
    }
    return { inserted };
  }

  async update(name: string, changes: PlanChanges, actor: Actor): Promise<Plan> {
    const current = await this.byName(name);
    if (changes.max_sites !== undefined && changes.max_sites < -1) throw badInput("maxSites must be -1 (unlimited) or at least 0");
    if (changes.paddle_price_ids?.length) {
      const taken = await this.models.Plan.findOne({ _id: { $ne: current._id }, paddle_price_ids: { $in: changes.paddle_price_ids } })
        .lean<Plan>()
        .exec();
      if (taken) {
        const shared = changes.paddle_price_ids.filter((id) => taken.paddle_price_ids.includes(id));
        throw badInput(`Paddle price ${shared.join(", ")} already sells plan "${taken.name}": remove it there first`);
      }
    }
    const limit = changes.lifetime_limit;
    // Guarded by what is sold at the moment of the write, not when it was read: a sale racing this change
    // either lands first (and the new limit is refused) or finds the new limit in place.
    const guard = limit === undefined || limit === null ? {} : { lifetime_sold: { $lte: limit } };
    const updated = await this.models.Plan.findOneAndUpdate({ _id: current._id, ...guard }, { $set: changes }, { returnDocument: "after" })
      .lean<Plan>()
      .exec();
    if (!updated) {
      const now = await this.byName(name);
      throw badInput(`lifetimeLimit cannot be below the ${now.lifetime_sold} licenses already sold`);
    }
    await this.activity.record(actor, { action: "plan.updated", details: { plan: name, changes } });
    return updated;
  }

  /**
   * Takes one seat of a lifetime plan with one guarded increment, so the cap can never be oversold, whoever
   * sells (admin, CLI, webhook) and however many at once. Plans without a limit always succeed. Called inside the
   * transaction that creates or moves the license, so the seat and the license exist together or not at all.
   */
  async takeLifetimeSeat(plan: Pick<Plan, "_id" | "name">, session: Session): Promise<void> {
    const result = await this.models.Plan.updateOne(
      { _id: plan._id, $or: [{ lifetime_limit: null }, { $expr: { $lt: ["$lifetime_sold", "$lifetime_limit"] } }] },
      { $inc: { lifetime_sold: 1 } },
      { session },
    ).exec();
    if (result.modifiedCount === 0) throw conflict(`${plan.name === "founders" ? "Founders Deal" : `Plan ${plan.name}`} sold out`);
  }

  async releaseLifetimeSeat(planId: mongoose.Types.ObjectId, session: Session): Promise<void> {
    await this.models.Plan.updateOne({ _id: planId, lifetime_sold: { $gt: 0 } }, { $inc: { lifetime_sold: -1 } }, { session }).exec();
  }
}
