import type { Models } from "../../db/models";
import type { LedgerService } from "../payments/ledger.service";
import { NotificationKind } from "../notifications/notification.model";
import type { NotificationOutbox } from "../notifications/notification-outbox.service";
import type { PlanService } from "../plans/plan.service";
import { licenseOfSubscription } from "./billing-licenses";
import type { BillingCustomerService } from "./billing-customer.service";
import { PADDLE_ACTOR } from "./paddle-actor";
import type { PaddleTransaction } from "./paddle-transaction";
import { PADDLE_PROVIDER, paymentMetadata } from "./transaction-payment.service";
import type { WebhookEvent } from "./webhook-event.model";
import type { HandlerOutcome } from "./webhook-handlers";

/**
 * `transaction.payment_failed` → a failed payment in the ledger (error code from the newest failed attempt in
 * `payments[]`) and a `payment_failed` message to the customer, in one transaction. Keyed by transaction and attempt:
 * a replay writes nothing, a new failed attempt of the same transaction updates the reason and sends one more message,
 * and a failure of a transaction already paid changes nothing (no message either).
 */
export class PaymentFailureService {
  constructor(
    private readonly models: Models,
    private readonly ledger: LedgerService,
    private readonly plans: PlanService,
    private readonly billingCustomers: BillingCustomerService,
    private readonly notifications: NotificationOutbox,
  ) {}

  async apply(event: WebhookEvent, transaction: PaddleTransaction): Promise<HandlerOutcome> {
    const customer = await this.billingCustomers.resolve(transaction.customerId, transaction.customData, event.event_id);
    const subscriptionLicense = transaction.subscriptionId ? await licenseOfSubscription(this.models, transaction.subscriptionId) : null;
    const license = subscriptionLicense?.customer_id.equals(customer._id) ? subscriptionLicense : null;
    const plan = (await this.firstPlan(transaction)) ?? null;
    const attempt = transaction.failedAttempt;
    // Without an attempt id (an unusual payload), the event itself is the attempt.
    const attemptId = attempt?.attemptId ?? event.event_id;
    const reason = attempt?.errorCode ?? "unknown";
    const { created, payment } = await this.ledger.recordFailedPayment({
      provider: PADDLE_PROVIDER,
      transactionId: transaction.id,
      customerId: customer._id,
      licenseId: license?._id ?? null,
      amountCents: transaction.totalCents,
      subtotalCents: transaction.subtotalCents,
      taxCents: transaction.taxCents,
      feeCents: transaction.feeCents,
      currency: transaction.currency,
      failureReason: reason,
      attemptId,
      paidAt: attempt?.at ?? event.occurred_at ?? undefined,
      cause: event.event_id,
      actor: PADDLE_ACTOR,
      metadata: paymentMetadata(transaction, plan),
      alsoInTransaction: async (session, failed) => {
        await this.notifications.enqueue(
          {
            kind: NotificationKind.payment_failed,
            idempotencyKey: `payment_failed:${transaction.id}:${attemptId}`,
            subject: "Your Chatello payment did not go through",
            data: {
              transaction_id: transaction.id,
              subscription_id: transaction.subscriptionId,
              amount_cents: failed.amount_cents,
              currency: failed.currency,
              error_code: reason,
              attempt_id: attemptId,
              plan: plan?.name ?? null,
            },
            customerId: customer._id,
            licenseId: license?._id ?? null,
            recipientEmail: customer.email,
            cause: event.event_id,
          },
          session,
        );
      },
    });
    if (!created) return { note: `nothing to do: ${transaction.id} is ${payment.status} (attempt ${attemptId} already known or paid)` };
    return { note: `failed payment recorded for ${transaction.id} (${reason})` };
  }

  private async firstPlan(transaction: PaddleTransaction) {
    for (const item of transaction.items) {
      const plan = await this.plans.byPaddlePrice(item.priceId);
      if (plan) return plan;
    }
    return null;
  }
}
