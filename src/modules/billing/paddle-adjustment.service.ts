import type { Models } from "../../db/models";
import type { Session } from "../../db/transaction";
import type { Customer } from "../customers/customer.model";
import type { NotificationOutbox } from "../notifications/notification-outbox.service";
import { licenseSuspendedMessage } from "./billing-messages";
import { DomainError } from "../../errors";
import { LicenseStatus, type License } from "../licenses/license.model";
import type { LicenseService } from "../licenses/license.service";
import type { AppliedAdjustment, LedgerService } from "../payments/ledger.service";
import { AdjustmentAction, AdjustmentStatus } from "../payments/payment-adjustment.model";
import { PaymentStatus } from "../payments/payment.model";
import type { Plan } from "../plans/plan.model";
import { licenseOfPayment } from "./billing-licenses";
import { NotYetApplicable } from "./billing-customer.service";
import { PADDLE_ACTOR } from "./paddle-actor";
import type { PaddleAdjustment } from "./paddle-adjustment";
import { PADDLE_PROVIDER } from "./transaction-payment.service";
import type { WebhookEvent } from "./webhook-event.model";
import type { HandlerOutcome } from "./webhook-handlers";

export const CHARGEBACK_REASON = "billing:chargeback";
export const REFUND_REASON = "billing:refund";

// Refusals that no retry can change (the adjustment and the ledger disagree): flagged for a person instead.
const PERMANENT = ["REFUND_EXCEEDS_PAYMENT", "REVERSAL_EXCEEDS_REFUNDED", "CURRENCY_MISMATCH", "ADJUSTMENT_PAYMENT_MISMATCH"];

/**
 * `adjustment.created` / `adjustment.updated` → the ledger's applyAdjustment (money moves only when approved, once),
 * then the license consequence of the approved adjustment this event applied:
 * - a chargeback suspends the payment's license (`status_reason` billing:chargeback); its reversal reactivates a
 *   license that the chargeback suspended;
 * - a full refund of a one-time lifetime purchase (Founders) cancels its license, which gives the seat back.
 * Partial refunds and credits change no license; a subscription's refund is left to its subscription events.
 */
export class PaddleAdjustmentService {
  constructor(
    private readonly models: Models,
    private readonly ledger: LedgerService,
    private readonly licenses: LicenseService,
    private readonly notifications: NotificationOutbox,
  ) {}

  async apply(event: WebhookEvent, adjustment: PaddleAdjustment): Promise<HandlerOutcome | void> {
    let applied: AppliedAdjustment;
    try {
      applied = await this.ledger.applyAdjustment({
        provider: PADDLE_PROVIDER,
        adjustmentId: adjustment.id,
        transactionId: adjustment.transactionId,
        action: adjustment.action,
        amountCents: adjustment.totalCents,
        currency: adjustment.currency,
        status: adjustment.status,
        reason: adjustment.reason,
        effectiveAt: event.occurred_at ?? undefined,
        cause: event.event_id,
        actor: PADDLE_ACTOR,
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.code === "NOT_FOUND")
        throw new NotYetApplicable(`Payment ${adjustment.transactionId} is not in the ledger yet: waiting for its transaction event`);
      if (PERMANENT.includes(String(error.details.reason))) return { attention: "adjustment_refused", note: error.message };
      throw error;
    }
    // Only the event that applied the approved adjustment acts on the license, also when it runs again after stopping
    // between the ledger's write and the license's (its cause is then still this event).
    const stored = applied.adjustment;
    if (stored.status !== AdjustmentStatus.approved || stored.cause !== event.event_id || stored.applied_cents === 0) {
      return {
        note: applied.changed ? `adjustment ${adjustment.id} recorded (${stored.status})` : `adjustment ${adjustment.id}: no change`,
      };
    }
    const license = await licenseOfPayment(this.models, applied.payment);
    if (!license) return { note: `${adjustment.action} of ${adjustment.transactionId} applied; the payment has no license` };
    const options = { cause: event.event_id };
    switch (stored.action) {
      case AdjustmentAction.chargeback:
        if (license.status === LicenseStatus.cancelled || isChargedBack(license)) break;
        await this.licenses.suspend(license._id, CHARGEBACK_REASON, PADDLE_ACTOR, {
          ...options,
          alsoInTransaction: (session, suspended) => this.tellSuspended(session, suspended, adjustment.id, event.event_id),
        });
        return { note: `chargeback of ${adjustment.transactionId}: license ${license._id.toHexString()} suspended` };
      case AdjustmentAction.chargeback_reverse:
        if (!isChargedBack(license)) break;
        await this.licenses.reactivate(license._id, PADDLE_ACTOR, options);
        return { note: `chargeback of ${adjustment.transactionId} reversed: license ${license._id.toHexString()} reactivated` };
      case AdjustmentAction.refund:
        if (applied.payment.status !== PaymentStatus.refunded || license.status === LicenseStatus.cancelled) break;
        if (!(await this.isLifetimePurchase(license, applied.payment.transaction_id))) break;
        await this.licenses.cancel(license._id, PADDLE_ACTOR, REFUND_REASON, options);
        return {
          note: `full refund of ${adjustment.transactionId}: lifetime license ${license._id.toHexString()} cancelled, seat released`,
        };
      default:
        break;
    }
    return { note: `${stored.action} of ${adjustment.transactionId} applied (${stored.applied_cents} cents)` };
  }

  /** The customer learns of the suspension (one message per chargeback), in the suspension's transaction. */
  private async tellSuspended(session: Session, license: License, adjustmentId: string, cause: string): Promise<void> {
    const customer = await this.models.Customer.findById(license.customer_id).session(session).lean<Customer>().exec();
    const to = { customerId: license.customer_id, email: customer?.email ?? null };
    const why = { reason: CHARGEBACK_REASON, occurrence: adjustmentId, details: { adjustmentId } } as const;
    await this.notifications.enqueue(licenseSuspendedMessage(license, why, to, cause), session);
  }

  private async isLifetimePurchase(license: License, transactionId: string): Promise<boolean> {
    if (license.paddle_transaction_id !== transactionId) return false;
    const plan = await this.models.Plan.findById(license.plan_id).lean<Plan>().exec();
    return plan?.is_lifetime === true;
  }
}

function isChargedBack(license: License): boolean {
  return license.status === LicenseStatus.suspended && license.status_reason === CHARGEBACK_REASON;
}
