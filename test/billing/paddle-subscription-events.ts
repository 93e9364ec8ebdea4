/**
 * Builders of Paddle `customer.*` and `subscription.*` events, in the shape of the SDK's mocks
 * (subscription-created.mock.ts; see paddle-events.ts), for lifecycle scenarios: every subscription event carries
 * the whole subscription, as Paddle sends it.
 */

let sequence = 0;
/** A fresh event id per call (tests replay one object to simulate a duplicate delivery). */
export function nextEventId(prefix = "evt_sub"): string {
  sequence += 1;
  return `${prefix}_${process.pid}_${sequence.toString().padStart(6, "0")}`;
}

export function customerCreated(options: { customerId: string; email: string; occurredAt: string; eventId?: string; name?: string }) {
  const eventId = options.eventId ?? nextEventId("evt_ctm");
  return {
    event_id: eventId,
    event_type: "customer.created",
    occurred_at: options.occurredAt,
    notification_id: `ntf_${eventId.slice(4)}`,
    data: {
      id: options.customerId,
      name: options.name ?? null,
      email: options.email,
      locale: "en",
      status: "active",
      custom_data: null,
      marketing_consent: false,
      created_at: options.occurredAt,
      updated_at: options.occurredAt,
    },
  };
}

export interface SubscriptionItemSpec {
  priceId: string;
  /** Minor units, as Paddle's string amount. */
  amount: number;
  quantity?: number;
  interval?: "day" | "week" | "month" | "year";
  frequency?: number;
}

export interface SubscriptionSpec {
  type: string;
  subscriptionId: string;
  customerId: string;
  status: "active" | "trialing" | "past_due" | "paused" | "canceled";
  occurredAt: string;
  items: SubscriptionItemSpec[];
  eventId?: string;
  currency?: string;
  /** A cancellation at the end of the period (`scheduled_change: {action: "cancel", effective_at}`). */
  scheduledCancelAt?: string | null;
  periodEndsAt?: string;
  discountId?: string | null;
  customData?: Record<string, unknown> | null;
}

export function subscriptionEvent(spec: SubscriptionSpec) {
  const eventId = spec.eventId ?? nextEventId();
  const periodEnds = spec.periodEndsAt ?? "2099-12-01T00:00:00.000000Z";
  return {
    event_id: eventId,
    event_type: spec.type,
    occurred_at: spec.occurredAt,
    notification_id: `ntf_${eventId.slice(4)}`,
    data: {
      id: spec.subscriptionId,
      status: spec.status,
      customer_id: spec.customerId,
      address_id: "add_01h7hswb86rtps5ggbq7ybydcw",
      transaction_id: "txn_01h7hst69d7tar4rm6vyeb0j36",
      currency_code: spec.currency ?? "EUR",
      collection_mode: "automatic",
      custom_data: spec.customData ?? null,
      discount: spec.discountId ? { id: spec.discountId, starts_at: spec.occurredAt, ends_at: null } : null,
      scheduled_change: spec.scheduledCancelAt ? { action: "cancel", effective_at: spec.scheduledCancelAt, resume_at: null } : null,
      billing_cycle: { interval: spec.items[0]?.interval ?? "month", frequency: spec.items[0]?.frequency ?? 1 },
      current_billing_period: { starts_at: spec.occurredAt, ends_at: periodEnds },
      next_billed_at: spec.status === "canceled" ? null : periodEnds,
      canceled_at: spec.status === "canceled" ? spec.occurredAt : null,
      paused_at: spec.status === "paused" ? spec.occurredAt : null,
      items: spec.items.map((item) => ({
        status: spec.status === "trialing" ? "trialing" : "active",
        quantity: item.quantity ?? 1,
        recurring: true,
        price: {
          id: item.priceId,
          product_id: "pro_01gsz4t5hdjse780zja8vvr7jg",
          unit_price: { amount: String(item.amount), currency_code: spec.currency ?? "EUR" },
          billing_cycle: { interval: item.interval ?? "month", frequency: item.frequency ?? 1 },
          trial_period: null,
        },
      })),
    },
  };
}
