import type { IncomingWebhookEvent } from "./webhook-event.service";

export type EnvelopeResult = { ok: true; event: IncomingWebhookEvent } | { ok: false; error: string };

const MAX_ID_LENGTH = 200;

/**
 * Reads a verified Paddle body: the envelope fields we key, order and group by; the whole body is kept as received.
 * A signed body can still be malformed (Paddle's bug, or a test); it gets a 400, never a 500.
 */
export function readPaddleEnvelope(rawBody: string): EnvelopeResult {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { ok: false, error: "Invalid JSON body" };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { ok: false, error: "The body must be a JSON object" };
  const payload = body as Record<string, unknown>;
  const eventId = shortString(payload["event_id"]);
  const eventType = shortString(payload["event_type"]);
  if (eventId === undefined || eventType === undefined) {
    return { ok: false, error: "The event needs event_id and event_type (strings)" };
  }
  const occurredAt = typeof payload["occurred_at"] === "string" ? new Date(payload["occurred_at"]) : null;
  if (occurredAt !== null && Number.isNaN(occurredAt.getTime())) return { ok: false, error: "occurred_at is not a date" };
  const data = typeof payload["data"] === "object" && payload["data"] !== null ? (payload["data"] as Record<string, unknown>) : {};
  return {
    ok: true,
    event: {
      provider: "paddle",
      eventId,
      eventType,
      occurredAt,
      notificationId: shortString(payload["notification_id"]) ?? null,
      groupKey: groupKeyOf(data),
      payload,
    },
  };
}

/**
 * Every Paddle event carries the whole entity it is about (`data.id`: `sub_…`, `txn_…`, `adj_…`, …), so order is
 * kept per entity: a late snapshot of a subscription must not replace a newer one, while a subscription's and its
 * transactions' events are independent of each other.
 */
function groupKeyOf(data: Record<string, unknown>): string | null {
  return shortString(data["id"]) ?? null;
}

function shortString(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_ID_LENGTH ? value : undefined;
}
