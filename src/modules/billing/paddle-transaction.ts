import { dataOf } from "./billing-customer.service";
import { arrayAt, centsAt, currencyAt, type Fields, objectAt, optionalDate, optionalString, requiredId } from "./paddle-amounts";
import type { WebhookEvent } from "./webhook-event.model";

/** One line of a transaction: the price it sells and whether that price is one-time (`billing_cycle: null`). */
export interface TransactionItem {
  priceId: string;
  quantity: number;
  /** Paddle: the price's `billing_cycle` is null (a one-time charge such as the Founders Deal). */
  oneTime: boolean;
}

/** A payment attempt that did not go through (Paddle: `payments[]` entries other than `captured`). */
export interface FailedAttempt {
  attemptId: string | null;
  /** Paddle's `error_code` (`declined`, `insufficient_funds`, …), else the attempt's status. */
  errorCode: string;
  at: Date | null;
}

/**
 * A Paddle transaction (`txn_…`) as the ledger needs it, read from an event's `data`. Amounts are integer minor units
 * of `currency`, exactly as Paddle sends them in `details.totals`. The subtotal and discount are exposed for the MRR
 * side (a recurring charge's discounted value).
 */
export interface PaddleTransaction {
  id: string;
  status: string | null;
  customerId: string;
  /** `sub_…` for a subscription's charge; null for a one-time purchase. */
  subscriptionId: string | null;
  origin: string | null;
  currency: string;
  invoiceNumber: string | null;
  customData: unknown;
  totalCents: number;
  subtotalCents: number | null;
  taxCents: number | null;
  feeCents: number | null;
  discountCents: number;
  items: TransactionItem[];
  /** The captured payment's `captured_at`, else `billed_at`, else the event's `occurred_at`. */
  paidAt: Date;
  /** The newest attempt that failed, if any (for `transaction.payment_failed`). */
  failedAttempt: FailedAttempt | null;
}

/** Reads the transaction of a `transaction.*` event; MalformedEvent when an id, amount or currency cannot be read. */
export function readTransaction(event: WebhookEvent): PaddleTransaction {
  const data = dataOf(event);
  const id = requiredId(data, "id", "txn_", "data");
  const where = `transaction ${id}: details.totals`;
  const totals = objectAt(objectAt(data, "details"), "totals");
  const payments = arrayAt(data, "payments");
  const captured = payments.find((payment) => payment["status"] === "captured");
  return {
    id,
    status: optionalString(data, "status"),
    customerId: requiredId(data, "customer_id", "ctm_", `transaction ${id}: data`),
    subscriptionId: optionalString(data, "subscription_id"),
    origin: optionalString(data, "origin"),
    currency: currencyAt(data["currency_code"] !== undefined ? data : totals, "currency_code", `transaction ${id}`),
    invoiceNumber: optionalString(data, "invoice_number"),
    customData: data["custom_data"] ?? null,
    totalCents: centsAt(totals, "total", where, true),
    subtotalCents: centsAt(totals, "subtotal", where),
    taxCents: centsAt(totals, "tax", where),
    feeCents: centsAt(totals, "fee", where),
    discountCents: centsAt(totals, "discount", where) ?? 0,
    items: arrayAt(data, "items").flatMap(readItem),
    paidAt: (captured && optionalDate(captured, "captured_at")) ?? optionalDate(data, "billed_at") ?? event.occurred_at ?? new Date(),
    failedAttempt: newestFailure(payments),
  };
}

function readItem(item: Fields): TransactionItem[] {
  const price = objectAt(item, "price");
  const priceId = optionalString(price, "id") ?? optionalString(item, "price_id");
  if (!priceId) return [];
  const quantity = typeof item["quantity"] === "number" && Number.isSafeInteger(item["quantity"]) ? item["quantity"] : 1;
  return [{ priceId, quantity, oneTime: "billing_cycle" in price && price["billing_cycle"] === null }];
}

function newestFailure(payments: Fields[]): FailedAttempt | null {
  const failed = payments
    .filter((payment) => payment["status"] !== "captured")
    .map((payment) => ({
      attemptId: optionalString(payment, "payment_attempt_id"),
      errorCode: optionalString(payment, "error_code") ?? optionalString(payment, "status") ?? "unknown",
      at: optionalDate(payment, "created_at"),
    }))
    .sort((a, b) => (b.at?.getTime() ?? 0) - (a.at?.getTime() ?? 0));
  return failed[0] ?? null;
}
