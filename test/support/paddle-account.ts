/**
 * A simulated Paddle account: it keeps its customers, subscriptions and transactions, and writes the events Paddle
 * would send about them, in Paddle's snake_case shape (the SDK's mocks, src/__tests__/mocks/notifications/*.mock.ts,
 * with our ids, prices and times). Amounts are strings of minor units, as Paddle sends them.
 */

export type Interval = "month" | "year";

export interface PriceDefinition {
  id: string;
  /** Minor units per unit. */
  amount: number;
  /** null: a one-time price (Founders). */
  interval: Interval | null;
}

export interface PaddleEvent {
  event_id: string;
  event_type: string;
  occurred_at: string;
  notification_id: string;
  data: Record<string, unknown>;
}

interface SubscriptionState {
  id: string;
  customerId: string;
  price: PriceDefinition;
  quantity: number;
  status: string;
  periodStart: Date;
  periodEnd: Date;
  scheduledCancelAt: Date | null;
  canceledAt: Date | null;
  pausedAt: Date | null;
}

export interface Charge {
  /** Minor units before discount and tax. */
  subtotal: number;
  discount: number;
  tax: number;
  fee: number;
}

const CURRENCY = "EUR";

export class PaddleAccount {
  private sequence = 0;
  private readonly subscriptions = new Map<string, SubscriptionState>();

  /** Ids carry a prefix per account, so two accounts (two tests) never collide in one database. */
  constructor(private readonly prefix: string) {}

  private nextId(kind: string): string {
    this.sequence += 1;
    return `${kind}_${this.prefix}${String(this.sequence).padStart(8, "0")}`;
  }

  private event(type: string, at: Date, data: Record<string, unknown>): PaddleEvent {
    const eventId = this.nextId("evt");
    return { event_id: eventId, event_type: type, occurred_at: at.toISOString(), notification_id: `ntf_${eventId.slice(4)}`, data };
  }

  customerCreated(email: string, at: Date, name: string | null = null): { customerId: string; event: PaddleEvent } {
    const customerId = this.nextId("ctm");
    const event = this.event("customer.created", at, {
      id: customerId,
      email,
      name,
      status: "active",
      locale: "en",
      marketing_consent: false,
      custom_data: null,
      created_at: at.toISOString(),
      updated_at: at.toISOString(),
    });
    return { customerId, event };
  }

  /** A new subscription (status active) and its `subscription.created` event. */
  subscribe(customerId: string, price: PriceDefinition, at: Date, quantity = 1): { subscriptionId: string; event: PaddleEvent } {
    if (price.interval === null) throw new Error("a subscription needs a recurring price");
    const state: SubscriptionState = {
      id: this.nextId("sub"),
      customerId,
      price,
      quantity,
      status: "active",
      periodStart: at,
      periodEnd: addInterval(at, price.interval),
      scheduledCancelAt: null,
      canceledAt: null,
      pausedAt: null,
    };
    this.subscriptions.set(state.id, state);
    return { subscriptionId: state.id, event: this.event("subscription.created", at, this.snapshot(state)) };
  }

  /** Changes a subscription and returns the event Paddle sends about it (`subscription.<type>`). */
  change(
    subscriptionId: string,
    type: "updated" | "activated" | "past_due" | "paused" | "resumed" | "canceled",
    at: Date,
    change: Partial<Pick<SubscriptionState, "price" | "status" | "scheduledCancelAt" | "quantity">> & { renew?: boolean } = {},
  ): PaddleEvent {
    const state = this.subscription(subscriptionId);
    if (change.price) state.price = change.price;
    if (change.quantity !== undefined) state.quantity = change.quantity;
    if (change.scheduledCancelAt !== undefined) state.scheduledCancelAt = change.scheduledCancelAt;
    if (change.renew) {
      state.periodStart = state.periodEnd;
      state.periodEnd = addInterval(state.periodStart, state.price.interval as Interval);
    }
    if (type === "past_due") state.status = "past_due";
    if (type === "paused") {
      state.status = "paused";
      state.pausedAt = at;
    }
    if (type === "resumed" || type === "activated") {
      state.status = "active";
      state.pausedAt = null;
    }
    if (type === "canceled") {
      state.status = "canceled";
      state.canceledAt = at;
      state.scheduledCancelAt = null;
    }
    if (change.status) state.status = change.status;
    return this.event(`subscription.${type}`, at, this.snapshot(state));
  }

  /** A completed charge of a subscription (its first, a renewal, or a proration), with `transaction.completed`. */
  chargeSubscription(
    subscriptionId: string,
    at: Date,
    charge: Partial<Charge> = {},
    origin: "web" | "subscription_recurring" | "subscription_update" = "subscription_recurring",
    /** A collection retried under the transaction that failed before (Paddle keeps its id). */
    transactionId?: string,
  ): { transactionId: string; event: PaddleEvent; totals: Charge & { total: number } } {
    const state = this.subscription(subscriptionId);
    return this.transaction(state.customerId, state.price, state.quantity, at, charge, { subscriptionId, origin, transactionId });
  }

  /** A one-time purchase (`subscription_id: null`), e.g. the Founders Deal. */
  buyOnce(
    customerId: string,
    price: PriceDefinition,
    at: Date,
    charge: Partial<Charge> = {},
  ): { transactionId: string; event: PaddleEvent; totals: Charge & { total: number } } {
    if (price.interval !== null) throw new Error("a one-time purchase needs a one-time price");
    return this.transaction(customerId, price, 1, at, charge, { subscriptionId: null, origin: "web" });
  }

  /** `transaction.payment_failed` for a subscription's renewal attempt. */
  paymentFailed(subscriptionId: string, at: Date): { transactionId: string; event: PaddleEvent } {
    const state = this.subscription(subscriptionId);
    const transactionId = this.nextId("txn");
    const subtotal = state.price.amount * state.quantity;
    const event = this.event("transaction.payment_failed", at, {
      ...this.transactionData(
        transactionId,
        state.customerId,
        state.price,
        state.quantity,
        at,
        { subtotal, discount: 0, tax: 0, fee: 0 },
        subscriptionId,
        "subscription_recurring",
      ),
      status: "past_due",
      invoice_number: null,
      payments: [
        {
          payment_attempt_id: `pa_${transactionId}`,
          status: "error",
          error_code: "declined",
          captured_at: null,
          created_at: at.toISOString(),
        },
      ],
    });
    return { transactionId, event };
  }

  /** `adjustment.created` (or `.updated`) against a transaction: a refund, credit or chargeback of `amount` (tax included). */
  adjust(
    transactionId: string,
    customerId: string,
    subscriptionId: string | null,
    at: Date,
    options: {
      action: "refund" | "chargeback" | "credit";
      status: "pending_approval" | "approved" | "rejected";
      amount: number;
      type?: "full" | "partial";
      adjustmentId?: string;
    },
  ): { adjustmentId: string; event: PaddleEvent } {
    const adjustmentId = options.adjustmentId ?? this.nextId("adj");
    const type = options.adjustmentId ? "adjustment.updated" : "adjustment.created";
    const event = this.event(type, at, {
      id: adjustmentId,
      action: options.action,
      type: options.type ?? "partial",
      reason: "customer request",
      status: options.status,
      transaction_id: transactionId,
      subscription_id: subscriptionId,
      customer_id: customerId,
      currency_code: CURRENCY,
      credit_applied_to_balance: null,
      totals: {
        subtotal: String(options.amount),
        tax: "0",
        total: String(options.amount),
        fee: "0",
        earnings: String(options.amount),
        currency_code: CURRENCY,
      },
      items: [],
      created_at: at.toISOString(),
      updated_at: at.toISOString(),
    });
    return { adjustmentId, event };
  }

  private transaction(
    customerId: string,
    price: PriceDefinition,
    quantity: number,
    at: Date,
    charge: Partial<Charge>,
    link: { subscriptionId: string | null; origin: string; transactionId?: string },
  ): { transactionId: string; event: PaddleEvent; totals: Charge & { total: number } } {
    const transactionId = link.transactionId ?? this.nextId("txn");
    const totals = {
      subtotal: charge.subtotal ?? price.amount * quantity,
      discount: charge.discount ?? 0,
      tax: charge.tax ?? 0,
      fee: charge.fee ?? 0,
    };
    const data = this.transactionData(transactionId, customerId, price, quantity, at, totals, link.subscriptionId, link.origin);
    return {
      transactionId,
      event: this.event("transaction.completed", at, data),
      totals: { ...totals, total: totals.subtotal - totals.discount + totals.tax },
    };
  }

  private transactionData(
    transactionId: string,
    customerId: string,
    price: PriceDefinition,
    quantity: number,
    at: Date,
    totals: Charge,
    subscriptionId: string | null,
    origin: string,
  ): Record<string, unknown> {
    const total = totals.subtotal - totals.discount + totals.tax;
    const cycle = price.interval === null ? null : { interval: price.interval, frequency: 1 };
    return {
      id: transactionId,
      status: "completed",
      customer_id: customerId,
      subscription_id: subscriptionId,
      origin,
      invoice_number: `${this.prefix.toUpperCase()}-${transactionId.slice(-5)}`,
      collection_mode: "automatic",
      currency_code: CURRENCY,
      billed_at: at.toISOString(),
      created_at: at.toISOString(),
      updated_at: at.toISOString(),
      custom_data: null,
      items: [
        {
          price: {
            id: price.id,
            product_id: `pro_${price.id.slice(4)}`,
            billing_cycle: cycle,
            unit_price: { amount: String(price.amount), currency_code: CURRENCY },
          },
          quantity,
        },
      ],
      details: {
        totals: {
          subtotal: String(totals.subtotal),
          discount: String(totals.discount),
          tax: String(totals.tax),
          total: String(total),
          grand_total: String(total),
          fee: String(totals.fee),
          earnings: String(total - totals.tax - totals.fee),
          credit: "0",
          balance: "0",
          currency_code: CURRENCY,
        },
        line_items: [
          {
            price_id: price.id,
            quantity,
            tax_rate: "0",
            totals: { subtotal: String(totals.subtotal), tax: String(totals.tax), discount: String(totals.discount), total: String(total) },
          },
        ],
      },
      payments: [
        {
          payment_attempt_id: `pa_${transactionId}`,
          status: "captured",
          captured_at: at.toISOString(),
          created_at: at.toISOString(),
          method_details: { type: "card", card: { last4: "4242" } },
        },
      ],
    };
  }

  private subscription(id: string): SubscriptionState {
    const state = this.subscriptions.get(id);
    if (!state) throw new Error(`no subscription ${id} in this account`);
    return state;
  }

  private snapshot(state: SubscriptionState): Record<string, unknown> {
    const cycle = { interval: state.price.interval, frequency: 1 };
    return {
      id: state.id,
      status: state.status,
      customer_id: state.customerId,
      address_id: `add_${state.customerId.slice(4)}`,
      business_id: null,
      currency_code: CURRENCY,
      collection_mode: "automatic",
      custom_data: null,
      billing_cycle: cycle,
      current_billing_period:
        state.status === "canceled" ? null : { starts_at: state.periodStart.toISOString(), ends_at: state.periodEnd.toISOString() },
      next_billed_at: state.status === "active" || state.status === "past_due" ? state.periodEnd.toISOString() : null,
      started_at: state.periodStart.toISOString(),
      first_billed_at: state.periodStart.toISOString(),
      paused_at: state.pausedAt?.toISOString() ?? null,
      canceled_at: state.canceledAt?.toISOString() ?? null,
      discount: null,
      scheduled_change: state.scheduledCancelAt
        ? { action: "cancel", effective_at: state.scheduledCancelAt.toISOString(), resume_at: null }
        : null,
      items: [
        {
          status: "active",
          quantity: state.quantity,
          recurring: true,
          price: {
            id: state.price.id,
            product_id: `pro_${state.price.id.slice(4)}`,
            unit_price: { amount: String(state.price.amount), currency_code: CURRENCY },
            billing_cycle: cycle,
            trial_period: null,
          },
        },
      ],
    };
  }
}

function addInterval(at: Date, interval: Interval): Date {
  const next = new Date(at.getTime());
  if (interval === "month") next.setUTCMonth(next.getUTCMonth() + 1);
  else next.setUTCFullYear(next.getUTCFullYear() + 1);
  return next;
}
