import type { Models } from "../../db/models";
import type { Customer } from "../customers/customer.model";
import type { License } from "../licenses/license.model";
import type { LedgerService } from "../payments/ledger.service";
import type { Payment } from "../payments/payment.model";
import type { Plan } from "../plans/plan.model";
import type { PlanService } from "../plans/plan.service";
import { licenseOfSubscription } from "./billing-licenses";
import type { BillingCustomerService } from "./billing-customer.service";
import { PADDLE_ACTOR } from "./paddle-actor";
import type { PaddleTransaction, TransactionItem } from "./paddle-transaction";
import type { WebhookEvent } from "./webhook-event.model";

export const PADDLE_PROVIDER = "paddle";

/** What a transaction's prices sell: the plan per item (null: no plan lists that price). */
export interface PricedItem extends TransactionItem {
  plan: Plan | null;
}

export interface RecordedTransaction {
  transaction: PaddleTransaction;
  customer: Customer;
  items: PricedItem[];
  /** The plan the payment is for: a lifetime one-time item's, else the first priced item's; null when none is known. */
  plan: Plan | null;
  /** Null for a zero-total transaction (a trial, a 100 % discount): not a payment, nothing recorded. */
  payment: Payment | null;
  /** The license paid for, when it exists (a subscription's; a Founders license is linked when issued). */
  license: License | null;
  /** The subscription's license belongs to another platform customer than the payer: not linked (the data disagree). */
  licenseOfAnotherCustomer: License | null;
}

/**
 * Records a paid Paddle transaction (`transaction.paid`, `transaction.completed`) in the payments ledger: one payment
 * per transaction id, whatever order and how often its events arrive; a later event fills what an earlier one did
 * not know (invoice number, fee, the license once issued).
 */
export class TransactionPaymentService {
  constructor(
    private readonly models: Models,
    private readonly ledger: LedgerService,
    private readonly plans: PlanService,
    private readonly billingCustomers: BillingCustomerService,
  ) {}

  async record(event: WebhookEvent, transaction: PaddleTransaction): Promise<RecordedTransaction> {
    const customer = await this.billingCustomers.resolve(transaction.customerId, transaction.customData, event.event_id);
    const items = await this.priceItems(transaction.items);
    const plan = items.find((item) => item.oneTime && item.plan?.is_lifetime)?.plan ?? items.find((item) => item.plan)?.plan ?? null;
    const subscriptionLicense = transaction.subscriptionId ? await licenseOfSubscription(this.models, transaction.subscriptionId) : null;
    // A subscription's license belongs to the subscription's customer; another customer's would be refused by the
    // ledger (and means the data disagree): then the payment is recorded without it.
    const license = subscriptionLicense?.customer_id.equals(customer._id) ? subscriptionLicense : null;
    const licenseOfAnotherCustomer = subscriptionLicense && !license ? subscriptionLicense : null;
    const found = { transaction, customer, items, plan, license, licenseOfAnotherCustomer };
    if (transaction.totalCents === 0) return { ...found, payment: null };
    const { payment } = await this.ledger.recordPayment({
      provider: PADDLE_PROVIDER,
      transactionId: transaction.id,
      customerId: customer._id,
      licenseId: license?._id ?? null,
      amountCents: transaction.totalCents,
      subtotalCents: transaction.subtotalCents,
      taxCents: transaction.taxCents,
      feeCents: transaction.feeCents,
      currency: transaction.currency,
      invoiceNumber: transaction.invoiceNumber,
      paidAt: transaction.paidAt,
      cause: event.event_id,
      actor: PADDLE_ACTOR,
      metadata: paymentMetadata(transaction, plan),
    });
    return { ...found, payment };
  }

  private async priceItems(items: TransactionItem[]): Promise<PricedItem[]> {
    return Promise.all(items.map(async (item) => ({ ...item, plan: await this.plans.byPaddlePrice(item.priceId) })));
  }
}

/** What analytics and operators read from a Paddle payment (`plan_id`, `plan`, `one_time` are relied upon). */
export function paymentMetadata(transaction: PaddleTransaction, plan: Plan | null): Record<string, unknown> {
  return {
    plan_id: plan ? plan._id.toHexString() : null,
    plan: plan ? plan.name : null,
    one_time: transaction.subscriptionId === null,
    subscription_id: transaction.subscriptionId,
    origin: transaction.origin,
    discount_cents: transaction.discountCents,
    price_ids: transaction.items.map((item) => item.priceId),
    paddle_customer_id: transaction.customerId,
  };
}
