import type { Clock } from "../../clock";
import type { Models } from "../../db/models";
import { DomainError } from "../../errors";
import { SYSTEM_ACTOR } from "../activity/activity.service";
import type { Customer } from "../customers/customer.model";
import { LicenseStatus, type License } from "../licenses/license.model";
import type { LicenseService } from "../licenses/license.service";
import type { NotificationOutbox } from "../notifications/notification-outbox.service";
import { licenseSuspendedMessage } from "./billing-messages";
import type { BillingSubscription } from "./billing-subscription.model";
import type { SubscriptionStateService } from "./subscription-state.service";

/** The subscription is no longer in the grace period that was read (paid meanwhile, or already suspended). */
class GraceNoLongerDue extends Error {}

const BATCH = 100;

/**
 * Ends grace periods: a license whose subscription is still past due when its `grace_until` passes is suspended
 * (status_reason `billing:past_due`) with a `license_suspended` message, once per past-due period. Safe on several
 * instances at once: the suspension re-checks the billing state and marks it in the same transaction, so of two
 * sweepers one suspends and the other finds it done.
 */
export class GraceSweeper {
  constructor(
    private readonly models: Models,
    private readonly licenses: LicenseService,
    private readonly state: SubscriptionStateService,
    private readonly notifications: NotificationOutbox,
    private readonly clock: Clock,
  ) {}

  /** One pass; returns the number of licenses it suspended. */
  async sweep(): Promise<number> {
    const now = new Date(this.clock());
    const due = await this.models.License.find({ grace_until: { $lte: now }, status: LicenseStatus.active })
      .limit(BATCH)
      .lean<License[]>()
      .exec();
    let suspended = 0;
    for (const license of due) if (await this.endGrace(license, now)) suspended++;
    return suspended;
  }

  private async endGrace(license: License, now: Date): Promise<boolean> {
    const subscriptionId = license.paddle_subscription_id;
    const state = subscriptionId ? await this.state.find(subscriptionId) : null;
    if (!subscriptionId || !state || !inEndedGrace(state, now)) {
      // A grace mark the billing state no longer backs (paid meanwhile): removed, so the sweep does not see it again.
      await this.models.License.updateOne({ _id: license._id, grace_until: license.grace_until }, { $unset: { grace_until: 1 } }).exec();
      return false;
    }
    const since = state.past_due_since as Date;
    try {
      await this.licenses.suspend(license._id, "billing:past_due", SYSTEM_ACTOR, {
        // The event that made it past due is why it is suspended now.
        cause: state.past_due_event_id ?? "grace_period_ended",
        onlyIf: (current) => current.status === LicenseStatus.active,
        alsoInTransaction: async (session, suspended) => {
          const fresh = await this.state.find(subscriptionId, session);
          if (!fresh || !inEndedGrace(fresh, now) || fresh.past_due_since?.getTime() !== since.getTime()) throw new GraceNoLongerDue();
          await this.models.BillingSubscription.updateOne(
            { key: subscriptionId },
            { $set: { grace_suspended_at: now } },
            { session },
          ).exec();
          await this.models.License.updateOne({ _id: suspended._id }, { $unset: { grace_until: 1 } }, { session }).exec();
          const customer = await this.models.Customer.findById(suspended.customer_id).session(session).lean<Customer>().exec();
          const message = licenseSuspendedMessage(
            suspended,
            {
              reason: "billing:past_due",
              occurrence: `past_due:${since.toISOString()}`,
              details: { subscriptionId, pastDueSince: since.toISOString(), graceUntil: (fresh.grace_until as Date).toISOString() },
            },
            { customerId: suspended.customer_id, email: customer?.email ?? null },
            fresh.past_due_event_id ?? "grace_period_ended",
          );
          await this.notifications.enqueue(message, session);
        },
      });
      return true;
    } catch (error) {
      // Paid meanwhile, suspended by someone else meanwhile, or cancelled: nothing to end.
      if (error instanceof GraceNoLongerDue || error instanceof DomainError) return false;
      throw error;
    }
  }
}

function inEndedGrace(state: BillingSubscription, now: Date): boolean {
  return state.status === "past_due" && !state.grace_suspended_at && !!state.grace_until && state.grace_until.getTime() <= now.getTime();
}
