import type { mongoose } from "@typegoose/typegoose";
import type { Clock } from "../../clock";
import type { Models } from "../../db/models";
import type { Session } from "../../db/transaction";
import { paginate, type Page, type PageRequest } from "../../db/pagination";
import type { ActivityService } from "../activity/activity.service";
import type { Customer } from "../customers/customer.model";
import { LicenseStatus, type License } from "../licenses/license.model";
import type { NotificationOutbox } from "../notifications/notification-outbox.service";
import type { BillingSubscription } from "./billing-subscription.model";
import { gracePeriodMessage } from "./billing-messages";
import { PADDLE_ACTOR } from "./paddle-actor";
import { effectiveMrrCents, listMrrCents } from "./subscription-mrr";
import type { MrrSubject, SubscriptionMrrService } from "./subscription-mrr.service";
import type { SubscriptionSnapshot } from "./subscription-snapshot";

const DAY_MS = 24 * 60 * 60 * 1000;

/** A newer snapshot of the subscription was applied while this one was being applied: this one stops, unapplied. */
export class SupersededSnapshot extends Error {
  constructor(subscriptionId: string) {
    super(`a newer event for ${subscriptionId} was applied meanwhile`);
    this.name = "SupersededSnapshot";
  }
}

/**
 * Writes what a subscription snapshot says into the subscription's billing state, inside the transaction of the
 * license change it goes with (or its own): status, period, scheduled cancellation, past-due grace, list MRR and
 * the mrr_changes rows, and the grace period on the license itself (so /api/validate needs no extra read). Each
 * write first checks that no newer snapshot was applied: two events of one subscription running at once on two
 * instances both write this document, so their transactions conflict and the older one finds the newer's mark.
 */
export class SubscriptionStateService {
  constructor(
    private readonly models: Models,
    private readonly activity: ActivityService,
    private readonly notifications: NotificationOutbox,
    private readonly mrr: SubscriptionMrrService,
    private readonly graceDays: number,
    private readonly clock: Clock,
  ) {}

  /** The state as stored (outside a transaction: for deciding; decisions are re-checked by the guarded writes). */
  find(subscriptionId: string, session?: Session): Promise<BillingSubscription | null> {
    return this.models.BillingSubscription.findOne({ key: subscriptionId })
      .session(session ?? null)
      .lean<BillingSubscription>()
      .exec();
  }

  /** Subscriptions with a billing state (not other entities' ordering rows), newest first. */
  list(
    filter: { status?: string | null; customerId?: mongoose.Types.ObjectId | null },
    page: PageRequest,
  ): Promise<Page<BillingSubscription>> {
    const query: Record<string, unknown> = { status: filter.status ?? { $exists: true } };
    if (filter.customerId) query.customer_id = filter.customerId;
    return paginate<BillingSubscription>(this.models.BillingSubscription, query, page);
  }

  /** The states of these subscriptions (sub_… ids), in one query. */
  async findMany(subscriptionIds: readonly string[]): Promise<Map<string, BillingSubscription>> {
    const rows = await this.models.BillingSubscription.find({ key: { $in: [...subscriptionIds] } })
      .lean<BillingSubscription[]>()
      .exec();
    return new Map(rows.map((row) => [row.key, row]));
  }

  /**
   * The exactly-once guard of issuance, in the issuing transaction: claims the subscription for this license. Of two
   * instances issuing at once, one commits; the other's transaction conflicts, is retried, and finds the claim.
   */
  async claimLicense(session: Session, subscriptionId: string, licenseId: mongoose.Types.ObjectId): Promise<boolean> {
    const result = await this.models.BillingSubscription.updateOne(
      { key: subscriptionId, license_id: null },
      { $set: { license_id: licenseId } },
      { session },
    ).exec();
    return result.modifiedCount > 0;
  }

  /** Records the snapshot (see the class comment); throws SupersededSnapshot when a newer one is already recorded. */
  async record(
    session: Session,
    snapshot: SubscriptionSnapshot,
    customer: Customer,
    licenseId: mongoose.Types.ObjectId | null,
  ): Promise<void> {
    const state = await this.find(snapshot.subscriptionId, session);
    if (state?.snapshot_at && state.snapshot_at.getTime() > snapshot.occurredAt.getTime()) {
      throw new SupersededSnapshot(snapshot.subscriptionId);
    }
    const license = licenseId ? await this.models.License.findById(licenseId).session(session).lean<License>().exec() : null;
    const pastDue = snapshot.status === "past_due";
    const samePastDue = pastDue && state?.status === "past_due" && state.past_due_since;
    const pastDueSince = pastDue ? (samePastDue ? (state.past_due_since as Date) : snapshot.occurredAt) : null;
    const graceUntil = pastDueSince ? new Date(pastDueSince.getTime() + this.graceDays * DAY_MS) : null;
    const graceSuspendedAt = samePastDue ? (state.grace_suspended_at ?? null) : null;
    const list = listMrrCents(snapshot.items);
    const set: Record<string, unknown> = {
      snapshot_at: snapshot.occurredAt,
      status: snapshot.status,
      paddle_customer_id: snapshot.paddleCustomerId,
      customer_id: customer._id,
      price_id: snapshot.items[0]?.priceId,
      currency: snapshot.currency,
      current_period_ends_at: snapshot.currentPeriodEndsAt,
      scheduled_cancel_at: snapshot.scheduledCancelAt,
      past_due_since: pastDueSince,
      past_due_event_id: pastDue ? (samePastDue ? (state.past_due_event_id ?? snapshot.eventId) : snapshot.eventId) : null,
      grace_until: graceUntil,
      grace_suspended_at: graceSuspendedAt,
      list_mrr_cents: list,
      discount_id: snapshot.discountId,
      plan_id: license?.plan_id ?? null,
      updated_at: new Date(this.clock()),
    };
    // Only a subscription that sells a license counts: an unknown price may be another product's (flagged instead).
    if (license) {
      const subject: MrrSubject = {
        subscriptionId: snapshot.subscriptionId,
        customerId: customer._id,
        licenseId: license._id,
        planId: license.plan_id,
        currency: snapshot.currency,
        status: snapshot.status,
      };
      const discount = state?.discount_subtotal_cents
        ? { discountCents: state.discount_cents ?? 0, subtotalCents: state.discount_subtotal_cents }
        : null;
      const mrr = effectiveMrrCents(list, snapshot.status, discount);
      Object.assign(set, await this.mrr.syncCurrent(session, state, subject, mrr, snapshot.occurredAt, snapshot.eventId));
      Object.assign(
        set,
        await this.mrr.syncScheduledCancel(session, state, subject, snapshot.scheduledCancelAt, snapshot.occurredAt, snapshot.eventId),
      );
      const licenseGrace = graceSuspendedAt === null ? graceUntil : null;
      await this.syncLicenseGrace(session, license, licenseGrace, snapshot, customer);
    }
    await this.models.BillingSubscription.updateOne({ key: snapshot.subscriptionId }, { $set: set }, { session }).exec();
  }

  /**
   * Puts the grace period on the license (read by /api/validate from the license it already has) and announces it
   * once per past-due period; clears it when the subscription is no longer past due.
   */
  private async syncLicenseGrace(
    session: Session,
    license: License,
    graceUntil: Date | null,
    snapshot: SubscriptionSnapshot,
    customer: Customer,
  ): Promise<void> {
    const wanted = license.status === LicenseStatus.cancelled ? null : graceUntil;
    if ((license.grace_until?.getTime() ?? null) === (wanted?.getTime() ?? null)) return;
    await this.models.License.updateOne({ _id: license._id }, wanted ? { $set: { grace_until: wanted } } : { $unset: { grace_until: 1 } }, {
      session,
    }).exec();
    await this.activity.record(
      PADDLE_ACTOR,
      {
        action: wanted ? "license.grace_period_started" : "license.grace_period_ended",
        licenseId: license._id,
        customerId: license.customer_id,
        details: { cause: snapshot.eventId, subscriptionStatus: snapshot.status, ...(wanted ? { graceUntil: wanted } : {}) },
      },
      session,
    );
    if (!wanted) return;
    const since = new Date(wanted.getTime() - this.graceDays * DAY_MS);
    const to = { customerId: customer._id, email: customer.email };
    await this.notifications.enqueue(gracePeriodMessage(license, snapshot.subscriptionId, since, wanted, to, snapshot.eventId), session);
  }
}
