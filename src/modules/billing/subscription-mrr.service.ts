import type { mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import { inTransaction, type Session } from "../../db/transaction";
import { badInput } from "../../errors";
import type { BillingSubscription } from "./billing-subscription.model";
import { effectiveMrrCents, type ChargeDiscount } from "./subscription-mrr";
import type { SubscriptionStatus } from "./subscription-snapshot";

/** Who a subscription's MRR rows are about (mrr_changes columns other than the value, time and cause). */
export interface MrrSubject {
  subscriptionId: string;
  customerId: mongoose.Types.ObjectId;
  licenseId: mongoose.Types.ObjectId | null;
  planId: mongoose.Types.ObjectId | null;
  currency: string;
  status: string;
}

/** A completed recurring charge of a subscription (transaction.completed, origin `web` or `subscription_recurring`). */
export interface RecurringCharge {
  subscriptionId: string;
  /** The transaction's `details.totals.subtotal` and `discount`, in minor units (tax excluded either way). */
  subtotalCents: number;
  discountCents: number;
  currency: string;
  /** When the charge happened (the transaction event's occurred_at): the new MRR row's effective_at. */
  at: Date;
  /** The transaction event id: the row's cause. */
  cause: string;
}

/** The state fields the rows written here keep in step with (merged into the subscription's $set). */
export type MrrStateFields = Pick<BillingSubscription, "mrr_cents" | "mrr_plan_id" | "scheduled_mrr_cause">;

/**
 * Writes a subscription's `mrr_changes` rows (read by analytics): a row whenever its MRR or plan changes, and the
 * future zero row of a scheduled cancellation. Always inside the caller's transaction, so a row exists exactly when
 * the billing state (and license change) it goes with does; rows are upserted by (subscription, cause), so a retried
 * event writes nothing twice.
 */
export class SubscriptionMrrService {
  constructor(private readonly models: Models) {}

  /** A new current row at `at` when the MRR, plan or currency differs from the latest one written. */
  async syncCurrent(
    session: Session,
    state: BillingSubscription | null,
    subject: MrrSubject,
    mrrCents: number,
    at: Date,
    cause: string,
  ): Promise<Partial<MrrStateFields>> {
    const unchanged =
      state?.mrr_cents === mrrCents && String(state.mrr_plan_id ?? null) === String(subject.planId) && state.currency === subject.currency;
    if (unchanged) return {};
    await this.writeRow(session, subject, mrrCents, at, cause);
    return { mrr_cents: mrrCents, mrr_plan_id: subject.planId };
  }

  /**
   * Keeps one zero row at a scheduled cancellation's time: written when it is scheduled, moved when the time
   * changes, removed when the customer undoes it. An immediate cancellation before that time removes it too (its own
   * zero row comes first); once the time has passed the row stays, it is the churn.
   */
  async syncScheduledCancel(
    session: Session,
    state: BillingSubscription | null,
    subject: MrrSubject,
    scheduledCancelAt: Date | null,
    at: Date,
    cause: string,
  ): Promise<Partial<MrrStateFields>> {
    const previous = state?.scheduled_mrr_cause ?? null;
    const previousAt = state?.scheduled_cancel_at ?? null;
    const keep = scheduledCancelAt !== null && subject.status !== "canceled";
    if (keep && previous && previousAt?.getTime() === scheduledCancelAt.getTime()) return {};
    if (!keep && !previous) return {};
    const passed = previousAt !== null && previousAt.getTime() <= at.getTime();
    if (previous && !(subject.status === "canceled" && passed)) {
      await this.models.MrrChange.deleteOne({ subscription_id: subject.subscriptionId, cause: previous }, { session }).exec();
    }
    if (!keep) return { scheduled_mrr_cause: null };
    const scheduledCause = `${cause}:scheduled_cancel`;
    await this.writeRow(session, { ...subject, status: "canceled" }, 0, scheduledCancelAt, scheduledCause);
    return { scheduled_mrr_cause: scheduledCause };
  }

  /**
   * Called by the transaction lifecycle on each completed recurring charge: keeps that charge's discount ratio
   * (discount ÷ subtotal) on the subscription and re-writes its MRR as list MRR × (1 − ratio); a later charge
   * without a discount sets it back to the list MRR. A charge of a subscription not seen yet only keeps the ratio
   * (its first snapshot uses it). Pass the caller's session to make it part of its transaction.
   */
  async applyRecurringCharge(charge: RecurringCharge, session?: Session): Promise<void> {
    if (!Number.isSafeInteger(charge.subtotalCents) || !Number.isSafeInteger(charge.discountCents) || charge.discountCents < 0) {
      throw badInput("A recurring charge needs whole, non-negative subtotal and discount amounts in minor units");
    }
    if (session) return this.applyCharge(charge, session);
    return inTransaction(this.models, (own) => this.applyCharge(charge, own));
  }

  private async applyCharge(charge: RecurringCharge, session: Session): Promise<void> {
    const discount: ChargeDiscount = { discountCents: charge.discountCents, subtotalCents: charge.subtotalCents };
    const state = await this.models.BillingSubscription.findOne({ key: charge.subscriptionId })
      .session(session)
      .lean<BillingSubscription>()
      .exec();
    const set: Record<string, unknown> = { discount_cents: discount.discountCents, discount_subtotal_cents: discount.subtotalCents };
    if (state?.status && state.customer_id && state.license_id && state.list_mrr_cents !== undefined) {
      const mrr = effectiveMrrCents(state.list_mrr_cents, state.status as SubscriptionStatus, discount);
      const subject: MrrSubject = {
        subscriptionId: charge.subscriptionId,
        customerId: state.customer_id,
        licenseId: state.license_id,
        planId: state.plan_id ?? null,
        currency: state.currency ?? charge.currency.toUpperCase(),
        status: state.status,
      };
      Object.assign(set, await this.syncCurrent(session, state, subject, mrr, charge.at, charge.cause));
    }
    // The ordering fields are required: a charge that comes first creates the row the way the processor would.
    await this.models.BillingSubscription.updateOne(
      { key: charge.subscriptionId },
      { $set: set, $setOnInsert: { last_occurred_at: new Date(0), last_event_id: charge.cause } },
      { upsert: true, session },
    ).exec();
  }

  private async writeRow(session: Session, subject: MrrSubject, mrrCents: number, at: Date, cause: string): Promise<void> {
    await this.models.MrrChange.updateOne(
      { subscription_id: subject.subscriptionId, cause },
      {
        $set: {
          customer_id: subject.customerId,
          license_id: subject.licenseId,
          plan_id: subject.planId,
          mrr_cents: mrrCents,
          currency: subject.currency,
          effective_at: at,
          status: subject.status,
        },
      },
      { upsert: true, session },
    ).exec();
  }
}
