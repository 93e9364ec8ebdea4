import { NotYetApplicable } from "./billing-customer.service";
import type { FoundersSaleService } from "./founders-sale.service";
import type { PaddleAdjustmentService } from "./paddle-adjustment.service";
import { readAdjustment } from "./paddle-adjustment";
import { readTransaction } from "./paddle-transaction";
import type { PaymentFailureService } from "./payment-failure.service";
import type { SubscriptionMrrService } from "./subscription-mrr.service";
import type { RecordedTransaction, TransactionPaymentService } from "./transaction-payment.service";
import type { WebhookEvent } from "./webhook-event.model";
import type { HandlerOutcome, WebhookHandlerRegistry } from "./webhook-handlers";

/**
 * How many attempts a subscription's payment waits for its license (issued by `subscription.created`, which Paddle
 * sends around the same time): 10 s, 20 s, 40 s, 80 s of backoff. The payment is recorded on the first attempt; the
 * retries only link it. After the last, the event is processed without the link (flagged), never retried forever.
 */
export const LICENSE_WAIT_ATTEMPTS = 5;

export interface TransactionServices {
  transactionPayments: TransactionPaymentService;
  foundersSales: FoundersSaleService;
  paymentFailures: PaymentFailureService;
  paddleAdjustments: PaddleAdjustmentService;
  /** Keeps a subscription's MRR net of the discount of its latest recurring charge. */
  subscriptionMrr: SubscriptionMrrService;
}

/** Charges at the subscription's price (its first and its renewals); prorations and one-off charges say nothing of it. */
const RECURRING_ORIGINS = new Set(["web", "subscription_recurring"]);

/** The transaction half of billing: `transaction.paid|completed|payment_failed` and `adjustment.created|updated`. */
export function registerTransactionHandlers(registry: WebhookHandlerRegistry, services: TransactionServices): void {
  const paid = async (event: WebhookEvent) => onPaid(services, event, event.event_type === "transaction.completed");
  const failed = (event: WebhookEvent) => services.paymentFailures.apply(event, readTransaction(event));
  const adjusted = (event: WebhookEvent) => services.paddleAdjustments.apply(event, readAdjustment(event));
  registry
    .register("transaction.paid", paid)
    .register("transaction.completed", paid)
    .register("transaction.payment_failed", failed)
    .register("adjustment.created", adjusted)
    .register("adjustment.updated", adjusted);
}

/**
 * Both events record the payment (the first one creates it, the second fills what it lacked). Only `completed`
 * fulfils a one-time purchase: Paddle sends it once the transaction is fully processed.
 */
async function onPaid(services: TransactionServices, event: WebhookEvent, completed: boolean): Promise<HandlerOutcome> {
  const sale = await services.transactionPayments.record(event, readTransaction(event));
  const recorded = sale.payment
    ? `payment ${sale.transaction.id} recorded`
    : `${sale.transaction.id} has a zero total: no payment recorded`;
  const unknown = sale.items.filter((item) => !item.plan).map((item) => item.priceId);
  if (sale.transaction.subscriptionId === null) {
    if (!completed) return { note: `${recorded}; a one-time purchase is fulfilled on transaction.completed` };
    const lifetime = sale.items.find((item) => item.oneTime && item.plan?.is_lifetime);
    if (lifetime?.plan)
      return withRecorded(recorded, await services.foundersSales.fulfil(sale, lifetime.plan, lifetime.quantity, event.event_id));
    if (unknown.length > 0 || sale.items.length === 0) {
      return { attention: "unknown_price", note: `${recorded}; no plan sells price ${unknown.join(", ") || "(none)"}: no license issued` };
    }
    return { note: `${recorded}; one-time purchase of plan "${sale.plan?.name}", which is not lifetime: no license issued` };
  }
  if (completed) await applyDiscountOfCharge(services, sale, event);
  return subscriptionOutcome(sale, event, recorded, unknown);
}

/**
 * Paddle's subscription events name a discount but not its amount; the recurring charge carries it. MRR is the list
 * price less that charge's discount ratio, until a later recurring charge says otherwise (subscription-mrr.service.ts).
 */
async function applyDiscountOfCharge(services: TransactionServices, sale: RecordedTransaction, event: WebhookEvent): Promise<void> {
  const { subscriptionId, origin, subtotalCents, discountCents, currency, paidAt } = sale.transaction;
  if (subscriptionId === null || origin === null || !RECURRING_ORIGINS.has(origin) || subtotalCents === null || subtotalCents <= 0) return;
  await services.subscriptionMrr.applyRecurringCharge({
    subscriptionId,
    subtotalCents,
    discountCents,
    currency,
    at: event.occurred_at ?? paidAt,
    cause: event.event_id,
  });
}

function subscriptionOutcome(sale: RecordedTransaction, event: WebhookEvent, recorded: string, unknown: string[]): HandlerOutcome {
  const subscriptionId = sale.transaction.subscriptionId as string;
  if (sale.license) return { note: `${recorded} for license ${sale.license._id.toHexString()} (${subscriptionId})` };
  if (sale.licenseOfAnotherCustomer) {
    const other = sale.licenseOfAnotherCustomer._id.toHexString();
    return {
      attention: "license_mismatch",
      note: `${recorded}; ${subscriptionId}'s license ${other} belongs to another customer: not linked`,
    };
  }
  if (!sale.plan) {
    // No plan sells its price: the subscription will never have a license; nothing to wait for.
    return { attention: "unknown_price", note: `${recorded}; no plan sells price ${unknown.join(", ") || "(none)"}: no license to link` };
  }
  if (!sale.payment) return { note: `${recorded}; ${subscriptionId} has no license yet` };
  if (event.attempts < LICENSE_WAIT_ATTEMPTS) {
    throw new NotYetApplicable(`${recorded} without a license: ${subscriptionId} has none yet (waiting for its subscription event)`);
  }
  return {
    attention: "license_missing",
    note: `${recorded} without a license: ${subscriptionId} still has none after ${event.attempts} attempts`,
  };
}

function withRecorded(recorded: string, outcome: HandlerOutcome): HandlerOutcome {
  return { ...outcome, note: `${recorded}; ${outcome.note ?? ""}` };
}
