import { dataOf, stringField } from "./billing-customer.service";
import type { WebhookEvent } from "./webhook-event.model";

/** Paddle's subscription statuses (SDK `SubscriptionStatus`). */
export type SubscriptionStatus = "active" | "trialing" | "past_due" | "paused" | "canceled";
const STATUSES: readonly string[] = ["active", "trialing", "past_due", "paused", "canceled"];

export type BillingInterval = "day" | "week" | "month" | "year";
const INTERVALS: readonly string[] = ["day", "week", "month", "year"];

/** One recurring item: a price charged every `frequency` `interval`s. */
export interface RecurringItem {
  priceId: string;
  unitAmountCents: number;
  quantity: number;
  interval: BillingInterval;
  frequency: number;
}

/**
 * What every `subscription.*` event says about its subscription: Paddle sends the whole entity each time, so any
 * one of them (created, updated, past_due, …) is enough to bring the billing state and the license up to date.
 */
export interface SubscriptionSnapshot {
  eventId: string;
  eventType: string;
  occurredAt: Date;
  subscriptionId: string;
  paddleCustomerId: string;
  customData: unknown;
  status: SubscriptionStatus;
  currency: string;
  /** Recurring items, in Paddle's order; the first one's price decides the plan. */
  items: RecurringItem[];
  currentPeriodEndsAt: Date | null;
  /** `scheduled_change.effective_at` when its action is `cancel`. */
  scheduledCancelAt: Date | null;
  discountId: string | null;
}

export type SnapshotResult = { ok: true; snapshot: SubscriptionSnapshot } | { ok: false; error: string };

/** Reads a subscription event; a payload without the fields the lifecycle needs is an error for the operator. */
export function readSubscriptionSnapshot(event: WebhookEvent): SnapshotResult {
  const data = dataOf(event);
  const subscriptionId = stringField(data, "id");
  const paddleCustomerId = stringField(data, "customer_id");
  const status = stringField(data, "status");
  const currency = stringField(data, "currency_code");
  if (!subscriptionId || !paddleCustomerId || !currency)
    return { ok: false, error: "the subscription has no id, customer_id or currency_code" };
  if (!status || !STATUSES.includes(status)) return { ok: false, error: `unknown subscription status ${JSON.stringify(status ?? null)}` };
  if (!event.occurred_at) return { ok: false, error: "the event has no occurred_at" };
  const items = readItems(data["items"]);
  if (typeof items === "string") return { ok: false, error: items };
  const scheduled = objectOf(data["scheduled_change"]);
  return {
    ok: true,
    snapshot: {
      eventId: event.event_id,
      eventType: event.event_type,
      occurredAt: event.occurred_at,
      subscriptionId,
      paddleCustomerId,
      customData: data["custom_data"],
      status: status as SubscriptionStatus,
      currency: currency.toUpperCase(),
      items,
      currentPeriodEndsAt: dateOf(objectOf(data["current_billing_period"])?.["ends_at"]),
      scheduledCancelAt: scheduled && scheduled["action"] === "cancel" ? dateOf(scheduled["effective_at"]) : null,
      discountId: stringField(objectOf(data["discount"]) ?? {}, "id") ?? null,
    },
  };
}

/** The recurring items that are billed, or what is wrong with them. */
function readItems(value: unknown): RecurringItem[] | string {
  if (!Array.isArray(value)) return "the subscription has no items";
  const items: RecurringItem[] = [];
  for (const raw of value) {
    const item = objectOf(raw);
    const price = objectOf(item?.["price"]);
    const cycle = objectOf(price?.["billing_cycle"]);
    // Inactive items are no longer billed; one-time items have no billing cycle.
    if (!item || !price || !cycle || item["recurring"] === false || item["status"] === "inactive") continue;
    const priceId = stringField(price, "id");
    const amount = Number(objectOf(price["unit_price"])?.["amount"]);
    const quantity = item["quantity"] ?? 1;
    const interval = cycle["interval"];
    const frequency = cycle["frequency"] ?? 1;
    if (!priceId) return "an item's price has no id";
    if (!Number.isSafeInteger(amount) || amount < 0) return `price ${priceId} has no unit_price.amount in minor units`;
    if (typeof quantity !== "number" || !Number.isSafeInteger(quantity) || quantity < 0) return `item ${priceId} has a bad quantity`;
    if (typeof interval !== "string" || !INTERVALS.includes(interval)) return `price ${priceId} has an unknown billing interval`;
    if (typeof frequency !== "number" || !Number.isSafeInteger(frequency) || frequency < 1) return `price ${priceId} has a bad frequency`;
    items.push({ priceId, unitAmountCents: amount, quantity, interval: interval as BillingInterval, frequency });
  }
  return items;
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function dateOf(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
