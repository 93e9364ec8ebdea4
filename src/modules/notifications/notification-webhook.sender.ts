import { createHmac } from "node:crypto";
import type { Clock } from "../../clock";
import type { Notification } from "./notification.model";

/** How long a receiver has to answer; a slower one counts as a failed attempt (retried later). */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** The JSON body POSTed for a message: its record as stored, with the secret fields merged into `data`. */
export function webhookBody(notification: Notification, secret: Record<string, string>): string {
  return JSON.stringify({
    id: notification._id.toHexString(),
    kind: notification.kind,
    idempotencyKey: notification.idempotency_key,
    createdAt: notification.created_at.toISOString(),
    subject: notification.subject,
    customerId: notification.customer_id?.toHexString() ?? null,
    licenseId: notification.license_id?.toHexString() ?? null,
    recipientEmail: notification.recipient_email ?? null,
    data: { ...notification.data, ...secret },
  });
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the timestamp is signed too, so a replay can be dated. */
export function webhookSignature(key: string, body: string, unixSeconds: number): string {
  const v1 = createHmac("sha256", key).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${v1}`;
}

/** POSTs messages to NOTIFY_WEBHOOK_URL; any 2xx answer is a delivery, anything else (or no answer) a failure. */
export class WebhookSender {
  constructor(
    private readonly url: string,
    private readonly key: string,
    private readonly clock: Clock,
    private readonly timeoutMs = WEBHOOK_TIMEOUT_MS,
  ) {}

  async send(notification: Notification, secret: Record<string, string>): Promise<void> {
    const body = webhookBody(notification, secret);
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "idempotency-key": notification.idempotency_key,
          "x-chatello-signature": webhookSignature(this.key, body, Math.floor(this.clock() / 1000)),
        },
        body,
        // A redirect is not a delivery: the receiver's address is what the operator configured.
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new Error(describeFetchError(error, this.timeoutMs), { cause: error });
    }
    // The answer's body is not used; reading it frees the connection.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status > 299) throw new Error(`the receiver answered HTTP ${response.status}`);
  }
}

/** fetch says only "fetch failed"; the cause (ECONNREFUSED, a timeout) is what an operator needs. No URL is included. */
function describeFetchError(error: unknown, timeoutMs: number): string {
  // Read by shape, not `instanceof Error`: fetch's errors come from Node's own realm (and a test runner's differs).
  const { name, message, cause } = (error ?? {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (name === "TimeoutError" || name === "AbortError") return `no answer within ${timeoutMs / 1000} s`;
  const detail = typeof cause?.code === "string" ? cause.code : typeof cause?.message === "string" ? cause.message : undefined;
  const text = typeof message === "string" ? message : String(error);
  return detail ? `${text}: ${detail}` : text;
}
