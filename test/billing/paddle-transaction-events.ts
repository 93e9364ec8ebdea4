/**
 * Paddle transaction, adjustment and customer events for the ledger tests, in Paddle's snake_case shape, adapted from
 * the SDK's mocks (PaddleHQ/paddle-node-sdk src/__tests__/mocks/notifications/transaction-completed.mock.ts,
 * transaction-payment-failed.mock.ts, adjustment-created.mock.ts, customer-created.mock.ts): the same fields and
 * amounts (strings of minor units: total "65215" = subtotal "59900" + tax "5315", fee "3311"), with ids, prices and
 * times chosen per test. Every call returns a fresh object.
 */

export const PRICES = {
  proMonthly: "pri_01test_pro_monthly",
  founders: "pri_01test_founders_once",
  unknown: "pri_01test_nobody_sells",
};

let counter = 0;
/** A fresh Paddle-looking id with this prefix (evt_, txn_, adj_, ctm_, sub_). */
export function paddleId(prefix: string): string {
  counter++;
  return `${prefix}_01test${Date.now().toString(36)}${counter.toString(36).padStart(5, "0")}`;
}

export function customerCreated(customerId: string, email: string, occurredAt = "2023-08-20T10:00:00.000000Z") {
  return {
    event_id: paddleId("evt"),
    event_type: "customer.created",
    occurred_at: occurredAt,
    notification_id: paddleId("ntf"),
    data: {
      id: customerId,
      name: "Jo Founder",
      email,
      status: "active",
      custom_data: null,
      locale: "en",
      marketing_consent: false,
      created_at: occurredAt,
      updated_at: occurredAt,
    },
  };
}

export interface TransactionOptions {
  eventId?: string;
  transactionId: string;
  customerId: string;
  /** Null (default) for a one-time purchase. */
  subscriptionId?: string | null;
  priceId: string;
  /** A one-time price (`billing_cycle: null`); default: true when there is no subscription. */
  oneTime?: boolean;
  quantity?: number;
  occurredAt?: string;
  invoiceNumber?: string | null;
  totals?: Record<string, unknown>;
  customData?: Record<string, unknown> | null;
  payments?: Array<Record<string, unknown>>;
  status?: string;
  origin?: string;
}

const MOCK_TOTALS = {
  subtotal: "59900",
  discount: "0",
  tax: "5315",
  total: "65215",
  credit: "0",
  credit_to_balance: "0",
  balance: "0",
  grand_total: "65215",
  fee: "3311",
  earnings: "56589",
  currency_code: "USD",
};

const CAPTURED = {
  payment_attempt_id: "8f72cfa6-26b4-4a57-91dc-8f2708f7822d",
  stored_payment_method_id: "a78ece50-356f-4e0c-b72d-ad5368b0a0f8",
  amount: "65215",
  status: "captured",
  error_code: null,
  method_details: {
    type: "card",
    card: { type: "visa", last4: "4242", expiry_month: 1, expiry_year: 2025, cardholder_name: "Sam Miller" },
  },
  created_at: "2023-08-22T07:15:41.931411Z",
  captured_at: "2023-08-22T07:15:43.628636Z",
};

/** A `transaction.paid`, `transaction.completed` or `transaction.payment_failed` event of one transaction. */
export function transactionEvent(
  eventType: "transaction.paid" | "transaction.completed" | "transaction.payment_failed",
  options: TransactionOptions,
) {
  const subscriptionId = options.subscriptionId ?? null;
  const oneTime = options.oneTime ?? subscriptionId === null;
  const occurredAt = options.occurredAt ?? "2023-08-22T07:15:45.366122Z";
  const failed = eventType === "transaction.payment_failed";
  return {
    event_id: options.eventId ?? paddleId("evt"),
    event_type: eventType,
    occurred_at: occurredAt,
    notification_id: paddleId("ntf"),
    data: {
      id: options.transactionId,
      status: options.status ?? (failed ? "ready" : eventType === "transaction.paid" ? "paid" : "completed"),
      customer_id: options.customerId,
      address_id: "add_01h848pep46enq8y372x7maj0p",
      business_id: null,
      custom_data: options.customData ?? null,
      origin: options.origin ?? (subscriptionId ? "subscription_recurring" : "web"),
      collection_mode: "automatic",
      subscription_id: subscriptionId,
      invoice_id: options.invoiceNumber ? "inv_01h8e1jxjnw9ra6zarhnz1a7y1" : null,
      invoice_number: options.invoiceNumber ?? null,
      billing_details: null,
      billing_period: null,
      currency_code: "USD",
      discount_id: null,
      created_at: "2023-08-22T07:15:40.911415Z",
      updated_at: occurredAt,
      billed_at: "2023-08-22T07:15:42.164658Z",
      items: [
        {
          price_id: options.priceId,
          price: {
            id: options.priceId,
            description: oneTime ? "One-time charge" : "Monthly",
            product_id: "pro_01h848pep46enq8y372x7maj0p",
            billing_cycle: oneTime ? null : { interval: "month", frequency: 1 },
            trial_period: null,
            tax_mode: "account_setting",
            unit_price: { amount: "59900", currency_code: "USD" },
            quantity: { minimum: 1, maximum: 1 },
            status: "active",
          },
          quantity: options.quantity ?? 1,
          proration: null,
        },
      ],
      details: {
        tax_rates_used: [{ tax_rate: "0.08875", totals: { subtotal: "59900", discount: "0", tax: "5315", total: "65215" } }],
        totals: { ...MOCK_TOTALS, ...options.totals },
        adjusted_totals: {
          subtotal: "59900",
          tax: "5315",
          total: "65215",
          grand_total: "65215",
          fee: "3311",
          earnings: "56589",
          currency_code: "USD",
        },
        payout_totals: { ...MOCK_TOTALS, exchange_rate: "1", fee_rate: "0.05", currency_code: "USD" },
        line_items: [
          {
            id: "txnitm_01h8e1jy0bkvkb4dkp6j0hqvsv",
            price_id: options.priceId,
            quantity: options.quantity ?? 1,
            proration: null,
            tax_rate: "0.08875",
            unit_totals: { subtotal: "59900", discount: "0", tax: "5315", total: "65215" },
            totals: { subtotal: "59900", discount: "0", tax: "5315", total: "65215" },
          },
        ],
      },
      payments:
        options.payments ??
        (failed
          ? [
              {
                ...CAPTURED,
                payment_attempt_id: "4ba3a3f5-2d88-4c1f-8b0c-8d3b7e1b1c01",
                status: "error",
                error_code: "declined",
                captured_at: null,
              },
            ]
          : [CAPTURED]),
      checkout: { url: "https://example.com/pay?_ptxn=txn" },
    },
  };
}

/** One failed payment attempt, for `payments[]` of a `transaction.payment_failed`. */
export function failedAttempt(attemptId: string, errorCode: string, createdAt: string) {
  return { ...CAPTURED, payment_attempt_id: attemptId, status: "error", error_code: errorCode, created_at: createdAt, captured_at: null };
}

export interface AdjustmentOptions {
  eventId?: string;
  adjustmentId: string;
  transactionId: string;
  customerId: string;
  action: string;
  status: string;
  total: string;
  type?: string;
  subscriptionId?: string | null;
  occurredAt?: string;
}

/** An `adjustment.created` or `adjustment.updated` event (the SDK mock: a partial refund, pending approval). */
export function adjustmentEvent(eventType: "adjustment.created" | "adjustment.updated", options: AdjustmentOptions) {
  return {
    event_id: options.eventId ?? paddleId("evt"),
    event_type: eventType,
    occurred_at: options.occurredAt ?? "2023-08-23T14:08:43.786457Z",
    notification_id: paddleId("ntf"),
    data: {
      id: options.adjustmentId,
      action: options.action,
      type: options.type ?? "partial",
      reason: "error",
      status: options.status,
      transaction_id: options.transactionId,
      subscription_id: options.subscriptionId ?? null,
      customer_id: options.customerId,
      currency_code: "USD",
      credit_applied_to_balance: true,
      payout_totals: null,
      totals: { subtotal: "92", tax: "8", total: options.total, fee: "5", earnings: "87", retained_fee: "2", currency_code: "USD" },
      items: [
        {
          id: "adjitm_01h8c6tbrkpdd7vx61w86e52t8",
          item_id: "txnitm_01h8e1jy0bkvkb4dkp6j0hqvsv",
          type: options.type ?? "partial",
          amount: options.total,
          totals: { tax: "8", total: options.total, subtotal: "92" },
          proration: null,
        },
      ],
      created_at: "2023-08-21T14:08:43.297512Z",
      updated_at: "0001-01-01T00:00:00Z",
    },
  };
}
