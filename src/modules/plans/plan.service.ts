import type { mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import type { Session } from "../../db/transaction";
import { badInput, conflict, notFound } from "../../errors";
import type { ActivityService, Actor } from "../activity/activity.service";
import { NotificationKind } from "../notifications/notification.model";
import type { NotificationOutbox } from "../notifications/notification-outbox.service";
import type { AllowedModels, Plan } from "./plan.model";
import { PLAN_SEED } from "./plan.seed";

export interface PlanChanges {
  monthly_requests?: number;
  requests_per_minute?: number;
  requests_per_hour?: number;
  monthly_budget_micros?: number;
  max_sites?: number;
  max_tokens?: number;
  cost_per_1k_tokens_micros?: number;
  price_cents?: number;
  allowed_models?: AllowedModels;
  lifetime_limit?: number | null;
  is_active?: boolean;
  paddle_price_ids?: string[];
}

export class PlanService {
  constructor(
    private readonly models: Models,
    private readonly activity: ActivityService,
    private readonly notifications: NotificationOutbox,
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
   * The sale that brings a capped plan to 90 % of its limit also writes the operators' message, in that transaction.
   */
  async takeLifetimeSeat(plan: Pick<Plan, "_id" | "name">, session: Session): Promise<void> {
    const result = await this.models.Plan.updateOne(
      { _id: plan._id, $or: [{ lifetime_limit: null }, { $expr: { $lt: ["$lifetime_sold", "$lifetime_limit"] } }] },
      { $inc: { lifetime_sold: 1 } },
      { session },
    ).exec();
    if (result.modifiedCount === 0) throw conflict(`${plan.name === "founders" ? "Founders Deal" : `Plan ${plan.name}`} sold out`);
    // Read in the same transaction: it sees this sale's own increment, and a concurrent sale conflicts with it.
    const after = await this.models.Plan.findById(plan._id, { name: 1, lifetime_sold: 1, lifetime_limit: 1 }, { session })
      .lean<Pick<Plan, "_id" | "name" | "lifetime_sold" | "lifetime_limit">>()
      .exec();
    if (after?.lifetime_limit && after.lifetime_sold * 10 >= after.lifetime_limit * 9) await this.noteAlmostSoldOut(after, session);
  }

  /** Once per plan (the idempotency key): every later sale finds the message written and writes nothing. */
  private async noteAlmostSoldOut(plan: Pick<Plan, "_id" | "name" | "lifetime_sold" | "lifetime_limit">, session: Session): Promise<void> {
    const limit = plan.lifetime_limit ?? 0;
    const title = plan.name === "founders" ? "Founders Deal" : `Plan ${plan.name}`;
    await this.notifications.enqueue(
      {
        kind: NotificationKind.founders_almost_sold_out,
        idempotencyKey: `founders_almost_sold_out:${plan._id.toHexString()}:90`,
        subject: `${title}: 90 % sold (${plan.lifetime_sold} of ${limit})`,
        data: { planId: plan._id.toHexString(), plan: plan.name, sold: plan.lifetime_sold, limit, remaining: limit - plan.lifetime_sold },
        cause: "system",
      },
      session,
    );
  }

  async releaseLifetimeSeat(planId: mongoose.Types.ObjectId, session: Session): Promise<void> {
    await this.models.Plan.updateOne({ _id: planId, lifetime_sold: { $gt: 0 } }, { $inc: { lifetime_sold: -1 } }, { session }).exec();
  }
}
