/**
 * Paddle event payloads, adapted from the SDK's own mocks (PaddleHQ/paddle-node-sdk
 * src/__tests__/mocks/notifications/*.mock.ts, trimmed; the npm package ships no tests), in Paddle's snake_case shape.
 * Each call returns a fresh object, so a test can change ids and times without touching another test's.
 */

export function subscriptionCreated(overrides: { eventId?: string; occurredAt?: string; subscriptionId?: string } = {}) {
  return {
    event_id: overrides.eventId ?? "evt_01h7ht60jy5hpdv5x8tfsaxje4",
    event_type: "subscription.created",
    occurred_at: overrides.occurredAt ?? "2023-08-11T08:07:38.334150Z",
    notification_id: "ntf_01h7ht60n4grsa2a5ddd54h1j0",
    data: {
      id: overrides.subscriptionId ?? "sub_01h7ht5z5wdg9pz18jx1fagp8k",
      status: "active",
      customer_id: "ctm_01h7hswb86rtps5ggbq7ybydcw",
      transaction_id: "txn_01h7hst69d7tar4rm6vyeb0j36",
      currency_code: "USD",
      collection_mode: "automatic",
      custom_data: null,
      scheduled_change: null,
      billing_cycle: { interval: "month", frequency: 1 },
      current_billing_period: { starts_at: "2023-08-11T08:07:35.449123Z", ends_at: "2023-09-11T08:07:35.449123Z" },
      next_billed_at: "2023-09-11T08:07:35.449123Z",
      canceled_at: null,
      paused_at: null,
      items: [
        {
          status: "active",
          quantity: 10,
          recurring: true,
          price: {
            id: "pri_01gsz8x8sawmvhz1pv30nge1ke",
            product_id: "pro_01gsz4t5hdjse780zja8vvr7jg",
            unit_price: { amount: "3240", currency_code: "USD" },
            billing_cycle: { interval: "month", frequency: 1 },
            trial_period: null,
          },
        },
      ],
    },
  };
}

/** A `subscription.updated` of the same subscription, with the status it moved to. */
export function subscriptionUpdated(options: { eventId: string; occurredAt: string; status: string; subscriptionId?: string }) {
  const created = subscriptionCreated({ subscriptionId: options.subscriptionId });
  return {
    ...created,
    event_id: options.eventId,
    event_type: "subscription.updated",
    occurred_at: options.occurredAt,
    notification_id: `ntf_${options.eventId.slice(4)}`,
    data: { ...created.data, status: options.status },
  };
}

export function transactionCompleted() {
  return {
    event_id: "evt_01h8e1jxjnw9ra6zarhnz1a7y1",
    event_type: "transaction.completed",
    occurred_at: "2023-08-22T07:15:45.366122Z",
    notification_id: "ntf_01h8e1jxmaj4nkm5nh7v4c6ztz",
    data: {
      id: "txn_01h8dzxgkvdwemdhbpcapj2tbj",
      status: "completed",
      origin: "web",
      subscription_id: null,
      invoice_number: null,
      customer_id: "ctm_01h8441jn5pcwrfhwh78jqt8hk",
      currency_code: "USD",
      billed_at: "2023-08-22T07:15:42.164658Z",
      details: {
        totals: {
          subtotal: "59900",
          tax: "5315",
          total: "65215",
          grand_total: "65215",
          fee: "3311",
          earnings: "56589",
          discount: "0",
          credit: "0",
          balance: "0",
          currency_code: "USD",
        },
      },
    },
  };
}

/** An event type the platform has no handler for (Paddle adds types; they must not break the endpoint). */
export function unknownEvent() {
  return {
    event_id: "evt_01hunknown0000000000000001",
    event_type: "api_key.expiring",
    occurred_at: "2024-01-01T00:00:00.000000Z",
    notification_id: "ntf_01hunknown0000000000000001",
    data: { id: "apikey_01hunknown", status: "active" },
  };
}
