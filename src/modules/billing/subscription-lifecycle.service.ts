import type { Models } from "../../db/models";
import { inTransaction, type Session } from "../../db/transaction";
import { DomainError } from "../../errors";
import type { Customer } from "../customers/customer.model";
import { LicenseStatus, type License } from "../licenses/license.model";
import type { ChangeOptions, LicenseService } from "../licenses/license.service";
import type { NotificationOutbox } from "../notifications/notification-outbox.service";
import type { Plan } from "../plans/plan.model";
import type { PlanService } from "../plans/plan.service";
import type { BillingCustomerService } from "./billing-customer.service";
import { licenseIssuedMessage, licenseSuspendedMessage } from "./billing-messages";
import { PADDLE_ACTOR } from "./paddle-actor";
import { readSubscriptionSnapshot, type SubscriptionSnapshot } from "./subscription-snapshot";
import { SupersededSnapshot, type SubscriptionStateService } from "./subscription-state.service";
import type { WebhookEvent } from "./webhook-event.model";
import type { HandlerOutcome } from "./webhook-handlers";

/** Another event of the subscription issued its license first (the claim on the billing state is taken). */
class AlreadyIssued extends Error {}

/** Statuses a license suspended by billing for is given back: a chargeback is the payments side's call, not ours. */
const REACTIVATABLE_REASON = /^billing:(?!chargeback$)/;
const RACE_ATTEMPTS = 3;

/** What one application of a snapshot found worth telling: kept on the event (GraphQL `webhookEvents`). */
class Outcome {
  readonly notes: string[] = [];
  attention: string | undefined;
  /** A committed license change recorded the snapshot with it. */
  recorded = false;

  flag(attention: string, note: string): void {
    this.attention ??= attention;
    this.notes.push(note);
  }

  toHandlerOutcome(): HandlerOutcome {
    return { ...(this.notes.length ? { note: this.notes.join("; ") } : {}), ...(this.attention ? { attention: this.attention } : {}) };
  }
}

/**
 * The subscription half of the billing lifecycle: one idempotent "apply this snapshot" for every `subscription.*`
 * event (each carries the whole subscription, and an older one may be skipped), which makes the license exist, be
 * on the plan of its price, be in the status and have the expiry the snapshot implies, and records the billing state
 * and MRR in the transaction of each license change.
 */
export class SubscriptionLifecycleService {
  constructor(
    private readonly models: Models,
    private readonly licenses: LicenseService,
    private readonly plans: PlanService,
    private readonly billingCustomers: BillingCustomerService,
    private readonly state: SubscriptionStateService,
    private readonly notifications: NotificationOutbox,
  ) {}

  /** The webhook handler of every subscription.* event. Throws (to be retried) only when it cannot apply yet. */
  async apply(event: WebhookEvent): Promise<HandlerOutcome> {
    const read = readSubscriptionSnapshot(event);
    if (!read.ok) return { attention: "invalid_payload", note: read.error };
    const snapshot = read.snapshot;
    // Unknown Paddle customer (customer.created not applied yet): NotYetApplicable, the event is retried.
    const customer = await this.billingCustomers.resolve(snapshot.paddleCustomerId, snapshot.customData, snapshot.eventId);
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.applySnapshot(snapshot, customer);
        // The grace sweeper may have suspended the license between our read and our write: decide once more.
        if (attempt < RACE_ATTEMPTS && (await this.leftSuspended(snapshot))) continue;
        return outcome.toHandlerOutcome();
      } catch (error) {
        if (error instanceof SupersededSnapshot) return { note: `superseded: ${error.message}` };
        // Another change of the same license won a race: decide again from what is there now.
        if (isRace(error) && attempt < RACE_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  private async applySnapshot(snapshot: SubscriptionSnapshot, customer: Customer): Promise<Outcome> {
    const outcome = new Outcome();
    const priceId = snapshot.items[0]?.priceId;
    const plan = priceId ? await this.plans.byPaddlePrice(priceId) : null;
    if (!priceId) outcome.flag("unknown_price", "the subscription has no recurring item");
    else if (!plan) outcome.flag("unknown_price", `no plan sells price ${priceId}: add it to a plan's paddlePriceIds (updatePlan)`);
    // Every license change below records the snapshot in its own transaction; `outcome.recorded` is set only once
    // such a change has committed (a transaction attempt that aborts and is retried must not count).
    const record = (session: Session, license: License | null): Promise<void> =>
      this.state.record(session, snapshot, customer, license?._id ?? null);

    let license = await this.findLicense(snapshot.subscriptionId);
    if (!license && plan) {
      if (snapshot.status === "paused" || snapshot.status === "canceled") {
        outcome.notes.push(`no license issued: the subscription is ${snapshot.status}`);
      } else {
        license = await this.issue(snapshot, customer, plan, outcome, record);
      }
    }
    if (license && license.status !== LicenseStatus.cancelled) {
      license = await this.applyPlan(license, plan, snapshot, outcome, record);
      license = await this.applyStatus(license, snapshot, customer, outcome, record);
      await this.applyExpiry(license, snapshot, outcome, record);
    } else if (license) {
      outcome.notes.push("the license is cancelled: nothing to change");
    }
    if (!outcome.recorded) await inTransaction(this.models, (session) => record(session, license));
    return outcome;
  }

  /**
   * A subscription's first charge often arrives before the subscription event: its payment was recorded without a
   * license (transaction-payment.service.ts). The license, once issued, takes those payments of the same customer.
   */
  private async linkEarlierPayments(session: Session, subscriptionId: string, license: License): Promise<void> {
    await this.models.Payment.updateMany(
      { "metadata.subscription_id": subscriptionId, customer_id: license.customer_id, license_id: null },
      { $set: { license_id: license._id } },
      { session },
    ).exec();
  }

  /** The subscription is paying again but its license is still suspended by billing (a race with the sweeper). */
  private async leftSuspended(snapshot: SubscriptionSnapshot): Promise<boolean> {
    if (snapshot.status !== "active" && snapshot.status !== "trialing") return false;
    const license = await this.findLicense(snapshot.subscriptionId);
    return license !== null && suspendedByBilling(license);
  }

  private async findLicense(subscriptionId: string): Promise<License | null> {
    const state = await this.state.find(subscriptionId);
    if (!state?.license_id) return null;
    return this.models.License.findById(state.license_id).lean<License>().exec();
  }

  /** Issues the subscription's license exactly once, with its license_issued message (the key), in one transaction. */
  private async issue(
    snapshot: SubscriptionSnapshot,
    customer: Customer,
    plan: Plan,
    outcome: Outcome,
    record: (session: Session, license: License) => Promise<void>,
  ): Promise<License | null> {
    try {
      const issued = await this.licenses.issue(
        { customerId: customer._id, plan: plan.name, paddleSubscriptionId: snapshot.subscriptionId },
        PADDLE_ACTOR,
        {
          cause: snapshot.eventId,
          alsoInTransaction: async (session, license, key) => {
            if (!(await this.state.claimLicense(session, snapshot.subscriptionId, license._id))) throw new AlreadyIssued();
            const to = { customerId: customer._id, email: customer.email };
            await this.notifications.enqueue(
              licenseIssuedMessage(license, key, plan, snapshot.subscriptionId, to, snapshot.eventId),
              session,
            );
            await record(session, license);
            await this.linkEarlierPayments(session, snapshot.subscriptionId, license);
          },
        },
      );
      outcome.recorded = true;
      return issued.license;
    } catch (error) {
      if (error instanceof AlreadyIssued) return this.findLicense(snapshot.subscriptionId);
      if (!(error instanceof DomainError) || isRace(error)) throw error;
      outcome.flag(error.code === "CONFLICT" ? "sold_out" : "license_not_issued", `no license issued: ${error.message}`);
      return null;
    }
  }

  /** Moves the license to the plan of the subscription's price (a lifetime plan's seats are respected). */
  private async applyPlan(
    license: License,
    plan: Plan | null,
    snapshot: SubscriptionSnapshot,
    outcome: Outcome,
    record: (session: Session, license: License) => Promise<void>,
  ): Promise<License> {
    if (!plan || license.plan_id.equals(plan._id)) return license;
    return this.change(license, outcome, (options) => this.licenses.changePlan(license._id, plan.name, PADDLE_ACTOR, options), {
      cause: snapshot.eventId,
      onlyIf: (current) => current.plan_id.equals(license.plan_id),
      alsoInTransaction: record,
    });
  }

  /** cancelled, paused → suspended; active or trialing again → reactivated if (and only if) billing suspended it. */
  private async applyStatus(
    license: License,
    snapshot: SubscriptionSnapshot,
    customer: Customer,
    outcome: Outcome,
    record: (session: Session, license: License) => Promise<void>,
  ): Promise<License> {
    const cause = snapshot.eventId;
    switch (snapshot.status) {
      case "canceled":
        return this.change(license, outcome, (options) => this.licenses.cancel(license._id, PADDLE_ACTOR, "billing:canceled", options), {
          cause,
          alsoInTransaction: record,
        });
      case "paused":
        if (license.status !== LicenseStatus.active) return license;
        return this.change(license, outcome, (options) => this.licenses.suspend(license._id, "billing:paused", PADDLE_ACTOR, options), {
          cause,
          onlyIf: (current) => current.status === LicenseStatus.active,
          alsoInTransaction: async (session, suspended) => {
            const message = licenseSuspendedMessage(
              suspended,
              { reason: "billing:paused", occurrence: cause },
              { customerId: customer._id, email: customer.email },
              cause,
            );
            await this.notifications.enqueue(message, session);
            await record(session, suspended);
          },
        });
      case "active":
      case "trialing":
        if (!suspendedByBilling(license)) return license;
        return this.change(license, outcome, (options) => this.licenses.reactivate(license._id, PADDLE_ACTOR, options), {
          cause,
          onlyIf: suspendedByBilling,
          alsoInTransaction: record,
        });
      case "past_due":
        // Stays valid: the grace period is recorded with the state; the grace sweeper suspends when it ends.
        return license;
    }
  }

  /** A scheduled cancellation → expires at the end of the paid period; undone → no expiry again (only one we set). */
  private async applyExpiry(
    license: License,
    snapshot: SubscriptionSnapshot,
    outcome: Outcome,
    record: (session: Session, license: License) => Promise<void>,
  ): Promise<void> {
    if (snapshot.status === "canceled" || license.status === LicenseStatus.cancelled) return;
    const wanted = snapshot.scheduledCancelAt;
    const current = license.expires_at ?? null;
    if (wanted) {
      if (current?.getTime() === wanted.getTime()) return;
      if (wanted.getTime() <= Date.now()) {
        outcome.notes.push(`the scheduled cancellation (${wanted.toISOString()}) has passed: waiting for subscription.canceled`);
        return;
      }
    } else {
      const state = await this.state.find(snapshot.subscriptionId);
      if (!current || state?.billing_expires_at?.getTime() !== current.getTime()) return;
    }
    await this.change(license, outcome, (options) => this.licenses.extend(license._id, wanted, PADDLE_ACTOR, options), {
      cause: snapshot.eventId,
      onlyIf: (now) => (now.expires_at?.getTime() ?? null) === (current?.getTime() ?? null),
      alsoInTransaction: async (session, extended) => {
        await this.models.BillingSubscription.updateOne(
          { key: snapshot.subscriptionId },
          { $set: { billing_expires_at: wanted } },
          { session },
        ).exec();
        await record(session, extended);
      },
    });
  }

  /**
   * Runs one license change. A refusal that is about the license (already cancelled, expired, sold out) is noted
   * on the event instead of failing it: retrying would not change the answer.
   */
  private async change(
    license: License,
    outcome: Outcome,
    run: (options: ChangeOptions) => Promise<License>,
    options: ChangeOptions,
  ): Promise<License> {
    try {
      const changed = await run(options);
      outcome.recorded = true;
      return changed;
    } catch (error) {
      if (!(error instanceof DomainError) || isRace(error)) throw error;
      if (error.details["precondition"] === true) throw error;
      outcome.flag(error.code === "CONFLICT" ? "sold_out" : "license_change_refused", error.message);
      return license;
    }
  }
}

function suspendedByBilling(license: License): boolean {
  return license.status === LicenseStatus.suspended && REACTIVATABLE_REASON.test(license.status_reason ?? "");
}

/** A license changed between our read and our write (a guarded transition lost, or our precondition no longer holds). */
function isRace(error: unknown): boolean {
  return (
    error instanceof DomainError &&
    error.code === "CONFLICT" &&
    (error.details["precondition"] === true || error.message.startsWith("The license changed meanwhile"))
  );
}
