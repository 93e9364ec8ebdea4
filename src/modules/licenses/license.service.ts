import { type mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import { inTransaction, type Session } from "../../db/transaction";
import { containsText, paginate, type Page, type PageRequest } from "../../db/pagination";
import { badInput, conflict, DomainError, isDuplicateKey, notFound } from "../../errors";
import { lastFour, type Secrets } from "../../security/secrets";
import type { ActivityService, Actor } from "../activity/activity.service";
import type { Plan } from "../plans/plan.model";
import type { PlanService } from "../plans/plan.service";
import { LicenseStatus, type License } from "./license.model";
import { generateLicenseKey, MAX_KEY_LENGTH } from "./license-key";

export interface IssueLicense {
  customerId: mongoose.Types.ObjectId;
  plan: string;
  domain?: string | null;
  expiresAt?: Date | null;
  metadata?: Record<string, unknown>;
  /** The Paddle subscription (`sub_…`) the license is sold by. */
  paddleSubscriptionId?: string | null;
  /** The Paddle one-time purchase (`txn_…`) the license was bought with (Founders); unique. */
  paddleTransactionId?: string | null;
}

/** What a caller adds to a license change (billing webhooks: the event that caused it, and their own writes). */
export interface ChangeOptions<Extra extends unknown[] = []> {
  /** Why: a webhook event id (`evt_…`); kept as `details.cause` in the activity log. */
  cause?: string;
  /** Writes that must happen with the change or not at all (an outbox message, billing state), in its transaction. */
  alsoInTransaction?: (session: Session, license: License, ...extra: Extra) => Promise<void>;
  /**
   * Checked on the license as read inside the transaction (transitions only): false refuses the change with a
   * CONFLICT whose details say `precondition: true`. Billing uses it so that it never overrides a change someone
   * else made after it decided (e.g. reactivating a license an admin has just suspended).
   */
  onlyIf?: (license: License) => boolean;
}

export interface LicenseFilter {
  status?: LicenseStatus | null;
  plan?: string | null;
  customerId?: mongoose.Types.ObjectId | null;
  /** Matches the customer's email, name or company. */
  search?: string | null;
  keyLast4?: string | null;
}

const KEY_ATTEMPTS = 10;

export class LicenseService {
  constructor(
    private readonly models: Models,
    private readonly secrets: Secrets,
    private readonly plans: PlanService,
    private readonly activity: ActivityService,
  ) {}

  async get(id: mongoose.Types.ObjectId): Promise<License> {
    const license = await this.models.License.findById(id).lean<License>().exec();
    if (!license) throw notFound("License");
    return license;
  }

  /** Looks a key up by its keyed digest: exact and case-sensitive. */
  async findByKey(key: string): Promise<License | null> {
    if (key.length === 0) return null;
    // A key over the length limit is never found (plugin contract §2.2), but it costs the same indexed read as an
    // unknown key (of a digest no license has: digests are never empty), so its timing does not tell (K4).
    const digest = key.length > MAX_KEY_LENGTH ? "" : this.secrets.digest(key);
    return this.models.License.findOne({ key_digest: digest }).lean<License>().exec();
  }

  async list(filter: LicenseFilter, page: PageRequest): Promise<Page<License>> {
    const query: Record<string, unknown> = {};
    if (filter.status) query.status = filter.status;
    if (filter.customerId) query.customer_id = filter.customerId;
    if (filter.keyLast4) query.key_last4 = filter.keyLast4.toUpperCase();
    if (filter.plan) query.plan_id = (await this.plans.byName(filter.plan))._id;
    if (filter.search) {
      const text = containsText(filter.search);
      const customers = await this.models.Customer.find({ $or: [{ email: text }, { name: text }, { company: text }] }, { _id: 1 })
        .limit(1000)
        .lean()
        .exec();
      const matching = customers.map((customer) => customer._id);
      // With both filters, the customer must also match the search.
      query.customer_id = filter.customerId
        ? matching.some((id) => id.equals(filter.customerId as mongoose.Types.ObjectId))
          ? filter.customerId
          : { $in: [] }
        : { $in: matching };
    }
    return paginate<License>(this.models.License, query, page);
  }

  /**
   * Issues a license and returns its key, which is shown only here. A lifetime plan's seat is taken in the same
   * transaction that writes the license, so a seat is never held without its license (nor the reverse).
   */
  async issue(input: IssueLicense, actor: Actor, options: ChangeOptions<[key: string]> = {}): Promise<{ key: string; license: License }> {
    const customer = await this.models.Customer.findById(input.customerId).lean().exec();
    if (!customer) throw notFound("Customer");
    const plan = await this.plans.byName(input.plan);
    if (!plan.is_active) throw badInput(`Plan "${plan.name}" is not on sale`);
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw badInput("expiresAt must be in the future");
    for (let attempt = 1; ; attempt++) {
      const key = generateLicenseKey();
      try {
        return await inTransaction(this.models, async (session) => {
          if (plan.is_lifetime) await this.plans.takeLifetimeSeat(plan, session);
          const license = await this.insert(key, input, plan, session);
          await this.activity.record(
            actor,
            {
              action: "license.issued",
              licenseId: license._id,
              customerId: customer._id,
              details: withCause({ plan: plan.name }, options),
            },
            session,
          );
          await options.alsoInTransaction?.(session, license, key);
          return { key, license };
        });
      } catch (error) {
        // 128 random bits colliding with a stored key: never seen, but a retry with another key is cheap. A second
        // license for one purchase (the unique paddle_transaction_id) is no collision: another key would not help.
        if (!isDuplicateKey(error) || isDuplicatePurchase(error) || attempt >= KEY_ATTEMPTS) throw error;
      }
    }
  }

  private async insert(key: string, input: IssueLicense, plan: Plan, session: Session): Promise<License> {
    const [created] = await this.models.License.create(
      [
        {
          key_digest: this.secrets.digest(key),
          key_encrypted: this.secrets.encrypt(key),
          key_last4: lastFour(key),
          customer_id: input.customerId,
          plan_id: plan._id,
          domain: input.domain ?? null,
          status: LicenseStatus.active,
          activated_at: new Date(),
          // Lifetime licenses never expire; monthly ones are kept alive by billing.
          expires_at: plan.is_lifetime ? null : (input.expiresAt ?? null),
          metadata: input.metadata ?? {},
          ...(input.paddleSubscriptionId ? { paddle_subscription_id: input.paddleSubscriptionId } : {}),
          ...(input.paddleTransactionId ? { paddle_transaction_id: input.paddleTransactionId } : {}),
        },
      ],
      { session },
    );
    return created.toObject() as License;
  }

  async suspend(id: mongoose.Types.ObjectId, reason: string, actor: Actor, options: ChangeOptions = {}): Promise<License> {
    return this.transition(id, actor, "license.suspended", options, (license) => {
      if (license.status === LicenseStatus.cancelled) throw badInput("A cancelled license cannot be suspended");
      return { status: LicenseStatus.suspended, status_reason: reason };
    });
  }

  async reactivate(id: mongoose.Types.ObjectId, actor: Actor, options: ChangeOptions = {}): Promise<License> {
    return this.transition(id, actor, "license.reactivated", options, (license) => {
      if (license.status === LicenseStatus.cancelled) throw badInput("A cancelled license cannot be reactivated; issue a new one");
      if (license.expires_at && license.expires_at.getTime() <= Date.now()) throw badInput("The license has expired: extend it first");
      return { status: LicenseStatus.active, status_reason: null };
    });
  }

  /** Cancels a license; a lifetime license gives its seat back (in the same transaction). A reason, if given, is kept. */
  async cancel(id: mongoose.Types.ObjectId, actor: Actor, reason?: string, options: ChangeOptions = {}): Promise<License> {
    return this.transition(id, actor, "license.cancelled", options, (license) => {
      if (license.status === LicenseStatus.cancelled) throw badInput("The license is already cancelled");
      return reason === undefined ? { status: LicenseStatus.cancelled } : { status: LicenseStatus.cancelled, status_reason: reason };
    });
  }

  /** Moves a license to another plan: onto a lifetime plan takes one of its seats, off one gives it back. */
  async changePlan(id: mongoose.Types.ObjectId, planName: string, actor: Actor, options: ChangeOptions = {}): Promise<License> {
    const to = await this.plans.byName(planName);
    return this.transition(
      id,
      actor,
      "license.plan_changed",
      options,
      (license) => {
        if (license.status === LicenseStatus.cancelled) throw badInput("A cancelled license cannot change plan; issue a new one");
        if (license.plan_id.equals(to._id)) throw badInput(`The license is already on plan "${to.name}"`);
        return to.is_lifetime ? { plan_id: to._id, expires_at: null } : { plan_id: to._id };
      },
      ({ fromPlan }) => ({ from: fromPlan?.name, to: to.name }),
    );
  }

  async extend(id: mongoose.Types.ObjectId, expiresAt: Date | null, actor: Actor, options: ChangeOptions = {}): Promise<License> {
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw badInput("expiresAt must be in the future (or null for no expiry)");
    return this.transition(id, actor, "license.extended", options, (license) => ({
      expires_at: expiresAt,
      // A license that had only run out comes back to life when extended.
      ...(license.status === LicenseStatus.expired ? { status: LicenseStatus.active } : {}),
    }));
  }

  /** Replaces the key: the old one stops working at once. Returns the new key (shown only here). */
  async rotateKey(id: mongoose.Types.ObjectId, actor: Actor): Promise<{ key: string; license: License }> {
    const license = await this.get(id);
    for (let attempt = 1; ; attempt++) {
      const key = generateLicenseKey();
      try {
        const updated = await this.models.License.findOneAndUpdate(
          { _id: id },
          { $set: { key_digest: this.secrets.digest(key), key_encrypted: this.secrets.encrypt(key), key_last4: lastFour(key) } },
          { returnDocument: "after" },
        )
          .lean<License>()
          .exec();
        if (!updated) throw notFound("License");
        await this.activity.record(actor, {
          action: "license.key_rotated",
          licenseId: id,
          customerId: license.customer_id,
          details: { previousLast4: license.key_last4 },
        });
        return { key, license: updated };
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= KEY_ATTEMPTS) throw error;
      }
    }
  }

  /** Decrypts the stored key for an admin; every reveal is in the audit log, with the admin's note (why) if given. */
  async revealKey(id: mongoose.Types.ObjectId, actor: Actor, note?: string | null): Promise<string> {
    const license = await this.get(id);
    const key = this.secrets.decrypt(license.key_encrypted);
    const details = note ? { note } : {};
    await this.activity.record(actor, { action: "license.key_revealed", licenseId: id, customerId: license.customer_id, details });
    return key;
  }

  /**
   * Every change of a license's status or plan: decided from the license as read, written only if the license is
   * still in that state (status and plan), in one transaction with the lifetime seats the change moves. Two
   * transitions racing on one license cannot both apply, and a seat moves exactly when its transition does.
   */
  private async transition(
    id: mongoose.Types.ObjectId,
    actor: Actor,
    action: string,
    options: ChangeOptions,
    decide: (license: License) => Record<string, unknown>,
    describe?: (plans: { fromPlan: Plan | null }) => Record<string, unknown>,
  ): Promise<License> {
    return inTransaction(this.models, async (session) => {
      const license = await this.models.License.findById(id).session(session).lean<License>().exec();
      if (!license) throw notFound("License");
      if (options.onlyIf && !options.onlyIf(license)) {
        throw conflict("The license is no longer in the state this change was decided on", { precondition: true });
      }
      const changes = decide(license);
      const updated = await this.models.License.findOneAndUpdate(
        { _id: id, status: license.status, plan_id: license.plan_id },
        { $set: changes },
        { returnDocument: "after", session },
      )
        .lean<License>()
        .exec();
      if (!updated) throw new DomainError("CONFLICT", "The license changed meanwhile; try again");
      const fromPlan = await this.models.Plan.findById(license.plan_id).session(session).lean<Plan>().exec();
      const toPlan = updated.plan_id.equals(license.plan_id)
        ? fromPlan
        : await this.models.Plan.findById(updated.plan_id).session(session).lean<Plan>().exec();
      await this.moveLifetimeSeats({ license, plan: fromPlan }, { license: updated, plan: toPlan }, session);
      const details = withCause(describe ? describe({ fromPlan }) : { from: license.status, ...changes }, options);
      await this.activity.record(actor, { action, licenseId: id, customerId: license.customer_id, details }, session);
      await options.alsoInTransaction?.(session, updated);
      return updated;
    });
  }

  /** A live (not cancelled) license holds a seat of its plan when that plan is lifetime; this moves it along. */
  private async moveLifetimeSeats(before: LicenseOnPlan, after: LicenseOnPlan, session: Session): Promise<void> {
    const heldBefore = lifetimeSeatOf(before);
    const heldAfter = lifetimeSeatOf(after);
    if (heldBefore && heldAfter && heldBefore._id.equals(heldAfter._id)) return;
    if (heldAfter) await this.plans.takeLifetimeSeat(heldAfter, session);
    if (heldBefore) await this.plans.releaseLifetimeSeat(heldBefore._id, session);
  }
}

function isDuplicatePurchase(error: Error & { keyPattern?: Record<string, unknown> }): boolean {
  return error.keyPattern?.["paddle_transaction_id"] !== undefined || error.message.includes("paddle_transaction_id");
}

function withCause(details: Record<string, unknown>, options: { cause?: string }): Record<string, unknown> {
  return options.cause === undefined ? details : { ...details, cause: options.cause };
}

interface LicenseOnPlan {
  license: License;
  plan: Plan | null;
}

function lifetimeSeatOf({ license, plan }: LicenseOnPlan): Plan | null {
  return license.status !== LicenseStatus.cancelled && plan?.is_lifetime ? plan : null;
}
